"""Check: the input checks, run on the loaded tables, records and content tree before
anything is rendered."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "check_inputs": "checks",
    "check_heading_numbers": "numbers",
})
