"""Which characters the brochures can print: those every style of the body font has a glyph for.

A character outside this set would come out of the PDF as an empty box (or not at all), so it
is refused as an input error naming it, like a control character, instead of vanishing.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata

from fontTools.ttLib import TTFont

FONT_PACKAGE = "font_source_sans_pro"
# The styles the templates use: body, italic quotes, bold and semibold headings and labels.
STYLES = ("Regular", "It", "Bold", "BoldIt", "Semibold", "SemiboldIt")
NOT_IN_PDF_TEXT = {0xFEFF}
UNPRINTABLE_HINT = ("replace or delete it: emoji, Greek and Cyrillic letters, zero-width spaces and private "
                    "symbols have no glyph in the brochure's fonts")


@functools.cache
def printable() -> frozenset[int]:
    files = importlib.resources.files(FONT_PACKAGE) / "files"
    sets = []
    for style in STYLES:
        with importlib.resources.as_file(files / f"SourceSansPro-{style}.otf") as path:
            sets.append(set(TTFont(str(path), lazy=True).getBestCmap()))
    # U+FEFF (a byte order mark inside text) has a glyph but PDF/UA forbids it in text.
    return frozenset(set.intersection(*sets) - NOT_IN_PDF_TEXT)


@functools.cache
def _unprintable_pattern() -> re.Pattern:
    """A regular expression matching any character the loop below would refuse: the check runs
    on every cell and line, and a search in C is some twenty times faster than the loop."""
    ok = {c for c in printable() if not unicodedata.combining(chr(c))}
    ok |= {c for c in range(0x3001) if chr(c).isspace() and not unicodedata.combining(chr(c))}
    ranges, start, prev = [], None, None
    for c in sorted(ok):
        if start is None:
            start = prev = c
        elif c == prev + 1:
            prev = c
        else:
            ranges.append((start, prev))
            start = prev = c
    if start is not None:
        ranges.append((start, prev))
    return re.compile("[^" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                     for a, b in ranges) + "]")


def unprintable_character(text: str) -> str | None:
    """A description of the first character the fonts cannot print, or None. Whitespace of any
    kind is printable: it prints as space or line break. Expects NFC text, as the loaders give."""
    if _unprintable_pattern().search(text) is None:
        return None
    glyphs = printable()
    for n, ch in enumerate(text, start=1):
        # A combining mark left over after NFC has no precomposed letter: it would be stacked
        # by the typesetter and not come back as text from the PDF.
        if (ord(ch) not in glyphs and not ch.isspace()) or unicodedata.combining(ch):
            name = unicodedata.name(ch, "unnamed character")
            return f"'{ch}' U+{ord(ch):04X} ({name}) at position {n}"
    return None
