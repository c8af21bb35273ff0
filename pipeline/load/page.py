"""A brochure type's page: size and margins from template.yaml `page:`, in millimetres.

    page:
      size: a5                       # or width: 148 and height: 210
      orientation: portrait          # or landscape: the longer side across
      margin: {top: 16, bottom: 18, inside: 15, outside: 13}
      columns: 1                     # text columns of the chapters' pages (1 to 4)
      column_gap: 8                  # mm between them
      single_column: [contents]      # chapter kinds set in one column all the same
      cover: true                    # false: the type has no cover page
      chapter_break: page            # none: a chapter runs on below the one before it

Typst sets its pages from it (content.json `meta.page`; `page-setup` in common/blocks.typ), the
Word renderer takes orientation, columns, cover and chapter breaks from it,
`brochure type reference-docx` writes its size and margins into reference.docx, and the figure
width follows its text width.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pipeline.errors import Finding, InputError, Location, error, warning
from pipeline.load import type_folders
from pipeline.tree import Page

PAPER = {"a3": (297.0, 420.0), "a4": (210.0, 297.0), "a5": (148.0, 210.0), "a6": (105.0, 148.0),
         "din-lang": (99.0, 210.0), "letter": (215.9, 279.4)}
MARGINS = ("top", "bottom", "inside", "outside")
SIDE_MM = (50.0, 1000.0)  # a page side Typst and Word both lay out sensibly
MIN_TEXT_MM = 40.0  # the margins must leave at least this much text area each way
ORIENTATIONS = ("portrait", "landscape")
MAX_COLUMNS = 4
MIN_COLUMN_MM = 30.0  # a column narrower than this holds no table or picture sensibly
CHAPTER_BREAKS = ("page", "none")


def _number(value: object, rel: str, key: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise InputError(error("E-BAD-VALUE", Location(file=rel, column=key),
                               f"'{key}' must be a number of millimetres, got {value!r}"[:200], hint))
    return float(value)


def parse_page(raw: object, rel: str) -> Page:
    """The `page:` entry of a template.yaml (REL names it in findings); A4 defaults when absent."""
    if raw is None:
        return Page()
    if not isinstance(raw, dict):
        raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page"),
                               "'page' must be a mapping", "write page: {size: a4, margin: {top: 20, …}}"))
    page = Page()
    size = raw.get("size")
    sides = [k for k in ("width", "height") if k in raw]
    if size is not None and sides:  # which would win is nothing an author should have to know
        raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.{sides[0]}"),
                               f"'page' gives both a size ({size!r}) and a {sides[0]}"[:200],
                               "give either a paper size (size: a5) or width and height in mm, not both"))
    if len(sides) == 1:  # the other side would silently stay A4's
        missing = "height" if sides == ["width"] else "width"
        raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.{missing}"),
                               f"'page' gives a {sides[0]} but no {missing}",
                               "give both in mm, e.g. page: {width: 148, height: 210}, or a paper size (size: a5)"))
    if size is not None:
        if str(size).lower() not in PAPER:
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.size"),
                                   f"unknown paper size {size!r}"[:200],
                                   "use one of: " + ", ".join(PAPER) + ", or give width and height in mm"))
        page.width_mm, page.height_mm = PAPER[str(size).lower()]
    for key in ("width", "height"):
        if key in raw:
            value = _number(raw[key], rel, f"page.{key}", f"write e.g. page: {{{key}: 148}}")
            if not SIDE_MM[0] <= value <= SIDE_MM[1]:
                raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.{key}"),
                                       f"page {key} {value:g} mm is outside {SIDE_MM[0]:g}–{SIDE_MM[1]:g} mm",
                                       "give the trimmed page size in millimetres"))
            setattr(page, f"{key}_mm", value)
    margin = raw.get("margin")
    if margin is not None:
        if not isinstance(margin, dict):
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.margin"),
                                   "'page.margin' must be a mapping", "write margin: {top: 20, bottom: 20, inside: 20, outside: 18}"))
        for key, value in margin.items():
            if key not in MARGINS:
                raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.margin.{key}"),
                                       f"unknown margin '{key}'", "use: " + ", ".join(MARGINS) + " (mirrored for facing pages)"))
            mm = _number(value, rel, f"page.margin.{key}", "write the margin in mm, e.g. 20")
            if mm < 0:
                raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.margin.{key}"),
                                       f"margin {key} is negative ({mm:g} mm)", "give 0 or more millimetres"))
            setattr(page, f"{key}_mm", mm)
    orientation = raw.get("orientation")
    if orientation is not None:
        if orientation not in ORIENTATIONS:
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.orientation"),
                                   f"unknown orientation {orientation!r}"[:200], "use portrait or landscape"))
        if (orientation == "landscape") != (page.width_mm > page.height_mm) and page.width_mm != page.height_mm:
            page.width_mm, page.height_mm = page.height_mm, page.width_mm
    _layout(page, raw, rel)
    for what, side, a, b in (("width", page.width_mm, page.inside_mm, page.outside_mm),
                             ("height", page.height_mm, page.top_mm, page.bottom_mm)):
        if side - a - b < MIN_TEXT_MM:
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.margin"),
                                   f"the margins leave {side - a - b:g} mm of the page's {side:g} mm {what} for text",
                                   f"leave at least {MIN_TEXT_MM:g} mm: make the margins smaller or the page larger"))
    if page.column_width_mm < MIN_COLUMN_MM:
        raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.columns"),
                               f"{page.columns} columns leave {page.column_width_mm:.0f} mm each",
                               f"leave at least {MIN_COLUMN_MM:g} mm a column: fewer columns, a smaller gap "
                               "or smaller margins"))
    return page


def _layout(page: Page, raw: dict, rel: str) -> None:
    """The page design's columns, cover and chapter breaks (`page.columns` …)."""
    if "columns" in raw:
        n = raw["columns"]
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_COLUMNS:
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.columns"),
                                   f"'page.columns' must be a whole number from 1 to {MAX_COLUMNS}, got {n!r}"[:200],
                                   "write e.g. columns: 2"))
        page.columns = n
    if "column_gap" in raw:
        page.column_gap_mm = _number(raw["column_gap"], rel, "page.column_gap", "write the gap in mm, e.g. 8")
        if page.column_gap_mm < 0:
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.column_gap"),
                                   f"column gap is negative ({page.column_gap_mm:g} mm)", "give 0 or more millimetres"))
    kinds = raw.get("single_column")
    if kinds is not None:
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise InputError(error("E-BAD-VALUE", Location(file=rel, column="page.single_column"),
                                   "'page.single_column' must be a list of chapter kinds",
                                   "write e.g. single_column: [contents, foreword]"))
        page.single_column = list(kinds)
    for key, allowed in (("cover", (True, False)), ("chapter_break", CHAPTER_BREAKS)):
        if key in raw:
            if raw[key] not in allowed or (key == "cover") != isinstance(raw[key], bool):
                raise InputError(error("E-BAD-VALUE", Location(file=rel, column=f"page.{key}"),
                                       f"'page.{key}' cannot be {raw[key]!r}"[:200],
                                       "use one of: " + ", ".join(str(a).lower() for a in allowed)))
            setattr(page, key, raw[key])


