"""`brochure init-draft`: write a municipality's empty workbook from the layout in template.yaml.

The workbook explains itself: an instructions sheet in plain German, bold headings with the
required ones marked *, a help comment on each heading, drop-downs for fixed values (from a
hidden sheet, as Excel limits inline lists to 255 characters) and one example row per sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import german
from .workbook_layout import Layout, Sheet, SheetColumn

LISTS_SHEET = "Auswahllisten"
ROWS = 500  # rows that get drop-downs and validation
HEAD_FILL = PatternFill("solid", fgColor="00586F")
HEAD_FONT = Font(bold=True, color="FFFFFF")
EXAMPLE_FONT = Font(italic=True, color="5A6670")
WRAP = Alignment(wrap_text=True, vertical="top")
FIELD_HEADERS = ("Angabe", "Wert", "Hinweis")


def heading(col: SheetColumn) -> str:
    return col.header + (" *" if col.column.required else "")


def example_value(col: SheetColumn) -> object:
    """A column's example as the cell holds it: a date or number where the column has one."""
    value = col.example
    if value in ("", None):
        return None
    if col.column.kind == "date":
        return german.parse_date(value)
    if col.column.kind == "number":
        return german.parse_number(value)
    return value


def _example(col: SheetColumn, municipality: str, today: dt.date) -> object:
    if col.name == "municipality":
        return municipality
    if col.name == "as_of" and col.column.kind == "date" and not col.example:
        return today
    return example_value(col)


def fit_row(ws: Worksheet, row: int, widths: list[int]) -> None:
    """Give a row the height its wrapped text needs: LibreOffice keeps a stored height rather
    than measuring, and Excel does not widen rows that were written by a program."""
    lines = 1
    for col, width in enumerate(widths, start=1):
        value = ws.cell(row=row, column=col).value
        if value is not None:
            text = str(value)
            lines = max(lines, sum(1 + len(part) // max(width - 2, 4) for part in text.split("\n")))
    ws.row_dimensions[row].height = min(15 * lines, 409)  # 409 points: Excel's highest row


def _format(cell, col: SheetColumn) -> None:
    cell.alignment = WRAP
    if col.column.kind == "date":
        cell.number_format = "DD.MM.YYYY"


class _Lists:
    """Fixed values live in one hidden sheet; each drop-down points at its column there."""

    def __init__(self, book: Workbook):
        self.ws = book.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, values: tuple[str, ...], name: str) -> str:
        if values not in self.ranges:
            col = len(self.ranges) + 1
            letter = get_column_letter(col)
            self.ws.cell(row=1, column=col, value=name)
            for n, v in enumerate(values, start=2):
                self.ws.cell(row=n, column=col, value=v)
            self.ranges[values] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[values]


def _validation(col: SheetColumn, layout: Layout, lists: _Lists) -> DataValidation | None:
    kind = col.column.kind
    if col.list and col.list != "sections":
        sheet_key, column = col.list.split(".")
        source = layout.sheet(sheet_key)
        index = [c.name for c in source.columns].index(column) + 1
        letter = get_column_letter(index)
        dv = DataValidation(type="list", formula1=f"{quote_sheetname(source.title)}!${letter}$2:${letter}${ROWS}",
                            allow_blank=True)
        dv.error = f"Bitte eine Nummer aus dem Blatt „{source.title}“ wählen."
    elif col.column.choices:
        dv = DataValidation(type="list", formula1=lists.range_for(col.column.choices, col.header), allow_blank=True)
        dv.error = "Bitte einen Wert aus der Liste wählen."
    elif kind == "number":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Bitte eine Zahl eintragen, z. B. 12500 oder 42,5."
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.error = "Bitte ein Datum eintragen, z. B. 31.12.2019."
    else:
        return None
    dv.errorTitle = col.header
    dv.showErrorMessage = True
    if col.help:
        dv.promptTitle = col.header[:32]
        dv.prompt = col.help[:255]
        dv.showInputMessage = True
    return dv


def _table_sheet(ws: Worksheet, sheet: Sheet, layout: Layout, lists: _Lists, municipality: str,
                 today: dt.date, sections: list[str]) -> None:
    for n, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=n, value=heading(col))
        cell.font, cell.fill, cell.alignment = HEAD_FONT, HEAD_FILL, WRAP
        if col.help:
            cell.comment = Comment(col.help, "Vorlage", width=260, height=90)
        dim = ws.column_dimensions[get_column_letter(n)]
        dim.width = col.width
        dim.alignment = WRAP  # every row wraps, not only the ones the scaffold writes
        dv = _validation(col, layout, lists)
        if dv:
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(n)}2:{get_column_letter(n)}{ROWS}")
        for r in range(2, 4):
            _format(ws.cell(row=r, column=n), col)
    ws.freeze_panes = "A2"
    widths = [c.width for c in sheet.columns]
    fit_row(ws, 1, widths)
    if sheet.key == "texte":
        # One row per section, so a writer sees where each text goes.
        for r, title in enumerate(sections, start=2):
            ws.cell(row=r, column=1, value=title).alignment = WRAP
            ws.cell(row=r, column=2).alignment = WRAP
            fit_row(ws, r, widths)
        return
    for n, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=2, column=n, value=_example(col, municipality, today))
        cell.font = EXAMPLE_FONT
    fit_row(ws, 2, widths)


