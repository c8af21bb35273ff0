"""What `brochure diff` compares: an edition read back into the model of views.py (chapters →
sections → paragraphs, records by id, pages per chapter). From a build folder (content.json +
manifest.json, exact), or, at the precision they allow, from a DOCX (headings and paragraphs) or
a PDF (pdf_view.py); read_view picks the reader by the path.
"""

from __future__ import annotations

import errno
import io
import json
import zipfile
from pathlib import Path

from lxml import etree

from pipeline.errors import InputError, Location
from pipeline.load.input_files import read_bytes
from pipeline.manifest import CONTENT, MANIFEST
from pipeline.load.markdown import slug
from pipeline.verify.read_back import W, heading_level, paragraph_text, read_docx_parts
from pipeline.diff.alt_chunks import ChunkError, alt_chunks
from pipeline.diff.file_checks import MAX_JSON_DEPTH, docx_problem, json_depth
from pipeline.diff.pdf_view import from_pdf, pdf_bytes
from pipeline.diff.charts import DocxPlace, build_charts, docx_charts
from pipeline.diff.pictures import build_pictures, docx_pictures
from pipeline.diff.views import ChapterView, EditionView, SectionView, input_error


# -- from a build folder ----------------------------------------------------------------------
def _block_items(block: dict) -> list[tuple[str, tuple]]:
    """The texts a block shows, each with where it is bold or italic. Blocks made from records
    show none here: their changes are reported as record changes, not as text."""
    kind = block.get("type")
    if kind == "paragraph":
        return [(_runs(block["runs"]), _spans(block["runs"]))]
    if kind == "list":
        return [(_runs(item["runs"]), _spans(item["runs"])) for item in block["items"]]
    if kind == "table" and not block.get("table"):  # a Markdown table is typed text
        return [(" | ".join(_runs(c) for c in row), ()) for row in [block["header"], *block["rows"]] if row]
    if kind == "table":
        return []  # built from a sheet: its rows are compared as records
    if kind == "box":
        title = [(block["title"], ())] if block.get("title") else []
        return title + [x for b in block["blocks"] for x in _block_items(b)]
    if kind == "lines":
        return [(line, ()) for line in block["lines"]]
    if kind == "signature":
        return [(" ".join(x for x in (block["closing"], block["name"], block["role"]) if x), ())]
    if kind == "placeholder":
        return [(block["text"], ())]
    return []  # record blocks (quotes, contacts, figures, photos, …)


def _runs(runs: list[dict]) -> str:
    return "".join(r["text"] for r in runs)


def _spans(runs: list[dict]) -> tuple:
    """Where a paragraph's text is bold or italic: (start, end, 'b' | 'i'), from its runs."""
    out, at = [], 0
    for r in runs:
        end = at + len(r["text"])
        out += [(at, end, style) for style, key in (("b", "bold"), ("i", "italic")) if r.get(key) and end > at]
        at = end
    return merge_spans(out)


def merge_spans(spans: list[tuple[int, int, str]]) -> tuple:
    out: list[tuple[int, int, str]] = []
    for start, end, style in sorted(spans, key=lambda x: (x[2], x[0])):
        if out and out[-1][2] == style and out[-1][1] == start:
            out[-1] = (out[-1][0], end, style)
        else:
            out.append((start, end, style))
    return tuple(sorted(out))


def _notes(value) -> list[str]:
    """The texts of the footnotes referenced anywhere in a block, in order."""
    if isinstance(value, dict):
        if value.get("footnote"):
            return [_runs(value["footnote"])]
        return [t for v in value.values() for t in _notes(v)]
    if isinstance(value, list):
        return [t for v in value for t in _notes(v)]
    return []


def _section(path: str, title: str, blocks: list[dict], level: int = 0) -> SectionView:
    items = [(t, f) for b in blocks for t, f in _block_items(b) if t.strip()]
    return SectionView(path, title, [t for t, _ in items], [t for b in blocks for t in _notes(b)],
                       formats=[f for _, f in items], level=level)


def _sections(sections: list[dict], parent: str = "", level: int = 2) -> list[SectionView]:
    out = []
    for s in sections:
        path = f"{parent} > {s['title']}" if parent else s["title"]
        out.append(_section(path, s["title"], s["blocks"], level))
        out += _sections(s["sections"], path, level + 1)
    return out


MAX_JSON = 200_000_000
MAX_DOCX = 200_000_000  # packed or unpacked: a brochure with all its photos stays far below


def from_build(folder: Path) -> EditionView:
    try:
        return _from_build(folder)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # not the form 'brochure build' writes
        raise input_error(folder, f"content.json or manifest.json is not what 'brochure build' writes "
                    f"({exc.__class__.__name__}: {str(exc)[:80]})", "rebuild the edition, then compare again") from None


