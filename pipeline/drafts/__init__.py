"""Drafts: a municipality's strategy draft from its workbook, one town or hundreds; the
empty workbook it starts from."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "build_draft": "draft",
    "check_draft": "draft",
    "run_batch": "batch",
    "init_draft": "scaffold",
})
