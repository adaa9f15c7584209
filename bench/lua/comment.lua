-- Comment POSTs as a browser sends the thread's form: args = thread path, run id.
local thread_path, run_id
local posted = 0
form_prefix = "comment-"

function init(args)
  thread_path = args[1]
  run_id = args[2]
end

function request()
  if form == nil then
    return wrk.format("GET", thread_path)
  end
  posted = posted + 1
  local body = table.concat({
    "comment-csrf_token=" .. urlencode(form.csrf_token),
    "comment-started=" .. urlencode(form.started),
    "comment-author_name=Fatima",
    "comment-text=" .. urlencode(string.format(
      "Ma mère est à Fès et je ne peux plus l'appeler depuis le 7 septembre. Commentaire %s-%d-%d.",
      run_id, thread_id, posted)),
    "comment-website=",
  }, "&")
  return post(thread_path, body)
end
