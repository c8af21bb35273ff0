"""Dates as municipality staff write them in a spreadsheet cell, parsed, sorted and printed in German.

Accepted (case-insensitive; - – — or 'bis' as range word, spaces optional around dashes and slashes,
a trailing dot tolerated):

- a day: a date cell, an Excel serial, 2011-04-12, 12.04.2011, 12.4.2011, 12. April 2011, 12. Apr. 2011
- days: 5./6. Februar 2010, 5.–7. Februar 2010, 05./06.02.2010, 30. Juni – 2. Juli 2012, 28.12.2012–3.1.2013
- a month: April 2011, Apr. 2011, 04/2011, 4.2011; months: März–Mai 2012, September 2011 bis März 2012
- a season: Frühjahr/Frühling (March–May), Sommer (June–August), Herbst (September–November),
  Winter 2012/13 or 2012/2013 (December 2012–February 2013)
- 1./2. or erstes/zweites Halbjahr 2013, 1.–4. or erstes…viertes Quartal 2013, Q3 2013
- Anfang/Mitte/Ende 2012 (January–April, May–August, September–December),
  Anfang/Mitte/Ende März 2012 (days 1–10, 11–20, 21 to the month's end)
- years: 2012, 2010–2013, 2010 bis 2013, 2012/13 (a school or season year: all of 2012 and 2013)
- open spans: seit/ab <any of the above> (open_end), bis <any of the above> (open_start), e.g. bis Ende 2013
- any two of the above as a range (von … bis …, … – …), the left side may leave out the year
  and month the right side gives (5.–7. Februar 2010, März–Mai 2012)

Decisions: 'Winter 2012' alone is refused as ambiguous (the winter 2011/12 or 2012/13 — a guess
would move a step by a year); the message asks for 'Winter 2011/12' or 'Winter 2012/13'. Two days
or years around '/' must follow each other (5./6., 2012/13); a span is written with a dash.
An open side is dt.date.min or dt.date.max: 'seit 2010' can mean any day from 1 January 2010 on.

Print form: German month names, an en dash; spaces around the dash when its left part has a space
(30. Juni – 2. Juli 2012), none otherwise (5.–7. Februar 2010, März–Mai 2012, 2010–2013); two
consecutive days of one month with a slash (5./6. Februar 2010); 'seit', 'ab', 'bis' kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from babel.dates import format_date

from pipeline.errors import BadValue
from pipeline.load import german

MAX_LENGTH = 80  # no date needs more; caps the work on a hostile cell
FIRST_YEAR, LAST_YEAR = 1900, 2100
FORMS = "12.04.2011, 5./6. Februar 2010, April 2011, Frühjahr 2012, 2. Halbjahr 2013 or 2010–2013"
NOT_A_DATE = f"is not a date: write e.g. {FORMS}"

MONTHS = {"januar": 1, "jan": 1, "jänner": 1, "jän": 1, "februar": 2, "feb": 2, "märz": 3, "mär": 3, "mrz": 3,
          "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
          "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
          "dezember": 12, "dez": 12}
SEASONS = {"frühjahr": ("Frühjahr", 3, 5), "frühling": ("Frühjahr", 3, 5), "sommer": ("Sommer", 6, 8),
           "herbst": ("Herbst", 9, 11)}
PARTS = {"anfang": "Anfang", "mitte": "Mitte", "ende": "Ende"}  # a third of the year or month each
ORDINALS = {"erstes": 1, "erste": 1, "zweites": 2, "zweite": 2, "drittes": 3, "dritte": 3,
            "viertes": 4, "vierte": 4}
UNITS = {"halbjahr": ("Halbjahr", 6), "quartal": ("Quartal", 3)}  # name, months each
DASHES = "-‐‑‒–—−"
DIGITS = "0123456789"


@dataclass(frozen=True)
class When:
    start: dt.date  # first day the text can mean (dt.date.min when open_start)
    end: dt.date  # last day it can mean, == start for one day (dt.date.max when open_end)
    text: str  # the German print form
    open_start: bool = False  # 'bis 2013'
    open_end: bool = False  # 'seit 2010', 'ab März 2012'

    @property
    def key(self) -> tuple:
        """Chronological: by start, then by end, so a shorter span goes first when two start together
        (1. April 2011, April 2011, April–Juni 2011). 'bis 2013' has no start and sorts by its end
        (after everything else ending that day); 'seit 2010' sorts by its start, after the spans
        starting that day. The text breaks remaining ties ('ab 2010' before 'seit 2010')."""
        anchor = self.end if self.open_start else self.start
        return (anchor, self.end, -self.start.toordinal(), self.text)


class _Term(NamedTuple):
    kind: str  # 'day', 'month' or another span: the range's print form shortens days and months
    start: dt.date
    end: dt.date
    text: str


class _Refused(Exception):
    """The reason, after the quoted cell: parse_when adds the quote (and the value to the args)."""

    def __init__(self, reason: str, args: dict[str, object]):
        super().__init__(reason)
        self.finding_args = args

    def bad_value(self, shown: str) -> BadValue:
        return BadValue(f"'{shown}' {self}", {**self.finding_args, "value": shown})


def _not_a_date() -> _Refused:
    return _Refused(NOT_A_DATE, {"form": "not-a-date"})


def parse_when(raw: object) -> When:
    """Parse a cell; raises BadValue (a ValueError) naming the cell's value and the accepted forms."""
    if isinstance(raw, (dt.date, int, float)) and not isinstance(raw, bool):
        return _cell(raw)
    text = " ".join(unicodedata.normalize("NFC", str(raw)).split())
    if len(text) > MAX_LENGTH:
        raise BadValue(f"'{_quoted(text)}' is not a date: it has more than {MAX_LENGTH} characters",
                       {"form": "not-a-date", "value": _quoted(text)})
    try:
        if not text:
            raise _Refused(f"is not a date: the cell is empty; write e.g. {FORMS}", {"form": "not-a-date"})
        if all(c in DIGITS for c in text) and len(text) != 4:
            return _cell(text)  # an Excel serial typed as text, or german's message for a small number
        try:
            return _when(_day(german.parse_date(text)))
        except ValueError:
            pass  # not one exact date: the other forms
        return _parse(_tokens(text))
    except _Refused as reason:
        raise reason.bad_value(text) from None


