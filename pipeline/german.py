"""German number and date formatting and parsing (via Babel), in one place."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

LOCALE = "de_DE"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def month_year(date: dt.date) -> str:
    """'Januar 2012'."""
    return format_date(date, "MMMM yyyy", locale=LOCALE)


def day_month_year(date: dt.date) -> str:
    """'31.12.2010'."""
    return format_date(date, "dd.MM.yyyy", locale=LOCALE)


def number(value: Decimal | int | float) -> str:
    """'13.300', '55,2' — grouping with a point, decimal comma, no trailing zeros added."""
    return format_decimal(value, locale=LOCALE, decimal_quantization=False)


def quantity(value: Decimal | int | float, unit: str = "") -> str:
    """'55,2 %' with a narrow no-break space before the per-cent sign, '120.000 Einwohner*innen'."""
    text = number(value)
    if not unit:
        return text
    return f"{text}\u202f{unit}" if unit == "%" else f"{text} {unit}"


def parse_number(raw: object) -> Decimal:
    """Parse a cell: real numbers from .xlsx as they are, text the German way ('1.234,5').

    Raises ValueError with a readable message for text that is not a German number.
    """
    if isinstance(raw, bool):
        raise ValueError(f"'{raw}' is not a number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    try:
        return parse_decimal(text, locale=LOCALE, strict=True)
    except NumberFormatError as exc:
        raise ValueError(f"'{raw}' is not a number in German notation (e.g. 1.234,5)") from exc


def parse_date(raw: object) -> dt.date:
    """Accept a real date cell, an ISO date (2012-01-31) or a German one (31.12.2010)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) or re.fullmatch(r"\d{5}", str(raw).strip()):
        # an Excel date serial (days since 30.12.1899), as a date cell shows when formatted as a number
        serial = float(raw)
        if 1 <= serial <= 2958465:
            return (EXCEL_EPOCH + dt.timedelta(days=int(serial)))
    text = str(raw).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"'{raw}' is not a date (write TT.MM.JJJJ, e.g. 31.12.2010)")
