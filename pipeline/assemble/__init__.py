"""Assemble: records + edition + type → one content tree (pipeline/tree.py, the contract
every later stage reads)."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "assemble": "document",
})
