"""The built files' pages held against the type's `page:`: each PDF page's size, each Word
section's size, orientation and columns, and every table and picture of a Word section no wider
than a column of it. The writers take all of it from `page:`, so a difference is a finding, not
a surprise at the printer's."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from pipeline.tree import Document, Page

TOLERANCE_MM = 1.0  # Word stores twips, PDF points: a rounding is no difference
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU_MM = 36000
_TWIP_MM = 25.4 / 1440


def _mm(twips: str | None) -> float:
    return int(twips or 0) * _TWIP_MM


def _differs(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) > TOLERANCE_MM or abs(a[1] - b[1]) > TOLERANCE_MM


def _size(w: float, h: float) -> str:
    return f"{w:.0f} × {h:.0f} mm"


def pdf_page_problems(sizes: list[tuple[float, float]], page: Page) -> list[str]:
    """The PDF pages (width, height in mm) not of the type's size; the first of a run is named."""
    want = (page.width_mm, page.height_mm)
    wrong = [n for n, size in enumerate(sizes, 1) if _differs(size, want)]
    if not wrong:
        return []
    w, h = sizes[wrong[0] - 1]
    return [f"{len(wrong)} of {len(sizes)} pages (first: page {wrong[0]}) are {_size(w, h)}, but template.yaml's "
            f"page: is {_size(*want)}"]


def _sections(body) -> list[tuple[etree._Element, list[etree._Element]]]:
    """(w:sectPr, the body's elements it closes) in order: a section ends at the paragraph whose
    properties hold a w:sectPr; the body's own w:sectPr closes the last."""
    out, blocks = [], []
    for el in body:
        if el.tag == f"{W}sectPr":
            out.append((el, blocks))
            blocks = []
            continue
        blocks.append(el)
        sect = el.find(f"{W}pPr/{W}sectPr") if el.tag == f"{W}p" else None
        if sect is not None:
            out.append((sect, blocks))
            blocks = []
    return out


def _table_mm(tbl) -> float:
    grid = [_mm(c.get(f"{W}w")) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    indent = tbl.find(f"{W}tblPr/{W}tblInd")
    return sum(grid) + (_mm(indent.get(f"{W}w")) if indent is not None and indent.get(f"{W}type") == "dxa" else 0)


def docx_page_problems(data: bytes, document: Document) -> list[str]:
    """The Word sections' pages and columns against `page:`, and what would run out of a column."""
    page = document.meta.page
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    problems = []
    want = (page.width_mm, page.height_mm)
    for n, (sect, blocks) in enumerate(_sections(body), 1):
        size = sect.find(f"{W}pgSz")
        if size is None:
            continue
        got = (_mm(size.get(f"{W}w")), _mm(size.get(f"{W}h")))
        if _differs(got, want):
            problems.append(f"section {n} is {_size(*got)}, but template.yaml's page: is {_size(*want)}")
        if (size.get(f"{W}orient") == "landscape") != (got[0] > got[1]):  # Word and LibreOffice go by the flag
            problems.append(f"section {n} is {_size(*got)} but marked {size.get(f'{W}orient') or 'portrait'}")
        margin = sect.find(f"{W}pgMar")
        cols = sect.find(f"{W}cols")
        count = int(cols.get(f"{W}num") or 1) if cols is not None else 1
        gap = _mm(cols.get(f"{W}space")) if cols is not None else 0.0
        text = got[0] - (_mm(margin.get(f"{W}left")) + _mm(margin.get(f"{W}right")) if margin is not None else 0)
        column = (text - (count - 1) * gap) / count
        if count not in (1, page.columns):
            problems.append(f"section {n} has {count} columns, but template.yaml's page: has {page.columns}")
        problems += _overflow(blocks, column, n)
    return problems


def _overflow(blocks: list, column: float, section: int) -> list[str]:
    """Tables and inline pictures wider than the section's column."""
    found = []
    for el in blocks:
        if el.tag == f"{W}tbl" and (width := _table_mm(el)) > column + TOLERANCE_MM:
            cell = "".join(el.itertext()).strip()[:40]
            found.append(f"a table ({cell!r}) is {width:.0f} mm wide, more than section {section}'s "
                         f"column of {column:.0f} mm")
        for extent in el.iter(f"{WP}inline"):
            ext = extent.find(f"{WP}extent")
            if ext is not None and (width := int(ext.get("cx") or 0) / _EMU_MM) > column + TOLERANCE_MM:
                name = next((d.get("descr") or d.get("name") or "" for d in extent.iter(f"{WP}docPr")), "")
                name = re.sub(r"\s+", " ", name)[:40]
                found.append(f"a picture ({name!r}) is {width:.0f} mm wide, more than "
                             f"section {section}'s column of {column:.0f} mm")
    return found
