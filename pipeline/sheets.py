"""Read the edition's tables from one .xlsx workbook or from German-Excel .csv files.

Only reading happens here: every cell comes back as it was typed (text, or a number/date from
.xlsx), tagged with its file, sheet, row and column so later stages can point at it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .errors import InputError, Location, error

WORKBOOK = "workbook.xlsx"
MAX_ROWS = 20_000  # rows per sheet or CSV file
MAX_CELL = 32_767  # characters per cell: Excel's own limit
MAX_UNPACKED = 50_000_000  # bytes an .xlsx may unpack to (openpyxl holds every cell in memory)
MAX_RATIO = 100  # … and how much more than its packed size, for big ones
MAX_CSV_BYTES = 50_000_000


@dataclass
class Row:
    number: int  # as the spreadsheet program shows it: the header is row 1
    values: dict[str, object]


@dataclass
class Table:
    name: str
    file: str  # path relative to the edition folder
    sheet: str | None
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column name → heading shown, if they differ
    hidden: bool = False  # a hidden sheet of a workbook
    problems: list = field(default_factory=list)  # findings made while reading (merged cells, limits …)

    def where(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=self.headers.get(column, column))


def _cell(value: object) -> object:
    """Normalise a cell: missing → '', whole floats from Excel → int, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()  # as Excel shows it: WAHR/FALSCH would be locale-dependent
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return int(value) if value.is_integer() else value
    if isinstance(value, (int, dt.date, dt.time)):
        return value
    return str(value).strip()


def _table(name: str, file: str, sheet: str | None, frame: pd.DataFrame) -> Table:
    columns = [str(c).strip() for c in frame.columns]
    table = Table(name=name, file=file, sheet=sheet, columns=columns)
    if len(frame) > MAX_ROWS:
        table.problems.append(_too_many(table, len(frame)))
        frame = frame.iloc[:MAX_ROWS]
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        values = {col: _cell(v) for col, v in zip(columns, record)}
        for col, value in values.items():
            if isinstance(value, str) and len(value) > MAX_CELL:
                table.problems.append(_too_long(table, index + 2, col, len(value)))
                values[col] = value[:MAX_CELL]
        if all(v == "" for v in values.values()):
            continue  # empty rows are layout, not data
        table.rows.append(Row(number=index + 2, values=values))
    return table


def _too_many(table: Table, rows: int):
    return error("E-TOO-LARGE", table.where(), f"{rows} rows; at most {MAX_ROWS} are read",
                 "split the data, or delete rows that are not part of the brochure")


def _too_long(table: Table, row: int, column: str, length: int):
    return error("E-TOO-LARGE", table.where(row=row, column=column),
                 f"the cell holds {length} characters; at most {MAX_CELL} are allowed",
                 "shorten it, or move long text into a Markdown file")


