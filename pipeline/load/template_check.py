"""Checks of a brochure type and an edition's settings when they load, for template authors:
unknown keys, files template.yaml names that do not exist, blocks of an unknown type or table,
and `{field}` patterns naming no column of their table. Every mistake is one finding with
file, key and line and a "did you mean", instead of a traceback or a silently ignored setting."""

from __future__ import annotations

import re
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from pipeline.load import type_folders, yaml_load
from pipeline.errors import Finding, InputError, Location, did_you_mean, error, warning
from pipeline.load.records import Column
from pipeline.load.template_keys import (BLOCK_KEYS, BLOCK_NOT_PATTERNS, CHAPTER, EDITION_KEYS, FIELD_PATTERN,
                                         ENGINE_LABELS, TEMPLATE_FILES, TEMPLATE_KEYS)
from pipeline.load.yaml_keys import check_keys, path_text

_CHAPTER_PATTERNS = tuple(k for k in CHAPTER if k in ("title", "subtitle", "running_head", "text", "profile"))


class _Lines:
    """Key lines of one file, parsed only when a finding needs one."""
    def __init__(self, path: Path):
        self.path = path
        self._lines: dict[tuple, int] | None = None

    def __call__(self, path: tuple) -> int | None:
        if self._lines is None:
            try:
                self._lines = yaml_load.key_lines(self.path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                self._lines = {}
        return self._lines.get(path)


def template_keys(raw: dict, path: Path, rel: str) -> list[Finding]:
    return check_keys(raw, TEMPLATE_KEYS, rel, _Lines(path))


def edition_keys(raw: dict, path: Path, rel: str) -> list[Finding]:
    return check_keys(raw, EDITION_KEYS, rel, _Lines(path))


def template_files(raw: dict, folder: Path, rel: str, must_exist: bool = True) -> list[Finding]:
    """Every file template.yaml names must be a file inside the type's folder (with MUST_EXIST
    false: inside it, existing or not, for the tool that writes it)."""
    lines = _Lines(folder / "template.yaml")
    defaults = {"typst": "brochure.typ", "reference_docx": "reference.docx"}
    findings = []
    for key in TEMPLATE_FILES:
        value = raw.get(key, defaults.get(key))
        names = value if isinstance(value, list) else [value]
        for n, name in enumerate(names):
            kpath = (key, n) if isinstance(value, list) else (key,)
            where = Location(file=rel, row=lines(kpath) or lines((key,)), column=path_text(kpath))
            if not isinstance(name, str) or not name.strip():
                findings.append(error("E-TEMPLATE-FILE", where, f"'{path_text(kpath)}' must be a file name, not {name!r}"[:200],
                                      f"write e.g. {key}: {defaults.get(key, 'file')}"))
                continue
            if reason := type_folders.leaves(folder, name, shared=key == "typst"):
                findings.append(error("E-TEMPLATE-FILE", where, f"'{path_text(kpath)}' names '{name}', which {reason}"[:300],
                                      _file_hint(key, folder)))
                continue
            file = type_folders.typst_file(folder, name) if key == "typst" else folder / name
            if not must_exist:
                continue
            if file.is_file():
                if key == "reference_docx" and not _is_docx(file):
                    findings.append(error("E-TEMPLATE-FILE", where, f"'{name}' is not a Word document (.docx) with styles",
                                          _file_hint(key, folder) + ", or save it from Word as .docx"))
                continue
            findings.append(error("E-TEMPLATE-FILE", where,
                                  f"'{path_text(kpath)}' names '{name}', which is not a file in {rel.rsplit('/', 1)[0]}/",
                                  did_you_mean(name, _files_near(folder, name)) + _file_hint(key, folder)))
    return findings


OWN_FILES = ("template.yaml", "spec.yaml", "fonts")  # read from a type's folder by name, when present


def own_file_findings(folder: Path, rel_folder: str) -> list[Finding]:
    """The files a type holds by name (template.yaml, spec.yaml, fonts/) must not link out of its folder."""
    out = []
    for name in OWN_FILES:
        if (folder / name).exists() or (folder / name).is_symlink():
            if reason := type_folders.leaves(folder, name):
                out.append(error("E-TEMPLATE-FILE", Location(file=f"{rel_folder}/{name}"), f"'{name}' {reason}",
                                 f"put the file itself into {rel_folder}/, not a link to it"))
    return out


def _is_docx(path: Path) -> bool:
    """A zip holding word/styles.xml: read from the zip's directory, nothing unpacked."""
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist() and "word/styles.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _files_near(folder: Path, name: str) -> list[str]:
    """The files beside where NAME points (its folder, or the type's folder), written as NAME is."""
    parent = Path(name).parent
    where = folder / parent if (folder / parent).is_dir() else folder
    if where == folder and name.startswith(type_folders.SHARED):
        where = type_folders.SHIPPED / "common"  # an outside type without common/ joins the shipped one
    prefix = "" if where == folder else parent.as_posix() + "/"
    return sorted(prefix + p.name for p in where.iterdir() if p.is_file())


def _file_hint(key: str, folder: Path) -> str:
    if key == "reference_docx":
        return f"make it with: brochure type reference-docx {type_folders.type_argument(folder)}"
    return "the path is relative to the type's folder, e.g. ../common/blocks.typ"


def block_findings(blocks: object, schemas: dict[str, tuple[Column, ...]], rel: str, prefix: tuple,
                   lines: _Lines) -> list[Finding]:
    """Each named block: a known type, a declared table, patterns naming that table's columns."""
    if not isinstance(blocks, dict):
        return []
    findings = []
    for name, spec in blocks.items():
        bpath = (*prefix, str(name))
        if not isinstance(spec, dict):
            findings.append(error("E-TEMPLATE", Location(file=rel, row=lines(bpath), column=path_text(bpath)),
                                  f"block '{name}' must be a mapping (type, table, …)", "see docs/templates.md"))
            continue
        kind = spec.get("type")
        if kind not in BLOCK_KEYS:
            findings.append(error("E-TEMPLATE", Location(file=rel, row=lines((*bpath, "type")) or lines(bpath),
                                                         column=path_text((*bpath, "type"))),
                                  f"block '{name}' has type {kind!r}; the block types are: {', '.join(BLOCK_KEYS)}",
                                  did_you_mean(str(kind), list(BLOCK_KEYS)) + "see docs/templates.md"))
        table = spec.get("table")
        if table is None:
            continue
        if str(table) not in schemas:
            findings.append(error("E-TEMPLATE", Location(file=rel, row=lines((*bpath, "table")),
                                                         column=path_text((*bpath, "table"))),
                                  f"block '{name}' reads table '{table}', which this brochure type does not declare",
                                  did_you_mean(str(table), sorted(schemas))
                                  + "tables of this type: " + ", ".join(sorted(schemas))
                                  + "; declare a new one under 'tables:' in template.yaml"))
            continue
        columns = [c.name for c in schemas[str(table)]]
        # a figures block's title is filled from the chapter's row, like its `where:` values
        skip = (*BLOCK_NOT_PATTERNS, "title") if kind == "figures" else BLOCK_NOT_PATTERNS
        findings += pattern_findings({k: v for k, v in spec.items() if k not in skip}, columns,
                                     f"block '{name}'", f"table '{table}'", rel, bpath, lines)
        if isinstance(spec.get("where"), dict):
            for column in spec["where"]:
                if str(column) not in columns:
                    wpath = (*bpath, "where", str(column))
                    findings.append(error("E-UNKNOWN-FIELD", Location(file=rel, row=lines(wpath), column=path_text(wpath)),
                                          f"block '{name}' selects rows by '{column}', which is not a column of table '{table}'",
                                          did_you_mean(str(column), columns) + "columns: " + ", ".join(columns)))
    return findings


def pattern_findings(values: dict, columns: list[str], what: str, table: str, rel: str, prefix: tuple,
                     lines: _Lines) -> list[Finding]:
    """E-UNKNOWN-FIELD for each `{name}` in VALUES (texts, lists or mappings of them) that is no column."""
    findings = []

    def walk(value: object, path: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*path, str(k)))
        elif isinstance(value, list):
            for n, v in enumerate(value):
                walk(v, (*path, n))
        elif isinstance(value, str):
            for field in dict.fromkeys(FIELD_PATTERN.findall(value)):
                if field not in columns:
                    findings.append(error(
                        "E-UNKNOWN-FIELD", Location(file=rel, row=lines(path), column=path_text(path)),
                        f"{what}: '{{{field}}}'" + (f" in '{value}'" if value.strip() != f"{{{field}}}" else "")
                        + f" is not a column of {table}; it would print empty"[:300],
                        did_you_mean(field, columns) + "columns: " + ", ".join(columns)))
    for key, value in values.items():
        walk(value, (*prefix, key))
    return findings


