"""Charts and photos, end to end: declared in real spreadsheets, drawn into real DOCX and PDF
files, read back with python-docx, pypdf and Pillow."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from PIL import Image, ImageCms
from pypdf import PdfReader

from editions import TABLES, write_edition
from pipeline.verify.accessibility import struct_summary
from pipeline.build import build, check
from pipeline.render.chart_draw import draw, ticks
from pipeline.assemble.charts import alt_text, class_labels
from pipeline.load.records import SCHEMAS
from pipeline.tree import Chart, Series

NNBSP = "\u202f"


def pdfium_text(pdf: bytes) -> str:
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)

CHART = {"id": "ch-alter", "chapter": "kassel", "section": "Ausgangslage", "kind": "stacked_bar",
         "data": "alter", "title": "Verteilung nach Altersgruppen in Prozent", "unit": "%",
         "source": "Stadt Kassel", "note": "", "classes": "", "reference": "", "reference_label": "",
         "orientation": "", "alt_text": "", "width": "column"}
CLASSED = {**CHART, "id": "ch-bezirke", "chapter": "offenbach", "kind": "classes", "data": "bezirke",
           "title": "Anteil nach Bezirken", "source": "Melderegister, MigraPro", "classes": "30; 40; 50; 60; 70; 75",
           "reference": "55,2", "reference_label": "Durchschnitt", "orientation": "horizontal", "width": "full"}
AGES = [{"Altersgruppe": a, "mit Migrationshintergrund": m, "ohne Migrationshintergrund": o}
        for a, m, o in (("unter 18 Jahre", "50", "50"), ("18 bis 64 Jahre", "31,5", "68,5"),
                        ("65 Jahre und älter", "14", "86"))]
DISTRICTS = [{"Bezirk": b, "Anteil": v} for b, v in (("Zentrum", "74,1"), ("Nordend", "68,9"),
                                                       ("Bürgel", "47,9"), ("Rumpenheim", "34,9"))]


def tables_with_charts(**changes) -> dict:
    tables = copy.deepcopy(TABLES)
    tables["charts"] = [dict(CHART), dict(CLASSED)]
    tables["alter"] = copy.deepcopy(AGES)
    tables["bezirke"] = copy.deepcopy(DISTRICTS)
    tables.update(changes)
    return tables


def findings(folder: Path) -> list:
    _, found = check(folder)
    return found


def codes(found) -> list[str]:
    return [f.code for f in found]


def docx_images(docx: bytes) -> dict[str, Image.Image]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: Image.open(io.BytesIO(z.read(n))) for n in z.namelist() if n.startswith("word/media/")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small edition with both charts and two real photos, built in both formats."""
    root = tmp_path_factory.mktemp("figures")
    tables = tables_with_charts()
    tables["photos"] = [
        {**TABLES["photos"][0], "file": "gross.jpg", "credit": "Anna Muster"},
        {**TABLES["photos"][0], "id": "p-karte", "chapter": "offenbach", "section": "Ausgangslage",
         "file": "karte.webp", "caption": "Karte", "alt_text": "Eine Karte mit sechs Punkten",
         "credit": "Grafik: Team"},
    ]
    folder = write_edition(root / "ed", tables, fmt="xlsx")
    (folder / "images").mkdir()
    Image.new("RGB", (4000, 2500), (200, 40, 40)).save(folder / "images" / "gross.jpg", quality=90)
    Image.new("RGB", (1200, 900), (20, 60, 120)).save(folder / "images" / "karte.webp", lossless=True)
    result = build(folder, root / "out")
    out = {p.suffix: p.read_bytes() for p in result.files}
    return folder, result, out[".docx"], out[".pdf"]


# -- charts: the drawing ----------------------------------------------------------------------------
def _chart(**kw) -> Chart:
    base = dict(id="c", kind="bar", title="Titel", categories=["A", "B", "C"],
                series=[Series("Anteil", [12.5, 40.0, 7.25])], unit="%")
    return Chart(**{**base, **kw})


def test_class_labels_read_like_the_source_legend():
    assert class_labels([30, 40, 50, 60, 70, 75], "%") == [
        f"30{NNBSP}% bis unter 40{NNBSP}%", f"40{NNBSP}% bis unter 50{NNBSP}%", f"50{NNBSP}% bis unter 60{NNBSP}%",
        f"60{NNBSP}% bis unter 70{NNBSP}%", f"70{NNBSP}% bis 75{NNBSP}%"]


