"""Charts compared by their data (issue 31, item 3): a changed cell of a chart's data table, a
chart's title and an added category are each one change of the chart, named by its title,
chapter, page, category and values, in every mode (build folders, DOCX, PDF) — not a record
change of the data table besides; and the redline tracks the chart's new picture, so that
rejecting all changes gives the old chart and its alt text back."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from lxml import etree

from pipeline.build import build
from pipeline.diff.changes import compare
from pipeline.diff.edition_view import read_pair
from pipeline.diff.pictures import pixel_digest
from pipeline.diff.report import terminal, to_html
from pipeline.diff.word_redline import redline
from tracked_changes import W, apply, paragraphs, part

SAMPLE = "halbzeitbilanz-2012"
TITLE = "Verteilung nach Altersgruppen in Prozent"
NEW_TITLE = "Altersgruppen in Kassel"
CHAPTER = "Modellregion Integration Stadt Kassel"
MODES = ["build", "docx", "pdf"]
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


def _value(folder) -> None:
    _edit(folder / "data" / "kassel_altersgruppen.csv", "18 bis unter 30 Jahre;38;", "18 bis unter 30 Jahre;40;")


def _title(folder) -> None:
    _edit(folder / "data" / "charts.csv", f"kassel_altersgruppen;{TITLE};", f"kassel_altersgruppen;{NEW_TITLE};")


def _category(folder) -> None:
    _edit(folder / "data" / "offenbach_bezirke.csv", "Rumpenheim;34,9", "Rumpenheim;34,9\nHafen;61,5")


def _series(folder) -> None:
    _edit(folder / "data" / "kassel_altersgruppen.csv", ";ohne Migrationshintergrund", ";ohne Migrationsgeschichte")


def _dropped(folder) -> None:
    _edit(folder / "data" / "kassel_altersgruppen.csv", "65 Jahre und älter;14;86\n", "")


def _removed(folder) -> None:
    _edit(folder / "data" / "charts.csv", next(line for line in (folder / "data" / "charts.csv").read_text(
        encoding="utf-8-sig").splitlines(keepends=True) if line.startswith("ch-offenbach-bezirke;")), "")


def _source(folder) -> None:
    _edit(folder / "data" / "charts.csv", ";Stadt Kassel, Stand 31.12.2010;", ";Stadt Kassel, Stand 31.12.2011;")


EDITS = {"old": None, "value": _value, "title": _title, "category": _category, "series": _series, "dropped": _dropped,
         "removed": _removed, "source": _source, "same": None}


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    from conftest import ROOT
    root = tmp_path_factory.mktemp("charts")
    out = {}
    for name, edit in EDITS.items():
        folder = root / name / SAMPLE
        shutil.copytree(ROOT / "inputs" / SAMPLE, folder)
        if edit:
            edit(folder)
        build(folder, root / name / "out")
        out[name] = root / name / "out"
    return out


def _compare(editions, new: str, mode: str):
    old, other = editions["old"], editions[new]
    if mode != "build":
        old, other = old / f"{SAMPLE}.{mode}", other / f"{SAMPLE}.{mode}"
    return compare(*read_pair(old, other))


def _only(result):
    """The one change an edit must give: no record change of the data table besides it."""
    assert len(result.changes) == 1, [c.what for c in result.changes]
    return result.changes[0]


@pytest.mark.parametrize("mode", MODES)
def test_a_changed_value_is_one_change_of_the_chart(editions, mode):
    result = _compare(editions, "value", mode)
    change = _only(result)
    assert (change.area, change.item, change.kind, change.name) == ("records", "chart", "changed", "value")
    assert change.what == f"chart changed: „{TITLE}“ — 18 bis unter 30 Jahre, mit Migrationshintergrund: 38 → 40"
    assert (change.old, change.new, change.where) == ("38", "40", f"{CHAPTER} > Ausgangslage")
    assert change.page == 12
    assert "kassel_altersgruppen" not in terminal(result) and "(page 12)" in terminal(result)
    page = to_html(result)
    assert f"Diagramm geändert: „{TITLE}“ — 18 bis unter 30 Jahre, mit Migrationshintergrund: 38 → 40" in page


@pytest.mark.parametrize("mode", MODES)
def test_a_changed_title_is_one_change(editions, mode):
    change = _only(_compare(editions, "title", mode))
    assert (change.item, change.kind, change.name, change.old, change.new) == ("chart", "renamed", "title", TITLE,
                                                                               NEW_TITLE)
    assert change.what == f"chart title changed: „{TITLE}“ → „{NEW_TITLE}“" and change.page == 12
    assert change.where.startswith(CHAPTER)


@pytest.mark.parametrize("mode", MODES)
def test_an_added_category_is_one_change_with_its_value(editions, mode):
    change = _only(_compare(editions, "category", mode))
    assert (change.item, change.name, change.column, change.new) == ("chart", "category added", "Hafen",
                                                                     "Hafen (Anteil mit Migrationshintergrund: 61,5)")
    assert "Bevölkerungsanteil mit Migrationshintergrund" in change.what and change.page
    assert change.where.startswith("Modellregion Integration Stadt Offenbach")


@pytest.mark.parametrize("mode", MODES)
def test_a_renamed_series_is_one_change(editions, mode):
    change = _only(_compare(editions, "series", mode))
    assert (change.item, change.name, change.old, change.new) == ("chart", "series renamed", "ohne Migrationshintergrund",
                                                                 "ohne Migrationsgeschichte")
    assert TITLE in change.what and change.page == 12


@pytest.mark.parametrize("mode", MODES)
def test_a_removed_category_is_one_change_with_its_values(editions, mode):
    change = _only(_compare(editions, "dropped", mode))
    assert (change.item, change.name, change.old) == (
        "chart", "category removed", "65 Jahre und älter (mit Migrationshintergrund: 14; ohne Migrationshintergrund: 86)")
    assert "Kategorie entfernt" in to_html(_compare(editions, "dropped", mode))


@pytest.mark.parametrize("mode", MODES)
def test_a_removed_chart_is_one_change_without_its_caption_lines(editions, mode):
    change = _only(_compare(editions, "removed", mode))
    assert (change.item, change.kind, change.page) == ("chart", "removed", None)
    assert change.what.startswith("chart removed: „Bevölkerungsanteil mit Migrationshintergrund")
    assert change.where.startswith("Modellregion Integration Stadt Offenbach")


@pytest.mark.parametrize("mode", MODES)
def test_a_changed_source_is_one_change(editions, mode):
    """A build folder has it as a field of the charts table; a DOCX or PDF prints it under the chart."""
    change = _only(_compare(editions, "source", mode))
    assert change.new.endswith("Stadt Kassel, Stand 31.12.2011") and change.old.endswith("Stand 31.12.2010")
    assert (change.item, change.name) == (("field", "source") if mode == "build" else ("chart", "note"))


@pytest.mark.parametrize("mode", MODES)
def test_identical_builds_give_no_reports(editions, mode):
    assert _compare(editions, "same", mode).changes == []


@pytest.mark.parametrize("mode", ["docx", "pdf"])
def test_without_its_build_folder_a_file_still_names_the_changed_chart(editions, tmp_path, mode):
    """A DOCX or PDF sent on its own: its chart's drawing differs, its data is not at hand."""
    for name in ("old", "value", "title", "same"):
        shutil.copy(editions[name] / f"{SAMPLE}.{mode}", tmp_path / f"{name}.{mode}")
    change = _only(compare(*read_pair(tmp_path / f"old.{mode}", tmp_path / f"value.{mode}")))
    assert (change.item, change.name, change.subject) == ("chart", "image", TITLE)
    assert change.where.startswith(CHAPTER) and change.page == (12 if mode == "pdf" else None)
    change = _only(compare(*read_pair(tmp_path / f"old.{mode}", tmp_path / f"title.{mode}")))
    assert (change.item, change.name, change.old, change.new) == ("chart", "title", TITLE, NEW_TITLE)
    assert compare(*read_pair(tmp_path / f"old.{mode}", tmp_path / f"same.{mode}")).changes == []


