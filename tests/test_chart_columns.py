"""Charts in a type of three text columns, built for real: each chart drawn at its column's
width with its text at 7 pt or more (PDF and Word), wrapped category names that never touch,
and W-CHART-FIT where a chart cannot hold its labels in the column."""

from __future__ import annotations

import ctypes
import io
import math
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from docx import Document as open_docx
from docx.shared import Mm
from PIL import Image

from conftest import ROOT
from pipeline.build import build, collect
from pipeline.check.chart_fit import problems
from pipeline.render.chart_draw import PNG_DPI, draw
from pipeline.tree import Chart, Series, chapter_blocks

TYPE, EDITION = "faktenblatt", ROOT / "inputs" / "faktenblatt-2014"
MIN_PT = 7.0
TOLERANCE = 0.02  # pt, and a hundredth of a millimetre's rounding

LONG = ["Beratung für Familien mit kleinen Kindern im ganzen Landkreis",
        "Sprachkurse am Vormittag für Mütter und Väter mit Kinderbetreuung",
        "Kurz",
        "Begleitung von Ehrenamtlichen in Vereinen, Kirchengemeinden und Initiativen"]
CROWDED = ["Sprachförderung", "Elternbegleitung", "Ehrenamtsförderung", "Ausbildungspaten",
           "Gesundheitsberatung", "Seniorenarbeit", "Jugendbeteiligung", "Nachbarschaftshilfe",
           "Interkulturelle Öffnung", "Antidiskriminierung", "Willkommenskultur", "Arbeitsmarktintegration"]
CHART_ROW = ("{id};ueberblick;Was der Kreis mitbringt;bar;{data};{title};%;Eigene Erhebung;;;;;{orientation};;column\n")


def _csv(path: Path, head: str, names: list[str]) -> None:
    path.write_text(head + "\n" + "".join(f"{n};{10 + 7 * i % 60}\n" for i, n in enumerate(names)), encoding="utf-8")


@pytest.fixture(scope="module")
def three_columns(tmp_path_factory):
    """The fact sheet type set in three columns, and its sample with two more charts: one with
    long names (horizontal), one with too many categories for a column (vertical)."""
    root = tmp_path_factory.mktemp("chart-columns")
    templates = root / "templates"
    shutil.copytree(ROOT / "templates", templates)
    yaml_file = templates / TYPE / "template.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert "  columns: 2\n" in text
    yaml_file.write_text(text.replace("  columns: 2\n", "  columns: 3\n"), encoding="utf-8")
    folder = root / "ed"
    shutil.copytree(EDITION, folder)
    edition_yaml = folder / "edition.yaml"
    edition_yaml.write_text("\n".join(line for line in edition_yaml.read_text(encoding="utf-8").splitlines()
                                      if not line.startswith("pages:")) + "\n", encoding="utf-8")
    _csv(folder / "data" / "lange_namen.csv", "Angebot;Anteil", LONG)
    _csv(folder / "data" / "viele.csv", "Handlungsfeld;Anteil", CROWDED)
    with (folder / "data" / "charts.csv").open("a", encoding="utf-8") as f:
        f.write(CHART_ROW.format(id="ch-lang", data="lange_namen", title="Angebote", orientation="horizontal"))
        f.write(CHART_ROW.format(id="ch-dicht", data="viele", title="Handlungsfelder", orientation=""))
    mp = pytest.MonkeyPatch()
    mp.setenv("BROCHURE_TEMPLATES", str(templates))
    result = build(folder, root / "out")
    loaded = collect(folder)
    mp.undo()
    files = {p.suffix: p.read_bytes() for p in result.files}
    charts = {b.id: b for ch in loaded.document.chapters for b in chapter_blocks(ch) if isinstance(b, Chart)}
    return result, loaded.edition.template.page, charts, files


