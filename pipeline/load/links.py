"""E-mail and web addresses in text: where they are and where they lead.

One pattern serves both renderers: the DOCX writer splits text with it here, and the Typst
template receives the same pattern (`PATTERN`, Rust-regex compatible: no look-around) to do the
same, so both formats link exactly the same addresses."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
# A web address ends before trailing punctuation: 'www.wetzlar.de.' links 'www.wetzlar.de'. It
# may hold balanced parentheses ('wiki/Kassel_(Stadt)'), but an address in parentheses ends
# before the closing one. A Markdown link's address prints as typed, with its scheme when it has
# a query or is a phone number ('mailto:info@stadt.de?subject=Frage', 'tel:+496181400622').
_CHAR = r"[^\s<>\"„“”‚‘’()\[\]]"
_PAREN = r"\([^\s<>\"„“”‚‘’()\[\]]*\)"
_END = r"[^\s<>\"„“”‚‘’()\[\].,;:!?]"
_WEB = rf"(?:https?://|www\.|mailto:)(?:{_CHAR}|{_PAREN})*(?:{_END}|{_PAREN})"
_TEL = r"tel:\+?[0-9](?:[0-9./-]*[0-9])?"
PATTERN = f"{_WEB}|{_TEL}|{_EMAIL}"
_ADDRESS = re.compile(PATTERN)
# A German phone or fax number ('06181 400-622', '(0611) 12 34 56', '+49 6181 400622'): printed
# on one line. It starts with 0, a '(0' area code or +country code, so years and postcodes
# ('2019 - 2020', '12345 Musterstadt') are not taken for one.
PHONE = (r"(?:\+\d{1,3} ?(?:\(0\) ?)?\d{2,5}|\(0\d{2,5}\)|\b0\d{2,5})"
         r"(?: ?/ ?| ?- ?| )\d{2,}(?:[ -]\d+)*\b")
_PHONE = re.compile(PHONE)


def target(address: str) -> str:
    """The URI an address leads to: mailto: for e-mail, https:// added to a bare www; in ASCII,
    as a PDF link must be ('bäcker.de' → 'xn--bcker-gra.de', 'wir-über' → 'wir-%C3%BCber')."""
    if "://" in address or address.startswith(("mailto:", "tel:")):
        uri = address
    elif "@" in address:
        uri = "mailto:" + address
    else:
        uri = "https://" + address
    return uri if uri.isascii() else _ascii(uri)


def _host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label IDNA refuses (empty, over 63 letters): escaped, still one link
        return quote(host, safe=".-")


def _ascii(uri: str) -> str:
    if uri.startswith("mailto:"):
        address, mark, query = uri[len("mailto:"):].partition("?")
        local, _, domain = address.rpartition("@")
        return f"mailto:{quote(local, safe='.+-_%')}@{_host(domain)}{mark}{quote(query, safe='=&%-._~+/')}"
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, _host(parts.netloc), quote(parts.path, safe="/%-._~!$&'()*+,;=:@"),
                       quote(parts.query, safe="=&%-._~+/"), quote(parts.fragment, safe="-._~")))


def non_ascii_targets(texts) -> dict[str, str]:
    """Address → URI for every address in TEXTS whose URI needs escaping (the Typst template
    makes the plain ones itself, as target() does)."""
    return {piece: uri for text in texts for piece, uri in split(text) if uri and not piece.isascii()}


def phones(text: str) -> list[str]:
    """The phone numbers in TEXT outside its e-mail and web addresses."""
    return [m.group(0) for piece, uri in split(text) if uri is None for m in _PHONE.finditer(piece)]


def unbreakable(text: str) -> list[str]:
    """The pieces of TEXT a line must not break inside: each phone number whole, and each part
    of an address up to and including an '@', '.' or '/' (where an address may wrap)."""
    pieces = []
    for piece, uri in split(text):
        if uri:
            pieces += re.findall(r"[^@./]+[@./]*|[@./]+", piece)
    return pieces + phones(text)


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
