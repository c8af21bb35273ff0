"""Unknown keys in a YAML file with a fixed schema: each one a finding with its line and a
"did you mean", so a misspelt setting (`colums`, `paper: a5`) is never silently ignored.

A schema is a dict of allowed keys, each mapping to the schema of its value: ANY (not checked
further), another dict, Named (keys the author chooses, e.g. block names), Items (a list),
ListOr (a list or a mapping) or Choose (the allowed keys depend on a value, e.g. a block's `type`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import Finding, Location, did_you_mean, error

ANY = None


@dataclass(frozen=True)
class Named:
    """A mapping of names the author chooses, each value following `of`."""
    of: object


@dataclass(frozen=True)
class Items:
    """A list, each mapping in it following `of` (plain texts in it are not checked)."""
    of: object


@dataclass(frozen=True)
class ListOr:
    """Either a list (each mapping in it following `items`) or a mapping following `mapping`."""
    items: object
    mapping: object


@dataclass(frozen=True)
class Choose:
    """A mapping whose keys depend on its value under `by`; an unknown value allows any key of any
    choice (the value itself is reported by whoever reads it)."""
    by: str
    choices: dict[str, dict]

    def schema(self, value: dict) -> dict:
        chosen = self.choices.get(str(value.get(self.by)))
        if chosen is not None:
            return chosen
        return {k: v for c in self.choices.values() for k, v in c.items()}


def path_text(path: tuple) -> str:
    """('chapters', 2, 'titel') → 'chapters[3].titel' (list items counted from 1, as elsewhere)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def unknown_keys(data: object, schema: object, path: tuple = ()) -> list[tuple[tuple, list[str]]]:
    """(path of each unknown key, the keys allowed beside it), in document order."""
    if schema is ANY:
        return []
    out: list[tuple[tuple, list[str]]] = []
    if isinstance(schema, ListOr):
        schema = Items(schema.items) if isinstance(data, list) else schema.mapping
    if isinstance(schema, Items):
        for n, item in enumerate(data if isinstance(data, list) else []):
            out += unknown_keys(item, schema.of, (*path, n))
        return out
    if not isinstance(data, dict):
        return []  # a wrong kind of value is the reader's to report
    if isinstance(schema, Named):
        for name, value in data.items():
            out += unknown_keys(value, schema.of, (*path, str(name)))
        return out
    if isinstance(schema, Choose):
        schema = schema.schema(data)
    for key, value in data.items():
        if str(key) in schema:
            out += unknown_keys(value, schema[str(key)], (*path, str(key)))
        else:
            out.append(((*path, str(key)), sorted(schema)))
    return out


def check_keys(data: object, schema: object, rel: str, line_of: Callable[[tuple], int | None]) -> list[Finding]:
    """E-UNKNOWN-KEY for every key the schema does not allow, naming file, key path and line
    (`line_of` a key path, e.g. yaml_load.key_lines(text).get)."""
    findings = []
    for path, allowed in unknown_keys(data, schema):
        key = path[-1]
        where = f"in '{path_text(path[:-1])}'" if len(path) > 1 else "at the top level"
        findings.append(error("E-UNKNOWN-KEY", Location(file=rel, row=line_of(path), column=path_text(path)),
                              f"unknown key '{key}' {where}: it would be ignored",
                              did_you_mean(key, allowed) + "allowed here: " + ", ".join(allowed)))
    return findings
