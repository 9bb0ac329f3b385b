-- GET a person chosen at random among the first N ids (P000000001 ...).
local n = tonumber(os.getenv("BENCH_PERSONS") or "100000")
local prefix = os.getenv("BENCH_PREFIX") or "P"
local width = tonumber(os.getenv("BENCH_WIDTH") or "9")
local cookie = os.getenv("BENCH_COOKIE")
request = function()
  local id = string.format("%s%0" .. width .. "d", prefix, math.random(1, n))
  return wrk.format("GET", "/api/v1/persons/" .. id, { ["Cookie"] = cookie })
end
