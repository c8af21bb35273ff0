"""Whether a refused upload form held more files than its field takes: a town that picks two
files at once must be told that only one is allowed, not that none was chosen."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException


def too_many_files(exc: BaseException) -> bool:
    """EXC is Starlette's refusal of a form with more files than max_files (inside an app it
    comes as an HTTPException 400 carrying the parser's message)."""
    if isinstance(exc, MultiPartException):
        text = exc.message
    elif isinstance(exc, HTTPException) and exc.status_code == 400:
        text = str(exc.detail)
    else:
        return False
    return text.startswith("Too many files")
