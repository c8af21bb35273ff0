"""Whether a refused upload form held more files than its field takes: a town that picks two
files at once must be told that only one is allowed, not that none was chosen."""

from __future__ import annotations

from starlette.formparsers import MultiPartException



def too_many_files(exc: BaseException) -> bool:
    """EXC is Starlette's refusal of a form with more files than max_files."""
    return isinstance(exc, MultiPartException) and str(exc).startswith("Too many files")
