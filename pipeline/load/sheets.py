"""Read the edition's tables from one .xlsx workbook or from German-Excel .csv files.

Only reading happens here: every cell comes back as it was typed (text, or a number/date from
.xlsx), tagged with its file, sheet, row and column so later stages can point at it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


from pipeline.errors import InputError, Location, error
from pipeline.load.input_files import is_zip_bomb, read_bytes, zip_sizes
from pipeline.load.ooxml_kind import OLE_MAGIC, is_strict, ole_kind, transitional

WORKBOOK = "workbook.xlsx"
MAX_ROWS = 20_000  # rows per sheet or CSV file
MAX_CELL = 32_767  # characters per cell: Excel's own limit
MAX_UNPACKED = 50_000_000  # bytes an .xlsx may unpack to (openpyxl holds every cell in memory)
MAX_RATIO = 100  # … and how much more than its packed size, for big ones
MAX_CSV_BYTES = 50_000_000
MAX_COLUMNS = 200  # columns per sheet or CSV file: the widest table has 15
csv.field_size_limit(MAX_CSV_BYTES)  # a long cell is reported with its place (MAX_CELL), not as a syntax error


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


def column_letter(n: int) -> str:
    """Excel's name of the n-th column (1 → A, 27 → AA), without loading openpyxl for a CSV."""
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _headings(header: list[object], table: Table) -> list[str]:
    """Column names from a header row; a column without heading is '(column C)' (reported
    later if it holds data); a heading given twice is an error, since one column would be lost."""
    columns = [str(h).strip() if h not in (None, "") else f"(column {column_letter(n)})"
               for n, h in enumerate(header, start=1)]
    first: dict[str, int] = {}
    for n, name in enumerate(columns, start=1):
        key = name.casefold()
        if key in first and not name.startswith("(column "):
            table.problems.append(error(
                "E-DUPLICATE-COLUMN", Location(file=table.file, sheet=table.sheet, row=1, column=name),
                f"the heading '{name}' is in columns {column_letter(first[key])} and {column_letter(n)}",
                "rename or delete one of them: only one column of a name can be read",
                args={"heading": name, "first": column_letter(first[key]), "second": column_letter(n)}))
        first.setdefault(key, n)
    return columns


def _too_wide(where: Location, columns: int):
    return InputError(error("E-TOO-LARGE", where, f"{columns} columns; at most {MAX_COLUMNS} are read",
                            "delete the columns that are not part of the brochure",
                            args={"form": "columns", "columns": columns, "max": MAX_COLUMNS}))


def _csv_table(name: str, file: str, records: list[list[str]]) -> Table:
    table = Table(name=name, file=file, sheet=None, columns=[])
    table.columns = columns = _headings(records[0], table)
    body = records[1:]
    if len(body) > MAX_ROWS:
        table.problems.append(_too_many(table, len(body)))
        body = body[:MAX_ROWS]
    for index, record in enumerate(body):
        number = index + 2
        extra = record[len(columns):]
        if any(v.strip() for v in extra):
            table.problems.append(error(
                "E-EXTRA-CELLS", table.where(row=number),
                f"the row has {len(record)} cells but the header only {len(columns)} headings",
                "a ';' too many in the row shifts its cells: remove it, or add the missing heading"))
        values = {col: _cell(v) for col, v in zip(columns, record + [""] * (len(columns) - len(record)))}
        for col, value in values.items():
            if isinstance(value, str) and len(value) > MAX_CELL:
                table.problems.append(_too_long(table, number, col, len(value)))
                values[col] = value[:MAX_CELL]
        if all(v == "" for v in values.values()):
            continue  # empty rows are layout, not data
        table.rows.append(Row(number=number, values=values))
    return table


def _too_many(table: Table, rows: int):
    return error("E-TOO-LARGE", table.where(), f"{rows} rows; at most {MAX_ROWS} are read",
                 "split the data, or delete rows that are not part of the brochure",
                 args={"form": "rows", "rows": rows, "max": MAX_ROWS})


def _too_long(table: Table, row: int, column: str, length: int):
    return error("E-TOO-LARGE", table.where(row=row, column=column),
                 f"the cell holds {length} characters; at most {MAX_CELL} are allowed",
                 "shorten it, or move long text into a Markdown file",
                 args={"form": "cell-length", "length": length, "max": MAX_CELL})


