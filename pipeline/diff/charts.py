"""The charts of an edition, compared by their data: a changed cell of a chart's data table is
one change of the chart („chart changed: „title“ — category, series: 38 → 40“), named by the
chart's title, chapter and page, not a change of a table row nobody sees by its name.

A build folder's content.json holds each chart's categories and series. A DOCX or PDF shows
a chart as a picture with its title and alt text: where the file lies in its build folder (the
manifest names it with its hash), that folder's data is used; elsewhere the title, the series
named in a generated alt text, and the drawing itself (its pixels) are compared.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assemble.charts import KIND_NAMES, format_value
from pipeline.errors import InputError, Location
from pipeline.load.input_files import read_bytes
from pipeline.diff.file_checks import MAX_JSON_DEPTH, json_depth
from pipeline.manifest import CONTENT, MANIFEST

CHARTS_TABLE = "charts"  # the table declaring the charts (assemble/document.py)
CHART_FIELDS = ("title", "data")  # its columns whose change is reported as the chart's
# A generated alt text (assemble/charts.py alt_text): '<kind>: <title>. 5 Kategorien … „a“, „b“.'
_ALT = re.compile("(?:" + "|".join(map(re.escape, KIND_NAMES.values())) + r"): (?P<title>.+?)\. "
                  r"(?=\d+ Kategorien|Kategorie |\d+ Werte in )")
_SERIES = re.compile(r"dargestellt(?: gestapelt)?: ((?:„[^“]*“(?:, )?)+)\.")


@dataclass
class ChartView:
    key: str  # the chart's id; in a DOCX or PDF without its build folder, its title and number
    title: str
    chapter: str  # the chapter's id (build folder) or title
    section: str = ""  # the section path it stands in
    categories: list[str] = field(default_factory=list)
    series: list[tuple[str, list[str]]] = field(default_factory=list)  # name, values as printed
    known: bool = False  # whether categories and series are the chart's whole data
    alt: str = ""
    digest: str = ""  # the drawing's pixels, from a DOCX or PDF
    page: int | None = None
    table: str = ""  # its data table (build folder)
    notes: list[str] = field(default_factory=list)  # the source line and note printed under it (DOCX, PDF)
    pdf: Path | None = None  # the PDF built beside its DOCX, where its page is looked up when needed


def _values(values: list) -> list[str]:
    return [format_value(v) for v in values]


def from_block(block: dict, chapter: str, section: str, tables: dict[str, str]) -> ChartView:
    """A chart block of content.json; TABLES: data table by chart id (the charts table's rows)."""
    return ChartView(block["id"], block["title"], chapter, section, list(block["categories"]),
                     [(s["name"], _values(s["values"])) for s in block["series"]], True, block.get("alt", ""),
                     table=tables.get(block["id"], ""))


def _blocks(blocks: list, chapter: str, section: str, tables: dict[str, str]) -> list[ChartView]:
    out = []
    for b in blocks:
        if b.get("type") == "chart":
            out.append(from_block(b, chapter, section, tables))
        elif b.get("type") == "box":
            out += _blocks(b["blocks"], chapter, section, tables)
    return out


def _sections(sections: list, chapter: str, parent: str, tables: dict[str, str]) -> list[ChartView]:
    out = []
    for s in sections:
        path = f"{parent} > {s['title']}" if parent else s["title"]
        out += _blocks(s["blocks"], chapter, path, tables) + _sections(s["sections"], chapter, path, tables)
    return out


def build_charts(content: dict) -> list[ChartView]:
    """A build folder's charts in reading order, each with its data and its data table."""
    tables = {r["id"]: str(r["values"].get("data") or "") for r in content["records"].get(CHARTS_TABLE, [])}
    out = []
    for ch in content["document"]["chapters"]:
        out += _blocks(ch["blocks"], ch["id"], "", tables) + _sections(ch["sections"], ch["id"], "", tables)
    return out


def from_alt(title: str, alt: str, chapter: str, section: str = "") -> ChartView:
    """A chart known only by its picture: the title, and the series a generated alt text names."""
    m = _ALT.match(alt)
    names = re.findall(r"„([^“]*)“", s.group(1)) if (s := _SERIES.search(alt)) else []
    return ChartView("", title or (m.group("title") if m else ""), chapter, section,
                     series=[(n, []) for n in names], alt=alt)


def number_keys(charts: list[ChartView]) -> None:
    """Keys for charts without an id: the title, numbered where titles repeat."""
    seen: dict[str, int] = {}
    for c in charts:
        if not c.key:
            n = seen[c.title] = seen.get(c.title, 0) + 1
            c.key = f"{c.title} #{n}"


# -- a DOCX or PDF in its build folder ---------------------------------------------------------
MAX_JSON = 200_000_000  # as edition_view.py reads a build folder's files


def _json(path: Path):
    data = read_bytes(path, Location(file=str(path)), path.name, MAX_JSON)
    value = json.loads(data.decode("utf-8")) if data is not None else None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"{path.name} nests too deep")
    return value


