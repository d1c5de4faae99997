-- Requests that each carry a different ready session (cookie and CSRF token), for the pages
-- and forms that need one. Arguments (after "--"): the plan file that bench/sessions.py wrote;
-- "cycle" (sessions may be used again: step pages and step forms) or "once" (each session is
-- used once: a final submission; a session used twice is counted in "reused"); and wrk's
-- thread count (-t), which init() cannot learn otherwise.
--
-- Plan file, tab-separated lines:
--   request <method> <path> <form fields, url-encoded, without the token>
--   session <cookie header value> <csrf token>
-- Requests are taken in turn; each wrk thread takes a disjoint slice of the sessions.

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local plans, sessions = {}, {}
local next_plan, next_session = 1, 1
local once = false
used, reused = 0, 0

function init(args)
   local path, mode, count = args[1], args[2], tonumber(args[3])
   once = mode == "once"
   local index = 0
   for line in io.lines(path) do
      local kind, a, b, c = line:match("^(%a+)\t([^\t]*)\t([^\t]*)\t?([^\t]*)$")
      if kind == "request" then
         table.insert(plans, {method = a, path = b, body = c})
      elseif kind == "session" then
         if index % count == id then
            table.insert(sessions, {cookie = a, token = b})
         end
         index = index + 1
      end
   end
   assert(#plans > 0 and #sessions > 0, "nothing to send in " .. path)
end

function request()
   local plan, session = plans[next_plan], sessions[next_session]
   next_plan = next_plan % #plans + 1
   next_session = next_session % #sessions + 1
   used = used + 1
   if once and used > #sessions then
      reused = reused + 1
   end
   local headers = {Cookie = session.cookie}
   local body = nil
   if plan.method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = "csrf_token=" .. session.token
      if plan.body ~= "" then
         body = plan.body .. "&" .. body
      end
   end
   return wrk.format(plan.method, plan.path, headers, body)
end