def decode_csv(raw: bytes, where: Location) -> str:
    """UTF-8 (with or without BOM) first; Windows-1252 is what German Excel writes otherwise;
    UTF-16 (Excel's 'Unicode-Text') when the file starts with its byte order mark."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(error("E-ENCODING", where, "the file says it is UTF-16 but is damaged",
                                   "save it from Excel as 'CSV UTF-8 (durch Trennzeichen getrennt)'")) from None
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
    raw = read_bytes(path, where, rel, MAX_CSV_BYTES)
    if raw is None:
        raise InputError(error("E-UNREADABLE", where, "cannot read the file: it has disappeared",
                               "check that the file exists and is not open elsewhere"))
    text = decode_csv(raw, where)
    if "\x00" in text:  # the CSV parser would end the field there and drop the rest unnoticed
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(error("E-INVALID-CHAR", Location(file=rel, row=line),
                               "contains a NUL byte (U+0000), which cannot be printed and cuts the row short",
                               "the file was damaged or saved by a program that pads with zeros; save it again "
                               "from Excel as CSV"))
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InputError(error("E-EMPTY-FILE", where, "the file is empty",
                               "the first row must hold the column names; see docs/inputs.md"))
    # ';' from German Excel; a tab from Excel's 'Unicode-Text' export
    delimiter = ";" if ";" in first else "\t" if "\t" in first else None
    if delimiter is None and "," in first:
        raise InputError(error(
            "E-CSV-DELIMITER", Location(file=rel, row=1),
            "the header row is separated by commas, not semicolons",
            "save from German Excel/LibreOffice with ';' as separator",
        ))
    if first.count(delimiter or ";") + 1 > MAX_COLUMNS:
        raise _too_wide(Location(file=rel, row=1), first.count(delimiter or ";") + 1)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or ";", quotechar='"', strict=True))
    except csv.Error as exc:
        raise InputError(error("E-CSV-SYNTAX", where, f"the file is not valid CSV: {exc}",
                               "check for an unclosed quotation mark or a stray ';' in the row named")) from None
    while records and not any(v.strip() for v in records[-1]):
        records.pop()
    if not records:
        raise InputError(error("E-EMPTY-FILE", where, "the file is empty",
                               "the first row must hold the column names; see docs/inputs.md"))
    # Excel writes a ';' after the last heading when the sheet once had another column
    while len(records[0]) > 1 and not records[0][-1].strip() and not any(
            len(r) >= len(records[0]) and r[len(records[0]) - 1].strip() for r in records[1:]):
        records[0].pop()
    return _csv_table(unicodedata.normalize("NFC", path.stem), rel, records)


def check_zip(path: Path, where: Location) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than any real workbook, and
    say what an Office file that is no zip is (a password-protected workbook, an .xls)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            kind = ole_kind(head, head + fh.read(MAX_UNPACKED)) if head.startswith(OLE_MAGIC) else None
    except OSError:
        kind = None  # zip_sizes below says why
    if kind == "encrypted":
        raise InputError(error("E-ENCRYPTED", where, "the workbook is protected with a password (encrypted), so it "
                               "cannot be read", "open it in Excel, remove the password (Datei → Informationen → "
                               "Arbeitsmappe schützen → Mit Kennwort verschlüsseln: leeren) and save it again"))
    if kind == "ole":
        raise InputError(error("E-NOT-WORKBOOK", where, "the file is an Excel 97–2003 workbook (.xls) or another old "
                               "Office file, not an .xlsx workbook",
                               "open it in Excel or LibreOffice and save it as 'Excel-Arbeitsmappe (*.xlsx)'"))
    try:
        total, packed = zip_sizes(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(error("E-UNREADABLE", where, f"cannot open the workbook: {exc}",
                               "open it in Excel or LibreOffice and save it again as .xlsx")) from None
    if is_zip_bomb(total, packed, MAX_UNPACKED, MAX_RATIO):
        mb, ratio = f"{total / 1e6:.0f}", f"{total / packed:.0f}"
        raise InputError(error("E-TOO-LARGE", where, f"the workbook would unpack to {mb} MB ({ratio} times its size)",
                               "this is not a normal workbook; save the data again from Excel, or split it",
                               args={"form": "unpacked", "mb": mb, "ratio": ratio}))


def _sheet_table(ws, values_ws, rel: str) -> Table:
    """One worksheet as a table: the first row names the columns."""
    name = unicodedata.normalize("NFC", str(ws.title).strip())
    # The cells that hold something, from openpyxl's cell store: ws.max_column also counts
    # formatted empty cells, and one value in XFD1048576 would make iter_rows build 17 billion.
    widest = max((col for (_, col), cell in ws._cells.items() if cell.value not in (None, "")), default=0)
    if widest > MAX_COLUMNS:
        raise _too_wide(Location(file=rel, sheet=name), widest)
    rows = list(ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS + 1), max_col=max(widest, 1)))
    header = [c.value for c in rows[0]] if rows else []
    table = Table(name=name, file=rel, sheet=name, columns=[], hidden=ws.sheet_state != "visible")
    columns = _headings(header, table)
    while columns and columns[-1].startswith("(column ") and all(
            len(r) < len(columns) or r[len(columns) - 1].value in (None, "") for r in rows[1:]):
        columns.pop()  # trailing columns without heading or data are formatting, not data
    table.columns = columns
    problems: list = table.problems
    # any merge: in the header it hides headings (the columns after the first are lost), in the
    # data it leaves every cell but the first empty
    for merged in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        problems.append(error("E-MERGED-CELLS", table.where(row=merged.min_row, column=_column_at(columns, merged.min_col)),
                              f"cells {merged.coord} are merged, so only the first of them holds a value",
                              "unmerge them (Start → Verbinden und zentrieren) and fill in every cell"
                              + (", the headings of row 1 included" if merged.min_row == 1 else ""),
                              args={"cells": merged.coord}))
    if ws.max_row - 1 > MAX_ROWS:
        problems.append(_too_many(table, ws.max_row - 1))
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, object] = {}
        for n, col in enumerate(columns):
            cell = row[n] if n < len(row) else None
            value = None if cell is None else cell.value
            if cell is not None and cell.data_type == "e":  # '#N/A', '#DIV/0!': Excel's error values
                problems.append(error("E-BAD-VALUE", table.where(row=number, column=col),
                                      f"the cell shows Excel's error value {cell.value}",
                                      "correct the formula or type the value; an error value is never printed",
                                      args={"form": "excel-error", "value": cell.value}))
                value = None
            elif cell is not None and cell.data_type == "f":  # a formula: its last computed result counts
                value = values_ws.cell(row=number, column=n + 1).value if values_ws is not None else None
                if value is None:
                    problems.append(error("E-FORMULA", table.where(row=number, column=col),
                                          f"the formula {cell.value} has no saved result",
                                          "open the workbook in Excel or LibreOffice and save it, so the result is stored",
                                          args={"formula": cell.value}))
            if cell is not None and cell.data_type == "f" and isinstance(value, str) and value.startswith("#"):
                problems.append(error("E-BAD-VALUE", table.where(row=number, column=col),
                                      f"the formula {cell.value} shows Excel's error value {value}",
                                      "correct the formula; an error value is never printed",
                                      args={"form": "excel-error", "value": value}))
                value = None
            values[col] = _cell(value)
            if isinstance(values[col], str) and len(values[col]) > MAX_CELL:
                problems.append(_too_long(table, number, col, len(values[col])))
                values[col] = values[col][:MAX_CELL]
        if all(v == "" for v in values.values()):
            continue  # empty rows are layout, not data
        table.rows.append(Row(number=number, values=values))
    return table


def _column_at(columns: list[str], index: int) -> str | None:
    return columns[index - 1] if 0 < index <= len(columns) else None


def read_workbook(path: Path, edition: Path, skip: frozenset[str] = frozenset()) -> dict[str, Table]:
    """Every sheet as a table, but those named in SKIP (a scaffold's own help and list sheets:
    their formulas must not cost a second reading of the whole file)."""
    rel = path.relative_to(edition).as_posix()
    check_zip(path, Location(file=rel))
    try:
        from openpyxl import load_workbook  # only for workbooks: CSV editions never load it (0.3 s)
        source = _usual_namespaces(path)
        book = load_workbook(source, data_only=False)
        # the stored cells only (iter_rows would visit every empty cell up to the last one)
        has_formulas = any(c.data_type == "f" for ws in book.worksheets if ws.title not in skip
                           for c in ws._cells.values())
        values = load_workbook(_again(source), data_only=True) if has_formulas else None
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(error("E-UNREADABLE", Location(file=rel),
                               f"cannot open the workbook: {exc.__class__.__name__}: {exc}",
                               "open it in Excel or LibreOffice and save it again as .xlsx")) from None
    tables: dict[str, Table] = {}
    for ws in book.worksheets:
        if ws.title in skip:
            continue
        table = _sheet_table(ws, values[ws.title] if values else None, rel)
        if table.name in tables:
            raise InputError(error("E-DUPLICATE-SHEET", Location(file=rel, sheet=ws.title),
                                   f"two sheets are named '{table.name}' (one with spaces around the name)",
                                   "rename or delete one of them: only one sheet of a name can be read"))
        tables[table.name] = table
    return tables


def _usual_namespaces(path: Path) -> Path | io.BytesIO:
    """PATH, or for a 'Strict Open XML' workbook a copy with the usual namespaces (ooxml_kind)."""
    with zipfile.ZipFile(path) as z:
        if not is_strict(z):
            return path
    return io.BytesIO(transitional(path.read_bytes()))


def _again(source: Path | io.BytesIO) -> Path | io.BytesIO:
    if isinstance(source, io.BytesIO):
        source.seek(0)
    return source


def read_tables(edition: Path) -> dict[str, Table]:
    """All tables of an edition, keyed by table name ('quotes', 'photos', …)."""
    data = edition / "data"
    workbook = data / WORKBOOK
    csvs = sorted(p for p in data.iterdir() if p.suffix.lower() == ".csv") if data.is_dir() else []
    if workbook.exists() and csvs:
        raise InputError(error(
            "E-MIXED-SOURCES", Location(file="data/"),
            f"both {WORKBOOK} and .csv files are present ({', '.join(p.name for p in csvs)})",
            "keep either the workbook or the CSV files, not both",
        ))
    if workbook.exists():
        return read_workbook(workbook, edition)
    tables: dict[str, Table] = {}
    for path in csvs:
        table = read_csv(path, edition)
        if table.name in tables:
            raise InputError(error("E-DUPLICATE-SHEET", Location(file=table.file),
                                   f"two files hold table '{table.name}' ({tables[table.name].file} and {table.file})",
                                   "keep one of them"))
        tables[table.name] = table
    return tables
