"""edition.yaml `footer:`: one line of plain text (an address, a web address) printed in the
page footer of the PDF and of the Word file, beside the page number.

Plain text only, never a link: the page footer is page furniture, which a tagged PDF (PDF/UA)
marks as an artifact, and an artifact cannot carry a link annotation a screen reader can reach.
So the line must be one line and short enough for the footer; it reaches Typst as data."""

from __future__ import annotations

from pipeline.errors import InputError, Location, error

MAX_FOOTER = 150  # characters: one line under the text block of the smallest type (A5)
KEY = "footer"


def footer_line(data: dict, file: str) -> str:
    """The footer line of edition.yaml's DATA ('' if none), refused when it cannot be one line."""
    value = data.get(KEY)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise InputError(error("E-BAD-VALUE", Location(file=file, column=KEY),
                               f"'{KEY}' must be one line of text, not a {'list' if isinstance(value, list) else 'mapping'}",
                               "write it on one line: footer: „Musterstraße 1 · 12345 Musterstadt · www.example.de“"))
    text = str(value).strip()
    if any(c in text for c in "\n\r\t"):
        raise InputError(error("E-BAD-VALUE", Location(file=file, column=KEY),
                               f"'{KEY}' must be one line; it has a line break or a tab",
                               "write it on one line; separate its parts with ' · '"))
    if len(text) > MAX_FOOTER:
        raise InputError(error("E-TOO-LARGE", Location(file=file, column=KEY),
                               f"'{KEY}' has {len(text)} characters; at most {MAX_FOOTER}",
                               "shorten it: the footer holds one line beside the page number"))
    return text
