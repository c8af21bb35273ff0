"""The text of a tagged PDF (as Typst writes it) read from its structure tree for `brochure diff`:
headings, paragraph-like blocks (P, list item, caption, table row, contents entry) and footnotes,
in reading order, each with its page. The tree says where a paragraph, a footnote or a heading
begins and ends; the text of each marked-content id (MCID) comes from PDFium. Page furniture
(running heads, page numbers, dot leaders) is tagged as Artifact and has no MCID, so it never
enters the text; the running heads are read from it on the side.

PDFium gives the tree page by page (pypdf would give it whole, but parses its thousands of
objects two to three times slower): an element is known across pages by its path of child
indexes from the root, and its kids are put in order by their index.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

HEADINGS = {"H", "H1", "H2", "H3", "H4", "H5", "H6"}
# The standard block-level types; any other element's content runs on inside its block.
BLOCKS = HEADINGS | {"Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption",
                     "TOC", "TOCI", "Index", "NonStruct", "Private", "P", "L", "LI", "LBody", "Table", "THead",
                     "TBody", "TFoot", "TR", "TH", "TD", "Figure", "Formula", "Title", "Terms", "Aside", "Note",
                     "FENote"}
NOTES = {"Note", "FENote"}
CELLS = {"TD", "TH"}  # a table row is one unit, its cells joined as the build folder's rows are
SKIPPED = {"Artifact", "Lbl"}  # a footnote's number, a list's bullet or number: they shift when one is added
CONTENTS = {"TOC", "TOCI"}
STYLES = {"Strong": "b", "Em": "i"}
WHOLE = {"BlockQuote"}  # a quotation with its speaker and role: one unit, as a quote record is one
MAX_DEPTH = 100
HEAD_ZONE = 0.1  # the top tenth of a page, above the type area, where a running head stands
SOFT_HYPHENS = "\x02\u00ad\ufffe"  # a hyphenation break, as PDFium reads Typst's U+00AD
TAGGED_SHARE = 0.9  # the share of the pages' text the tree must reach to be trusted


@dataclass
class Block:
    kind: str  # "heading", "text" or "note"
    text: str
    page: int
    level: int = 0  # a heading's level
    title: str = ""  # a heading's /T, when the PDF gives it
    formats: tuple = ()  # where its text is bold or italic: (start, end, 'b' | 'i')


@dataclass
class Piece:
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top


CELL_BORDER = Piece(" | ", (0, 0, 0, 0))


@dataclass
class Node:
    """A structure element, gathered from the pages it has content on."""
    role: str  # its standard type (PDFium maps it through the role map)
    title: str = ""
    raw: str = ""  # its own type ('Strong' for a role mapped to 'Span')
    kids: dict[int, Node | tuple[int, int]] = field(default_factory=dict)  # index → element or (page, MCID)


@dataclass
class PageText:
    """What one pass over the pages with PDFium gives: the structure tree, each MCID's pieces
    of text, the running heads, the bookmarks, and the amount of text the tree cannot reach
    (untagged, not an Artifact)."""
    root: Node = field(default_factory=lambda: Node("StructTreeRoot"))
    pieces: dict[tuple[int, int], list[Piece]] = field(default_factory=dict)  # (page, mcid) → pieces
    heads: list[str] = field(default_factory=list)
    untagged: int = 0  # characters of text outside any marked content
    outline: list[tuple[int, str, int]] = field(default_factory=list)  # bookmarks: (level, title, page)
    title: str = ""  # the document's title (metadata)

    @property
    def tagged(self) -> int:
        return sum(len(p.text.strip()) for pieces in self.pieces.values() for p in pieces)


def read_pages(data: bytes) -> PageText:
    import pypdfium2.raw as raw

    from pipeline.render.pdf_pages import bookmarks, pdfium
    pdf = pdfium().PdfDocument(data)
    out = PageText()
    try:
        out.outline = bookmarks(pdf)
        out.title = str(pdf.get_metadata_dict().get("Title", ""))
        for number, page in enumerate(pdf, 1):
            out.heads.append(_read_page(page, number, out, raw))
            _read_tree(page, number, out.root, raw)
    finally:
        pdf.close()
    return out


def _read_page(page, number: int, out: PageText, raw) -> str:
    """Fills OUT with the page's pieces; → its running head."""
    from pipeline.verify.page_fill import mark_names
    top = page.get_height() * (1 - HEAD_ZONE)
    textpage = page.get_textpage()
    head = []
    for obj in _text_objects(page.raw, raw):
        mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
        if mcid >= 0:
            out.pieces.setdefault((number, mcid), []).append(Piece(_object_text(obj, textpage.raw, raw), _bounds(obj, raw)))
        elif not raw.FPDFPageObj_CountMarks(obj):
            out.untagged += len(_object_text(obj, textpage.raw, raw).strip())
        elif (box := _bounds(obj, raw))[1] >= top and "Artifact" in mark_names(obj, raw):
            # a running head: page furniture at the top of the page, page numbers left out
            text = " ".join(textpage.get_text_bounded(*box).split())
            if text and not text.isdigit():
                head.append((-round(box[3]), box[0], text))
    return " ".join(t for _, _, t in sorted(head))


