"""A brochure type written the way docs/templates.md tells a designer to, with no Python: a
landscape A4 leaflet in three columns, its own drawer for quotes, a chart in a column, its
reference.docx made by `brochure type reference-docx`. It lives outside the checkout
(BROCHURE_TEMPLATES) and uses the shipped shared library. `check` is clean; the PDF and the Word
file are on its page, landscape, in its columns; the chart is drawn for the column with text of
7 pt or more, its names touching neither each other nor the bars."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from conftest import ROOT
from pipeline.build import build, check, collect
from pipeline.cli import main
from pipeline.render.chart_draw import draw
from pipeline.tree import Chart, chapter_blocks
from test_chart_columns import _bars, _label_boxes, _overlap, chart_widths_mm, text_sizes_pt

NAME = "merkblatt"
COLUMNS, GAP = 3, 6
PAGE_MM = (297.0, 210.0)  # A4 across, by ISO 216
QUOTE_MARK = "»"  # the type's own quote drawer prints it; the shared one does not

TEMPLATE_YAML = f"""\
format: 2
name: {NAME}
description: Landscape A4 leaflet in three columns, no cover.
typst: [theme.typ, ../common/blocks.typ, brochure.typ]
reference_docx: reference.docx
page:
  size: a4
  orientation: landscape
  margin: {{top: 15, bottom: 15, inside: 14, outside: 14}}
  columns: {COLUMNS}
  column_gap: {GAP}
  cover: false
  chapter_break: none
labels:
  contents: Inhalt
  contacts: Kontakt
  source: Quelle
  credit: Foto
  photo_missing: Foto folgt
  phone: Telefon
  fax: Telefax
  email: E-Mail
  web: Internet
"""

THEME = """\
#let accent = rgb("#1d4e89")
#let highlight = rgb("#d1495b")
#let tint = rgb("#edf2f8")
#let muted = rgb("#5a6270")
#let ink = rgb("#1b1e23")
"""

BROCHURE = f"""\
#set document(title: meta.title, author: meta.author)
#set text(font: body-fonts, size: 9pt, lang: "de", region: "DE", hyphenate: true, fill: ink)
#set par(justify: true)
#set page(..page-setup, footer: page-number)
#set columns(gutter: column-gap)
#show heading: set text(fill: accent)

// Quotes in this type: a mark in the highlight colour before the text, the speaker below.
#let drawers = drawers + (quote: (b, ctx) => block(above: 8pt, below: 8pt, inset: (left: 4mm),
  stroke: (left: 1.5pt + highlight))[
  #text(fill: highlight, size: 14pt)[{QUOTE_MARK}] #emph(b.text) \\
  #text(size: 8pt, fill: muted)[#b.speaker, #b.role]
])
#let chapter-body = chapter-body.with(drawers: drawers)

#let chapter-title(ch) = [#heading(level: 1, ch.title) #label("ch-" + ch.id)]

#place(top, scope: "parent", float: true, clearance: 6mm, block(width: 100%, fill: accent, inset: 6mm,
  text(fill: white, size: 20pt, weight: "bold", d.cover.title)))
#for ch in d.chapters {{
  chapter-title(ch)
  chapter-body(ch)
  chapter-end(ch)
}}
"""

EDITION_YAML = f"""\
template: {NAME}
title: Ankommen im Landkreis
subtitle: Merkblatt für neue Nachbarinnen und Nachbarn
programme: Beispielprogramm Integration
publisher: Landkreis Musterland – Integrationsbüro
date: 2026-11-02
language: de-DE
chapters:
  - kind: prose
    id: angebote
    title: Angebote im Überblick
    text: text/angebote.md
  - kind: prose
    id: rat
    title: Rat und Hilfe
    text: text/rat.md
  - kind: imprint
    id: impressum
    title: Impressum
imprint:
  - heading: Herausgeber
    lines: [Landkreis Musterland, Integrationsbüro]
