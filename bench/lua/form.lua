-- What a browser does with a form: fetch the page once for the CSRF token, the session cookie and
-- the hidden fields, then send them back with each POST. Shared by sign.lua and confirm.lua.
statuses = {}
setup_requests = 0
form = nil
-- The form's field prefix, when a page holds several forms (the thread's is "comment-").
form_prefix = ""

function urlencode(text)
  return (tostring(text):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function read_form(headers, body)
  local prefix = form_prefix:gsub("%-", "%%-")
  local cookie = headers["Set-Cookie"] or headers["set-cookie"]
  local token = body:match('name="' .. prefix .. 'csrf_token" type="hidden" value="([^"]+)"')
  if not (cookie and token) then
    return nil
  end
  return {
    cookie = cookie:match("^([^;]+)"),
    csrf_token = token,
    started = body:match('name="' .. prefix .. 'started" type="hidden" value="([^"]+)"'),
  }
end

function count_status(status)
  local code = tostring(status)
  statuses[code] = (statuses[code] or 0) + 1
end

function response(status, headers, body)
  if form == nil then
    setup_requests = setup_requests + 1
    form = read_form(headers, body)
  else
    count_status(status)
  end
end

function post(path, body)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
  }, body)
end
