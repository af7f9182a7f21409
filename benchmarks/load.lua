-- wrk script for benchmarks/load.py. LOAD_MODE says what one request is:
--   paths     anonymous GET, rotating over the paths in LOAD_DATA (one a line)
--   mytables  GET "path<TAB>cookie": each line one logged-in person's page
--   register  "event<TAB>cookie<TAB>csrf": each person in turn GETs the form,
--             POSTs a registration, POSTs its cancellation, and again; people
--             start at different steps so every moment has the same mix.
-- Each thread takes every n-th person, so no person is in two threads; a thread
-- has far more people than connections, so a person's next request is sent
-- only after their previous one has been answered.
--   LOAD_THINK_MS  when > 0, every connection is a user who thinks 0.5x-1.5x that
--                  long before each request (wrk's delay(); not counted in latency).
local mode = os.getenv("LOAD_MODE")
local think = tonumber(os.getenv("LOAD_THINK_MS") or "0")

if think > 0 then
  function delay()
    return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
  end
end
local threads, created = {}, 0

function setup(thread)
  thread:set("thread_no", created)
  created = created + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for value in string.gmatch(line, "[^\t]+") do table.insert(fields, value) end
  return fields
end

function init(args)
  rows, steps, statuses, k = {}, {}, {}, 0
  local n = 0
  for line in io.lines(os.getenv("LOAD_DATA")) do
    -- Anonymous paths can be shared; people cannot.
    if mode == "paths" or n % tonumber(os.getenv("LOAD_THREADS")) == thread_no then
      table.insert(rows, split(line))
      steps[#rows] = #rows % 3
    end
    n = n + 1
  end
end

local FORM = {["Content-Type"] = "application/x-www-form-urlencoded"}

function request()
  k = k % #rows + 1
  local row = rows[k]
  if mode == "paths" then
    return wrk.format("GET", row[1])
  elseif mode == "mytables" then
    return wrk.format("GET", row[1], {Cookie = row[2]})
  end
  local step = steps[k]
  steps[k] = (step + 1) % 3
  local base = "/events/" .. row[1]
  if step == 0 then
    return wrk.format("GET", base .. "/register", {Cookie = row[2]})
  end
  local headers = {Cookie = row[2], ["Content-Type"] = FORM["Content-Type"]}
  if step == 1 then
    return wrk.format("POST", base .. "/register", headers,
                      "csrf_token=" .. row[3] .. "&goals=learn&goals=peers&intro=&acknowledge=y")
  end
  return wrk.format("POST", base .. "/cancel-registration", headers, "csrf_token=" .. row[3])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, status .. ":" .. count) end
  local errors = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50=%d p95=%d p99=%d socket_errors=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ",")))
end
