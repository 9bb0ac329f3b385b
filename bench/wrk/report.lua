-- A report for a unit and period (BENCH_REPORT: the path and query).
local cookie = os.getenv("BENCH_COOKIE")
local path = os.getenv("BENCH_REPORT")
request = function()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
