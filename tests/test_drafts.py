"""Municipal strategy drafts: scaffold → fill in (openpyxl) → draft → read back with python-docx
and pypdf; `brochure check` on a draft; the batch over many towns; the three sample towns."""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.drafts.draft import build_draft, check_draft, draft_template
from pipeline.errors import InputError
from pipeline.drafts.scaffold import LISTS_SHEET, init_draft
from pipeline.drafts.workbook_fill import fill_workbook

ROOT = Path(__file__).resolve().parent.parent
KOMMUNEN = ROOT / "inputs" / "kommunen"
TEMPLATE, LAYOUT = draft_template()
SECTION_TITLES = [f"{n}. {s.title}" for n, s in enumerate(LAYOUT.sections, start=1)]


# -- reading the outputs back, independently of the pipeline's own reader ---------------------
def docx_body(path: Path):
    """(kind, style, text) for every paragraph and table of the body, in order."""
    doc = open_docx(str(path))
    names = {s.style_id: s.name for s in doc.styles}
    out = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            ppr = el.pPr
            style = names.get(ppr.style, "") if ppr is not None and ppr.style else ""
            out.append(("p", style, "".join(t.text or "" for t in el.iter(qn("w:t")))))
        elif el.tag == qn("w:tbl"):
            out.append(("table", "", " | ".join("".join(t.text or "" for t in tc.iter(qn("w:t")))
                                                for tc in el.iter(qn("w:tc")))))
    return doc, out


