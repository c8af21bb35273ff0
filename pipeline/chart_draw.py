"""Draw a Chart block with matplotlib: SVG (text as outlines) for the PDF, PNG for the DOCX.

Only the plot is drawn here; title, source line and note are typeset as text by each renderer,
so they stay searchable and accessible. Same chart, same bytes: fixed SVG ids, no dates or
version strings in the files, fonts only from the pip-installed Source Sans Pro.
"""

from __future__ import annotations

import importlib.resources
import io
import textwrap
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .charts import class_labels, class_of, format_value
from .tree import Chart

MM = 1 / 25.4  # inches per millimetre
PNG_DPI = 300
FONT_FILES = ("SourceSansPro-Regular.ttf", "SourceSansPro-Semibold.ttf", "SourceSansPro-Bold.ttf")
FONT = "Source Sans Pro"
DEFAULT_THEME = {"accent": "#17477e", "highlight": "#c8102e", "muted": "#56616e", "ink": "#1b1f24",
                 "tint": "#eaf0f7"}


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    folder = importlib.resources.files("font_source_sans_pro") / "files"
    for name in FONT_FILES:
        font_manager.fontManager.addfont(str(folder / name))


def _style(theme: dict[str, str]) -> dict:
    ink, muted = theme["ink"], theme["muted"]
    return {
        "font.family": FONT, "font.size": 7.5, "text.color": ink,
        "axes.labelcolor": ink, "axes.edgecolor": muted, "axes.linewidth": 0.5,
        "xtick.color": ink, "ytick.color": ink, "xtick.major.width": 0.5, "ytick.major.width": 0.5,
        "xtick.labelsize": 7, "ytick.labelsize": 7, "legend.fontsize": 7,
        "svg.fonttype": "path", "svg.hashsalt": "brochure-chart", "path.simplify": False,
        "axes.unicode_minus": True, "figure.dpi": 100,
    }


def _mix(colour: str, other: str, share: float) -> str:
    a, b = to_rgb(colour), to_rgb(other)
    return to_hex(tuple(x * (1 - share) + y * share for x, y in zip(a, b)))


def palette(theme: dict[str, str], n: int) -> list[str]:
    """Series colours from the brochure's theme: accent first, then highlight, then lighter tones."""
    base = [theme["accent"], _mix(theme["accent"], "#ffffff", 0.55), theme["highlight"], theme["muted"],
            _mix(theme["highlight"], "#ffffff", 0.5)]
    return [base[i % len(base)] for i in range(n)]


def class_colours(theme: dict[str, str], n: int) -> list[str]:
    """A light-to-dark ramp of the accent colour, one step per class."""
    ramp = LinearSegmentedColormap.from_list("classes", [_mix(theme["accent"], "#ffffff", 0.8), theme["accent"]])
    return [to_hex(ramp(i / max(n - 1, 1))) for i in range(n)]


def _value_text(v: float, unit: str) -> str:
    """A bar label or tick: only '%' is short enough to repeat at every number."""
    return format_value(v, unit if unit == "%" else "")


def _height_mm(chart: Chart, width_mm: float) -> float:
    n = len(chart.categories)
    legend = 10 if chart.kind == "classes" or len(chart.series) > 1 else 0
    if chart.kind == "classes" or chart.horizontal:
        return 12 + 5.0 * n + legend
    return max(50.0, min(width_mm * 0.62, 85.0)) + legend


def _axes_style(ax, horizontal: bool, unit: str, theme: dict[str, str]) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_formatter(FuncFormatter(lambda v, _pos: _value_text(v, unit)))
    value_axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="x" if horizontal else "y", color=_mix(theme["muted"], "#ffffff", 0.7), linewidth=0.4)
    ax.set_axisbelow(True)
    ax.tick_params(length=2)


