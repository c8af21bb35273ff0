"""The draft workbook as `brochure init-draft` writes it and `workbook_fill` fills it, read back
with openpyxl (and, where installed, recomputed by LibreOffice): text cells for field numbers
(8.1.1) and dates as written, drop-downs showing „number – title“, and the example row's grey
italics as a conditional format that goes as soon as a cell holds something else."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from pipeline.load.edition import load_template
from pipeline.drafts.scaffold import LISTS_SHEET, ROWS, example_rule, example_value, init_draft
from pipeline.load import outline
from pipeline.load.sheets import read_workbook
from pipeline.drafts.workbook_fill import fill_workbook
from pipeline.drafts.workbook_layout import parse_layout
import office

LAYOUT = parse_layout(load_template("strategie").raw, "templates/strategie/template.yaml")
TODAY = dt.date(2024, 5, 6)
GREY = "5A6670"
EXCEL_TEXT = "@"  # Excel's number format 'Text': what is typed stays a string (8.1.1 is no date)


@pytest.fixture
def workbook(tmp_path) -> Path:
    return init_draft("Neu-Übach", tmp_path / "neu-uebach", LAYOUT, today=TODAY)


def letter(sheet_key: str, name: str) -> str:
    names = [c.name for c in LAYOUT.sheet(sheet_key).columns]
    return get_column_letter(names.index(name) + 1)


def validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def rules(ws) -> dict[str, list]:
    return {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}


def matches(rule, cell) -> bool:
    """Evaluate an example rule 'B2=<constant>' against CELL, as Excel would for these constants."""
    (formula,) = rule.formula
    target, constant = formula.split("=", 1)
    assert target == cell.coordinate
    value = cell.value
    if constant.startswith('"'):
        parts = re.findall(r'"((?:[^"]|"")*)"|(CHAR\(10\))', constant)
        text = "".join("\n" if char else piece.replace('""', '"') for piece, char in parts)
        return isinstance(value, str) and value.casefold() == text.casefold()
    date = re.fullmatch(r"DATE\((\d+),(\d+),(\d+)\)", constant)
    if date:
        day = value.date() if isinstance(value, dt.datetime) else value
        return day == dt.date(*map(int, date.groups()))
    return isinstance(value, (int, float)) and Decimal(repr(value)) == Decimal(constant)


def plain(cell) -> bool:
    """The cell's own font is the normal one: not italic, not the example's grey."""
    color = cell.font.color
    return not cell.font.i and (color is None or not str(color.rgb).endswith(GREY))


def text_columns():
    return [(s, c) for s in LAYOUT.sheets if s.layout == "table" for c in s.columns
            if c.column.kind in ("outline", "when")]


# -- text cells -----------------------------------------------------------------------------
def test_outline_and_when_columns_are_text_cells_without_number_or_date_validation(workbook):
    book = load_workbook(workbook)
    assert {(s.key, c.name) for s, c in text_columns()} >= {
        ("handlungsfelder", "number"), ("ziele", "field"), ("massnahmen", "field"), ("beteiligung", "date")}
    for sheet, col in text_columns():
        ws = book[sheet.title]
        column = letter(sheet.key, col.name)
        assert ws.column_dimensions[column].number_format == EXCEL_TEXT, (sheet.title, column)
        for row in (2, 3):  # the cells the scaffold writes; every later row has the column's format
            assert ws[f"{column}{row}"].number_format == EXCEL_TEXT, (sheet.title, column, row)
        dv = validations(ws).get(f"{column}2:{column}{ROWS}")
        assert dv is None or dv.type in (None, "list"), (sheet.title, column, dv.type)
    # the example of a field number is the text "1", not the number 1
    assert book["Handlungsfelder"]["A2"].value == "1" and book["Handlungsfelder"]["A2"].data_type == "s"
    assert book["Beteiligung"]["A2"].value == "12.03.2019"  # not turned into a date
    tip = validations(book["Beteiligung"])[f"A2:A{ROWS}"]
    assert tip.type is None and "Frühjahr 2012" in tip.prompt  # the help stays, with no check

    base = book["Stammdaten"]
    rows = {base.cell(row=r, column=1).value: r for r in range(2, base.max_row + 1)}
    decision = rows["Beschluss vom"]
    assert base[f"B{decision}"].number_format == EXCEL_TEXT
    assert validations(base)[f"B{decision}"].type is None
    # date and number kinds keep their formats and checks
    stand = rows["Stand"]
    assert base[f"B{stand}"].number_format == "DD.MM.YYYY" and validations(base)[f"B{stand}"].type == "date"
    assert validations(base)[f"B{rows['Einwohner*innen']}"].type == "decimal"
    people = book["Bevölkerung"]
    assert people["E2"].number_format == "DD.MM.YYYY" and people.column_dimensions["E"].number_format == "DD.MM.YYYY"
    assert validations(people)[f"C2:C{ROWS}"].type == "decimal"
    assert validations(people)[f"E2:E{ROWS}"].type == "date"


# -- the drop-down of field numbers -----------------------------------------------------------
def test_field_dropdown_points_at_number_and_title_formulas_in_the_list_sheet(workbook):
    book = load_workbook(workbook)
    number, title = letter("handlungsfelder", "number"), letter("handlungsfelder", "title")
    formulas = {}
    for key in ("ziele", "massnahmen"):
        sheet = LAYOUT.sheet(key)
        column = letter(key, "field")
        dv = validations(book[sheet.title])[f"{column}2:{column}{ROWS}"]
        assert dv.type == "list" and dv.errorStyle == "warning"  # the number alone is fine too
        target = re.fullmatch(rf"'?{LISTS_SHEET}'?!\$([A-Z]+)\$2:\$\1\${ROWS}", dv.formula1)
        assert target, dv.formula1
        formulas[key] = target.group(1)
    assert formulas["ziele"] == formulas["massnahmen"]  # one list for both sheets
    lists = book[LISTS_SHEET]
    entries = [lists[f"{formulas['ziele']}{r}"].value for r in range(2, ROWS + 1)]
    assert len(entries) == ROWS - 1 and all(str(e).startswith("=IF(") for e in entries)
    joins = set()
    for r in (2, 3, ROWS):
        entry = lists[f"{formulas['ziele']}{r}"].value
        assert f"Handlungsfelder'!${number}{r}" in entry and f"Handlungsfelder'!${title}{r}" in entry
        joins |= set(re.findall(rf'\${number}{r}&"([^"]*)"&', entry))  # what stands between number and title
    assert lists[f"{formulas['ziele']}{ROWS + 1}"].value is None
    assert len(joins) == 1, joins
    separator = joins.pop()
    assert separator.strip(), "a visible separator between number and title"
    # what a municipality picks from the list is read back as the number alone, whatever the title holds
    for number_text, title_text in (("8.1.1", "Sprache und Bildung"), ("3", "2. Chance – Arbeit"), ("12", "")):
        picked = f"{number_text}{separator}{title_text}" if title_text else number_text
        assert outline.parse(picked) == number_text, picked


def _calc_available(tmp_path: Path) -> str | None:
    """Why LibreOffice cannot recompute a workbook here, or None if it can."""
    if office.soffice_missing():
        return office.soffice_missing()
    probe = tmp_path / "probe.xlsx"
    book = Workbook()
    book.active["A1"] = "x"
    book.save(probe)
    if office.convert(probe, "xlsx", tmp_path / "probe-out") is None:
        return "LibreOffice cannot open .xlsx files here: Calc (libreoffice-calc) is not installed"
    return None


def test_libreoffice_computes_the_dropdown_entries_as_number_and_title(workbook, tmp_path):
    reason = _calc_available(tmp_path)
    if reason:
        pytest.skip(reason)
    fill_workbook(workbook, LAYOUT, {"handlungsfelder": [
        {"number": "1", "title": "Bildung und Sprache"},
        {"number": "8.1.1", "title": "Sprache und Bildung"},
        {"number": "3"},  # no title yet: the number alone
    ]})
    out = office.convert(workbook, "xlsx", tmp_path / "recomputed")
    assert out is not None, "LibreOffice did not convert the workbook"
    values = load_workbook(out, data_only=True)
    column = re.search(r"\$([A-Z]+)\$2", validations(values["Ziele"])[f"A2:A{ROWS}"].formula1).group(1)
    entries = [values[LISTS_SHEET][f"{column}{r}"].value for r in range(2, 7)]
    assert entries[:3] == ["1 – Bildung und Sprache", "8.1.1 – Sprache und Bildung", "3"]
    assert all(e in (None, "") for e in entries[3:])
    # the drop-downs survive LibreOffice, and the typed numbers stay text
    assert LISTS_SHEET in validations(values["Maßnahmen"])[f"A2:A{ROWS}"].formula1
    assert [values["Handlungsfelder"][f"A{r}"].value for r in (2, 3, 4)] == ["1", "8.1.1", "3"]


# -- the example row --------------------------------------------------------------------------
def test_example_style_is_a_conditional_format_of_the_example_value(workbook):
    book = load_workbook(workbook)
    measures = book["Maßnahmen"]
    (rule,) = rules(measures)["B2"]
    assert rule.type == "expression" and rule.formula == ['B2="Sprachcafé in der Stadtbücherei"']
    assert rule.dxf.font.i and rule.dxf.font.color.rgb.endswith(GREY)
    assert matches(rule, measures["B2"])
    for sheet in LAYOUT.sheets:
        if sheet.layout != "table" or sheet.key == "texte":
            continue
        ws = book[sheet.title]
        for n, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=2, column=n)
            assert plain(cell), (sheet.title, cell.coordinate)  # no font on the cell
            if example_value(col) is None:
                assert cell.coordinate not in rules(ws)
                continue
            (rule,) = rules(ws)[cell.coordinate]
            assert matches(rule, cell), (sheet.title, rule.formula)
    people = book["Bevölkerung"]  # numbers as numbers, dates as DATE(y,m,d)
    assert rules(people)["C2"][0].formula == ["C2=18.5"]
    assert rules(people)["E2"][0].formula == ["E2=DATE(2019,12,31)"]
    assert not rules(book["Texte"])  # no example row there

    base = book["Stammdaten"]
    rows = {base.cell(row=r, column=1).value: r for r in range(2, base.max_row + 1)}
    office = f"B{rows['Verantwortliche Stelle']}"
    assert rules(base)[office][0].formula == [f'{office}="Fachbereich Soziales, Integrationsbüro"']
    assert rules(base)[f"B{rows['Einwohner*innen']}"][0].formula == [f"B{rows['Einwohner*innen']}=25000"]
    # the town's own name and today's date are not examples
    assert base[f"B{rows['Kommune *']}"].value == "Neu-Übach" and f"B{rows['Kommune *']}" not in rules(base)
    assert f"B{rows['Stand']}" not in rules(base)


def test_example_rule_quotes_text_for_excel():
    assert example_rule("C4", 'Der „Runde Tisch“ sagt "Ja"').formula == ['C4="Der „Runde Tisch“ sagt ""Ja"""']
    assert example_rule("A2", "zwei\nZeilen").formula == ['A2="zwei"&CHAR(10)&"Zeilen"']
    long = example_rule("A2", "x" * 300).formula[0]
    assert long == 'A2="' + "x" * 255 + '"&"' + "x" * 45 + '"'  # Excel's string constants end at 255
    assert example_rule("A2", Decimal("42.5")).formula == ["A2=42.5"]
    assert example_rule("A2", dt.date(2011, 4, 12)).formula == ["A2=DATE(2011,4,12)"]
    assert example_rule("A2", "") is None and example_rule("A2", None) is None


