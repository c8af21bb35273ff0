"""A page-level checker for built PDFs: what a reader sees on each page, read from the glyph boxes.

`page_faults(pdf, content)` reads every page with PDFium (pypdfium2) and reports, one string per
fault ("<kind> p. <page>: <what>"):

- `outside-type-area`: a glyph of the content outside the type area, the type's `page:` margins
  (content.json `meta.page`; inside and outside mirrored, the inside on the left of odd pages);
- `outside-cell`: a glyph of a table cell outside the cell's borders (the table's rules);
- `stranded-heading`: a heading with nothing of its text below it on its page or column;
- `furniture-on-blank-page`: a page with no content that carries a running head or a folio.

What is content and what is page furniture is read from the PDF's tags, not guessed from
positions: Typst marks running heads, folios, page backgrounds (the drafts' ENTWURF) and table
rules as artifacts, and everything a reader reads as marked content of the structure tree. Cells
and headings are the structure elements TD/TH and H1–H6 (H). Pages before the first chapter's
bookmark are the cover (full bleed by design) and are not held to the type area.
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipeline.verify.page_fill import mark_names

MM = 72 / 25.4
SLACK = 1.5  # pt: glyph boxes are the font's outlines, which may overhang their advance a little
HANGING = set("\ufffe\u00ad-\u2010\u2011\u2013\u2014,.:;!?\"'\u201e\u201c\u201d\u201a\u2018\u2019\u00ab\u00bb\u2039\u203a()[]/")
KINDS = ("outside-type-area", "outside-cell", "stranded-heading", "single-row", "furniture-on-blank-page")
GUTTER = 10.0  # pt: a gap wider than any word space in a line of text
HEADINGS = ("H", "H1", "H2", "H3", "H4", "H5", "H6")


@dataclass
class Glyph:
    char: str
    box: tuple[float, float, float, float]  # left, bottom, right, top (pt, origin bottom left)
    artifact: bool
    mcid: int
    base: float  # the baseline (pt from the page's foot)


@dataclass
class Fault:
    kind: str
    page: int  # 1-based
    what: str

    def __str__(self) -> str:
        return f"{self.kind} p. {self.page}: {self.what}"


@dataclass
class PageRead:
    number: int
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # thin path objects
    tags: dict[int, list[str]] = field(default_factory=dict)  # MCID → structure types, outermost first
    nodes: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # MCID → (type, element id on this page)
    columns: int | None = None  # 1 or 2, found by _two_columns
    chapter_starts: bool = False  # a chapter's top-level bookmark points to this page

    def element(self, g: Glyph, kinds: tuple[str, ...], stop: tuple[str, ...] = ("Note",)) -> int | None:
        """The id of the innermost element of one of KINDS that G belongs to (none below a STOP:
        a footnote's text is tagged inside the cell that calls it, but printed at the page foot)."""
        found = None
        for kind, uid in self.nodes.get(g.mcid, []):
            if kind in stop:
                return None
            if kind in kinds:
                found = uid
        return found

    def content(self) -> list[Glyph]:
        return [g for g in self.glyphs if not g.artifact and not g.char.isspace()]

    def furniture(self) -> list[Glyph]:
        return [g for g in self.glyphs if g.artifact and not g.char.isspace()]


def _marks(obj) -> list[str]:
    return mark_names(obj, raw)


def _struct_type(elem) -> str:
    buf = (ctypes.c_ushort * 64)()
    n = raw.FPDF_StructElement_GetType(elem, buf, ctypes.sizeof(buf))
    return bytes(buf)[:n].decode("utf-16-le").rstrip("\x00")


def _walk_struct(elem, path: list[tuple[str, int]], read: PageRead, counter: list[int]) -> None:
    counter[0] += 1
    here = path + [(_struct_type(elem), counter[0])]
    for k in range(raw.FPDF_StructElement_GetMarkedContentIdCount(elem)):
        mcid = raw.FPDF_StructElement_GetMarkedContentIdAtIndex(elem, k)
        if mcid >= 0:
            read.tags[mcid] = [t for t, _ in here]
            read.nodes[mcid] = here
    for k in range(raw.FPDF_StructElement_CountChildren(elem)):
        child = raw.FPDF_StructElement_GetChildAtIndex(elem, k)
        if child:
            _walk_struct(child, here, read, counter)


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageRead:
    page = pdf[index]
    try:
        width, height = page.get_size()
        read = PageRead(index + 1, width, height)
        text = page.get_textpage()
        try:
            n = text.count_chars()
            chars = text.get_text_range(0, n, errors="replace") if n else ""
            x, y = ctypes.c_double(), ctypes.c_double()
            if len(chars) != n:  # one character per glyph, as PDFium counts them
                chars = "".join(text.get_text_range(k, 1) for k in range(n))
            for k in range(n):
                obj = raw.FPDFText_GetTextObject(text.raw, k)
                marks = _marks(obj) if obj else []
                mcid = raw.FPDFPageObj_GetMarkedContentID(obj) if obj else -1
                raw.FPDFText_GetCharOrigin(text.raw, k, x, y)
                read.glyphs.append(Glyph(chars[k], tuple(text.get_charbox(k)),
                                         "Artifact" in marks or (not marks and mcid < 0), mcid, y.value))
        finally:
            text.close()
        for obj in page.get_objects(max_depth=8, filter=(raw.FPDF_PAGEOBJ_PATH,)):
            left, bottom, right, top = obj.get_bounds()
            if min(right - left, top - bottom) <= 2.0 and max(right - left, top - bottom) > 4.0:
                read.rules.append((left, bottom, right, top))
        tree = raw.FPDF_StructTree_GetForPage(page.raw)
        if tree:
            try:
                counter = [0]
                for k in range(raw.FPDF_StructTree_CountChildren(tree)):
                    elem = raw.FPDF_StructTree_GetChildAtIndex(tree, k)
                    if elem:
                        _walk_struct(elem, [], read, counter)
            finally:
                raw.FPDF_StructTree_Close(tree)
        return read
    finally:
        page.close()


def _sample(glyphs: list[Glyph], n: int = 40) -> str:
    return "".join(g.char for g in glyphs)[:n]


def _type_area(read: PageRead, page: dict) -> tuple[float, float, float, float]:
    odd = read.number % 2 == 1  # Typst binds on the left in German: odd pages have the inside left
    left = (page["inside_mm"] if odd else page["outside_mm"]) * MM
    right = read.width - (page["outside_mm"] if odd else page["inside_mm"]) * MM
    return left, page["bottom_mm"] * MM, right, read.height - page["top_mm"] * MM


def _outside_area(read: PageRead, page: dict) -> list[Fault]:
    """Across, a glyph must lie inside the margins; only punctuation may hang into them by its own
    width (Typst's `text.overhang`, optical margin alignment). Down, its middle must: the type area
    runs from the first line's cap height to the last line's baseline, so ascenders, accents and
    descenders stand out of it by design."""
    left, bottom, right, top = _type_area(read, page)

    def off(g: Glyph) -> float:
        hang = g.box[2] - g.box[0] if g.char in HANGING else 0.0
        middle = (g.box[1] + g.box[3]) / 2
        return max(left - g.box[0] - hang, g.box[2] - right - hang, bottom - middle, middle - top)

    out = [g for g in read.content() if off(g) > SLACK]
    if not out:
        return []
    worst = max(off(g) for g in out)
    return [Fault("outside-type-area", read.number,
                  f"{len(out)} glyph(s) up to {worst:.1f} pt outside the type area: {_sample(out)!r}")]


def _nearest(values: list[float], at: float, below: bool) -> float | None:
    side = [v for v in values if (v <= at if below else v >= at)]
    return (max(side) if below else min(side)) if side else None


def _outside_cells(read: PageRead) -> list[Fault]:
    """Each cell's box is the rules around its first glyph; every glyph of the cell must lie in it."""
    by_cell: dict[int, list[Glyph]] = {}
    for g in read.content():
        cell = read.element(g, ("TD", "TH"))
        if cell is not None:
            by_cell.setdefault(cell, []).append(g)
    faults = []
    for glyphs in by_cell.values():
        first = glyphs[0]
        cx, cy = (first.box[0] + first.box[2]) / 2, (first.box[1] + first.box[3]) / 2
        vertical = [(r[0] + r[2]) / 2 for r in read.rules if r[3] - r[1] > r[2] - r[0] and r[1] <= cy <= r[3]]
        horizontal = [(r[1] + r[3]) / 2 for r in read.rules if r[2] - r[0] > r[3] - r[1] and r[0] <= cx <= r[2]]
        left, right = _nearest(vertical, cx, True), _nearest(vertical, cx, False)
        bottom, top = _nearest(horizontal, cy, True), _nearest(horizontal, cy, False)
        out = [g for g in glyphs
               if (left is not None and g.box[0] < left - SLACK / 2) or (right is not None and g.box[2] > right + SLACK / 2)
               or (bottom is not None and g.box[1] < bottom - SLACK / 2) or (top is not None and g.box[3] > top + SLACK / 2)]
        if out:
            faults.append(Fault("outside-cell", read.number,
                                f"{len(out)} glyph(s) of the cell {_sample(glyphs)!r} cross its border: {_sample(out)!r}"))
    return faults


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines by their baselines (within a point: sub- and superscripts apart)."""
    lines: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: -g.base):
        if lines and abs(lines[-1][0].base - g.base) <= 1.0:
            lines[-1].append(g)
        else:
            lines.append([g])
    return lines


def _is_heading(read: PageRead, g: Glyph) -> bool:
    return read.element(g, HEADINGS) is not None


def _flow(read: PageRead) -> list[Glyph]:
    """The page's content in its text flow: footnotes (printed at the foot) left out."""
    return [g for g in read.content() if not any(t == "Note" for t in read.tags.get(g.mcid, []))]


def _column(read: PageRead, glyphs: list[Glyph], left: float, right: float) -> list[Glyph]:
    return [g for g in glyphs if g.box[2] > left and g.box[0] < right]


def _two_columns(read: PageRead) -> bool:
    """Text on both halves of the page, and no line of text (headings may span both columns)
    that runs across the middle: a word space is a few points, a column gutter far more."""
    if read.columns is None:
        middle = read.width / 2
        text = [g for g in _flow(read) if not _is_heading(read, g)]
        across = False
        for line in _lines(text):
            xs = sorted(line, key=lambda g: g.box[0])
            if any(a.box[0] < middle and b.box[2] > middle and b.box[0] - a.box[2] < GUTTER
                   for a, b in zip(xs, xs[1:])) or any(g.box[0] < middle < g.box[2] for g in xs):
                across = True
                break
        read.columns = 2 if not across and sum(1 for g in text if g.box[0] > middle) >= 5 else 1
    return read.columns == 2


def _column_of(read: PageRead, left: float, right: float) -> tuple[float, float]:
    """The column a thing from LEFT to RIGHT stands in: a half of a two-column page, or the page."""
    middle = read.width / 2
    if _two_columns(read) and (right <= middle or left >= middle):
        return (0.0, middle) if right <= middle else (middle, read.width)
    return 0.0, read.width


def _next_start(reads: list[PageRead], at: int, left: float, right: float) -> tuple[PageRead, Glyph] | None:
    """The first glyph of the flow after the foot of the column LEFT–RIGHT of page AT: the top of
    the next column, or of the next page."""
    read = reads[at]
    middle = read.width / 2
    if _column_of(read, left, right)[1] <= middle:
        beside = [g for g in _flow(read) if g.box[0] > middle]
        if beside:
            return read, max(beside, key=lambda g: (g.box[3], -g.box[0]))
    for later in reads[at + 1:]:
        flow = _flow(later)
        if flow:
            return later, max(flow, key=lambda g: (g.box[3], -g.box[0]))
    return None


def _stranded_headings(reads: list[PageRead], at: int) -> list[Fault]:
    """A heading must keep two lines of its text, or a table's header and first body row, below it
    in its column, unless its section ends there (another heading follows on the page, or the
    next column or page starts with one)."""
    read = reads[at]
    flow = _flow(read)
    heads: dict[int, list[Glyph]] = {}
    for g in flow:
        h = read.element(g, HEADINGS)
        if h is not None:
            heads.setdefault(h, []).append(g)
    faults = []
    for glyphs in heads.values():
        left, right = _column_of(read, min(g.box[0] for g in glyphs), max(g.box[2] for g in glyphs))
        bottom = min(g.box[1] for g in glyphs)
        column = [g for g in _column(read, flow, left, right) if g.box[3] < bottom - 0.5]
        following = [g for g in column if _is_heading(read, g)]
        if following:
            limit = max(g.box[3] for g in following)
            column = [g for g in column if g.box[1] > limit]
        if any(read.element(g, ("TD",)) is not None for g in column):
            continue  # a body row of a table is with it
        has_header = any(read.element(g, ("TH",)) is not None for g in column)
        if not has_header and (len(_lines(column)) >= 2 or following):
            continue
        start = _next_start(reads, at, left, right)
        if not has_header and (start is None or _is_heading(*start) or start[0].chapter_starts):
            continue  # its section ends with this page or column: a heading or a chapter follows
        text = "a table's header only" if has_header else f"{len(_lines(column))} line(s)"
        faults.append(Fault("stranded-heading", read.number,
                            f"heading {_sample(glyphs, 60)!r} keeps {text} of its text at the foot of its page or column"))
    return faults


def _single_rows(reads: list[PageRead], at: int) -> list[Fault]:
    """A table split across pages must not leave one body row alone on a page: a table with one
    body row here that starts at the top of the page's flow or ends at its foot, continued there."""
    read = reads[at]
    flow = _flow(read)
    if not flow:
        return []
    tables: dict[int, list[Glyph]] = {}
    for g in flow:
        t = read.element(g, ("Table",))
        if t is not None:
            tables.setdefault(t, []).append(g)
    faults = []
    for glyphs in tables.values():
        rows = {r for g in glyphs if read.element(g, ("TBody",)) is not None for r in [read.element(g, ("TR",))]}
        if len(rows) != 1:
            continue
        left, right = _column_of(read, min(g.box[0] for g in glyphs), max(g.box[2] for g in glyphs))
        column = _column(read, flow, left, right)
        top = max(column, key=lambda g: g.box[3])
        foot = min(column, key=lambda g: g.box[1])
        mine = {id(g) for g in glyphs}
        before = reads[at - 1] if at > 0 else None
        after = _next_start(reads, at, left, right)
        continued = id(top) in mine and before is not None and any(
            before.element(g, ("TD",)) is not None for g in _lowest_line(_flow(before)))
        continues = id(foot) in mine and after is not None and after[0].element(after[1], ("TD", "TH")) is not None
        if continued or continues:
            row = [g for g in glyphs if read.element(g, ("TBody",)) is not None]
            faults.append(Fault("single-row", read.number,
                                f"a table break leaves one body row alone on the page: {_sample(row)!r}"))
    return faults


def _lowest_line(glyphs: list[Glyph]) -> list[Glyph]:
    if not glyphs:
        return []
    low = min(g.box[1] for g in glyphs)
    return [g for g in glyphs if g.box[3] > low and g.box[1] < low + 2]


def _furniture_on_blank(read: PageRead) -> list[Fault]:
    if read.content():
        return []
    furniture = [g for g in read.furniture() if g.box[3] - g.box[1] < 30]  # not a background mark (ENTWURF)
    if not furniture:
        return []
    return [Fault("furniture-on-blank-page", read.number,
                  f"a page without content carries a running head or folio: {_sample(furniture)!r}")]


def faults(pdf_path: Path | str, content_json: Path | str | dict | None = None) -> list[Fault]:
    """Every fault of every page of PDF_PATH; CONTENT_JSON (the build's content.json, its path, or
    None for the one beside the PDF) gives the type's page."""
    if content_json is None:
        content_json = Path(pdf_path).with_name("content.json")
    if not isinstance(content_json, dict):
        content_json = json.loads(Path(content_json).read_text(encoding="utf-8"))
    page = content_json.get("document", content_json)["meta"]["page"]
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        starts = {mark.get_dest().get_index() for mark in pdf.get_toc(max_depth=16)
                  if mark.level == 0 and mark.get_dest() is not None}
        first_chapter = min(starts, default=0)
        reads = [read_page(pdf, index) for index in range(len(pdf))]
        for index in starts:
            reads[index].chapter_starts = True
    finally:
        pdf.close()
    out: list[Fault] = []
    for index, read in enumerate(reads):
        if index >= first_chapter:
            out += _outside_area(read, page)
        out += _outside_cells(read)
        out += _stranded_headings(reads, index)
        out += _single_rows(reads, index)
        if index >= first_chapter:
            out += _furniture_on_blank(read)
    return out


def page_faults(pdf_path: Path | str, content_json: Path | str | dict | None = None) -> list[str]:
    """`faults` as strings: "<kind> p. <page>: <what>"."""
    return [str(f) for f in faults(pdf_path, content_json)]


if __name__ == "__main__":
    import sys
    for pdf in sys.argv[1:]:
        found = faults(pdf)
        print(f"{pdf}: {len(found)} fault(s)")
        for f in found:
            print("  ", f)
