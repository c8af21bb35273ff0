"""Column widths of a Word table from its content, measured with the brochure font.

The tree gives each table relative widths (the type's `widths:`, or a draft's from its content
by character counts). Word breaks a line wherever its column is too narrow: an e-mail address at
its hyphen, a phone number in two, a header word without a hyphen („Verantwortlic|h“). So the
Word renderer keeps the tree's widths as the preference and, like a browser's automatic table
layout, gives each column at least the least it needs, taking the room from the columns that
have more than they need:

- a header word whole (headers may be hyphenated, but only where no width would do);
- an e-mail or web address and a phone number whole, where the page allows it; where it does
  not, the address's pieces between `@ . /` (after which Word may break it);
- any other word up to LONGEST_WORD characters' width (a longer word is hyphenated).

Widths are measured with Source Sans Pro's advance widths at the table styles' sizes.
"""

from __future__ import annotations

import functools
import re

from pipeline.load import links

SLACK = 1.05  # word processors lay text out a little wider than its advance widths add up to
LONGEST_WORD = 10  # characters: a longer word may be hyphenated in its column
PHONE = re.compile(r"(?:\+|\b0)[\d ()/‐-]{5,}\d")  # 06074 8180-0, +49 6074 8180-0, (069) 212-0
_PIECE = re.compile(r"[^@./]+[@./]*|[@./]+")


@functools.lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance width per code point, in em, and the average width for a missing one."""
    from fontTools.ttLib import TTFont

    from pipeline.render.fonts import package_fonts
    name = "Bold" if bold else "Regular"
    path = next((p for p in package_fonts() if p.stem.endswith(f"-{name}")), None)
    if path is None:  # no font package: an average Latin letter
        return {}, 0.5
    font = TTFont(str(path), lazy=True)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    widths = {cp: hmtx[glyph][0] / upm for cp, glyph in font.getBestCmap().items()}
    return widths, sum(widths.get(ord(c), 0.5) for c in "etaoinshrdlu") / 12


def text_pt(text: str, size_pt: float, bold: bool = False) -> float:
    widths, average = _advances(bold)
    return sum(widths.get(ord(c), average) for c in text) * size_pt


def _pieces(text: str, hard: bool) -> list[str]:
    """The pieces of TEXT no line break may split: whole addresses and phone numbers when HARD,
    else the address pieces between `@ . /`; words beside them, long ones cut to LONGEST_WORD."""
    out: list[str] = []
    for line in text.split("\n"):
        rest = line
        for m in PHONE.finditer(line):
            out.append(m.group() if hard else max(m.group().split(), key=len))
        rest = PHONE.sub(" ", rest)
        for piece, uri in links.split(rest):
            if uri is not None:
                out += [piece] if hard else _PIECE.findall(piece)
            else:
                out += [w[:LONGEST_WORD] for w in piece.split()]
    return out


def fit(header: list[str], rows: list[list[str]], preferred: list[float], total_pt: float,
        padding_pt: float, body_pt: float = 9.0, header_pt: float = 9.0) -> list[float]:
    """Relative widths (summing to 1) for a table TOTAL_PT wide: PREFERRED as far as each column
    keeps its least (see the module's text); PADDING_PT is a cell's inset left and right."""
    n = len(preferred)
    columns = [[r[i] if i < len(r) else "" for r in rows] for i in range(n)]

    def least(hard: bool) -> list[float]:
        out = []
        for i in range(n):
            head = max((text_pt(w, header_pt, bold=True) for w in (header[i] if i < len(header) else "").split()),
                       default=0.0)
            body = max((text_pt(p, body_pt) for t in columns[i] for p in _pieces(t, hard)), default=0.0)
            out.append(max(head, body) * SLACK + padding_pt + 2.0)
        return out

    low = least(hard=True)
    if sum(low) > total_pt:
        low = least(hard=False)
    if sum(low) > total_pt:  # not even the pieces fit: share the width as the least needs
        return _normal([w for w in low])
    chosen = _share([p * total_pt for p in preferred], low, total_pt)
    return _normal(chosen)


def _share(wanted: list[float], low: list[float], total: float) -> list[float]:
    """WANTED scaled to TOTAL, each at least its LOW; the rest shared as WANTED says."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(wanted)) if i not in fixed]
        room = total - sum(fixed.values())
        weight = sum(wanted[i] for i in free) or 1.0
        share = {i: room * wanted[i] / weight for i in free}
        short = {i for i in free if share[i] < low[i]}
        if not short:
            fixed.update(share)
            return [fixed[i] for i in range(len(wanted))]
        fixed.update({i: low[i] for i in short})


def _normal(widths: list[float]) -> list[float]:
    total = sum(widths) or 1.0
    out = [round(w / total, 4) for w in widths]
    out[-1] = round(1 - sum(out[:-1]), 4)
    return out