"""

SENTENCES = ["Wer neu in den Landkreis zieht, findet in jeder Gemeinde eine Anlaufstelle.",
             "Die Beratung ist kostenlos und auf Wunsch mehrsprachig.", "Termine gibt es auch am Abend.",
             "Die Lotsen begleiten zu Ämtern, Schulen und Ärzten.", "Viele Vereine bieten Schnupperstunden an.",
             "Die Volkshochschule hat Kurse für jedes Sprachniveau.", "Kinderbetreuung wird auf Wunsch organisiert.",
             "Wer selbst helfen will, meldet sich im Integrationsbüro."]


def _prose(n: int, start: int) -> str:
    """N paragraphs, each of its own sentences (the checks refuse a repeated paragraph)."""
    return "\n\n".join(" ".join(f"{SENTENCES[(start + p * 3 + k) % len(SENTENCES)][:-1]} ({start + p}.{k})."
                                for k in range(4)) for p in range(n))


NAMES = ["Beratung für Familien mit kleinen Kindern in allen Gemeinden des Landkreises",
         "Sprachkurse am Vormittag mit Kinderbetreuung", "Lotsen",
         "Begleitung Ehrenamtlicher in Vereinen, Kirchengemeinden und Initiativen"]


def _edition(folder: Path) -> None:
    (folder / "text").mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "edition.yaml").write_text(EDITION_YAML, encoding="utf-8")
    (folder / "text" / "angebote.md").write_text(
        _prose(2, 0) + "\n\n## Was es gibt\n\n" + _prose(3, 10) + "\n\n## Wer mitmacht\n\n" + _prose(2, 20) + "\n",
        encoding="utf-8")
    (folder / "text" / "rat.md").write_text(_prose(4, 30) + "\n", encoding="utf-8")
    (folder / "data" / "charts.csv").write_text(
        "id;chapter;section;kind;data;title;unit;source;note;classes;reference;reference_label;orientation;alt_text;width\n"
        "ch-angebote;angebote;Was es gibt;bar;angebote_zahlen;Teilnehmende 2025 nach Angebot;;Eigene Zählung;;;;;"
        "horizontal;;column\n", encoding="utf-8")
    (folder / "data" / "angebote_zahlen.csv").write_text(
        "Angebot;Teilnehmende\n" + "".join(f"{n};{40 + 25 * i}\n" for i, n in enumerate(NAMES)), encoding="utf-8")
    (folder / "data" / "quotes.csv").write_text(
        "id;chapter;section;speaker;role;text\n"
        "q-lotsin;rat;;Aylin Demir;Lotsin seit 2019;Die erste Frage ist oft die schwerste. Danach geht vieles leichter.\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def leaflet(tmp_path_factory):
    root = tmp_path_factory.mktemp("new-type")
    types = root / "types"
    folder = types / NAME
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(TEMPLATE_YAML, encoding="utf-8")
    (folder / "theme.typ").write_text(THEME, encoding="utf-8")
    (folder / "brochure.typ").write_text(BROCHURE, encoding="utf-8")
    made = CliRunner().invoke(main, ["type", "reference-docx", str(folder)])
    assert made.exit_code == 0, made.output
    edition = root / "ed"
    _edition(edition)
    mp = pytest.MonkeyPatch()
    mp.setenv("BROCHURE_TEMPLATES", str(types))
    try:
        _, findings = check(edition)
        result = build(edition, root / "out")
        loaded = collect(edition)
    finally:
        mp.undo()
    files = {p.suffix: p.read_bytes() for p in result.files}
    return findings, result, loaded, files


def test_check_is_clean_and_the_build_passes_its_own_checks(leaflet):
    findings, result, _, files = leaflet
    assert [f for f in findings if f.severity == "error"] == [], findings
    assert result.output_errors == [] and set(files) == {".pdf", ".docx"}


def test_the_pdf_is_landscape_a4_and_the_quote_is_the_types_own(leaflet):
    _, _, _, files = leaflet
    reader = PdfReader(io.BytesIO(files[".pdf"]))
    for page in reader.pages:
        w, h = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
        assert (w, h) == pytest.approx(PAGE_MM, abs=0.5)
    text = "".join(p.extract_text() for p in reader.pages)
    assert QUOTE_MARK in text and "Die erste Frage ist oft die schwerste" in text


def test_the_word_file_is_landscape_a4_in_three_columns(leaflet):
    _, _, _, files = leaflet
    counts = []
    for section in open_docx(io.BytesIO(files[".docx"])).sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (section.page_width.mm, section.page_height.mm) == pytest.approx(PAGE_MM, abs=0.5)
        cols = section._sectPr.find(qn("w:cols"))
        counts.append(int(cols.get(qn("w:num")) or 1) if cols is not None else 1)
        if counts[-1] == COLUMNS:
            assert int(cols.get(qn("w:space"))) == pytest.approx(GAP / 25.4 * 1440, abs=2)
    assert COLUMNS in counts and set(counts) <= {1, COLUMNS}


def test_the_chart_is_drawn_for_its_column_legibly_and_without_overlaps(leaflet):
    _, _, loaded, files = leaflet
    page = loaded.edition.template.page
    column = page.column_width_mm
    assert column == pytest.approx((PAGE_MM[0] - 28 - (COLUMNS - 1) * GAP) / COLUMNS)
    assert chart_widths_mm(files[".pdf"]) == [pytest.approx(column, abs=0.05)]
    chart = next(b for ch in loaded.document.chapters for b in chapter_blocks(ch) if isinstance(b, Chart))
    pdf = draw(chart, "pdf", column, loaded.edition.template.theme)  # as the build draws it
    assert min(text_sizes_pt(pdf)) >= 7 - 0.02
    boxes = _label_boxes(pdf, NAMES)
    bars = _bars(pdf, (0x1D, 0x4E, 0x89))
    assert len(bars) == len(NAMES)
    for i, (box, _) in enumerate(boxes):
        assert not any(_overlap(box, other) for other, _ in boxes[i + 1:]), NAMES[i]
        assert not any(_overlap(box, bar) for bar in bars), NAMES[i]
    pictures = [s for s in open_docx(io.BytesIO(files[".docx"])).inline_shapes]
    assert pictures and all(p.width.mm <= column + 0.5 for p in pictures)


def test_the_type_is_written_as_the_docs_say():
    """The keys and names the test's type uses are the ones docs/templates.md documents."""
    docs = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for word in ("orientation: landscape", "columns:", "column_gap", "cover: false", "chapter_break: none",
                 "page-setup", "column-gap", "#let drawers = drawers +", "chapter-body.with(drawers: drawers)",
                 "brochure type reference-docx", "BROCHURE_TEMPLATES"):
        assert word in docs, word
    assert textwrap.dedent(BROCHURE).count("drawers") >= 2
