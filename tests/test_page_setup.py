"""The page comes from the type's template.yaml `page:`: the A5 sample type (templates/programmflyer)
builds in both formats on A5, its Word tables and pictures fit its text column, the A4 types keep
A4, and a changed margin changes the Word text width. Real builds, read back with pypdf and
python-docx; the expected sizes are read from the template.yaml files and a named size is turned
into millimetres by ISO 216's rule here, never by the pipeline's own table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader
from click.testing import CliRunner

from conftest import ROOT, build_and_read
from pipeline.build import collect
from pipeline.drafts.draft import build_draft
from pipeline.load.edition import load_template
from pipeline.errors import InputError
from pipeline.load.page import parse_page
from pipeline.cli import main

FLYER = ROOT / "inputs" / "programmflyer-2014"
TYPE = "programmflyer"
PT_PER_MM = 72 / 25.4
TOLERANCE_MM = 0.5


def page_entry(template_dir: Path) -> dict | None:
    return yaml.safe_load((template_dir / "template.yaml").read_text(encoding="utf-8")).get("page")


def iso_a(n: int) -> tuple[float, float]:
    """ISO 216 size An in mm, by the standard's rule rather than the pipeline's table: A0 is
    841 × 1189, and each next size halves the longer side, rounded down."""
    width, height = 841, 1189
    for _ in range(n):
        width, height = height // 2, width
    return float(width), float(height)


def expected_mm(entry: dict) -> tuple[float, float, dict]:
    if "size" in entry:
        size = entry["size"]
        assert size[:1] == "a" and size[1:].isdigit(), f"teach the test the size '{size}'"
        width, height = iso_a(int(size[1:]))
    else:
        width, height = entry["width"], entry["height"]
    return width, height, entry["margin"]


def shipped_samples() -> dict[str, Path]:
    """One sample under inputs/ for each shipped type: the first edition naming it, or for a draft
    type the first folder holding its workbook."""
    from pipeline.drafts.workbook_layout import draft_template
    samples = {}
    for path in sorted((ROOT / "inputs").glob("*/edition.yaml")):
        samples.setdefault(yaml.safe_load(path.read_text(encoding="utf-8"))["template"], path.parent)
    for path in sorted((ROOT / "templates").glob("*/template.yaml")):
        if "workbook" in yaml.safe_load(path.read_text(encoding="utf-8")):
            workbook = draft_template(path.parent.name)[1].file
            samples.setdefault(path.parent.name, sorted((ROOT / "inputs").rglob(workbook))[0].parent)
    return samples


def pdf_pages_mm(pdf: bytes) -> list[tuple[float, float]]:
    import io
    return [(float(p.mediabox.width) / PT_PER_MM, float(p.mediabox.height) / PT_PER_MM)
            for p in PdfReader(io.BytesIO(pdf)).pages]


def body_sections(docx_path: Path):
    """The sections after the cover (the cover's section has no margins)."""
    sections = list(open_docx(str(docx_path)).sections)
    return [s for s in sections if s.left_margin]


def body_tables_and_pictures(docx_path: Path) -> tuple[list[int], list[int]]:
    """Widths (EMU) of every table after the cover and of every inline picture."""
    doc = open_docx(str(docx_path))
    tables, in_cover = [], True
    for child in doc.element.body:
        if child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            in_cover = False  # the cover section ends with the first section break
        for tbl in child.iter(qn("w:tbl")) if not in_cover else ():
            grid = tbl.find(qn("w:tblGrid"))
            tables.append(sum(int(c.get(qn("w:w"))) for c in grid.findall(qn("w:gridCol"))) * 635)  # twips → EMU
    pictures = [int(e.get("cx")) for e in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")]
    return tables, pictures


@pytest.fixture(scope="module")
def flyer(samples):
    return samples.read(FLYER.name), samples.out(FLYER.name)


def test_a5_flyer_builds_in_both_formats_on_a5_pages(flyer):
    built, out = flyer
    assert built.result.output_errors == [] and built.result.warnings == [], built.result
    width, height, _ = expected_mm(page_entry(ROOT / "templates" / TYPE))
    pages = pdf_pages_mm(built.pdf_bytes)
    assert len(pages) == yaml.safe_load((FLYER / "edition.yaml").read_text(encoding="utf-8"))["pages"]
    for w, h in pages:
        assert abs(w - width) <= TOLERANCE_MM and abs(h - height) <= TOLERANCE_MM, (w, h)
    assert abs(width - 148) <= TOLERANCE_MM and abs(height - 210) <= TOLERANCE_MM  # it is A5
    assert "WIR im Kreis Offenbach" in built.pdf.text and "Maruschka Güldner" in built.docx.text


def test_the_word_page_is_the_templates_page(flyer):
    _, out = flyer
    width, height, margin = expected_mm(page_entry(ROOT / "templates" / TYPE))
    sections = body_sections(out / f"{FLYER.name}.docx")
    assert sections
    for s in sections:
        got = {"width": s.page_width.mm, "height": s.page_height.mm, "top": s.top_margin.mm,
               "bottom": s.bottom_margin.mm, "inside": s.left_margin.mm, "outside": s.right_margin.mm}
        want = {"width": width, "height": height, **margin}
        for key, value in want.items():
            assert abs(got[key] - value) <= TOLERANCE_MM, (key, got[key], value)


def test_word_tables_and_pictures_fit_the_a5_text_width(flyer):
    _, out = flyer
    width, _, margin = expected_mm(page_entry(ROOT / "templates" / TYPE))
    text_width = Mm(width - margin["inside"] - margin["outside"])
    tables, pictures = body_tables_and_pictures(out / f"{FLYER.name}.docx")
    assert tables and pictures  # the cards, the dates table, the chart
    assert max(tables) <= text_width + Mm(TOLERANCE_MM), (max(tables), text_width)
    assert max(pictures) <= text_width + Mm(TOLERANCE_MM), (max(pictures), text_width)
    assert max(tables) >= text_width - Mm(2)  # the dates table spans the column, not an A4 one cut down


def test_the_flyer_builds_to_the_same_bytes_twice(flyer, tmp_path):
    built, _ = flyer
    again = build_and_read(FLYER, tmp_path)
    assert again.pdf_bytes == built.pdf_bytes and again.docx_bytes == built.docx_bytes


def test_the_a4_types_keep_a4(tmp_path):
    """Every shipped type on A4 (`size: a4`, or no `page:` at all) builds its sample on A4 pages,
    turned for `orientation: landscape`."""
    samples = shipped_samples()
    assert set(samples) == {p.parent.name for p in (ROOT / "templates").glob("*/template.yaml")}
    a4 = [name for name in sorted(samples)
          if (page_entry(ROOT / "templates" / name) or {}).get("size", "a4") == "a4"]
    assert len(a4) >= 2 and TYPE not in a4
    for name in a4:
        folder = samples[name]
        if (folder / "edition.yaml").is_file():
            pdf = build_and_read(folder, tmp_path / name).pdf_bytes
        else:
            pdf = next(f for f in build_draft(folder, tmp_path / name).files if f.suffix == ".pdf").read_bytes()
        across = (page_entry(ROOT / "templates" / name) or {}).get("orientation") == "landscape"
        width, height = (297, 210) if across else (210, 297)
        for w, h in pdf_pages_mm(pdf):
            assert abs(w - width) <= TOLERANCE_MM and abs(h - height) <= TOLERANCE_MM, (name, w, h)


def test_a_wider_margin_narrows_the_word_tables(flyer, tmp_path, monkeypatch):
    _, out = flyer
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    yaml_file = templates / TYPE / "template.yaml"
    entry = page_entry(templates / TYPE)
    text = yaml_file.read_text(encoding="utf-8")
    old = f"inside: {entry['margin']['inside']}, outside: {entry['margin']['outside']}"
    assert old in text
    yaml_file.write_text(text.replace(old, f"inside: {entry['margin']['inside'] + 10}, "
                                          f"outside: {entry['margin']['outside'] + 10}"), encoding="utf-8")
    made = CliRunner().invoke(main, ["type", "reference-docx", str(templates / TYPE)])
    assert made.exit_code == 0 and "wrote" in made.output, made.output
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(templates))
    narrow = build_and_read(FLYER, tmp_path / "out")
    assert narrow.result.output_errors == []
    before, _ = body_tables_and_pictures(out / f"{FLYER.name}.docx")
    after, pictures = body_tables_and_pictures(tmp_path / "out" / f"{FLYER.name}.docx")
    assert len(before) == len(after)
    assert abs((max(before) - max(after)) - Mm(20)) <= Mm(TOLERANCE_MM), (max(before), max(after))
    assert max(pictures) <= max(after) + Mm(TOLERANCE_MM)  # the chart follows the narrower column


@pytest.mark.parametrize("entry, column, words", [
    ({"size": "a7"}, "page.size", "a5"),
    ({"size": "a5", "margin": {"inside": 60, "outside": 60}}, "page.margin", "at least"),
    ({"size": "a5", "margin": {"left": 10}}, "page.margin.left", "inside"),
    ({"width": "breit", "height": 210}, "page.width", "millimetres"),
    ({"size": "a5", "margin": {"top": -3}}, "page.margin.top", "negative"),
    ({"width": 297}, "page.height", "both"),  # not a 297 × 297 mm page
    ({"height": 210}, "page.width", "both"),
    ({"size": "a4", "width": 148}, "page.width", "not both"),
])
def test_a_wrong_page_entry_is_a_finding_naming_the_key(entry, column, words):
    with pytest.raises(InputError) as caught:
        parse_page(entry, "templates/x/template.yaml")
    finding = caught.value.findings[0]
    assert finding.code == "E-BAD-VALUE" and finding.location.column == column
    assert words in finding.message + finding.hint


def test_a_type_without_page_gets_a4_and_the_figure_width_follows_the_page():
    flyer = load_template(TYPE)
    width, _, margin = expected_mm(page_entry(ROOT / "templates" / TYPE))
    assert flyer.figure_width_mm("full") == pytest.approx(width - margin["inside"] - margin["outside"])
    assert (parse_page(None, "t").width_mm, parse_page(None, "t").height_mm) == iso_a(4) == (210, 297)


def test_pipeline_code_names_no_sample_type():
    words = [TYPE, "flyer", *yaml.safe_load((ROOT / "templates" / TYPE / "template.yaml").read_text(
        encoding="utf-8"))["tables"]]
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        for word in words:
            assert word not in text, f"{path.name} mentions '{word}'"


def test_a_reference_docx_on_other_paper_is_a_warning_naming_it(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    shutil.copy(ROOT / "templates" / "kiv-handbuch" / "reference.docx", templates / TYPE / "reference.docx")  # A4
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(templates))
    monkeypatch.chdir(tmp_path)  # the copied type is an outside type, named by its path from here
    found = [f for f in collect(FLYER).report.findings if f.code == "W-PAGE-MISMATCH"]
    assert len(found) == 1, found
    assert found[0].location.file == f"templates/{TYPE}/reference.docx"
    assert "210 × 297" in found[0].message and "148 × 210" in found[0].message
    assert f"brochure type reference-docx {TYPE}" in found[0].hint
    monkeypatch.delenv("BROCHURE_TEMPLATES")
    assert not [f for f in collect(FLYER).report.findings if f.code == "W-PAGE-MISMATCH"]  # the shipped one fits
