"""`brochure init-draft`: write a municipality's empty workbook from the layout in template.yaml.

The workbook explains itself: an instructions sheet in plain German, bold headings with the
required ones marked *, a help comment on each heading, drop-downs for fixed values (from a
hidden sheet, as Excel limits inline lists to 255 characters) and one example row per sheet.

Numbers of fields of action (kind `outline`: 3, 8.1.1) and dates as people write them (kind
`when`: „Frühjahr 2012“) are text cells, so German Excel cannot turn 8.1.1 into 08.01.2001. The
example row is grey italic by a conditional format, only while a cell still holds its example.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.load import german
from pipeline.load.outline import LIST_SEPARATOR  # a drop-down entry „8.1.1 – Sprache und Bildung“
from pipeline.drafts.workbook_layout import Layout, Sheet, SheetColumn

LISTS_SHEET = "Auswahllisten"
ROWS = 500  # rows that get drop-downs and validation
TEXT_KINDS = ("outline", "when")  # text cells: Excel would read 8.1.1 or „April 2011“ as a date
TEXT_FORMAT = "@"
DATE_FORMAT = "DD.MM.YYYY"
HEAD_FILL = PatternFill("solid", fgColor="00586F")
HEAD_FONT = Font(bold=True, color="FFFFFF")
EXAMPLE_FONT = Font(italic=True, color="5A6670")
WRAP = Alignment(wrap_text=True, vertical="top")
FIELD_HEADERS = ("Angabe", "Wert", "Hinweis")


def heading(col: SheetColumn) -> str:
    return col.header + (" *" if col.column.required else "")


def example_value(col: SheetColumn) -> object:
    """A column's example as the cell holds it: a date or number where the column has one, text
    in an outline or when column (the example 1 of a field number is the text "1")."""
    value = col.example
    if value in ("", None):
        return None
    if col.column.kind in TEXT_KINDS:
        return str(value)
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


def number_format(col: SheetColumn) -> str | None:
    """The cell format a column's kind needs: text for outline and when, German dates for date."""
    if col.column.kind in TEXT_KINDS:
        return TEXT_FORMAT
    if col.column.kind == "date":
        return DATE_FORMAT
    return None


def _format(cell, col: SheetColumn) -> None:
    cell.alignment = WRAP
    if number_format(col):
        cell.number_format = number_format(col)


