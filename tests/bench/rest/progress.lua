-- Progress updates, each from one student: wrk -s progress.lua URL -- LINES_FILE THREADS
-- LINES_FILE holds "token path" lines, one per student. Thread k of THREADS takes every
-- THREADS-th line from line k and cycles through its share, so with as many connections as
-- students each connection starts as one student and no two requests in a row share one.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local threads_seen = 0

function setup(thread)
  thread:set("thread_index", threads_seen)
  threads_seen = threads_seen + 1
end

local requests = {}
local cursor = 1

function init(args)
  local lines_file, threads = args[1], tonumber(args[2])
  if lines_file == nil or threads == nil then
    error("usage: wrk -s progress.lua URL -- LINES_FILE THREADS")
  end
  local body = '{"time_spent_seconds": 1}'
  local n = 0
  for line in io.lines(lines_file) do
    if n % threads == thread_index then
      local token, path = line:match("^(%S+) (%S+)$")
      if token == nil then
        error("bad line " .. (n + 1) .. " in " .. lines_file)
      end
      local headers = {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
      }
      requests[#requests + 1] = wrk.format("PUT", path, headers, body)
    end
    n = n + 1
  end
  if #requests == 0 then
    error("no lines for thread " .. thread_index .. " in " .. lines_file)
  end
end

function request()
  local r = requests[cursor]
  cursor = cursor % #requests + 1
  return r
end
