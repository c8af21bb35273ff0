"""Strategy drafts that hold a real municipality's plan: hierarchical fields of action under
group headings, a participation process with dates as people write them, lists typed in
cells, and nothing left out without a word. Workbooks are made by the real scaffold and typed
into with openpyxl; both outputs are read back with python-docx and pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.drafts.draft import build_draft, check_draft, draft_template
from pipeline.errors import InputError, group_findings
from pipeline.drafts.scaffold import init_draft
from pipeline.drafts.workbook_fill import fill_workbook
from tests.test_drafts import pdf_read

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE, LAYOUT = draft_template()

FIELDS = [
    {"number": "9", "title": "Handlungsfelder innerhalb der Verwaltung"},
    {"number": "8", "title": "Stadtweite Handlungsfelder"},
    {"number": "8.1", "title": "Strukturelle Handlungsfelder"},
    {"number": "8.1.1", "title": "Netzwerke stärken", "type": "strukturell", "scope": "stadtweit",
     "text": "Dazu gehören:\n- ein Runder Tisch\n- ein Vielfaltsrat"},
    {"number": "8.1.2", "title": "Beteiligung verankern", "type": "strukturell", "scope": "stadtweit"},
    {"number": "8.2", "title": "Thematische Handlungsfelder"},
    {"number": "8.2.10", "title": "Gesundheit", "type": "thematisch", "scope": "stadtweit"},
    {"number": "8.2.2", "title": "Sprache und Bildung", "type": "inhaltlich", "scope": "stadtweit"},
    {"number": "9.1", "title": "Strukturelle Handlungsfelder der Verwaltung"},
    {"number": "9.1.1", "title": "Interkulturelle Öffnung", "type": "strukturell", "scope": "verwaltungsintern"},
]
MEASURES = [
    {"field": "8.1.1", "text": "Runder Tisch zweimal im Jahr", "horizon": "langfristig", "responsible": "Integrationsbüro"},
    {"field": "8.1.1", "text": "Vielfaltsrat gründen", "horizon": "kurzfristig", "responsible": "Bürgermeister"},
    {"field": "8.1.2", "text": "Beteiligungsleitfaden", "horizon": "kurzfristig"},
    {"field": "8.2.10", "text": "Gesundheitslotsen", "horizon": "langfristig"},
    {"field": "8.2.2 – Sprache und Bildung", "text": "Sprachcafé", "horizon": "kurzfristig"},  # as the drop-down writes it
    {"field": "9.1.1", "text": "Schulungen:\n- interkulturelle Kompetenz\n- Leichte Sprache", "horizon": "mittelfristig"},
]
# Out of order on purpose, with dates as people write them; one step without a date.
STEPS = [
    ("Frühjahr 2019", "stadtweit", "Stadtgespräch"),
    ("5./6. Februar 2019", "verwaltungsintern", "Klausur der Lenkungsgruppe"),
    ("seit 2018", "verwaltungsintern", "Lenkungsgruppe tagt"),
    ("", "stadtweit", "Onlineumfrage"),
    ("12.04.2019", "stadtweit", "Workshop Bildung"),
    ("2. Halbjahr 2019", "stadtweit", "Zwischenbericht"),
    ("2018–2020", "stadtweit", "Begleitung durch das Institut"),
    ("April 2019", "stadtweit", "Workshop Wohnen"),
]
# By first day, then last: 2018–2020 before 'seit 2018' (open); the undated survey after the step
# above it in the sheet; Frühjahr (from March) before April 2019 before 12 April.
CHRONOLOGY = ["Begleitung durch das Institut", "Lenkungsgruppe tagt", "Onlineumfrage",
              "Klausur der Lenkungsgruppe", "Stadtgespräch", "Workshop Wohnen", "Workshop Bildung",
              "Zwischenbericht"]


def plan_data(**changes) -> dict:
    data = {
        "stammdaten": {"municipality": "Talheim", "kind": "Stadt", "district": "Kreis Bergland",
                       "population": 23000, "office": "Integrationsbüro", "contact": "Jana Roth",
                       "email": "integration@talheim.de", "phone": "06061 12-345", "mayor": "Ole Brandt",
                       "mayor_title": "Bürgermeister", "council_decision": "12.04.2021",
                       "council": "Stadtverordnetenversammlung", "council_step": "beschlossen",
                       "as_of": "30.11.2021", "strategy_title": ""},
        "handlungsfelder": FIELDS,
        "massnahmen": MEASURES,
        "ziele": [{"field": "8.2.2", "level": "strategisches Ziel", "text": "Alle Kinder sprechen Deutsch."}],
        "beteiligung": [{"date": d, "strand": s, "format": f, "results": "1. Ideen gesammelt\n2. Themen gewichtet"
                         if f == "Stadtgespräch" else ""} for d, s, f in STEPS],
        "leitlinien": [{"kind": "Leitlinie", "title": "Teilhabe", "text": "Alle gehören dazu."}],
        "netzwerke": [{"name": "Institut für Vielfalt", "kind": "Institut oder Beratung", "role": "moderiert"}],
        "evaluation": [{"kind": "Monitoring", "subject": "Umsetzung", "interval": "jährlich"}],
        "bevoelkerung": [{"group": "Insgesamt", "label": "Einwohner*innen", "value": 23000, "unit": "Personen"}],
        "texte": {"vorwort": "Wir legen diesen Plan vor.", "aufgabe": "Vielfalt ist eine Aufgabe:\n- für alle\n- jeden Tag",
                  "ausgangslage": "Talheim wächst.", "zugaenge": "So haben wir gearbeitet.",
                  "leitlinien": "Unsere Grundsätze.", "handlungsfelder": "Die Felder im Überblick.",
                  # numbered after the plan's fields of action 8 and 9, as the plan does
                  "ziele": {"number": "10", "text": "Die Ziele."}, "evaluation": {"number": "11", "text": "Wir prüfen jährlich."},
                  "netzwerke": {"number": "12", "text": "Viele machen mit."}},
    }
    for key, value in changes.items():
        if key == "stammdaten":  # single entries changed; any other sheet is given whole
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def make(tmp_path: Path, name: str = "talheim", **changes) -> Path:
    folder = tmp_path / name
    init_draft("Talheim", folder, LAYOUT, today=dt.date(2021, 11, 30))
    fill_workbook(folder / LAYOUT.file, LAYOUT, plan_data(**changes))
    return folder


def docx_lines(path: Path) -> list[tuple[str, str]]:
    """(style, text) for every body paragraph, table cells as 'table' lines, in order."""
    doc = open_docx(str(path))
    names = {s.style_id: s.name for s in doc.styles}
    out = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            style = el.pPr.style if el.pPr is not None and el.pPr.style else ""
            out.append((names.get(style, ""), "".join(t.text or "" for t in el.iter(qn("w:t")))))
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                out.append(("table", " | ".join("\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                                                          for p in tc.iter(qn("w:p")))
                                                for tc in tr.iter(qn("w:tc")))))
    return out


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_read(path)[0])


def pdf_outline(path: Path) -> list[tuple[int, str]]:
    return pdf_read(path)[1]


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    folder = make(tmp)
    out = tmp / "out"
    result = build_draft(folder, out)
    return folder, out / "talheim-entwurf.docx", out / "talheim-entwurf.pdf", result


# -- hierarchical fields under group headings ---------------------------------------------------
PLAN_HEADINGS = [(2, "8 Stadtweite Handlungsfelder"), (3, "8.1 Strukturelle Handlungsfelder"),
                 (4, "8.1.1 Netzwerke stärken"), (4, "8.1.2 Beteiligung verankern"),
                 (3, "8.2 Thematische Handlungsfelder"), (4, "8.2.2 Sprache und Bildung"),
                 (4, "8.2.10 Gesundheit"), (2, "9 Handlungsfelder innerhalb der Verwaltung"),
                 (3, "9.1 Strukturelle Handlungsfelder der Verwaltung"), (4, "9.1.1 Interkulturelle Öffnung")]


def test_fields_nest_under_their_groups_numbered_as_typed_in_both_files(plan):
    _, docx, pdf, result = plan
    lines = docx_lines(docx)
    start = next(i for i, (s, t) in enumerate(lines) if s == "Heading 1" and t == "6. Kommunale Handlungsfelder")
    end = next(i for i, (s, t) in enumerate(lines) if s == "Heading 1" and t == "10. Ziele und Indikatoren")
    headings = [(int(s.split()[-1]), t) for s, t in lines[start + 1:end] if s.startswith("Heading")]
    assert headings == PLAN_HEADINGS  # 8.2.2 before 8.2.10; group rows as headings above their fields
    outline = pdf_outline(pdf)
    at = outline.index((1, "6. Kommunale Handlungsfelder"))
    assert outline[at + 1:at + 1 + len(PLAN_HEADINGS)] == PLAN_HEADINGS
    assert result.output_errors == []


def test_the_contents_list_every_field_of_action_in_both_files(plan):
    _, docx, pdf, _ = plan
    toc = [t.split("\t")[0] for s, t in docx_lines(docx) if s.startswith("toc ")]
    for _, title in PLAN_HEADINGS:
        assert title in toc
    contents_page = PdfReader(io.BytesIO(pdf.read_bytes())).pages[1].extract_text()
    assert "8.2.10 Gesundheit" in contents_page and "9.1.1 Interkulturelle Öffnung" in contents_page


def test_measures_one_table_per_field_and_a_drop_down_entry_finds_its_field(plan):
    _, docx, _, _ = plan
    lines = docx_lines(docx)
    start = lines.index(("Heading 4", "8.1.1 Netzwerke stärken"))
    nxt = lines.index(("Heading 4", "8.1.2 Beteiligung verankern"))
    rows = [t for s, t in lines[start:nxt] if s == "table"]
    assert rows[0].startswith("Maßnahme | Zeithorizont")
    assert [r.split(" | ")[:2] for r in rows[1:]] == [["Vielfaltsrat gründen", "Kurzfristig"],
                                                      ["Runder Tisch zweimal im Jahr", "Langfristig"]]
    sprache = lines.index(("Heading 4", "8.2.2 Sprache und Bildung"))
    assert any(t.startswith("Sprachcafé | Kurzfristig") for s, t in lines[sprache:sprache + 6] if s == "table")


def test_a_group_has_no_placeholder_and_a_field_without_measures_has_one(tmp_path):
    folder = make(tmp_path, massnahmen=[m for m in MEASURES if m["field"] != "8.1.2"])
    result = build_draft(folder, tmp_path / "out")
    empty = [f.message.split("'")[1] for f in result.warnings
             if f.code == "W-EMPTY-SECTION" and f.location.sheet == "Maßnahmen"]
    assert empty == ["8.1.2 Beteiligung verankern"]


def test_a_field_whose_group_row_is_missing_is_reported_and_keeps_heading_order(tmp_path):
    folder = make(tmp_path, handlungsfelder=[f for f in FIELDS if f["number"] != "8.1"])
    result = build_draft(folder, tmp_path / "out")
    missing = [f for f in result.warnings if f.code == "W-MISSING-GROUP"]
    assert len(missing) == 1 and "group 8.1 above 8.1.1, 8.1.2" in missing[0].message
    assert missing[0].location.sheet == "Handlungsfelder"
    outline = pdf_outline(result.files[1])
    assert (3, "8.1.1 Netzwerke stärken") in outline  # one level below '8', no level skipped
    assert result.output_errors == []


def test_flat_numbers_keep_the_familiar_headings(tmp_path):
    folder = make(tmp_path, handlungsfelder=[{"number": 2, "title": "Arbeit"}, {"number": "1", "title": "Bildung"}],
                  massnahmen=[{"field": 1, "text": "A", "horizon": "kurzfristig"},
                              {"field": "2", "text": "B", "horizon": "langfristig"}],
                  ziele=[])
    result = build_draft(folder, tmp_path / "out")
    headings = [t for lvl, t in pdf_outline(result.files[1]) if lvl == 2]
    assert headings[:2] == ["Handlungsfeld 1: Bildung", "Handlungsfeld 2: Arbeit"]


# -- a number German Excel turned into a date -----------------------------------------------------
def test_a_field_number_excel_made_into_a_date_is_reported_with_its_fix(tmp_path):
    folder = make(tmp_path)
    book = load_workbook(folder / LAYOUT.file)
    ws = book["Handlungsfelder"]
    ws.cell(row=5, column=1).value = dt.datetime(2001, 1, 8)  # what Excel makes of 8.1.1
    ws.cell(row=5, column=1).number_format = "DD.MM.YYYY"
    book["Bevölkerung"].cell(row=2, column=3).value = dt.datetime(2021, 5, 18)  # 18.5 typed with a point
    book.save(folder / LAYOUT.file)
    with pytest.raises(InputError) as caught:
        build_draft(folder, tmp_path / "out")
    found = {f.location.sheet: f for f in caught.value.findings if f.code == "E-EXCEL-DATE"}
    field = found["Handlungsfelder"]
    assert (field.location.row, field.location.column) == (5, "Nr.")
    assert "08.01.2001" in field.message and "'8.1.1'" in field.message
    assert "as text" in field.hint and "8.1.1" in field.hint
    value = found["Bevölkerung"]
    assert value.location.column == "Wert" and "18,5" in value.hint
    assert not (tmp_path / "out").exists()  # nothing half-written


@pytest.mark.parametrize("typed, message", [
    ("8.1.a", "is not a field number"), ("0.1", "is not a field number"),
    ("1.2.3.4.5", "more than 4 levels"), (8.1, "decimal number"),  # 8,1 typed into a number cell
])
def test_field_numbers_that_are_not_numbers_say_how_to_write_them(tmp_path, typed, message):
    folder = make(tmp_path)
    book = load_workbook(folder / LAYOUT.file)
    ws = book["Handlungsfelder"]
    ws.append([typed, "X"])
    book.save(folder / LAYOUT.file)
    findings = check_draft(folder)
    bad = [f for f in findings if f.code == "E-BAD-VALUE" and f.location.sheet == "Handlungsfelder"]
    assert len(bad) == 1 and message in bad[0].message and bad[0].location.column == "Nr."


# -- the process in time order, dates in German ---------------------------------------------------
def test_participation_steps_in_chronological_order_with_german_dates(plan):
    _, docx, pdf, _ = plan
    lines = docx_lines(docx)
    start = lines.index(("Heading 1", "4. Partizipative und sozialräumliche Zugänge"))
    rows = [t.split(" | ") for s, t in lines[start:] if s == "table"]
    header, body = rows[0], rows[1:len(STEPS) + 1]
    assert header[:3] == ["Datum", "Ebene", "Format"]
    assert [r[2] for r in body] == CHRONOLOGY
    dates = {r[2]: r[0] for r in body}
    assert dates["Workshop Bildung"] == "12. April 2019"
    assert dates["Klausur der Lenkungsgruppe"] == "5./6. Februar 2019"
    assert dates["Begleitung durch das Institut"] == "2018–2020"
    assert dates["Onlineumfrage"] == ""  # undated: stays after the step above it in the sheet
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert "12. April 2019" in text and "5./6. Februar 2019" in text and "2. Halbjahr 2019" in text
    assert "12.04.2019" not in text


def test_a_date_nobody_can_read_names_its_cell(tmp_path):
    folder = make(tmp_path, beteiligung=[{"date": "irgendwann", "format": "Workshop"}])
    bad = [f for f in check_draft(folder) if f.code == "E-BAD-VALUE"]
    assert len(bad) == 1 and (bad[0].location.sheet, bad[0].location.row, bad[0].location.column) == \
        ("Beteiligung", 2, "Datum")
    assert "Frühjahr 2012" in bad[0].hint


# -- lists typed in cells --------------------------------------------------------------------------
def test_lists_typed_in_cells_become_lists_not_dashes(plan):
    _, docx, pdf, _ = plan
    doc = open_docx(str(docx))
    lists = [p.text for p in doc.paragraphs if p.style.name.startswith("List")]
    assert {"ein Runder Tisch", "ein Vielfaltsrat", "für alle", "jeden Tag"} <= set(lists)
    assert not [p.text for p in doc.paragraphs if p.text.startswith("- ")]
    # in a table cell too, the lines are a Word list (numbered, or bullets), the markers gone
    cells = {c.text: c for t in doc.tables for row in t.rows for c in row.cells}
    numbered = cells["Ideen gesammelt\nThemen gewichtet"]
    assert all(p._p.pPr.numPr is not None for p in numbered.paragraphs)
    bullets = cells["Schulungen:\ninterkulturelle Kompetenz\nLeichte Sprache"]
    assert [p.style.name for p in bullets.paragraphs] == ["Table Text", "Table Bullet", "Table Bullet"]
    text = pdf_text(pdf)
    assert "- ein Runder Tisch" not in text and "ein Runder Tisch" in text


# -- nothing silent -----------------------------------------------------------------------------------
def test_an_empty_contact_page_gets_a_placeholder_a_comment_and_a_finding(tmp_path):
    folder = make(tmp_path, stammdaten={"office": "", "contact": "", "email": "", "phone": ""})
    result = build_draft(folder, tmp_path / "out")
    empty = [f for f in result.warnings if f.code == "W-EMPTY-SECTION" and "'Kontakt'" in f.message]
    assert len(empty) == 1 and empty[0].location.sheet == "Stammdaten"
    doc = open_docx(str(result.files[0]))
    lines = docx_lines(result.files[0])
    at = lines.index(("Heading 1", "Kontakt"))
    assert lines[at + 1][0] == "Missing Section" and "Ansprechperson" in lines[at + 1][1]
    assert any("Kontakt" in c.text for c in doc.comments)
    assert "Ansprechperson, E-Mail und Telefon" in re.sub(r"\s+", " ", pdf_text(result.files[1]))


def test_every_example_value_left_in_is_found(tmp_path):
    folder = tmp_path / "muster"
    init_draft("Musterstadt", folder, LAYOUT, today=dt.date(2021, 11, 30))
    findings = check_draft(folder)
    left = {(f.location.sheet, f.location.column) for f in findings if f.code == "W-EXAMPLE-VALUE"}
    assert {("Stammdaten", "Wert")} != left  # each names its entry
    named = {f.message.split("'")[1] for f in findings if f.code == "W-EXAMPLE-VALUE" and f.location.sheet == "Stammdaten"}
    assert {"Landkreis", "Einwohner*innen", "Ansprechperson", "E-Mail", "Telefon", "Verwaltungsspitze (Name)",
            "Verantwortliche Stelle"} <= named
    rows = {f.location.sheet for f in findings if f.code == "W-EXAMPLE-ROW"}
    assert rows == {s.title for s in LAYOUT.sheets if s.layout == "table" and s.key != "texte"}
    # a row that replaced the example but kept one example cell: that cell is named
    book = load_workbook(folder / LAYOUT.file)
    book["Maßnahmen"]["B2"].value = "Unser eigenes Projekt"
    book.save(folder / LAYOUT.file)
    findings = check_draft(folder)
    cells = {(f.location.row, f.location.column) for f in findings
             if f.code == "W-EXAMPLE-VALUE" and f.location.sheet == "Maßnahmen"}
    assert cells == {(2, "Verantwortlich"), (2, "Indikator")}


def test_district_without_population_and_council_without_date_are_printed(tmp_path):
    folder = make(tmp_path, stammdaten={"population": "", "council_decision": "", "council_step": "vorgestellt",
                                        "council": "Ausschuss für Soziales"})
    result = build_draft(folder, tmp_path / "out")
    text = re.sub(r"\s+", " ", pdf_text(result.files[1]))
    assert "Kreis Bergland" in text
    assert "Vorgestellt: Ausschuss für Soziales." in text
    assert "Kreis Bergland" in " ".join(t for _, t in docx_lines(result.files[0]))


def test_an_approximate_decision_date_prints_as_written(tmp_path):
    folder = make(tmp_path, stammdaten={"council_decision": "Frühjahr 2021"})
    result = build_draft(folder, tmp_path / "out")
    assert "Beschluss: Stadtverordnetenversammlung, Frühjahr 2021." in re.sub(r"\s+", " ", pdf_text(result.files[1]))


def test_a_title_that_names_the_town_is_not_followed_by_its_name_again(tmp_path):
    folder = make(tmp_path, stammdaten={"strategy_title": "Talheim für alle"})
    result = build_draft(folder, tmp_path / "out")
    reader = PdfReader(io.BytesIO(result.files[1].read_bytes()))
    assert reader.metadata.title == "Talheim für alle"
    assert "der Stadt Talheim" not in (reader.pages[0].extract_text() or "")
    assert open_docx(str(result.files[0])).core_properties.title == "Talheim für alle"


def test_open_sections_share_pages_instead_of_one_page_each(tmp_path):
    texts = plan_data()["texte"]
    full = build_draft(make(tmp_path, "voll"), tmp_path / "voll-out")
    kept = {k: v if k == "vorwort" else {"number": v["number"]} for k, v in texts.items()
            if k == "vorwort" or isinstance(v, dict)}  # the texts gone, the chapters' numbers kept
    sparse = build_draft(make(tmp_path, "leer", texte=kept,
                              leitlinien=[], evaluation=[], netzwerke=[], ziele=[], bevoelkerung=[]),
                         tmp_path / "leer-out")
    assert sum(f.code == "W-EMPTY-SECTION" for f in sparse.warnings) >= 5
    assert sparse.pages < full.pages


# -- findings people can act on ----------------------------------------------------------------------
def test_one_cause_in_many_rows_is_one_finding_listing_the_rows(tmp_path):
    rows = [{"field": "7.7", "text": f"Maßnahme {n}", "horizon": "kurzfristig"} for n in range(99)]
    folder = make(tmp_path, massnahmen=rows)
    findings = check_draft(folder)
    refs = [f for f in findings if f.code == "E-UNKNOWN-REF"]
    assert len(refs) == 99
    grouped = [f for f in group_findings(findings) if f.code == "E-UNKNOWN-REF"]
    assert len(grouped) == 1 and grouped[0].location.rows == tuple(range(2, 101))
    assert "rows 2–100" in str(grouped[0].location)
    out = CliRunner().invoke(main, ["check", str(folder)]).output
    assert out.count("E-UNKNOWN-REF") == 1 and "rows 2–100" in out


def test_a_warnings_code_starts_with_w_and_an_errors_with_e():
    """Code and level agree everywhere a finding is made (warning("E-…") was possible)."""
    bad = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        bad += [f"{path.name}: {m.group(0)}" for m in re.finditer(r'\bwarning\(\s*"E-[A-Z-]+"|\berror\(\s*"W-[A-Z-]+"'
                                                                    r'|Finding\(\s*"warning",\s*"E-|Finding\(\s*"error",\s*"W-',
                                                                    text)]
    assert bad == []