def _bars(ax, chart: Chart, theme: dict[str, str], width_mm: float) -> None:
    n, k = len(chart.categories), len(chart.series)
    colours = palette(theme, k)
    positions = list(range(n))
    stacked = chart.kind == "stacked_bar"
    thickness = 0.7 if stacked or k == 1 else 0.8 / k
    base = [0.0] * n
    top = max((v for s in chart.series for v in s.values), default=0)
    for i, s in enumerate(chart.series):
        if stacked:
            where = positions
        else:
            where = [p - 0.4 + thickness * (i + 0.5) for p in positions]
        draw = ax.barh if chart.horizontal else ax.bar
        kwargs = {"left" if chart.horizontal else "bottom": base} if stacked else {}
        bars = draw(where, s.values, thickness, color=colours[i], label=s.name, **kwargs)
        labels = [_value_text(v, chart.unit) for v in s.values]
        if stacked:
            light = i % 2 == 1
            ax.bar_label(bars, labels=[t if v >= top * 0.06 else "" for t, v in zip(labels, s.values)],
                         label_type="center", fontsize=6.5, color=theme["ink"] if light else "#ffffff")
            base = [b + v for b, v in zip(base, s.values)]
        else:
            ax.bar_label(bars, labels=labels, padding=1.5, fontsize=6.5)
    if chart.horizontal:
        ax.set_yticks(positions, [textwrap.fill(c, 28) for c in chart.categories])
        ax.invert_yaxis()  # first row of the sheet on top
        ax.margins(x=0.12)
    else:
        # wrap category names to the room each bar has (about 1.5 mm per character at 7 pt)
        chars = max(6, int(width_mm / max(n, 1) / 1.55))
        ax.set_xticks(positions, [textwrap.fill(c, chars) for c in chart.categories])
        ax.margins(y=0.1)
    _axes_style(ax, chart.horizontal, chart.unit, theme)
    if k > 1:
        ax.figure.legend(loc="outside lower center", ncol=min(k, 3), frameon=False, handlelength=1,
                         columnspacing=1.2)


def _classes(ax, chart: Chart, theme: dict[str, str]) -> None:
    """One bar per entry coloured by its class, largest first, with the class legend and the
    reference value (e.g. the average) as a dashed line."""
    values = chart.series[0].values
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    colours = class_colours(theme, len(chart.classes) - 1)
    cats = [chart.categories[i] for i in order]
    vals = [values[i] for i in order]
    bars = ax.barh(range(len(vals)), vals, 0.72, color=[colours[class_of(v, chart.classes)] for v in vals])
    for label in ax.bar_label(bars, labels=[_value_text(v, chart.unit) for v in vals], padding=1.5, fontsize=6.5):
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.4})  # readable over the reference line
        label.set_zorder(3)
    ax.set_yticks(range(len(cats)), cats)
    ax.invert_yaxis()
    ax.set_xlim(0, chart.classes[-1] * 1.08)
    _axes_style(ax, True, chart.unit, theme)
    handles = [Patch(color=c, label=t) for c, t in zip(colours, class_labels(chart.classes, chart.unit))]
    handles.reverse()  # highest class first, as the source legends read
    if chart.reference is not None:
        style = {"color": theme["highlight"], "linewidth": 0.9, "linestyle": (0, (3, 2))}
        ax.axvline(chart.reference, **style)
        label = f"{chart.reference_label}: " if chart.reference_label else ""
        handles.append(Line2D([], [], label=label + _value_text(chart.reference, chart.unit), **style))
    ax.figure.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, handlelength=1,
                     columnspacing=1.0, fontsize=6.5)


def _figure(chart: Chart, width_mm: float, theme: dict[str, str]) -> Figure:
    _register_fonts()
    fig = Figure(figsize=(width_mm * MM, _height_mm(chart, width_mm) * MM))
    ax = fig.add_subplot()
    if chart.kind == "classes":
        _classes(ax, chart, theme)
    else:
        _bars(ax, chart, theme, width_mm)
    fig.set_layout_engine("constrained", h_pad=0.02, w_pad=0.02)
    return fig


def draw(chart: Chart, fmt: str, width_mm: float, theme: dict[str, str] | None = None) -> bytes:
    """The chart as 'svg' or 'png' bytes, drawn at its printed width."""
    theme = {**DEFAULT_THEME, **(theme or {})}
    with matplotlib.rc_context(_style(theme)):
        fig = _figure(chart, width_mm, theme)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buf.getvalue()
