"""Addresses as readers get them: every e-mail and web address of the document must come out of
the PDF's text exactly (a line may wrap only after '@', '.' or '/', never with a hyphen) and be
a link to its target; every phone number must come out on one line. This reads the text PDFium extracts, character for character, instead of
the hyphen-blind comparison the lost-content check uses."""

from __future__ import annotations

import re

from pipeline.load import links
from pipeline.tree import Document, to_data
from pipeline.verify.read_back import PdfContent

# The tree's fields whose addresses the templates print as links: running text (runs of
# paragraphs, lists, tables, notes and references), quotes, contact and address lines, card and
# profile values, captions, credits, sources and notes. Titles, names and labels are not linked.
LINKED = {"text", "lines", "email", "web", "value", "caption", "credit", "source", "note"}
PHONES = LINKED | {"phone", "fax"}  # printed on one line wherever they stand


def _strings(node, key: str = "", keys: set[str] = LINKED):
    if isinstance(node, str):
        if key in keys:
            yield node
    elif isinstance(node, dict):
        for k, value in node.items():
            yield from _strings(value, k, keys)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, key, keys)


def document_phones(document: Document) -> list[str]:
    """Every phone and fax number printed in the document, in order, once each."""
    tree = {"cover": to_data(document.cover), "chapters": to_data(document.chapters)}
    return list(dict.fromkeys(p for text in _strings(tree, keys=PHONES) for p in links.phones(text)))


def document_addresses(document: Document) -> list[str]:
    """Every e-mail and web address printed in the document, in order, once each."""
    found: dict[str, None] = {}
    for text in _strings({"cover": to_data(document.cover), "chapters": to_data(document.chapters)}):
        for piece, uri in links.split(text):
            if uri:
                found[piece] = None
    return list(found)


def _reads_exactly(address: str, flat: str) -> bool:
    wrap = r"[ \t]*\n[ \t]*"
    pattern = "".join(re.escape(ch) + (f"(?:{wrap})?" if ch in "@./" else "") for ch in address)
    return re.search(pattern, flat) is not None


def _link_targets(pdf: PdfContent) -> set[str]:
    targets = set()
    for page in pdf.reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action is not None and "/URI" in action.get_object():
                targets.add(str(action.get_object()["/URI"]))
    return targets


def pdf_address_problems(document: Document, pdf: PdfContent) -> list[str]:
    addresses = document_addresses(document)
    flat = "\n".join(pdf.raw_pages)
    one_line = re.sub(r"[ \t]+", " ", flat)
    problems = [f"phone number '{p}' is broken across lines in the PDF: a screen reader or a search misses it"
                for p in document_phones(document) if re.sub(r"[ \t]+", " ", p) not in one_line]
    if not addresses:
        return problems
    targets = _link_targets(pdf)
    for address in addresses:
        if not _reads_exactly(address, flat):
            problems.append(f"'{address}' does not come out of the PDF's text exactly: copying or searching it fails")
        if links.target(address) not in targets:
            problems.append(f"'{address}' is not a link in the PDF")
    return problems
