--[[
include-code.lua: pandoc Lua filter that fills code blocks from real files.

A fenced code block with an `include` attribute is replaced by the text of
that file (paths are relative to the directory pandoc runs in: the repo root).
The file is the one source of truth: whatever the block holds is ignored.
In the chapters the block holds a copy of what it shows, so that the
Markdown reads well where it is shown as it is (a repository's web page,
an editor); fill-includes.sh writes that copy, with the text this filter
gives it (INCLUDE_BODIES below), and its --check says which copies differ.

    ```{.c include="chapters/listings/01-keys/keydemo.c"}
    ```
    ```{.c include="chapters/listings/01-keys/keydemo.c" anchor="ftok"}
    ```
    ```{.c .numberLines include="chapters/listings/01-keys/keydemo.c" lines="10-20"}
    ```
    ```{.console include="build/book/output/01-keys/keydemo.txt"}
    ```

anchor="NAME"  only the lines between the marker lines
                   // ANCHOR: NAME          and   // ANCHOR_END: NAME
               (also /* ANCHOR: NAME */ and, for scripts, # ANCHOR: NAME).
               Anchors may overlap or nest.  Every marker line, of any
               anchor, is always removed from what is shown.
lines="A-B"    file lines A to B (1-based, inclusive); also "A-" (to the end)
               and "A" (one line).  Not together with anchor.
.numberLines   startFrom is set to the file's own number of the first line
               shown, so the printed numbers match the file.  When marker
               lines inside the selection are removed, the listing is cut
               there into runs of consecutive lines, one CodeBlock each with
               its own startFrom (inside a Div.listing-runs, which style.css
               draws as one box with a dashed line at each cut): the numbers
               skip the removed lines and still match the file.
title="TEXT"   caption text to use instead of the path; title="" for none.

Listing numbers: a file of the chapter's own listing folder (chapter
NN-name.md including chapters/listings/NN-name/FILE) is "Listing N-M", as
the file says in its first three lines ("/* Listing 4-3 (chapter 4, ...) */";
in an appendix, "/* Listing A-1 (appendix A, ...) */");
a file that says nothing is numbered N-M, N the chapter's number (as its
file name gives it: 5 for 05-semaphores, 5a for 05a-counter) and M the
order in which the chapter first includes that file.  Every include of the
same file (another anchor) shows the same number.  The caption starts with it, and the Div.listing gets the
attribute data-listing="N-M".

With the environment variable BOOK_NUMBER_LINES=1 (the PDF and EPUB
builds set it), every included listing is numbered as if it had
.numberLines, except console output and .diff blocks.

Blank lines at the start and end of the selection (and of each run) are
dropped, so there is no trailing newline.  Above the block a caption names
the file:
    Div.listing [ Div.listing-title [ `path`, lines A-B ], CodeBlock ]
Output captured by run-listings.sh (build/book/output/CH/NAME.txt) is
captioned with the script that made it (chapters/listings/CH/NAME.run).
In HTML and EPUB output, every .console block (included or not) is written with its
"$ command" lines marked up (span.cmd) and "# exit status N" lines too
(span.status).

With the environment variable INCLUDE_BODIES=DIR (fill-includes.sh sets
it), the filter also writes, for the Nth include block of the document,
DIR/N: the lines it shows (marker lines removed, blank lines at the ends
dropped), and a line "N<tab>path<tab>anchor<tab>lines<tab>KIND" to
DIR/index, KIND being "output" for program output (build/book/output/)
and "file" for anything else.

Anything wrong (missing file, unknown anchor, bad range, malformed marker)
stops the build with a one-line message naming the chapter file, the path
and the anchor.
]]

local SELF = "include-code.lua"

local function chapter_name()
  local files = (PANDOC_STATE and PANDOC_STATE.input_files) or {}
  if #files == 0 or (#files == 1 and files[1] == "-") then
    return "<stdin>"
  end
  return table.concat(files, "+")
end

local function fail(path, anchor, what)
  local msg = SELF .. ": " .. chapter_name() .. ": include \"" .. path .. "\""
  if anchor then
    msg = msg .. " anchor \"" .. anchor .. "\""
  end
  msg = msg .. ": " .. what
  error((msg:gsub("[\r\n]+", " ")), 0)
end

