"""Word's „Alle Änderungen annehmen / ablehnen“ done on the XML, for the redline tests.

Accepting removes w:del with its content, keeps what w:ins holds, drops w:rPrChange, and joins
a paragraph whose mark is deleted with the next one; rejecting does the reverse (w:ins out,
w:delText back to text, the run properties from w:rPrChange, a paragraph with an inserted mark
joined with the next). A paragraph then reads as its runs' text with bold and italic.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _unwrap(el) -> None:
    for child in list(el):
        el.addprevious(child)
    el.getparent().remove(el)


def _mark(p):
    return p.find(f"{W}pPr/{W}rPr")


def apply(root, accept: bool):
    """ROOT (a document or footnotes part) with every tracked change accepted or rejected."""
    gone, kept = (f"{W}del", f"{W}ins") if accept else (f"{W}ins", f"{W}del")
    joins = []
    for p in root.iter(f"{W}p"):
        mark = _mark(p)
        if mark is None:
            continue
        for m in mark.findall(kept):
            mark.remove(m)
        for m in mark.findall(gone):
            mark.remove(m)
            joins.append(p)
    for el in list(root.iter(gone)):
        el.getparent().remove(el)
    for el in list(root.iter(kept)):
        _unwrap(el)
    if not accept:
        for t in root.iter(f"{W}delText"):
            t.tag = f"{W}t"
    for change in list(root.iter(f"{W}rPrChange")):
        rpr = change.getparent()
        rpr.remove(change)
        if not accept:
            for child in list(rpr):
                rpr.remove(child)
            rpr.extend(list(change.find(f"{W}rPr")))
    for p in joins:  # the paragraph's text now begins the next paragraph
        following = p.getnext()
        content = [c for c in p if c.tag != f"{W}pPr"]
        at = 1 if following.find(f"{W}pPr") is not None else 0
        for k, child in enumerate(content):
            following.insert(at + k, child)
        p.getparent().remove(p)
    return root


def _on(rpr, tag: str) -> bool:
    el = rpr.find(f"{W}{tag}") if rpr is not None else None
    return el is not None and el.get(f"{W}val") not in ("0", "false")


def runs(p) -> list[tuple[str, bool, bool]]:
    """(text, bold, italic) of a paragraph, neighbours of equal formatting joined, spacing unified."""
    out: list[list] = []
    for r in p.iter(f"{W}r"):
        text = "".join(t.text or "" for t in r.iter(f"{W}t"))
        if not text:
            continue
        rpr = r.find(f"{W}rPr")
        style = (_on(rpr, "b"), _on(rpr, "i"))
        if out and out[-1][1] == style:
            out[-1][0] += text
        else:
            out.append([text, style])
    return [(" ".join(t.split()), *style) for t, style in out if t.strip()]


def part(docx: bytes, name: str = "word/document.xml"):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read(name))


def paragraphs(root) -> list[list[tuple[str, bool, bool]]]:
    return [runs(p) for p in root.iter(f"{W}p")]