def build_folder(path: Path) -> tuple[dict, dict] | None:
    """The content.json and manifest.json of the build folder PATH was written into, when the
    manifest names PATH with the hash it has now (a file edited since is not described by it).
    Anything else (no such folder, files unreadable or too large) is no folder: the file is
    compared on its own."""
    try:
        manifest = _json(path.parent / MANIFEST)
        entry = next((o for o in manifest["outputs"] if o["path"] == path.name), None) if manifest else None
        if entry is None or entry.get("sha256") != hashlib.sha256(path.read_bytes()).hexdigest():
            return None
        content = _json(path.parent / CONTENT)
        return (content, manifest) if isinstance(content, dict) and "document" in content else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, InputError, RecursionError):
        return None


def with_data(charts: list[ChartView], content: dict) -> None:
    """Fills CHARTS (read from a DOCX or PDF) with the data of the same charts in CONTENT,
    matched by alt text and title in order."""
    known = build_charts(content)
    titles = {ch["id"]: ch["title"] for ch in content["document"]["chapters"]}
    for c in charts:
        k = next((k for k in known if k.alt == c.alt and k.title == c.title), None) or \
            next((k for k in known if k.alt == c.alt), None)  # a PDF's caption text read otherwise
        if k is None:
            continue
        known.remove(k)
        c.key, c.title, c.categories, c.series, c.known, c.table = k.key, k.title, k.categories, k.series, True, k.table
        c.chapter, c.section = titles.get(k.chapter, c.chapter), k.section


def _folder_pdf(path: Path, manifest: dict) -> Path | None:
    """The PDF built beside the DOCX PATH: the charts' pages are looked up in it."""
    return next((path.parent / o["path"] for o in manifest["outputs"] if o["path"].endswith(".pdf")), None)


@dataclass
class DocxPlace:
    """Where a DOCX's „Chart Title“ paragraph stands, and the captions (source, note) under the
    chart it heads."""
    chapter: str
    section: str
    title: str
    notes: list[str] = field(default_factory=list)


def docx_charts(path: Path, pictures: list, places: list[DocxPlace]) -> list[ChartView]:
    """A DOCX's charts from its chart pictures (PictureView) and the place of each „Chart
    Title“ paragraph; with their data where the DOCX lies in its build folder."""
    out, at = [], 0
    for pic in pictures:
        k = next((k for k in range(at, len(places)) if places[k].title == pic.caption), None)
        place = places[k] if k is not None else DocxPlace(pic.chapter, "", pic.caption)
        at = k + 1 if k is not None else at
        c = from_alt(pic.caption, pic.alt, place.chapter, place.section)
        c.digest, c.notes = pic.digest, place.notes
        out.append(c)
    folder = build_folder(path) if out else None
    if folder is not None:
        with_data(out, folder[0])
        for c in out:
            c.pdf = _folder_pdf(path, folder[1])
    number_keys(out)
    return out


