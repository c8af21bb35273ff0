"""Typst's errors, mapped back from the joined source to the template file and line they are in.

The type's `typst:` files are joined in order into one source (pdf.typst_source), so
Typst reports a line of that join; each file's first line in it is known, so the line is too."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import Finding, Location, error
from pipeline.load.type_folders import shown

# "error: unknown variable: foo\n  ┌─ …/__typst_py_bytes__.typ:3:1" — typst-py's diagnostic text; an error
# inside a function adds a "help: while calling `f`" with the call's place, innermost call first.
_DIAGNOSTIC = re.compile(r"^error: (?P<message>.*?)\n\s*┌─ (?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+)", re.M | re.S)
_TRACE = re.compile(r"^help: (?P<what>[^\n]*)\n\s*┌─ (?P<file>[^\n]*?):(?P<line>\d+):(?P<col>\d+)", re.M)
_HINT = re.compile(r"^\s*= hint: (.*)$", re.M)
_JOINED = "__typst_py_bytes__"
MAX_FINDINGS = 5


def line_starts(files: list[Path]) -> list[tuple[int, Path]]:
    """(first line in the joined source, file) for each file, joined with one newline between."""
    starts, line = [], 1
    for f in files:
        starts.append((line, f))
        line += f.read_bytes().count(b"\n") + 1
    return starts


def locate(line: int, starts: list[tuple[int, Path]]) -> tuple[Path, int]:
    """The file a line of the joined source comes from, and its line there."""
    first, path = starts[0]
    for s, p in starts:
        if s <= line:
            first, path = s, p
    return path, line - first + 1


def hint_for(message: str) -> str:
    """A hint that fits Typst's message."""
    m = message.lower()
    if m.startswith("unknown variable"):
        name = message.split(":", 1)[-1].strip()
        return (f"'{name}' is not defined where it is used: check its spelling, or define it (#let {name} = …) "
                "in this file or one listed before it in template.yaml 'typst:'")
    if "argument" in m:
        return "check the function's parameters: their names and how many it takes (Typst's documentation)"
    if m.startswith("expected") and ", found" in m:  # "expected function, found integer": a value, not syntax
        return "a value of another kind than expected is used here: check what is passed (Typst's message names both)"
    if m.startswith(("unclosed", "unexpected", "expected", "unterminated")) or "delimiter" in m \
            or "not valid in code" in m:
        return "a syntax error: check the brackets, quotes and commas at this line and the lines before it"
    if "file not found" in m or "failed to load" in m or "decode" in m or "image" in m:
        return "an image could not be read: check the image files the findings name, or the path in the template"
    if "does not contain key" in m or "cannot access" in m or "has no field" in m:
        return "the content data has no such field: docs/typst-data.md lists the data Typst receives"
    if "pdf/ua" in m:
        return "a PDF/UA-1 rule: see docs/accessibility.md"
    return "Typst could not typeset the template at this line; see Typst's message"


def typeset_findings(exc: Exception, files: list[Path]) -> list[Finding]:
    """One E-TYPESET per Typst error, naming the template file and line where it can: for an
    error inside the shared library, the line of the type's own file that called into it."""
    diagnostic = str(getattr(exc, "diagnostic", "") or "")
    starts = line_starts(files) if files else []
    findings = []
    for m in _DIAGNOSTIC.finditer(diagnostic):
        message = m["message"].strip()
        rest = diagnostic[m.end():].split("\nerror: ", 1)[0]
        own = _HINT.findall(rest)  # Typst's own hints for this error
        hint = "; ".join([hint_for(message), *(h.strip() for h in own)])
        col = int(m["col"]) + 1  # Typst counts columns from 0
        if _JOINED in m["file"] and starts:
            path, line, col, chain = _author_place(int(m["line"]), col, rest, starts, files[-1].parent)
            where = Location(file=shown(path), row=line)
            findings.append(error("E-TYPESET", where,
                                  f"the PDF could not be typeset: {message} (column {col}){chain}"[:800], hint))
        else:
            findings.append(error("E-TYPESET", Location(file=Path(m["file"]).name),
                                  f"the PDF could not be typeset: {message}"[:800], hint))
        if len(findings) == MAX_FINDINGS or hint_for(message).startswith("a syntax error"):
            break  # what follows a syntax error is mostly its echo
    if not findings:
        message = str(getattr(exc, "message", "") or exc).strip()
        findings.append(error("E-TYPESET", Location(file=shown(files[-1]) if files else None),
                              f"the PDF could not be typeset: {message}"[:800], hint_for(message)))
    return findings


def _author_place(line: int, col: int, trace: str, starts: list[tuple[int, Path]],
                  own: Path) -> tuple[Path, int, int, str]:
    """The file and line to report an error at line LINE of the joined source: its own place when
    that is in the type's folder OWN, else the innermost call from there (TRACE: Typst's "help:
    while calling" places), with the chain of calls that led from it into the shared library."""
    path, at = locate(line, starts)
    if _in(path, own):
        return path, at, col, ""
    steps = []  # (the function the place before is in, its call's file, line)
    for t in _TRACE.finditer(trace):
        if _JOINED not in t["file"]:
            continue
        name = re.search(r"`([^`]+)`", t["what"])
        steps.append((name[1] if name else t["what"].strip(), *locate(int(t["line"]), starts), int(t["col"]) + 1))
    text, inner = [], (path, at)
    for fn, call_path, call_line, call_col in steps:
        text.append(f"{fn} ({shown(inner[0])}:{inner[1]})")
        if _in(call_path, own):
            return call_path, call_line, call_col, \
                f"; in {' called from '.join(text)} called from {shown(call_path)}:{call_line}"
        inner = (call_path, call_line)
    return path, at, col, ""  # no call from the type's own files (a show rule, a context): the library's line


def _in(path: Path, folder: Path) -> bool:
    return path.resolve().parent == folder.resolve()