def _text_objects(page, raw, depth: int = 0):
    """The page's text objects, those inside form XObjects too (PDFium's raw calls: the
    helper's objects cost more than the text they hold)."""
    form = depth > 0
    count = raw.FPDFFormObj_CountObjects(page) if form else raw.FPDFPage_CountObjects(page)
    for k in range(count):
        obj = raw.FPDFFormObj_GetObject(page, k) if form else raw.FPDFPage_GetObject(page, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            yield obj
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
            yield from _text_objects(obj, raw, depth + 1)


_FLOATS = [ctypes.c_float() for _ in range(4)]
_FLOAT_REFS = [ctypes.byref(f) for f in _FLOATS]
_TEXT = (ctypes.c_ushort * 4096)()


def _bounds(obj, raw) -> tuple[float, float, float, float]:
    raw.FPDFPageObj_GetBounds(obj, *_FLOAT_REFS)
    left, bottom, right, top = _FLOATS
    return left.value, bottom.value, right.value, top.value


def _object_text(obj, textpage, raw) -> str:
    size = raw.FPDFTextObj_GetText(obj, textpage, _TEXT, ctypes.sizeof(_TEXT))
    buf = _TEXT
    if size > ctypes.sizeof(_TEXT):  # a long text object: asked again with room for it
        buf = (ctypes.c_ushort * (size // 2 + 1))()
        raw.FPDFTextObj_GetText(obj, textpage, buf, size)
    return ctypes.string_at(buf, size).decode("utf-16-le", "replace").rstrip("\x00")


def _read_tree(page, number: int, root: Node, raw) -> None:
    """The elements with content on the page, merged into ROOT by their paths."""
    tree = raw.FPDF_StructTree_GetForPage(page.raw)
    if not tree:
        return
    try:
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            el = raw.FPDF_StructTree_GetChildAtIndex(tree, i)
            if el:
                _merge(el, root, i, number, raw, 0)
    finally:
        raw.FPDF_StructTree_Close(tree)


def _merge(el, parent: Node, index: int, page: int, raw, depth: int) -> None:
    node = parent.kids.get(index)
    if not isinstance(node, Node):
        role = _string(raw.FPDF_StructElement_GetType, el)
        node = parent.kids[index] = Node(role)
        if role in HEADINGS:  # only a heading's title is used, only a span may be Strong or Em
            node.title = _string(raw.FPDF_StructElement_GetTitle, el)
        elif role not in BLOCKS:
            node.raw = _string(raw.FPDF_StructElement_GetRawType, el)
    for k in range(raw.FPDF_StructElement_CountChildren(el)):
        kid = raw.FPDF_StructElement_GetChildAtIndex(el, k)
        if kid and depth < MAX_DEPTH:
            _merge(kid, node, k, page, raw, depth + 1)
        elif not kid:
            mcid = raw.FPDF_StructElement_GetChildMarkedContentID(el, k)
            if mcid >= 0:
                node.kids[k] = (page, mcid)


_BUF = (ctypes.c_ushort * 1024)()


def _string(fn, el) -> str:
    n = fn(el, _BUF, ctypes.sizeof(_BUF))
    return bytes(_BUF)[:max(0, min(n, ctypes.sizeof(_BUF)) - 2)].decode("utf-16-le", "replace") if n else ""


@dataclass
class Run:
    """The content gathered for one block: its MCIDs in order, and where it is bold or italic
    as (style, first, end) indexes into them."""
    refs: list[tuple[int, int]] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)


class TreeReader:
    """Walks the structure tree into Blocks, in reading order. A block element gathers the text
    of its inline content; a block nested in it (a list inside a list item, a heading inside a
    paragraph) ends the text gathered so far. A footnote (Note) is a block of its own, put
    where its number stands."""

    def __init__(self, text: PageText):
        self.text = text
        self.blocks: list[Block] = []
        self.reached = 0  # characters of text the tree reaches

    def read(self) -> list[Block]:
        self._block(self.text.root, 0)
        return self.blocks

    def _block(self, node: Node, depth: int) -> None:
        """A block element: its inline text as one Block; nested blocks on their own."""
        run = Run()
        for _, kid in sorted(node.kids.items()):
            if not isinstance(kid, Node):
                run.refs.append(kid)
            elif kid.role in SKIPPED or depth > MAX_DEPTH:
                continue
            elif kid.role in NOTES:
                self._note(kid, depth + 1)
            elif node.role == "TR" and kid.role in CELLS:
                run.refs.append((-1, 0))  # the border between two cells
                self._inline(kid, run, depth + 1)
            elif kid.role not in BLOCKS:
                self._inline(kid, run, depth + 1)
            elif kid.role in WHOLE:
                self._emit(node.role, run)
                run = Run()
                self._inline(kid, run, depth + 1)
                self._emit(kid.role, run)
                run = Run()
            else:
                self._emit(node.role, run)
                run = Run()
                self._enter(kid, depth + 1)
        self._emit(node.role, run)

    def _enter(self, node: Node, depth: int) -> None:
        if node.role in HEADINGS:
            run = Run()
            self._inline(node, run, depth)
            text = self._text(run.refs)
            if text:
                level = int(node.role[1]) if len(node.role) == 2 else 0
                self.blocks.append(Block("heading", text, self._first_page(run.refs), level,
                                         " ".join(node.title.split())))
            return
        self._block(node, depth)

    def _inline(self, node: Node, run: Run, depth: int) -> None:
        """The MCIDs of NODE's content, nested blocks included, in order, into RUN; footnotes
        go on their own, labels are left out."""
        start = len(run.refs)
        for _, kid in sorted(node.kids.items()):
            if not isinstance(kid, Node):
                run.refs.append(kid)
            elif kid.role in NOTES:
                self._note(kid, depth + 1)
            elif kid.role not in SKIPPED and depth <= MAX_DEPTH:
                self._inline(kid, run, depth + 1)
        if node.raw in STYLES:
            run.spans.append((STYLES[node.raw], start, len(run.refs)))

    def _note(self, node: Node, depth: int) -> None:
        run = Run()
        self._inline(node, run, depth)
        text = self._text(run.refs)
        if text:
            self.blocks.append(Block("note", text, self._first_page(run.refs)))

    def _emit(self, role: str, run: Run) -> None:
        text = self._text(run.refs)
        if role in CONTENTS:
            text = re.sub(r"\s*\d+$", "", text)  # a contents entry's page number
        if text:
            self.blocks.append(Block("text", text, self._first_page(run.refs), formats=self._formats(run, text)))

    def _formats(self, run: Run, text: str) -> tuple:
        """Where TEXT is bold or italic: (start, end, 'b' | 'i'), found by the styled words,
        looked for from about where the words before them end."""
        out = []
        for style, first, end in run.spans:
            words = self._plain(run.refs[first:end])
            if not words:
                continue
            guess = len(self._plain(run.refs[:first]))
            at = text.find(words, max(0, guess - 3))
            at = at if at >= 0 else text.find(words)
            if at >= 0:
                out.append((at, at + len(words), style))
        return tuple(sorted(out))

    def _first_page(self, refs: list[tuple[int, int]]) -> int:
        return next((p for p, m in refs if p > 0 and self.text.pieces.get((p, m))), 0) or \
            next((p for p, _ in refs if p > 0), 0)

    def _pieces(self, refs: list[tuple[int, int]]) -> list[Piece]:
        pieces: list[Piece] = []
        for ref in refs:
            pieces += [CELL_BORDER] if ref[0] < 0 else self.text.pieces.get(ref, [])
        return pieces

    def _plain(self, refs: list[tuple[int, int]]) -> str:
        return joined(self._pieces(refs)).strip(" |")

    def _text(self, refs: list[tuple[int, int]]) -> str:
        pieces = self._pieces(refs)
        self.reached += sum(len(p.text.strip()) for p in pieces if p is not CELL_BORDER)
        return joined(pieces).strip(" |")


def _same_line(a: tuple, b: tuple) -> bool:
    """Whether two boxes share a line: they overlap by half the smaller one's height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])


LINE_END_HYPHEN = re.compile(r"([-\u2010\u2011])\n(?=(?:und|oder|bzw\.|bis|sowie)\b)")
ADDRESS_BREAK = re.compile(r"((?:https?://|www\.)\S*)\n(?=\S*[/.=?&#])")


def joined(pieces: list[Piece]) -> str:
    """The pieces' text as one line: a line break read as a space, a hyphenation break (a soft
    hyphen) undone, a typed hyphen or a slash at a line end kept and joined ('politisch-' +
    'geografische'), and a web address broken at a line end rejoined."""
    out = ""
    prev = None
    for piece in pieces:
        if not piece.text:
            continue
        if prev is not None and out and not out[-1].isspace() and piece.box[3] > piece.box[1] \
                and not _same_line(prev, piece.box):
            out += "\n"
        out += piece.text
        if piece.box[3] > piece.box[1]:
            prev = piece.box
    return clean(out)


def clean(text: str) -> str:
    text = re.sub(f"\n?[{SOFT_HYPHENS}]\n?", "", text)
    text = LINE_END_HYPHEN.sub(r"\1 ", text)  # 'Kinder-' at a line end before 'und': a suspended compound
    text = re.sub(r"([-\u2010\u2011])\n", r"\1", text)
    text = re.sub(r"([/@])\n(?=\S)", r"\1", text)  # "Kreis/" + "Hanau", "name@" + "host.de": no space printed
    text = ADDRESS_BREAK.sub(r"\1", text)
    text = text.replace("\u2010", "-").replace("\u2011", "-")
    return " ".join(text.split())
