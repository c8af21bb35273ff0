"""Diff: two editions (build folders, DOCX or PDF files) compared for reviewers: a terminal
summary, JSON, a German HTML report and a Word redline."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "read_view": "edition_view",
    "compare": "changes",
    "to_html": "report",
    "redline": "word_redline",
})
