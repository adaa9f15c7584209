-- A new comment on Isso, as its JavaScript client posts it (JSON; Isso's CSRF rule).
statuses = {}
local posted = 0

function response(status, headers, body)
  local code = tostring(status)
  statuses[code] = (statuses[code] or 0) + 1
end

function request()
  posted = posted + 1
  local body = string.format(
    '{"text": "Ma mère est à Fès et je ne peux plus l\'appeler depuis le 7 septembre. Commentaire %d-%d.", ' ..
    '"author": "Fatima", "title": "KLEEMA"}', thread_id, posted)
  return wrk.format("POST", "/new?uri=%2Fpetitions%2Fkleema", {["Content-Type"] = "application/json"}, body)
end
