"""Charts declared in the inputs: the data table's schema, the Chart block, class labels and
the alt text generated from the data.

A chart is a row of the `charts` table naming a data table (a sheet or CSV file): its first
column holds the categories, every further column one series of numbers.
"""

from __future__ import annotations

import difflib
from decimal import Decimal

from pipeline.load import german
from pipeline.errors import Report, error
from pipeline.load.records import Record
from pipeline.tree import Chart, Series

KIND_NAMES = {"bar": "Balkendiagramm", "stacked_bar": "Gestapeltes Balkendiagramm",
              "classes": "Klassierte Darstellung"}
MAX_CATEGORIES = 40  # more bars than this cannot be read at brochure size
MAX_SERIES = 6


def parse_classes(raw: str) -> list[Decimal]:
    """'30; 40; 50; 60; 70; 75' → class bounds. Raises ValueError with a readable message."""
    parts = [p for p in str(raw).replace("\n", ";").split(";") if p.strip()]
    bounds = [german.parse_number(p) for p in parts]
    if len(bounds) < 2:
        raise ValueError(f"'{raw}' gives fewer than two class bounds")
    if any(b >= a for a, b in zip(bounds[1:], bounds)):
        raise ValueError(f"the class bounds '{raw}' do not rise from left to right")
    return bounds


def class_of(value: float, bounds: list[float]) -> int:
    """Index of the class holding value: [b0, b1), [b1, b2) … and the last class closed."""
    for i in range(len(bounds) - 1):
        if value < bounds[i + 1]:
            return i
    return len(bounds) - 2


def class_labels(bounds: list[float], unit: str) -> list[str]:
    """'30 % bis unter 40 %' … '70 % bis 75 %', as the source brochures label their classes."""
    q = [format_value(b, unit) for b in bounds]
    labels = [f"{q[i]} bis unter {q[i + 1]}" for i in range(len(q) - 2)]
    return labels + [f"{q[-2]} bis {q[-1]}"]


def _num(v: float) -> Decimal:
    """The number as typed: 55.2 → 55.2, 20.000000000000004 (a computed tick) → 20."""
    return Decimal(repr(round(float(v), 6))).normalize() if isinstance(v, float) else Decimal(v)  # numpy floats too


def format_value(v: float, unit: str = "") -> str:
    """'55,2 %', '120.000 Personen': one German form for alt text, legends and the drawing."""
    return german.quantity(_num(v), unit)


def value_text(v: float, unit: str) -> str:
    """A bar label or tick: only '%' is short enough to repeat at every number. A negative
    number gets the minus sign, not the hyphen."""
    return format_value(v, unit if unit == "%" else "").replace("-", "\u2212", 1)


def alt_text(chart: Chart) -> str:
    """What a screen-reader user needs instead of the picture: kind, title, what is plotted,
    the extremes and the marked value."""
    cats, unit = chart.categories, chart.unit
    parts = [f"{KIND_NAMES[chart.kind]}: {chart.title}."]
    if chart.kind == "classes":
        values = chart.series[0].values
        low, high = format_value(chart.classes[0], unit), format_value(chart.classes[-1], unit)
        parts.append(f"{len(cats)} Werte in {len(chart.classes) - 1} Klassen von {low} bis {high}.")
        hi, lo = max(range(len(values)), key=lambda i: values[i]), min(range(len(values)), key=lambda i: values[i])
        parts.append(f"Höchster Wert: {cats[hi]} mit {format_value(values[hi], unit)}; "
                     f"niedrigster Wert: {cats[lo]} mit {format_value(values[lo], unit)}.")
        counts = [0] * (len(chart.classes) - 1)
        for v in values:
            counts[class_of(v, chart.classes)] += 1
        parts.append("Verteilung: " + "; ".join(f"{label}: {n}" for label, n in
                                                  zip(class_labels(chart.classes, unit), counts)) + ".")
    else:
        names = ", ".join(f"„{s.name}“" for s in chart.series)
        stacked = " gestapelt" if chart.kind == "stacked_bar" else ""
        parts.append(f"{len(cats)} Kategorien von {cats[0]} bis {cats[-1]}; dargestellt{stacked}: {names}."
                     if len(cats) > 1 else f"Kategorie {cats[0]}; dargestellt{stacked}: {names}.")
        for s in chart.series:
            hi = max(range(len(s.values)), key=lambda i: s.values[i])
            lo = min(range(len(s.values)), key=lambda i: s.values[i])
            prefix = f"{s.name}: " if len(chart.series) > 1 else ""
            parts.append(f"{prefix}höchster Wert bei {cats[hi]} ({format_value(s.values[hi], unit)}), "
                         f"niedrigster bei {cats[lo]} ({format_value(s.values[lo], unit)}).")
    if chart.reference is not None:
        parts.append(f"{chart.reference_label or 'Markierter Wert'}: {format_value(chart.reference, unit)}.")
    if chart.source:
        parts.append(f"Quelle: {chart.source}.")
    return " ".join(parts)