def decode_csv(raw: bytes, where: Location) -> str:
    """UTF-8 (with or without BOM) first; Windows-1252 is what German Excel writes otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(error(
            "E-ENCODING", where,
            f"the file is neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02X} at offset {exc.start})",
            "save it from Excel as 'CSV UTF-8 (durch Trennzeichen getrennt)'",
        )) from None


def read_csv(path: Path, edition: Path) -> Table:
    rel = path.relative_to(edition).as_posix()
    where = Location(file=rel)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise InputError(error("E-TOO-LARGE", where, f"the file has {path.stat().st_size / 1e6:.0f} MB; at most "
                                   f"{MAX_CSV_BYTES / 1e6:.0f} MB are read", "split the data into several tables"))
        text = decode_csv(path.read_bytes(), where)
    except OSError as exc:
        raise InputError(error("E-UNREADABLE", where, f"cannot read the file: {exc.strerror}",
                               "check that the file exists and is not open elsewhere")) from None
    if "\x00" in text:  # the CSV parser would end the field there and drop the rest unnoticed
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(error("E-INVALID-CHAR", Location(file=rel, row=line),
                               "contains a NUL byte (U+0000), which cannot be printed and cuts the row short",
                               "the file was damaged or saved by a program that pads with zeros; save it again "
                               "from Excel as CSV"))
    first = text.split("\n", 1)[0]
    if ";" not in first and "," in first:
        raise InputError(error(
            "E-CSV-DELIMITER", Location(file=rel, row=1),
            "the header row is separated by commas, not semicolons",
            "save from German Excel/LibreOffice with ';' as separator",
        ))
    try:
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False,
                            skip_blank_lines=False, quotechar='"')
    except pd.errors.EmptyDataError:
        raise InputError(error("E-EMPTY-FILE", where, "the file is empty",
                               "the first row must hold the column names; see docs/inputs.md")) from None
    except pd.errors.ParserError as exc:
        raise InputError(error("E-CSV-SYNTAX", where, f"the file is not valid CSV: {exc}",
                               "check for an unclosed quotation mark or a stray ';' in the row named")) from None
    return _table(path.stem, rel, None, frame)


def check_zip(path: Path, where: Location) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than any real workbook."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(info.file_size for info in z.infolist())
            packed = max(1, sum(info.compress_size for info in z.infolist()))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(error("E-UNREADABLE", where, f"cannot open the workbook: {exc}",
                               "open it in Excel or LibreOffice and save it again as .xlsx")) from None
    if total > MAX_UNPACKED or (total > 10_000_000 and total / packed > MAX_RATIO):
        raise InputError(error("E-TOO-LARGE", where,
                               f"the workbook would unpack to {total / 1e6:.0f} MB ({total / packed:.0f} times its size)",
                               "this is not a normal workbook; save the data again from Excel, or split it"))


def _sheet_table(ws, values_ws, rel: str) -> Table:
    """One worksheet as a table: the first row names the columns."""
    name = str(ws.title).strip()
    rows = list(ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS + 1)))
    header = [c.value for c in rows[0]] if rows else []
    columns = [str(h).strip() if h not in (None, "") else f"(column {get_column_letter(n)})"
               for n, h in enumerate(header, start=1)]
    while columns and columns[-1].startswith("(column ") and all(
            len(r) < len(columns) or r[len(columns) - 1].value in (None, "") for r in rows[1:]):
        columns.pop()  # trailing columns without heading or data are formatting, not data
    table = Table(name=name, file=rel, sheet=name, columns=columns, hidden=ws.sheet_state != "visible")
    problems: list = []
    for merged in ws.merged_cells.ranges:
        if merged.max_row >= 2:
            problems.append(error("E-MERGED-CELLS", table.where(row=merged.min_row, column=_column_at(columns, merged.min_col)),
                                  f"cells {merged.coord} are merged, so only the first of them holds a value",
                                  "unmerge them (Start → Verbinden und zentrieren) and fill in every row"))
    if ws.max_row - 1 > MAX_ROWS:
        problems.append(_too_many(table, ws.max_row - 1))
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, object] = {}
        for n, col in enumerate(columns):
            cell = row[n] if n < len(row) else None
            value = None if cell is None else cell.value
            if cell is not None and cell.data_type == "f":  # a formula: its last computed result counts
                value = values_ws.cell(row=number, column=n + 1).value if values_ws is not None else None
                if value is None:
                    problems.append(error("E-FORMULA", table.where(row=number, column=col),
                                          f"the formula {cell.value} has no saved result",
                                          "open the workbook in Excel or LibreOffice and save it, so the result is stored"))
            values[col] = _cell(value)
            if isinstance(values[col], str) and len(values[col]) > MAX_CELL:
                problems.append(_too_long(table, number, col, len(values[col])))
                values[col] = values[col][:MAX_CELL]
        if all(v == "" for v in values.values()):
            continue  # empty rows are layout, not data
        table.rows.append(Row(number=number, values=values))
    table.problems = problems
    return table


def _column_at(columns: list[str], index: int) -> str | None:
    return columns[index - 1] if 0 < index <= len(columns) else None


def read_workbook(path: Path, edition: Path) -> dict[str, Table]:
    rel = path.relative_to(edition).as_posix()
    check_zip(path, Location(file=rel))
    try:
        book = load_workbook(path, data_only=False)
        has_formulas = any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
        values = load_workbook(path, data_only=True) if has_formulas else None
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(error("E-UNREADABLE", Location(file=rel),
                               f"cannot open the workbook: {exc.__class__.__name__}: {exc}",
                               "open it in Excel or LibreOffice and save it again as .xlsx")) from None
    return {str(ws.title).strip(): _sheet_table(ws, values[ws.title] if values else None, rel)
            for ws in book.worksheets}


def read_tables(edition: Path) -> dict[str, Table]:
    """All tables of an edition, keyed by table name ('regions', 'quotes', …)."""
    data = edition / "data"
    workbook = data / WORKBOOK
    csvs = sorted(data.glob("*.csv")) if data.is_dir() else []
    if workbook.exists() and csvs:
        raise InputError(error(
            "E-MIXED-SOURCES", Location(file="data/"),
            f"both {WORKBOOK} and .csv files are present ({', '.join(p.name for p in csvs)})",
            "keep either the workbook or the CSV files, not both",
        ))
    if workbook.exists():
        return read_workbook(workbook, edition)
    return {p.stem: read_csv(p, edition) for p in csvs}
