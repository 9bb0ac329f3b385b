-- GET a person chosen at random from BENCH_IDS (a file with one id a line).
local cookie = os.getenv("BENCH_COOKIE")
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
request = function()
  return wrk.format("GET", "/api/v1/persons/" .. ids[math.random(#ids)], { ["Cookie"] = cookie })
end
