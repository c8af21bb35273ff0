"""Column widths from a table's content.

A row is as tall as its fullest cell, so a table is shortest when each column's width follows
how much text its cells typically hold (the median: one long cell must not starve the rest).
No column gets less than its longest word (capped: a longer German compound is hyphenated) or
its longest unbreakable piece (a phone number, a part of an address between '@', '.' and '/'),
nor more than its longest line needs; what one column cannot use goes to the others. The PDF
raises a column to its measured unbreakable width again at layout time (data-table in
templates/common/blocks.typ), where the real column width is known.
"""

from __future__ import annotations

from statistics import median

from pipeline.load.links import unbreakable

LINE = 110  # characters of a table cell's size (9 pt) across a LINE_MM text column, padding included
LINE_MM = 160.0
LONGEST_WORD = 13  # a longer word is hyphenated rather than widen its column further ("Verwaltung" stays whole)
PADDING = 3  # characters' worth of cell inset


def line_for(text_width_mm: float) -> int:
    """How many characters of cell text a column TEXT_WIDTH_MM wide holds (LINE at LINE_MM)."""
    return max(20, round(LINE * text_width_mm / LINE_MM))


def fit_widths(header: list[str], rows: list[list[str]], line: int = LINE,
               unbroken: frozenset[int] = frozenset()) -> list[float]:
    """Relative widths (summing to 1) for columns holding HEADER and ROWS' texts; the columns
    numbered in UNBROKEN (dates: „5./6. Februar 2010“) keep each line whole."""
    if not header:  # no column to share the width
        return []
    columns = [[h] + [r[i] for r in rows] for i, h in enumerate(header)]
    low, high, weight = [], [], []
    for i, texts in enumerate(columns):
        lines = [ln for t in texts for ln in t.split("\n")] or [""]
        longest_line = max(len(ln) for ln in lines) + PADDING
        longest_word = min(max((len(w) for t in texts for w in t.split()), default=1), LONGEST_WORD) + PADDING
        longest_word = max([longest_word] + [len(p) + PADDING for t in texts[1:] for p in unbreakable(t)])
        low.append(longest_line if i in unbroken else longest_word)
        high.append(max(longest_line, low[-1]))
        weight.append(max(float(median(len(t) for t in texts[1:]) if len(texts) > 1 else 1), 1.0))
    chosen = _share(low, high, weight, line)
    total = sum(chosen)
    widths = [round(c / total, 4) for c in chosen]
    widths[-1] = round(1 - sum(widths[:-1]), 4)  # exact sum, whatever the rounding
    return widths


def _share(low: list[int], high: list[int], weight: list[float], line: int) -> list[float]:
    """Water-filling: LINE shared by WEIGHT, each share kept within its column's LOW and HIGH."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(low)) if i not in fixed]
        room = line - sum(fixed.values())
        if not free:
            return [fixed[i] for i in range(len(low))]
        total = sum(weight[i] for i in free)
        share = {i: room * weight[i] / total for i in free}
        clamp = {i: (low[i] if share[i] < low[i] else high[i]) for i in free
                 if share[i] < low[i] or share[i] > high[i]}
        if not clamp:
            fixed.update(share)
            return [fixed[i] for i in range(len(low))]
        fixed.update(clamp)
