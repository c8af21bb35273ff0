"""The Word file follows its brochure type's page design (template.yaml `page:`): the landscape
fact sheet (templates/faktenblatt, sample inputs/faktenblatt-2014) gives a landscape DOCX in the
type's columns, without a cover and without a page per chapter, whose LibreOffice rendering is
about as long as the PDF. Also: Heading 3 and 4 differ in every type's reference.docx, „- “
lines in a table cell are a Word list, and header words and addresses fit their columns.

The expectations are read from the type's template.yaml and measured with the font file itself,
never taken from the renderer's own tables."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from conftest import ROOT
from pipeline.errors import InputError
from pipeline.load.page import parse_page

TYPE = "faktenblatt"
SAMPLE = "faktenblatt-2014"
ENTRY = yaml.safe_load((ROOT / "templates" / TYPE / "template.yaml").read_text(encoding="utf-8"))["page"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def docx_path(samples) -> Path:
    return samples.file(SAMPLE, ".docx")


def test_the_type_asks_for_what_is_tested():
    assert ENTRY["orientation"] == "landscape" and ENTRY["columns"] == 2
    assert ENTRY["cover"] is False and ENTRY["chapter_break"] == "none"


def test_every_section_is_landscape_a4(docx_path):
    for section in open_docx(str(docx_path)).sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert abs(section.page_width.mm - 297) < 0.5 and abs(section.page_height.mm - 210) < 0.5


def test_the_chapters_are_set_in_the_types_columns_without_a_cover_or_page_breaks(docx_path):
    doc = open_docx(str(docx_path))
    sections = list(doc.sections)
    assert all(s.left_margin and s.top_margin for s in sections), "a section without margins is a cover"
    assert all(s.start_type != WD_SECTION.NEW_PAGE for s in sections[1:]), "a chapter starts a new page"
    body = doc.element.body
    assert not body.findall(f".//{W}pageBreakBefore") and not [
        br for br in body.iter(f"{W}br") if br.get(f"{W}type") == "page"]
    # every chapter heading lies in the last section, which has the type's columns
    last = sections[-1]._sectPr.find(qn("w:cols"))
    assert last.get(qn("w:num")) == str(ENTRY["columns"])
    assert abs(int(last.get(qn("w:space"))) / 1440 * 25.4 - ENTRY["column_gap"]) < 0.5
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    paragraphs = list(body.iter(f"{W}p"))
    breaks = [i for i, p in enumerate(paragraphs) if p.find(f"{W}pPr/{W}sectPr") is not None]
    assert len(headings) >= 3 and all(paragraphs.index(h._p) > max(breaks) for h in headings)


def test_the_first_page_opens_with_the_title(docx_path, samples):
    doc = open_docx(str(docx_path))
    band = doc.tables[0]
    title = samples.result(SAMPLE)  # noqa: F841 (built)
    meta = yaml.safe_load((ROOT / "inputs" / SAMPLE / "edition.yaml").read_text(encoding="utf-8"))
    texts = [p.text for p in band.cell(0, 0).paragraphs]
    assert meta["title"] in texts and meta["subtitle"] in texts


def test_tables_and_pictures_fit_one_column(docx_path):
    doc = open_docx(str(docx_path))
    section = doc.sections[-1]
    column = (section.page_width - section.left_margin - section.right_margin
              - int(ENTRY["column_gap"] * 36000)) / ENTRY["columns"]
    for tbl in doc.element.body.iter(f"{W}tbl"):
        if tbl.getparent().tag == f"{W}body" and tbl is not doc.tables[0]._tbl:
            width = sum(int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol")) * 635  # twips → EMU
            assert width <= column + 12700
    for shape in doc.inline_shapes:
        assert shape.width <= column + 12700


def test_a_dash_line_in_a_cell_is_a_word_list(docx_path):
    with open(ROOT / "inputs" / SAMPLE / "data" / "angebote.csv", encoding="utf-8", newline="") as fh:
        cells = [cell for row in csv.reader(fh, delimiter=";") for cell in row]
    items = [line[2:] for cell in cells for line in cell.split("\n") if line.startswith("- ")]
    assert len(items) >= 2
    cells = [p for t in open_docx(str(docx_path)).tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for item in items:
        found = [p for p in cells if p.text == item]
        assert found, item
        assert all(p._p.pPr.numPr is not None or "Bullet" in p.style.name for p in found)
    assert not [p for p in cells if p.text.startswith(("- ", "•"))]


def _font(bold: bool) -> tuple[dict, float]:
    import font_source_sans_pro as pkg
    folder = Path(pkg.__file__).parent / "files"
    font = TTFont(str(folder / f"SourceSansPro-{'Bold' if bold else 'Regular'}.ttf"), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    return {cp: hmtx[g][0] for cp, g in cmap.items()}, font["head"].unitsPerEm


def _width_pt(text: str, size: float, bold: bool) -> float:
    advances, upm = _font(bold)
    return sum(advances.get(ord(c), upm / 2) for c in text) / upm * size


def test_header_words_and_addresses_fit_their_columns(docx_path):
    """No header word is wider than its column's text width (Word would break it without a
    hyphen), nor any e-mail or web address of a table (it would break inside)."""
    doc = open_docx(str(docx_path))
    inset = 2 * 108 / 20  # Table Grid's cell margins, pt
    checked = 0
    for table in doc.tables[1:]:
        widths = [int(g.get(qn("w:w"))) / 20 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for c, cell in enumerate(row.cells):
                for p in cell.paragraphs:
                    header = p.style.name == "Table Header"
                    size = (p.style.font.size or p.style.base_style.font.size).pt
                    pieces = p.text.split() if header else re.findall(r"\S+@\S+|www\.\S+", p.text)
                    for piece in pieces:
                        checked += 1
                        assert _width_pt(piece, size, bold=header) <= widths[c] - inset, (piece, widths[c])
    assert checked >= 6


def test_heading_3_and_4_look_different_in_every_type():
    for path in sorted((ROOT / "templates").glob("*/reference.docx")):
        styles = open_docx(str(path)).styles

        def look(name, styles=styles):
            f = styles[name].font
            return (f.size, f.bold, f.italic, str(f.color.rgb) if f.color and f.color.type else None)
        assert look("Heading 3") != look("Heading 4") and look("Heading 3")[1:] != look("Heading 4")[1:], path.parent.name


def test_libreoffice_lays_the_docx_out_on_about_as_many_pages_as_the_pdf(docx_path, samples, tmp_path):
    from office import convert, soffice_missing
    if soffice_missing():
        pytest.skip(soffice_missing())
    pdf_pages = len(PdfReader(str(samples.file(SAMPLE, ".pdf"))).pages)
    rendered = convert(docx_path, "pdf", tmp_path, check=True)
    reader = PdfReader(str(rendered))
    assert abs(len(reader.pages) - pdf_pages) <= 1, (len(reader.pages), pdf_pages)
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape in LibreOffice too


@pytest.mark.parametrize("entry, key", [
    ({"orientation": "quer"}, "page.orientation"),
    ({"columns": 9}, "page.columns"),
    ({"columns": 4, "column_gap": 60}, "page.columns"),
    ({"cover": "nein"}, "page.cover"),
    ({"chapter_break": "odd"}, "page.chapter_break"),
])
def test_a_wrong_page_design_value_names_its_key(entry, key):
    with pytest.raises(InputError) as caught:
        parse_page(entry, "templates/x/template.yaml")
    finding = caught.value.findings[0] if hasattr(caught.value, "findings") else caught.value.args[0]
    assert finding.code == "E-BAD-VALUE" and finding.location.column == key


def test_landscape_turns_the_named_size():
    page = parse_page({"size": "a5", "orientation": "landscape"}, "t.yaml")
    assert (page.width_mm, page.height_mm) == (210.0, 148.0)


def test_the_reference_document_is_landscape(docx_path):
    with zipfile.ZipFile(ROOT / "templates" / TYPE / "reference.docx") as z:
        assert b'w:orient="landscape"' in z.read("word/document.xml")


@pytest.mark.parametrize("cover, column", [
    ({"band": "0%"}, "docx_cover.band"),  # was drawn at 10 % without a word
    ({"band": "150%"}, "docx_cover.band"),
    ({"band": "hoch"}, "docx_cover.band"),
    ({"lines": []}, "docx_cover.lines"),  # was the default lines without a word
    ({"lines": ["publisher", "titel"]}, "docx_cover.lines[2]"),
    ({"inset_mm": {"x": -4}}, "docx_cover.inset_mm.x"),
])
def test_a_docx_cover_value_the_cover_cannot_draw_is_a_finding(cover, column):
    from pipeline.load.template_check import cover_findings
    found = cover_findings({"docx_cover": cover, "labels": {"motto": "x"}}, "templates/x/template.yaml", lambda path: None)
    assert [(f.code, f.location.column) for f in found] == [("E-BAD-VALUE", column)]


def test_docx_cover_values_it_can_draw_pass():
    from pipeline.load.template_check import cover_findings
    fine = {"band": "62%", "inset_mm": {"x": 22, "top": 34}, "lines": ["publisher", "title", "rule", "motto"]}
    assert cover_findings({"docx_cover": fine, "labels": {"motto": "x"}}, "t", lambda path: None) == []