# -- from a PDF ----------------------------------------------------------------------------------
@dataclass
class PdfFigure:
    alt: str
    page: int
    box: tuple  # the figure's BBox, pt from the page's lower left
    caption: list[int]  # the marked-content ids of its caption (the chart's title)
    title: str = ""
    digest: str = ""
    notes: list[str] = field(default_factory=list)  # its source and note, where known


def _mcids(el, depth: int = 0) -> list[int]:
    el = el.get_object()
    if isinstance(el, int):
        return [el]
    if depth > 20:
        return []
    if isinstance(el, list):
        return [m for x in el for m in _mcids(x, depth + 1)]
    k = el.get("/MCID") if el.get("/Type") == "/MCR" else el.get("/K")
    return _mcids(k, depth + 1) if k is not None else []


# Elements that hold text or a picture, never a chart: not walked into (resolving their many
# marked-content references is most of the walk's time).
_INLINE = {"/P", "/Span", "/Link", "/Lbl", "/Figure", "/Caption", "/Note", "/Reference", "/Quote", "/Code",
           *(f"/H{n}" for n in range(1, 7))}


def _chart_figures(reader) -> list[PdfFigure]:
    """The charts of a tagged PDF: a Div holding a Caption (the title) and a Figure (the
    drawing with its alt text), as the template tags a figure with a caption."""
    pages = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages, 1) if p.indirect_reference}
    out: list[PdfFigure] = []

    seen: set[int] = set()  # a hostile tree may refer back to an element it holds

    def walk(el, depth: int = 0) -> None:
        el = el.get_object()
        if depth > 200 or not isinstance(el, (list, dict)) or id(el) in seen:
            return
        seen.add(id(el))
        kids = el if isinstance(el, list) else el.get("/K")
        kids = kids.get_object() if kids is not None else []
        kids = kids if isinstance(kids, list) else [kids]
        elems = [k.get_object() for k in kids if isinstance(k.get_object(), dict)]
        tags = [e.get("/S") for e in elems]
        if "/Caption" in tags and "/Figure" in tags:
            fig, cap = elems[tags.index("/Figure")], elems[tags.index("/Caption")]
            pg = fig.get("/Pg")
            attrs = fig.get("/A")
            attrs = attrs.get_object() if attrs is not None else []
            box = next((a.get_object().get("/BBox") for a in (attrs if isinstance(attrs, list) else [attrs])
                        if a.get_object().get("/BBox") is not None), None)
            if pg is not None and box is not None:
                out.append(PdfFigure(str(fig.get("/Alt", "")), pages.get(pg.idnum, 0), tuple(float(x) for x in box),
                                     _mcids(cap)))
            return
        for e in elems:
            if e.get("/S") not in _INLINE:
                walk(e, depth + 1)
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is not None:
        walk(root)
    return out


def _mcid(obj, raw) -> int | None:
    import ctypes
    for k in range(raw.FPDFPageObj_CountMarks(obj)):
        value = ctypes.c_int()
        if raw.FPDFPageObjMark_GetParamIntValue(raw.FPDFPageObj_GetMark(obj, k), b"MCID", ctypes.byref(value)):
            return value.value
    return None


def _caption_text(page, mcids: list[int]) -> str:
    """The text of the page's objects marked with MCIDS (the caption: the chart's title)."""
    import pypdfium2.raw as raw
    textpage = page.get_textpage()
    boxes = [obj.get_bounds() for obj in page.get_objects(max_depth=8)
             if obj.type == raw.FPDF_PAGEOBJ_TEXT and _mcid(obj.raw, raw) in mcids]
    if not boxes:
        return ""
    left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return " ".join(textpage.get_text_bounded(left, bottom, right, top).split())