def check_template(raw: dict, folder: Path, rel: str, schemas: dict[str, tuple[Column, ...]]) -> list[Finding]:
    """Files and blocks of template.yaml (the keys are checked before its tables are read)."""
    lines = _Lines(folder / "template.yaml")
    return template_files(raw, folder, rel) + block_findings(raw.get("blocks"), schemas, rel, ("blocks",), lines) \
        + cover_findings(raw, rel, lines)


_OWN_LABEL = re.compile(r'\bL\.([A-Za-z_]\w*)|\bL\.at\(\s*"([^"]+)"')


def label_findings(raw: dict, typst: list[Path], path: Path, rel: str) -> list[Finding]:
    """W-UNKNOWN-LABEL for a label one slip away from a label brochure or the type's Typst reads
    (`contnets`, `phon`) but not one itself: the engine would print its default instead. A label
    far from all of them is the type's own (a Typst file may build its name), and left alone."""
    labels = raw.get("labels")
    if not isinstance(labels, dict):
        return []
    own = {a or b for f in typst if f.is_file() for a, b in _OWN_LABEL.findall(f.read_text(encoding="utf-8"))}
    known = sorted(set(ENGINE_LABELS) | own)
    lines = _Lines(path)
    out = []
    for name in map(str, labels):
        near = [k for k in known if _one_slip(name, k)]
        if name not in known and near:
            out.append(warning("W-UNKNOWN-LABEL", Location(file=rel, row=lines(("labels", name)), column=f"labels.{name}"),
                               f"label '{name}' is printed by nothing: brochure prints its own wording for "
                               f"'{near[0]}' instead", f"did you mean '{near[0]}'? Rename the label"))
    return out


