"""Draw a Chart block with Typst: SVG (text as outlines) for the PDF, PNG for the DOCX.

Python decides every number, label and colour (`layout`); `chart.typ` places the shapes and
measures the labels, so axis and category labels get the room they need. Typst is already the
PDF engine, so the charts cost no drawing library: about 0.05 s a chart instead of matplotlib's
0.6 s import and 0.25 s a drawing.

Only the plot is drawn here; title, source line and note are typeset as text by each renderer,
so they stay searchable and accessible. Same chart, same bytes: Typst writes no dates, and the
fonts are the brochure's own copies.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import struct
import threading
import zlib
from functools import cache
from pathlib import Path

from pipeline.assemble.charts import class_labels, class_of, value_text
from pipeline.render.fonts import scratch_root, typst_font_paths
from pipeline.tree import Chart

PNG_DPI = 300
DEFAULT_THEME = {"accent": "#17477e", "highlight": "#c8102e", "muted": "#56616e", "ink": "#1b1f24",
                 "tint": "#eaf0f7"}
TICK_STEPS = (1, 2, 2.5, 5, 10)  # a tick step is one of these times a power of ten
TICKS = 5  # at most this many steps along the value axis


def _rgb(colour: str) -> tuple[float, ...]:
    c = colour.lstrip("#")
    return tuple(int(c[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(max(x, 0.0), 1.0) * 255):02x}" for x in rgb)


def _mix(colour: str, other: str, share: float) -> str:
    return _hex(x * (1 - share) + y * share for x, y in zip(_rgb(colour), _rgb(other)))


def palette(theme: dict[str, str], n: int) -> list[str]:
    """Series colours from the brochure's theme: accent first, then highlight, then lighter tones."""
    base = [theme["accent"], _mix(theme["accent"], "#ffffff", 0.55), theme["highlight"], theme["muted"],
            _mix(theme["highlight"], "#ffffff", 0.5)]
    return [base[i % len(base)] for i in range(n)]


def class_colours(theme: dict[str, str], n: int) -> list[str]:
    """A light-to-dark ramp of the accent colour, one step per class."""
    light = _mix(theme["accent"], "#ffffff", 0.8)
    return [_mix(light, theme["accent"], i / max(n - 1, 1)) for i in range(n)]


def ticks(lo: float, hi: float) -> list[float]:
    """The round values between lo and hi that a chart axis marks: the smallest step of
    TICK_STEPS times a power of ten whose multiples cover lo..hi in at most TICKS intervals."""
    span = hi - lo
    if span <= 0:
        return [lo]
    scale = 10 ** math.floor(math.log10(span / TICKS))
    for step in (m * scale for m in TICK_STEPS + tuple(10 * m for m in TICK_STEPS)):
        if math.ceil(hi / step - 1e-9) - math.floor(lo / step + 1e-9) <= TICKS:
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            return [round(k * step, 10) for k in range(first, last + 1)]
    return [lo, hi]


