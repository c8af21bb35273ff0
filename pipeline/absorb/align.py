"""Paragraphs of the built DOCX paired with those of the edited one, and a changed text's spans.

Pairing works on the text alone, so it needs no markers in the file and survives any editor:
equal paragraphs pair first (difflib), then within each changed stretch the most similar ones,
in order. A paragraph left without a partner was deleted (old) or added (new); one split in two
pairs with the more similar half, the other half is added after it."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from pipeline.absorb.edited import canonical

PAIR_AT = 0.45  # least similarity for two paragraphs of a changed stretch to count as one edited


def align(old: list[str], new: list[str], old_styles: list[str] | None = None,
          new_styles: list[str] | None = None) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs in reading order; None where a side has no partner. Given the
    paragraphs' styles, as many paragraphs rewritten in place as there were, each in its style,
    pair one to one however different their words (a cell typed over)."""
    a, b = [canonical(t) for t in old], [canonical(t) for t in new]
    out: list[tuple[int | None, int | None]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        elif op == "replace" and i2 - i1 == j2 - j1 and old_styles is not None and new_styles is not None \
                and old_styles[i1:i2] == new_styles[j1:j2]:
            out += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        else:
            out += _pair(a, b, range(i1, i2), range(j1, j2))
    return out


def _pair(a: list[str], b: list[str], olds: range, news: range) -> list[tuple[int | None, int | None]]:
    out: list[tuple[int | None, int | None]] = []
    j = news.start
    for i in olds:
        best, score = None, PAIR_AT
        for k in range(j, news.stop):
            if not a[i] and not b[k]:
                best = k
                break
            s = SequenceMatcher(None, a[i], b[k], autojunk=False).ratio() if a[i] and b[k] else 0.0
            if s > score:
                best, score = k, s
        if best is None:
            out.append((i, None))
            continue
        out += [(None, k) for k in range(j, best)]
        out.append((i, best))
        j = best + 1
    out += [(None, k) for k in range(j, news.stop)]
    return out


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def word_changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """Where NEW differs from OLD, word by word: (start, end, replacement) in OLD's characters."""
    ta, tb = _TOKEN.findall(old), _TOKEN.findall(new)
    starts_a = [0]
    for t in ta:
        starts_a.append(starts_a[-1] + len(t))
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op != "equal":
            out.append((starts_a[i1], starts_a[i2], "".join(tb[j1:j2])))
    return out


def word_diff(old: str, new: str) -> str:
    """'old [-removed-]{+added+} rest', for people to read."""
    ta, tb = _TOKEN.findall(old), _TOKEN.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            text = "".join(ta[i1:i2])
            parts.append(text if len(text) <= 40 else text[:18] + " … " + text[-18:])
        else:
            if i2 > i1:
                parts.append("[-" + "".join(ta[i1:i2]) + "-]")
            if j2 > j1:
                parts.append("{+" + "".join(tb[j1:j2]) + "+}")
    return "".join(parts)


def segment_values(segments: tuple, new: str) -> list[str] | None:
    """The new text of each segment of a paragraph edited to NEW, or None if a fixed segment (a
    label of the type: „Telefon: “, the quotation marks) did not come through unchanged. Labels
    are found in order; what lies between them belongs to the fields there."""
    out: list[str] = [""] * len(segments)
    cursor, pending = 0, []
    for n, (key, text) in enumerate(segments):
        if key is not None:
            pending.append(n)
            continue
        at = new.find(text, cursor)
        if at < 0 or not _fill(out, segments, pending, new[cursor:at]):
            return None
        out[n], cursor, pending = text, at + len(text), []
    return out if _fill(out, segments, pending, new[cursor:]) else None


def _fill(out: list[str], segments: tuple, fields: list[int], chunk: str) -> bool:
    """CHUNK shared out among neighbouring FIELDS, cut where the old texts met; False if text was
    typed beside a label with no field there (the label itself changed)."""
    if not fields:
        return not chunk
    olds = [segments[n][1] for n in fields]
    cuts, at = [], 0
    for text in olds[:-1]:
        at += len(text)
        cuts.append(at)
    old = "".join(olds)
    ops = SequenceMatcher(None, old, chunk, autojunk=False).get_opcodes()

    def moved(pos: int) -> int:
        for op, i1, i2, j1, j2 in ops:
            if i1 <= pos < i2 or (op != "equal" and pos == i2):
                return j1 + (pos - i1 if op == "equal" else 0) if op == "equal" else j2
        return len(chunk)
    edges = [0, *[moved(c) for c in cuts], len(chunk)]
    for n, a, b in zip(fields, edges, edges[1:]):
        out[n] = chunk[a:b]
    return True