-- Returns "start"/"end" and the anchor name for a marker line,
-- "bad" for a comment that starts with "ANCHOR:" or "ANCHOR_END:" but is
-- not well formed (say, a name with a space or text after it),
-- nil for any other line.
local function parse_marker(line)
  local body = line:match("^%s*//%s*(.-)%s*$")
            or line:match("^%s*/%*%s*(.-)%s*%*/%s*$")
            or line:match("^%s*#%s*(.-)%s*$")
  if not body or not (body:match("^ANCHOR%s*:") or body:match("^ANCHOR_END%s*:")) then
    return nil
  end
  local name = body:match("^ANCHOR_END:%s*([%w_%.%-]+)$")
  if name then
    return "end", name
  end
  name = body:match("^ANCHOR:%s*([%w_%.%-]+)$")
  if name then
    return "start", name
  end
  return "bad"
end

local function read_lines(path, anchor)
  local fh, err = io.open(path, "rb")
  if not fh then
    local why = tostring(err):gsub("^.*: ", "")
    local hint = ""
    if path:match("^build/book/output/") then
      hint = " (run chapters/book/run-listings.sh first?)"
    end
    fail(path, anchor, "cannot open file: " .. why .. hint)
  end
  local text, rerr = fh:read("a")
  fh:close()
  if not text then
    fail(path, anchor, "cannot read file: " .. tostring(rerr):gsub("^.*: ", ""))
  end
  text = text:gsub("\r\n", "\n")
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line
  end
  if text:sub(-1) == "\n" or text == "" then
    lines[#lines] = nil        -- the empty piece after the final newline
  end
  return lines
end

-- First and last file line numbers (inclusive) of the selection.
local function select_range(lines, path, anchor, range)
  local n = #lines
  local markers = {}           -- [line number] = {kind, name}
  local names = {}
  for i, line in ipairs(lines) do
    local kind, name = parse_marker(line)
    if kind == "bad" then
      fail(path, anchor, "malformed anchor marker on line " .. i
        .. " (write \"// ANCHOR: name\" or \"// ANCHOR_END: name\")")
    elseif kind then
      markers[i] = { kind = kind, name = name }
      if kind == "start" and not names[name] then
        names[#names + 1] = name
        names[name] = true
      end
    end
  end

  if anchor and range then
    fail(path, anchor, "give either anchor or lines, not both")
  end

  if anchor then
    local first, last
    for i = 1, n do
      local m = markers[i]
      if m and m.name == anchor then
        if m.kind == "start" then
          if first then
            fail(path, anchor, "\"ANCHOR: " .. anchor .. "\" appears twice (lines "
              .. first - 1 .. " and " .. i .. ")")
          end
          first = i + 1
        elseif m.kind == "end" then
          if not first then
            fail(path, anchor, "\"ANCHOR_END: " .. anchor .. "\" on line " .. i
              .. " comes before its \"ANCHOR: " .. anchor .. "\"")
          end
          if last then
            fail(path, anchor, "\"ANCHOR_END: " .. anchor .. "\" appears twice")
          end
          last = i - 1
        end
      end
    end
    if not first then
      local known = #names > 0 and table.concat(names, ", ") or "none"
      fail(path, anchor, "unknown anchor: no \"ANCHOR: " .. anchor
        .. "\" marker in the file (anchors there: " .. known .. ")")
    end
    if not last then
      fail(path, anchor, "anchor has no \"ANCHOR_END: " .. anchor .. "\" marker")
    end
    return first, last, markers
  end

  if range then
    local a, b
    local s = range:match("^%s*(.-)%s*$")
    if s:match("^%d+$") then
      a, b = tonumber(s), tonumber(s)
    elseif s:match("^%d+%s*%-%s*%d+$") then
      a, b = s:match("^(%d+)%s*%-%s*(%d+)$")
      a, b = tonumber(a), tonumber(b)
    elseif s:match("^%d+%s*%-$") then
      a, b = tonumber(s:match("^(%d+)")), n
    else
      fail(path, nil, "bad lines=\"" .. range .. "\" (write \"A-B\", \"A-\" or \"A\")")
    end
    if a < 1 or b < a or b > n then
      fail(path, nil, "bad lines=\"" .. range .. "\": the file has " .. n
        .. " lines, the range must be within 1-" .. n .. " and not backwards")
    end
    return a, b, markers
  end

  return 1, n, markers
end

local function has_class(el, name)
  for _, c in ipairs(el.classes) do
    if c == name then
      return true
    end
  end
  return false
end

local function html_escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- A console transcript in HTML, with the command lines marked up.
local function console_html(el, text)
  local out = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    local esc = html_escape(line)
    if line:match("^%$ ") or line == "$" then
      esc = '<span class="cmd">' .. esc .. "</span>"
    elseif line:match("^# exit status %d+$") then
      esc = '<span class="status">' .. esc .. "</span>"
    end
    out[#out + 1] = esc
  end
  local id = el.identifier ~= "" and (' id="' .. html_escape(el.identifier) .. '"') or ""
  local classes = html_escape(table.concat(el.classes, " "))
  return pandoc.RawBlock("html", "<pre" .. id .. ' class="' .. classes .. '"><code>'
    .. table.concat(out, "\n") .. "</code></pre>")
end

-- "Listing N-M" numbers.  A listing file names its own number in its first
-- lines ("/* Listing 4-3 (chapter 4, shmctl) */"); a file that does not is
-- numbered in the order the chapter first includes it.
local listing_numbers = {}     -- [path] = "N-M"
local listing_count = 0

local function listing_number(path, lines)
  local nn = path:match("^chapters/listings/(%d%d%l?)%-[^/]+/[^/]+$")
  if not nn or path:match("%.run$") then
    return nil
  end
  -- Only the chapter's own listings: chapters/NN-*.md is the input file.
  local dir = path:match("^chapters/listings/([^/]+)/")
  local own = false
  for _, f in ipairs((PANDOC_STATE and PANDOC_STATE.input_files) or {}) do
    if f:match("([^/]+)%.md$") == dir then
      own = true
    end
  end
  if not own then
    return nil
  end
  if not listing_numbers[path] then
    listing_count = listing_count + 1
    local named = nil
    for i = 1, math.min(3, #lines) do
      named = named or lines[i]:match("Listing ([%dA-Z]+%l?%-%d+)")
    end
    listing_numbers[path] = named or (nn:gsub("^0(%d)", "%1") .. "-" .. listing_count)
  end
  return listing_numbers[path]
end

local number_all = os.getenv("BOOK_NUMBER_LINES") == "1"

-- INCLUDE_BODIES: what each include block shows, for fill-includes.sh.
local bodies_dir = os.getenv("INCLUDE_BODIES")
local body_count = 0

local function write_body(path, anchor, range, shown)
  if not bodies_dir or bodies_dir == "" then
    return
  end
  body_count = body_count + 1
  local texts = {}
  for _, l in ipairs(shown) do
    texts[#texts + 1] = l.text
  end
  local name = bodies_dir .. "/" .. body_count
  local fh = io.open(name, "wb")
  local ix = io.open(bodies_dir .. "/index", "ab")
  if not fh or not ix then
    fail(path, anchor, "cannot write " .. name .. " (INCLUDE_BODIES)")
  end
  fh:write(table.concat(texts, "\n"), "\n")
  fh:close()
  local kind = path:match("^build/book/output/") and "output" or "file"
  ix:write(table.concat({ tostring(body_count), path, anchor or "", range or "", kind }, "\t"),
    "\n")
  ix:close()
end

function CodeBlock(el)
  local path = el.attributes.include
  if path == nil then
    -- Also a console block written in the chapter, or one that an earlier
    -- pandoc run of this filter included (build-html.sh goes through JSON).
    if has_class(el, "console") and (FORMAT:match("html") or FORMAT:match("epub")) then
      return console_html(el, el.text)
    end
    return nil
  end
  local anchor = el.attributes.anchor
  local range = el.attributes.lines
  local title = el.attributes.title

  if path == "" then
    fail(path, anchor, "empty include path")
  end

  local lines = read_lines(path, anchor)
  local first, last, markers = select_range(lines, path, anchor, range)

  local shown = {}             -- { {num, text}, ... }
  for i = first, last do
    if not markers[i] then
      shown[#shown + 1] = { num = i, text = lines[i] }
    end
  end
  while #shown > 0 and not shown[1].text:match("%S") do
    table.remove(shown, 1)
  end
  while #shown > 0 and not shown[#shown].text:match("%S") do
    shown[#shown] = nil
  end
  if #shown == 0 then
    fail(path, anchor, "nothing to show: the selection has no non-blank lines")
  end
  write_body(path, anchor, range, shown)

  el.attributes.include = nil
  el.attributes.anchor = nil
  el.attributes.lines = nil
  el.attributes.title = nil

  -- Runs of lines that are consecutive in the file.  Without .numberLines
  -- they are shown as one block; with it, each run is its own block whose
  -- startFrom is its first line's number, so the numbers always match the
  -- file and skip where a marker line was removed.
  local numbered = has_class(el, "numberLines") or has_class(el, "number-lines")
  if number_all and not numbered and not has_class(el, "console")
      and not has_class(el, "diff") then
    numbered = true
    el.classes:insert("numberLines")
  end
  local runs = { { first = shown[1].num, texts = {} } }
  for k, l in ipairs(shown) do
    if numbered and k > 1 and l.num ~= shown[k - 1].num + 1 then
      runs[#runs + 1] = { first = l.num, texts = {} }
    end
    local texts = runs[#runs].texts
    texts[#texts + 1] = l.text
  end

  -- Blank lines at the edges of a run (next to a removed marker line) would
  -- be kept at the start of a block but dropped at its end: drop them all.
  for _, run in ipairs(runs) do
    while #run.texts > 1 and not run.texts[1]:match("%S") do
      table.remove(run.texts, 1)
      run.first = run.first + 1
    end
    while #run.texts > 1 and not run.texts[#run.texts]:match("%S") do
      run.texts[#run.texts] = nil
    end
  end
  local kept = {}
  for _, run in ipairs(runs) do
    if run.texts[1]:match("%S") then
      kept[#kept + 1] = run
    end
  end
  runs = kept

  local blocks = {}
  for k, run in ipairs(runs) do
    local attrs = {}             -- { {key, value}, ... } in the block's order
    for key, value in pairs(el.attributes) do
      if not (numbered and (key == "startFrom" or key == "start-from")) then
        attrs[#attrs + 1] = { key, value }
      end
    end
    if numbered then
      attrs[#attrs + 1] = { "startFrom", tostring(run.first) }
    end
    local id = (k == 1) and el.identifier or ""
    local cb = pandoc.CodeBlock(table.concat(run.texts, "\n"),
                                pandoc.Attr(id, el.classes, attrs))
    if has_class(el, "console") and (FORMAT:match("html") or FORMAT:match("epub")) then
      cb = console_html(cb, cb.text)
    end
    blocks[k] = cb
  end

  -- The caption above the block.
  local caption
  local number
  if title ~= nil then
    if title ~= "" then
      caption = { pandoc.Str(title) }
    end
  else
    local ch, name = path:match("^build/book/output/([^/]+)/([^/]+)%.txt$")
    if ch then
      caption = { pandoc.Str("Output of"), pandoc.Space(),
                  pandoc.Code("chapters/listings/" .. ch .. "/" .. name .. ".run") }
    else
      caption = { pandoc.Code(path) }
      number = listing_number(path, lines)
      if number then
        table.insert(caption, 1, pandoc.Span({ pandoc.Str("Listing"), pandoc.Space(),
          pandoc.Str(number) }, pandoc.Attr("", { "listing-number" })))
        table.insert(caption, 2, pandoc.Space())
      end
      if anchor or range then
        local a, b = shown[1].num, shown[#shown].num
        local where = (a == b) and ("line " .. a) or ("lines " .. a .. "\u{2013}" .. b)
        caption[#caption + 1] = pandoc.Str(",")
        caption[#caption + 1] = pandoc.Space()
        caption[#caption + 1] = pandoc.Str(where)
      end
    end
  end

  local content = {}
  if caption then
    content[1] = pandoc.Div({ pandoc.Plain(caption) }, pandoc.Attr("", { "listing-title" }))
  end
  if #blocks == 1 then
    content[#content + 1] = blocks[1]
  else
    content[#content + 1] = pandoc.Div(blocks, pandoc.Attr("", { "listing-runs" }))
  end
  local attrs = {}
  if number then
    attrs = { { "data-listing", number } }
  end
  return pandoc.Div(content, pandoc.Attr("", { "listing" }, attrs))
end