def _fill(obj) -> tuple[int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
    return r.value, g.value, b.value


def _mm(pt: float) -> float:
    return pt / 72 * 25.4


def chart_widths_mm(pdf: bytes) -> list[float]:
    """The printed widths of the charts of a built PDF: each chart's drawing starts with a white
    rectangle of its full size (chart.typ's page), drawn as a path like the rest of it."""
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        for obj in page.get_objects(max_depth=0):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and _fill(obj) == (255, 255, 255):
                left, bottom, right, top = obj.get_bounds()
                if _mm(right - left) > 30:
                    found.append(_mm(right - left))
    return found


def text_sizes_pt(pdf: bytes) -> list[float]:
    """The size of every text object of a PDF, as printed (its font size times its matrix)."""
    sizes = []
    for page in pypdfium2.PdfDocument(pdf):
        for obj in page.get_objects():
            if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                m = obj.get_matrix()
                sizes.append(obj.get_font_size() * math.sqrt(abs(m.a * m.d - m.b * m.c)))
    return sizes


def test_every_chart_is_printed_at_its_columns_width_with_text_of_7pt_at_least(three_columns):
    result, page, charts, files = three_columns
    assert page.columns == 3 and result.output_errors == []
    column = page.column_width_mm
    widths = chart_widths_mm(files[".pdf"])
    assert len(widths) == len(charts) == 3
    assert all(abs(w - column) < TOLERANCE for w in widths), (widths, column)  # drawn for it, not scaled into it
    for chart in charts.values():
        # the PDF's charts are outlines; the same drawing with its text as text gives the sizes
        sizes = text_sizes_pt(draw(chart, "pdf", column))
        assert sizes and min(sizes) * min(widths) / column >= MIN_PT - TOLERANCE, (chart.id, min(sizes))


def _label_boxes(pdf: bytes, labels: list[str]) -> list[tuple[tuple[float, float, float, float], int]]:
    """Each label's box (the union of its glyphs' tight boxes) and how many lines it takes,
    found in the page's text in order, whatever breaks its lines."""
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage()
    chars = [text.get_text_range(i, 1) for i in range(text.count_chars())]
    flat, at = "", []  # the text with every run of white space one space, and where each char came from
    for i, c in enumerate(chars):
        if c.isspace() or c == "\0":
            if flat and not flat.endswith(" "):
                flat, at = flat + " ", at + [i]
        else:
            flat, at = flat + c, at + [i]
    boxes, start = [], 0
    for label in labels:
        found = flat.find(" ".join(label.split()), start)
        assert found >= 0, label
        start = found + len(label)
        glyphs = [at[k] for k in range(found, found + len(" ".join(label.split()))) if flat[k] != " "]
        tight = [text.get_charbox(i) for i in glyphs]
        lines = {round(text.get_charbox(i, loose=True)[1]) for i in glyphs}
        boxes.append(((min(g[0] for g in tight), min(g[1] for g in tight), max(g[2] for g in tight),
                       max(g[3] for g in tight)), len(lines)))
    return boxes


def _bars(pdf: bytes, colour: tuple[int, int, int]) -> list[tuple[float, float, float, float]]:
    page = pypdfium2.PdfDocument(pdf)[0]
    return [o.get_bounds() for o in page.get_objects()
            if o.type == pdfium_c.FPDF_PAGEOBJ_PATH and _fill(o) == colour]


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_wrapped_names_of_a_horizontal_chart_touch_neither_each_other_nor_the_bars(three_columns):
    _, page, charts, _ = three_columns
    pdf = draw(charts["ch-lang"], "pdf", page.column_width_mm)
    boxes = _label_boxes(pdf, LONG)
    assert max(lines for _, lines in boxes) >= 3  # the case of the issue: names on three lines and more
    bars = _bars(pdf, (0x17, 0x47, 0x7E))
    assert len(bars) == len(LONG)
    for i, (box, _) in enumerate(boxes):
        assert not any(_overlap(box, other) for other, _ in boxes[i + 1:]), LONG[i]
        assert not any(_overlap(box, bar) for bar in bars), LONG[i]


@pytest.mark.parametrize("names", [
    ["Ein Angebot mit einem sehr langen Namen über drei Zeilen hinweg"] * 2 + ["Kurz"],
    [f"Angebot {i} für Familien und Alleinerziehende im Landkreis" for i in range(8)],
])
def test_wrapped_names_never_overlap_at_other_lengths_and_counts(names):
    chart = Chart(id="c", kind="bar", title="T", categories=names, horizontal=True, unit="%",
                  series=[Series("Anteil", [10.0 + 5 * i for i in range(len(names))])])
    pdf = draw(chart, "pdf", 60)
    boxes = _label_boxes(pdf, names)
    bars = _bars(pdf, (0x17, 0x47, 0x7E))
    assert len(bars) == len(names) and max(lines for _, lines in boxes) >= 3
    for i, (box, _) in enumerate(boxes):
        assert not any(_overlap(box, other) for other, _ in boxes[i + 1:]), names[i]
        assert not any(_overlap(box, bar) for bar in bars), names[i]


WORDS = st.sampled_from(["Beratung", "für", "Familien", "und", "Kinder", "Sprachkurse", "im", "Landkreis",
                         "Begleitung", "von", "Vereinen", "Ehrenamt", "Integration", "Arbeit"])


@settings(max_examples=8, deadline=None, derandomize=True)
@given(names=st.lists(st.lists(WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=7),
       width=st.sampled_from([50.0, 70.0, 82.0, 120.0]))
def test_wrapped_names_never_overlap_whatever_their_length(names, width):
    names = [f"{n} Nr{i}" for i, n in enumerate(names)]  # each name ends in its own word
    chart = Chart(id="c", kind="bar", title="T", categories=names, horizontal=True, unit="%",
                  series=[Series("Anteil", [5.0 + 9 * i for i in range(len(names))])])
    pdf = draw(chart, "pdf", width)
    boxes = _label_boxes(pdf, names)
    bars = _bars(pdf, (0x17, 0x47, 0x7E))
    for i, (box, _) in enumerate(boxes):
        assert not any(_overlap(box, other) for other, _ in boxes[i + 1:]), names[i]
        assert not any(_overlap(box, bar) for bar in bars), names[i]


def test_a_chart_too_crowded_for_its_column_is_a_warning_at_its_row(three_columns):
    result, page, charts, _ = three_columns
    fit = [w for w in result.warnings if w.code == "W-CHART-FIT"]
    assert len(fit) == 1, [w.message for w in fit]
    assert "ch-dicht" in fit[0].message and "82 mm wide (one column of 3)" in fit[0].message
    assert fit[0].location.file == "data/charts.csv" and fit[0].location.row == 4
    assert "horizontal" in fit[0].hint and "width: full" in fit[0].hint
    # as its hint says: as a horizontal chart it fits the column
    assert problems(replace(charts["ch-dicht"], horizontal=True), page.column_width_mm) == []


def test_the_word_picture_of_a_chart_in_a_column_is_drawn_for_the_column(three_columns):
    _, page, charts, files = three_columns
    docx = open_docx(io.BytesIO(files[".docx"]))
    column = Mm(page.column_width_mm)
    extents = [shape.width for shape in docx.inline_shapes]
    assert len(extents) == len(charts)
    assert all(e <= column + Mm(0.1) for e in extents), (extents, column)
    with zipfile.ZipFile(io.BytesIO(files[".docx"])) as z:
        pngs = [Image.open(io.BytesIO(z.read(n))) for n in z.namelist() if n.startswith("word/media/")]
    for png, extent in zip(sorted(pngs, key=lambda p: p.size), sorted(extents)):
        # drawn at the width it is shown at: its text keeps the drawing's 7 pt
        assert abs(png.size[0] / PNG_DPI * 25.4 - extent / 36000) < 0.5, (png.size, extent)
