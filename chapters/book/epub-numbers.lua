--[[
epub-numbers.lua: pandoc Lua filter that numbers the EPUB's chapters and
their sections as their file names number them (build-doc.sh runs it on
the joined book, combine.lua's output, before writing the EPUB).

A chapter's number is the one its file name gives (lib.sh): the page
00-introduction is chapter 0, 05-semaphores chapter 5, and 05a-counter,
put between them, chapter 5a; its sections are 5a.1, 5a.2 ...  pandoc's
--number-sections can only count the chapters one after the other, so
here each heading of a chapter page (the first level-1 heading has
data-kind=chapter and the page's name as its id, combine.lua) gets its
number as text, in a span.header-section-number as pandoc would write
it, and the class "unnumbered".  Headings already unnumbered, and the
pages that are not chapters (appendices, the quick reference, the guide
pages, which combine.lua labels itself), are left as they are.
]]

local here = (PANDOC_SCRIPT_FILE or ""):match("^(.*/)") or "./"
local xref = dofile(here .. "xref.lua")

local function number_headers(blocks, state)
  for _, b in ipairs(blocks) do
    if b.t == "Header" then
      local unnumbered = b.classes:includes("unnumbered")
      if b.level == 1 and b.attributes["data-kind"] then
        state.label = b.attributes["data-kind"] == "chapter" and xref.chapter_label(b.identifier) or nil
        state.counts = {}
      end
      if state.label and not unnumbered then
        local number = state.label
        if b.level > 1 then
          state.counts[b.level] = (state.counts[b.level] or 0) + 1
          for l = b.level + 1, 6 do
            state.counts[l] = nil
          end
          local parts = { state.label }
          for l = 2, b.level do
            parts[#parts + 1] = tostring(state.counts[l] or 0)
          end
          number = table.concat(parts, ".")
        end
        local content = pandoc.List({ pandoc.Span({ pandoc.Str(number) },
          pandoc.Attr("", { "header-section-number" })), pandoc.Space() })
        content:extend(b.content)
        b.content = content
        b.classes:insert("unnumbered")
      end
    elseif b.t == "Div" then
      number_headers(b.content, state)
    end
  end
end

function Pandoc(doc)
  number_headers(doc.blocks, { label = nil, counts = {} })
  return doc
end
