"""German number and date formatting and parsing (via Babel), in one place."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from pipeline.errors import BadValue

LOCALE = "de_DE"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def month_year(date: dt.date) -> str:
    """'Januar 2012'."""
    return format_date(date, "MMMM yyyy", locale=LOCALE)


def day_month_year(date: dt.date) -> str:
    """'31.12.2010'."""
    return format_date(date, "dd.MM.yyyy", locale=LOCALE)


def long_date(date: dt.date) -> str:
    """'12. April 2011', as running text writes a date."""
    return format_date(date, "d. MMMM yyyy", locale=LOCALE)


def number(value: Decimal | int | float) -> str:
    """'13.300', '55,2' — grouping with a point, decimal comma, no trailing zeros added."""
    return format_decimal(value, locale=LOCALE, decimal_quantization=False)


def quantity(value: Decimal | int | float, unit: str = "") -> str:
    """'55,2 %' with a narrow no-break space before the per-cent sign, '120.000 Einwohner*innen'."""
    return with_unit(number(value), unit)


def with_unit(text: str, unit: str) -> str:
    """A printed number and its unit: '55,2\u202f%', '31 Familien'."""
    if not unit:
        return text
    return f"{text}\u202f{unit}" if unit == "%" else f"{text} {unit}"


def parse_number(raw: object) -> Decimal:
    """Parse a cell: real numbers from .xlsx as they are, text the German way ('1.234,5').

    Raises BadValue (a ValueError) with a readable message for text that is not a German number.
    """
    if isinstance(raw, bool):
        raise BadValue(f"'{raw}' is not a number", {"form": "not-a-number", "value": raw})
    if isinstance(raw, dt.date):  # 18.5 typed with a point: German Excel reads a day and a month
        raise ExcelDate(raw, f"{raw.day}.{raw.month}")
    if isinstance(raw, int):
        return _printable(Decimal(raw), raw)
    if isinstance(raw, float):
        return _printable(Decimal(repr(raw)), raw)
    text = str(raw).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if len(text) > 40 or re.search(r"[eE]", text):  # '1e999999999' would make Decimal work for ever
        raise _not_german(raw)
    try:
        return _printable(parse_decimal(text, locale=LOCALE, strict=True), raw)
    except (NumberFormatError, ArithmeticError) as exc:
        raise _not_german(raw) from exc


def _not_german(raw: object) -> BadValue:
    return BadValue(f"'{raw}' is not a number in German notation (e.g. 1.234,5)", {"form": "not-german-number", "value": raw})


class ExcelDate(ValueError):
    """A date cell where a number was meant: Excel turned what was typed into a date."""

    def __init__(self, value: dt.date, typed: str):
        self.date = value
        self.typed = typed  # what was probably typed: '8.1.1'
        super().__init__(f"'{value:%d.%m.%Y}' is a date Excel made out of what was typed (probably '{typed}')")


def typed_as(value: dt.date, today: dt.date | None = None) -> str:
    """What German Excel was given to make this date: 8.1.1 → 08.01.2001, 8.1 → 08.01.<this year>,
    18.5 → 18.05.<this year>."""
    year = (today or dt.date.today()).year
    if value.year == year:
        return f"{value.day}.{value.month}"
    if 2000 <= value.year <= 2029:
        return f"{value.day}.{value.month}.{value.year - 2000}"
    return f"{value.day}.{value.month}.{value.year}"


MAX_DIGITS = 15  # before the decimal comma: no brochure prints a larger figure


def _printable(value: Decimal, raw: object) -> Decimal:
    """NaN, infinity and absurd magnitudes are no figures a brochure prints."""
    if not value.is_finite():
        raise BadValue(f"'{raw}' is not a number (NaN or infinity)", {"form": "not-a-number", "value": raw})
    if value and value.adjusted() >= MAX_DIGITS:
        raise BadValue(f"'{raw}' is too large a number (more than {MAX_DIGITS} digits)",
                       {"form": "number-too-large", "value": raw, "digits": MAX_DIGITS})
    return value


def parse_date(raw: object) -> dt.date:
    """Accept a real date cell, an ISO date (2012-01-31) or a German one (31.12.2010)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) or re.fullmatch(r"\d{1,5}", str(raw).strip()):
        # an Excel date serial (days since 30.12.1899), as a date cell shows when formatted as a number;
        # a small number is a year or a count typed into the date column (2010 would be 02.07.1905)
        serial = float(raw)
        if 10_000 <= serial <= 2958465:
            return (EXCEL_EPOCH + dt.timedelta(days=int(serial)))
        shown = int(serial) if serial == int(serial) else serial
        if 1900 <= serial <= 2100:
            raise BadValue(f"'{shown}' is a year, not a date: write the whole date, e.g. 31.12.{int(serial)}",
                           {"form": "year-not-date", "value": shown})
        raise BadValue(f"'{shown}' is a number, not a date: write the whole date, e.g. 31.12.2010",
                       {"form": "not-a-day", "value": shown})
    text = str(raw).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise BadValue(f"'{raw}' is not a date (write TT.MM.JJJJ, e.g. 31.12.2010)", {"form": "not-a-day", "value": raw})
