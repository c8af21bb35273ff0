"""Where each chapter of a typeset PDF starts and ends, read from its bookmarks with PDFium.

The typesetter needs this to pad chapters to their page budgets, the manifest and the output
checks read it too; it lives with the renderer so that rendering never depends on the verify
stage (which runs after it).
"""

from __future__ import annotations


def pdfium():
    """PDFium, imported on first use: `brochure diff` of two build folders never needs it."""
    import pypdfium2
    return pypdfium2


def chapter_spans(pdf, chapter_ids: list[str]) -> list[dict] | None:
    """First and last page of every chapter, from the PDF's top-level bookmarks (one per
    chapter, in order); `pdf` is PDF bytes or a PdfContent already read. None if they do not
    match the chapters one to one."""
    if isinstance(pdf, bytes):
        doc = pdfium().PdfDocument(pdf)
        try:
            outline, total = bookmarks(doc), len(doc)
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
    doc = pdfium().PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def bookmarks(pdf) -> list[tuple[int, str, int]]:
    """(level, title, page number 1-based; 0 if its page is gone) for every bookmark."""
    out = []
    for mark in pdf.get_toc(max_depth=16):
        dest = mark.get_dest()
        index = dest.get_index() if dest is not None else None
        out.append((mark.level + 1, mark.get_title(), index + 1 if index is not None else 0))
    return out


def page_limit_finding(pdf: bytes, where: str, made_by: str):
    """E-TOO-LARGE when PDF has more pages than an edition may (MAX_PAGES), else None: read no
    further then (a PDF of 100,000 pages runs pypdf into its limits and PDFium out of time).
    WHERE names the file blamed, MADE_BY what made the pages."""
    from pipeline.errors import Location, error
    from pipeline.load.edition import MAX_PAGES
    pages = page_count(pdf)
    if pages <= MAX_PAGES:
        return None
    return error("E-TOO-LARGE", Location(file=where), f"{made_by} has {pages:,} pages; an edition has at most {MAX_PAGES:,}",
                 "look for a loop or repeated page breaks in the type's Typst files; if the inputs are this long, "
                 "split the edition into several", args={"form": "pages", "pages": pages, "max": MAX_PAGES})
