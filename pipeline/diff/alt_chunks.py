"""Text a DOCX holds in altChunks (HTML or text pasted into Word, kept as its own part that Word
converts on opening): read so that a change in it is compared, never silently left out. HTML is
read with lxml's HTML parser; a chunk of another kind (RTF, MHT, a DOCX) is refused by name."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree, html

from pipeline.verify.read_back import W

R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote", "pre", "caption"}
MAX_CHUNK = 50_000_000  # bytes of one chunk part read


class ChunkError(ValueError):
    """A chunk the diff cannot read: its text would be left out of the comparison."""


def alt_chunks(data: bytes) -> dict[int, list[str]]:
    """The paragraphs of each altChunk of the body, by how many body paragraphs stand before it."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        if body is None or next(body.iter(f"{W}altChunk"), None) is None:
            return {}
        names = set(z.namelist())
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(z.read(rels_name)) if rels_name in names else None
        targets = {r.get("Id"): r.get("Target", "") for r in (rels.iter(RELS) if rels is not None else ())}
        out: dict[int, list[str]] = {}
        before = 0
        for el in body.iter(f"{W}p", f"{W}altChunk"):
            if el.tag == f"{W}p":
                before += 1
                continue
            target = targets.get(el.get(R_ID), "")
            name = posixpath.normpath(posixpath.join("word", target)) if not target.startswith("/") else target[1:]
            if name not in names:
                raise ChunkError(f"an altChunk (pasted content) points to '{target}', which the file does not hold")
            info = z.getinfo(name)
            if info.file_size > MAX_CHUNK:
                raise ChunkError(f"the altChunk {name} unpacks to {info.file_size / 1e6:.0f} MB")
            out.setdefault(before, []).extend(_paragraphs(name, z.read(name)))
    return out


def _paragraphs(name: str, raw: bytes) -> list[str]:
    ext = posixpath.splitext(name)[1].lower()
    if ext in (".htm", ".html", ".xhtml", ".xht") or raw.lstrip()[:100].lower().startswith((b"<!doctype html", b"<html")):
        return html_paragraphs(raw)
    if ext == ".txt":
        return [" ".join(line.split()) for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    raise ChunkError(f"it holds pasted content ({name}, an altChunk of kind '{ext or 'unknown'}') the diff cannot "
                     "read: its text could not be compared")


def html_paragraphs(raw: bytes) -> list[str]:
    """The text of each innermost block of an HTML part (a paragraph, heading, list item, cell)."""
    if not raw.strip():
        return []
    doc: bytes | str = raw
    if b"charset" not in raw[:4096].lower():  # undeclared: UTF-8 where it decodes (lxml would guess Latin-1)
        try:
            doc = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    try:
        root = html.document_fromstring(doc)
    except etree.ParserError:  # markup without any element (a comment only): no text
        return []
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.lower() not in BLOCKS:
            continue
        if any(isinstance(c.tag, str) and c.tag.lower() in BLOCKS for c in el.iterdescendants()):
            # its inner blocks are read on their own; its own words around them here
            text = " ".join(_own_text(el).split())
        else:
            text = " ".join(el.text_content().split())
        if text:
            out.append(text)
    if not out:  # text straight in the body, without blocks
        text = " ".join(root.text_content().split())
        out = [text] if text else []
    return out


def _is_block(el) -> bool:
    return isinstance(el.tag, str) and el.tag.lower() in BLOCKS


def _own_text(el) -> str:
    """EL's text without the text of the blocks inside it (those are paragraphs of their own)."""
    parts = [el.text or ""]
    for child in el:
        if not _is_block(child):
            parts.append(_own_text(child) if any(_is_block(c) for c in child.iterdescendants()) else child.text_content())
        parts.append(child.tail or "")
    return " ".join(parts)

