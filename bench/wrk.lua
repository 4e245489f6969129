-- wrk.lua: wrk script for bench/run: an optional request body, and the figures as one JSON line.
--
-- BENCH_METHOD, BENCH_BODY and BENCH_CONTENT_TYPE (environment) turn the
-- request into e.g. POST /token with a form body.  done() prints one line
-- "BENCH-JSON {...}" that bench/run reads: counts, duration and latency
-- percentiles in microseconds, straight from wrk's histogram, so that no
-- figure is re-parsed from the human-readable summary.

local method = os.getenv("BENCH_METHOD")
if method ~= nil and method ~= "" then
	wrk.method = method
	wrk.body = os.getenv("BENCH_BODY") or ""
	wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or
		"application/x-www-form-urlencoded"
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
		'"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
		'"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
		summary.requests, summary.duration, summary.bytes,
		e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50.0), latency:percentile(90.0), latency:percentile(99.0),
		latency.max, latency.mean))
end
