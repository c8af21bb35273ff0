"""Read built documents back: text, headings and outline, as a reader's tools see them."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from pipeline.render.pdf_pages import bookmarks, chapter_spans, page_count, pdfium  # noqa: F401 (re-exported)


def clean_pdf_text(text: str) -> str:
    """Undo typesetting: join hyphenated line ends, unify spaces.

    A hyphenation break reads as U+00AD (PDFium: U+FFFE, turned into '-' + line end by
    `_page_texts`) and a typed hyphen as '-' (the fonts Typst gets give each its own glyph,
    see fonts.py; in body text it is U+2010 or U+2011, which `_page_texts` reads as '-'). A typed hyphen
    that falls at a line end cannot be told from a hyphenation break by this text alone; only
    `canonical` compares such text fairly."""
    text = text.replace("\u2010", "-").replace("\u2011", "-")  # typed hyphens, as pypdf gives them
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
    sizes: list[tuple[float, float]] = field(default_factory=list)  # each page's width and height, mm

    @cached_property
    def reader(self):
        """pypdf, opened only when asked: for metadata, language and the structure tree."""
        from pypdf import PdfReader  # only for the accessibility check; loaded when it runs
        return PdfReader(io.BytesIO(self.data))

    @cached_property
    def _catalog(self) -> tuple[dict, str | None]:
        reader = self.reader
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


def _page_texts(pdf) -> list[str]:
    """Each page's text; a typed hyphen, printed as U+2010 (or U+2011 in a suspended compound) so
    that no reader drops it at a line end (fonts.py), reads as the '-' it was typed as."""
    return [page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "-\n").replace("\u2010", "-").replace("\u2011", "-")
            for page in pdf]


def page_texts_of_pdf(data: bytes) -> list[str]:
    """Each page's text as extracted, without the outline or the cleaning `read_pdf` does."""
    pdf = pdfium().PdfDocument(data)
    try:
        return _page_texts(pdf)
    finally:
        pdf.close()


def read_pdf(data: bytes) -> PdfContent:
    """Text and bookmarks read with PDFium (about 15 times faster than pypdf, which the tests
    use as an independent reader); line ends and end-of-line hyphens come out as pypdf gives
    them. Metadata and the document language are read with pypdf, when asked for."""
    pdf = pdfium().PdfDocument(data)
    try:
        raw_pages = _page_texts(pdf)
        outline = bookmarks(pdf)
        sizes = [(w * MM_PER_PT, h * MM_PER_PT) for w, h in (pdf.get_page_size(n) for n in range(len(pdf)))]
    finally:
        pdf.close()
    page_texts = [clean_pdf_text(t) for t in raw_pages]
    return PdfContent(pages=len(raw_pages), text=" ".join(page_texts), page_texts=page_texts, raw_pages=raw_pages,
                      outline=outline, data=data, sizes=sizes)


@dataclass
class DocxContent:
    text: str  # body paragraphs, tables and footnotes, whitespace unified
    headings: list[tuple[int, str]]
    styles_used: set[str]
    core: dict


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
MM_PER_PT = 25.4 / 72
_TEXT_TAGS = {f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"}


def _part(z: zipfile.ZipFile, name: str):
    return etree.fromstring(z.read(name)) if name in z.namelist() else None


def paragraph_text(p) -> str:
    """What Word shows of a paragraph: text, tabs and line breaks in order (as python-docx's
    `paragraph.text`), field instructions and deleted text left out."""
    out = []
    for el in p.iter(*_TEXT_TAGS):
        out.append(el.text or "" if el.tag == f"{W}t" else "\t" if el.tag == f"{W}tab" else "\n")
    return "".join(out)


def heading_level(style: str) -> int:
    """1 for a chapter title ('Heading 1', or the contents' 'TOC Heading'), 2… for sections, 0 else."""
    if re.fullmatch(r"Heading \d", style):
        return int(style.split()[1])
    return 1 if style == "TOC Heading" else 0


@dataclass
class DocxParts:
    paragraphs: list[tuple[str, str]]  # (style name, text) of every body paragraph, in reading order
    footnotes: list[str]
    core: dict[str, str]  # title, author, language, created (ISO)


def read_docx_parts(data: bytes) -> DocxParts:
    """The DOCX straight from its XML parts with lxml: every paragraph of the body in reading
    order (table cells included) with its style, the footnotes and the core properties.
    (python-docx's object model was most of the read-back time; the tests still open every
    DOCX with python-docx.)"""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = _part(z, "word/document.xml").find(f"{W}body")
        styles = _part(z, "word/styles.xml")
        footnotes = _part(z, "word/footnotes.xml")
        core_xml = _part(z, "docProps/core.xml")
    names, default = {}, ""
    for st in styles.iter(f"{W}style") if styles is not None else ():
        name_el = st.find(f"{W}name")
        from docx.styles import BabelFish
        name = BabelFish.internal2ui(name_el.get(f"{W}val")) if name_el is not None else ""
        names[st.get(f"{W}styleId")] = name
        if st.get(f"{W}type") == "paragraph" and st.get(f"{W}default") in ("1", "true"):
            default = name
    paragraphs = []
    for p in body.iter(f"{W}p"):
        style_el = p.find(f"{W}pPr/{W}pStyle")
        paragraphs.append((names.get(style_el.get(f"{W}val"), "") if style_el is not None else default,
                           paragraph_text(p)))
    notes = ["".join(t.text or "" for t in note.iter(f"{W}t")) for note in footnotes.iter(f"{W}footnote")] \
        if footnotes is not None else []
    core = {key: (core_xml.findtext(tag) if core_xml is not None else None) or ""
            for key, tag in (("title", f"{DC}title"), ("author", f"{DC}creator"), ("language", f"{DC}language"),
                             ("created", f"{DCTERMS}created"))}
    return DocxParts(paragraphs, notes, core)


def read_docx(data: bytes) -> DocxContent:
    parts = read_docx_parts(data)
    headings = [(heading_level(style), text) for style, text in parts.paragraphs if heading_level(style)]
    texts = [text for _, text in parts.paragraphs] + parts.footnotes
    return DocxContent(text=re.sub(r"\s+", " ", " ".join(texts)), headings=headings,
                       styles_used={style for style, _ in parts.paragraphs},
                       core={k: v for k, v in parts.core.items() if k != "created"})


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()
