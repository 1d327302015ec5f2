-- wrk script: chat.postMessage with auth headers; ids and room come from the environment (set by post-message.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-User-Id"] = os.getenv("BENCH_USER_ID")
wrk.headers["X-Auth-Token"] = os.getenv("BENCH_TOKEN")
wrk.body = '{"roomId":"' .. os.getenv("BENCH_ROOM_ID") .. '","text":"' .. string.rep("x", 200) .. '"}'

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d errors_socket=%d duration_s=%.3f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6))
  io.write(string.format("BENCH msgs_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