def _drawing_digest(page, box: tuple) -> str:
    """The hash of the figure's area rendered: a chart drawn anew with other data differs."""
    width, height = page.get_size()
    crop = (max(0, box[0]), max(0, box[1]), max(0, width - box[2]), max(0, height - box[3]))
    image = page.render(scale=2, crop=crop).to_pil()
    return hashlib.sha256(f"{image.mode} {image.size}".encode() + image.tobytes()).hexdigest()


def pdf_figures(data: bytes, reader=None) -> list[PdfFigure]:
    """The charts of a PDF in reading order with title, alt text and page. READER: the PDF
    opened in pypdf already."""
    from pypdf import PdfReader
    figures = _chart_figures(reader or PdfReader(io.BytesIO(data)))
    _on_pages(data, figures, lambda page, f: setattr(f, "title", _caption_text(page, f.caption)))
    return figures


def add_drawings(data: bytes, figures: list[PdfFigure]) -> None:
    """The hash of each chart's drawing, for charts whose data is not at hand."""
    _on_pages(data, figures, lambda page, f: setattr(f, "digest", _drawing_digest(page, f.box)))


def _on_pages(data: bytes, figures: list[PdfFigure], do) -> None:
    from pipeline.render.pdf_pages import pdfium
    if not figures:
        return
    pdf = pdfium().PdfDocument(data)
    try:
        for f in figures:
            if 0 < f.page <= len(pdf):
                do(pdf[f.page - 1], f)
    finally:
        pdf.close()


_ALT_SOURCE = re.compile(r" Quelle: (.+)\.$")  # the end of a generated alt text


def figure_notes(figures: list[PdfFigure], folder: tuple[dict, dict] | None) -> None:
    """The source and note printed under each chart of a PDF: from its build folder's data, or
    the source a generated alt text names."""
    known = build_blocks(folder[0]) if folder else []
    for f in figures:
        block = next((b for b in known if b.get("alt") == f.alt and b.get("title") == f.title), None)
        if block is not None:
            known.remove(block)
            f.notes = [t for t in (block.get("source", ""), block.get("note", "")) if t]
        elif m := _ALT_SOURCE.search(f.alt):
            f.notes = [m.group(1)]


def build_blocks(content: dict) -> list[dict]:
    """The chart blocks of a content.json, in reading order."""
    out: list[dict] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if value.get("type") == "chart":
                out.append(value)
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(content["document"]["chapters"])
    return out


def pdf_charts(figures: list[PdfFigure], chapters: list, folder: tuple[dict, dict] | None) -> list[ChartView]:
    """A PDF's charts (its FIGURES), each in the chapter and section whose pages hold it; with
    their data where the PDF lies in its build FOLDER."""
    out = []
    for f in figures:
        chapter = next((c for c in reversed(chapters) if c.pages and c.pages[0] <= f.page), None)
        # the first section with text on its page: a chart is set at the top of a page or column
        section = next((s for s in (chapter.sections if chapter else []) if s.pages and s.pages[0] <= f.page <= s.pages[-1]),
                       None)
        c = from_alt(f.title, f.alt, chapter.title if chapter else "", section.path if section else "")
        c.page, c.digest, c.notes = f.page, f.digest, f.notes
        out.append(c)
    if folder is not None:
        with_data(out, folder[0])
    number_keys(out)
    return out


def without_titles(text: str, figures: list[PdfFigure]) -> str:
    """TEXT (of the page the FIGURES stand on) without what these charts print around their
    drawing: the title above, the source line and note below, each looked for after the one
    before (a key figures box may name the same source). They are compared as the chart's,
    not again as sentences of the text."""
    for f in figures:
        at = 0
        for k, printed in enumerate([f.title, *f.notes]):
            words = printed.split()
            if not words:
                continue
            label = r"(?:[\w-]+:\s+)?" if k == 1 else ""  # the source line's „Quelle: “
            pattern = re.compile(label + r"\s+".join(map(re.escape, words)))
            m = pattern.search(text, at) or pattern.search(text)
            if m:
                text, at = text[:m.start()] + " " + text[m.end():], m.start()
    return text
