"""Three-way merge: edits found against the sources a copy was built from (the base), moved onto
the sources as they are now.

An edit lands if the sources did not change at its place since that build: a text edit whose
characters (and the paragraph around them) are unchanged, a cell or key whose value is as it
was (a table row is found again by its id when rows were added or removed). Where the sources
changed too, the edit is a conflict: listed, and the sources keep theirs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree

from pipeline.absorb.mapping import CellEdit, KeyEdit, TextEdit
from pipeline.absorb.write import (_cell_value, _heading_key, _shared_strings, _sheet_parts, apply_text, cell_form,
                                   find_cell, yaml_value)
from pipeline.errors import Location
from pipeline.load import yaml_load
from pipeline.load.sheets import decode_csv

CONTEXT = 40  # characters on each side of a text edit that must be unchanged too
DONE = object()  # the sources hold the edit already


def _text(folder: Path, rel: str) -> str | None:
    path = folder / rel
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data.decode("utf-8-sig")


def _csv_rows(folder: Path, rel: str) -> list[list[str]] | None:
    path = folder / rel
    if not path.is_file():
        return None
    text = decode_csv(path.read_bytes(), Location(file=rel))
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ";"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'))


def _xlsx_cell(folder: Path, rel: str, sheet: str, row: int, column: str) -> str | None:
    path = folder / rel
    if not path.is_file():
        return None
    with zipfile.ZipFile(path) as z:
        shared = _shared_strings(z)
        part = next((p for name, p in _sheet_parts(z).items() if _heading_key(name) == _heading_key(sheet)), None)
        if part is None:
            return None
        cell = find_cell(etree.fromstring(z.read(part)), shared, row, column)
    return _cell_value(cell, shared) if cell is not None else None


def _yaml_value(folder: Path, rel: str, key: str) -> str | None:
    from pipeline.absorb.write import _key_path
    text = _text(folder, rel)
    if text is None:
        return None
    line = yaml_load.key_lines(text).get(_key_path(key))
    if not line:
        return None
    m = re.match(r"^(\s*(?:- )?(?:[^:#\n]+:\s*)?)(.*?)(\s+#.*)?$", text.splitlines()[line - 1])
    return m.group(2) if m else None


class Rebase:
    def __init__(self, base: Path, now: Path, edits: list = ()):
        self.base, self.now = base, now
        self._ops: dict[str, list | None] = {}
        self.done = self.applied(list(edits))

    def _map(self, rel: str):
        if rel not in self._ops:
            a, b = _text(self.base, rel), _text(self.now, rel)
            self._ops[rel] = None if a is None or b is None else \
                (a, b, SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
        return self._ops[rel]

    def applied(self, edits: list) -> set:
        """The files whose every edit the sources already hold (absorbed before, then --apply)."""
        by_file: dict[str, list[TextEdit]] = {}
        for e in edits:
            if isinstance(e, TextEdit):
                by_file.setdefault(e.file, []).append(e)
        done = set()
        for rel, file_edits in by_file.items():
            base, now = self.base / rel, self.now / rel
            if base.is_file() and now.is_file():
                try:
                    if apply_text(base.read_bytes(), list(dict.fromkeys(file_edits)), rel) == now.read_bytes():
                        done.add(rel)
                except Exception:  # noqa: BLE001 (overlapping edits: not all applied as they stand)
                    pass
        return done

    def text(self, e: TextEdit) -> TextEdit | None:
        """E at the same place of the file as it is now, if that place and its surroundings are unchanged."""
        if e.file in self.done:
            return DONE
        mapped = self._map(e.file)
        if mapped is None:
            return e if _text(self.base, e.file) is None and _text(self.now, e.file) is None else None
        a, b, ops = mapped
        lo, hi = max(0, e.start - CONTEXT), min(len(a), e.end + CONTEXT)
        for op, i1, i2, j1, _j2 in ops:
            if op == "equal" and i1 <= lo and hi <= i2:
                return TextEdit(e.file, j1 + e.start - i1, j1 + e.end - i1, e.new)
        if a[lo:e.start] + e.new + a[e.end:hi] in b:
            return DONE  # the sources hold this edit already (absorbed before)
        return None

    def cell(self, e: CellEdit) -> CellEdit | None:
        place = e.place
        if place.file.endswith(".csv"):
            base, now = _csv_rows(self.base, place.file), _csv_rows(self.now, place.file)
            if not base or not now or place.column not in base[0] or place.column not in now[0]:
                return None
            row = base[place.row - 1] if place.row - 1 < len(base) else None
            if row is None:
                return None
            target = place.row
            if "id" in base[0] and "id" in now[0]:  # rows added or removed since: the row by its id
                rid = row[base[0].index("id")]
                target = next((n + 1 for n, r in enumerate(now) if n and len(r) > now[0].index("id")
                               and r[now[0].index("id")] == rid), None)
                if target is None:
                    return None
            was = row[base[0].index(place.column)] if base[0].index(place.column) < len(row) else ""
            cur_row = now[target - 1]
            col = now[0].index(place.column)
            cur = cur_row[col] if col < len(cur_row) else ""
            if cur != was and cur == cell_form(was, e.old, e.new):
                return DONE
            return replace(e, place=replace(place, row=target)) if cur == was else None
        if place.file.endswith(".xlsx"):
            was = _xlsx_cell(self.base, place.file, place.sheet or "", place.row, place.column or "")
            cur = _xlsx_cell(self.now, place.file, place.sheet or "", place.row, place.column or "")
            if was is not None and cur != was and cur == cell_form(was, e.old, e.new):
                return DONE
            return e if was is not None and was == cur else None
        return None

    def key(self, e: KeyEdit) -> KeyEdit | None:
        was, cur = _yaml_value(self.base, e.place.file, e.place.key or ""), \
            _yaml_value(self.now, e.place.file, e.place.key or "")
        if was is not None and cur is not None and cur != was and cur in (yaml_value(was, e.new), e.new):
            return DONE
        return e if was is not None and was == cur else None

    def edit(self, e):
        if isinstance(e, TextEdit):
            return self.text(e)
        if isinstance(e, CellEdit):
            return self.cell(e)
        return self.key(e)