def _cell(raw: object) -> When:
    """A date cell, a number cell or a digit string: a date, an Excel serial or a year."""
    try:
        if not isinstance(raw, dt.date):
            try:
                number = float(raw)  # type: ignore[arg-type]
            except OverflowError:
                number = math.inf
            if not math.isfinite(number):
                raise _not_a_date()
            if number.is_integer() and 1000 <= number <= 9999:  # a year; Excel serials start at 10000
                return _when(_term([("y", _year(int(number)))]))
        return _when(_day(german.parse_date(raw)))
    except _Refused as reason:
        raise reason.bad_value(_quoted(raw)) from None


def _quoted(raw: object) -> str:
    text = str(raw)
    return text if len(text) <= MAX_LENGTH else f"{text[:40]}…"


def _when(term: _Term) -> When:
    return When(term.start, term.end, term.text)


def _tokens(text: str) -> list[tuple[str, object]]:
    """('y', 2012) four digits, ('n', 5) other numbers, ('w', 'april'), ('.',), ('/',), ('-',),
    ('d', date) an ISO date. One pass, no regex: linear on any input."""
    out: list[tuple[str, object]] = []
    low, i = text.lower(), 0
    while i < len(low):
        c, j = low[i], i + 1
        if c in DIGITS:
            while j < len(low) and low[j] in DIGITS:
                j += 1
            out.append(("y" if j - i == 4 else "n", int(low[i:j])))
        elif c.isalpha():
            while j < len(low) and low[j].isalpha():
                j += 1
            word = low[i:j]
            out.append(("-", None) if word == "bis" and out else ("w", word))  # a leading 'bis' is open_start
        elif c == ".":
            if not out or out[-1][0] != "w" or out[-1][1] not in MONTHS:  # the dot of 'Apr.' carries nothing
                out.append((".", None))
        elif c == "/" or c in DASHES:
            out.append(("/" if c == "/" else "-", None))
        elif not c.isspace():
            raise _not_a_date()
        i = j
    if out and out[-1][0] == ".":
        out.pop()  # trailing dot
    return _iso(out)


