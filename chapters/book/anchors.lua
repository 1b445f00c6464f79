--[[
anchors.lua: pandoc Lua filter that gives every call and flag of a chapter
an anchor, and marks what the quick reference is made of.

It runs on one chapter, after include-code.lua, in the build's first pass
(Markdown -> JSON), so every format gets the same anchors.

What it recognises, all from the chapter's own text:

  - a prototype: inline code that is a C declaration, such as
        `int shmget(key_t key, size_t size, int shmflg);`
    The call's home is the level-2 section whose title starts with
    "shmget()", else the section holding the prototype.  The prototype
    gets the class "prototype" and the attribute data-call=shmget, and
    data-header=<sys/shm.h> when the same or the previous paragraph names the
    header in inline code (else the last header the chapter named before).

  - a table whose first header cell is "errno" (the errors), "Flag"
    (flags), "cmd" (commands) or "Argument" (arguments), belonging to the
    call that
       1. a header cell names (`shmat()` fails because), else
       2. the section title names (Errors from shmget()), else
       3. was declared last in the same section (for flags, the last
          call with a ...flg parameter; for commands, with a cmd
          parameter; for arguments, the one whose parameters the table
          names most), else
       4. is the only call declared in the chapter.
    The table gets the attributes data-call=NAME and data-kind=errors|flags|
    commands|arguments.  A table that belongs to no call is left alone.

  - a "**Return value.** ..." paragraph, by rules 2 to 4: it is wrapped in
    a Div with data-call=NAME and data-kind=returns.

Anchors (HTML ids, LaTeX hypertargets):
    call-NAME        the call's home section: an empty Div (class call-anchor)
                     just before its heading
    NAME-FLAG        the row of FLAG (or command, or errno) in a table of
                     the call NAME, e.g. shmget-IPC_CREAT, shmat-EINVAL;
                     the first such row when a name has several rows
Every id is unique in the chapter.  The quick reference (quickref.lua)
and the tests rely on these names.
]]

local stringify = pandoc.utils.stringify