def _value_range(values: list[float], margin: float) -> tuple[float, float]:
    """Zero and the data, widened by `margin` of the span on the side(s) away from zero."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = (hi - lo) or 1.0
    return (lo - margin * span if lo < 0 else 0.0), (hi + margin * span if hi > 0 else 0.0)


def _label(text: str, colour: str, inside: bool = False) -> dict:
    return {"text": text, "colour": colour, "inside": inside}


def _bars(chart: Chart, theme: dict[str, str]) -> dict:
    k = len(chart.series)
    colours = palette(theme, k)
    stacked = chart.kind == "stacked_bar"
    thickness = 0.7 if stacked or k == 1 else 0.8 / k
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    ends = totals if stacked else [v for s in chart.series for v in s.values]
    lo, hi = _value_range(ends, 0.12 if chart.horizontal else 0.1)
    top = max(ends, default=0)
    bars, base = [], [0.0] * len(chart.categories)
    for j, s in enumerate(chart.series):
        for i, v in enumerate(s.values):
            text = value_text(v, chart.unit)
            if stacked:
                light = j % 2 == 1
                label = _label(text, theme["ink"] if light else "#ffffff", True) if v >= top * 0.06 else None
                bars.append({"slot": i, "offset": 0, "thickness": thickness, "from": base[i], "to": base[i] + v,
                             "colour": colours[j], "label": label})
                base[i] += v
            else:
                bars.append({"slot": i, "offset": -0.4 + thickness * (j + 0.5), "thickness": thickness,
                             "from": 0, "to": v, "colour": colours[j], "label": _label(text, theme["ink"])})
    legend = [{"colour": c, "text": s.name} for c, s in zip(colours, chart.series)] if k > 1 else []
    return {"categories": chart.categories, "bars": bars, "lo": lo, "hi": hi, "legend": legend,
            "legend_columns": min(k, 3), "legend_size": 7, "label_background": False, "reference": None}


def _classes(chart: Chart, theme: dict[str, str]) -> dict:
    """One bar per entry coloured by its class, largest first, with the class legend and the
    reference value (e.g. the average) as a dashed line."""
    values = chart.series[0].values
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    colours = class_colours(theme, len(chart.classes) - 1)
    bars = [{"slot": n, "offset": 0, "thickness": 0.72, "from": 0, "to": values[i],
             "colour": colours[class_of(values[i], chart.classes)],
             "label": _label(value_text(values[i], chart.unit), theme["ink"])} for n, i in enumerate(order)]
    legend = [{"colour": c, "text": t} for c, t in zip(colours, class_labels(chart.classes, chart.unit))]
    legend.reverse()  # highest class first, as the source legends read
    reference = None
    if chart.reference is not None:
        reference = {"at": chart.reference, "colour": theme["highlight"]}
        label = f"{chart.reference_label}: " if chart.reference_label else ""
        legend.append({"colour": theme["highlight"], "text": label + value_text(chart.reference, chart.unit),
                       "line": True})
    return {"categories": [chart.categories[i] for i in order], "bars": bars, "lo": 0.0,
            "hi": chart.classes[-1] * 1.08, "legend": legend, "legend_columns": 3, "legend_size": 7,
            "label_background": True, "reference": reference}


def layout(chart: Chart, width_mm: float, theme: dict[str, str] | None = None) -> dict:
    """Everything chart.typ draws, as JSON-ready data."""
    theme = {**DEFAULT_THEME, **(theme or {})}
    spec = _classes(chart, theme) if chart.kind == "classes" else _bars(chart, theme)
    spec["ticks"] = [{"at": t, "text": value_text(t, chart.unit)} for t in ticks(spec["lo"], spec["hi"])]
    spec["horizontal"] = chart.kind == "classes" or chart.horizontal
    spec.update(width=width_mm, ink=theme["ink"], muted=theme["muted"], grid=_mix(theme["muted"], "#ffffff", 0.7),
                plot_mm=max(40.0, min(width_mm * 0.5, 70.0)), row_mm=5.0)
    return spec


class _Drawer:
    """A Typst compiler whose root holds chart.typ; each chart is one chart.json in it."""

    def __init__(self):
        self._dir = scratch_root(self, "brochure-chart-")
        self.root = Path(self._dir.name)
        self.source = (importlib.resources.files(__package__) / "chart.typ").read_bytes()
        import typst
        self.compiler = typst.Compiler(root=str(self.root), font_paths=typst_font_paths(), ignore_system_fonts=True)
        self.lock = threading.Lock()

    def draw(self, spec: dict, fmt: str) -> bytes:
        with self.lock:
            (self.root / "chart.json").write_text(json.dumps(spec, ensure_ascii=False, sort_keys=True), "utf-8")
            options = {"ppi": float(PNG_DPI)} if fmt == "png" else {}
            return self.compiler.compile(input=self.source, format=fmt, **options)


@cache
def _drawer() -> _Drawer:
    return _Drawer()


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk after IHDR, so Word and Pillow read its resolution."""
    per_metre = round(dpi / 0.0254)
    data = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + data + struct.pack(">I", zlib.crc32(data))
    end_of_ihdr = 8 + 8 + 13 + 4
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


def draw(chart: Chart, fmt: str, width_mm: float, theme: dict[str, str] | None = None) -> bytes:
    """The chart as 'svg' or 'png' bytes (or 'pdf', with its text as text), drawn at its printed width."""
    data = _drawer().draw(layout(chart, width_mm, theme), fmt)
    return _with_dpi(data, PNG_DPI) if fmt == "png" else data