def _fields_sheet(ws: Worksheet, sheet: Sheet, layout: Layout, lists: _Lists, municipality: str,
                  today: dt.date) -> None:
    for n, (title, width) in enumerate(zip(FIELD_HEADERS, (30, 40, 60)), start=1):
        cell = ws.cell(row=1, column=n, value=title)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        ws.column_dimensions[get_column_letter(n)].width = width
    for r, col in enumerate(sheet.columns, start=2):
        ws.cell(row=r, column=1, value=heading(col)).font = Font(bold=True)
        value = ws.cell(row=r, column=2, value=_example(col, municipality, today))
        _format(value, col)
        ws.cell(row=r, column=3, value=col.help).alignment = WRAP
        fit_row(ws, r, [30, 40, 60])
        dv = _validation(col, layout, lists)
        if dv:
            ws.add_data_validation(dv)
            dv.add(f"B{r}")
    ws.freeze_panes = "A2"


def _instructions(ws: Worksheet, layout: Layout, municipality: str) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    ws.cell(row=1, column=1, value=f"{layout.title}: {municipality}").font = Font(bold=True, size=14)
    row = 3
    for n, line in enumerate(layout.instructions):
        cell = ws.cell(row=row, column=1 if n == 0 else 2, value=line)
        if n == 0:
            cell.font = Font(bold=True, size=12)  # a heading, running on over the empty column B
        else:
            cell.alignment = WRAP
            fit_row(ws, row, [28, 100])
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Kapitel des Entwurfs").font = Font(bold=True, size=12)
    row += 1
    for n, section in enumerate(layout.sections, start=1):
        ws.cell(row=row, column=1, value=f"{n}. {section.title}").alignment = WRAP
        ws.cell(row=row, column=2, value=f"{section.hint} Eigene Textdatei: {section.file}").alignment = WRAP
        fit_row(ws, row, [28, 100])
        row += 1


def _print_setup(ws: Worksheet) -> None:
    """Printed, each sheet is landscape, one page wide, with its heading row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if ws.title != "Anleitung":
        ws.print_title_rows = "1:1"


def init_draft(municipality: str, folder: Path, layout: Layout, today: dt.date | None = None) -> Path:
    """Write FOLDER/<workbook> for MUNICIPALITY; refuses to overwrite an existing workbook."""
    path = folder / layout.file
    if path.exists():
        raise FileExistsError(path)
    today = today or dt.date.today()
    book = Workbook()
    _instructions(book.active, layout, municipality)
    book.active.title = "Anleitung"
    lists = _Lists(book)
    sections = [s.title for s in layout.sections]
    for sheet in layout.sheets:
        ws = book.create_sheet(sheet.title)
        if sheet.layout == "fields":
            _fields_sheet(ws, sheet, layout, lists, municipality, today)
        else:
            _table_sheet(ws, sheet, layout, lists, municipality, today, sections)
    for ws in book.worksheets:
        _print_setup(ws)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))  # hidden, last
    folder.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
