"""Where each part of the content tree came from: the map that travels beside the tree.

The tree itself holds no source places (see tree.py): renderers must not depend on them. The
assemblers note, for each block, heading and chapter they make, the place in the inputs it came
from — a Markdown file and line, a sheet's row and column, a key of edition.yaml — and the
runner hands this map on with the tree. The Word round trip reads it to find where an edit made
in the DOCX belongs; findings about a block can name its place.

Blocks are keyed by identity (the same object the tree holds), so the map stays right however
the tree is walked,."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Location


def input_files(root: Path, base: Path | None = None) -> Iterator[tuple[str, Path]]:
    """Every input file below ROOT, sorted, with its path relative to BASE (default ROOT) in '/'
    form. Hidden files (.absorb/ copies) and editor lock files (~$…) are no inputs."""
    base = base or root
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        if not any(part.startswith((".", "~$")) for part in Path(rel).parts):
            yield rel, path


@dataclass(frozen=True)
class Place:
    """One place in the inputs. A text file: `file` and `line` (up to `end`); a table: `file`,
    `sheet` (a workbook's sheet; None for CSV), `row` and `column` as the file spells it; a YAML
    file: `file` and `key` ('chapters[3].title')."""

    file: str
    line: int | None = None
    end: int | None = None  # last line of a block spanning several
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None

    @classmethod
    def of(cls, where: Location) -> Place:
        """The place a finding's location names: a line of a text file, a key of a YAML file or
        a cell (row, column) of a table."""
        file = where.file or ""
        if file.endswith((".yaml", ".yml")):
            return cls(file, line=where.row, key=where.column)
        if file.endswith((".md", ".markdown", ".txt")):
            return cls(file, line=where.row)
        return cls(file, sheet=where.sheet, row=where.row, column=where.column)

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}" if self.end in (None, self.line) else f"lines {self.line}–{self.end}")
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.key:
            parts.append(f"key '{self.key}'")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SourceMap:
    """Tree node (by identity) → the place it came from, and for a node assembled from several
    cells (a contact, a card, a profile) the place of each of its fields."""

    _entries: dict[int, tuple[object, Place | None, dict[str, Place]]] = field(default_factory=dict)

    def note(self, node: object, place: Place | None, fields: dict[str, Place] | None = None) -> object:
        """Remember where NODE came from; returns NODE, so an assembler can note while it builds.
        The node is kept with its entry, so its id cannot be reused by another object."""
        _, old_place, old_fields = self._entries.get(id(node), (node, None, {}))
        self._entries[id(node)] = (node, place or old_place, {**old_fields, **(fields or {})})
        return node

    def _entry(self, node: object):
        entry = self._entries.get(id(node))
        return entry if entry is not None and entry[0] is node else None

    def place(self, node: object) -> Place | None:
        entry = self._entry(node)
        return entry[1] if entry else None

    def fields(self, node: object) -> dict[str, Place]:
        entry = self._entry(node)
        return dict(entry[2]) if entry else {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, node: object) -> bool:
        return self._entry(node) is not None