-- name, return type, parameter names of a C declaration; nil if the text
-- is not one.
local function parse_prototype(text)
  local ret, name, args = text:match(
    "^%s*([%a_][%w_ ]-[%s%*]+)([%a_][%w_]*)%s*%((.*)%)%s*;%s*$")
  if not ret then
    return nil
  end
  local first = ret:match("^%s*([%a_]+)")
  if first == "return" or first == "else" or first == "case" then
    return nil
  end
  local params = {}
  if not args:match("^%s*void%s*$") then
    for p in (args .. ","):gmatch("([^,]*),") do
      p = p:match("^%s*(.-)%s*$")
      if p ~= "..." then
        local pname = p:match("^[%a_][%w_%s]-[%s%*]+([%a_][%w_]*)%s*[%[%]%d]*$")
        if not pname then
          return nil
        end
        params[#params + 1] = pname
      end
    end
  end
  return name, ret, params
end

local function has_class(el, name)
  for _, c in ipairs(el.classes or {}) do
    if c == name then
      return true
    end
  end
  return false
end

-- Calls named as "name()" in a list of inlines (code or plain text).
local function named_calls(inlines, known)
  local found = {}
  local text = stringify(inlines)
  for name in text:gmatch("([%a_][%w_]*)%(%)") do
    if known[name] and not found[name] then
      found[#found + 1] = name
      found[name] = true
    end
  end
  return found
end

local function table_kind(tbl)
  local rows = tbl.head and tbl.head.rows or {}
  if #rows == 0 or #rows[1].cells == 0 then
    return nil
  end
  local first = stringify(rows[1].cells[1].contents):lower():gsub("`", "")
  first = first:match("^%s*(.-)%s*$")
  if first == "errno" then
    return "errors"
  elseif first == "flag" or first == "flags" then
    return "flags"
  elseif first == "cmd" then
    return "commands"
  elseif first == "argument" or first == "arguments" then
    return "arguments"
  end
  return nil
end

local function header_text(tbl)
  local parts = {}
  for k, cell in ipairs(tbl.head.rows[1].cells) do
    if k > 1 then
      parts[#parts + 1] = stringify(cell.contents)
    end
  end
  return table.concat(parts, " ")
end

local function first_column_names(tbl)
  local names = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if row.cells[1] then
        names[#names + 1] = stringify(row.cells[1].contents)
      end
    end
  end
  return names
end

function Pandoc(doc)
  -- Pass 1: the prototypes, in order, with their sections.
  local calls = {}            -- list of {name, params, section, header}
  local known = {}            -- [name] = call
  local sections = {}         -- list of {header = Header, calls = {...}}
  local current = { calls = {} }
  sections[1] = current

  local last_header = nil     -- the last <header.h> named in the chapter
  local function scan_inlines(inlines, prev_header)
    local header = nil
    for _, il in ipairs(inlines) do
      if il.t == "Code" and il.text:match("^<[%w_/%.]+%.h>$") then
        header = il.text
        last_header = il.text
      end
    end
    for _, il in ipairs(inlines) do
      if il.t == "Code" then
        local name, _, params = parse_prototype(il.text)
        if name and not known[name] then
          local c = { name = name, params = params, section = current,
                      header = header or prev_header or last_header, code = il }
          calls[#calls + 1] = c
          known[name] = c
          current.calls[#current.calls + 1] = c
        end
      end
    end
    return header
  end

  local function collect(blocks)
    local prev_header = nil
    for _, b in ipairs(blocks) do
      if b.t == "Header" and b.level <= 2 then
        current = { header = b, calls = {} }
        sections[#sections + 1] = current
        prev_header = nil
      elseif b.t == "Para" or b.t == "Plain" then
        prev_header = scan_inlines(b.content, prev_header)
      elseif b.t == "BlockQuote" or b.t == "Div" then
        collect(b.content)
      elseif b.t == "BulletList" or b.t == "OrderedList" then
        for _, item in ipairs(b.content) do
          collect(item)
        end
      else
        prev_header = nil
      end
    end
  end
  collect(doc.blocks)
  if #calls == 0 then
    return nil
  end

  for _, c in ipairs(calls) do
    c.code.classes = pandoc.List({ "prototype" })
    c.code.attributes["data-call"] = c.name
    if c.header then
      c.code.attributes["data-header"] = c.header
    end
  end

  -- The home section of each call: a section title starting with "name()".
  local used_ids = {}
  pandoc.walk_block(pandoc.Div(doc.blocks), {
    Header = function(h)
      if h.identifier ~= "" then used_ids[h.identifier] = true end
    end,
    Span = function(s)
      if s.identifier ~= "" then used_ids[s.identifier] = true end
    end,
    Div = function(d)
      if d.identifier ~= "" then used_ids[d.identifier] = true end
    end,
  })
  local homes = {}            -- [Header] = { ids of the calls at home there }
  for _, c in ipairs(calls) do
    local home = nil
    for _, s in ipairs(sections) do
      if s.header and s.header.level == 2
          and stringify(s.header.content):match("^" .. c.name .. "%(%)") then
        home = s.header
        break
      end
    end
    home = home or c.section.header
    local id = "call-" .. c.name
    if home and not used_ids[id] then
      used_ids[id] = true
      homes[home] = homes[home] or {}
      table.insert(homes[home], id)
    end
  end

  -- Which call a table or paragraph in section s belongs to.
  local function owner(kind, s, tbl, seen_in_section)
    if tbl then
      local named = named_calls(pandoc.List({ pandoc.Str(header_text(tbl)) }), known)
      if #named > 0 then
        return known[named[1]]
      end
    end
    if s.header then
      local named = named_calls(s.header.content, known)
      if #named > 0 then
        return known[named[1]]
      end
    end
    local candidates = {}
    for _, c in ipairs(seen_in_section) do
      local ok = true
      if kind == "flags" then
        ok = false
        for _, p in ipairs(c.params) do
          if p:match("flg$") or p:match("flags?$") then ok = true end
        end
      elseif kind == "commands" then
        ok = false
        for _, p in ipairs(c.params) do
          if p == "cmd" then ok = true end
        end
      end
      if ok then
        candidates[#candidates + 1] = c
      end
    end
    if kind == "arguments" and tbl and #candidates > 1 then
      local names = {}
      for _, n in ipairs(first_column_names(tbl)) do
        names[n] = true
      end
      local best, best_score = nil, -1
      for _, c in ipairs(candidates) do
        local score = 0
        for _, p in ipairs(c.params) do
          if names[p] then score = score + 1 end
        end
        if score >= best_score then
          best, best_score = c, score
        end
      end
      return best
    end
    if #candidates > 0 then
      return candidates[#candidates]
    end
    if #calls == 1 then
      return calls[1]
    end
    return nil
  end

  -- The anchor of each row: NAME-FLAG on the first code in its first cell.
  local function anchor_rows(tbl, call)
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        local cell = row.cells[1]
        if cell and cell.contents[1] and
            (cell.contents[1].t == "Plain" or cell.contents[1].t == "Para") then
          local inlines = cell.contents[1].content
          for i, il in ipairs(inlines) do
            if il.t == "Code" and il.text:match("^[%a_][%w_]*$") then
              local id = call.name .. "-" .. il.text
              if not used_ids[id] then
                used_ids[id] = true
                inlines[i] = pandoc.Span({ il }, pandoc.Attr(id))
              end
            end
          end
        end
      end
    end
  end

  -- Pass 2: tables and return values, section by section.
  local sec = { calls = {} }
  local seen = {}
  local function mark(blocks)
    local out = pandoc.List()
    for _, b in ipairs(blocks) do
      if b.t == "Header" and b.level <= 2 then
        for _, s in ipairs(sections) do
          if s.header == b then sec = s end
        end
        seen = {}
        for _, id in ipairs(homes[b] or {}) do
          out:insert(pandoc.Div({}, pandoc.Attr(id, { "call-anchor" })))
        end
      elseif b.t == "Para" or b.t == "Plain" then
        for _, il in ipairs(b.content) do
          if il.t == "Code" and has_class(il, "prototype") then
            seen[#seen + 1] = known[il.attributes["data-call"]]
          end
        end
        local first = b.content[1]
        if first and first.t == "Strong"
            and stringify(first.content):match("^Return value") then
          local c = owner("returns", sec, nil, seen)
          if c then
            b = pandoc.Div({ b }, pandoc.Attr("", { "returns" },
              { { "data-call", c.name }, { "data-kind", "returns" } }))
          end
        end
      elseif b.t == "Table" then
        local kind = table_kind(b)
        if kind then
          local c = owner(kind, sec, b, seen)
          if c then
            b.attr = pandoc.Attr(b.identifier or "", b.classes or {},
              { { "data-call", c.name }, { "data-kind", kind } })
            if kind ~= "arguments" then
              anchor_rows(b, c)
            end
          end
        end
      elseif b.t == "BlockQuote" or b.t == "Div" then
        b.content = mark(b.content)
      end
      out:insert(b)
    end
    return out
  end
  doc.blocks = mark(doc.blocks)
  return doc
end