def pdf_read(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    texts = [p.extract_text() or "" for p in reader.pages]
    outline: list[tuple[int, str]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                outline.append((level, item.title))
    walk(reader.outline, 1)
    return texts, outline


def flat(text: str) -> str:
    """Comparison form: line-end hyphenation undone, hyphens and spacing ignored (both sides)."""
    text = re.sub(r"[\u00ad\u2010\u2011-][ \t]*\n\s*", "", text)
    text = re.sub("[\u00ad\u2010\u2011-]", "", text)  # typed hyphens print as U+2010, U+2011 too
    return re.sub(r"\s+", " ", text).strip()


# -- a town filled in by hand, as a municipality employee would, with openpyxl ----------------
def fill_by_hand(path: Path) -> None:
    """Fields of action typed out of order, measures in all horizons, and three sections left
    empty on purpose: 'Vielfalt und Integration als kommunale Aufgabe' (no text), 'Ziele und
    Indikatoren' (no goals) and 'Evaluation und Integrationsmonitoring' (no rows, no text)."""
    book = load_workbook(path)
    base = book["Stammdaten"]
    values = {"Kommune *": "Neu-Übach", "Einwohner*innen": 23456, "Verwaltungsspitze (Name)": "Jördis Weiß",
              "Amtsbezeichnung": "Bürgermeisterin", "Ansprechperson": "Björn Schäfer"}
    for row in range(2, base.max_row + 1):
        label = base.cell(row=row, column=1).value
        if label in values:
            base.cell(row=row, column=2).value = values[label]
    for title in ("Leitlinien", "Handlungsfelder", "Ziele", "Maßnahmen", "Beteiligung",
                  "Netzwerke und Akteure", "Evaluation und Monitoring", "Bevölkerung"):
        ws = book[title]
        ws.delete_rows(2, ws.max_row)  # the example rows go
    fields = book["Handlungsfelder"]
    fields.append([2, "Arbeit & Wirtschaft", "thematisch", "stadtweit", "Zugänge zum Arbeitsmarkt öffnen."])
    fields.append([1, "Sprache und Bildung", "thematisch", "stadtweit", "Sprachförderung von Anfang an."])
    fields.append([3, "Öffnung der Verwaltung", "strukturell", "verwaltungsintern", ""])
    measures = book["Maßnahmen"]
    # row 2 holds the new workbook's examples: a row typed there that repeats one is taken for it (W-EXAMPLE-…)
    measures.append([1, "Kita-Sprachlotsen ausbilden", "mittelfristig", "Jugendamt", ""])
    measures.append([1, "Sprachcafé in der Stadtbücherei", "kurzfristig", "Stadtbücherei", "Teilnehmende je Monat"])
    measures.append([2, "Jobmesse <Vielfalt> & #Zukunft", "langfristig", "Wirtschaftsförderung", ""])
    measures.append([1, "Familienbildung in drei Sprachen", "langfristig", "VHS", ""])
    measures.append([3, "Schulung interkulturelle Kompetenz", "kurzfristig", "Personalamt", ""])
    book["Leitlinien"].append(["Vision", "", "Neu-Übach ist eine Stadt für alle."])
    book["Leitlinien"].append(["Leitlinie", "Teilhabe", "Alle können mitreden."])
    book["Beteiligung"].append(["12.03.2025", "stadtweit", "Auftakt im Rathaus", "Rathaus", "ca. 90", "Sechs Themen benannt"])
    book["Netzwerke und Akteure"].append(["Runder Tisch Neu-Übach", "Netzwerk", "begleitet die Umsetzung vor Ort", ""])
    texts = book["Texte"]
    for row in range(2, texts.max_row + 1):
        section = texts.cell(row=row, column=1).value
        if section == LAYOUT.sections[0].title:
            texts.cell(row=row, column=2).value = "Vielfalt ist Chefsache.\n\nDarum legen wir diese Strategie vor."
        elif section == LAYOUT.sections[2].title:
            texts.cell(row=row, column=2).value = "Neu-Übach wächst."
    book.save(path)


EMPTY_BY_HAND = ["Vielfalt und Integration als kommunale Aufgabe", "Ziele und Indikatoren",
                 "Evaluation und Integrationsmonitoring"]


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafts") / "neu-uebach"
    init_draft("Neu-Übach", folder, LAYOUT)
    fill_by_hand(folder / LAYOUT.file)
    out = folder.parent / "out"
    result = build_draft(folder, out)
    return folder, out, result


# -- the scaffold ------------------------------------------------------------------------------
def test_scaffold_has_instructions_sheets_headers_dropdowns_and_examples(tmp_path):
    path = init_draft("Musterstadt", tmp_path / "m", LAYOUT)
    book = load_workbook(path)
    assert book.sheetnames == ["Anleitung", *(s.title for s in LAYOUT.sheets), LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert "Musterstadt" in book["Anleitung"]["A1"].value
    instructions = " ".join(str(c.value) for row in book["Anleitung"].iter_rows() for c in row if c.value)
    assert "Auswahlliste" in instructions and "Platzhalter" in instructions
    measures = book["Maßnahmen"]
    assert [c.value for c in measures[1]] == ["Handlungsfeld Nr. *", "Maßnahme *", "Zeithorizont *",
                                             "Verantwortlich", "Indikator"]
    assert measures["B2"].value == "Sprachcafé in der Stadtbücherei"  # one example row
    rules = {str(dv.sqref): dv for dv in measures.data_validations.dataValidation}
    horizon = rules["C2:C500"]
    assert horizon.type == "list" and LISTS_SHEET in horizon.formula1
    column = horizon.formula1.split("!$")[1][0]
    values = [book[LISTS_SHEET][f"{column}{r}"].value for r in range(2, 5)]
    assert values == ["kurzfristig", "mittelfristig", "langfristig"]
    assert LISTS_SHEET in rules["A2:A500"].formula1  # field numbers and titles, from the fields sheet
    base = book["Stammdaten"]
    assert base["A2"].value == "Kommune *" and base["B2"].value == "Musterstadt"
    texts = [c.value for c in book["Texte"]["A"][1:]]
    assert texts == [s.title for s in LAYOUT.sections]


def test_init_draft_command_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["init-draft", "Groß-Umstadt", str(tmp_path / "gu")])
    assert first.exit_code == 0 and (tmp_path / "gu" / LAYOUT.file).is_file()
    second = runner.invoke(main, ["init-draft", "Groß-Umstadt", str(tmp_path / "gu")])
    assert second.exit_code == 1 and "already exists" in second.output


def test_a_fresh_workbook_drafts_with_example_rows_flagged(tmp_path):
    folder = tmp_path / "musterstadt"
    init_draft("Musterstadt", folder, LAYOUT)
    findings = check_draft(folder)
    flagged = {f.location.sheet for f in findings if f.code == "W-EXAMPLE-ROW"}
    assert flagged == {s.title for s in LAYOUT.sheets if s.layout == "table" and s.key != "texte"}
    assert not [f for f in findings if f.severity == "error"]


# -- the draft read back -------------------------------------------------------------------------
def test_sections_in_order_in_docx_and_pdf(by_hand):
    _, out, result = by_hand
    _, body = docx_body(out / "neu-uebach-entwurf.docx")
    chapters = [text for kind, style, text in body if style == "Heading 1"]
    assert chapters == [*SECTION_TITLES, "Kontakt"]
    _, outline = pdf_read(out / "neu-uebach-entwurf.pdf")
    assert [t for level, t in outline if level == 1] == ["Inhalt", *SECTION_TITLES, "Kontakt"]
    assert result.output_errors == []


def test_fields_of_action_numbered_with_one_measures_table_each(by_hand):
    _, out, _ = by_hand
    doc = open_docx(str(out / "neu-uebach-entwurf.docx"))
    _, body = docx_body(out / "neu-uebach-entwurf.docx")
    # the chapter's heading, not its entry in the table of contents
    start = next(i for i, b in enumerate(body) if b[1] == "Heading 1" and b[2] == SECTION_TITLES[5])
    end = next(i for i, b in enumerate(body) if b[1] == "Heading 1" and b[2] == SECTION_TITLES[6])
    chapter = body[start:end]
    fields = [t for _, style, t in chapter if style == "Heading 2"]
    assert fields == ["Handlungsfeld 1: Sprache und Bildung", "Handlungsfeld 2: Arbeit & Wirtschaft",
                      "Handlungsfeld 3: Öffnung der Verwaltung"]
    assert not [t for _, style, t in chapter if style == "Heading 3"]  # no heading per horizon
    tables = {}
    field = None
    for kind, style, text in chapter:
        if style == "Heading 2":
            field = text.split(":")[0]
        elif kind == "table":
            assert field not in tables, "one table per field of action"
            tables[field] = text
    by_field = {}
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows[0][:2] == ["Maßnahme", "Zeithorizont"]:
            by_field[rows[1][0]] = [(r[0], r[1]) for r in rows[1:]]
    assert by_field == {
        "Sprachcafé in der Stadtbücherei": [("Sprachcafé in der Stadtbücherei", "Kurzfristig"),
                                            ("Kita-Sprachlotsen ausbilden", "Mittelfristig"),
                                            ("Familienbildung in drei Sprachen", "Langfristig")],
        "Jobmesse <Vielfalt> & #Zukunft": [("Jobmesse <Vielfalt> & #Zukunft", "Langfristig")],
        "Schulung interkulturelle Kompetenz": [("Schulung interkulturelle Kompetenz", "Kurzfristig")],
    }


def test_placeholders_and_word_comments_exactly_for_the_empty_sections(by_hand):
    _, out, result = by_hand
    doc, body = docx_body(out / "neu-uebach-entwurf.docx")
    chapter = None
    placeholders = []
    for _kind, style, text in body:
        if style == "Heading 1":
            chapter = text
        elif style == "Missing Section":
            placeholders.append((chapter, text))
    assert [c.split(". ", 1)[1] for c, _ in placeholders] == EMPTY_BY_HAND
    hints = {s.title: s.hint for s in LAYOUT.sections}
    assert [t for _, t in placeholders] == [hints[name] for name in EMPTY_BY_HAND]
    comments = list(doc.comments)
    assert len(comments) == len(EMPTY_BY_HAND)
    for comment, name in zip(comments, EMPTY_BY_HAND):
        assert name in comment.text and hints[name] in comment.text
    # each comment is anchored on its placeholder's text
    xml = doc.element.body
    anchored = []
    for start in xml.iter(qn("w:commentRangeStart")):
        run = start.getnext()
        anchored.append("".join(t.text for t in run.iter(qn("w:t"))))
    assert anchored == [t for _, t in placeholders]
    empty = [f.message for f in result.warnings if f.code == "W-EMPTY-SECTION"]
    assert [m.split("'")[1] for m in empty] == EMPTY_BY_HAND


def test_pdf_says_entwurf_on_every_page_and_shows_the_placeholders(by_hand):
    _, out, _ = by_hand
    texts, _ = pdf_read(out / "neu-uebach-entwurf.pdf")
    assert len(texts) >= 6
    assert all("ENTWURF" in t for t in texts)
    # an open section takes no page of its own: it follows the section before it
    first = next(n for n, t in enumerate(texts) if SECTION_TITLES[0] in t and "Chefsache" in t)
    assert SECTION_TITLES[1] in texts[first] and SECTION_TITLES[1] not in texts[first + 1]
    whole = flat(" ".join(texts))
    hints = {s.title: s.hint for s in LAYOUT.sections}
    for name in EMPTY_BY_HAND:
        assert flat(hints[name])[:60] in whole
    # input text is printed literally, never as markup
    assert "Jobmesse <Vielfalt> & #Zukunft" in whole
    assert "Jördis Weiß" in whole and "Bürgermeisterin der" in whole


def test_check_lists_the_placeholders_in_the_brochure_report_format(by_hand):
    folder, _, _ = by_hand
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0
    listed = re.findall(r"W-EMPTY-SECTION\s+strategie\.xlsx, sheet '([^']+)'.*\n\s+'([^']+)' is empty", result.output)
    assert [name for _, name in listed] == EMPTY_BY_HAND
    assert [sheet for sheet, _ in listed] == ["Texte", "Ziele", "Evaluation und Monitoring"]
    assert "0 errors" in result.output and "clean" in result.output
    as_json = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert '"W-EMPTY-SECTION"' in as_json.output


def test_same_workbook_same_bytes(by_hand, tmp_path):
    folder, out, _ = by_hand
    time.sleep(1.1)  # a clock stamped anywhere would now differ
    again = build_draft(folder, tmp_path)
    for f in again.files:
        assert f.read_bytes() == (out / f.name).read_bytes()


# -- bad input -------------------------------------------------------------------------------------
def test_measure_for_a_missing_field_of_action_names_sheet_row_and_column(tmp_path):
    folder = tmp_path / "t"
    init_draft("Teststadt", folder, LAYOUT)
    fill_workbook(folder / LAYOUT.file, LAYOUT, {
        "handlungsfelder": [{"number": 1, "title": "Bildung"}],
        "massnahmen": [{"field": 1, "text": "A", "horizon": "kurzfristig"},
                       {"field": 4, "text": "B", "horizon": "kurzfristig"}],
        "stammdaten": {"as_of": "31.02.2026"}})
    with pytest.raises(InputError) as exc:
        build_draft(folder, tmp_path / "out")
    found = {(f.code, f.location.sheet, f.location.row, f.location.column) for f in exc.value.findings}
    assert ("E-UNKNOWN-REF", "Maßnahmen", 3, "Handlungsfeld Nr.") in found
    stand = next(r for r in range(len(LAYOUT.sheet("stammdaten").columns))
                 if LAYOUT.sheet("stammdaten").columns[r].name == "as_of") + 2
    assert ("E-BAD-VALUE", "Stammdaten", stand, "Stand") in found
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_markdown_file_next_to_the_workbook_is_used(tmp_path):
    folder = tmp_path / "t"
    init_draft("Teststadt", folder, LAYOUT)
    (folder / "aufgabe.md").write_text("Wir verstehen *Vielfalt* als Stärke.\n\n## Zielgruppen\n\nAlle.\n",
                                       encoding="utf-8")
    result = build_draft(folder, tmp_path / "out")
    assert result.output_errors == []
    _, body = docx_body(tmp_path / "out" / "t-entwurf.docx")
    texts = [t for _, _, t in body]
    i = body.index(("p", "Heading 1", SECTION_TITLES[1]))  # the heading, not its contents entry
    assert texts[i + 1] == "Wir verstehen Vielfalt als Stärke." and ("p", "Heading 2", "Zielgruppen") in body
    assert not [f for f in result.warnings if f.code == "W-EMPTY-SECTION" and "kommunale Aufgabe" in f.message]


# -- many towns at once ------------------------------------------------------------------------------
def test_batch_builds_the_rest_when_one_workbook_is_corrupt(tmp_path):
    root = tmp_path / "kommunen"
    for name in ("aach", "bebra", "celle"):
        init_draft(name.title(), root / name, LAYOUT)
        fill_workbook(root / name / LAYOUT.file, LAYOUT, {"texte": {"vorwort": f"Grußwort aus {name.title()}."}})
    (root / "bebra" / LAYOUT.file).write_bytes(b"PK\x03\x04 this is not a workbook")
    result = CliRunner().invoke(main, ["draft", str(root), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1
    table = result.output.split("Municipality")[1]
    assert re.search(r"aach\s+warnings", table) and re.search(r"celle\s+warnings", table)
    assert re.search(r"bebra\s+FAILED", table)
    assert "3 drafts: 0 built, 2 built with warnings, 1 failed" in result.output
    assert "E-UNREADABLE" in result.output and "strategie.xlsx" in result.output
    for name in ("aach", "celle"):
        assert (tmp_path / "out" / name / f"{name}-entwurf.pdf").is_file()
    assert not (tmp_path / "out" / "bebra").exists()


def test_a_folder_without_drafts_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["draft", str(tmp_path)])
    assert result.exit_code == 2 and "No draft found" in result.output


# -- the sample towns --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("kommunen-out")
    result = CliRunner().invoke(main, ["draft", str(KOMMUNEN), "--out", str(out)])
    return result, out


def test_sample_towns_all_build(samples):
    result, out = samples
    assert result.exit_code == 0, result.output
    for town in ("viernheim", "maintal", "rodgau", "michelstadt"):
        assert (out / town / f"{town}-entwurf.docx").is_file()


def test_michelstadt_holds_a_plan_with_groups_a_dated_process_and_lists(samples):
    """The sample with a real plan's shape: 14 fields under four groups, 13 process steps with
    dates as people write them, lists typed in cells; clean, and the same in both files."""
    from pipeline.load.when import parse_when
    result, out = samples
    assert "michelstadt   built " in result.output  # no warnings
    docx, pdf = out / "michelstadt" / "michelstadt-entwurf.docx", out / "michelstadt" / "michelstadt-entwurf.pdf"
    doc, body = docx_body(docx)
    start = next(i for i, b in enumerate(body) if b[1] == "Heading 1" and b[2] == SECTION_TITLES[5])
    end = next(i for i, b in enumerate(body) if i > start and b[1] == "Heading 1")  # Michelstadt's own number
    heads = [(int(style.split()[-1]), t.split()[0]) for _, style, t in body[start + 1:end] if style.startswith("Heading")]
    groups = [n for level, n in heads if level < 4]
    fields = [n for level, n in heads if level == 4]
    assert groups == ["8", "8.1", "8.2", "9", "9.1", "9.2"] and len(fields) == 14
    assert all(level == n.count(".") + 2 for level, n in heads)  # 8 → 2, 8.1 → 3, 8.1.1 → 4
    assert fields == sorted(fields, key=lambda n: tuple(int(p) for p in n.split(".")))
    _, outline = pdf_read(pdf)
    at = outline.index((1, SECTION_TITLES[5]))
    assert [(lvl, t.split()[0]) for lvl, t in outline[at + 1:at + 1 + len(heads)]] == heads
    process = next(t for t in doc.tables if t.rows[0].cells[0].text == "Datum")
    dates = [r.cells[0].text for r in process.rows[1:]]
    assert len(dates) == 13 and "16./17. März 2019" in dates
    keys = [parse_when(d).key for d in dates if d]
    assert keys == sorted(keys)  # chronological
    assert not [d for d in dates if re.fullmatch(r"\d\d\.\d\d\.\d{4}", d)]  # German, not 12.04.2019
    lists = [p.text for p in doc.paragraphs if p.style.name.startswith("List")]
    assert len(lists) >= 6 and not [p.text for p in doc.paragraphs if p.text.startswith(("- ", "• "))]
    texts, _ = pdf_read(pdf)
    whole = flat(" ".join(texts))
    assert all(flat(d) in whole for d in dates if d)


def test_viernheim_has_its_seven_fields_of_action_and_no_placeholder(samples):
    _, out = samples
    _, body = docx_body(out / "viernheim" / "viernheim-entwurf.docx")
    fields = [t for _, style, t in body if style == "Heading 2" and t.startswith("Handlungsfeld")]
    numbers = [int(t.split()[1].rstrip(":")) for t in fields]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # with their measures; the goals refer to them:
    goals = [t for _, style, t in body if style == "Heading 2" and t.endswith(")")]
    assert [int(t.rsplit(" ", 1)[1].rstrip(")")) for t in goals] == numbers
    assert "Interreligiöser Dialog (Handlungsfeld 4)" in goals
    assert "Handlungsfeld 4: Interreligiöser Dialog" in fields
    assert not [b for b in body if b[1] == "Missing Section"]
    vorwort = (KOMMUNEN / "viernheim" / "vorwort.md").read_text(encoding="utf-8").split("\n\n")[0].strip()
    assert flat(vorwort) in flat(" ".join(t for _, _, t in body))


def test_maintal_prints_its_guiding_principles(samples):
    _, out = samples
    texts, _ = pdf_read(out / "maintal" / "maintal-entwurf.pdf")
    whole = flat(" ".join(texts))
    book = load_workbook(KOMMUNEN / "maintal" / LAYOUT.file)
    principles = [row[2].value for row in book["Leitlinien"].iter_rows(min_row=2) if row[2].value]
    assert len(principles) >= 6
    for text in principles:
        assert flat(text)[:50] in whole


def test_rodgau_is_the_incomplete_sample_with_exactly_its_gaps(samples):
    _, out = samples
    doc, body = docx_body(out / "rodgau" / "rodgau-entwurf.docx")
    placeholders = sum(1 for b in body if b[1] == "Missing Section")
    findings = [f for f in check_draft(KOMMUNEN / "rodgau") if f.code == "W-EMPTY-SECTION"]
    assert placeholders == len(findings) == len(list(doc.comments)) == 5
    named = [f.message.split("'")[1] for f in findings]
    # its population sheet is filled in (illustrative figures), so the Ausgangslage has a table and charts
    assert named == ["Einleitende Worte der Verwaltungsführung",
                     "Handlungsfeld 2: Beteiligung und Vernetzung der Stadtgesellschaft",
                     "Handlungsfeld 3: Vielfaltsorientierte Verwaltung", "Ziele und Indikatoren",
                     "Evaluation und Integrationsmonitoring"]
    assert "Büro für Teilhabe und Vielfalt" in " ".join(t for _, _, t in body)


def test_check_built_on_a_sample_finds_nothing_missing(samples, tmp_path):
    _, out = samples
    result = CliRunner().invoke(main, ["check", str(KOMMUNEN / "viernheim"), "--built", "--out", str(out / "viernheim")])
    assert result.exit_code == 0, result.output
    assert "viernheim: 0 errors, 0 warnings: clean" in result.output
    copy = tmp_path / "viernheim"
    shutil.copytree(out / "viernheim", copy)
    (copy / "viernheim-entwurf.pdf").unlink()
    missing = CliRunner().invoke(main, ["check", str(KOMMUNEN / "viernheim"), "--built", "--out", str(copy)])
    assert missing.exit_code == 1 and "E-MISSING-OUTPUT" in missing.output


def test_the_guide_names_every_sheet_column_and_text_file():
    guide = (ROOT / "docs" / "drafts.md").read_text(encoding="utf-8")
    for sheet in LAYOUT.sheets:
        assert sheet.title in guide, sheet.title
        for col in sheet.columns:
            assert col.header in guide, f"{sheet.title}: {col.header}"
            for choice in col.column.choices if not col.list else ():
                assert choice in guide, f"{sheet.title}: {col.header}: {choice}"
    for section in LAYOUT.sections:
        assert f"`{section.file}`" in guide and section.title in guide
    for image in re.findall(r"\]\((img/[^)]+)\)", guide):
        assert (ROOT / "docs" / image).is_file(), image


def test_workbook_mistakes_are_named_with_sheet_row_and_heading(tmp_path):
    folder = tmp_path / "t"
    path = init_draft("Teststadt", folder, LAYOUT)
    book = load_workbook(path)
    book.create_sheet("Notizen")["A1"] = "nur für uns"
    del book["Netzwerke und Akteure"]
    book["Maßnahmen"]["B1"] = "Aktivität"  # a required heading overwritten
    book["Ziele"]["C1"] = "ziel"  # case, 'ss' for 'ß' and the '*' do not matter: still the column Ziel
    base = book["Stammdaten"]
    email_row = next(r for r in range(2, base.max_row + 1) if base.cell(row=r, column=1).value == "E-Mail")
    base.cell(row=email_row, column=2).value = "integration(at)teststadt.de"
    book["Texte"]["A3"] = "Unser Vorwort"  # not one of the nine sections
    book["Texte"]["B3"] = "Ein Text."
    book.save(path)
    findings = {(f.code, f.location.sheet, f.location.row, f.location.column) for f in check_draft(folder)}
    assert ("W-UNKNOWN-TABLE", "Notizen", None, None) in findings
    assert ("W-MISSING-SHEET", "Netzwerke und Akteure", None, None) in findings
    assert ("W-UNKNOWN-COLUMN", "Maßnahmen", 1, "Aktivität") in findings
    assert ("E-MISSING-COLUMN", "Maßnahmen", 1, None) in findings
    assert ("E-BAD-EMAIL", "Stammdaten", email_row, "E-Mail") in findings
    assert ("E-BAD-VALUE", "Texte", 3, "Abschnitt") in findings
    assert not [f for f in findings if f[1] == "Ziele" and f[0] not in ("W-EXAMPLE-ROW", "W-EMPTY-SECTION")]
    result = CliRunner().invoke(main, ["draft", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "nothing was written" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_check_on_a_folder_of_towns_reports_each_and_fails_if_one_has_errors(tmp_path):
    root = tmp_path / "kommunen"
    for name in ("aach", "bebra"):
        init_draft(name.title(), root / name, LAYOUT)
    fill_workbook(root / "bebra" / LAYOUT.file, LAYOUT, {"massnahmen": [{"field": 9, "text": "X", "horizon": "bald"}]})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert re.search(r"aach: 0 errors, \d+ warnings: clean", result.output)
    assert re.search(r"bebra: [1-9]\d* errors", result.output)
    assert "E-UNKNOWN-REF" in result.output and "sheet 'Maßnahmen', row 2, column 'Zeithorizont'" in result.output
    as_json = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    import json
    data = json.loads(as_json.output)
    assert [d["edition"] for d in data] == ["aach", "bebra"] and data[0]["errors"] == 0 and data[1]["errors"] >= 2


def test_every_filled_cell_of_michelstadt_appears_in_both_files(samples):
    """Nothing silent: each value typed into the sample's workbook is printed in the PDF and the
    DOCX (a list item without its marker, a date or number in its German form)."""
    import datetime as dt

    from pipeline.load import cell_lists
    from pipeline.load import german
    from pipeline.load.when import parse_when
    _, out = samples
    docx, pdf = out / "michelstadt" / "michelstadt-entwurf.docx", out / "michelstadt" / "michelstadt-entwurf.pdf"
    texts, _ = pdf_read(pdf)
    def squeeze(text: str) -> str:  # an address may wrap after its '.' in a narrow cell: compare without spaces
        return re.sub(r"\s+", "", flat(text)).casefold()
    in_pdf = squeeze(" ".join(texts))
    doc = open_docx(str(docx))
    in_docx = squeeze(" ".join([p.text for p in doc.paragraphs]
                               + [c.text for t in doc.tables for row in t.rows for c in row.cells]))
    mapped = {"council_step", "horizon"}  # printed as „Beschluss:“, „Kurzfristig“
    book = load_workbook(KOMMUNEN / "michelstadt" / LAYOUT.file)
    missing = []
    for sheet in LAYOUT.sheets:
        ws = book[sheet.title]
        if sheet.layout == "fields":
            cells = [(c, ws.cell(row=r, column=2).value) for r, c in enumerate(sheet.columns, start=2)]
        else:
            cells = [(c, ws.cell(row=r, column=n).value) for r in range(2, ws.max_row + 1)
                     for n, c in enumerate(sheet.columns, start=1)]
        for col, value in cells:
            if value in (None, "") or col.name in mapped or (sheet.key == "texte" and col.name == "section"):
                continue
            if isinstance(value, dt.datetime):
                shown = [german.long_date(value.date()) if col.name == "as_of" and sheet.layout == "fields"
                         else german.day_month_year(value.date())]
            elif col.column.kind == "when":
                shown = [parse_when(value).text]
            elif isinstance(value, (int, float)) and col.column.kind == "number":
                shown = [german.number(value)]
            else:
                shown = [line.text for line in cell_lists.lines(str(value))]
            for text in shown:
                key = squeeze(text)
                if key not in in_pdf or key not in in_docx:
                    missing.append((sheet.title, col.header, text))
    assert missing == []
