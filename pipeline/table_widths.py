"""Column widths from a table's content, the way browsers lay out an automatic table.

Each column needs at least its longest word (so no word is broken without a hyphen, or only a
long compound is) and would like its longest line; the page's width goes first to the minimum
of every column, and what is left in proportion to how much more each column would like.
"""

from __future__ import annotations

LINE = 78  # characters of a table cell's size that fit across the text column
LONGEST_WORD = 18  # a longer word may be hyphenated rather than widen its column further


def _minimum(texts: list[str]) -> int:
    words = [w for t in texts for w in t.split()]
    return min(max((len(w) for w in words), default=1), LONGEST_WORD) + 2


def _wanted(texts: list[str]) -> int:
    return max((len(line) for t in texts for line in t.split("\n")), default=1) + 2


def fit_widths(header: list[str], rows: list[list[str]], line: int = LINE) -> list[float]:
    """Relative widths (summing to 1) for columns holding HEADER and ROWS' texts."""
    columns = [[h] + [r[i] for r in rows] for i, h in enumerate(header)]
    low = [_minimum(c) for c in columns]
    high = [max(_wanted(c), m) for c, m in zip(columns, low)]
    if sum(high) <= line:
        chosen = [float(h) for h in high]
    elif sum(low) >= line:
        chosen = [float(m) for m in low]
    else:
        spare = line - sum(low)
        extra = [h - m for h, m in zip(high, low)]
        chosen = [m + spare * e / sum(extra) for m, e in zip(low, extra)]
    total = sum(chosen)
    widths = [round(c / total, 4) for c in chosen]
    widths[-1] = round(1 - sum(widths[:-1]), 4)  # exact sum, whatever the rounding
    return widths
