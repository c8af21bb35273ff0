"""Text hygiene shared by all loaders: characters that no output format can carry."""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 forbids these; Word and PDF text extraction cannot carry them either.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def invalid_character(text: str) -> str | None:
    """Return a description of the first character no output can carry, or None."""
    m = _INVALID.search(text)
    if not m:
        return None
    ch = m.group()
    name = unicodedata.name(ch, "control character")
    return f"U+{ord(ch):04X} ({name}) at position {m.start() + 1}"


def normalise(text: str) -> str:
    """NFC-normalise so that 'ü' typed two ways compares equal; keep everything else."""
    return unicodedata.normalize("NFC", text)


def refuse_unprintable(text: str, where, extra_hint: str = "") -> None:
    """Raise the input error for the first character no output can carry (E-INVALID-CHAR) or
    the fonts cannot print (E-UNPRINTABLE-CHAR); `where` is the finding's Location."""
    from pipeline.errors import InputError, error
    from pipeline.load.glyphs import UNPRINTABLE_HINT, unprintable_character

    bad = invalid_character(text)
    if bad:
        raise InputError(error("E-INVALID-CHAR", where, f"contains a control character that cannot be printed: {bad}",
                               "delete the invisible character (often pasted from another program)" + extra_hint,
                               args={"char": bad}))
    bad = unprintable_character(text)
    if bad:
        raise InputError(error("E-UNPRINTABLE-CHAR", where,
                               f"contains a character the brochure's fonts cannot print: {bad}", UNPRINTABLE_HINT,
                               args={"char": bad}))