def test_alt_text_names_title_series_and_extremes_in_german_numbers():
    text = alt_text(_chart(reference=20.5, reference_label="Durchschnitt", source="Melderegister"))
    assert text.startswith("Balkendiagramm: Titel.")
    assert f"höchster Wert bei B (40{NNBSP}%)" in text and f"niedrigster bei C (7,25{NNBSP}%)" in text
    assert f"Durchschnitt: 20,5{NNBSP}%" in text and "Quelle: Melderegister" in text


# Every kind the charts table accepts (its `kind` column's choices), so a new kind is drawn here too.
CHART_KINDS = next(c.choices for c in SCHEMAS["charts"] if c.name == "kind")


def test_the_chart_kinds_are_the_ones_a_sheet_may_name():
    assert len(CHART_KINDS) >= 3 and CHART["kind"] in CHART_KINDS and CLASSED["kind"] in CHART_KINDS


@pytest.mark.parametrize("kind", CHART_KINDS)
def test_drawing_is_deterministic_vector_svg_and_300_dpi_png(kind):
    chart = _chart(kind=kind, classes=[0, 20, 50] if kind == "classes" else [])
    svg = draw(chart, "svg", 82)
    assert svg == draw(chart, "svg", 82)
    text = svg.decode()
    assert "<path" in text and "<image" not in text  # vector shapes, no embedded bitmap
    assert "<text" not in text  # text as outlines: no font needed to show it
    png = draw(chart, "png", 82)
    assert png == draw(chart, "png", 82)
    image = Image.open(io.BytesIO(png))
    assert abs(image.width - round(82 / 25.4 * 300)) <= 2
    assert round(image.info["dpi"][0]) == 300


@pytest.mark.parametrize("horizontal", [False, True])
def test_bar_labels_and_axis_ticks_are_german_in_the_drawing(horizontal):
    # the real SVG has its text as outlines; the same drawing as PDF keeps it as text
    pdf = draw(_chart(series=[Series("Anteil", [55.2, 40.0, 7.25])], horizontal=horizontal), "pdf", 82)
    text = pdfium_text(pdf)
    for label in (f"55,2{NNBSP}%", f"7,25{NNBSP}%", f"20{NNBSP}%", "A"):  # bar labels, a tick, a category
        assert label in text, label
    assert "55.2" not in text


def test_value_axis_ticks_are_round_numbers_covering_the_data():
    assert ticks(0, 81) == [0, 20, 40, 60, 80]
    assert ticks(0, 110) == [0, 25, 50, 75, 100]
    assert ticks(-25, 40) == [-20, 0, 20, 40]
    assert ticks(0, 0.9) == [0, 0.2, 0.4, 0.6, 0.8]


def test_grouped_and_negative_bars_and_the_class_legend_are_drawn(tmp_path):
    chart = _chart(series=[Series("2010", [12.0, -4.5, 30.0]), Series("2011", [15.0, 2.0, 28.0])])
    text = pdfium_text(draw(chart, "pdf", 120))
    assert "2010" in text and "2011" in text  # the legend names each series
    assert "−4,5" in text or "-4,5" in text
    classes = _chart(kind="classes", classes=[0, 20, 50], reference=20.5, reference_label="Durchschnitt")
    text = pdfium_text(draw(classes, "pdf", 120))
    assert f"20{NNBSP}% bis 50{NNBSP}%" in text and f"Durchschnitt: 20,5{NNBSP}%" in text


# -- charts: in both built files ---------------------------------------------------------------------
def test_charts_are_in_the_docx_with_title_picture_alt_text_and_source(built):
    _, _, docx, _ = built
    doc = open_docx(io.BytesIO(docx))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Chart Title", "Verteilung nach Altersgruppen in Prozent") in paras
    assert ("Caption", "Quelle: Melderegister, MigraPro") in paras
    alts = [d.get("descr") for d in doc.element.body.iter(qn("wp:docPr"))]
    assert len(alts) == 4 and all(alts)  # two charts, two photos
    assert any(a.startswith("Gestapeltes Balkendiagramm: Verteilung nach Altersgruppen") for a in alts)
    assert any(f"Höchster Wert: Zentrum mit 74,1{NNBSP}%" in a and f"Durchschnitt: 55,2{NNBSP}%" in a for a in alts)
    pngs = [im for im in docx_images(docx).values() if im.format == "PNG"]
    assert any(round(im.info.get("dpi", (0,))[0]) == 300 for im in pngs)  # the charts, high resolution


