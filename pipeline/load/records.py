"""Validate raw table rows against the record schemas and turn them into typed records."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.load import german
from pipeline.load import outline
from pipeline.errors import BadValue, InputError, Location, Report, did_you_mean, error, warning
from pipeline.load.glyphs import UNPRINTABLE_HINT, unprintable_character
from pipeline.load.sheets import Row, Table
from pipeline.load import address_chars
from pipeline.load.text import invalid_character, normalise
from pipeline.load.when import parse_when


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    kind: str = "text"  # text | id | number | date | email | url | phone | choice
    choices: tuple[str, ...] = ()
    entity: str = ""  # "place", "region" or "organisation": spellings compared across sheets
    ref: str = ""  # a table whose ids this column holds (checked: E-UNKNOWN-REF)


# The generic registry: the built-in tables every brochure type may use, placed by the engine
# (quotes, photos, charts, contacts and links go into the chapter their `chapter` column names;
# references feed citations and the bibliography). A type's own tables are declared in its
# template.yaml `tables:` (docs/templates.md); the engine names none of them.
SCHEMAS: dict[str, tuple[Column, ...]] = {
    "quotes": (
        Column("id", True, "id"),
        Column("chapter", True, "id"),
        Column("section"),
        Column("speaker"),
        Column("role"),
        Column("text", True),
    ),
    "contacts": (
        Column("id", True, "id"),
        Column("chapter", True, "id"),
        Column("group"),
        Column("name"),
        Column("role"),
        Column("organisation", entity="organisation"),
        Column("street"),
        Column("postcode"),
        Column("city", entity="place"),
        Column("phone", kind="phone"),
        Column("fax", kind="phone"),
        Column("email", kind="email"),
        Column("web", kind="url"),
    ),
    "links": (
        Column("id", True, "id"),
        Column("chapter", True, "id"),
        Column("label"),
        Column("url", True, "url"),
    ),
    "photos": (
        Column("id", True, "id"),
        Column("chapter", True, "id"),
        Column("section"),
        Column("file"),
        Column("caption"),
        Column("alt_text"),
        Column("credit"),
        Column("width", kind="choice", choices=("column", "full")),
    ),
    # Charts drawn from a data table (see pipeline/assemble/charts.py); placed like photos.
    "charts": (
        Column("id", True, "id"),
        Column("chapter", True, "id"),
        Column("section"),
        Column("kind", True, "choice", ("bar", "stacked_bar", "classes")),
        Column("data", True),  # the data table: a sheet or CSV file name
        Column("title", True),
        Column("unit"),  # '%' prints values as '55,2 %'
        Column("source"),
        Column("note"),
        Column("classes"),  # class bounds for kind 'classes': '30; 40; 50; 60; 70; 75'
        Column("reference", kind="number"),
        Column("reference_label"),
        Column("orientation", kind="choice", choices=("vertical", "horizontal")),
        Column("alt_text"),
        Column("width", kind="choice", choices=("column", "full")),
    ),
    # Works cited with [@id] and listed by a bibliography chapter.
    "references": (
        Column("id", True, "id"),
        Column("authors", True),  # 'Carnau, Peter', 'Handschuck, Sabine/Schröer, Hubertus' or an organisation
        Column("editors", kind="choice", choices=("ja", "nein")),  # 'ja': the authors edited the work (Hrsg.)
        Column("year"),
        Column("title", True),
        Column("publisher"),
        Column("place"),
        Column("url", kind="url"),
        Column("note"),  # '(Skript unveröffentlicht)'
        Column("label"),  # what a citation prints instead of the authors' surnames: 'HMSI'
    ),
}

COLUMN_KINDS = ("text", "id", "number", "date", "when", "outline", "email", "url", "phone", "choice")
ENTITIES = ("", "place", "region", "organisation")


def parse_schemas(raw: object, rel: str) -> dict[str, tuple[Column, ...]]:
    """Tables a brochure type adds (template.yaml `tables:`), in the same terms as SCHEMAS. Its
    keys are checked before (template_keys.TABLE, E-UNKNOWN-KEY with line and "did you mean")."""
    def fail(key: str, message: str) -> None:
        raise InputError(error("E-TEMPLATE", Location(file=rel, column=key), message,
                               "see docs/templates.md for the 'tables' format"))
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        fail("tables", "'tables' must map table names to lists of columns")
    out: dict[str, tuple[Column, ...]] = {}
    for name, columns in raw.items():
        key = f"tables.{name}"
        if name in SCHEMAS:
            fail(key, f"table '{name}' is built in and cannot be redefined")
        if isinstance(columns, dict):  # the long form: {label: "{name}", noun: Region, columns: […]}
            columns = columns.get("columns")
        if not isinstance(columns, list) or not columns:
            fail(key, f"'{key}' must be a list of columns")
        parsed = []
        for n, col in enumerate(columns, start=1):
            ckey = f"{key}[{n}]"
            if isinstance(col, str):
                col = {"name": col}
            if not isinstance(col, dict) or not isinstance(col.get("name"), str):
                fail(ckey, "a column needs a 'name'")
            kind = col.get("kind", "text")
            if kind not in COLUMN_KINDS:
                fail(f"{ckey}.kind", f"kind '{kind}' is unknown; use one of: {', '.join(COLUMN_KINDS)}")
            if col.get("entity", "") not in ENTITIES:
                fail(f"{ckey}.entity", f"entity must be one of: {', '.join(e for e in ENTITIES if e)}")
            parsed.append(Column(col["name"], bool(col.get("required", False)), kind,
                                 tuple(str(c) for c in col.get("choices") or ()), col.get("entity", ""),
                                 str(col.get("ref") or "")))
        out[str(name)] = tuple(parsed)
    for name, columns in out.items():
        for n, col in enumerate(columns, start=1):
            if col.ref and col.ref not in out and col.ref not in SCHEMAS:
                close = difflib.get_close_matches(col.ref, [*out, *SCHEMAS], n=1)
                fail(f"tables.{name}[{n}].ref", f"column '{col.name}' refers to table '{col.ref}', which is not declared"
                     + (f"; did you mean '{close[0]}'?" if close else ""))
    return out


@dataclass(frozen=True)
class TableInfo:
    """How the diff names a row of a declared table: `label`, a {column} pattern ("{name}"), and
    `noun`, the German word for one row ("Region"). Without them: the first name-like column."""
    label: str = ""
    noun: str = ""


def parse_table_info(raw: object) -> dict[str, TableInfo]:
    """The long form's `label` and `noun` of each declared table (validated by parse_schemas)."""
    if not isinstance(raw, dict):
        return {}
    return {str(name): TableInfo(str(spec.get("label") or ""), str(spec.get("noun") or ""))
            for name, spec in raw.items() if isinstance(spec, dict)}

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?://)?[\w.-]+\.[A-Za-z]{2,}(/\S*)?$")
# German style: 0611 - 32 20 14, +49 611 – 32 27 06, (06172) 999-4216, 0561/787-2132
_PHONE = re.compile(r"^(\+\d{2,3}(\s*\(0\))?|\(?0)[\d\s()/.\-–]{4,}$")