def _read_json(path: Path):
    data = read_bytes(path, Location(file=str(path)), path.name, MAX_JSON)
    if data is None:
        raise FileNotFoundError(errno.ENOENT, "missing", str(path))
    try:
        value, deep = json.loads(data.decode("utf-8")), False
    except RecursionError:
        value, deep = None, True
    if deep or json_depth(value) > MAX_JSON_DEPTH:
        raise input_error(path, f"{path.name} is nested more than {MAX_JSON_DEPTH} levels deep, which 'brochure build' "
                          "never writes", "rebuild the edition, then compare again")
    return value


def _from_build(folder: Path) -> EditionView:
    try:
        content = _read_json(folder / CONTENT)
        manifest = _read_json(folder / MANIFEST)
    except FileNotFoundError as exc:
        raise input_error(folder, f"{Path(exc.filename).name} is missing", "diff two folders written by "
                    "'brochure build' (they hold content.json and manifest.json), or two DOCX or PDF files") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise input_error(folder, f"content.json or manifest.json is not valid JSON: {exc}", "rebuild the edition") from None
    doc = content["document"]
    pdf = next((o for o in manifest["outputs"] if o["path"].endswith(".pdf")), None)
    spans = {c["id"]: (c["start"], c["end"]) for c in (pdf or {}).get("chapters", [])}
    chapters = []
    for ch in doc["chapters"]:
        intro = _section("", "", ch["blocks"])
        sections = ([intro] if intro.paragraphs or intro.notes else []) + _sections(ch["sections"])
        chapters.append(ChapterView(ch["id"], ch["title"], sections, spans.get(ch["id"]),
                                    running_head=ch.get("running_head") or ""))
    records: dict[str, dict[str, dict[str, str]]] = {}
    order: dict[str, list[str]] = {}
    for table, rows in content["records"].items():
        records[table] = {r["id"]: {k: "" if v is None else str(v) for k, v in r["values"].items()} for r in rows}
        order[table] = [r["id"] for r in rows]
    docx = next((folder / o["path"] for o in manifest["outputs"] if o["path"].endswith(".docx")), None)
    meta = {k: str(v) for k, v in doc["meta"].items() if k not in ("edition", "template")}
    pdf_path = folder / pdf["path"] if pdf else None
    if pdf_path and pdf_path.is_file():
        pdf_bytes(pdf_path)  # its pages are looked up: a PDF that cannot be opened is refused here
    return EditionView(manifest.get("edition", folder.name), "build", chapters, records, order, meta,
                       pdf["pages"] if pdf else None, docx if docx and docx.is_file() else None,
                       pdf_path if pdf_path and pdf_path.is_file() else None,
                       template=str(doc["meta"].get("template") or ""), pictures=build_pictures(content, manifest),
                       charts=build_charts(content))


# -- from a DOCX --------------------------------------------------------------------------------
def docx_bytes(path: Path) -> bytes:
    """A DOCX to compare, bounded: a zip bomb is refused before it is unpacked."""
    data = read_bytes(path, Location(file=str(path)), path.name, MAX_DOCX)
    if data is None:
        raise input_error(path, "not found", "pass a .docx file")
    why = docx_problem(data, MAX_DOCX)
    if why:
        raise input_error(path, f"cannot open the DOCX: {why}", "pass a DOCX written by Word, LibreOffice or brochure")
    return data


