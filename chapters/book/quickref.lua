--[[
quickref.lua: pandoc Lua filter that writes the book's quick reference
page from the chapters themselves.

    QUICKREF_PAGES="01-keys=/tmp/w/1.json 02-shmget=/tmp/w/2.json ..." \
    pandoc --from=markdown --to=json --lua-filter=chapters/book/quickref.lua \
        --output=quick-reference.json EMPTY.md

Each NAME=FILE is a chapter's page name (NAME.html on the site) and its
pandoc JSON after include-code.lua and anchors.lua (the build's first
pass).  The input document is ignored; the output is the page:

  - a table of every call: its header, and the chapter that explains it;
  - per call, in book order: the declaration (a C code block with its
    #include), the link to its section, what it returns, and the
    chapter's own tables of its arguments, flags or commands, and errors,
    each flag and error linked to its row in the chapter;
  - every flag, command and error from A to Z, with the calls it goes with.

Everything comes from what anchors.lua marked (prototypes, tables with
data-call= and data-kind=, return-value Divs, anchors call-NAME and NAME-FLAG), so
the page cannot disagree with the chapters.  Links are written for the
HTML site (NAME.html#id); combine.lua rewrites them for the PDF and EPUB.
A chapter with no call adds nothing; no call at all is an error.
]]

local stringify = pandoc.utils.stringify

local function fail(msg)
  error("quickref.lua: " .. msg, 0)
end

local function read_json(path)
  local fh, err = io.open(path, "rb")
  if not fh then
    fail("cannot open " .. path .. ": " .. tostring(err))
  end
  local text = fh:read("a")
  fh:close()
  return pandoc.read(text, "json")
end

-- Headers from the call's name when the chapter named none.
local FAMILY = { shm = "<sys/shm.h>", sem = "<sys/sem.h>", msg = "<sys/msg.h>",
                 ftok = "<sys/ipc.h>" }

local function header_for(name, given)
  if given and given ~= "" then
    return given
  end
  for prefix, h in pairs(FAMILY) do
    if name:sub(1, #prefix) == prefix then
      return h
    end
  end
  return nil
end

-- Inlines without the anchor spans anchors.lua put in (so that no id is
-- copied twice), and with each NAME-FLAG span turned into a link to it.
local function linkify(blocks, page)
  return pandoc.walk_block(pandoc.Div(blocks), {
    Span = function(s)
      local id = s.identifier
      if id == "" then
        return nil
      end
      if #s.content == 0 then
        return {}
      end
      return pandoc.Link(s.content, page .. ".html#" .. id)
    end,
  }).content
end

local function clean_table(tbl, page)
  local t = linkify({ tbl }, page)[1]
  t.attr = pandoc.Attr()
  return t
end

-- The names a flags or errors table defines: the first cell's code.
local function row_names(tbl)
  local names = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local cell = row.cells[1]
      if cell then
        pandoc.walk_block(pandoc.Div(cell.contents), {
          Code = function(c)
            if c.text:match("^[%a_][%w_]*$") then
              names[#names + 1] = c.text
            end
          end,
        })
      end
    end
  end
  return names
end

function Pandoc(_)
  local spec = os.getenv("QUICKREF_PAGES") or ""
  local pages = {}
  for name, file in spec:gmatch("([^%s=]+)=(%S+)") do
    pages[#pages + 1] = { name = name, doc = read_json(file) }
  end
  if #pages == 0 then
    fail("QUICKREF_PAGES names no chapter")
  end

  local calls = {}          -- in book order
  local by_name = {}
  for _, page in ipairs(pages) do
    local doc = page.doc
    local title = ""
    local section_title = {}   -- [call] = title of its home section
    local pending = {}
    for _, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 1 and title == "" then
        title = stringify(b.content)
      end
      if b.t == "Div" and b.identifier:match("^call%-") then
        pending[#pending + 1] = b.identifier:sub(6)
      elseif b.t == "Header" then
        for _, name in ipairs(pending) do
          section_title[name] = stringify(b.content)
        end
        pending = {}
      end
    end
    pandoc.walk_block(pandoc.Div(doc.blocks), {
      Code = function(c)
        local name = c.attributes["data-call"]
        if name and not by_name[name] then
          local call = { name = name, page = page.name, chapter = title,
                         proto = c.text, header = header_for(name, c.attributes["data-header"]),
                         section = section_title[name] or title,
                         tables = {}, returns = nil }
          by_name[name] = call
          calls[#calls + 1] = call
        end
      end,
    })
    pandoc.walk_block(pandoc.Div(doc.blocks), {
      Table = function(t)
        local call = by_name[t.attributes["data-call"] or ""]
        if call and call.page == page.name then
          call.tables[#call.tables + 1] = { kind = t.attributes["data-kind"], tbl = t }
        end
      end,
      Div = function(d)
        local call = by_name[d.attributes["data-call"] or ""]
        if call and call.page == page.name and d.attributes["data-kind"] == "returns"
            and not call.returns then
          call.returns = d.content
        end
      end,
    })
  end
  if #calls == 0 then
    fail("no chapter declares a call (anchors.lua found no prototype)")
  end

  local blocks = pandoc.List()
  local function para(...)
    blocks:insert(pandoc.Para({ ... }))
  end

  blocks:insert(pandoc.Header(1, { pandoc.Str("Quick reference") },
    pandoc.Attr("quick-reference")))
  blocks:insert(pandoc.Para(pandoc.read(
    "Every call in the book: how it is declared, what it returns, its flags and "
    .. "its errors, each linked to the section that explains it. This page is "
    .. "made from the chapters when the book is built, so it says exactly what "
    .. "they say.", "markdown").blocks[1].content))

  -- The summary table.
  local function plain(inlines)
    return { pandoc.Plain(inlines) }
  end
  local rows = {}
  for _, c in ipairs(calls) do
    local chapter_no = tonumber(c.page:match("^(%d+)%-")) or c.page
    rows[#rows + 1] = {
      plain({ pandoc.Link({ pandoc.Code(c.name .. "()") }, "#qr-" .. c.name) }),
      plain(c.header and { pandoc.Code(c.header) } or {}),
      plain({ pandoc.Link({ pandoc.Str("ch."), pandoc.Space(), pandoc.Str(tostring(chapter_no) .. ":"), pandoc.Space(),
                            pandoc.Str(c.section) },
                          c.page .. ".html#call-" .. c.name) }),
    }
  end
  local summary = pandoc.utils.from_simple_table(pandoc.SimpleTable(
    {}, { pandoc.AlignDefault, pandoc.AlignDefault, pandoc.AlignDefault },
    { 0.2, 0.2, 0.6 },
    { plain({ pandoc.Str("Call") }), plain({ pandoc.Str("Header") }),
      plain({ pandoc.Str("Explained in") }) },
    rows))
  blocks:insert(summary)

  local KIND_TITLE = { arguments = "Arguments", flags = "Flags", commands = "Commands",
                       errors = "Errors" }
  local KIND_ORDER = { "arguments", "flags", "commands", "errors" }
  local az = {}            -- [name] = { {call, page}, ... }
  local az_names = {}

  for _, c in ipairs(calls) do
    blocks:insert(pandoc.Header(2, { pandoc.Str(c.name .. "()") },
      pandoc.Attr("qr-" .. c.name)))
    local decl = c.proto
    if c.header then
      decl = "#include " .. c.header .. "\n\n" .. decl
    end
    blocks:insert(pandoc.CodeBlock(decl, pandoc.Attr("", { "c" })))
    local chapter_no = tonumber(c.page:match("^(%d+)%-"))
    local where = { pandoc.Str("Explained"), pandoc.Space(), pandoc.Str("in") }
    if chapter_no then
      where[#where + 1] = pandoc.Space()
      where[#where + 1] = pandoc.Str("chapter")
      where[#where + 1] = pandoc.Space()
      where[#where + 1] = pandoc.Str(tostring(chapter_no) .. ",")
    end
    where[#where + 1] = pandoc.Space()
    where[#where + 1] = pandoc.Link({ pandoc.Str(c.section) },
      c.page .. ".html#call-" .. c.name)
    where[#where + 1] = pandoc.Str(".")
    blocks:insert(pandoc.Para(where))
    if c.returns then
      for _, b in ipairs(linkify(c.returns, c.page)) do
        blocks:insert(b)
      end
    end
    for _, kind in ipairs(KIND_ORDER) do
      for _, t in ipairs(c.tables) do
        if t.kind == kind then
          blocks:insert(pandoc.Para({ pandoc.Strong({ pandoc.Str(KIND_TITLE[kind]) }) }))
          blocks:insert(clean_table(t.tbl, c.page))
          if kind ~= "arguments" then
            for _, n in ipairs(row_names(t.tbl)) do
              if not az[n] then
                az[n] = {}
                az_names[#az_names + 1] = n
              end
              local seen = false
              for _, u in ipairs(az[n]) do
                if u.call == c then seen = true end
              end
              if not seen then
                az[n][#az[n] + 1] = { call = c, kind = kind }
              end
            end
          end
        end
      end
    end
  end

  -- Flags, commands and errors from A to Z.
  table.sort(az_names)
  blocks:insert(pandoc.Header(2, { pandoc.Str("Flags, commands and errors from A to Z") },
    pandoc.Attr("qr-a-to-z")))
  local az_rows = {}
  for _, n in ipairs(az_names) do
    local uses = {}
    for k, u in ipairs(az[n]) do
      if k > 1 then
        uses[#uses + 1] = pandoc.Str(",")
        uses[#uses + 1] = pandoc.Space()
      end
      uses[#uses + 1] = pandoc.Link({ pandoc.Code(u.call.name .. "()") },
        u.call.page .. ".html#" .. u.call.name .. "-" .. n)
    end
    az_rows[#az_rows + 1] = { plain({ pandoc.Code(n) }), plain(uses) }
  end
  blocks:insert(pandoc.utils.from_simple_table(pandoc.SimpleTable(
    {}, { pandoc.AlignDefault, pandoc.AlignDefault }, { 0.35, 0.65 },
    { plain({ pandoc.Str("Name") }), plain({ pandoc.Str("With") }) }, az_rows)))

  return pandoc.Pandoc(blocks, pandoc.Meta({}))
end