@dataclass
class Record:
    table: str
    row: int
    values: dict[str, object]
    origin: Location
    cells: dict[str, Location] = field(default_factory=dict)
    schema: tuple[Column, ...] = ()

    def __getitem__(self, key: str):
        return self.values.get(key, "")

    @property
    def id(self) -> str:
        return str(self.values.get("id", ""))


_BAD_VALUE_HINTS = {
    "number": "write numbers like 55,2 or 120.000 and dates like 31.12.2010",
    "outline": "number the fields of action 1, 2, 3 or, with groups, 8, 8.1, 8.1.1 (format the column as text)",
    "when": "write a day (12.04.2011), days (5./6. Februar 2010), a month (April 2011), a season or half-year "
            "(Frühjahr 2012, 2. Halbjahr 2013) or a span (2010–2013, seit 2010)",
}


def _excel_date_hint(col: Column, where: Location, typed: str) -> str:
    shown = where.column or col.name
    if col.kind == "number" and typed.count(".") == 1:
        return (f"if you meant the number {typed.replace('.', ',')}, type it with a decimal comma; "
                f"otherwise format column '{shown}' as text (Zellen formatieren → Text) and type it again")
    return (f"format column '{shown}' as text (Zellen formatieren → Text) and type {typed} again; "
            "in a new workbook (brochure init-draft) the column is text already")