def from_docx(path: Path) -> EditionView:
    data = docx_bytes(path)
    try:
        parts = read_docx_parts(data)
        extras, revisions = _extras_per_paragraph(data)
        chunks = alt_chunks(data)
    except ChunkError as exc:
        raise input_error(path, f"cannot compare the DOCX: {exc}", "open it in Word and save it again (Word turns "
                          "pasted content into its own paragraphs), then compare") from None
    except Exception as exc:  # a broken package fails in zipfile or lxml in many ways
        raise input_error(path, f"cannot open the DOCX: {exc.__class__.__name__}: {exc}", "pass a .docx file") from None
    previous = ""
    chapters: list[ChapterView] = []
    heads: list[str] = []
    last_cell = None  # the table cell (row, cell) the section's last paragraph came from
    charts: list[DocxPlace] = []  # each chart's title, source and note: compared as the chart's
    under = ""  # what of a chart the paragraphs stand for: "", "title", "picture" or "notes"
    for k, ((style, text), (refs, spans, cell)) in enumerate(zip(parts.paragraphs, extras)):
        _add_chunk(chapters, chunks.get(k, []))
        level = heading_level(style)
        under = _chart_part(under, style, text)
        if under == "title":
            charts.append(DocxPlace(chapters[-1].title if chapters else "", " > ".join(heads), text))
        elif under:  # the chart's picture, or a caption under it
            charts[-1].notes += [text] if under == "notes" else []
        elif level == 1:
            chapters.append(ChapterView(slug(text), text))
            heads = []
        elif level and chapters:
            heads = heads[:level - 2] + [text]
            chapters[-1].sections.append(SectionView(" > ".join(heads), text, level=level))
        elif text.strip():
            if not chapters:
                chapters.append(ChapterView("titelseite", "(Titelseite)"))
            if not chapters[-1].sections:
                chapters[-1].sections.append(SectionView("", ""))
            section = chapters[-1].sections[-1]
            if style == "Quote Attribution" and section.paragraphs and previous == "Quote":
                _join(section, "\n— ", text.replace("\n", ", "), spans)  # a quote is one item with its speaker
            elif cell and last_cell and cell[0] is last_cell[0] and section.paragraphs:
                # a table row is one item, its cells apart as in a Markdown table
                _join(section, " " if cell[1] is last_cell[1] else " | ", text, spans)
            else:
                section.paragraphs.append(text)
                section.formats.append(spans)
            last_cell = cell
        previous = style
        if refs and chapters and chapters[-1].sections:
            chapters[-1].sections[-1].notes += refs
    _add_chunk(chapters, [t for k, texts in chunks.items() if k >= len(parts.paragraphs) for t in texts])
    for ch, head in zip([c for c in chapters if c.id != "titelseite"], running_heads(data)):
        ch.running_head = head
    core = parts.core
    meta = {"title": core["title"], "author": core["author"], "date": core["created"][:10]}
    try:
        pictures = docx_pictures(data)
    except Exception:  # a broken picture part costs only the picture comparison
        pictures = []
    return EditionView(path.stem, "docx", chapters, meta=meta, docx=path, revisions=revisions,
                       pictures=[p for p in pictures if not p.chart],
                       charts=docx_charts(path, [p for p in pictures if p.chart], charts))


def _add_chunk(chapters: list[ChapterView], texts: list[str]) -> None:
    """An altChunk's paragraphs (alt_chunks.py), in the section where the chunk stands."""
    if not texts:
        return
    if not chapters:
        chapters.append(ChapterView("titelseite", "(Titelseite)"))
    if not chapters[-1].sections:
        chapters[-1].sections.append(SectionView("", ""))
    section = chapters[-1].sections[-1]
    section.paragraphs += texts
    section.formats += [()] * len(texts)


def _chart_part(before: str, style: str, text: str) -> str:
    """What of a chart a DOCX paragraph is, after one that was BEFORE: the „Chart Title“, the
    empty paragraph of its picture right under it, then the captions (source line and note)."""
    if style == "Chart Title":
        return "title"
    if before == "title" and not text.strip():
        return "picture"
    if before in ("title", "picture", "notes") and style == "Caption":
        return "notes"
    return ""


def _join(section: SectionView, glue: str, text: str, spans: tuple) -> None:
    """TEXT added to the section's last paragraph after GLUE, its bold and italic spans moved along."""
    joint = len(section.paragraphs[-1]) + len(glue)
    section.paragraphs[-1] += glue + text
    section.formats[-1] = merge_spans([*section.formats[-1], *((a + joint, b + joint, f) for a, b, f in spans)])


R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def chapter_headers(body, levels: dict[str, int]) -> list[str | None]:
    """For each chapter title (a Heading 1 paragraph, in order): the relationship id of the
    default header of the section it stands in (a section without its own header has the one
    before it). LEVELS: heading level by paragraph style id."""
    out: list[str | None] = []
    waiting, rid = 0, None
    for child in body:
        for p in child.iter(f"{W}p"):
            style = p.find(f"{W}pPr/{W}pStyle")
            if style is not None and levels.get(style.get(f"{W}val")) == 1:
                waiting += 1
        sect = child if child.tag == f"{W}sectPr" else child.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            ref = next((r for r in sect.findall(f"{W}headerReference") if r.get(f"{W}type") == "default"), None)
            rid = ref.get(R_ID) if ref is not None else rid
            out += [rid] * waiting
            waiting = 0
    return out + [rid] * waiting


def style_levels(styles) -> dict[str, int]:
    """Heading level by paragraph style id, from styles.xml."""
    if styles is None:
        return {}
    out = {}
    for st in styles.iter(f"{W}style"):
        name = st.find(f"{W}name")
        text = name.get(f"{W}val") or "" if name is not None else ""
        level = heading_level("H" + text[1:] if text.startswith("heading ") else text)  # Word's built-in names
        if level:
            out[st.get(f"{W}styleId")] = level
    return out


