-- Confirmation POSTs: each thread presses the button behind its share of the mailed links.
-- args = file of link paths (one a line), number of wrk threads.
local links = {}
local next_link = 1

function init(args)
  local threads = tonumber(args[2])
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == thread_id - 1 then
      table.insert(links, line)
    end
    n = n + 1
  end
end

function request()
  if form == nil then
    return wrk.format("GET", links[1])
  end
  if next_link > #links then
    -- Out of fresh links: press again, which must change nothing (and is reported).
    next_link = 1
  end
  local link = links[next_link]
  next_link = next_link + 1
  return post(link, "csrf_token=" .. urlencode(form.csrf_token))
end
