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

Two things are not taken from the chapters as they are:

  - The header of each call is the one its man page's SYNOPSIS names
    (HEADERS below; tests/book/test-book.sh compares them with the man
    pages of manpages-dev), not the header a chapter happened to name
    last: a call missing from HEADERS stops the build.
  - Text copied from a chapter that points somewhere in that chapter
    ("see below", "(below)", "see 'SEM_UNDO' below", "see the next
    section", "as Listing 3-1 below does:", "see 'Choosing the
    address'") is made to point there: a link to the chapter's section,
    "in chapter N", and no colon left before a listing that is not here.
]]

local stringify = pandoc.utils.stringify
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

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

-- Each call's headers, as the SYNOPSIS of its man page (manpages-dev 6.03)
-- names them before its prototype.  tests/book/test-book.sh checks them.
local HEADERS = {
  ftok = { "<sys/ipc.h>" },
  shmget = { "<sys/shm.h>" }, shmat = { "<sys/shm.h>" }, shmdt = { "<sys/shm.h>" },
  shmctl = { "<sys/shm.h>" },
  semget = { "<sys/sem.h>" }, semop = { "<sys/sem.h>" }, semtimedop = { "<sys/sem.h>" },
  semctl = { "<sys/sem.h>" },
  msgget = { "<sys/msg.h>" }, msgsnd = { "<sys/msg.h>" }, msgrcv = { "<sys/msg.h>" },
  msgctl = { "<sys/msg.h>" },
  socket = { "<sys/socket.h>" }, socketpair = { "<sys/socket.h>" },
  bind = { "<sys/socket.h>" }, listen = { "<sys/socket.h>" },
  accept = { "<sys/socket.h>" }, connect = { "<sys/socket.h>" },
  send = { "<sys/socket.h>" }, recv = { "<sys/socket.h>" },
  sendmsg = { "<sys/socket.h>" }, recvmsg = { "<sys/socket.h>" },
  sendto = { "<sys/socket.h>" }, recvfrom = { "<sys/socket.h>" },
  getsockopt = { "<sys/socket.h>" }, setsockopt = { "<sys/socket.h>" },
  shutdown = { "<sys/socket.h>" }, getsockname = { "<sys/socket.h>" },
  getpeername = { "<sys/socket.h>" },
  poll = { "<poll.h>" }, unlink = { "<unistd.h>" }, close = { "<unistd.h>" },
  read = { "<unistd.h>" }, write = { "<unistd.h>" }, pipe = { "<unistd.h>" },
  mq_open = { "<fcntl.h>", "<sys/stat.h>", "<mqueue.h>" },
  mq_send = { "<mqueue.h>" }, mq_receive = { "<mqueue.h>" },
  mq_unlink = { "<mqueue.h>" }, mq_close = { "<mqueue.h>" },
  mq_notify = { "<mqueue.h>" }, mq_getattr = { "<mqueue.h>" },
  shm_open = { "<sys/mman.h>", "<sys/stat.h>", "<fcntl.h>" },
  shm_unlink = { "<sys/mman.h>" }, mmap = { "<sys/mman.h>" }, munmap = { "<sys/mman.h>" },
  sem_open = { "<fcntl.h>", "<sys/stat.h>", "<semaphore.h>" },
  sem_wait = { "<semaphore.h>" }, sem_post = { "<semaphore.h>" },
  sem_close = { "<semaphore.h>" }, sem_unlink = { "<semaphore.h>" },
}

