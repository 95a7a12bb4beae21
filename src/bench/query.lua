-- wrk script of src/bench/bench: closed-loop POST /query over a fixed set of sessions, so that
-- no two in-flight requests ever share a session (a prompt would queue behind the other one).
--
--   WRK_SESSIONS=FILE WRK_TOKEN=JWT WRK_THREADS=2 [WRK_PORTS="PORT2 ..."] \
--     wrk -t2 -c16 --latency --timeout 30s -s query.lua http://127.0.0.1:PORT/query
--
-- FILE has one session id a line (64 for 16 connections). Thread t (of T) owns the
-- sessions of lines t, t+T, t+2T, ... (32 each with -t2). wrk calls request() per request of a
-- thread, not per connection, and does not say which connection it is for, so a thread keeps its
-- own sessions as a queue of free ones: request() takes the head and marks it busy, response()
-- finds the "session_id" in the answer and puts that session back at the tail. A session is thus
-- in at most one in-flight request at a time, and each is used in turn (round robin). If an answer
-- names no busy session (an error body) that session stays busy; should no session be free, the
-- oldest busy one is reused and counted as "reused" (0 in a clean run). wrk calls request() of
-- thread 0 once before the run to check the request; that session stays marked busy (thread 0
-- rotates over one session less), which is harmless, unlike sending a busy session.
-- WRK_PORTS spreads the threads over more nodes on 127.0.0.1 (thread t → node t mod N).
-- done() prints one line "wrk-figures key=value ..." for the bench script to read.

local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
  -- more nodes: thread t goes to node t mod N (the first node is the URL's)
  local ports = {}
  for p in (os.getenv("WRK_PORTS") or ""):gmatch("%d+") do ports[#ports + 1] = p end
  local node = (created - 1) % (#ports + 1)
  if node > 0 then
    thread.addr = wrk.lookup("127.0.0.1", ports[node])[1]
  end
end

local free, busy, token, path
local sent = 0
-- counters are globals: done() reads them from each thread's state with thread:get
non200, unmatched, reused = 0, 0, 0

function init(args)
  local file = os.getenv("WRK_SESSIONS")
  local count = tonumber(os.getenv("WRK_THREADS"))
  token = os.getenv("WRK_TOKEN")
  path = wrk.path
  free, busy = {}, {}
  local i = 0
  for line in io.lines(file) do
    local s = line:match("^%s*(%S+)%s*$")
    if s then
      if i % count == id then free[#free + 1] = s end
      i = i + 1
    end
  end
  if #free == 0 then error("thread " .. id .. ": no session for it in " .. file) end
end

local function take()
  local s = table.remove(free, 1)
  if s == nil then
    -- no free session: reuse the one sent longest ago (not expected; counted)
    local oldest, at = nil, math.huge
    for k, t in pairs(busy) do
      if t < at then oldest, at = k, t end
    end
    s = oldest
    reused = reused + 1
  end
  sent = sent + 1
  busy[s] = sent
  return s
end

function request()
  local s = take()
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, '{"prompt":"bench ' .. sent .. '","session_id":"' .. s .. '"}')
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
  local s = body and body:match('"session_id":"([%x%-]+)"')
  if s and busy[s] then
    busy[s] = nil
    free[#free + 1] = s
  else
    unmatched = unmatched + 1
  end
end

function done(summary, latency, requests)
  local n200, nunmatched, nreused = 0, 0, 0
  for _, t in ipairs(threads) do
    n200 = n200 + (t:get("non200") or 0)
    nunmatched = nunmatched + (t:get("unmatched") or 0)
    nreused = nreused + (t:get("reused") or 0)
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "wrk-figures requests=%d seconds=%.2f rps=%.2f p50=%.3f p90=%.3f p99=%.3f max=%.3f non200=%d socket_errors=%d unmatched=%d reused=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, n200, e.connect + e.read + e.write + e.timeout, nunmatched, nreused))
end
