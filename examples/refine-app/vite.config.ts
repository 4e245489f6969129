// vite.config.ts: build the app into dist/, to be served by the same lighttpd as the API (README).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
	plugins: [react()],
	resolve: {
		// src/providers.ts imports the project's own providers from
		// ../refine/*.ts (not copies); their imports of axios, simple-rest and
		// Refine must resolve to this app's node_modules, one copy each.
		dedupe: ["axios", "@refinedev/core", "@refinedev/simple-rest", "react", "react-dom"],
	},
	server: {
		// The dev server reads ../refine too.
		fs: { allow: [".."] },
		// `npm run dev`: the API of a local `tools/demo` (port 8000) on the same origin.
		proxy: {
			"/api": "http://127.0.0.1:8000",
			"/token": "http://127.0.0.1:8000",
			"/health": "http://127.0.0.1:8000",
		},
	},
	build: {
		outDir: "dist",
		// antd is one large chunk; the size is reported by the build and the browser test.
		chunkSizeWarningLimit: 2000,
	},
});