def _one_slip(a: str, b: str) -> bool:
    """A and B differ by one letter dropped, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


COVER_LINES = ("publisher", "title", "rule", "subtitle", "programme", "items")  # as render/docx_cover.py draws them


def cover_findings(raw: dict, rel: str, lines) -> list[Finding]:
    """`docx_cover`'s values, each within what the Word cover can draw: never clamped or
    replaced by a default in silence."""
    cover = raw.get("docx_cover")
    if not isinstance(cover, dict):
        return []
    out = []

    def bad(key: tuple, message: str, hint: str) -> None:
        out.append(error("E-BAD-VALUE", Location(file=rel, row=lines(("docx_cover", *key)), column=path_text(("docx_cover", *key))),
                         message[:200], hint))
    if "band" in cover:
        m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*%?\s*", str(cover["band"]))
        if not m or not 10 <= float(m.group(1).replace(",", ".")) <= 100:
            bad(("band",), f"the cover band's height {cover['band']!r} is not between 10 % and 100 % of the page",
                "write e.g. band: 62% (100% fills the page)")
    inset = cover.get("inset_mm")
    for key, value in (inset.items() if isinstance(inset, dict) else ()):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            bad(("inset_mm", key), f"the cover's inset {key} {value!r} is not a number of millimetres from 0 to 100",
                "write e.g. inset_mm: {x: 22, top: 34}")
    if "lines" in cover:
        given = cover["lines"]
        known = [*COVER_LINES, *(raw.get("labels") or {})]
        if not isinstance(given, list) or not given:
            bad(("lines",), f"the cover's lines {given!r} name no line: the cover would be empty",
                "list them, e.g. lines: [publisher, title, rule, subtitle, programme]; leave the key out for that order")
        else:
            for n, name in enumerate(given):
                if str(name) not in known:
                    bad(("lines", n), f"unknown cover line {name!r}",
                        "use " + ", ".join(COVER_LINES) + ", or a label of this type (labels:)")
    return out


def check_edition(raw: dict, path: Path, rel: str, schemas: dict[str, tuple[Column, ...]],
                  type_blocks: dict | None = None, type_rel: str = "template.yaml") -> list[Finding]:
    """The edition's own blocks, the blocks its chapters and imprint name, and the `{field}`
    patterns of its chapters made from a table."""
    lines = _Lines(path)
    findings = block_findings(raw.get("blocks"), schemas, rel, ("blocks",), lines)
    if type_blocks is not None:
        findings += named_block_findings(raw, type_blocks, rel, lines, type_rel)
    for n, ch in enumerate(raw.get("chapters") or []):
        if not isinstance(ch, dict) or ch.get("kind") != "each" or str(ch.get("table")) not in schemas:
            continue
        columns = [c.name for c in schemas[str(ch["table"])]]
        findings += pattern_findings({k: ch[k] for k in _CHAPTER_PATTERNS if k in ch}, columns,
                                     f"chapter {n + 1}", f"table '{ch['table']}'", rel, ("chapters", n), lines)
    return findings


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def key_path(text: str) -> tuple:
    """'chapters[3].signature' → ('chapters', 2, 'signature'): path_text read back."""
    return tuple(int(n) - 1 if n else name for name, n in _PART.findall(text))


def with_lines(findings: list[Finding], files: dict[str, Path]) -> list[Finding]:
    """The line of each finding on a YAML file that names a key path but no line yet."""
    lines = {rel: _Lines(path) for rel, path in files.items()}
    out = []
    for f in findings:
        loc = f.location
        if loc.row is None and loc.column and loc.file in lines:
            path = key_path(loc.column)
            line = next((n for k in range(len(path), 0, -1) if (n := lines[loc.file](path[:k]))), None)
            f = replace(f, location=replace(loc, row=line))
        out.append(f)
    return out


@contextmanager
def lines_for(files: dict[str, Path]):
    """Findings raised inside get the line of the key they name (see with_lines)."""
    try:
        yield
    except InputError as exc:
        raise InputError(with_lines(exc.findings, files)) from None


def named_block_findings(raw: dict, type_blocks: dict, rel: str, lines: _Lines, type_rel: str) -> list[Finding]:
    """E-UNKNOWN-BLOCK at each `blocks:` item of a chapter and `block:` of an imprint entry that
    names no block: found here, at its line, rather than once per row the chapter is made from."""
    own = raw.get("blocks") if isinstance(raw.get("blocks"), dict) else {}
    names = ["box", *sorted(set(map(str, type_blocks)) | set(map(str, own)))]
    named: list[tuple[tuple, object]] = []
    for n, ch in enumerate(raw.get("chapters") or []):
        items = ch.get("blocks") if isinstance(ch, dict) else None
        if isinstance(items, list):
            named += [((("chapters", n, "blocks", k)), name) for k, name in enumerate(items)]
        elif items is not None:
            kpath = ("chapters", n, "blocks")
            named.append((kpath, items))
    for n, item in enumerate(raw.get("imprint") or []):
        if isinstance(item, dict) and item.get("block"):
            named.append((("imprint", n, "block"), item["block"]))
    out = []
    for kpath, name in named:
        if isinstance(name, str) and name in names:
            continue
        where = Location(file=rel, row=lines(kpath) or lines(kpath[:-1]), column=path_text(kpath))
        if not isinstance(name, str):
            out.append(error("E-BAD-VALUE", where, f"'{path_text(kpath)}' must be a block name, not {name!r}"[:200],
                             "write e.g. blocks: [" + (names[-1] if len(names) > 1 else "name") + "]"))
            continue
        out.append(error("E-UNKNOWN-BLOCK", where,
                         f"there is no block '{name}'"[:200],
                         did_you_mean(name, names) + f"blocks of this brochure type ({type_rel} blocks:)"
                         + (" and of this edition (blocks:)" if own else "") + ": " + ", ".join(names)))
    return out
