"""Text cells as people type them in Excel: Alt+Enter line breaks, „- “/„• “ bullets and
„1.“ numbered lines become paragraphs and lists, never a literal dash.

A line counts as numbered only in a run of at least two lines numbered in sequence, so a
paragraph that starts „1. Februar 2010 fand …“ stays a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BULLET = re.compile(r"^(?P<indent>\s*)[-–•*·▪]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^(?P<indent>\s*)(?P<n>\d{1,2})[.)]\s+(?P<text>\S.*)$")
INDENT = 2  # spaces (or one tab) per nesting level


@dataclass(frozen=True)
class Line:
    kind: str  # 'text', 'bullet' or 'number'
    text: str  # without its marker
    level: int = 0
    number: int = 0


def _level(indent: str) -> int:
    return min(len(indent.replace("\t", " " * INDENT)) // INDENT, 2)


def lines(text: str) -> list[Line]:
    """The cell's non-empty lines, each with its list marker (if any) taken off."""
    raw = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raw = [line for line in raw if line.strip()]
    numbered = [NUMBERED.match(line) for line in raw]
    out: list[Line] = []
    for i, line in enumerate(raw):
        m = numbered[i]
        if m and _in_sequence(numbered, i):
            out.append(Line("number", m["text"].strip(), _level(m["indent"]), int(m["n"])))
        elif b := BULLET.match(line):
            out.append(Line("bullet", b["text"].strip(), _level(b["indent"])))
        else:
            out.append(Line("text", line.strip()))
    return out


def _in_sequence(numbered: list, i: int) -> bool:
    """Line i is numbered and a neighbour carries the number before or after it."""
    n = int(numbered[i]["n"])
    before = i > 0 and numbered[i - 1] and int(numbered[i - 1]["n"]) == n - 1
    after = i + 1 < len(numbered) and numbered[i + 1] and int(numbered[i + 1]["n"]) == n + 1
    return bool(before or after)


def groups(items: list[Line]) -> list[tuple[str, list[Line]]]:
    """Consecutive lines of one kind: ('text', [line]) for each paragraph, ('bullet', [...]) or
    ('number', [...]) for each list."""
    out: list[tuple[str, list[Line]]] = []
    for item in items:
        if item.kind != "text" and out and out[-1][0] == item.kind:
            out[-1][1].append(item)
        else:
            out.append((item.kind, [item]))
    return out


def as_cell(text: str) -> str:
    """A table cell's text: one line per typed line, bullets drawn as „•“, numbers kept."""
    shown = []
    for line in lines(text):
        pad = "\u2003" * line.level  # an em space per level: a visible indent in both formats
        if line.kind == "bullet":
            shown.append(f"{pad}•\u00a0{line.text}")
        elif line.kind == "number":
            shown.append(f"{pad}{line.number}.\u00a0{line.text}")
        else:
            shown.append(line.text)
    return "\n".join(shown)
