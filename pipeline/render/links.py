"""E-mail and web addresses in text: where they are and where they lead.

One pattern serves both renderers: the DOCX writer splits text with it here, and the Typst
template receives the same pattern (`PATTERN`, Rust-regex compatible: no look-around) to do the
same, so both formats link exactly the same addresses."""

from __future__ import annotations

import re

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
# A web address ends before trailing punctuation: 'www.wetzlar.de.' links 'www.wetzlar.de'.
_WEB = r"(?:https?://|www\.)[^\s<>\"„“”‚‘’()\[\]]*[^\s<>\"„“”‚‘’()\[\].,;:!?]"
PATTERN = f"{_EMAIL}|{_WEB}"
_ADDRESS = re.compile(PATTERN)


def target(address: str) -> str:
    """The URI an address leads to: mailto: for e-mail, https:// added to a bare www."""
    if "://" in address:
        return address
    if "@" in address:
        return "mailto:" + address
    return "https://" + address


def split(text: str) -> list[tuple[str, str | None]]:
    """The text in pieces: (piece, URI) for each address, (piece, None) for the rest."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for m in _ADDRESS.finditer(text):
        if m.start() > at:
            pieces.append((text[at:m.start()], None))
        pieces.append((m.group(0), target(m.group(0))))
        at = m.end()
    if at < len(text) or not pieces:
        pieces.append((text[at:], None))
    return pieces