def test_example_style_goes_when_the_example_is_overwritten(workbook):
    fill_workbook(workbook, LAYOUT, {
        "massnahmen": [{"field": "1", "text": "Lesepatenschaften", "horizon": "mittelfristig"}],
        "bevoelkerung": [{"group": "Altersgruppe", "label": "unter 18 Jahre", "value": "19,5", "as_of": "31.12.2021"}],
        "stammdaten": {"office": "Integrationsbüro"},
    })
    book = load_workbook(workbook)
    measures = book["Maßnahmen"]
    (rule,) = rules(measures)["B2"]
    assert rule.formula == ['B2="Sprachcafé in der Stadtbücherei"']  # the rule stays …
    assert measures["B2"].value == "Lesepatenschaften" and not matches(rule, measures["B2"])  # … and no longer applies
    assert plain(measures["B2"])  # the cell's own font is normal
    assert measures["D2"].value is None and not matches(rules(measures)["D2"][0], measures["D2"])
    (horizon,) = rules(measures)["C2"]
    assert not matches(horizon, measures["C2"])  # kurzfristig → mittelfristig
    people = book["Bevölkerung"]
    assert not matches(rules(people)["C2"][0], people["C2"])  # 18.5 → 19.5
    assert not matches(rules(people)["E2"][0], people["E2"])  # 31.12.2019 → 31.12.2021
    assert matches(rules(people)["B2"][0], people["B2"])  # the same text as the example: still grey
    base = book["Stammdaten"]
    rows = {base.cell(row=r, column=1).value: r for r in range(2, base.max_row + 1)}
    office = base[f"B{rows['Verantwortliche Stelle']}"]
    assert office.value == "Integrationsbüro" and not matches(rules(base)[office.coordinate][0], office)