def _literal(value: object) -> str | None:
    """VALUE as a constant in a formula: numbers as numbers, dates as DATE(y,m,d), text quoted
    (quotes doubled, in pieces of at most 255 characters, Excel's limit for a string constant)."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"DATE({value.year},{value.month},{value.day})"
    if isinstance(value, (int, float)) or hasattr(value, "as_tuple"):  # Decimal
        return format(value, "f") if hasattr(value, "as_tuple") else repr(value)
    text = str(value)
    parts = []
    for n, line in enumerate(text.split("\n")):
        if n:
            parts.append("CHAR(10)")
        parts.extend('"' + line[i:i + 255].replace('"', '""') + '"' for i in range(0, max(len(line), 1), 255))
    return "&".join(p for p in parts if p != '""') or '""'


def example_rule(coordinate: str, value: object) -> FormulaRule | None:
    """Grey italics for the cell at COORDINATE while it holds VALUE, its example; a cell typed
    over keeps no trace of them, unlike a font set on the cell."""
    literal = _literal(value)
    if literal is None:
        return None
    return FormulaRule(formula=[f"{coordinate}={literal}"], font=EXAMPLE_FONT)


def _mark_example(ws: Worksheet, cell, value: object) -> None:
    rule = example_rule(cell.coordinate, value)
    if rule is not None:
        ws.conditional_formatting.add(cell.coordinate, rule)


class _Lists:
    """Fixed values live in one hidden sheet; each drop-down points at its column there."""

    def __init__(self, book: Workbook):
        self.ws = book.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.ranges: dict[object, str] = {}

    def _column(self, key: object, name: str) -> tuple[int, str] | None:
        if key in self.ranges:
            return None
        col = len(self.ranges) + 1
        self.ws.cell(row=1, column=col, value=name)
        return col, get_column_letter(col)

    def range_for(self, values: tuple[str, ...], name: str) -> str:
        new = self._column(values, name)
        if new:
            col, letter = new
            for n, v in enumerate(values, start=2):
                self.ws.cell(row=n, column=col, value=v)
            self.ranges[values] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[values]

    def entries_for(self, source: Sheet, number: str, name: str) -> str:
        """The range of drop-down entries „number – title“ for the rows of SOURCE: one formula
        per row (2 … ROWS), so the list follows what the user types there. A row without a
        number gives an empty entry; without a title, the number alone."""
        names = [c.name for c in source.columns]
        sheet = quote_sheetname(source.title)
        key = (source.key, number)
        new = self._column(key, name)
        if new:
            col, letter = new
            num = f"{sheet}!${get_column_letter(names.index(number) + 1)}"
            title = f"{sheet}!${get_column_letter(names.index('title') + 1)}" if "title" in names else None
            for r in range(2, ROWS + 1):
                entry = (f'IF({title}{r}="",{num}{r},{num}{r}&"{LIST_SEPARATOR}"&{title}{r})' if title
                         else f"{num}{r}")
                self.ws.cell(row=r, column=col, value=f'=IF({num}{r}="","",{entry})')
            self.ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${ROWS}"
        return self.ranges[key]


def _validation(col: SheetColumn, layout: Layout, lists: _Lists) -> DataValidation | None:
    kind = col.column.kind
    if col.list and col.list != "sections":
        sheet_key, column = col.list.split(".")
        source = layout.sheet(sheet_key)
        dv = DataValidation(type="list", formula1=lists.entries_for(source, column, col.header), allow_blank=True)
        # a warning, not a stop: the number alone (8.1.1) is as good as „8.1.1 – Sprache und Bildung“
        dv.errorStyle = "warning"
        dv.error = (f"Bitte ein Handlungsfeld aus dem Blatt „{source.title}“ wählen "
                    "oder seine Nummer eintragen, so wie sie dort steht.")
    elif col.column.choices:
        dv = DataValidation(type="list", formula1=lists.range_for(col.column.choices, col.header), allow_blank=True)
        dv.error = "Bitte einen Wert aus der Liste wählen."
    elif kind == "number":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "Bitte eine Zahl eintragen, z. B. 12500 oder 42,5."
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.error = "Bitte ein Datum eintragen, z. B. 31.12.2019."
    elif kind in TEXT_KINDS and col.help:
        dv = DataValidation(allow_blank=True)  # any value: only the tip when the cell is selected
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
        if number_format(col):
            dim.number_format = number_format(col)  # every row, too: a cell typed in row 40 stays text
        dv = _validation(col, layout, lists)
        if dv:
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(n)}2:{get_column_letter(n)}{ROWS}")
        for r in range(2, 4):
            _format(ws.cell(row=r, column=n), col)
    ws.freeze_panes = "A2"
    widths = [c.width for c in sheet.columns]
    fit_row(ws, 1, widths)
    if sheet.role == "texts":
        # One row per section, so a writer sees where each text goes.
        for r, title in enumerate(sections, start=2):
            ws.cell(row=r, column=1, value=title).alignment = WRAP
            for c in range(2, len(sheet.columns) + 1):
                ws.cell(row=r, column=c).alignment = WRAP
            fit_row(ws, r, widths)
        return
    for n, col in enumerate(sheet.columns, start=1):
        value = _example(col, municipality, today)
        cell = ws.cell(row=2, column=n, value=value)
        _mark_example(ws, cell, value)
    fit_row(ws, 2, widths)


def _fields_sheet(ws: Worksheet, sheet: Sheet, layout: Layout, lists: _Lists, municipality: str,
                  today: dt.date) -> None:
    for n, (title, width) in enumerate(zip(FIELD_HEADERS, (30, 40, 60)), start=1):
        cell = ws.cell(row=1, column=n, value=title)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        ws.column_dimensions[get_column_letter(n)].width = width
    for r, col in enumerate(sheet.columns, start=2):
        ws.cell(row=r, column=1, value=heading(col)).font = Font(bold=True)
        example = _example(col, municipality, today)
        value = ws.cell(row=r, column=2, value=example)
        _format(value, col)
        if example == example_value(col):  # the layout's example, not the town's name or today
            _mark_example(ws, value, example)
        ws.cell(row=r, column=3, value=col.help).alignment = WRAP
        fit_row(ws, r, [30, 40, 60])
        dv = _validation(col, layout, lists)
        if dv:
            ws.add_data_validation(dv)
            dv.add(f"B{r}")
    ws.freeze_panes = "A2"


def _instructions(ws: Worksheet, layout: Layout, municipality: str, portal: bool = False) -> None:
    """The sheet Anleitung: the lines for every workbook, then those for the CLI (text files
    beside the workbook, the commands) or, in a workbook from the portal, those for the portal."""
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    ws.cell(row=1, column=1, value=f"{layout.title}: {municipality}").font = Font(bold=True, size=14)
    row = 3
    lines = layout.instructions + (layout.instructions_portal if portal else layout.instructions_cli)
    for n, line in enumerate(lines):
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
        if portal:  # the portal reads the workbook only: no text files beside it
            text = section.hint.replace(f" oder in {section.file}", "") if section.file else section.hint
        else:
            text = f"{section.hint} Eigene Textdatei: {section.file}" if section.file else section.hint
        ws.cell(row=row, column=2, value=text).alignment = WRAP
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


def init_draft(municipality: str, folder: Path, layout: Layout, today: dt.date | None = None,
               portal: bool = False) -> Path:
    """Write FOLDER/<workbook> for MUNICIPALITY; refuses to overwrite an existing workbook.
    PORTAL: the workbook a town downloads from the portal, whose Anleitung speaks of uploading
    it, not of files beside it and commands."""
    path = folder / layout.file
    if path.exists():
        raise FileExistsError(path)
    today = today or dt.date.today()
    book = Workbook()
    _instructions(book.active, layout, municipality, portal)
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