def _iso(tokens: list) -> list:
    """2011-04-12 as one token, so that its dashes do not read as a range."""
    out, i = [], 0
    while i < len(tokens):
        kinds = "".join(k for k, _ in tokens[i:i + 5])
        if kinds == "y-n-n":
            out.append(("d", _date(tokens[i][1], tokens[i + 2][1], tokens[i + 4][1])))
            i += 5
        else:
            out.append(tokens[i])
            i += 1
    return out


def _parse(tokens: list) -> When:
    word = tokens[0][1] if tokens and tokens[0][0] == "w" else None
    if word in ("seit", "ab", "bis", "von", "vom"):
        tokens = tokens[1:]
    # a range: a dash, or a slash after a day's dot (5./6.); other slashes belong to a term (04/2011, 2012/13)
    cuts = [i for i, (k, _) in enumerate(tokens) if k == "-" or k == "/" and i and tokens[i - 1][0] == "."]
    if len(cuts) > 1 or cuts and word in ("seit", "ab", "bis") or not cuts and word in ("von", "vom"):
        raise _not_a_date()
    if word in ("seit", "ab"):
        term = _term(tokens)
        return When(term.start, dt.date.max, f"{word} {term.text}", open_end=True)
    if word == "bis":
        term = _term(tokens)
        return When(dt.date.min, term.end, f"bis {term.text}", open_start=True)
    if not cuts:
        return _when(_term(tokens))
    cut = cuts[0]
    right = _term(tokens[cut + 1:])
    left = _term(tokens[:cut], right)
    if right.start < left.start or right.end < left.end:
        raise _Refused("is not a date range: the end is before the start (write the earlier date first, "
                       "e.g. 2010–2013)", {"form": "end-before-start"})
    if tokens[cut][0] == "/" and not (left.kind == right.kind == "day" and right.start - left.start == ONE_DAY):
        raise _Refused("is not a date: the days around '/' must follow each other (5./6.); "
                       "write a span with a dash (5.–7. Februar 2010)", {"form": "days-not-consecutive"})
    if left[1:3] == right[1:3]:
        return _when(left)  # '2010–2010'
    return When(left.start, right.end, _range_text(left, right))


ONE_DAY = dt.timedelta(days=1)


def _range_text(left: _Term, right: _Term) -> str:
    """Leave out on the left what the right says: 5.–7. Februar 2010, 30. Juni – 2. Juli 2012, März–Mai 2012."""
    a, b = left.start, right.start
    shown = left.text
    if left.kind == right.kind == "day" and a.year == b.year:
        if a.month == b.month:
            if b - a == ONE_DAY:
                return f"{a.day}./{right.text}"
            shown = f"{a.day}."
        else:
            shown = format_date(a, "d. MMMM", locale=german.LOCALE)
    elif left.kind == right.kind == "month" and a.year == b.year:
        shown = format_date(a, "MMMM", locale=german.LOCALE)
    return f"{shown} – {right.text}" if " " in shown else f"{shown}–{right.text}"


