-- Durable single-event writes: an elderly check for a person aged 60+ (ids
-- from BENCH_OLD, a file with one id a line), a fresh UUID each time.
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local ids = {}
for line in io.lines(os.getenv("BENCH_OLD")) do ids[#ids + 1] = line end
local counter = 0
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
-- Each run seeded apart: unseeded, every wrk run drew the same "fresh"
-- UUIDs, so a batch run after the single events sent ids already recorded
-- (answered as duplicates, and not counted as recorded).
init = function(args) math.randomseed(os.time() * 64 + (tid or 0)) end
-- BENCH_UUID=v4: random ids, as another system might send; otherwise
-- time-ordered ids (UUIDv7, RFC 9562), as danso's own clients make them:
-- 48 bits of Unix milliseconds first (wrk's Lua has only seconds, so the
-- thousandths are a counter), then random bits.
local v4 = os.getenv("BENCH_UUID") == "v4"
local function uuid()
  counter = counter + 1
  if v4 then
    return string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff), tid or 0,
      math.random(0, 0xfff), math.random(0, 0xfff), counter * 1000003 % 0xffffffffffff + math.random(0, 0xfffff))
  end
  local ms = os.time() * 1000 + counter % 1000
  return string.format("%08x-%04x-7%03x-%04x-%012x", math.floor(ms / 0x10000), ms % 0x10000,
    math.random(0, 0xfff), 0x8000 + (tid or 0) % 4 * 0x1000 + math.random(0, 0xfff),
    counter * 1000003 % 0xffffffffffff + math.random(0, 0xfffff))
end
local batch = tonumber(os.getenv("BENCH_BATCH") or "0")
-- The checks' dates: at random in 2024 (the default, so that each of the
-- engine's merges reaches back to January 2024), or with BENCH_RECENT=1
-- in January to November 2026, the months before today, as phones send them.
local recent = os.getenv("BENCH_RECENT") == "1"
local function one()
  return string.format('{"id":"%s","type":"elderly_check","date":"%d-%02d-%02d","person":"%s","facility":"TYT"}',
    uuid(), recent and 2026 or 2024, math.random(1, recent and 11 or 12), math.random(1, 28), ids[math.random(#ids)])
end
request = function()
  local headers = { ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf, ["Content-Type"] = "application/json" }
  if batch > 0 then
    local parts = {}
    for i = 1, batch do parts[i] = one() end
    return wrk.format("POST", "/api/v1/events/batch", headers, '{"events":[' .. table.concat(parts, ",") .. ']}')
  end
  return wrk.format("POST", "/api/v1/events", headers, one())
end
