-- wrk script: a CI-style JSON payload into an incoming webhook (the path comes from webhooks.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"Build #1234 passed on main","status":"passed","build":1234,"branch":"main","author":"ana"}'

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d errors_socket=%d duration_s=%.3f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6))
  io.write(string.format("BENCH requests_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
