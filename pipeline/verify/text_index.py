"""Find a passage of input text in the text read back from an output, word by word.

Typesetting gets in the way of plain substring search: a paragraph is interrupted by a page
break (running head, page number, the page's notes), a footnote or a pull-quote; hyphens come back as soft
hyphens; note numbers stick to words. So a passage counts as found when nearly all of its
words appear in order near one place of the output.
"""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from functools import cached_property

from pipeline.verify.read_back import canonical

_STRIP = "„“”‚‘’\"'«»()[]{}.,;:!?…–—/*•"
# A note number sticks to the word before or after it: 'Programmkoordinatoren1', 'bezeichnet.8',
# '1Zur', and a chapter may have thousands of notes ('Anmerkung.2915').
_NOTE_NUMBER = re.compile(r"(?<=[^\W\d_])[.,;:!?“”\"')]*\d{1,4}$|^\d{1,4}(?=[^\W\d_]{2})")
FOUND = 0.95  # share of a passage's words that must be found in order
PAGE_GAP = 1200  # words a page break may put inside a passage (a full page of notes)


def words(text: str) -> list[str]:
    out = []
    for w in canonical(text).replace("/", " ").casefold().split():  # long web addresses break at '/'
        w = w.strip(_STRIP)
        if not w.isalpha():  # letters alone carry no note number, and the regex is slow
            w = _NOTE_NUMBER.sub("", w)
        if w:
            out.append(w)
    return out


def _squeeze(text: str) -> str:
    return "".join(canonical(text).split()).casefold()


class TextIndex:
    def __init__(self, text: str):
        self.text = text
        self.words = words(text)
        self.joined = " " + " ".join(self.words) + " "

    # Most passages are found word for word; these two are made only for those that are not.
    @cached_property
    def squeezed(self) -> str:
        return _squeeze(self.text)

    @cached_property
    def trigrams(self) -> dict[tuple[str, ...], list[int]]:
        found: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in range(len(self.words) - 2):
            found[tuple(self.words[i:i + 3])].append(i)
        return found

    def coverage(self, passage: str | list[str]) -> float:
        """Share of the passage's words found in order at the best-matching place (0 … 1).
        `passage` may be given as its words() already."""
        w = words(passage) if isinstance(passage, str) else passage
        if not w:
            return 1.0
        if " " + " ".join(w) + " " in self.joined:  # the common case: found word for word
            return 1.0
        if len(w) < 6:
            return 0.0
        # Anchor on the passage's rarest word triples: a common one ('dies ist satz') occurs all
        # over a document, and its first few places say nothing about this passage's.
        seen = {o: len(self.trigrams.get(tuple(w[o:o + 3]), ())) for o in range(len(w) - 2)}
        anchors = sorted((o for o, n in seen.items() if n), key=lambda o: (seen[o], o))[:3]
        starts: list[int] = []
        for offset in anchors:
            starts += [p - offset for p in self.trigrams[tuple(w[offset:offset + 3])][:5]]
        best = 0
        # A passage is interrupted by what the page puts between its parts: first look near it;
        # then allow a page's worth of notes, running head and folio between them, on either side
        # of the anchor (a chapter of thousands of notes puts 150 words of them into a paragraph
        # broken across pages).
        for before, after in ((5, 40), (PAGE_GAP, PAGE_GAP)):
            for start in sorted(set(starts))[:15]:
                window = self.words[max(0, start - before): start + len(w) + after + len(w) // 4]
                matcher = SequenceMatcher(None, w, window, autojunk=False)
                best = max(best, sum(b.size for b in matcher.get_matching_blocks()))
            if best / len(w) >= FOUND:
                break
        return best / len(w)

    def contains(self, passage: str, passage_words: list[str] | None = None) -> bool:
        """Found word by word, or — for text the typesetter broke inside a token ('example.⏎org',
        '<!⏎[CDATA'), where line ends are no word boundaries — found with all spacing removed."""
        if self.coverage(passage if passage_words is None else passage_words) >= FOUND:
            return True
        squeezed = _squeeze(passage)
        return len(squeezed) >= 4 and squeezed in self.squeezed
