"""Word's „Alle Änderungen annehmen / ablehnen“ done on the XML, for the redline tests.

Accepting removes w:del and w:moveFrom with their content, keeps what w:ins and w:moveTo hold,
drops w:rPrChange and w:pPrChange, and joins a paragraph whose mark is deleted with the next
one; rejecting does the reverse (w:ins and w:moveTo out, deleted text back, the run and paragraph
properties from w:rPrChange and w:pPrChange, a paragraph with an inserted mark joined with the
next). A paragraph then reads as its style and its runs: text, bold, italic and the target of
the link it stands in, a picture as its alt text, a footnote reference as a mark.

`part` reads a part with each hyperlink's target (from the part's relationships) written on it,
so that documents of different packages compare by what their links point to.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
TARGET = "{urn:brochure-tests}target"  # a hyperlink's target, resolved by `part`
RANGES = tuple(f"{W}{t}" for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"))


def _unwrap(el) -> None:
    for child in list(el):
        el.addprevious(child)
    el.getparent().remove(el)


def _mark(p):
    return p.find(f"{W}pPr/{W}rPr")


def apply(root, accept: bool):
    """ROOT (a document or footnotes part) with every tracked change accepted or rejected."""
    gone, kept = ((f"{W}del", f"{W}moveFrom"), (f"{W}ins", f"{W}moveTo"))
    if not accept:
        gone, kept = kept, gone
    for change in list(root.iter(f"{W}pPrChange")):
        ppr = change.getparent()
        ppr.remove(change)
        if not accept:
            own = [c for c in ppr if c.tag in (f"{W}rPr", f"{W}sectPr")]
            for child in list(ppr):
                ppr.remove(child)
            ppr.extend(list(change.find(f"{W}pPr")) + own)
    for row in [r for r in root.iter(f"{W}tr") if r.find(f"{W}trPr/{W}ins") is not None]:
        if accept:  # an inserted row stays, without its mark
            row.find(f"{W}trPr").remove(row.find(f"{W}trPr/{W}ins"))
        else:  # goes, and its table with it when it was the last
            table = row.getparent()
            table.remove(row)
            if table.find(f"{W}tr") is None:
                table.getparent().remove(table)
    joins = []
    for p in root.iter(f"{W}p"):
        mark = _mark(p)
        if mark is None:
            continue
        for m in [m for m in mark if m.tag in kept]:
            mark.remove(m)
        if [m for m in mark if m.tag in gone]:
            joins.append(p)
        for m in [m for m in mark if m.tag in gone]:
            mark.remove(m)
    for el in list(root.iter(*RANGES)):
        el.getparent().remove(el)
    for el in list(root.iter(*gone)):
        if el.getparent() is not None:  # not inside one removed already
            el.getparent().remove(el)
    for el in list(root.iter(*kept)):
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
        if following is None or following.tag != f"{W}p":  # nothing to join: a cell keeps its last paragraph
            if p.getparent().tag != f"{W}tc":
                p.getparent().remove(p)
            continue
        content = [c for c in p if c.tag != f"{W}pPr"]
        at = 1 if following.find(f"{W}pPr") is not None else 0
        for k, child in enumerate(content):
            following.insert(at + k, child)
        p.getparent().remove(p)
    return root


def _on(rpr, tag: str) -> bool:
    el = rpr.find(f"{W}{tag}") if rpr is not None else None
    return el is not None and el.get(f"{W}val") not in ("0", "false")


def _link(r, anchors: dict[str, str]) -> str:
    link = next((a for a in r.iterancestors(f"{W}hyperlink")), None)
    if link is None:
        return ""
    anchor = link.get(f"{W}anchor")
    return (link.get(TARGET) or link.get(f"{R}id", "")) + ("#" + anchors.get(anchor, anchor) if anchor else "")


def _text(p) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split())


def runs(p, anchors: dict[str, str] | None = None) -> list[tuple]:
    """(text, bold, italic, link target) of a paragraph, neighbours of equal formatting and link
    joined, spacing unified; a picture is („[picture: alt text]“), a note reference („[note]“).
    A link to a bookmark leads to the text of the paragraph it marks (ANCHORS: name → text), as
    bookmark names are numbered anew in each edition."""
    out: list[list] = []
    for r in p.iter(f"{W}r"):
        text = ""
        for el in r.iter(f"{W}t", f"{W}drawing", f"{W}footnoteReference"):
            if el.tag == f"{W}t":
                text += el.text or ""
            elif el.tag == f"{W}drawing":
                pr = next(el.iter(f"{WP}docPr"), None)
                text += f" [picture: {pr.get('descr', '') if pr is not None else ''}] "
            else:
                text += " [note] "
        if not text:
            continue
        rpr = r.find(f"{W}rPr")
        style = (_on(rpr, "b"), _on(rpr, "i"), _link(r, anchors or {}))
        if out and out[-1][1] == style:
            out[-1][0] += text
        else:
            out.append([text, style])
    return [(" ".join(t.split()), *style) for t, style in out if t.strip()]


def _rels(z: zipfile.ZipFile, name: str) -> dict[str, str]:
    folder, base = posixpath.split(name)
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in z.namelist():
        return {}
    return {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read(rels))}


def part(docx: bytes, name: str = "word/document.xml"):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read(name))
        targets = _rels(z, name)
    for link in root.iter(f"{W}hyperlink"):
        if link.get(f"{R}id"):
            link.set(TARGET, targets.get(link.get(f"{R}id"), "?"))
    return root


def style(p) -> str:
    el = p.find(f"{W}pPr/{W}pStyle")
    return el.get(f"{W}val") if el is not None else ""


def paragraphs(root) -> list[tuple[str, list[tuple]]]:
    """(style, runs) of each paragraph."""
    anchors = {b.get(f"{W}name"): _text(p) for p in root.iter(f"{W}p") for b in p.iter(f"{W}bookmarkStart")}
    return [(style(p), runs(p, anchors)) for p in root.iter(f"{W}p")]


def notes(body, footnotes) -> list[list[tuple[str, list[tuple]]]]:
    """The paragraphs of each footnote the body refers to, in the order of its references: a
    note no longer referred to (its reference rejected) is gone, as in Word."""
    if footnotes is None:
        return []
    by_id = {n.get(f"{W}id"): n for n in footnotes.iter(f"{W}footnote")}
    return [paragraphs(by_id[ref.get(f"{W}id")]) for ref in body.iter(f"{W}footnoteReference")]


def document(docx: bytes, accept: bool | None = None) -> tuple[list, list]:
    """(paragraphs of the body, footnotes referred to) of DOCX, with its tracked changes accepted
    or rejected, or (None) as it is."""
    body = part(docx)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        has_notes = "word/footnotes.xml" in z.namelist()
    foot = part(docx, "word/footnotes.xml") if has_notes else None
    if accept is not None:
        apply(body, accept)
        if foot is not None:
            apply(foot, accept)
    return paragraphs(body), notes(body, foot)


def same(got, want) -> None:
    """Paragraph by paragraph, so that a failure names the first one that differs."""
    body, notes = got
    for k, (a, b) in enumerate(zip(body, want[0])):
        assert a == b, k
    assert len(body) == len(want[0])
    assert notes == want[1]


def read_saved(path: Path):
    body, notes = document(path.read_bytes())
    return [p for p in body if p[1]], notes


def unlinked(doc):
    """DOC without its link targets."""
    def strip(paragraphs):
        return [(style, [run[:3] for run in runs]) for style, runs in paragraphs]
    return strip(doc[0]), [strip(note) for note in doc[1]]


def links_removed(red: Path, accept: bool) -> int:
    """The links whose whole text accepting (or rejecting) all changes removes."""
    body = part(red.read_bytes())
    gone = f"{W}del" if accept else f"{W}ins"
    return sum(1 for link in body.iter(f"{W}hyperlink")
               if (runs := list(link.iter(f"{W}r"))) and all(r.getparent().tag == gone for r in runs))