def test_charts_are_vector_in_the_pdf_with_alt_text_and_source_lines(built):
    folder, _, _, pdf = built
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Verteilung nach Altersgruppen in Prozent" in text
    assert "Quelle: Melderegister, MigraPro" in " ".join(text.split())
    figures = struct_summary(reader).figures
    assert len(figures) == 4 and all(figures)
    assert any(f.startswith("Klassierte Darstellung: Anteil nach Bezirken") for f in figures)
    # only the two photos are bitmaps: the charts are drawn as vector paths
    bitmaps = sum(len(page.images) for page in reader.pages)
    assert bitmaps == 2


def test_editors_can_override_the_generated_alt_text(tmp_path):
    own = "Eigene Beschreibung des Diagramms für Screenreader."
    tables = tables_with_charts(charts=[{**CHART, "alt_text": own}])
    result = build(write_edition(tmp_path / "ed", tables), tmp_path / "out")
    docx = next(p for p in result.files if p.suffix == ".docx").read_bytes()
    pdf = next(p for p in result.files if p.suffix == ".pdf").read_bytes()
    assert [d.get("descr") for d in open_docx(io.BytesIO(docx)).element.body.iter(qn("wp:docPr"))] == [own]
    # the chart's figure, and the framed placeholders of the photos that have no file yet
    framed = [b["alt"] for b in _photos(json.loads((tmp_path / "out" / "content.json").read_text())) if not b["file"]]
    assert sorted(struct_summary(PdfReader(io.BytesIO(pdf))).figures) == sorted([own, *framed])


def _photos(node) -> list[dict]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "photo" else []
        return own + [p for v in node.values() for p in _photos(v)]
    if isinstance(node, list):
        return [p for v in node for p in _photos(v)]
    return []


def test_chart_data_changes_show_in_the_content_record(built):
    folder, result, _, _ = built
    content = json.loads((result.files[0].parent / "content.json").read_text(encoding="utf-8"))
    assert [r["values"]["Bezirk"] for r in content["records"]["bezirke"]] == ["Zentrum", "Nordend", "Bürgel",
                                                                               "Rumpenheim"]


# -- charts: bad declarations -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_chart_input_errors_name_file_sheet_row_and_column(tmp_path, fmt):
    ages = copy.deepcopy(AGES)
    ages[1]["mit Migrationshintergrund"] = "viel"
    districts = copy.deepcopy(DISTRICTS)
    districts[2]["Anteil"] = "82"
    charts = [dict(CHART), dict(CLASSED), {**CHART, "id": "ch-weg", "data": "gibtsnicht"},
              {**CLASSED, "id": "ch-klassen", "classes": "50; 40"}]
    folder = write_edition(tmp_path / fmt, tables_with_charts(charts=charts, alter=ages, bezirke=districts), fmt=fmt)
    found = {f.code + " " + f.location.column: f for f in findings(folder) if f.severity == "error"}
    bad = found["E-BAD-VALUE mit Migrationshintergrund"]
    assert bad.location.row == 3 and ("alter" in bad.location.file or bad.location.sheet == "alter")
    outside = found["E-BAD-VALUE Anteil"]
    assert outside.location.row == 4 and "outside the classes" in outside.message
    unknown = found["E-UNKNOWN-REF data"]
    assert unknown.location.row == 4 and "gibtsnicht" in unknown.message
    assert "rise" in found["E-BAD-VALUE classes"].message and found["E-BAD-VALUE classes"].location.row == 5


def test_a_data_table_without_rows_and_an_unknown_section_are_reported(tmp_path):
    charts = [dict(CHART), {**CLASSED, "section": "Gibt es nicht"}]
    folder = write_edition(tmp_path / "ed", tables_with_charts(charts=charts, alter=[{"Altersgruppe": "alle"}]))
    found = {f.code: f for f in findings(folder)}
    assert found["E-UNKNOWN-SECTION"].location.row == 3
    assert found["E-CHART-DATA"].location.column == "data" and "no rows of numbers" in found["E-CHART-DATA"].message


def test_a_sheet_no_chart_names_is_still_an_unknown_table(tmp_path):
    tables = tables_with_charts(charts=[dict(CHART)])  # 'bezirke' is now unused
    found = [f for f in findings(write_edition(tmp_path / "ed", tables)) if f.code == "W-UNKNOWN-TABLE"]
    assert [f.location.file for f in found] == ["data/bezirke.csv"]


# -- photos ----------------------------------------------------------------------------------------
def _photo_edition(tmp_path: Path, name: str, save, **row) -> Path:
    tables = copy.deepcopy(TABLES)
    tables["photos"] = [{**TABLES["photos"][0], "file": name, **row}]
    folder = write_edition(tmp_path / "ed", tables)
    (folder / "images").mkdir()
    save(folder / "images" / name)
    return folder


