--[[
check-links.lua: the link checker of check-links.sh, which runs it as a
pandoc Lua filter (pandoc 2.17 has no `pandoc lua`; any pandoc with Lua 5.3
or later will do):

    CHECK_LINKS_FILES="$(find ... | sort)" CHECK_LINKS_PROG=check-links.sh \
        pandoc --from=markdown --to=plain --lua-filter=check-links.lua \
        --output=/dev/null /dev/null

The input document is ignored.  CHECK_LINKS_FILES names the .html, .htm,
.xhtml and .xhtm files to read, one per line, in the order to report
them.  For each file it checks:
  - every href=, src= and xlink:href= that is not an external URL names a
    file that exists, and its #fragment an id (or <a name=>) in that file;
  - no id appears twice in the file;
  - nothing is loaded from the network: no src= and no <link> or <script>
    href= with http:, https: or //, so the pages work offline from file://.
Links to external pages (<a href="https://...">) are allowed, and so are
mailto:, data: and tel: URLs.

It prints one line per problem ("FILE: ..."), then the summary line
"PROG: N file(s), N internal link(s), N problem(s)" on standard output,
and exits with status 1 if there is a problem, 0 if not.

The HTML is read with patterns, not parsed: tags are <NAME ATTRIBUTES>,
comments are left out, attribute values must be quoted (the pandoc
writers always quote them), and &quot; &lt; &gt; &#N; &#xN; &amp; are
decoded in values; %XX in a URL is decoded before the file or the id is
looked up.
]]

local prog = os.getenv("CHECK_LINKS_PROG") or "check-links.lua"

local function slurp(path)
  local fh = io.open(path, "rb")
  if not fh then
    return nil
  end
  local text = fh:read("a")          -- nil for a directory
  fh:close()
  return text
end

-- True if PATH names a file or a directory that we may read.
local function exists(path)
  local fh = io.open(path, "rb")
  if fh then
    fh:close()
    return true
  end
  return false
end

local function unescape(s)
  s = s:gsub("&quot;", '"'):gsub("&lt;", "<"):gsub("&gt;", ">")
  s = s:gsub("&#(%d+);", function(n)
    n = tonumber(n)
    return n <= 0x10FFFF and utf8.char(n) or nil
  end)
  s = s:gsub("&#x(%x+);", function(n)
    n = tonumber(n, 16)
    return n <= 0x10FFFF and utf8.char(n) or nil
  end)
  return (s:gsub("&amp;", "&"))
end

local function pct_decode(s)
  return (s:gsub("%%(%x%x)", function(h)
    return string.char(tonumber(h, 16))
  end))
end

-- PATH tidied: no "//", no "/./", no leading "./", no trailing "/" (so
-- that two links to the same file read it once).
local function canonpath(p)
  p = p:gsub("//+", "/")
  local n
  repeat
    p, n = p:gsub("/%./", "/")
  until n == 0
  p = p:gsub("/%.$", "/")
  if p ~= "./" then
    p = p:gsub("^%./", "")
    repeat
      p, n = p:gsub("^%./", "")
    until n == 0
  end
  p = p:gsub("^/%.%./", "/")
  repeat
    p, n = p:gsub("^/%.%./", "/")
  until n == 0
  if p == "/.." then
    p = "/"
  end
  if p ~= "/" then
    p = p:gsub("/$", "")
  end
  return p
end

local function dirname(path)
  local d = path:match("^(.*[^/])/+[^/]+/*$")
  if d then
    return d
  end
  return path:match("^/") and "/" or "."
end

-- PATH relative to the folder of FILE.
local function beside(file, path)
  local dir = canonpath(dirname(file))
  if dir:sub(-1) ~= "/" then
    dir = dir .. "/"
  end
  return dir .. canonpath(path)
end

local function is_html(path)
  return path:match("%.x?html?$") ~= nil
end

-- Each tag of TEXT (comments left out): calls FN(NAME, ATTRIBUTES).
local function each_tag(text, fn)
  text = text:gsub("<!%-%-.-%-%->", "")
  local pos = 1
  while true do
    local s, e, name, attrs = text:find("<(%a[%w_:%-]*)([^>]*)>", pos)
    if not s then
      return
    end
    fn(name, attrs)
    pos = e + 1
  end
end

-- Each NAME="VALUE" or NAME='VALUE' of ATTRS right after white space, for
-- NAME one of NAMES, from left to right: calls FN(NAME, VALUE) (decoded).
local function each_attribute(attrs, names, fn)
  local pos = 1
  while true do
    local best
    for _, n in ipairs(names) do
      local pat = "%s" .. n:gsub("%p", "%%%0") .. "%s*=%s*"
      for _, q in ipairs({ '"', "'" }) do
        local s, e, v = attrs:find(pat .. q .. "([^" .. q .. "]*)" .. q, pos)
        if s and (not best or s < best.s) then
          best = { s = s, e = e, name = n, value = v }
        end
      end
    end
    if not best then
      return
    end
    fn(best.name, unescape(best.value))
    pos = best.e + 1
  end
end

local problems = {}
local ids = {}          -- [file] = { [id] = true }
local links = 0

local function problem(msg)
  problems[#problems + 1] = msg
end

-- The ids (and <a name=>s) of FILE, read once; an id that appears twice
-- is a problem.
local function ids_of(file)
  if ids[file] then
    return ids[file]
  end
  local seen = {}
  each_tag(slurp(file) or "", function(tag, attrs)
    each_attribute(attrs, { "id", "name" }, function(kind, v)
      if kind == "name" and tag:lower() ~= "a" then
        return
      end
      if kind == "id" and seen[v] then
        problem(file .. ': id "' .. v .. '" appears twice')
      end
      seen[v] = true
    end)
  end)
  ids[file] = seen
  return seen
end

-- One href= or src= of FILE.
local function check_url(file, tag, attr, url)
  if url:lower():match("^https?://") or url:match("^//") then
    if attr == "src" or tag == "link" or tag == "script" then
      problem(file .. ": <" .. tag .. " " .. attr .. '="' .. url .. '"> loads from the network')
    end
    return
  end
  local scheme = url:lower():match("^(%a+):")
  if scheme == "mailto" or scheme == "data" or scheme == "tel" then
    return
  end
  links = links + 1
  local path, frag = url:match("^([^#]*)#(.*)$")
  if not path then
    path = url
  end
  local target = file
  if path ~= "" then
    target = beside(file, pct_decode(path))
    if not exists(target) then
      problem(file .. ": " .. attr .. '="' .. url .. '": no file ' .. path)
      return
    end
  end
  if not frag or frag == "" or not is_html(target) then
    return
  end
  local want = pct_decode(frag)
  if not ids_of(target)[want] then
    problem(file .. ": " .. attr .. '="' .. url .. '": no id "' .. want .. '" in '
      .. (path == "" and "this page" or path))
  end
end

function Pandoc(_)
  local files = {}
  for f in (os.getenv("CHECK_LINKS_FILES") or ""):gmatch("[^\n]+") do
    files[#files + 1] = f
  end
  for _, file in ipairs(files) do
    ids_of(file)
    each_tag(slurp(file) or "", function(tag, attrs)
      tag = tag:lower()
      each_attribute(attrs, { "href", "src", "xlink:href" }, function(attr, url)
        check_url(file, tag, attr, url)
      end)
    end)
  end
  for _, p in ipairs(problems) do
    io.stdout:write(p, "\n")
  end
  io.stdout:write(string.format("%s: %d file(s), %d internal link(s), %d problem(s)\n",
    prog, #files, links, #problems))
  io.stdout:flush()
  os.exit(#problems > 0 and 1 or 0)
end
