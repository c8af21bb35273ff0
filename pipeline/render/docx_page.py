"""A Word section's page from the type's `page:`: size, orientation, margins and text columns,
as the PDF has them. reference_docx writes them into the reference document; the writer holds
the reference to them on every build, so a reference made for other paper, or set in columns,
cannot change the Word file (check warns about such a reference: W-PAGE-MISMATCH)."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from pipeline.tree import Page

# The children of w:sectPr that follow w:cols (ECMA-376 §17.6.17), for inserting it in order.
_AFTER_COLS = ("w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
               "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def set_page(section, page: Page) -> None:
    """PAGE's size, orientation and margins on SECTION. Word has no facing pages here: left is
    the inside margin, right the outside one."""
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    section.left_margin, section.right_margin = Mm(page.inside_mm), Mm(page.outside_mm)
    section.top_margin, section.bottom_margin = Mm(page.top_mm), Mm(page.bottom_mm)


def follow_page(section, page: Page) -> None:
    """SECTION (the reference document's) on PAGE's paper: a reference made for other paper, or
    not marked landscape, gets PAGE's size, orientation and margins; one on the right paper keeps
    its own margins (a type may give Word other side margins than the PDF, `--keep-page`)."""
    width, height = section.page_width.mm, section.page_height.mm
    wrong = abs(width - page.width_mm) > 1 or abs(height - page.height_mm) > 1
    if wrong or (section.orientation == WD_ORIENT.LANDSCAPE) != page.landscape:
        set_page(section, page)


def set_columns(section, count: int, gap_mm: float) -> None:
    """COUNT text columns GAP_MM apart in SECTION (w:cols, at its place in w:sectPr); one column
    clears whatever the reference document set."""
    sect = section._sectPr
    cols = sect.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        sect.insert_element_before(cols, *_AFTER_COLS)
    for attr in list(cols.attrib):
        del cols.attrib[attr]
    for child in list(cols):  # w:col entries of unequal columns
        cols.remove(child)
    if count > 1:
        cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(round(gap_mm / 25.4 * 1440)))


def reference_columns(section) -> int:
    """How many text columns SECTION's w:cols sets (1 when none)."""
    cols = section._sectPr.find(qn("w:cols"))
    num = cols.get(qn("w:num")) if cols is not None else None
    return int(num) if num and num.isdigit() else 1
