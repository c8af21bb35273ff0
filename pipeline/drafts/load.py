"""Read a municipality's draft folder: the workbook's sheets as typed records, by the layout.

German sheet names and headings are mapped to the engine's column names here; every finding
still names the sheet, row and heading the municipality sees.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.assemble.document import cell_text
from pipeline.errors import InputError, Location, Report, error, warning
from pipeline.load.records import Record, convert, validate_table
from pipeline.drafts.scaffold import LISTS_SHEET, example_value
from pipeline.load.sheets import Row, Table, read_workbook
from pipeline.load.when import parse_when
from pipeline.drafts.workbook_layout import Layout, Sheet, SheetColumn

FIELD_LABEL, FIELD_VALUE = "Angabe", "Wert"
OWN_SHEETS = ("Anleitung", LISTS_SHEET)  # written by the scaffold, never read as data
EXAMPLE_MARK = "[example, replace it: {value}]"  # the type's label 'example_mark' in a draft


def _key(text: object) -> str:
    """A heading as typed, without the scaffold's '*' for required columns."""
    return " ".join(str(text).replace("*", " ").split()).casefold()


def _find(tables: dict[str, Table], title: str) -> Table | None:
    return next((t for name, t in tables.items() if _key(name) == _key(title)), None)


def _rename(table: Table, sheet: Sheet) -> Table:
    """German headings → column names; unknown headings stay as typed (reported later)."""
    by_heading = {_key(c.header): c.name for c in sheet.columns}
    names = {col: by_heading.get(_key(col), col) for col in table.columns}
    headers = {c.name: c.header for c in sheet.columns}
    problems = [replace(f, location=replace(f.location, column=headers.get(names.get(f.location.column),
                                                                          f.location.column)))
                for f in table.problems]  # 'Nr. *' as typed → the heading 'Nr.'
    return Table(name=sheet.key, file=table.file, sheet=table.sheet, columns=list(names.values()),
                 rows=[Row(r.number, {names[k]: v for k, v in r.values.items()}) for r in table.rows],
                 headers=headers, hidden=table.hidden, problems=problems)


def _fields_record(table: Table, sheet: Sheet, report: Report) -> Record:
    """A key/value sheet (Angabe | Wert) as one record; each value keeps its own row."""
    for needed in (FIELD_LABEL, FIELD_VALUE):
        if needed not in table.columns:
            report.add(error("E-MISSING-COLUMN", table.where(row=1), f"column '{needed}' is missing",
                             f"the sheet needs the columns '{FIELD_LABEL}' and '{FIELD_VALUE}'; "
                             "copy them from a new workbook (brochure init-draft)", args={"column": needed}))
    by_heading = {_key(c.header): c for c in sheet.columns}
    raw: dict[str, tuple[object, int]] = {}
    for row in table.rows:
        label = str(row.values.get(FIELD_LABEL, "")).strip()
        col = by_heading.get(_key(label))
        if col is None:
            if label:
                close = difflib.get_close_matches(label, [c.header for c in sheet.columns], n=1)
                report.add(warning("W-UNKNOWN-COLUMN", Location(file=table.file, sheet=table.sheet, row=row.number,
                                                                column=FIELD_LABEL),
                                   f"'{label}' is not a known entry and will be ignored",
                                   f"did you mean '{close[0]}'?" if close else
                                   "known entries: " + ", ".join(c.header for c in sheet.columns),
                                   args={"form": "entry", "label": label}))
            continue
        if col.name in raw:
            report.add(error("E-DUPLICATE-FIELD", Location(file=table.file, sheet=table.sheet, row=row.number,
                                                           column=FIELD_LABEL),
                             f"'{label}' is given twice (rows {raw[col.name][1]} and {row.number})",
                             "delete one of the two rows: only one value can be printed",
                             args={"label": label, "first": raw[col.name][1], "second": row.number}))
            continue
        raw[col.name] = (row.values.get(FIELD_VALUE, ""), row.number)
    values: dict[str, object] = {}
    cells: dict[str, Location] = {}
    for col in sheet.columns:
        value, number = raw.get(col.name, ("", None))
        where = Location(file=table.file, sheet=table.sheet, row=number, column=col.header)
        cells[col.name] = where
        if col.column.required and (value is None or str(value).strip() == ""):
            # an entry of this sheet is a row of its own: it is filled in, never deleted
            report.add(error("E-EMPTY-CELL", where, f"required entry '{col.header}' is empty",
                             f"type it into column '{FIELD_VALUE}' of row '{col.header}' (add the row again "
                             "if it was deleted)", args={"form": "required-entry", "column": col.header}))
            values[col.name] = None if col.column.kind == "number" else ""  # as convert gives an empty cell
            continue
        values[col.name] = convert(col.column, value, where, report)
    return Record(table=sheet.key, row=2, values=values, origin=table.where(), cells=cells, schema=sheet.schema)


def _is_example(col: SheetColumn, value: object) -> bool:
    """A cell still holding the scaffold's example. A choice ('Stadt', 'kurzfristig') is no
    evidence on its own: many towns choose just that; nor is field number 1."""
    example = example_value(col)
    if example in ("", None) or col.column.choices or col.column.kind == "outline" or col.name == "municipality":
        return False
    if col.column.kind == "when":
        return value is not None and getattr(value, "text", None) == getattr(_when(example), "text", "")
    return value == example or (isinstance(value, str) and value == str(example))


def _when(value: object):
    try:
        return parse_when(value)
    except ValueError:
        return None


