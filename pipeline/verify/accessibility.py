"""Structural accessibility checks on the built files (what a PDF/UA or WCAG checker looks at
first): tagged PDF, language, title, alt text on every figure, heading order, bookmarks; and
alt text on every picture of the DOCX.

Each check returns plain problem descriptions; outputs.check_accessibility turns them into
E-ACCESSIBILITY findings.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from pipeline.verify.read_back import PdfContent

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
HEADINGS = {f"/H{i}": i for i in range(1, 7)}


@dataclass
class StructSummary:
    """What the PDF's structure tree holds, in reading order."""

    figures: list[str] = field(default_factory=list)  # alt text of each /Figure ('' if none)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, structure type)
    types: dict[str, int] = field(default_factory=dict)


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def struct_summary(reader: PdfReader) -> StructSummary:
    """Walk /StructTreeRoot depth first (reading order), without following page content."""
    out = StructSummary()
    root = _resolve(reader.trailer["/Root"]).get("/StructTreeRoot")
    if root is None:
        return out
    stack = [_resolve(root).get("/K")]
    seen: set[int] = set()
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, ArrayObject):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        kind = node.get("/S")
        if kind is None:
            continue  # a marked-content or object reference: a leaf
        kind = str(kind)
        out.types[kind] = out.types.get(kind, 0) + 1
        if kind == "/Figure":
            out.figures.append(str(node.get("/Alt", "")).strip())
        elif kind in HEADINGS:
            out.headings.append((HEADINGS[kind], kind))
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return out


def pdf_problems(pdf: PdfContent, chapter_titles: list[str], language: str = "de") -> list[str]:
    reader = pdf.reader
    catalog = _resolve(reader.trailer["/Root"])
    problems = []
    if "/StructTreeRoot" not in catalog:
        problems.append("the PDF is not tagged (no structure tree), so screen readers cannot follow it")
    if not _resolve(catalog.get("/MarkInfo", DictionaryObject())).get("/Marked", False):
        problems.append("the PDF does not declare itself tagged (MarkInfo /Marked)")
    lang = str(catalog.get("/Lang", ""))
    if not lang.lower().startswith(language.lower()):
        problems.append(f"the document language is '{lang or 'not set'}', not '{language}'")
    prefs = _resolve(catalog.get("/ViewerPreferences", DictionaryObject()))
    if not prefs.get("/DisplayDocTitle", False):
        problems.append("the viewer shows the file name instead of the document title (DisplayDocTitle)")
    title = (reader.metadata or {}).get("/Title", "")
    if not str(title).strip():
        problems.append("the PDF has no document title")
    summary = struct_summary(reader)
    missing = sum(1 for alt in summary.figures if not alt)
    if missing:
        problems.append(f"{missing} of {len(summary.figures)} figures have no alt text")
    previous = 0
    for level, kind in summary.headings:
        if level > previous + 1:
            problems.append(f"a heading {kind[1:]} follows a heading H{previous or '-'}: a level is skipped")
            break
        previous = level
    marks = {" ".join(title.split()) for level, title, _page in pdf.outline if level == 1}
    lost = [t for t in chapter_titles if " ".join(t.split()) not in marks]
    if lost:
        problems.append("no bookmark for chapter " + ", ".join(f"„{t}“" for t in lost[:3])
                        + (" …" if len(lost) > 3 else ""))
    return problems


def _xml(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read(name)) if name in z.namelist() else None


def docx_pictures(docx: bytes) -> list[tuple[str, str]]:
    """(name, alt text) of every picture in the document body."""
    return [(p.get("name", ""), (p.get("descr") or "").strip())
            for p in _xml(docx, "word/document.xml").iter(f"{{{WP}}}docPr")]


def docx_problems(docx: bytes, language: str = "de") -> list[str]:
    problems = []
    pictures = docx_pictures(docx)
    missing = [name for name, alt in pictures if not alt]
    if missing:
        problems.append(f"{len(missing)} of {len(pictures)} pictures have no alt text (descr)")
    styles = _xml(docx, "word/styles.xml")
    lang = styles.find(f".//{{{W}}}docDefaults//{{{W}}}lang") if styles is not None else None
    value = lang.get(f"{{{W}}}val", "") if lang is not None else ""
    if not value.lower().startswith(language.lower()):
        problems.append(f"the document language is '{value or 'not set'}', not '{language}'")
    core = _xml(docx, "docProps/core.xml")
    title = core.find("{http://purl.org/dc/elements/1.1/}title") if core is not None else None
    if title is None or not (title.text or "").strip():
        problems.append("the DOCX has no document title (File → Properties)")
    return problems
