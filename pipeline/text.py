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
