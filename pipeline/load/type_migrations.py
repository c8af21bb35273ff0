"""What a brochure type written for an earlier release may still use, and what replaced it: one
table, read by `check` and `build` before a type's Typst runs, so that an older type gets a
finding at its own line that names the replacement and shows the new form, not a Typst error
about an unknown variable.

A type says which format it is written for with `format:` in template.yaml; a type without it
is of format 1, the first release's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Finding, Location, error

FORMAT = 2  # the type format this release reads; an entry below names the format that dropped a thing


@dataclass(frozen=True)
class Migration:
    since: int  # the first format without OLD
    where: str  # "typst": a name in the type's .typ files; "template": a key of template.yaml
    old: str
    new: str
    example: str  # the new form, as the finding's hint shows it


MIGRATIONS = (
    Migration(2, "typst", "block-of", "drawers",
              "a dictionary of drawers, one per block type: override one with\n"
              "  #let drawers = drawers + (cards: (b, ctx) => my-cards(b, ctx.style))\n"
              "  #let chapter-body = chapter-body.with(drawers: drawers)\n"
              "and draw a block with (ctx.drawers.at(b.type))(b, ctx)"),
    Migration(2, "typst", "sys.inputs", "files in the compiler's root",
              'json("/content.json") for the content (common/blocks.typ reads it as d, meta and L: list\n'
              "  ../common/blocks.typ in template.yaml typst: before brochure.typ and use those)"),
    Migration(2, "typst", "photo-height", "photo's placeholder argument",
              "a photo drawer that gives the placeholder's height:\n"
              "  #let drawers = drawers + (photo: (b, ctx) => photo(b, ctx.style, placeholder: 36mm))\n"
              "  #let chapter-body = chapter-body.with(drawers: drawers)"),
    Migration(2, "typst", "pair-chars", "rows kept together by their measured height",
              "nothing: delete the line; a table's row pairs are held together by the height they take"),
    Migration(2, "typst", "row-chars", "rows kept together by their measured height",
              "nothing: delete the line; a table's row pairs are held together by the height they take"),
)


def _format(raw: dict, rel: str) -> tuple[int, list[Finding]]:
    value = raw.get("format", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return 1, [error("E-BAD-VALUE", Location(file=rel, column="format"), f"'format' must be a whole number, got {value!r}"[:200],
                         f"write format: {FORMAT}")]
    if value > FORMAT:
        return value, [error("E-TYPE-FORMAT", Location(file=rel, column="format"),
                             f"the brochure type is written for format {value}; this version of brochure reads format "
                             f"{FORMAT} and older", "update brochure (pip install -U), or use a type written for this version")]
    return value, []


def migration_findings(raw: dict, folder: Path, rel: str) -> list[Finding]:
    """A finding for each use of something an earlier format had and this one has not, at its
    line, with what replaced it; and for a `format:` this release cannot read."""
    written, findings = _format(raw, rel)
    if findings:
        return findings
    said = f"format {written}" + ("" if "format" in raw else " (no 'format:' in template.yaml)")
    for m in MIGRATIONS:
        if written >= m.since:
            continue
        if m.where == "template" and m.old in raw:
            findings.append(error("E-TYPE-MIGRATION", Location(file=rel, column=m.old),
                                  f"'{m.old}' was replaced by '{m.new}' in type format {m.since}; this type is written "
                                  f"for {said}", f"write {m.example}, then set format: {FORMAT}"))
        elif m.where == "typst":
            findings += _typst_uses(m, folder, rel.rpartition("/")[0], said)
    return findings


def _typst_uses(m: Migration, folder: Path, type_rel: str, said: str) -> list[Finding]:
    name = re.compile(rf"(?<![\w.-]){re.escape(m.old)}(?![\w-])")
    out = []
    for path in sorted(folder.glob("*.typ")):
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if name.search(line.split("//")[0]):
                out.append(error("E-TYPE-MIGRATION", Location(file=f"{type_rel}/{path.name}", row=n),
                                 f"'{m.old}' was replaced by '{m.new}' in type format {m.since}; this type is written "
                                 f"for {said}", f"use {m.example}; then set format: {FORMAT} in template.yaml"))
                break  # once per file: the first use shows the way
    return out
