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
from fontTools.unicodedata import script as _script, script_name as _script_name

FONT_PACKAGE = "font_source_sans_pro"
# The styles the templates use: body, italic quotes, bold and semibold headings and labels.
STYLES = ("Regular", "It", "Bold", "BoldIt", "Semibold", "SemiboldIt")
# The fallback font where the body font has no glyph (its italics stop at Latin): Noto Sans, for
# these blocks only (Latin extensions, Greek, Cyrillic with their extended blocks).
FALLBACK_PACKAGE = "fontpkg_noto_sans"
FALLBACK_RANGES = ((0x0100, 0x024F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1C80, 0x1C8F), (0x1E00, 0x1EFF),
                   (0x1F00, 0x1FFF), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))
NOT_IN_PDF_TEXT = {0xFEFF}
UNPRINTABLE_HINT = ("replace or delete it: the brochure's fonts print Latin (all European languages, Turkish, "
                    "Vietnamese), Greek and Cyrillic; emoji, zero-width spaces, private symbols and other scripts "
                    "have no glyph in them")


def _cmap(path) -> set[int]:
    return set(TTFont(str(path), lazy=True).getBestCmap())


def _built_from_parts(c: int, cmap: set[int]) -> bool:
    parts = unicodedata.normalize("NFD", chr(c))
    return len(parts) > 1 and all(ord(p) in cmap for p in parts)


@functools.cache
def printable() -> frozenset[int]:
    """The characters every style prints, from the body font or, where it has none, the fallback."""
    files = importlib.resources.files(FONT_PACKAGE) / "files"
    fallback = importlib.resources.files(FALLBACK_PACKAGE) / "files"
    extra = {}
    for italic, name in ((False, "NotoSans[wdth,wght].ttf"), (True, "NotoSans-Italic[wdth,wght].ttf")):
        with importlib.resources.as_file(fallback / name) as path:
            extra[italic] = {c for c in _cmap(path) if any(a <= c <= b for a, b in FALLBACK_RANGES)}
    sets = []
    for style in STYLES:
        with importlib.resources.as_file(files / f"SourceSansPro-{style}.otf") as path:
            own = _cmap(path)
        # A letter the body font lacks but can build from its parts ('ḋ' = d + U+0307) is drawn
        # so by Typst, in two glyphs that PDF readers both read as the letter ('ḋḋ'): not printable.
        sets.append(own | {c for c in extra[style.endswith("It")] if not _built_from_parts(c, own)})
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


def script_name(ch: str) -> str:
    """Unicode's name of the script CH belongs to ('Arabic', 'Han', 'Common' …)."""
    return _script_name(_script(ch))


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
            script = script_name(ch)
            of = f", {script} script" if script not in ("Common", "Inherited", "Unknown") else ""
            return f"'{ch}' U+{ord(ch):04X} ({name}{of}) at position {n}"
    return None
