--[[
combine.lua: pandoc Lua filter that joins the pages of the book into one
document, for the PDF and the EPUB (build-doc.sh).

    BOOK_WORK=/tmp/w pandoc --from=markdown --to=json \
        --lua-filter=chapters/book/combine.lua --output=book.json EMPTY.md

BOOK_WORK is the folder of the build's first pass (lib.sh): its "pages"
file lists "N KIND NAME" in book order, and N.raw.json is page NAME.
The input document is ignored.

Pages are written as separate HTML files, so their ids repeat from page to
page ("errors", "common-mistakes") and their links name pages
("02-shmget.html#call-shmget").  In the joined document:
  - a page's level-1 heading gets the page's name as id ("02-shmget") and
    the attribute data-kind=chapter, appendix, reference or guide;
  - every other id X of page P becomes "P-X";
  - a link "#X" on page P becomes "#P-X", "Q.html" becomes "#Q" and
    "Q.html#X" becomes "#Q-X"; external links (with a scheme) stay.
A link to a page that is not in the book stops the build.

Optional environment:
  BOOK_ABOUT=FILE.json    a page put first, as it is (the EPUB's "About
                          this book"; its ids are not renamed)
  BOOK_UNNUMBERED_APPENDICES=1
                          every heading of an appendix, reference or guide
                          page gets the class "unnumbered" (the EPUB numbers
                          chapters only), and an appendix's title starts
                          with its letter: "Appendix A: Title"
  BOOK_NO_LINE_NUMBERS=1  code blocks lose their line numbers (the EPUB:
                          its code wraps on small screens instead)
]]

local function fail(msg)
  error("combine.lua: " .. msg, 0)
end

local function read(path)
  local fh, err = io.open(path, "rb")
  if not fh then
    fail("cannot open " .. path .. ": " .. tostring(err))
  end
  local s = fh:read("a")
  fh:close()
  return s
end

function Pandoc(_)
  local work = os.getenv("BOOK_WORK") or fail("BOOK_WORK is not set")
  local pages = {}
  local known = {}
  local appendices = 0
  for line in read(work .. "/pages"):gmatch("[^\n]+") do
    local n, kind, name = line:match("^(%S+) (%S+) (%S+)$")
    if not n then
      fail("bad line in " .. work .. "/pages: " .. line)
    end
    local letter = nil          -- "A" for the first appendix, "B" ...
    if kind == "appendix" then
      appendices = appendices + 1
      letter = string.char(string.byte("A") + appendices - 1)
    end
    pages[#pages + 1] = { n = n, kind = kind, name = name, letter = letter }
    known[name] = true
  end

  local blocks = pandoc.List()
  local about = os.getenv("BOOK_ABOUT")
  if about and about ~= "" then
    blocks:extend(pandoc.read(read(about), "json").blocks)
  end
  local unnumbered = os.getenv("BOOK_UNNUMBERED_APPENDICES") == "1"
  local no_line_numbers = os.getenv("BOOK_NO_LINE_NUMBERS") == "1"
  for _, page in ipairs(pages) do
    local doc = pandoc.read(read(work .. "/" .. page.n .. ".raw.json"), "json")
    local P = page.name
    local function id(x)
      if x == nil or x == "" then
        return x
      end
      return P .. "-" .. x
    end
    local function target(t)
      if t:match("^%a[%w+.-]*:") then
        return t                                   -- http:, mailto:, ...
      end
      local frag = t:match("^#(.*)$")
      if frag then
        return "#" .. id(frag)
      end
      local q, qfrag = t:match("^([^/#]+)%.html#(.+)$")
      if not q then
        q = t:match("^([^/#]+)%.html$")
      end
      if q then
        if not known[q] then
          fail(P .. ": link to " .. t .. ", a page that is not in the book")
        end
        return "#" .. (qfrag and (q .. "-" .. qfrag) or q)
      end
      return t                                     -- images/..., files
    end
    local function with_id(el)
      if el.identifier and el.identifier ~= "" then
        el.identifier = id(el.identifier)
        return el
      end
      return nil
    end
    local first = true
    local renamed = pandoc.walk_block(pandoc.Div(doc.blocks), {
      Header = function(h)
        if unnumbered and page.kind ~= "chapter" then
          h.classes:insert("unnumbered")
        end
        if h.level == 1 and first then
          first = false
          h.identifier = P
          h.attributes["data-kind"] = page.kind
          if unnumbered and page.letter then
            local label = pandoc.List({ pandoc.Str("Appendix"), pandoc.Space(),
                                        pandoc.Str(page.letter .. ":"), pandoc.Space() })
            label:extend(h.content)
            h.content = label
          end
          return h
        end
        return with_id(h)
      end,
      Div = with_id,
      Span = with_id,
      CodeBlock = function(cb)
        if no_line_numbers then
          cb.classes = cb.classes:filter(function(c)
            return c ~= "numberLines" and c ~= "number-lines"
          end)
          cb.attributes.startFrom = nil
        end
        return with_id(cb) or cb
      end,
      Code = with_id,
      Image = with_id,
      Table = function(t)
        if t.attr and t.attr.identifier ~= "" then
          t.attr = pandoc.Attr(id(t.attr.identifier), t.attr.classes, t.attr.attributes)
          return t
        end
        return nil
      end,
      Link = function(l)
        l.target = target(l.target)
        return with_id(l) or l
      end,
    })
    blocks:extend(renamed.content)
  end
  return pandoc.Pandoc(blocks, pandoc.Meta({}))
end
