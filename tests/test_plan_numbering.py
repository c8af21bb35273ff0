"""A draft's chapters follow the plan's own numbering, and no two headings carry one number.

Michelstadt's plan numbers its fields of action 8 / 8.1 / 8.1.1 and 9 / 9.1 …; they print in the
draft's chapter „Kommunale Handlungsfelder“. Its workbook numbers the draft's later chapters 10,
11, 12 (sheet Texte, column Nr.), so the contents read forwards. Without them the draft's own
chapters 8 and 9 would repeat the plan's numbers: that is refused, naming the cells."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from pipeline.drafts.draft import check_draft, draft_template
from pipeline.drafts.scaffold import init_draft
from pipeline.web.portal.findings_de import german
from tests.test_draft_plan import docx_lines, make, pdf_outline

ROOT = Path(__file__).resolve().parent.parent
MICHELSTADT = ROOT / "inputs" / "kommunen" / "michelstadt"
_, LAYOUT = draft_template()
TEXTS = LAYOUT.by_role("texts")
FIELDS = LAYOUT.by_role("fields")
NUMBER = re.compile(r"(\d+(?:\.\d+)*)\.?\s")  # the number a heading begins with


def numbers(headings: list[str]) -> list[str]:
    return [m.group(1) for m in (NUMBER.match(h) for h in headings) if m]


def column(ws, header: str) -> int:
    return next(c.column for c in ws[1] if str(c.value or "").replace("*", "").strip() == header)


def rows_of(ws, col: int) -> dict[str, int]:
    return {str(ws.cell(row=r, column=col).value or "").strip(): r for r in range(2, ws.max_row + 1)}


def test_michelstadt_carries_each_heading_number_once_in_both_files_and_reads_forwards(samples):
    pdf, docx = samples.file("kommunen/michelstadt", ".pdf"), samples.file("kommunen/michelstadt", ".docx")
    outline = [t for _, t in pdf_outline(pdf)]
    headings = [t for style, t in docx_lines(docx) if style.startswith("Heading")]
    for found in (numbers(outline), numbers(headings)):
        assert len(found) == len(set(found)) > 20, [n for n in found if found.count(n) > 1]
        assert found == sorted(found, key=lambda n: tuple(int(p) for p in n.split(".")))  # 6 → 8 → 9 → 10
    top = [t for level, t in pdf_outline(pdf) if level == 1]
    # the town's numbers and title for the chapters after its fields of action
    assert top[-4:] == ["10. Ziele und Indikatoren je Handlungsfeld", "11. Evaluation und Integrationsmonitoring",
                        "12. Netzwerke und Akteurinnen/Akteure", "Kontakt"]
    assert "Vernetzung und Kooperation (8.1.1)" in outline  # the goals refer to the field, not number a heading
    assert "8.1.1 Vernetzung und Kooperation" in outline and "8.1.1 Vernetzung und Kooperation" in headings


def test_michelstadt_without_its_chapter_numbers_is_refused_naming_sheet_row_and_column(tmp_path):
    folder = tmp_path / "michelstadt"
    shutil.copytree(MICHELSTADT, folder)
    book = load_workbook(folder / LAYOUT.file)
    ws = book[TEXTS.title]
    nr, title = column(ws, "Nr."), column(ws, "Überschrift")
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=nr).value = ws.cell(row=r, column=title).value = None
    book.save(folder / LAYOUT.file)
    sections = rows_of(ws, 1)
    fields = rows_of(book[FIELDS.title], column(book[FIELDS.title], "Nr."))

    findings = check_draft(folder)
    twice = [f for f in findings if f.code == "E-DUPLICATE-NUMBER"]
    assert [(f.location.sheet, f.location.row, f.location.column) for f in twice] == [
        (TEXTS.title, sections["Evaluation und Integrationsmonitoring"], "Nr."),
        (TEXTS.title, sections["Netzwerke und Akteurinnen/Akteure"], "Nr.")]
    assert "'8. Evaluation und Integrationsmonitoring' carries the number 8" in twice[0].message
    assert f"sheet '{FIELDS.title}', row {fields['8']}, column 'Nr.'" in twice[0].message
    assert f"sheet '{FIELDS.title}', row {fields['9']}, column 'Nr.'" in twice[1].message
    assert "10 and 11" in twice[0].hint and "'Nr.'" in twice[0].hint
    backwards = [f for f in findings if f.code == "W-NUMBER-ORDER"]
    assert len(backwards) == 1 and backwards[0].location.row == sections["Ziele und Indikatoren"]
    assert "'7. Ziele und Indikatoren' (7) follows '9.2.4" in backwards[0].message
    # the portal says the same in German, with the headings' own text
    de = german(twice[0])
    assert de.known and de.message.startswith("Die Überschrift „8. Evaluation und Integrationsmonitoring“ trägt "
                                              "die Nummer 8, wie schon „8 Stadtweite Handlungsfelder“.")
    assert "„Nr.“" in de.hint and german(backwards[0]).known and "{" not in german(backwards[0]).message


def test_a_field_numbered_like_an_earlier_chapter_is_named_in_its_sheet(tmp_path):
    folder = make(tmp_path, handlungsfelder=[{"number": "2", "title": "Stadtweite Handlungsfelder"},
                                             {"number": "2.1", "title": "Bildung"}],
                  massnahmen=[{"field": "2.1", "text": "Sprachcafé", "horizon": "kurzfristig"}], ziele=[])
    twice = [f for f in check_draft(folder) if f.code == "E-DUPLICATE-NUMBER"]
    assert len(twice) == 1
    assert (twice[0].location.sheet, twice[0].location.row, twice[0].location.column) == (FIELDS.title, 2, "Nr.")
    assert "'2. Vielfalt und Integration als kommunale Aufgabe'" in twice[0].message


def test_a_markdown_heading_that_repeats_a_fields_number_is_named_by_its_line(tmp_path):
    folder = make(tmp_path)
    (folder / "handlungsfelder.md").write_text("Überblick.\n\n## 8.1 Strukturelle Felder\n\nText.\n", encoding="utf-8")
    twice = [f for f in check_draft(folder) if f.code == "E-DUPLICATE-NUMBER"]
    assert len(twice) == 1  # the text's heading comes first: the field's number is named, and the line
    assert (twice[0].location.sheet, twice[0].location.column) == (FIELDS.title, "Nr.")
    assert "as does '8.1 Strukturelle Felder' (handlungsfelder.md, line 3)" in twice[0].message


def test_a_chapter_number_given_twice_is_refused(tmp_path):
    folder = make(tmp_path)
    book = load_workbook(folder / LAYOUT.file)
    ws = book[TEXTS.title]
    row = ws.max_row + 1
    ws.cell(row=row, column=1).value = "Evaluation und Integrationsmonitoring"
    ws.cell(row=row, column=column(ws, "Nr.")).value = "13"
    book.save(folder / LAYOUT.file)
    twice = [f for f in check_draft(folder) if f.code == "E-DUPLICATE-FIELD"]
    assert len(twice) == 1 and (twice[0].location.row, twice[0].location.column) == (row, "Nr.")


def test_the_new_workbook_offers_chapter_numbers_and_titles_with_instructions(tmp_path):
    init_draft("Musterstadt", tmp_path, LAYOUT, today=dt.date(2021, 1, 1))
    book = load_workbook(tmp_path / LAYOUT.file)
    ws = book[TEXTS.title]
    nr, title = column(ws, "Nr."), column(ws, "Überschrift")
    assert "dieselbe Nummer" in ws.cell(row=1, column=nr).comment.text
    assert ws.cell(row=1, column=title).comment is not None
    assert ws.column_dimensions[ws.cell(row=1, column=nr).column_letter].number_format == "@"  # 8.1 stays text
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.prompt]
    assert any("Nummer des Kapitels" in p for p in prompts)
    assert [ws.cell(row=r, column=1).value for r in range(2, 11)] == [s.title for s in LAYOUT.sections]
    guide = " ".join(str(c.value or "") for row in book["Anleitung"].iter_rows() for c in row)
    assert "„Nr.“ und „Überschrift“" in guide