def chart_from_rows(rec: Record, rows: list[Record], columns: list[str], report: Report) -> Chart | None:
    """The chart a `charts` row declares, from its data table's rows; None (with findings) when
    the declaration or the data cannot make a chart."""
    kind = str(rec["kind"])
    where = rec.cells.get("data", rec.origin)
    if not rows or len(columns) < 2:
        report.add(error("E-CHART-DATA", where, f"data table '{rec['data']}' has no rows of numbers",
                         "give it a heading row, categories in the first column and one column of "
                         "numbers per series"))
        return None
    if len(rows) > MAX_CATEGORIES or len(columns) - 1 > MAX_SERIES:
        report.add(error("E-CHART-DATA", where,
                         f"data table '{rec['data']}' has {len(rows)} rows and {len(columns) - 1} series; a chart "
                         f"shows at most {MAX_CATEGORIES} rows and {MAX_SERIES} series",
                         "split it into several charts or summarise the rows"))
        return None
    if any(r.values.get(c) is None for r in rows for c in columns[1:]):
        return None  # an empty or unreadable number was reported with its cell
    series = [Series(name=c, values=[float(r.values[c]) for r in rows]) for c in columns[1:]]
    chart = Chart(id=rec.id, kind=kind, title=str(rec["title"]), categories=[str(r.values[columns[0]]) for r in rows],
                  series=series, unit=str(rec["unit"]), source=str(rec["source"]), note=str(rec["note"]),
                  reference=float(rec["reference"]) if rec["reference"] is not None else None,
                  reference_label=str(rec["reference_label"]), horizontal=rec["orientation"] == "horizontal",
                  width=str(rec["width"] or "column"))
    if kind == "classes" and not _classes(chart, rec, rows, columns, report):
        return None
    if kind == "stacked_bar" and any(v < 0 for s in series for v in s.values):
        report.add(error("E-CHART-DATA", where, "a stacked bar chart cannot stack negative values",
                         "use kind 'bar' for data with negative values"))
        return None
    chart.alt = str(rec["alt_text"]) or alt_text(chart)
    return chart


def _classes(chart: Chart, rec: Record, rows: list[Record], columns: list[str], report: Report) -> bool:
    where = rec.cells.get("classes", rec.origin)
    if len(columns) != 2:
        report.add(error("E-CHART-DATA", rec.cells.get("data", rec.origin),
                         f"a classed chart shows one column of numbers; '{rec['data']}' has {len(columns) - 1}",
                         "keep the categories and one number column, or use kind 'bar'"))
        return False
    try:
        bounds = parse_classes(str(rec["classes"]))
    except ValueError as exc:
        report.add(error("E-BAD-VALUE", where, f"classes: {exc}",
                         "write the class bounds from low to high, separated by ';', e.g. 30; 40; 50; 60; 70; 75"))
        return False
    chart.classes = [float(b) for b in bounds]
    ok = True
    for r, v in zip(rows, chart.series[0].values):
        if not chart.classes[0] <= v <= chart.classes[-1]:
            report.add(error("E-BAD-VALUE", r.cells[columns[1]],
                             f"{german.number(_num(v))} lies outside the classes "
                             f"({german.number(bounds[0])} to {german.number(bounds[-1])})",
                             "correct the value or widen the class bounds in the charts table",
                             args={"form": "outside-classes", "value": german.number(_num(v))}))
            ok = False
    return ok


def unknown_data(rec: Record, tables: list[str], report: Report) -> None:
    close = difflib.get_close_matches(str(rec["data"]), tables, n=1)
    report.add(error("E-UNKNOWN-REF", rec.cells["data"], f"no data table '{rec['data']}' for chart '{rec.id}'",
                     f"did you mean '{close[0]}'?" if close else
                     "add a sheet or CSV file of that name with categories in the first column and numbers after it"))
