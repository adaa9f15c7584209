-- The stack floor's form POST (bench/floor.py), each with a new address: args = run id.
local run_id
local posted = 0

function init(args)
  run_id = args[1]
end

function request()
  if form == nil then
    return wrk.format("GET", "/")
  end
  posted = posted + 1
  local body = table.concat({
    "csrf_token=" .. urlencode(form.csrf_token),
    "name=Fatima",
    "email=" .. urlencode(string.format("floor-%s-%d-%d@example.org", run_id, thread_id, posted)),
  }, "&")
  return post("/", body)
end
