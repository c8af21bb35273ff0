"""Read the edition's tables from one .xlsx workbook or from German-Excel .csv files.

Only reading happens here: every cell comes back as it was typed (text, or a number/date from
.xlsx), tagged with its file, sheet, row and column so later stages can point at it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError, Location, error

WORKBOOK = "workbook.xlsx"


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

    def where(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=self.headers.get(column, column))


def _cell(value: object) -> object:
    """Normalise a pandas cell: missing → '', whole floats from Excel → int, text stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return int(value) if value.is_integer() else value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (int, dt.date)):
        return value
    return str(value).strip()


def _table(name: str, file: str, sheet: str | None, frame: pd.DataFrame) -> Table:
    columns = [str(c).strip() for c in frame.columns]
    table = Table(name=name, file=file, sheet=sheet, columns=columns)
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        values = {col: _cell(v) for col, v in zip(columns, record)}
        if all(v == "" for v in values.values()):
            continue  # empty rows are layout, not data
        table.rows.append(Row(number=index + 2, values=values))
    return table


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
        text = decode_csv(path.read_bytes(), where)
    except OSError as exc:
        raise InputError(error("E-UNREADABLE", where, f"cannot read the file: {exc.strerror}",
                               "check that the file exists and is not open elsewhere")) from None
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


def read_workbook(path: Path, edition: Path) -> dict[str, Table]:
    rel = path.relative_to(edition).as_posix()
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InputError(error("E-UNREADABLE", Location(file=rel),
                               f"cannot open the workbook: {exc.__class__.__name__}: {exc}",
                               "open it in Excel or LibreOffice and save it again as .xlsx")) from None
    return {str(name).strip(): _table(str(name).strip(), rel, str(name).strip(), frame)
            for name, frame in sheets.items()}


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
