// App.tsx: Refine with the bridge's providers, antd's layout, and the routes of the four resources.
import { Authenticated, Refine, useGetIdentity, useTranslate } from "@refinedev/core";
import { ErrorComponent, ThemedLayout, ThemedTitle, useNotificationProvider } from "@refinedev/antd";
import routerProvider, { CatchAllNavigate, DocumentTitleHandler, NavigateToResource, UnsavedChangesNotifier } from "@refinedev/react-router";
import { ShopOutlined, ShoppingCartOutlined, TagsOutlined, TeamOutlined } from "@ant-design/icons";
import { App as AntdApp, ConfigProvider, Layout, Select, Space, Typography } from "antd";
import enUS from "antd/locale/en_US";
import esES from "antd/locale/es_ES";
import { BrowserRouter, Outlet, Route, Routes } from "react-router";
import "@refinedev/antd/dist/reset.css";

import { currentLanguage, i18nProvider } from "./i18n";
import { LoginPage } from "./pages/login";
import { PartnerCreate, PartnerEdit, PartnerList, PartnerShow } from "./pages/partners";
import { ProductCreate, ProductEdit, ProductList, ProductShow } from "./pages/products";
import { SaleCreate, SaleEdit, SaleList, SaleShow } from "./pages/sales";
import { authProvider, dataProvider } from "./providers";

function Header() {
	const t = useTranslate();
	const { data: me } = useGetIdentity<{ name: string; login: string }>();
	return (
		<Layout.Header style={{ background: "#fff", display: "flex", justifyContent: "flex-end", alignItems: "center", padding: "0 24px" }}>
			<Space size="large">
				<Typography.Text data-testid="identity">{me?.name}</Typography.Text>
				<span data-testid="language">
					<Select
						aria-label={t("app.language")}
						value={currentLanguage()}
						onChange={(lang) => void i18nProvider.changeLocale?.(lang)}
						options={[{ value: "es", label: "Español" }, { value: "en", label: "English" }]}
						style={{ width: 120 }}
					/>
				</span>
			</Space>
		</Layout.Header>
	);
}

const Title = ({ collapsed }: { collapsed: boolean }) => <ThemedTitle collapsed={collapsed} text="Odoo · Refine" />;

const partnerRoutes = (kind: "customers" | "suppliers") => (
	<Route path={`/${kind}`}>
		<Route index element={<PartnerList />} />
		<Route path="create" element={<PartnerCreate />} />
		<Route path="edit/:id" element={<PartnerEdit />} />
		<Route path="show/:id" element={<PartnerShow />} />
	</Route>
);

export function App() {
	return (
		<BrowserRouter>
			<ConfigProvider locale={currentLanguage() === "en" ? enUS : esES}>
				{/* Bottom left: at the right a notification would cover the header buttons (top) or the save button (bottom). */}
				<AntdApp notification={{ placement: "bottomLeft" }}>
					<Refine
						dataProvider={dataProvider}
						authProvider={authProvider}
						i18nProvider={i18nProvider}
						routerProvider={routerProvider}
						notificationProvider={useNotificationProvider}
						resources={[
							{ name: "products", list: "/products", create: "/products/create", edit: "/products/edit/:id", show: "/products/show/:id", meta: { icon: <TagsOutlined /> } },
							{ name: "customers", list: "/customers", create: "/customers/create", edit: "/customers/edit/:id", show: "/customers/show/:id", meta: { icon: <TeamOutlined /> } },
							{ name: "suppliers", list: "/suppliers", create: "/suppliers/create", edit: "/suppliers/edit/:id", show: "/suppliers/show/:id", meta: { icon: <ShopOutlined /> } },
							{ name: "sales", list: "/sales", create: "/sales/create", edit: "/sales/edit/:id", show: "/sales/show/:id", meta: { icon: <ShoppingCartOutlined /> } },
						]}
						options={{ syncWithLocation: true, warnWhenUnsavedChanges: true, disableTelemetry: true }}
					>
						<Routes>
							<Route
								element={
									<Authenticated key="app" fallback={<CatchAllNavigate to="/login" />}>
										<ThemedLayout Header={Header} Title={Title}>
											<Outlet />
										</ThemedLayout>
									</Authenticated>
								}
							>
								<Route index element={<NavigateToResource resource="products" />} />
								<Route path="/products">
									<Route index element={<ProductList />} />
									<Route path="create" element={<ProductCreate />} />
									<Route path="edit/:id" element={<ProductEdit />} />
									<Route path="show/:id" element={<ProductShow />} />
								</Route>
								{partnerRoutes("customers")}
								{partnerRoutes("suppliers")}
								<Route path="/sales">
									<Route index element={<SaleList />} />
									<Route path="create" element={<SaleCreate />} />
									<Route path="edit/:id" element={<SaleEdit />} />
									<Route path="show/:id" element={<SaleShow />} />
								</Route>
								<Route path="*" element={<ErrorComponent />} />
							</Route>
							<Route
								element={
									<Authenticated key="login" fallback={<Outlet />}>
										<NavigateToResource resource="products" />
									</Authenticated>
								}
							>
								<Route path="/login" element={<LoginPage />} />
							</Route>
						</Routes>
						<UnsavedChangesNotifier />
						<DocumentTitleHandler />
					</Refine>
				</AntdApp>
			</ConfigProvider>
		</BrowserRouter>
	);
}
