-- wrk script for Benchmarks/endpoint_throughput.sh and inference_throughput.sh: POST a JSON body,
-- count what came back.
--
-- Environment (read by every wrk thread):
--   WRK_BODY     request body (default {"a":1,"b":2}); WRK_BODY_FILE: a file holding it instead
--   WRK_CONTENT_TYPE  Content-Type (default application/json)
--   WRK_AUTH     value of the Authorization header, if set (e.g. "EndpointToken abc")
--   WRK_EXPECT   Lua pattern a 2xx body must match, else it counts as bad_body
--                (default: "sum" is 3, or 3.0)
--   WRK_REPORT   path of a JSON file that done() writes (requests, latency percentiles
--                in microseconds, socket errors, non-2xx, bad bodies, status counts)
--
-- Defining response() makes wrk hand every response to Lua; for a tiny JSON body that
-- costs far less than any of the servers measured here, and the same script is used
-- for all of them.

local body = os.getenv("WRK_BODY") or '{"a":1,"b":2}'
local body_path = os.getenv("WRK_BODY_FILE")
if body_path then
  local body_file = assert(io.open(body_path, "rb"))
  body = body_file:read("*a")
  body_file:close()
end
local auth = os.getenv("WRK_AUTH")
local expect = os.getenv("WRK_EXPECT") or '"sum"%s*:%s*3%.?0*[^%d%.eE]'

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/json"
if auth ~= nil and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

-- Main state: keep the threads so done() can read their counters.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Thread states: globals, so thread:get() can read them.
function init(args)
  responses = 0
  non2xx = 0
  bad_body = 0
  statuses = {}
  first_bad = ""
end

function response(status, headers, resp_body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then first_bad = tostring(status) .. " " .. string.sub(resp_body or "", 1, 300) end
  elseif resp_body == nil or not string.find(resp_body, expect) then
    bad_body = bad_body + 1
    if first_bad == "" then first_bad = tostring(status) .. " " .. string.sub(resp_body or "", 1, 300) end
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local total = { responses = 0, non2xx = 0, bad_body = 0 }
  local codes = {}
  local sample = ""
  for _, thread in ipairs(threads) do
    total.responses = total.responses + (thread:get("responses") or 0)
    total.non2xx = total.non2xx + (thread:get("non2xx") or 0)
    total.bad_body = total.bad_body + (thread:get("bad_body") or 0)
    for code, count in pairs(thread:get("statuses") or {}) do
      codes[code] = (codes[code] or 0) + count
    end
    local fb = thread:get("first_bad") or ""
    if sample == "" then sample = fb end
  end

  local seconds = summary.duration / 1e6
  local e = summary.errors
  local fields = {
    string.format('"requests": %d', summary.requests),
    string.format('"duration_s": %.6f', seconds),
    string.format('"requests_per_s": %.3f', summary.requests / seconds),
    string.format('"good_per_s": %.3f', (total.responses - total.non2xx - total.bad_body) / seconds),
    string.format('"bytes": %d', summary.bytes),
    string.format('"responses": %d', total.responses),
    string.format('"non2xx": %d', total.non2xx),
    string.format('"bad_body": %d', total.bad_body),
    string.format('"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status_ge_400": %d}',
      e.connect, e.read, e.write, e.timeout, e.status),
  }
  local lat = {}
  for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
    table.insert(lat, string.format('"p%s": %d', tostring(p), latency:percentile(p)))
  end
  table.insert(lat, string.format('"min": %d', latency.min))
  table.insert(lat, string.format('"max": %d', latency.max))
  table.insert(lat, string.format('"mean": %.3f', latency.mean))
  table.insert(lat, string.format('"stdev": %.3f', latency.stdev))
  table.insert(fields, '"latency_us": {' .. table.concat(lat, ", ") .. "}")
  local sc = {}
  for code, count in pairs(codes) do
    table.insert(sc, string.format('"%d": %d', code, count))
  end
  table.insert(fields, '"statuses": {' .. table.concat(sc, ", ") .. "}")
  table.insert(fields, '"first_bad_response": ' .. json_string(sample))
  local out = "{" .. table.concat(fields, ", ") .. "}\n"

  io.write(string.format("post.lua: %d requests, %.1f req/s, p50 %.3f ms, p99 %.3f ms, non-2xx %d, bad body %d, socket errors %d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    total.non2xx, total.bad_body, e.connect + e.read + e.write + e.timeout))
  local path = os.getenv("WRK_REPORT")
  if path ~= nil and path ~= "" then
    local f = assert(io.open(path, "w"))
    f:write(out)
    f:close()
  end
end
