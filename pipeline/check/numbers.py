"""Heading numbers: no two headings of one document carry the same number, and the numbers
read forwards.

A heading carries a number when its text begins with one: a chapter's „8. Evaluation“, a field
of action's „8.1.1 Vernetzung“, or a labelled one such as „Handlungsfeld 3: Wohnen“ (kept apart
from the plain numbers: „Handlungsfeld 3“ is not chapter 3). A plan that numbers its fields of
action 8 and 9 inside a document whose own chapters 8 and 9 follow would print two headings „8“
and make a reference such as „(8.2.2)“ ambiguous; the check names the cell that gives each
number, so the author can renumber one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline.errors import Finding, Location, error, warning
from pipeline.tree import Chapter, Document, Section, walk_sections

# '8. Evaluation', '8.1.1 Vernetzung', 'Handlungsfeld 3: Wohnen'
_NUMBERED = re.compile(r"(?:(?P<label>[^\W\d]+) (?=\d[\d.]*:))?(?P<number>\d{1,4}(?:\.\d{1,4})*)\.?(?=[\s:]|$)")


def heading_number(title: str) -> tuple[str, str] | None:
    """(label, number) a heading's text begins with: ('', '8.1') for '8.1 Bildung', ('Handlungsfeld',
    '3') for 'Handlungsfeld 3: Wohnen'; None for a heading without a number."""
    m = _NUMBERED.match(title.strip())
    return (m.group("label") or "", m.group("number")) if m else None


def numbered_headings(doc: Document) -> Iterator[tuple[Chapter | Section, str, tuple[str, str]]]:
    """Every numbered chapter and section heading in reading order: (node, title, (label, number))."""
    for chapter in doc.chapters:
        for node in (chapter, *walk_sections(chapter.sections)):
            key = heading_number(node.title)
            if key is not None:
                yield node, node.title, key


def _parts(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def check_heading_numbers(doc: Document, locate: Callable[[Chapter | Section], Location],
                          hint: str) -> list[Finding]:
    """E-DUPLICATE-NUMBER for a heading whose number an earlier heading already carries, at the
    place that gives the later one (LOCATE), naming the earlier; W-NUMBER-ORDER for a plain
    number that sorts before the one above it (6 → 8 → 9 → 7). HINT says how to renumber."""
    findings: list[Finding] = []
    seen: dict[tuple[str, str], tuple[str, Location]] = {}
    last: tuple[str, tuple[int, ...]] | None = None
    for node, title, key in numbered_headings(doc):
        where = locate(node)
        label, number = key
        if key in seen:
            first, first_where = seen[key]
            findings.append(error(
                "E-DUPLICATE-NUMBER", where,
                f"the heading '{title}' carries the number {number}, as does '{first}' ({first_where}): "
                "a reference to it would be ambiguous", hint,
                args={"title": title, "number": number, "other": first, "other_place": str(first_where)}))
            continue
        seen[key] = (title, where)
        if label:
            continue
        if last is not None and _parts(number) < last[1]:
            findings.append(warning(
                "W-NUMBER-ORDER", where,
                f"the heading '{title}' ({number}) follows '{last[0]}': the numbers go backwards", hint,
                args={"title": title, "number": number, "other": last[0]}))
        last = (title, _parts(number))
    return findings
