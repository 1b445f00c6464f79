--[[
concepts.lua: pandoc Lua filter that makes the site's index of concepts
(concepts.html) from the pages of the build's first pass, and the table of
listing files (programs.tsv) that site.lua links "Listing N-M" with.

    BOOK_WORK=/tmp/w pandoc --from=markdown --to=json \
        --lua-filter=chapters/book/concepts.lua --output=K.raw.json EMPTY.md

BOOK_WORK: the build's folder, with "pages" ("N KIND NAME" per line, book
order) and N.raw.json for each.  The input document is ignored; the
output is the page "# Index", like the other pages of the first pass.

The index: every term of concepts.txt that anchors.lua found (a
Span.concept with data-concept, data-weight and maybe data-define), in
alphabetical order under its letter, each with links to the sections that
explain it (in bold there: first, in bold) and then to those that name it
at least twice or in their title; a term only ever named once in passing
links to its first three mentions.  At most 8 links a term.

programs.tsv (WORK/programs.tsv): "PROGRAM<TAB>PAGE<TAB>LABEL" for the
first excerpt of each listing file (anchors.lua's data-program and
data-listing), e.g. "7-4	07-msgsnd-msgrcv	7-5".
]]

local stringify = pandoc.utils.stringify
local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

local MAX_LINKS = 8

local function has_class(el, c)
  for _, x in ipairs(el.classes or {}) do
    if x == c then
      return true
    end
  end
  return false
end

function Pandoc(_)
  local work = os.getenv("BOOK_WORK") or error("concepts.lua: BOOK_WORK is not set", 0)
  local book = xref.book(work)
  local terms = {}            -- [term] = { mentions }
  local programs = {}
  local order = 0
  for _, pg in ipairs(book.pages) do
    local text = xref.read(work .. "/" .. pg.n .. ".raw.json")
    if text then
      local doc = pandoc.read(text, "json")
      xref.programs_of(pg.name, doc.blocks, programs)
      local label = book.label[pg.name]
      local where = label and ((pg.kind == "appendix" and "Appendix " or "Chapter ") .. label)
        or stringify(doc.blocks[1] and doc.blocks[1].content or {})
      local section = nil
      for _, b in ipairs(doc.blocks) do
        if b.t == "Header" and b.level == 2 then
          section = pandoc.walk_inline(pandoc.Span(b.content), {
            Link = function(l) return l.content end,
            Span = function(s) s.identifier = "" return s end,
          }).content
        elseif b.t ~= "Header" then
          pandoc.walk_block(pandoc.Div({ b }), {
            Span = function(s)
              local term = s.attributes["data-concept"]
              if has_class(s, "concept") and term and s.identifier ~= "" then
                order = order + 1
                terms[term] = terms[term] or {}
                table.insert(terms[term], {
                  href = pg.name .. ".html#" .. s.identifier,
                  where = where, section = section,
                  define = s.attributes["data-define"] == "1",
                  weight = tonumber(s.attributes["data-weight"]) or 1,
                  order = order,
                })
              end
            end,
          })
        end
      end
    end
  end

  -- programs.tsv
  local keys = {}
  for p in pairs(programs) do keys[#keys + 1] = p end
  table.sort(keys)
  local fh = io.open(work .. "/programs.tsv", "wb") or error("concepts.lua: cannot write programs.tsv", 0)
  for _, p in ipairs(keys) do
    fh:write(p, "\t", programs[p].page, "\t", programs[p].label, "\n")
  end
  fh:close()

  -- The entries, sorted without regard to case.
  local names = {}
  for term in pairs(terms) do names[#names + 1] = term end
  table.sort(names, function(a, b)
    local la, lb = a:lower(), b:lower()
    if la == lb then return a < b end
    return la < lb
  end)

  local blocks = pandoc.List({
    pandoc.Header(1, { pandoc.Str("Index") }, pandoc.Attr("index-of-concepts")),
    pandoc.Para(pandoc.read("The ideas of the book and where each is explained (**in bold**) "
      .. "or put to use. For a call, a flag or an error, see the [quick reference](quick-reference.html); "
      .. "for any word at all, [search](search.html).", "markdown").blocks[1].content),
  })
  local letters = {}
  local groups = {}
  for _, term in ipairs(names) do
    local letter = term:sub(1, 1):upper()
    if not letter:match("%a") then letter = "#" end
    if not groups[letter] then
      groups[letter] = {}
      letters[#letters + 1] = letter
    end
    local list = terms[term]
    local picked = {}
    local used = {}
    for _, m in ipairs(list) do
      if m.define and #picked < MAX_LINKS then
        picked[#picked + 1] = m
        used[m] = true
      end
    end
    for _, m in ipairs(list) do
      if not used[m] and m.weight >= 2 and #picked < MAX_LINKS then
        picked[#picked + 1] = m
        used[m] = true
      end
    end
    if #picked == 0 then
      for k = 1, math.min(3, #list) do
        picked[#picked + 1] = list[k]
      end
    end
    table.sort(picked, function(a, b)
      if a.define ~= b.define then return a.define end
      return a.order < b.order
    end)
    local links = pandoc.List()
    for k, m in ipairs(picked) do
      if k > 1 then
        links:insert(pandoc.Str(";"))
        links:insert(pandoc.Space())
      end
      local text = pandoc.List({ pandoc.Str(m.where) })
      if m.section then
        text:insert(pandoc.Str(":"))
        text:insert(pandoc.Space())
        text:extend(m.section)
      end
      local link = pandoc.Link(text, m.href)
      if m.define then
        links:insert(pandoc.Span({ link }, pandoc.Attr("", { "define" })))
      else
        links:insert(link)
      end
    end
    table.insert(groups[letter], { { pandoc.Str(term) }, { { pandoc.Plain(links) } } })
  end
  local nav = pandoc.List()
  for k, letter in ipairs(letters) do
    if k > 1 then nav:insert(pandoc.Space()) end
    nav:insert(pandoc.Link({ pandoc.Str(letter) }, "#letter-" .. letter:lower()))
  end
  blocks:insert(pandoc.Div({ pandoc.Plain(nav) }, pandoc.Attr("", { "letter-nav" })))
  for _, letter in ipairs(letters) do
    blocks:insert(pandoc.Div({
      pandoc.Para({ pandoc.Strong({ pandoc.Str(letter) }) }),
      pandoc.DefinitionList(groups[letter]),
    }, pandoc.Attr("letter-" .. letter:lower(), { "concept-index" })))
  end
  return pandoc.Pandoc(blocks, pandoc.Meta({}))
end