# -- workbook_fill ----------------------------------------------------------------------------
def test_filled_workbook_keeps_outline_and_when_values_as_text(workbook):
    fill_workbook(workbook, LAYOUT, {
        "handlungsfelder": [{"number": "8.1.1", "title": "Sprache und Bildung"},
                            {"number": 1, "title": "Arbeit"},
                            {"number": "8.10", "title": "Wohnen"}],
        "ziele": [{"field": "8.1.1", "level": "operatives Ziel", "text": "Mehr Sprachkurse"}],
        "beteiligung": [{"date": dt.date(2011, 4, 12), "format": "Auftakt"},
                        {"date": "5./6. Februar 2010", "format": "Klausur"},
                        {"date": "Frühjahr 2012", "format": "Werkstatt"},
                        {"date": "2010–2013", "format": "Runder Tisch"}],
        "stammdaten": {"council_decision": "April 2011"},
    })
    book = load_workbook(workbook)
    fields = book["Handlungsfelder"]
    assert [fields[f"A{r}"].value for r in (2, 3, 4)] == ["8.1.1", "1", "8.10"]
    assert all(fields[f"A{r}"].data_type == "s" and fields[f"A{r}"].number_format == EXCEL_TEXT for r in (2, 3, 4))
    assert book["Ziele"]["A2"].value == "8.1.1"
    dates = book["Beteiligung"]
    assert [dates[f"A{r}"].value for r in range(2, 6)] == ["12.04.2011", "5./6. Februar 2010", "Frühjahr 2012",
                                                           "2010–2013"]
    assert dates["A5"].number_format == EXCEL_TEXT  # a row the scaffold did not format
    base = book["Stammdaten"]
    rows = {base.cell(row=r, column=1).value: r for r in range(2, base.max_row + 1)}
    assert base[f"B{rows['Beschluss vom']}"].value == "April 2011"
    # the raw sheet reader (no kinds applied) sees the text as typed
    tables = read_workbook(workbook, workbook.parent)
    rows_read = tables["Handlungsfelder"].rows
    assert [r.values["Nr. *"] for r in rows_read] == ["8.1.1", "1", "8.10"]


