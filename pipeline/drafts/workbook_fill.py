"""Fill a scaffolded draft workbook from plain data, as a person would type it in Excel.

Used to make the sample municipalities (tools/make_sample_drafts.py), the benchmark's synthetic
towns and the tests' workbooks, so all of them go through the real scaffold and the real reader.

The data is keyed by each sheet's key as the type's template.yaml names it: a mapping of column
names to values for a sheet of layout `fields`, a list of such mappings (one per row) for a
table sheet, and section id → text (or {text, number, title}) for the sheet whose role is
`texts`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from pipeline.load import german
from pipeline.drafts.scaffold import TEXT_KINDS, fit_row, heading, number_format
from pipeline.drafts.workbook_layout import Layout, Sheet, SheetColumn


def _text(value: object) -> str:
    """An outline or when value as typed into a text cell: 8.1.1, 1, 12.04.2011, Frühjahr 2012."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(col: SheetColumn, value: object) -> object:
    """Dates and numbers as real cells where the data gives them as German text; outline and
    when values as the text a person types (the scaffold made their cells text cells)."""
    if value in ("", None):
        return None
    if col.column.kind in TEXT_KINDS:
        return _text(value)
    parse = {"date": german.parse_date, "number": german.parse_number}.get(col.column.kind)
    if parse and isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            return value  # kept as typed: the reader reports it
    return value


def _cell_value(value: object) -> object:
    return float(value) if hasattr(value, "as_tuple") else value  # Decimal → float for openpyxl


def _put(cell, col: SheetColumn, value: object) -> None:
    cell.value = _cell_value(_value(col, value))
    if col.column.kind in TEXT_KINDS and cell.value is not None:
        cell.number_format = number_format(col)  # as Excel gives a typed cell its column's format


def _fill_fields(ws, sheet: Sheet, values: dict) -> None:
    rows = {str(ws.cell(row=r, column=1).value or ""): r for r in range(2, ws.max_row + 1)}
    for col in sheet.columns:
        if col.name in values:
            _put(ws.cell(row=rows[heading(col)], column=2), col, values[col.name])


def _fill_rows(ws, sheet: Sheet, rows: list[dict]) -> None:
    # .value = …, not cell(value=…): openpyxl ignores value=None there, and the example row must go
    # (its grey italics are a conditional format of the example value: they go with it)
    for c in range(1, len(sheet.columns) + 1):
        ws.cell(row=2, column=c).value = None
    widths = [c.width for c in sheet.columns]
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            _put(ws.cell(row=r, column=c), col, row.get(col.name))
        fit_row(ws, r, widths)


def _fill_texts(ws, layout: Layout, texts: dict[str, str | dict]) -> None:
    """Section id → its text, or a mapping of the sheet's columns (text, number, title)."""
    sheet = layout.by_role("texts")
    by_title = {str(ws.cell(row=r, column=1).value or ""): r for r in range(2, ws.max_row + 1)}
    for section in layout.sections:
        if section.id in texts:
            given = texts[section.id]
            values = given if isinstance(given, dict) else {"text": given}
            for c, col in enumerate(sheet.columns, start=1):
                if col.name in values:
                    _put(ws.cell(row=by_title[section.title], column=c), col, values[col.name])
            fit_row(ws, by_title[section.title], [c.width for c in sheet.columns])


def fill_workbook(path: Path, layout: Layout, data: dict) -> None:
    """Write DATA into the workbook at PATH (made by init_draft). Sheets not named in DATA keep
    their example row; a sheet given as [] is emptied."""
    book = load_workbook(path)
    for sheet in layout.sheets:
        if sheet.key not in data:
            continue
        ws = book[sheet.title]
        if sheet.layout == "fields":
            _fill_fields(ws, sheet, data[sheet.key])
        elif sheet.role == "texts":
            _fill_texts(ws, layout, data[sheet.key])
        else:
            _fill_rows(ws, sheet, data[sheet.key])
    book.save(path)

