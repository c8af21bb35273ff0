"""Chapters that end on a nearly empty page.

A box, a picture or a table row is kept whole, so when it does not fit at the foot of a page it
moves to the next one, and a chapter can end on a page that holds nothing else ('p. 11 holds
only the contact box'). The layout cannot always avoid that (a page budget, a box that must not
break), so the build summary names such pages and what is on them: an editor can shorten the
chapter by a few lines, or accept the page. Read from the PDF's tagged content with PDFium: page
furniture (running heads, folios, the draft mark) is an artifact and does not count."""

from __future__ import annotations

import ctypes

from pipeline.render.pdf_pages import chapter_spans, pdfium
from pipeline.tree import Document

SPARSE = 0.25  # share of the type area's height below which a chapter's last page counts as nearly empty
MM = 72 / 25.4


def mark_names(obj, raw) -> list[str]:
    """The marked-content tags a PDFium page object sits in ('Artifact', 'P', 'Span' …)."""
    names = []
    for k in range(raw.FPDFPageObj_CountMarks(obj)):
        mark = raw.FPDFPageObj_GetMark(obj, k)
        buf = (ctypes.c_ushort * 128)()
        n = ctypes.c_ulong()
        raw.FPDFPageObjMark_GetName(mark, buf, ctypes.sizeof(buf), ctypes.byref(n))
        names.append(bytes(buf)[:n.value].decode("utf-16-le").rstrip("\x00"))
    return names


def _is_artifact(obj, raw) -> bool:
    names = mark_names(obj, raw)
    return "Artifact" in names or not names  # untagged content is no reader's content either


def _filled(page, top: float, bottom: float) -> tuple[float, str] | None:
    """The share of the type area (between BOTTOM and TOP, pt from the foot) that the page's
    content spans, and its first words; None for a page with no content."""
    import pypdfium2.raw as raw
    low, high = None, None
    for obj in page.get_objects(max_depth=8):
        if obj.type not in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH) or _is_artifact(obj.raw, raw):
            continue
        _, b, _, t = obj.get_bounds()
        b, t = max(b, bottom), min(t, top)
        if t > b:
            low, high = (b, t) if low is None else (min(low, b), max(high, t))
    if low is None:
        return None
    textpage = page.get_textpage()
    try:
        chars = []
        for k in range(min(textpage.count_chars(), 400)):
            obj = raw.FPDFText_GetTextObject(textpage.raw, k)
            char = textpage.get_text_range(k, 1)
            if (obj and not _is_artifact(obj, raw)) or (not obj and char.isspace()):  # spaces PDFium adds
                chars.append(char)
    finally:
        textpage.close()
    words = "".join(chars).replace("\ufffe\r\n", "").replace("\ufffe", "").replace("\u00ad", "")
    return (high - low) / (top - bottom), " ".join(words.split())


def sparse_chapter_ends(pdf: bytes, document: Document) -> list[str]:
    """One line per chapter of two or more pages whose last page with content is nearly empty."""
    spans = chapter_spans(pdf, [c.id for c in document.chapters])
    if not spans:
        return []
    titles = {c.id: c.title for c in document.chapters}
    contents = {c.id for c in document.chapters if c.kind == "contents"}  # its last page holds what is left of the list
    size = document.meta.page
    top, bottom = (size.height_mm - size.top_mm) * MM, size.bottom_mm * MM
    notes = []
    doc = pdfium().PdfDocument(pdf)
    try:
        for span in (s for s in spans if s["id"] not in contents):
            for number in range(span["end"], span["start"], -1):  # the last page with content (pads are empty)
                page = doc[number - 1]
                try:
                    found = _filled(page, top, bottom)
                finally:
                    page.close()
                if found is None:
                    continue
                share, words = found
                if share < SPARSE:
                    excerpt = words if len(words) <= 50 else words[:49] + "…"
                    notes.append(f"p. {number}, the last of chapter '{titles[span['id']]}', holds only "
                                 f"{share:.0%} of a page („{excerpt}“): it did not fit at the foot of p. {number - 1}. "
                                 "Shorten the chapter by a few lines to pull it up, or leave the page as it is.")
                break
    finally:
        doc.close()
    return notes
