"""Read built documents back: text, headings and outline, as a reader's tools see them."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cached_property

import pypdfium2 as pdfium
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.table import _Cell
from lxml import etree
from pypdf import PdfReader


def clean_pdf_text(text: str) -> str:
    """Undo typesetting: join hyphenated line ends, unify spaces.

    Typst maps the hyphen glyph to U+00AD (soft hyphen) in /ToUnicode once a word has been
    hyphenated, and keeps the real text in /ActualText, which pypdf does not read. So a U+00AD
    inside a line is a printed hyphen; one at a line end is a hyphenation break (or a hyphen
    that happened to fall there, which only `canonical` can compare fairly)."""
    # A long web address broken at a line end (no hyphen is printed): rejoin it when the next
    # line goes on like an address ('de/downloads/…'), not like a new word ('Friedrich').
    text = re.sub(r"((?:https?://|www\.)\S*)[ \t]*\n(?!https?://|www\.)(?=\S*[/.=?&#]\S*)", r"\1", text)
    # 'Integrations-' at a line end before 'und' is a suspended compound, not a broken word
    text = re.sub(r"-[ \t]*\n(?=(?:und|oder|bzw\.|bis|sowie)\b)", "- ", text)
    text = re.sub("\u00ad[ \t]*\n|-[ \t]*\n(?=[a-zäöüß])", "", text)
    text = text.replace("\u00ad", "-").replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def canonical(text: str) -> str:
    """Comparison form for text read back from a PDF: hyphens and spacing do not count."""
    return normalise_space(text.replace("\u00ad", "").replace("-", ""))


@dataclass
class PdfContent:
    pages: int
    text: str  # whole document, cleaned
    page_texts: list[str]
    raw_pages: list[str]  # as extracted, with line breaks, running heads and page numbers
    outline: list[tuple[int, str, int]]  # (level, title, page number 1-based)
    data: bytes = b""

    @cached_property
    def _catalog(self) -> tuple[dict, str | None]:
        # pypdf, read only when asked: the build's own checks need neither
        reader = PdfReader(io.BytesIO(self.data))
        lang = reader.trailer["/Root"].get("/Lang")
        return dict(reader.metadata or {}), str(lang) if lang is not None else None

    @property
    def metadata(self) -> dict:
        return self._catalog[0]

    @property
    def language(self) -> str | None:
        return self._catalog[1]

    @cached_property
    def _canonical(self) -> str:
        return canonical(self.text)

    def contains(self, needle: str) -> bool:
        return canonical(needle) in self._canonical


def chapter_spans(pdf: bytes | PdfContent, chapter_ids: list[str]) -> list[dict] | None:
    """First and last page of every chapter, from the PDF's top-level bookmarks (one per
    chapter, in order). None if they do not match the chapters one to one."""
    if isinstance(pdf, bytes):
        doc = pdfium.PdfDocument(pdf)
        try:
            outline, total = _outline(doc), len(doc)
        finally:
            doc.close()
    else:
        outline, total = pdf.outline, pdf.pages
    starts = [page for level, _, page in outline if level == 1]
    if len(starts) != len(chapter_ids) or 0 in starts:
        return None
    ends = [s - 1 for s in starts[1:]] + [total]
    return [{"id": cid, "start": s, "end": e} for cid, s, e in zip(chapter_ids, starts, ends)]


def page_count(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def _outline(pdf: pdfium.PdfDocument) -> list[tuple[int, str, int]]:
    """(level, title, page number 1-based; 0 if its page is gone) for every bookmark."""
    out = []
    for mark in pdf.get_toc(max_depth=16):
        dest = mark.get_dest()
        index = dest.get_index() if dest is not None else None
        out.append((mark.level + 1, mark.get_title(), index + 1 if index is not None else 0))
    return out


def _page_texts(pdf: pdfium.PdfDocument) -> list[str]:
    return [page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "-\n") for page in pdf]


def page_texts_of_pdf(data: bytes) -> list[str]:
    """Each page's text as extracted, without the outline or the cleaning `read_pdf` does."""
    pdf = pdfium.PdfDocument(data)
    try:
        return _page_texts(pdf)
    finally:
        pdf.close()


def read_pdf(data: bytes) -> PdfContent:
    """Text and bookmarks read with PDFium (about 15 times faster than pypdf, which the tests
    use as an independent reader); line ends and end-of-line hyphens come out as pypdf gives
    them. Metadata and the document language are read with pypdf, when asked for."""
    pdf = pdfium.PdfDocument(data)
    try:
        raw_pages = _page_texts(pdf)
        outline = _outline(pdf)
    finally:
        pdf.close()
    page_texts = [clean_pdf_text(t) for t in raw_pages]
    return PdfContent(pages=len(raw_pages), text=" ".join(page_texts), page_texts=page_texts, raw_pages=raw_pages,
                      outline=outline, data=data)


@dataclass
class DocxContent:
    text: str  # body paragraphs, tables and footnotes, whitespace unified
    headings: list[tuple[int, str]]
    styles_used: set[str]
    core: dict


def _paragraphs(container):
    """Every paragraph in reading order, including those in tables (and tables in their cells)."""
    for item in container.iter_inner_content():
        if isinstance(item, DocxTable):
            # Cells straight from the rows' XML: each once, however many grid columns it spans
            # (python-docx's row.cells repeats merged cells and rebuilds the grid per row).
            for tr in item._tbl.tr_lst:
                for tc in tr.tc_lst:
                    yield from _paragraphs(_Cell(tc, item))
        else:
            yield item


def read_docx(data: bytes) -> DocxContent:
    doc = open_docx(io.BytesIO(data))
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    styles: set[str] = set()
    # Style names by id, read once: python-docx's `paragraph.style` scans every style per call.
    names = {s.style_id: s.name for s in doc.styles}
    default = next((s.name for s in doc.styles if s.type == 1 and s.element.default), "")
    for p in _paragraphs(doc):
        ppr = p._p.pPr
        name = names.get(ppr.style, "") if ppr is not None and ppr.style else default
        styles.add(name)
        parts.append(p.text)
        if name.startswith("Heading "):
            headings.append((int(name.split()[1]), p.text))
        elif name == "TOC Heading":  # the contents chapter's title
            headings.append((1, p.text))
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/footnotes"):
            root = etree.fromstring(rel.target_part.blob)
            parts.extend("".join(t.text or "" for t in note.iter(qn("w:t"))) for note in root.iter(qn("w:footnote")))
    cp = doc.core_properties
    core = {"title": cp.title, "author": cp.author, "language": cp.language}
    return DocxContent(text=re.sub(r"\s+", " ", " ".join(parts)), headings=headings, styles_used=styles, core=core)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()
