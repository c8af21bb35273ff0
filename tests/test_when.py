"""pipeline.load.when: dates as people write them — accepted forms, refusals, sorting, and properties
(only ValueError on any text; every accepted date re-parses from its print form to the same span)."""

from __future__ import annotations

import datetime as dt
import os
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.load.when import When, parse_when

# the project's profiles, as in test_fuzz.py: 'ci' derandomised, 'fuzz' (make fuzz) random and longer
settings.register_profile("ci", max_examples=int(os.environ.get("CI_EXAMPLES", "200")), deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

D = dt.date
MIN, MAX = dt.date.min, dt.date.max

ACCEPTED = [
    # one day
    (dt.date(2011, 4, 12), D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    (dt.datetime(2011, 4, 12, 0, 0), D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    (40645, D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    (40645.0, D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("40645", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("2011-04-12", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("12.04.2011", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("12.4.2011", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("12.04.2011.", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("12. April 2011", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("12. apr. 2011", D(2011, 4, 12), D(2011, 4, 12), "12. April 2011"),
    ("1.3.2012", D(2012, 3, 1), D(2012, 3, 1), "1. März 2012"),
    ("29.02.2012", D(2012, 2, 29), D(2012, 2, 29), "29. Februar 2012"),
    # days
    ("5./6. Februar 2010", D(2010, 2, 5), D(2010, 2, 6), "5./6. Februar 2010"),
    ("5. / 6. Februar 2010", D(2010, 2, 5), D(2010, 2, 6), "5./6. Februar 2010"),
    ("5.–6. Februar 2010", D(2010, 2, 5), D(2010, 2, 6), "5./6. Februar 2010"),
    ("05./06.02.2010", D(2010, 2, 5), D(2010, 2, 6), "5./6. Februar 2010"),
    ("5.-7.2.2010", D(2010, 2, 5), D(2010, 2, 7), "5.–7. Februar 2010"),
    ("5. — 7. Feb. 2010", D(2010, 2, 5), D(2010, 2, 7), "5.–7. Februar 2010"),
    ("5. bis 7. Februar 2010", D(2010, 2, 5), D(2010, 2, 7), "5.–7. Februar 2010"),
    ("30. Juni – 2. Juli 2012", D(2012, 6, 30), D(2012, 7, 2), "30. Juni – 2. Juli 2012"),
    ("30.6.-2.7.2012", D(2012, 6, 30), D(2012, 7, 2), "30. Juni – 2. Juli 2012"),
    ("28.12.2012–3.1.2013", D(2012, 12, 28), D(2013, 1, 3), "28. Dezember 2012 – 3. Januar 2013"),
    ("2011-04-12 - 2011-04-15", D(2011, 4, 12), D(2011, 4, 15), "12.–15. April 2011"),
    # months
    ("April 2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("april 2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("Apr. 2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("04/2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("04 / 2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("4.2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("04.2011", D(2011, 4, 1), D(2011, 4, 30), "April 2011"),
    ("Februar 2012", D(2012, 2, 1), D(2012, 2, 29), "Februar 2012"),
    ("März–Mai 2012", D(2012, 3, 1), D(2012, 5, 31), "März–Mai 2012"),
    ("März - Mai 2012", D(2012, 3, 1), D(2012, 5, 31), "März–Mai 2012"),
    ("September 2011 bis März 2012", D(2011, 9, 1), D(2012, 3, 31), "September 2011 – März 2012"),
    # seasons
    ("Frühjahr 2012", D(2012, 3, 1), D(2012, 5, 31), "Frühjahr 2012"),
    ("Frühling 2012", D(2012, 3, 1), D(2012, 5, 31), "Frühjahr 2012"),
    ("Sommer 2012", D(2012, 6, 1), D(2012, 8, 31), "Sommer 2012"),
    ("Herbst 2012", D(2012, 9, 1), D(2012, 11, 30), "Herbst 2012"),
    ("Winter 2012/13", D(2012, 12, 1), D(2013, 2, 28), "Winter 2012/13"),
    ("Winter 2012/2013", D(2012, 12, 1), D(2013, 2, 28), "Winter 2012/13"),
    ("Winter 2011/12", D(2011, 12, 1), D(2012, 2, 29), "Winter 2011/12"),
    ("Frühjahr 2012 – Herbst 2013", D(2012, 3, 1), D(2013, 11, 30), "Frühjahr 2012 – Herbst 2013"),
    # halves, quarters, thirds
    ("1. Halbjahr 2013", D(2013, 1, 1), D(2013, 6, 30), "1. Halbjahr 2013"),
    ("2. Halbjahr 2013", D(2013, 7, 1), D(2013, 12, 31), "2. Halbjahr 2013"),
    ("erstes Halbjahr 2013", D(2013, 1, 1), D(2013, 6, 30), "1. Halbjahr 2013"),
    ("Zweites Halbjahr 2013", D(2013, 7, 1), D(2013, 12, 31), "2. Halbjahr 2013"),
    ("1. Quartal 2013", D(2013, 1, 1), D(2013, 3, 31), "1. Quartal 2013"),
    ("4. Quartal 2013", D(2013, 10, 1), D(2013, 12, 31), "4. Quartal 2013"),
    ("Q3 2013", D(2013, 7, 1), D(2013, 9, 30), "3. Quartal 2013"),
    ("drittes Quartal 2013", D(2013, 7, 1), D(2013, 9, 30), "3. Quartal 2013"),
    ("Anfang 2012", D(2012, 1, 1), D(2012, 4, 30), "Anfang 2012"),
    ("Mitte 2012", D(2012, 5, 1), D(2012, 8, 31), "Mitte 2012"),
    ("Ende 2012", D(2012, 9, 1), D(2012, 12, 31), "Ende 2012"),
    ("Anfang März 2012", D(2012, 3, 1), D(2012, 3, 10), "Anfang März 2012"),
    ("Mitte März 2012", D(2012, 3, 11), D(2012, 3, 20), "Mitte März 2012"),
    ("Ende Februar 2012", D(2012, 2, 21), D(2012, 2, 29), "Ende Februar 2012"),
    # years
    ("2012", D(2012, 1, 1), D(2012, 12, 31), "2012"),
    (2012, D(2012, 1, 1), D(2012, 12, 31), "2012"),
    ("2010–2013", D(2010, 1, 1), D(2013, 12, 31), "2010–2013"),
    ("2010 - 2013", D(2010, 1, 1), D(2013, 12, 31), "2010–2013"),
    ("2010 bis 2013", D(2010, 1, 1), D(2013, 12, 31), "2010–2013"),
    ("von 2010 bis 2013", D(2010, 1, 1), D(2013, 12, 31), "2010–2013"),
    ("2012/13", D(2012, 1, 1), D(2013, 12, 31), "2012/13"),
    ("2012/2013", D(2012, 1, 1), D(2013, 12, 31), "2012/13"),
    ("1999/00", D(1999, 1, 1), D(2000, 12, 31), "1999/00"),
    ("2010–2010", D(2010, 1, 1), D(2010, 12, 31), "2010"),
    ("2012.", D(2012, 1, 1), D(2012, 12, 31), "2012"),
]

OPEN = [
    ("seit 2010", D(2010, 1, 1), MAX, "seit 2010", False, True),
    ("Seit 2010", D(2010, 1, 1), MAX, "seit 2010", False, True),
    ("ab 2010", D(2010, 1, 1), MAX, "ab 2010", False, True),
    ("seit März 2012", D(2012, 3, 1), MAX, "seit März 2012", False, True),
    ("ab März 2012", D(2012, 3, 1), MAX, "ab März 2012", False, True),
    ("ab 12.04.2011", D(2011, 4, 12), MAX, "ab 12. April 2011", False, True),
    ("bis 2013", MIN, D(2013, 12, 31), "bis 2013", True, False),
    ("bis Ende 2013", MIN, D(2013, 12, 31), "bis Ende 2013", True, False),
    ("bis 30.6.2013", MIN, D(2013, 6, 30), "bis 30. Juni 2013", True, False),
]

FORMS = "write e.g. 12.04.2011, 5./6. Februar 2010, April 2011, Frühjahr 2012, 2. Halbjahr 2013 or 2010–2013"

REFUSED = [
    ("", f"'' is not a date: the cell is empty; {FORMS}"),
    ("   ", f"'' is not a date: the cell is empty; {FORMS}"),
    ("irgendwann", f"'irgendwann' is not a date: {FORMS}"),
    ("demnächst", f"'demnächst' is not a date: {FORMS}"),
    ("12. April", f"'12. April' is not a date: {FORMS}"),
    ("seit 2010–2013", f"'seit 2010–2013' is not a date: {FORMS}"),
    ("13.2011", "'13.2011' is not a date: there is no month 13"),
    ("12.13.2011", "'12.13.2011' is not a date: there is no month 13"),
    ("31.02.2011", "'31.02.2011' is not a date: month 2 of 2011 has no day 31"),
    ("29.02.2011", "'29.02.2011' is not a date: month 2 of 2011 has no day 29"),
    ("2013–2010", "'2013–2010' is not a date range: the end is before the start (write the earlier date first, "
                  "e.g. 2010–2013)"),
    ("7.–5. Februar 2010", "'7.–5. Februar 2010' is not a date range: the end is before the start"),
    ("1850", "'1850' is not a date: the year 1850 is outside 1900–2100"),
    (1850, "'1850' is not a date: the year 1850 is outside 1900–2100"),
    ("April 2101", "'April 2101' is not a date: the year 2101 is outside 1900–2100"),
    (dt.date(1850, 1, 1), "is not a date: the year 1850 is outside 1900–2100"),
    ("Winter 2012", "'Winter 2012' is ambiguous: write Winter 2011/12 or Winter 2012/13"),
    ("5./7. Februar 2010", "'5./7. Februar 2010' is not a date: the days around '/' must follow each other"),
    ("2012/14", "'2012/14' is not a date: the years around '/' must follow each other (2012/13); "
                "write a span with a dash (2012–2014)"),
    ("5. Quartal 2013", f"'5. Quartal 2013' is not a date: {FORMS}"),
    # german.parse_date's message for a number that is no Excel date serial
    (42, "'42' is a number, not a date"),
    ("42", "'42' is a number, not a date"),
    (9999.5, "is a number, not a date"),
    (float("nan"), "is not a date"),
    (True, f"'True' is not a date: {FORMS}"),
    ("x" * 30_000, "is not a date: it has more than 80 characters"),
]


@pytest.mark.parametrize(("raw", "start", "end", "text"), ACCEPTED, ids=[repr(a[0]) for a in ACCEPTED])
def test_accepted(raw, start, end, text):
    assert parse_when(raw) == When(start, end, text)


@pytest.mark.parametrize(("raw", "start", "end", "text", "open_start", "open_end"), OPEN, ids=[o[0] for o in OPEN])
def test_open(raw, start, end, text, open_start, open_end):
    assert parse_when(raw) == When(start, end, text, open_start=open_start, open_end=open_end)


@pytest.mark.parametrize(("raw", "message"), REFUSED, ids=[repr(r[0])[:30] for r in REFUSED])
def test_refused(raw, message):
    with pytest.raises(ValueError) as caught:
        parse_when(raw)
    assert message in str(caught.value)


def test_hostile_cell_is_quick():
    for raw in ("x" * 30_000, "5./" * 10_000, "1" * 30_000, "- " * 15_000, "2012/" * 6_000):
        began = time.perf_counter()
        with pytest.raises(ValueError):
            parse_when(raw)
        assert time.perf_counter() - began < 0.05


STEPS = [  # a participation process, in the order the brochure prints it
    "2010–2013",  # starts with 2010, ends later than 2010 itself
    "seit 2010",  # same start, no end: after every span starting then
    "5./6. Februar 2010",
    "Herbst 2010",
    "31.12.2010",
    "bis Ende 2010",  # no start: by its end, after the day ending then
    "1. April 2011",  # a day before its month
    "April 2011",
    "12.04.2011",
    "September 2011 bis März 2012",
    "Frühjahr 2012",
    "30. Juni – 2. Juli 2012",
    "2. Halbjahr 2013",
]


@pytest.mark.parametrize("seed", range(5))
def test_sorting(seed):
    steps = STEPS[:]
    random.Random(seed).shuffle(steps)
    assert sorted(steps, key=lambda raw: parse_when(raw).key) == STEPS


def test_sort_key_ties():
    order = ["1. Januar 2011", "Januar 2011", "1. Quartal 2011", "2011", "2011–2012", "ab 2011", "seit 2011"]
    assert sorted(reversed(order), key=lambda raw: parse_when(raw).key) == order


def _checked(raw: object) -> When | None:
    """None for a refusal; anything but ValueError fails the property."""
    try:
        when = parse_when(raw)
    except ValueError:
        return None
    assert when.start <= when.end
    again = parse_when(when.text)
    assert again == when, f"{raw!r} printed as {when.text!r} reads back as {again}"
    return when


WORDS = ["5", "6", "05", "12", "13", "31", "2010", "2012", "2013", "1899", ".", ". ", "/", " / ", "-", "–", " – ",
         " bis ", "bis ", "seit ", "ab ", "von ", " ", "April", "apr.", "März", "Mai ", "Februar", "Frühjahr ",
         "Winter ", "Halbjahr ", "Quartal ", "erstes ", "Q", "Anfang ", "Ende ", "Mitte ", "2011-04-12"]


YEAR = st.integers(1895, 2105)
TERM = st.one_of(
    st.tuples(st.integers(0, 32), st.integers(0, 13), YEAR).map(lambda t: "{}.{}.{}".format(*t)),
    st.tuples(st.integers(1, 31), st.sampled_from(["Januar", "Feb.", "märz", "Sept."]), YEAR)
    .map(lambda t: "{}. {} {}".format(*t)),
    st.tuples(st.integers(1, 31), st.sampled_from([".", ".2.", ". Mai", ".12."])).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.sampled_from(["April ", "mai ", "Dez. ", "04/", "12.", "13/"]), YEAR).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.sampled_from(["Frühjahr", "Herbst", "Winter", "Anfang", "Ende Juni", "2. Halbjahr", "Q4",
                               "viertes Quartal", "5. Quartal"]), YEAR).map(lambda t: f"{t[0]} {t[1]}"),
    st.tuples(st.sampled_from(["", "Winter "]), YEAR, st.sampled_from(["", "/"]), st.integers(0, 2101))
    .map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3] if t[2] else ''}"),
    st.sampled_from(["Mai", "März", "5.", "irgendwann"]),
)


@given(st.sampled_from(["", "seit ", "ab ", "bis ", "von "]), TERM,
       st.sampled_from(["", "-", " – ", " bis ", "/", "./"]), TERM)
def test_grammar_round_trip(prefix, left, dash, right):
    _checked(f"{prefix}{left}{dash}{right}" if dash else f"{prefix}{left}")


@given(st.text(max_size=100))
def test_any_text_only_value_error(raw):
    _checked(raw)


@given(st.lists(st.sampled_from(WORDS), max_size=9).map("".join))
def test_date_like_text_round_trip(raw):
    _checked(raw)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
       st.sampled_from(["{d:%d.%m.%Y}", "{d.day}.{d.month}.{d.year}", "{d:%Y-%m-%d}", "{d.day}. {m} {d.year}"]))
def test_any_day_in_any_form(day, form):
    month = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"][day.month - 1]
    when = _checked(form.format(d=day, m=month))
    assert when is not None and when.start == when.end == day


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
       st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_any_day_range(a, b):
    when = _checked(f"{a:%d.%m.%Y}–{b:%d.%m.%Y}")
    if a <= b:
        assert when is not None and (when.start, when.end) == (a, b)
    else:
        assert when is None
