-- wrk script: POST :createOrUpdateNumbers batches of 100 new numbers, spread over 1,000 accounts,
-- for as long as wrk runs (-d). Every number is new.
-- Usage: wrk -t2 -c8 -d60s -s bench/batch.lua http://127.0.0.1:PORT -- TOKEN
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  token = args[1]
  sent = 0
  headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
  local batch = id * 1000000 + sent
  sent = sent + 1
  local parts = {}
  for i = 0, 99 do
    local n = batch * 100 + i
    parts[#parts + 1] = string.format(
      '{"telephoneNumber":"+4420%09d","serviceDetails":{"teamsDirectRouting":{"enabled":true}},"configuration":{"customSipHeader":"hdr%d"}}', n, n)
  end
  local path = string.format("/accounts/acct%04d:createOrUpdateNumbers?api-version=2024-02-29-preview", batch % 1000)
  return wrk.format("POST", path, headers, '{"numbers":[' .. table.concat(parts, ",") .. ']}')
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d seconds=%.2f rps=%.1f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