@dataclass
class _Example:
    sheet: Sheet
    record: Record
    whole: bool  # the row is the example row as the new workbook has it
    columns: list[SheetColumn]  # the cells still holding their example


def _example_values(sheet: Sheet, records: list[Record], found: list[_Example]) -> None:
    """Every example from the new workbook left in place: a row left whole or single cells.
    In a table sheet the examples stand in row 2, so only row 2 can still hold them."""
    examples = [c for c in sheet.columns if example_value(c) not in ("", None)]
    for rec in records:
        if sheet.layout == "table" and rec.row != 2:
            continue
        left = [c for c in examples if _is_example(c, rec.values.get(c.name))]
        whole = bool(sheet.layout == "table" and examples and all(
            c in left or rec.values.get(c.name) == example_value(c) for c in examples))
        if whole or left:
            found.append(_Example(sheet, rec, whole, left))


def _set_aside_examples(records: dict[str, list[Record]], found: list[_Example], report: Report,
                        mark: str) -> None:
    """An example is never printed as the town's, and never makes a section count as filled:
    a row left whole is left out (W-EXAMPLE-ROW), a single example cell is emptied
    (W-EXAMPLE-VALUE), so the draft prints a placeholder where nothing else is given. Only a
    required cell of a row that is otherwise the town's own (an example measure's text beside
    the town's own Verantwortlich), and the title of an example field of action that the
    town's own goals or measures refer to, are printed, marked as an example (MARK)."""
    dropped = {id(e.record) for e in found if e.whole}
    fields_sheets = {e.sheet.key for e in found if e.sheet.role == "fields"}
    referred = {str(r.values.get("field") or "") for key, rows in records.items() for r in rows
                if id(r) not in dropped and "field" in r.values and key not in fields_sheets}
    for e in found:
        rec, sheet = e.record, e.sheet
        if e.whole and not (sheet.role == "fields" and str(rec.values.get("number") or "") in referred):
            report.add(warning("W-EXAMPLE-ROW", rec.origin, "this row is still the example from the new workbook "
                               "and is not printed", "overwrite it with your own entry or delete the row"))
            records[sheet.key] = [r for r in records[sheet.key] if r is not rec]
            continue
        columns = e.columns if not e.whole else [c for c in sheet.columns if _is_example(c, rec.values.get(c.name))]
        for c in columns:
            value = rec.values.get(c.name)
            example = cell_text(value)
            marked = c.column.required and isinstance(value, str)
            rec.values[c.name] = mark.replace("{value}", value) if marked else None
            report.add(warning("W-EXAMPLE-VALUE", rec.cells[c.name],
                               f"'{c.header}' still holds the example '{example}' from the new workbook; "
                               + ("it is printed marked as an example" if marked else "it is not printed"),
                               "overwrite it with your own value or empty the cell",
                               args={"form": "marked", "column": c.header, "value": example} if marked else
                               {"column": c.header, "value": example}))


def examples_left(findings) -> int:
    """How many examples from the new workbook a draft still holds (rows and single cells)."""
    return sum(f.code in ("W-EXAMPLE-ROW", "W-EXAMPLE-VALUE") for f in findings)


def read_draft(folder: Path, layout: Layout, report: Report, mark: str = EXAMPLE_MARK) -> dict[str, list[Record]]:
    """Typed records for every sheet of the layout (a missing sheet gives no rows and a warning);
    the new workbook's examples set aside (see _set_aside_examples)."""
    path = folder / layout.file
    if not path.is_file():
        found = sorted(p.name for p in folder.glob("*.xlsx"))
        raise InputError(error("E-MISSING-FILE", Location(file=layout.file), "the workbook is missing",
                               (f"rename {found[0]} to {layout.file}" if len(found) == 1 else
                                f"create it with: brochure init-draft \"<Kommune>\" {folder}")))
    tables = read_workbook(path, folder, skip=frozenset(OWN_SHEETS))
    known = {_key(s.title) for s in layout.sheets} | {_key(name) for name in OWN_SHEETS}
    for name, table in tables.items():
        if _key(name) not in known:
            report.add(warning("W-UNKNOWN-TABLE", table.where(), f"sheet '{name}' is not part of the strategy workbook "
                               "and is not printed", "known sheets: " + ", ".join(s.title for s in layout.sheets),
                               args={"sheet": name}))
    records: dict[str, list[Record]] = {}
    found: list[_Example] = []
    for sheet in layout.sheets:
        table = _find(tables, sheet.title)
        if table is None:
            report.add(warning("W-MISSING-SHEET", Location(file=layout.file, sheet=sheet.title),
                               f"sheet '{sheet.title}' is missing; its section is printed as a placeholder",
                               "copy the sheet from a new workbook (brochure init-draft) if you need it",
                               args={"sheet": sheet.title}))
            records[sheet.key] = []
            continue
        if sheet.layout == "fields":
            report.extend(table.problems)
            records[sheet.key] = [_fields_record(table, sheet, report)]
            _example_values(sheet, records[sheet.key], found)
            continue
        table = _rename(table, sheet)
        if sheet.role == "texts":  # a row without a section (e.g. its name deleted) is no entry
            table.rows = [r for r in table.rows
                          if any(str(r.values.get(k, "") or "").strip() for k in ("section", "text", "number", "title"))]
        records[sheet.key] = validate_table(table, report, {sheet.key: sheet.schema})
        _example_values(sheet, records[sheet.key], found)
    _set_aside_examples(records, found, report, mark)
    return records
