--[[
edition.lua: pandoc Lua filter for a chapter of the instructor's edition
(lib.sh runs it, after anchors.lua, when the chapter has a guide page).

    BOOK_GUIDE=guide-shmget BOOK_GUIDE_TITLE="Chapter 2, shmtool: rubric and solution"

After the chapter's first level-2 heading that starts with "Exercise", it
puts a note (Div.instructor-note) that links to the guide page: its
rubric, the mistakes its tests catch and the reference solution.  The
student edition never runs this filter.
]]

local stringify = pandoc.utils.stringify

function Pandoc(doc)
  local guide = os.getenv("BOOK_GUIDE")
  if not guide or guide == "" then
    return nil
  end
  local title = os.getenv("BOOK_GUIDE_TITLE") or guide
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 2 and stringify(b.content):match("^Exercise") then
      local note = pandoc.Div({ pandoc.Para({
        pandoc.Strong({ pandoc.Str("Instructor's"), pandoc.Space(), pandoc.Str("edition.") }),
        pandoc.Space(), pandoc.Str("The"), pandoc.Space(), pandoc.Str("rubric,"),
        pandoc.Space(), pandoc.Str("the"), pandoc.Space(), pandoc.Str("mistakes"),
        pandoc.Space(), pandoc.Str("its"), pandoc.Space(), pandoc.Str("tests"),
        pandoc.Space(), pandoc.Str("catch"), pandoc.Space(), pandoc.Str("and"),
        pandoc.Space(), pandoc.Str("the"), pandoc.Space(), pandoc.Str("reference"),
        pandoc.Space(), pandoc.Str("solution:"), pandoc.Space(),
        pandoc.Link({ pandoc.Str(title) }, guide .. ".html"), pandoc.Str("."),
      }) }, pandoc.Attr("", { "instructor-note" }))
      table.insert(doc.blocks, i + 1, note)
      return doc
    end
  end
  return nil
end