@pytest.mark.parametrize("role, message, at", [("stammdaten", "role 'stammdaten' is unknown; use one of: master", 1),
                                               ("texts", "two sheets have the role 'texts'", 10)])
def test_a_sheet_role_the_engine_does_not_know_or_a_doubled_one_is_a_template_error(role, message, at):
    import copy
    from pipeline.errors import InputError
    raw = copy.deepcopy(load_template("strategie").raw)
    raw["workbook"]["sheets"][0]["role"] = role  # the master data sheet
    with pytest.raises(InputError) as caught:
        parse_layout(raw, "templates/strategie/template.yaml")
    finding = caught.value.findings[0]
    assert finding.code == "E-TEMPLATE" and finding.location.column == f"workbook.sheets[{at}].role"
    assert message in finding.message


def test_the_engine_reads_sheets_by_role_so_a_type_may_rename_them():
    import copy
    raw = copy.deepcopy(load_template("strategie").raw)
    for sheet in raw["workbook"]["sheets"]:
        sheet["key"] = "t_" + sheet["key"]
        for col in sheet.get("columns") or []:
            if str(col.get("list", "")).count("."):
                col["list"] = "t_" + col["list"]
    layout = parse_layout(raw, "x.yaml")
    assert layout.key("measures") == "t_massnahmen" and layout.by_role("texts").title == "Texte"
    assert layout.key("fields") == "t_" + LAYOUT.key("fields")
