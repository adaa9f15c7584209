-- Appended to every wrk script: numbers each thread, then prints one JSON line for bench/harness.py.
-- A path script may keep `statuses` (code -> count) and `setup_requests` (its one-off token fetches).
local reporter_threads = {}

function setup(thread)
  table.insert(reporter_threads, thread)
  thread:set("thread_id", #reporter_threads)
end

function done(summary, latency, requests)
  local statuses, setup_requests = {}, 0
  for _, thread in ipairs(reporter_threads) do
    setup_requests = setup_requests + (thread:get("setup_requests") or 0)
    for code, n in pairs(thread:get("statuses") or {}) do
      statuses[code] = (statuses[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(statuses) do
    table.insert(parts, string.format('"%s":%d', code, n))
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"status":%d,"setup_requests":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, setup_requests, table.concat(parts, ",")))
end
