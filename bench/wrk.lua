-- wrk script of the agepartners benchmark. Every request is the next line of the file
-- named by BENCH_REQUESTS ("path<TAB>cookie", one partner's session per line; an empty
-- cookie sends none), so the load rotates over a few hundred different partners instead
-- of one partner reloading one page. Each thread starts at a different line. At the end
-- it prints one machine-readable line with the figures of the run.
local next_thread = 0

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local host = os.getenv("BENCH_HOST") or "127.0.0.1"
  requests = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    local headers = { ["Host"] = host, ["Accept-Encoding"] = "identity" }
    if cookie ~= "" then
      headers["Cookie"] = cookie
    end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  count = #requests
  position = ((thread_index or 0) * 7919) % count
end

function request()
  position = position % count + 1
  return requests[position]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
