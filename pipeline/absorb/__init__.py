"""Absorb: edits and comments made in a built DOCX taken back into the sources it was built
from (the Word round trip, `brochure absorb`)."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "absorb": "run",
})