_PGSZ = re.compile(rb'<w:pgSz\b[^>]*?\bw:w="(\d+)"[^>]*?\bw:h="(\d+)"')
_COLS = re.compile(rb'<w:cols\b[^>]*?\bw:num="(\d+)"')
MISMATCH_MM = 1.0  # Word stores the page in twips: a rounding is no mismatch


def check_reference_page(page: Page, reference: Path) -> list[Finding]:
    """W-PAGE-MISMATCH when the type's reference.docx is set up for another paper than its
    `page:`, or in text columns: the Word file follows `page:` all the same (the writer sets it,
    docx_page.py), but the reference's styles were made for what it says."""
    try:
        with zipfile.ZipFile(reference) as z:
            xml = z.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return []  # a missing or broken reference document is the template check's to report
    body = xml[xml.rfind(b"<w:sectPr"):]  # the body's section comes last
    found, cols = _PGSZ.findall(body), _COLS.findall(body)
    rel = type_folders.shown(reference)
    remake = f"remake it: brochure type reference-docx {type_folders.type_argument(reference.parent)}"
    findings = []
    if found:
        width, height = (int(v) * 25.4 / 1440 for v in found[-1])
        if abs(width - page.width_mm) > MISMATCH_MM or abs(height - page.height_mm) > MISMATCH_MM:
            findings.append(warning("W-PAGE-MISMATCH", Location(file=rel),
                                    f"reference.docx is {width:.0f} × {height:.0f} mm, but template.yaml's page: is "
                                    f"{page.width_mm:g} × {page.height_mm:g} mm: the Word file follows page: "
                                    "(size, orientation, margins), with styles made for the other paper", remake))
    if cols and int(cols[-1]) > 1:
        findings.append(warning("W-PAGE-MISMATCH", Location(file=rel),
                                f"reference.docx sets {int(cols[-1])} text columns; the Word file follows "
                                f"template.yaml's page: columns ({page.columns}), so tables and pictures fit them",
                                f"set the columns in template.yaml (page: columns: {int(cols[-1])}) and {remake}"))
    return findings
