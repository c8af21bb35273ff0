"""Word-level opcodes of two token lists, bounded in time. SequenceMatcher without autojunk is
quadratic (a paragraph of 50,000 words never finished): its common start and end are cut off
first, and a middle too long to compare token by token is compared by passages instead, each
changed passage word by word while a budget lasts, beyond it replaced whole."""

from __future__ import annotations

import zlib
from difflib import SequenceMatcher

WORD_LIMIT = 1_000_000  # tokens × tokens a stretch may have to be compared token by token
WORD_BUDGET = 20_000_000  # … and all the stretches of one comparison together
PASSAGES = 500  # about how many passages a long middle is cut into
WINDOW = 12  # tokens (six words and their spaces) whose hash decides a cut: varied even in a text of few words


def _equal_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    start, most = 0, min(len(a), len(b))
    while start < most and a[start] == b[start]:
        start += 1
    end = 0
    while end < most - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _passages(tokens: list[str], lo: int, hi: int, size: int) -> list[tuple[int, int]]:
    """[lo, hi) cut where the content says (a hash of the WINDOW tokens before), so an insertion
    shifts no later cut; never shorter than SIZE/4 tokens, never longer than 4 × SIZE."""
    out, start = [], lo
    for k in range(lo, hi):
        n = k + 1 - start
        if n >= 4 * size or (n >= size // 4 and zlib.crc32("\0".join(tokens[k + 1 - WINDOW:k + 1]).encode()) % size == 0):
            out.append((start, k + 1))
            start = k + 1
    if start < hi:
        out.append((start, hi))
    return out


class _Differ:
    def __init__(self, a: list[str], b: list[str]):
        self.a, self.b = a, b
        self.budget = WORD_BUDGET
        self.coarse = False  # whether some text was compared by passages, not word by word
        self.spent = 0  # pairs of tokens or passages SequenceMatcher may have to look at

    def words(self, i1: int, i2: int, j1: int, j2: int) -> list[tuple]:
        cost = (i2 - i1) * (j2 - j1)
        if cost <= min(WORD_LIMIT, self.budget):
            self.budget -= cost
            self.spent += cost
            m = SequenceMatcher(None, self.a[i1:i2], self.b[j1:j2], autojunk=False)
            return [(op, i1 + x1, i1 + x2, j1 + y1, j1 + y2) for op, x1, x2, y1, y2 in m.get_opcodes()]
        self.coarse = True
        return [("replace", i1, i2, j1, j2)]

    def middle(self, i1: int, i2: int, j1: int, j2: int) -> list[tuple]:
        if (i2 - i1) * (j2 - j1) <= WORD_LIMIT or not (i2 > i1 and j2 > j1):
            return self.words(i1, i2, j1, j2)
        self.coarse = True
        size = max(16, max(i2 - i1, j2 - j1) // PASSAGES)
        pa, pb = _passages(self.a, i1, i2, size), _passages(self.b, j1, j2, size)
        keys_a = ["".join(self.a[x:y]) for x, y in pa]
        keys_b = ["".join(self.b[x:y]) for x, y in pb]
        self.spent += len(keys_a) * len(keys_b)
        out: list[tuple] = []
        for op, x1, x2, y1, y2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
            lo_a, hi_a = (pa[x1][0], pa[x2 - 1][1]) if x2 > x1 else ((pa[x1][0],) * 2 if x1 < len(pa) else (i2, i2))
            lo_b, hi_b = (pb[y1][0], pb[y2 - 1][1]) if y2 > y1 else ((pb[y1][0],) * 2 if y1 < len(pb) else (j2, j2))
            if op == "equal":
                out.append(("equal", lo_a, hi_a, lo_b, hi_b))
            else:
                out += self.words(lo_a, hi_a, lo_b, hi_b)
        return out


def opcodes(a: list[str], b: list[str]) -> tuple[list[tuple], bool]:
    """SequenceMatcher-style opcodes turning A into B, and whether the comparison was coarse
    (by passages) somewhere because the text was too long to compare word by word."""
    out, d = compared(a, b)
    return out, d.coarse


def compared(a: list[str], b: list[str]) -> tuple[list[tuple], _Differ]:
    """The opcodes and the differ that made them (what it spent, whether it went coarse)."""
    d = _Differ(a, b)
    if len(a) * len(b) <= WORD_LIMIT:  # a paragraph of usual length: as it always was compared
        d.spent = len(a) * len(b)
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes(), d
    start, end = _equal_ends(a, b)
    out: list[tuple] = [("equal", 0, start, 0, start)] if start else []
    out += d.middle(start, len(a) - end, start, len(b) - end)
    if end:
        out.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return out, d
