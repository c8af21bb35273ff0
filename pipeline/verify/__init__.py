"""Verify: the built files read back as their readers' tools read them, and held against
the inputs."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "read_pdf": "read_back",
    "read_docx": "read_back",
    "check_outputs": "outputs",
})