-- The headers as inline code, comma-separated.
local function header_codes(headers)
  local out = {}
  for k, h in ipairs(headers) do
    if k > 1 then
      out[#out + 1] = pandoc.Str(",")
      out[#out + 1] = pandoc.Space()
    end
    out[#out + 1] = pandoc.Code(h)
  end
  return out
end

local chapter_label = xref.chapter_label

local function headers_for(name)
  local h = HEADERS[name]
  if not h then
    fail("no header for " .. name .. "(): add it to HEADERS in quickref.lua, as the "
      .. "SYNOPSIS of its man page names it")
  end
  return h
end

-- ---- Text copied from a chapter, made to point into the chapter ----------

-- The section of the chapter whose title starts with text, or nil.
local function section_titled(ctx, text)
  for _, s in ipairs(ctx.sections) do
    if s.title == text or s.title:sub(1, #text + 1) == text .. ":"
        or s.title:sub(1, #text + 1) == text .. " " then
      return s
    end
  end
  return nil
end

local function section_link(ctx, s, with_title)
  local content = { pandoc.Str("chapter"), pandoc.Space(), pandoc.Str(ctx.chapter_no) }
  if with_title then
    content[#content] = pandoc.Str(ctx.chapter_no .. ",")
    content[#content + 1] = pandoc.Space()
    content[#content + 1] = pandoc.Quoted("DoubleQuote", { pandoc.Str(s.title) })
  end
  return pandoc.Link(content, ctx.page .. ".html#" .. s.id)
end

-- "below", "below)", "below.": the punctuation after the word, or nil.
local function below(el)
  return el and el.t == "Str" and el.text:match("^below([%p]*)$")
end

local function retarget(inlines, ctx)
  local out = pandoc.List()
  local i = 1
  local n = #inlines
  local function at(k)
    return inlines[k]
  end
  local function str(k, pattern)
    local el = at(k)
    return el and el.t == "Str" and el.text:match(pattern)
  end
  while i <= n do
    local el = at(i)
    local here = ctx.sections[ctx.section] or ctx.sections[1] or { id = "", title = "" }
    -- "X" below  /  see "X": a link to the section titled X.
    if el.t == "Quoted" and section_titled(ctx, pandoc.utils.stringify(el.content)) then
      local s = section_titled(ctx, pandoc.utils.stringify(el.content))
      out:insert(pandoc.Link({ el }, ctx.page .. ".html#" .. s.id))
      out:insert(pandoc.Space())
      out:insert(pandoc.Str("in"))
      out:insert(pandoc.Space())
      local punct = at(i + 1) and at(i + 1).t == "Space" and below(at(i + 2))
      if punct then
        out:insert(pandoc.Str("chapter"))
        out:insert(pandoc.Space())
        out:insert(pandoc.Str(ctx.chapter_no .. punct))
        i = i + 3
      else
        out:insert(pandoc.Str("chapter"))
        out:insert(pandoc.Space())
        out:insert(pandoc.Str(ctx.chapter_no))
        i = i + 1
      end
    -- Listing N-M below: the listing is in the chapter. "Listing N-M" is
    -- two words, or one link where anchors.lua made it one.
    elseif (el.t == "Str" and el.text == "Listing" and str(i + 2, "^%w+%-%d+$")
            and at(i + 3) and at(i + 3).t == "Space" and below(at(i + 4)))
        or (el.t == "Link" and stringify(el.content):match("^Listing %w+%-%d+$")
            and at(i + 1) and at(i + 1).t == "Space" and below(at(i + 2))) then
      local words = el.t == "Link" and 1 or 3      -- inlines of "Listing N-M"
      for k = i, i + words - 1 do
        out:insert(at(k))
      end
      out:insert(pandoc.Space())
      out:insert(pandoc.Str("in"))
      out:insert(pandoc.Space())
      out:insert(section_link(ctx, here, false))
      out:insert(pandoc.Str(below(at(i + words + 1))))
      i = i + words + 2
    -- see below, (below): the rest of the section the text came from.
    elseif el.t == "Str" and el.text == "see" and at(i + 1) and at(i + 1).t == "Space"
        and below(at(i + 2)) then
      out:insert(el)
      out:insert(pandoc.Space())
      out:insert(section_link(ctx, here, true))
      out:insert(pandoc.Str(below(at(i + 2))))
      i = i + 3
    elseif el.t == "Str" and el.text:match("^%(below%)") then
      out:insert(pandoc.Str("(see"))
      out:insert(pandoc.Space())
      out:insert(section_link(ctx, here, true))
      out:insert(pandoc.Str(")" .. el.text:match("^%(below%)(.*)$")))
      i = i + 1
    -- the next section: the section after the one the text came from.
    elseif el.t == "Str" and el.text == "the" and str(i + 2, "^next$")
        and str(i + 4, "^section[%p]*$") and ctx.sections[ctx.section + 1] then
      out:insert(section_link(ctx, ctx.sections[ctx.section + 1], true))
      out:insert(pandoc.Str(at(i + 4).text:match("^section(.*)$")))
      i = i + 5
    else
      out:insert(el)
      i = i + 1
    end
  end
  return out
end

-- Copied blocks, made to point into the chapter; a paragraph that ended
-- with a colon before a listing of the chapter ends with a full stop.
local function copied(blocks, ctx)
  local div = pandoc.walk_block(pandoc.Div(blocks), {
    Inlines = function(inlines)
      return retarget(inlines, ctx)
    end,
  })
  local out = div.content
  local last = out[#out]
  if last and (last.t == "Para" or last.t == "Plain") then
    local s = last.content[#last.content]
    if s and s.t == "Str" and s.text:match(":$") then
      s.text = s.text:sub(1, -2) .. "."
    end
  end
  return out
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
                         proto = c.text, headers = headers_for(name),
                         section = section_title[name] or title,
                         tables = {}, returns = nil }
          by_name[name] = call
          calls[#calls + 1] = call
        end
      end,
    })
    -- The chapter's sections, and the one each copied table or text is in
    -- (for the links of "see below" and the like).
    local sections = {}
    for _, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 2 then
        sections[#sections + 1] = { id = b.identifier, title = stringify(b.content) }
      end
      local sec = #sections
      pandoc.walk_block(pandoc.Div({ b }), {
        Table = function(t)
          local call = by_name[t.attributes["data-call"] or ""]
          if call and call.page == page.name then
            call.tables[#call.tables + 1] = { kind = t.attributes["data-kind"], tbl = t,
                                              section = sec }
          end
        end,
        Div = function(d)
          local call = by_name[d.attributes["data-call"] or ""]
          if call and call.page == page.name and d.attributes["data-kind"] == "returns"
              and not call.returns then
            call.returns = d.content
            call.returns_section = sec
          end
        end,
      })
    end
    for _, c in ipairs(calls) do
      if c.page == page.name then
        c.sections = sections
      end
    end
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
    local chapter_no = chapter_label(c.page) or c.page
    rows[#rows + 1] = {
      plain({ pandoc.Link({ pandoc.Code(c.name .. "()") }, "#qr-" .. c.name) }),
      plain(header_codes(c.headers)),
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
    local decl = {}
    for _, h in ipairs(c.headers) do
      decl[#decl + 1] = "#include " .. h
    end
    decl[#decl + 1] = ""
    decl[#decl + 1] = c.proto
    blocks:insert(pandoc.CodeBlock(table.concat(decl, "\n"), pandoc.Attr("", { "c" })))
    local chapter_no = chapter_label(c.page)
    local function ctx(section)
      return { page = c.page, chapter_no = chapter_no or c.page, sections = c.sections or {},
               section = section or 0 }
    end
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
      for _, b in ipairs(copied(linkify(c.returns, c.page), ctx(c.returns_section))) do
        blocks:insert(b)
      end
    end
    for _, kind in ipairs(KIND_ORDER) do
      for _, t in ipairs(c.tables) do
        if t.kind == kind then
          blocks:insert(pandoc.Para({ pandoc.Strong({ pandoc.Str(KIND_TITLE[kind]) }) }))
          blocks:insert(copied({ clean_table(t.tbl, c.page) }, ctx(t.section))[1])
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