def running_heads(data: bytes) -> list[str]:
    """The running head of each chapter: the text of its section's header."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        styles = etree.fromstring(z.read("word/styles.xml")) if "word/styles.xml" in names else None
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels")) if "word/_rels/document.xml.rels" in names \
            else None
        targets = {r.get("Id"): "word/" + r.get("Target").lstrip("/").removeprefix("word/")
                   for r in (rels if rels is not None else ())}
        texts = {}
        for rid, target in targets.items():
            if target in names and "header" in target:
                root = etree.fromstring(z.read(target))
                texts[rid] = " ".join(paragraph_text(p) for p in root.iter(f"{W}p") if paragraph_text(p).strip())
    return [" ".join(texts.get(rid, "").split()) if rid else "" for rid in chapter_headers(body, style_levels(styles))]


def _extras_per_paragraph(data: bytes) -> tuple[list[tuple[list[str], tuple, tuple | None]], int]:
    """For each body paragraph (in the order read_docx_parts reads them): the texts of the
    footnotes it references, where its runs are bold or italic, and the table row and cell it
    stands in (None outside tables); and how many tracked changes the body holds already."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        notes = etree.fromstring(z.read("word/footnotes.xml")) if "word/footnotes.xml" in names else None
    texts = {n.get(f"{W}id"): " ".join("".join(t.text or "" for t in n.iter(f"{W}t")).split())
             for n in (notes.iter(f"{W}footnote") if notes is not None else ())}
    revisions = sum(1 for _ in body.iter(*(f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo", "rPrChange"))))
    return [([texts.get(r.get(f"{W}id"), "") for r in p.iter(f"{W}footnoteReference")], _run_spans(p), _cell(p))
            for p in body.iter(f"{W}p")], revisions


def _cell(p) -> tuple | None:
    """(row, cell): the innermost table cell holding P and its row (the elements themselves:
    lxml gives an element a new proxy, and id, whenever no reference keeps the old one)."""
    cell = next(p.iterancestors(f"{W}tc"), None)
    return (cell.getparent(), cell) if cell is not None else None


def _run_spans(p) -> tuple:
    spans, at = [], 0
    for r in p.iter(f"{W}r"):
        end = at + len(paragraph_text(r))
        rpr = r.find(f"{W}rPr")
        for style in ("b", "i"):
            el = rpr.find(f"{W}{style}") if rpr is not None else None
            if el is not None and el.get(f"{W}val") not in ("0", "false") and end > at:
                spans.append((at, end, style))
        at = end
    return merge_spans(spans)


def read_view(path: Path) -> EditionView:
    try:
        return _read_view(Path(path))
    except InputError:
        raise
    except Exception as exc:  # a reader's own failure: named, never a traceback
        raise input_error(Path(path), f"cannot be read: {exc.__class__.__name__}: {str(exc)[:200]}",
                          "give a build folder written by 'brochure build', a .docx or a .pdf file") from None


def _read_view(path: Path) -> EditionView:
    if path.is_dir():
        return from_build(path)
    if not path.exists():
        raise input_error(path, "not found", "give a build folder (outputs/<edition>), a .docx or a .pdf file")
    if path.suffix.lower() == ".docx":
        return from_docx(path)
    if path.suffix.lower() == ".pdf":
        return from_pdf(path)
    raise input_error(path, f"cannot compare '{path.suffix}' files", "give a build folder, a .docx or a .pdf file")


def read_pair(old: Path, new: Path) -> tuple[EditionView, EditionView]:
    """Two editions to compare, read alike: a build folder against a DOCX or PDF is read from
    the folder's file of that kind, so both sides carry the same text. A DOCX against a PDF is
    refused: their texts differ in running heads, contents and line breaks, and every
    difference would be reported as a change."""
    views = [read_view(old), read_view(new)]
    kinds = {v.source for v in views}
    if kinds == {"docx", "pdf"}:
        path = Path(old) if views[0].source == "pdf" else Path(new)
        raise input_error(path, "refused: comparing a DOCX with a PDF would report hundreds of differences that are only "
                    "how the two hold their text (running heads, page numbers, the contents, line breaks)",
                    "compare two DOCX files, two PDF files or two build folders")
    if "build" in kinds and len(kinds) == 2:
        k = next(n for n, v in enumerate(views) if v.source == "build")
        other = views[1 - k].source
        file = views[k].docx if other == "docx" else views[k].pdf
        if file is None:
            raise input_error(Path((old, new)[k]), f"the build folder holds no {other.upper()} to compare with",
                        "rebuild the edition, or compare two build folders")
        views[k] = read_view(file)
    return views[0], views[1]
