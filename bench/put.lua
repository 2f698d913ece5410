-- wrk script: PUT single numbers (create or replace) into 8 accounts, one per connection.
-- Usage: wrk -t2 -c8 -d20s -s bench/put.lua http://127.0.0.1:PORT -- TOKEN
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  n = 0
end

function request()
  n = n + 1
  local number = string.format("+44%03d%06d", 900 + id, n % 50000)
  local account = string.format("acct%04d", id)
  local body = '{"telephoneNumber":"' .. number .. '","serviceDetails":{"teamsDirectRouting":{"enabled":true}}}'
  local path = "/accounts/" .. account .. "/numbers/%2B" .. string.sub(number, 2) .. "?api-version=2024-02-29-preview"
  return wrk.format("PUT", path, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("WRK requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    non2xx, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
