"""Fill a scaffolded draft workbook from plain data, as a person would type it in Excel.

Used to make the sample municipalities (tools/make_sample_drafts.py), the benchmark's synthetic
towns and the tests' workbooks, so all of them go through the real scaffold and the real reader.

    data = {"stammdaten": {"municipality": "Musterstadt", "population": 25000, …},
            "handlungsfelder": [{"number": 1, "title": "Sprache und Bildung", …}, …],
            "texte": {"vorwort": "Absatz eins\\nAbsatz zwei", …}}
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Font

from . import german
from .scaffold import fit_row, heading
from .workbook_layout import Layout, Sheet, SheetColumn


def _value(col: SheetColumn, value: object) -> object:
    """Dates and numbers as real cells where the data gives them as German text."""
    if value in ("", None):
        return None
    parse = {"date": german.parse_date, "number": german.parse_number}.get(col.column.kind)
    if parse and isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            return value  # kept as typed: the reader reports it
    return value


def _cell_value(value: object) -> object:
    return float(value) if hasattr(value, "as_tuple") else value  # Decimal → float for openpyxl


def _fill_fields(ws, sheet: Sheet, values: dict) -> None:
    rows = {str(ws.cell(row=r, column=1).value or ""): r for r in range(2, ws.max_row + 1)}
    for col in sheet.columns:
        if col.name in values:
            ws.cell(row=rows[heading(col)], column=2).value = _cell_value(_value(col, values[col.name]))


def _fill_rows(ws, sheet: Sheet, rows: list[dict]) -> None:
    # .value = …, not cell(value=…): openpyxl ignores value=None there, and the example row must go
    for c in range(1, len(sheet.columns) + 1):
        ws.cell(row=2, column=c).value = None
        ws.cell(row=2, column=c).font = Font()  # the example's grey italics go with it
    widths = [c.width for c in sheet.columns]
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            ws.cell(row=r, column=c).value = _cell_value(_value(col, row.get(col.name)))
        fit_row(ws, r, widths)


def _fill_texts(ws, layout: Layout, texts: dict[str, str]) -> None:
    by_title = {str(ws.cell(row=r, column=1).value or ""): r for r in range(2, ws.max_row + 1)}
    for section in layout.sections:
        if section.id in texts:
            ws.cell(row=by_title[section.title], column=2).value = texts[section.id]
            fit_row(ws, by_title[section.title], [c.width for c in layout.sheet("texte").columns])


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
        elif sheet.key == "texte":
            _fill_texts(ws, layout, data[sheet.key])
        else:
            _fill_rows(ws, sheet, data[sheet.key])
    book.save(path)

