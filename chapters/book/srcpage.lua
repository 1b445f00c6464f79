--[[
srcpage.lua: pandoc Lua filter that makes the site's page of one source
file (build-html.sh: src/PATH.html, which a listing's caption links to).

    SRC_PATH=chapters/listings/05-semaphores/counter.c \
        pandoc --from=markdown --to=html5 --lua-filter=srcpage.lua ... EMPTY.md

The page is the whole file as it is in the workbook, every line numbered
as in the file (line N has the id L-N, so a caption's "lines 51-68" links
to #L-51), highlighted by its extension (.c and .h as C, .run and .sh as
shell), with a link to the plain file, which build-html.sh copies beside
the page.  The input document is ignored.  A missing file stops the build.
]]

local path = os.getenv("SRC_PATH") or error("srcpage.lua: SRC_PATH is not set", 0)

local LANG = { c = "c", h = "c", run = "bash", sh = "bash", diff = "diff", lua = "lua",
               mk = "makefile" }

function Pandoc(_)
  local fh, err = io.open(path, "rb")
  if not fh then
    error("srcpage.lua: cannot open " .. path .. ": " .. tostring(err), 0)
  end
  local text = fh:read("a"):gsub("\r\n", "\n"):gsub("\n$", "")
  fh:close()
  local name = path:match("([^/]+)$")
  local ext = name:match("%.([%w]+)$")
  local classes = { "numberLines" }
  if ext and LANG[ext] then
    table.insert(classes, 1, LANG[ext])
  end
  local what = "The whole file, as it is in the workbook; the numbers are its line numbers."
  if ext == "run" then
    what = "The script that ran the commands of the transcript when the book was built "
      .. "(chapters/book/run-listings.sh runs it; its run and run_sh print each command "
      .. "before running it). The numbers are its line numbers."
  end
  local blocks = {
    pandoc.Para({ pandoc.Str(what), pandoc.Space(),
      pandoc.Link({ pandoc.Str("The"), pandoc.Space(), pandoc.Str("plain"), pandoc.Space(),
                    pandoc.Str("file") }, name), pandoc.Str(".") }),
    pandoc.CodeBlock(text, pandoc.Attr("L", classes, { { "startFrom", "1" } })),
  }
  local meta = { title = pandoc.MetaInlines({ pandoc.Code(path) }),
                 pagetitle = pandoc.MetaString(path) }
  return pandoc.Pandoc(blocks, pandoc.Meta(meta))
end
