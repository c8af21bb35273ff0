"""Render: the content tree → DOCX (python-docx) and PDF (Typst), with the pictures each
target needs."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "render_docx": "docx",
    "render_docx_noted": "docx",
    "render_pdf": "pdf",
    "Artwork": "artwork",
})