def convert(col: Column, raw: object, where: Location, report: Report) -> object:
    if raw == "" or raw is None:
        if col.required:
            shown = where.column or col.name
            report.add(error("E-EMPTY-CELL", where, f"required value '{shown}' is empty",
                             f"fill in column '{shown}' in this row, or delete the row", args={"column": shown}))
        return "" if col.kind != "number" else None
    try:
        if col.kind == "number":
            return german.parse_number(raw)
        if col.kind == "date":
            return german.parse_date(raw)
        if col.kind == "outline":
            return outline.parse(raw)
        if col.kind == "when":
            return parse_when(raw)
    except german.ExcelDate as exc:
        report.add(error("E-EXCEL-DATE", where, str(exc), _excel_date_hint(col, where, exc.typed),
                         args={"date": f"{exc.date:%d.%m.%Y}", "typed": exc.typed}))
        return None
    except ValueError as exc:
        report.add(error("E-BAD-VALUE", where, str(exc), _BAD_VALUE_HINTS.get(col.kind, _BAD_VALUE_HINTS["number"]),
                         args=exc.finding_args if isinstance(exc, BadValue) else None))
        return None
    if isinstance(raw, (float, Decimal)) and math.isfinite(raw):
        # a number typed into a text cell prints as Excel shows it: 3,5; a postcode as its digits
        text = str(int(raw)) if raw == int(raw) else german.number(raw)
    else:
        text = normalise(str(raw).strip())
    bad = invalid_character(text)  # a control character is one, in an address or not
    if bad:
        report.add(error("E-INVALID-CHAR", where, f"contains a control character that cannot be printed: {bad}",
                         "delete the invisible character (often pasted from another program)", args={"char": bad}))
        return ""
    # a phone number is printed, not linked: only invisible characters are refused in it
    found = address_chars.problem(text, whole=col.kind in ("email", "url", "phone"), lookalikes=col.kind != "phone")
    if found:  # before a zero-width space is called unprintable: it is in an address
        report.add(address_chars.finding(found, where))
        return text  # kept, so that the row's other checks do not report it missing as well
    bad = unprintable_character(text)
    if bad:
        report.add(error("E-UNPRINTABLE-CHAR", where, f"contains a character the brochure's fonts cannot print: {bad}",
                         UNPRINTABLE_HINT, args={"char": bad}))
        return ""
    if col.kind == "id" and not _ID.match(text):
        report.add(error("E-BAD-ID", where, f"'{text}' is not a valid id",
                         "use lower-case letters, digits, '-' and '_' only, e.g. 'main-kinzig-kreis'", args={"value": text}))
    elif col.kind == "email" and not _EMAIL.match(text):
        report.add(error("E-BAD-EMAIL", where, f"'{text}' is not an e-mail address",
                         "write it as name@example.de, without 'mailto:' or spaces", args={"value": text}))
    elif col.kind == "url" and not _URL.match(text):
        report.add(error("E-BAD-URL", where, f"'{text}' is not a web address",
                         "write it as www.example.de or https://www.example.de/path", args={"value": text}))
    elif col.kind == "phone" and not (_PHONE.match(text) and 6 <= sum(c.isdigit() for c in text) <= 16):
        report.add(error("E-BAD-PHONE", where, f"'{text}' is not a telephone number",
                         "write it with the area code, e.g. 0611 - 32 20 14 or +49 611 32 20 14", args={"value": text}))
    elif col.kind == "choice" and text not in col.choices:
        report.add(error("E-BAD-VALUE", where, f"'{text}' is not one of the allowed values",
                         "use one of: " + ", ".join(col.choices), args={"form": "not-a-choice", "value": text}))
    return text


