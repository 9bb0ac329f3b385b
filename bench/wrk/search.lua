-- Name searches (diacritics-free) drawn from common family and given names.
local cookie = os.getenv("BENCH_COOKIE")
local fam = { "nguyen", "tran", "le", "pham", "hoang", "phan", "vu", "dang", "bui", "do" }
local giv = { "van an", "thi lan", "van nam", "thi mai", "huu son", "ngoc hoa", "minh tam", "thi yen" }
request = function()
  local q = fam[math.random(#fam)] .. "%20" .. giv[math.random(#giv)]:gsub(" ", "%%20")
  return wrk.format("GET", "/api/v1/persons?q=" .. q .. "&size=20", { ["Cookie"] = cookie })
end