def _built_docx_image(tmp_path: Path, folder: Path) -> Image.Image:
    result = build(folder, tmp_path / "out")
    docx = next(p for p in result.files if p.suffix == ".docx").read_bytes()
    images = list(docx_images(docx).values())
    assert len(images) == 1
    return images[0]


def test_low_resolution_photo_warns_with_its_dpi_at_the_printed_width(tmp_path):
    folder = _photo_edition(tmp_path, "klein.jpg", lambda p: Image.new("RGB", (400, 300), "grey").save(p))
    found = [f for f in findings(folder) if f.code == "W-PHOTO-RESOLUTION"]
    assert len(found) == 1
    assert found[0].location.row == 2 and found[0].location.column == "file"
    assert "400 px wide: 124 dpi at 82 mm" in found[0].message and "969 px" in found[0].hint


def test_exif_orientation_is_applied_and_counted_for_the_resolution(tmp_path):
    def save(path):  # a phone photo: 2400 × 800 pixels stored sideways, shown 800 wide and 2400 high
        exif = Image.Exif()
        exif[0x0112] = 6
        exif[0x8825] = {2: (50.0, 6.0, 0.0)}  # a GPS position that must not travel into the brochure
        Image.new("RGB", (2400, 800), "navy").save(path, exif=exif.tobytes())
    folder = _photo_edition(tmp_path, "hochkant.jpg", save)
    warning = next(f for f in findings(folder) if f.code == "W-PHOTO-RESOLUTION")
    assert "800 px wide" in warning.message  # upright width, not the stored 2400
    image = _built_docx_image(tmp_path, folder)
    assert image.height > image.width  # upright in the DOCX
    assert not image.getexif()  # no orientation left to apply twice, no GPS position


def test_oversize_photo_is_scaled_down_for_word_and_less_for_print(tmp_path):
    folder = _photo_edition(tmp_path, "riesig.jpg", lambda p: Image.new("RGB", (5000, 3000), "teal").save(p))
    image = _built_docx_image(tmp_path, folder)
    assert image.width == round(300 * 82 / 25.4)  # 300 dpi at the 82 mm column
    pdf = (tmp_path / "out" / "ed.pdf").read_bytes()
    (placed,) = [im for page in PdfReader(io.BytesIO(pdf)).pages for im in page.images]
    assert placed.image.width == round(450 * 82 / 25.4)


def test_webp_cmyk_and_profiled_photos_arrive_as_untagged_srgb(tmp_path):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))  # any embedded RGB profile
    cases = {
        "bild.webp": lambda p: Image.new("RGB", (1000, 700), (10, 120, 60)).save(p, lossless=True),
        "druck.jpg": lambda p: Image.new("CMYK", (1000, 700), (0, 200, 200, 0)).save(p),
        "profil.jpg": lambda p: Image.new("RGB", (1000, 700), (0, 128, 255)).save(p, icc_profile=profile.tobytes()),
    }
    for name, save in cases.items():
        folder = _photo_edition(tmp_path / name.split(".")[0], name, save)
        image = _built_docx_image(tmp_path / name.split(".")[0], folder)
        assert image.format in ("JPEG", "PNG") and image.mode == "RGB", name
        assert "icc_profile" not in image.info, name
        if name == "druck.jpg":  # magenta plus yellow without cyan is a red in RGB
            r, g, b = image.convert("RGB").getpixel((10, 10))
            assert r > 200 and g < 150 and b < 150


def test_photo_without_alt_text_is_an_error_naming_the_cell(tmp_path):
    folder = _photo_edition(tmp_path, "foto.jpg", lambda p: Image.new("RGB", (1000, 700)).save(p), alt_text="")
    (alt,) = [f for f in findings(folder) if f.code == "E-ALT-TEXT"]
    assert (alt.location.file, alt.location.row, alt.location.column) == ("data/photos.csv", 2, "alt_text")


def test_a_gif_is_refused_with_the_formats_we_take(tmp_path):
    folder = _photo_edition(tmp_path, "bild.gif", lambda p: Image.new("P", (1000, 700)).save(p))
    (bad,) = [f for f in findings(folder) if f.code == "E-BAD-IMAGE"]
    assert "GIF" in bad.message and "JPEG, PNG or WebP" in bad.hint


def test_credit_gets_the_photo_label_unless_it_names_its_own_kind(built):
    _, _, docx, _ = built
    captions = [p.text for p in open_docx(io.BytesIO(docx)).paragraphs if p.style.name == "Caption"]
    assert "Projektmarktplatz, August 2011 (Foto: Anna Muster)" in captions
    assert "Karte (Grafik: Team)" in captions
