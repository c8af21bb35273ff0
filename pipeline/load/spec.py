"""A brochure type's requirements (templates/<type>/spec.yaml): what `check` holds an edition to.

Editors change the YAML, not Python; a mistake in it is reported like any other input error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.errors import InputError, Location, did_you_mean, error
from pipeline.load import type_folders
from pipeline.load.records import SCHEMAS, Column

SPEC_FILE = "spec.yaml"


@dataclass(frozen=True)
class ChapterRule:
    id: str | None = None  # a chapter id from edition.yaml …
    table: str | None = None  # … or the chapters made from this table
    title: str = ""
    text: bool = False
    sections: tuple[str, ...] = ()
    contacts: int = 0
    pages: int | None = None

    @property
    def name(self) -> str:
        return self.id or f"table '{self.table}'"

    def matches(self, chapter_id: str, table: str) -> bool:
        return bool((self.id and self.id == chapter_id) or (self.table and self.table == table))


@dataclass(frozen=True)
class RecordRule:
    required: tuple[str, ...] = ()
    recommended: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()


@dataclass
class Spec:
    chapters: list[ChapterRule] = field(default_factory=list)
    records: dict[str, RecordRule] = field(default_factory=dict)
    multiple_of: int | None = None
    min_dpi: int | None = None
    width_mm: dict[str, float] = field(default_factory=dict)
    placeholders: list[re.Pattern] = field(default_factory=list)
    duplicate_min_words: int = 8
    names: list[str] = field(default_factory=list)


_KEYS = {
    "": {"chapters", "records", "pages", "photos", "text", "names"},
    "chapter": {"id", "table", "title", "text", "sections", "contacts", "pages"},
    "record": {"required", "recommended", "one_of"},
    "pages": {"multiple_of"},
    "photos": {"min_dpi", "width_mm"},
    "width_mm": {"column", "full"},  # the photos table's `width` values
    "text": {"placeholders", "duplicate_min_words"},
}


class _Reader:
    def __init__(self, rel: str):
        self.rel = rel

    def fail(self, key: str, message: str, hint: str = "see docs/checks.md for the spec format") -> None:
        raise InputError(error("E-SPEC", Location(file=self.rel, column=key), message, hint))

    def mapping(self, value: object, key: str, kind: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"'{key or 'spec'}' must be a mapping of keys to values")
        unknown = sorted(set(map(str, value)) - _KEYS[kind])
        if unknown:
            self.fail(f"{key}.{unknown[0]}" if key else unknown[0], f"unknown key '{unknown[0]}'",
                      did_you_mean(unknown[0], sorted(_KEYS[kind])) + "known keys here: " + ", ".join(sorted(_KEYS[kind])))
        return value

    def names(self, value: object, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, f"'{key}' must be a list of names")
        return tuple(v.strip() for v in value)

    def number(self, value: object, key: str, minimum: int = 1) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, f"'{key}' must be a whole number of at least {minimum}, got {value!r}")
        return value

    def flag(self, value: object, key: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false, got {value!r}")
        return value


def parse_spec(data: object, rel: str, schemas: dict[str, tuple[Column, ...]] = SCHEMAS) -> Spec:
    r = _Reader(rel)
    top = r.mapping(data, "", "")
    spec = Spec()
    chapters = top.get("chapters") or []
    if not isinstance(chapters, list):
        r.fail("chapters", "'chapters' must be a list")
    for n, raw in enumerate(chapters, start=1):
        key = f"chapters[{n}]"
        c = r.mapping(raw, key, "chapter")
        if bool(c.get("id")) == bool(c.get("table")):
            r.fail(key, "a required chapter needs either 'id' or 'table', not both",
                   "write '- id: vorwort' for one chapter or '- table: <a table of this type>' for one per row")
        spec.chapters.append(ChapterRule(
            id=str(c["id"]) if c.get("id") else None, table=str(c["table"]) if c.get("table") else None,
            title=str(c.get("title") or c.get("id") or c.get("table")),
            text=r.flag(c.get("text"), f"{key}.text"),
            sections=r.names(c.get("sections"), f"{key}.sections"),
            contacts=r.number(c.get("contacts"), f"{key}.contacts", minimum=0) or 0,
            pages=r.number(c.get("pages"), f"{key}.pages")))
    records = top.get("records") or {}
    if not isinstance(records, dict):
        r.fail("records", "'records' must map table names to rules")
    for table, raw in records.items():
        key = f"records.{table}"
        if table not in schemas:
            r.fail(key, f"there is no table '{table}'", "known tables: " + ", ".join(schemas))
        rule = r.mapping(raw, key, "record")
        one_of = rule.get("one_of") or []
        if not isinstance(one_of, list):
            r.fail(f"{key}.one_of", "'one_of' must be a list of column lists, e.g. [[phone, email]]")
        parsed = RecordRule(
            required=r.names(rule.get("required"), f"{key}.required"),
            recommended=r.names(rule.get("recommended"), f"{key}.recommended"),
            one_of=tuple(r.names(group, f"{key}.one_of") for group in one_of))
        columns = {c.name for c in schemas[table]}
        for name in (*parsed.required, *parsed.recommended, *(c for g in parsed.one_of for c in g)):
            if name not in columns:
                r.fail(key, f"table '{table}' has no column '{name}'", "its columns: " + ", ".join(sorted(columns)))
        spec.records[str(table)] = parsed
    pages = r.mapping(top.get("pages"), "pages", "pages")
    spec.multiple_of = r.number(pages.get("multiple_of"), "pages.multiple_of")
    photos = r.mapping(top.get("photos"), "photos", "photos")
    spec.min_dpi = r.number(photos.get("min_dpi"), "photos.min_dpi")
    widths = r.mapping(photos.get("width_mm"), "photos.width_mm", "width_mm")
    if not isinstance(widths, dict) or not all(isinstance(v, (int, float)) and v > 0 for v in widths.values()):
        r.fail("photos.width_mm", "'width_mm' must map a width name to millimetres, e.g. column: 82")
    spec.width_mm = {str(k): float(v) for k, v in widths.items()}
    text = r.mapping(top.get("text"), "text", "text")
    for n, pattern in enumerate(r.names(text.get("placeholders"), "text.placeholders"), start=1):
        try:
            spec.placeholders.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            r.fail(f"text.placeholders[{n}]", f"'{pattern}' is not a valid regular expression: {exc}",
                   "write a plain word such as TODO, or quote the pattern in single quotes")
    spec.duplicate_min_words = r.number(text.get("duplicate_min_words"), "text.duplicate_min_words") or 8
    spec.names = list(r.names(top.get("names"), "names"))
    return spec


def load_spec(template_folder: Path, schemas: dict[str, tuple[Column, ...]] = SCHEMAS) -> Spec:
    """The type's spec; a type without spec.yaml has no editorial requirements."""
    path = template_folder / SPEC_FILE
    rel = type_folders.shown(path)
    if not path.is_file():
        return Spec()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(error("E-SPEC", Location(file=rel, row=mark.line + 1 if mark else None),
                               f"not valid YAML: {getattr(exc, 'problem', exc)}",
                               "check indentation; put patterns in single quotes")) from None
    return parse_spec(data, rel, schemas)
