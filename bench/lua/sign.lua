-- Signature POSTs as a browser sends them, each from a new signer: args = petition path, run id.
local petition_path, run_id
local signed = 0

function init(args)
  petition_path = args[1]
  run_id = args[2]
end

function request()
  if form == nil then
    return wrk.format("GET", petition_path)
  end
  signed = signed + 1
  local body = table.concat({
    "csrf_token=" .. urlencode(form.csrf_token),
    "started=" .. urlencode(form.started),
    "first_name=Fatima", "last_name=Benali",
    "email=" .. urlencode(string.format("bench-%s-%d-%d@example.org", run_id, thread_id, signed)),
    "country=FR", "city=Lyon", "reason=" .. urlencode("Pour appeler ma mère à Fès."),
    "show_name=y", "is_subscriber=y", "website=",
  }, "&")
  return post(petition_path .. "/sign", body)
end
