"""Both files follow the type's `page:`, whatever its reference.docx says, and the build says so
when they do not: a reference.docx made for A4 or set in three columns still gives an A5 Word
file in one column whose tables and pictures fit it (with a warning about the reference), a
type whose Typst sets its own page gets a finding, and the Word check catches a table wider
than its column. Real builds, read back with python-docx and pypdf."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from conftest import ROOT, build_and_read
from pipeline.build import collect
from pipeline.verify.page_geometry import docx_page_problems

FLYER = ROOT / "inputs" / "programmflyer-2014"
SHEET = ROOT / "inputs" / "faktenblatt-2014"
TYPE = "programmflyer"
MM_PER_PT = 25.4 / 72


@pytest.fixture
def templates(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", root)
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(root))
    return root


def _page(type_name: str) -> tuple[float, float]:
    """The type's paper in mm, from its template.yaml (ISO sizes by their definition here)."""
    entry = yaml.safe_load((ROOT / "templates" / type_name / "template.yaml").read_text(encoding="utf-8"))["page"]
    w, h = {"a4": (210, 297), "a5": (148, 210)}[entry["size"]]
    return (h, w) if entry.get("orientation") == "landscape" else (w, h)


def _sections(docx_bytes: bytes):
    return open_docx(io.BytesIO(docx_bytes)).sections


def _column_mm(section) -> float:
    cols = section._sectPr.find(qn("w:cols"))
    count = int(cols.get(qn("w:num")) or 1) if cols is not None else 1
    gap = int(cols.get(qn("w:space")) or 0) / 1440 * 25.4 if cols is not None else 0
    text = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    return (text - (count - 1) * gap) / count


def _widest_table_mm(docx_bytes: bytes) -> float:
    doc = open_docx(io.BytesIO(docx_bytes))
    return max(sum(int(c.get(qn("w:w"))) for c in t._tbl.tblGrid.findall(qn("w:gridCol"))) / 1440 * 25.4
               for t in doc.tables[1:])  # the first is the cover band, on a margin-less page


def _reference_in_columns(path: Path, count: int) -> None:
    """The reference document's body section set in COUNT columns, as Word's Layout → Spalten does."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    tail = xml.rfind("<w:sectPr")
    body = re.sub(r"<w:cols\b[^>]*/>", f'<w:cols w:num="{count}" w:space="284"/>', xml[tail:], count=1)
    if "<w:cols" not in body:
        body = body.replace("</w:sectPr>", f'<w:cols w:num="{count}" w:space="284"/></w:sectPr>', 1)
    parts["word/document.xml"] = (xml[:tail] + body).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_an_a4_reference_gives_an_a5_type_an_a5_word_file(templates, tmp_path):
    shutil.copy(ROOT / "templates" / "kiv-handbuch" / "reference.docx", templates / TYPE / "reference.docx")
    warned = [f for f in collect(FLYER).report.findings if f.code == "W-PAGE-MISMATCH"]
    assert len(warned) == 1 and "follows page:" in warned[0].message, warned
    built = build_and_read(FLYER, tmp_path / "out")
    assert built.result.output_errors == []
    width, height = _page(TYPE)
    for section in _sections(built.docx_bytes):
        assert section.page_width.mm == pytest.approx(width, abs=0.5)
        assert section.page_height.mm == pytest.approx(height, abs=0.5)
        assert section.orientation == WD_ORIENT.PORTRAIT
    body = _sections(built.docx_bytes)[-1]
    assert _widest_table_mm(built.docx_bytes) <= _column_mm(body) + 0.5


def test_a_reference_in_columns_gives_a_one_column_type_one_column(templates, tmp_path):
    _reference_in_columns(templates / TYPE / "reference.docx", 3)
    warned = [f for f in collect(FLYER).report.findings if f.code == "W-PAGE-MISMATCH"]
    assert len(warned) == 1 and "3 text columns" in warned[0].message and "columns: 3" in warned[0].hint
    built = build_and_read(FLYER, tmp_path / "out")
    assert built.result.output_errors == []
    for section in _sections(built.docx_bytes):
        cols = section._sectPr.find(qn("w:cols"))
        assert cols is None or int(cols.get(qn("w:num")) or 1) == 1
    body = _sections(built.docx_bytes)[-1]
    assert _widest_table_mm(built.docx_bytes) <= _column_mm(body) + 0.5


def test_a_landscape_type_is_landscape_in_both_files(tmp_path):
    built = build_and_read(SHEET, tmp_path / "out")
    assert built.result.output_errors == []
    width, height = _page("faktenblatt")
    assert width > height
    for page in PdfReader(io.BytesIO(built.pdf_bytes)).pages:
        assert float(page.mediabox.width) * MM_PER_PT == pytest.approx(width, abs=0.5)
        assert float(page.mediabox.height) * MM_PER_PT == pytest.approx(height, abs=0.5)
    columns = yaml.safe_load((ROOT / "templates" / "faktenblatt" / "template.yaml").read_text(encoding="utf-8"))["page"]["columns"]
    counts = []
    for section in _sections(built.docx_bytes):
        assert section.orientation == WD_ORIENT.LANDSCAPE  # the w:orient flag, which Word and LibreOffice read
        assert section.page_width.mm == pytest.approx(width, abs=0.5)
        cols = section._sectPr.find(qn("w:cols"))
        counts.append(int(cols.get(qn("w:num")) or 1) if cols is not None else 1)
    assert columns in counts and set(counts) <= {1, columns}


def test_a_type_whose_typst_sets_its_own_page_gets_a_finding(templates, tmp_path):
    typ = templates / TYPE / "brochure.typ"
    text = typ.read_text(encoding="utf-8")
    assert "#set page(..page-setup)\n" in text
    typ.write_text(text.replace("#set page(..page-setup)\n", "#set page(..page-setup)\n#set page(paper: \"a4\")\n", 1),
                   encoding="utf-8")
    built = build_and_read(FLYER, tmp_path / "out")
    found = [f for f in built.result.output_errors if f.code == "E-PAGE-SIZE"]
    assert len(found) == 1, built.result.output_errors
    assert "210 × 297" in found[0].message and "148 × 210" in found[0].message
    assert found[0].location.column == "page" and not found[0].tool_fault
    assert "#set page" in found[0].hint


def _with_document_xml(docx_bytes: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            z.writestr(name, change(data.decode("utf-8")).encode("utf-8") if name == "word/document.xml" else data)
    return out.getvalue()


def test_the_word_check_finds_a_table_wider_than_its_column_and_a_wrong_flag(tmp_path):
    built = build_and_read(SHEET, tmp_path / "out")
    document = collect(SHEET).document
    assert docx_page_problems(built.docx_bytes, document) == []

    def widen(xml: str) -> str:  # the last table's first grid column three times the page
        start = xml.rfind("<w:tbl>")
        head, tail = xml[:start], xml[start:]
        return head + re.sub(r'<w:gridCol w:w="\d+"', '<w:gridCol w:w="50000"', tail, count=1)
    problems = docx_page_problems(_with_document_xml(built.docx_bytes, widen), document)
    assert len(problems) == 1 and "table" in problems[0] and "column" in problems[0], problems

    unflagged = _with_document_xml(built.docx_bytes, lambda xml: xml.replace(' w:orient="landscape"', ""))
    assert any("marked portrait" in p for p in docx_page_problems(unflagged, document))