def _term(tokens: list, right: _Term | None = None) -> _Term:
    """One date or span; with `right`, the left side of a range, which may leave out year and month."""
    shape = "".join(k for k, _ in tokens)
    v = [x for k, x in tokens if k in "nywd"]
    if shape == "d":
        return _day(v[0])
    if shape == "n.n.y":
        return _day(_date(v[2], v[1], v[0]))
    if shape == "n.wy" and v[1] in MONTHS:
        return _day(_date(v[2], MONTHS[v[1]], v[0]))
    if shape in ("n/y", "n.y"):
        return _month(v[1], v[0])
    if shape == "y":
        year = _year(v[0])
        return _Term("year", dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    if shape in ("y/n", "y/y"):
        year = _next_year(v[0], v[1])
        return _Term("years", dt.date(year, 1, 1), dt.date(year + 1, 12, 31), f"{year}/{(year + 1) % 100:02d}")
    if shape in ("wy/n", "wy/y") and v[0] == "winter":
        year = _next_year(v[1], v[2])
        return _span(f"Winter {year}/{(year + 1) % 100:02d}", dt.date(year, 12, 1), year + 1, 2)
    if shape == "wy":
        word, year = v
        if word in MONTHS:
            return _month(year, MONTHS[word])
        if word in SEASONS:
            name, first, last = SEASONS[word]
            return _span(f"{name} {year}", dt.date(_year(year), first, 1), year, last)
        if word == "winter":  # which one? a guess would move the step by a year
            _year(year)
            before, after = f"Winter {year - 1}/{year % 100:02d}", f"Winter {year}/{(year + 1) % 100:02d}"
            raise _Refused(f"is ambiguous: write {before} or {after}",
                           {"form": "ambiguous", "one": before, "other": after})
        if word in PARTS:
            first = 1 + 4 * list(PARTS).index(word)
            return _span(f"{PARTS[word]} {year}", dt.date(_year(year), first, 1), year, first + 3)
    if shape == "wwy" and v[0] in PARTS and v[1] in MONTHS:
        month = _month(v[2], MONTHS[v[1]])
        first = 1 + 10 * list(PARTS).index(v[0])
        last = month.end if v[0] == "ende" else month.start.replace(day=first + 9)
        return _Term("part", month.start.replace(day=first), last, f"{PARTS[v[0]]} {month.text}")
    if shape in ("n.wy", "wwy", "wny"):  # 2. Halbjahr 2013, zweites Halbjahr 2013, Q2 2013
        number, unit = {"n.wy": (v[0], v[1]), "wwy": (ORDINALS.get(v[0]), v[1]),
                        "wny": (v[1], "quartal" if v[0] == "q" else None)}[shape]
        if unit in UNITS and number in range(1, 13 // UNITS[unit][1] + 1):
            name, months = UNITS[unit]
            first = 1 + months * (number - 1)
            return _span(f"{number}. {name} {v[2]}", dt.date(_year(v[2]), first, 1), v[2], first + months - 1)
    if right is not None:
        year = right.start.year
        if shape == "n." and right.kind == "day":
            return _day(_date(year, right.start.month, v[0]))
        if shape == "n.n.":
            return _day(_date(year, v[1], v[0]))
        if shape == "n.w" and v[1] in MONTHS:
            return _day(_date(year, MONTHS[v[1]], v[0]))
        if shape == "w" and v[0] in MONTHS:
            return _month(year, MONTHS[v[0]])
    raise _not_a_date()


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Refused(f"is not a date: the year {year} is outside {FIRST_YEAR}–{LAST_YEAR}",
                       {"form": "year-out-of-range", "year": year, "first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def _next_year(year: int, written: int) -> int:
    """2012/13 and 2012/2013: the second year must follow the first."""
    _year(year + 1)
    if written != year + 1 and not (written < 100 and written == (year + 1) % 100):
        full = written if written >= 100 else year // 100 * 100 + written
        pair, span = f"{year}/{(year + 1) % 100:02d}", f"{year}–{full}"
        raise _Refused(f"is not a date: the years around '/' must follow each other ({pair}); "
                       f"write a span with a dash ({span})", {"form": "years-not-consecutive", "pair": pair, "span": span})
    return year


def _date(year: int, month: int, day: int) -> dt.date:
    _year(year)
    if not 1 <= month <= 12:
        raise _Refused(f"is not a date: there is no month {month}", {"form": "no-such-month", "month": month})
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _Refused(f"is not a date: month {month} of {year} has no day {day}",
                       {"form": "no-such-day", "month": month, "year": year, "day": day})
    return dt.date(year, month, day)


def _day(date: dt.date) -> _Term:
    _year(date.year)
    return _Term("day", date, date, format_date(date, "d. MMMM yyyy", locale=german.LOCALE))


def _month(year: int, month: int) -> _Term:
    start = _date(year, month, 1)
    return _span(format_date(start, "MMMM yyyy", locale=german.LOCALE), start, year, month, kind="month")


def _span(text: str, start: dt.date, last_year: int, last_month: int, kind: str = "span") -> _Term:
    """From `start` to the end of month `last_month` of `last_year`."""
    end = dt.date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    return _Term(kind, start, end, text)
