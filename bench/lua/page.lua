-- wrk script for the page and API benchmarks (register, measures dashboard, inbox, archive search):
-- `wrk ... -s page.lua URL -- MARKER [PATH ...]`. Every response must be a 200 whose body holds MARKER (a
-- text only that page carries): a redirect to the sign-in page or an error page would otherwise be timed
-- as if it were the page. With PATHs, each request takes the next of them in turn instead of URL's path.
-- done() prints one JSON line (prefixed WRK_JSON) that the benchmarks read; latencies are in milliseconds.

local threads = {}
local paths = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  marker = args[1]
  responses = 0
  bad = 0
  first_bad_status = 0
  counter = 0
  for i = 2, #args do table.insert(paths, args[i]) end
end

-- wrk decides before init whether requests are made by the script, so request() is always defined;
-- without PATHs it returns the one request built from the command line, once.
function request()
  if #paths == 0 then
    fixed = fixed or wrk.format()
    return fixed
  end
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 or not string.find(body, marker, 1, true) then
    bad = bad + 1
    if first_bad_status == 0 then first_bad_status = status end
  end
end

function done(summary, latency, requests)
  local seen, failed, first = 0, 0, 0
  for _, t in ipairs(threads) do
    seen = seen + t:get("responses")
    failed = failed + t:get("bad")
    if first == 0 then first = t:get("first_bad_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "responses": %d, "bad_responses": %d, "first_bad_status": %d, ' ..
    '"duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, "max_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, seen, failed, first, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
