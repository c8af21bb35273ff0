"""Numbers as a plan writes them: flat (3) or hierarchical (8, 8.1, 8.1.1), kept as typed.

A hierarchical number typed into German Excel becomes a date (8.1.1 → 08.01.2001); such a cell
is recognised and reported with its fix rather than read as the wrong number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pipeline.errors import BadValue
from pipeline.load.german import ExcelDate, typed_as

LIST_SEPARATOR = " – "  # the scaffold's drop-down shows '8.1.1 – Sprache und Bildung'
_OUTLINE = re.compile(r"\d{1,4}(?:\.\d{1,4}){0,5}")
MAX_DEPTH = 4  # 8.1.1.1: deeper plans are unreadable as headings


def parse(raw: object) -> str:
    """The number as typed ('8.1.1'), from a text or number cell; a drop-down's '8.1.1 – Title'
    gives '8.1.1'. Raises BadValue (ExcelDate for a date cell) for anything else."""
    if isinstance(raw, dt.date):
        raise ExcelDate(raw, typed_as(raw))
    if isinstance(raw, bool):
        raise BadValue(f"'{raw}' is not a number", {"form": "not-a-field-number", "value": raw})
    if isinstance(raw, (int, float, Decimal)):
        if raw == int(raw) and raw >= 1:
            return str(int(raw))
        raise BadValue(f"'{raw}' is a decimal number, not a field number: Excel cannot tell 8.1 from 8.10",
                       {"form": "decimal-field-number", "value": raw})
    text = str(raw).strip()
    text = text.split(LIST_SEPARATOR.strip(), 1)[0].strip()
    text = text.rstrip(".")  # '3.' as Germans write ordinals
    if not _OUTLINE.fullmatch(text) or any(int(p) == 0 for p in text.split(".")):
        raise BadValue(f"'{raw}' is not a field number: write 1, 2, 3 or, in a plan with groups, 8, 8.1, 8.1.1",
                       {"form": "not-a-field-number", "value": raw})
    if text.count(".") >= MAX_DEPTH:
        raise BadValue(f"'{raw}' has more than {MAX_DEPTH} levels", {"form": "too-deep", "value": raw, "levels": MAX_DEPTH})
    return ".".join(str(int(p)) for p in text.split("."))


def parts(number: str) -> tuple[int, ...]:
    """Sort key: 8.2 before 8.10."""
    return tuple(int(p) for p in number.split("."))


def parent(number: str) -> str:
    return number.rpartition(".")[0]
