"""The draft workbook's layout (template.yaml `workbook:` and `sections:`), read once.

One description serves the scaffold (sheet names, headings, drop-downs, help and example rows),
the reader (German headings → column names) and the checks (kinds, required cells), so the
workbook a municipality receives and the one the pipeline reads cannot drift apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, Location, error, one_of
from pipeline.load.edition import Template, load_template
from pipeline.load.records import COLUMN_KINDS, Column
from pipeline.load.template_check import lines_for

TEMPLATE = "strategie"  # the draft type `brochure draft` builds unless told otherwise

LAYOUTS = ("table", "fields")
# What the draft engine reads from a workbook, by role: the generic registry. The type's
# template.yaml gives each sheet its role, so no sheet key or name is written in Python.
ROLES = {
    "master": "the municipality's master data, one row per field (name, kind, contact, mayor, council …)",
    "texts": "the sections' own text, by section title",
    "population": "population figures for the initial situation, with charts",
    "participation": "the participation steps, by date",
    "principles": "the guiding principles",
    "fields": "the numbered fields of action (8, 8.1, 8.1.1 …)",
    "goals": "goals and indicators per field of action",
    "measures": "measures per field of action",
    "evaluation": "evaluation and monitoring",
    "networks": "networks and actors",
}
# What a section adds from the sheets (`sections[n].content`), and the role of the sheet it reads,
# so that a finding about an empty section sends the author to the right sheet.
CONTENTS = {"text": "texts", "foreword": "texts", "population": "population", "participation": "participation",
            "principles": "principles", "fields": "fields", "goals": "goals", "evaluation": "evaluation",
            "networks": "networks"}
_COLUMN_KEYS = {"name", "header", "required", "kind", "choices", "entity", "example", "help", "width", "list"}


@dataclass(frozen=True)
class SheetColumn:
    column: Column
    header: str  # the German heading the workbook shows
    example: object = ""
    help: str = ""
    width: int = 16  # characters, for the scaffold
    list: str = ""  # drop-down from another sheet's column ('handlungsfelder.number') or 'sections'

    @property
    def name(self) -> str:
        return self.column.name


@dataclass(frozen=True)
class Sheet:
    key: str  # the table name the records are kept under
    title: str  # the sheet name the workbook shows
    role: str  # what the engine reads from it (ROLES)
    layout: str  # 'table': one row per entry; 'fields': one row per field (Angabe | Wert)
    columns: tuple[SheetColumn, ...]

    def header(self, name: str) -> str:
        return next((c.header for c in self.columns if c.name == name), name)

    @property
    def schema(self) -> tuple[Column, ...]:
        return tuple(c.column for c in self.columns)


@dataclass(frozen=True)
class DraftSection:
    id: str
    title: str
    content: str  # what the engine adds from the sheets: text, foreword, population, fields …
    hint: str  # placeholder text and Word comment while the section is empty
    file: str = ""  # optional Markdown file next to the workbook


@dataclass
class Layout:
    file: str
    title: str
    instructions: list[str]
    sheets: list[Sheet]
    sections: list[DraftSection] = field(default_factory=list)
    instructions_cli: list[str] = field(default_factory=list)  # a workbook for the CLI only
    instructions_portal: list[str] = field(default_factory=list)  # a workbook from the portal only

    def sheet(self, key: str) -> Sheet:
        return next(s for s in self.sheets if s.key == key)

    def key(self, role: str) -> str:
        """The table key of the sheet playing ROLE ('' if the type has none: nothing to read)."""
        return next((s.key for s in self.sheets if s.role == role), "")

    def by_role(self, role: str) -> Sheet | None:
        return next((s for s in self.sheets if s.role == role), None)


def parse_layout(raw: dict, rel: str) -> Layout:
    def fail(key: str, message: str) -> None:
        raise InputError(error("E-TEMPLATE", Location(file=rel, column=key), message,
                               "see docs/templates.md for the 'workbook' format"))

    book = raw.get("workbook")
    if not isinstance(book, dict) or not isinstance(book.get("sheets"), list):
        fail("workbook", "'workbook' must have a 'file' and a list of 'sheets'")
    sheets = []
    for n, s in enumerate(book["sheets"], start=1):
        key = f"workbook.sheets[{n}]"
        if not isinstance(s, dict) or not s.get("key") or not s.get("sheet"):
            fail(key, "a sheet needs a 'key' (the table name) and a 'sheet' (its name in the workbook)")
        role = str(s.get("role", ""))
        if role not in ROLES:
            fail(f"{key}.role", f"role '{role}' is unknown; use one of: {', '.join(ROLES)}")
        if any(other.role == role for other in sheets):
            fail(f"{key}.role", f"two sheets have the role '{role}'")
        layout = s.get("layout", "table")
        if layout not in LAYOUTS:
            fail(f"{key}.layout", f"layout must be one of: {', '.join(LAYOUTS)}")
        columns = []
        for m, c in enumerate(s.get("columns") or [], start=1):
            ckey = f"{key}.columns[{m}]"
            if not isinstance(c, dict) or not c.get("name") or not c.get("header"):
                fail(ckey, "a column needs a 'name' and a 'header'")
            unknown = sorted(set(c) - _COLUMN_KEYS)
            if unknown:
                fail(f"{ckey}.{unknown[0]}", f"unknown key '{unknown[0]}'")
            kind = c.get("kind", "text")
            if kind not in COLUMN_KINDS:
                fail(f"{ckey}.kind", f"kind '{kind}' is unknown; use one of: {', '.join(COLUMN_KINDS)}")
            choices = tuple(str(x) for x in c.get("choices") or ())
            if c.get("list") == "sections":
                choices = tuple(str(x["title"]) for x in raw.get("sections") or [])
            columns.append(SheetColumn(
                Column(str(c["name"]), bool(c.get("required", False)), kind, choices, c.get("entity", "")),
                header=str(c["header"]), example=c.get("example", ""), help=str(c.get("help", "")),
                width=int(c.get("width", 16)), list=str(c.get("list", ""))))
        sheets.append(Sheet(str(s["key"]), str(s["sheet"]), role, layout, tuple(columns)))
    sections = []
    for n, s in enumerate(raw.get("sections") or [], start=1):
        if not isinstance(s, dict) or not all(s.get(k) for k in ("id", "title", "content", "hint")):
            fail(f"sections[{n}]", "a section needs 'id', 'title', 'content' and 'hint'")
        if str(s["content"]) not in CONTENTS:
            raise InputError(error("E-TEMPLATE", Location(file=rel, column=f"sections[{n}].content"),
                                   f"section content '{s['content']}' is unknown",
                                   one_of(str(s["content"]), list(CONTENTS), "")))
        sections.append(DraftSection(str(s["id"]), str(s["title"]), str(s["content"]), str(s["hint"]),
                                     str(s.get("file", ""))))
    return Layout(file=str(book.get("file", "strategie.xlsx")), title=str(book.get("title", "")),
                  instructions=[str(x) for x in book.get("instructions") or []], sheets=sheets,
                  sections=sections, instructions_cli=[str(x) for x in book.get("instructions_cli") or []],
                  instructions_portal=[str(x) for x in book.get("instructions_portal") or []])


@functools.cache  # read once per process: a batch builds hundreds of towns from one template
def draft_template(name: str = TEMPLATE) -> tuple[Template, Layout]:
    template = load_template(name)
    rel = template.shown()
    with lines_for({rel: template.folder / "template.yaml"}):  # each finding gets its key's line
        return template, parse_layout(template.raw, rel)


def is_draft(folder: Path, layout: Layout | None = None) -> bool:
    """Whether FOLDER holds a draft workbook (checked without loading the draft machinery)."""
    layout = layout or draft_template()[1]
    return (Path(folder) / layout.file).is_file()