def _body(docx: bytes):
    return part(docx)  # with each link's target resolved: two packages number their links apart


def _charts(docx: bytes, body) -> list[tuple[str, str]]:
    """(alt text, pixel digest) of each picture left in BODY that stands under a chart title."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = []
        for drawing in body.iter(f"{W}drawing"):
            descr = next(drawing.iter(f"{WP}docPr")).get("descr")
            if "diagramm" not in descr.lower() and not descr.startswith("Klassierte"):
                continue
            blip = next(drawing.iter(f"{A}blip"))
            part = "word/" + targets[blip.get(f"{R}embed")].lstrip("/").removeprefix("word/")
            out.append((descr, pixel_digest(z.read(part))))
    return out


@pytest.mark.parametrize("new", ["value", "title", "category", "removed"])
@pytest.mark.parametrize("accept", [True, False], ids=["accept-all", "reject-all"])
def test_redline_tracks_the_changed_chart(editions, new, accept):
    old_docx = (editions["old"] / f"{SAMPLE}.docx").read_bytes()
    new_docx = (editions[new] / f"{SAMPLE}.docx").read_bytes()
    assert _charts(old_docx, _body(old_docx)) != _charts(new_docx, _body(new_docx))
    red = redline(old_docx, new_docx)
    body = _body(red)
    deleted = [d for d in body.iter(f"{W}del") if next(d.iter(f"{W}drawing"), None) is not None]
    inserted = [i for i in body.iter(f"{W}ins") if next(i.iter(f"{W}drawing"), None) is not None]
    assert (len(deleted), len(inserted)) == ((1, 0) if new == "removed" else (1, 1))
    got = apply(body, accept)
    want = new_docx if accept else old_docx
    assert _charts(red, got) == _charts(want, _body(want))
    assert paragraphs(got) == paragraphs(_body(want))


SVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def _with_svg(docx: bytes) -> bytes:
    """DOCX with each chart drawn as Word draws an SVG: the a:blip (PNG) carries an a:ext with
    an asvg:svgBlip (here pointing at the same image, which is enough to follow it)."""
    body = _body(docx)
    for drawing in body.iter(f"{W}drawing"):
        if not next(drawing.iter(f"{WP}docPr")).get("descr", "").startswith("Gestapeltes"):
            continue
        blip = next(drawing.iter(f"{A}blip"))
        ext = etree.SubElement(etree.SubElement(blip, f"{A}extLst"), f"{A}ext",
                               uri="{96DAC541-7B7A-43D3-8B79-37D633B846F1}")
        etree.SubElement(ext, f"{{{SVG}}}svgBlip", {f"{R}embed": blip.get(f"{R}embed")})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            data = etree.tostring(body, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if item.filename == "word/document.xml" else z.read(item)
            w.writestr(item, data)
    return out.getvalue()


def test_a_chart_with_an_svg_and_its_png_fallback_is_tracked_with_both(editions):
    """Rejecting all gives the old chart in both its images: the deleted copy's svgBlip is
    carried into the new package like its blip."""
    old_docx, new_docx = (_with_svg((editions[k] / f"{SAMPLE}.docx").read_bytes()) for k in ("old", "value"))
    red = redline(old_docx, new_docx)
    got = apply(_body(red), accept=False)
    with zipfile.ZipFile(io.BytesIO(red)) as z:
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read("word/_rels/document.xml.rels"))}
        svg = [z.read("word/" + rels[b.get(f"{R}embed")].lstrip("/").removeprefix("word/"))
               for b in got.iter(f"{{{SVG}}}svgBlip")]
    assert [pixel_digest(x) for x in svg] == [d for alt, d in _charts(old_docx, _body(old_docx)) if "Gestapeltes" in alt]
    assert _charts(red, got) == _charts(old_docx, _body(old_docx))


@pytest.mark.parametrize("new", ["value", "removed"])
def test_redline_with_a_changed_chart_validates(editions, new, tmp_path):
    openxml = pytest.importorskip("openxml_audit", reason="openxml-audit is in the test extra (pip install -e '.[test]')")
    red = tmp_path / "red.docx"
    red.write_bytes(redline(*((editions[k] / f"{SAMPLE}.docx").read_bytes() for k in ("old", new))))
    assert [str(e) for e in openxml.OpenXmlValidator(max_errors=0).validate(red).errors] == []


def test_a_drafts_chart_is_left_to_its_workbook_rows():
    """A draft draws its charts from workbook rows (no charts table) and prints the rows as a
    table too: the changed row (or that table's text) is the one report, not the chart again.
    A DOCX without its build folder has only the chart's drawing to tell."""
    from pipeline.diff.charts import ChartView
    from pipeline.diff.views import EditionView

    def view(source: str, value: str, known: bool = True) -> EditionView:
        chart = ChartView("bevoelkerung-altersgruppe", "Altersgruppen", "bevoelkerung", categories=["unter 18"],
                          series=[("Anteil", [value])], known=known, digest=value)
        return EditionView("draft", source, [], charts=[chart])
    assert compare(view("build", "18,5"), view("build", "19")).changes == []
    assert compare(view("docx", "18,5"), view("docx", "19")).changes == []
    assert [c.what for c in compare(view("docx", "18,5", False), view("docx", "19", False)).changes] == [
        "chart changed: „Altersgruppen“ — drawing changed"]