def validate_table(table: Table, report: Report, schemas: dict[str, tuple[Column, ...]] = SCHEMAS) -> list[Record]:
    report.extend(table.problems)
    if table.hidden:
        report.add(warning("W-HIDDEN-SHEET", table.where(), f"sheet '{table.sheet}' is hidden in the workbook; "
                           "its rows are used all the same", "show it (right-click a sheet tab → Einblenden) and check it, "
                           "or delete it if it is not meant for the brochure", args={"sheet": table.sheet}))
    schema = schemas.get(table.name)
    if schema is None:
        report.add(warning("W-UNKNOWN-TABLE", table.where(),
                           f"table '{table.name}' is not used by this brochure type",
                           did_you_mean(table.name, sorted(schemas))
                           + "tables of this type: " + ", ".join(sorted(schemas))
                           + "; a chart's data table must be named in the charts table's 'data' column"))
        return []
    names = [c.name for c in schema]
    shown = [table.headers.get(n, n) for n in names]  # headings as the sheet shows them
    for col in schema:
        if col.name not in table.columns:
            if col.required:
                head = table.headers.get(col.name, col.name)
                report.add(error("E-MISSING-COLUMN", table.where(row=1),
                                 f"required column '{head}' is missing",
                                 f"add a column headed '{head}'; expected columns: {', '.join(shown)}",
                                 args={"column": head}))
    for extra in (c for c in table.columns if c not in names):
        close = difflib.get_close_matches(extra, shown, n=1)
        report.add(warning("W-UNKNOWN-COLUMN", table.where(row=1, column=extra),
                           f"column '{extra}' is not known and will be ignored",
                           f"did you mean '{close[0]}'?" if close else "expected columns: " + ", ".join(shown),
                           args={"form": "column", "column": extra}))
    records: list[Record] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        records.append(_record(table, schema, row, report))
        rid = records[-1].id
        if rid and "id" in names:
            if rid in seen:
                report.add(error("E-DUPLICATE-ID", table.where(row=row.number, column="id"),
                                 f"id '{rid}' is already used in row {seen[rid]}",
                                 "give every row its own id", args={"form": "id", "id": rid, "row": seen[rid]}))
            else:
                seen[rid] = row.number
    return records


def _record(table: Table, schema: tuple[Column, ...], row: Row, report: Report) -> Record:
    values: dict[str, object] = {}
    cells: dict[str, Location] = {}
    for col in schema:
        where = table.where(row=row.number, column=col.name)
        cells[col.name] = where
        if col.name in table.columns:
            values[col.name] = convert(col, row.values.get(col.name, ""), where, report)
        else:
            values[col.name] = None if col.kind == "number" else ""
    return Record(table=table.name, row=row.number, values=values,
                  origin=table.where(row=row.number), cells=cells, schema=schema)


def chart_data_schema(columns: list[str]) -> tuple[Column, ...]:
    """A chart's data table: categories in the first column, one number column per series."""
    if not columns:
        return ()
    return (Column(columns[0], True),) + tuple(Column(c, True, "number") for c in columns[1:])


def validate(tables: dict[str, Table], report: Report,
             schemas: dict[str, tuple[Column, ...]] = SCHEMAS) -> dict[str, list[Record]]:
    """Typed records for every known table; a known table that is absent gives an empty list.

    Tables named in the `charts` table's data column are chart data: categories and numbers."""
    records = {name: [] for name in schemas}
    for name, table in tables.items():
        if name in schemas:
            records[name] = validate_table(table, report, schemas)
    charted = {str(r["data"]) for r in records.get("charts", [])}
    for name, table in tables.items():
        if name not in schemas:
            own = {name: chart_data_schema(table.columns)} if name in charted else schemas
            records[name] = validate_table(table, report, own)
    return records
