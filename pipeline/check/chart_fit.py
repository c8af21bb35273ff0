"""W-CHART-FIT: a chart whose labels cannot be read at the width it is printed at.

A chart is drawn at its printed width with its text at 7 pt (render/chart.typ): its labels are
never scaled down. In a narrow column some charts then cannot hold their labels: category names
wider than a bar's slot, value labels running into each other or past the edge, a legend entry
wider than the chart. This module estimates the labels' widths from the font's mean advance
widths (Source Sans Pro; the check stage measures nothing with Typst) and names the first such
problem, so an editor learns it before the proof, not from a blurred print.
"""

from __future__ import annotations

from pipeline.assemble.charts import class_labels, value_text
from pipeline.errors import Finding, Location, warning
from pipeline.load.edition import Template
from pipeline.tree import Chart, Document, chapter_blocks

TEXT_PT = 7.0  # the charts' text size (chart.typ): never smaller
PT_PER_MM = 72 / 25.4
MARGIN_MM = 1.2  # chart.typ's page margin, left and right together
NAME_SHARE = 0.38  # of the width, at most, for the category names of a horizontal chart
MIN_PLOT_MM = 25.0  # less than this for the bars of a horizontal chart reads as a sliver
MAX_LINES = 4  # a category name wrapped to more lines reads as a paragraph, not a label
# Mean advance widths of Source Sans Pro, in em: close enough to tell 'fits' from 'does not'.
_EM = {"upper": 0.58, "digit": 0.50, "space": 0.20, "narrow": 0.25, "other": 0.48}


def text_pt(text: str, size: float = TEXT_PT) -> float:
    """Estimated printed width of TEXT at SIZE pt."""
    def em(c: str) -> float:
        if c.isspace():
            return _EM["space"]
        if c.isdigit():
            return _EM["digit"]
        if c in "ilIjtf.,:;'|!()-/":
            return _EM["narrow"]
        return _EM["upper"] if c.isupper() else _EM["other"]
    return sum(em(c) for c in text) * size


def _lines(text: str, width_pt: float) -> int:
    """Lines TEXT wraps to at WIDTH_PT, breaking at spaces (the charts do not hyphenate)."""
    lines, line = 1, 0.0
    for word in text.split():
        w = text_pt(word)
        if line and line + text_pt(" ") + w > width_pt:
            lines, line = lines + 1, w
        else:
            line = line + text_pt(" ") + w if line else w
    return lines


def _longest_word(texts: list[str]) -> tuple[str, float]:
    words = [w for t in texts for w in t.split()] or [""]
    word = max(words, key=text_pt)
    return word, text_pt(word)


def problems(chart: Chart, width_mm: float) -> list[str]:
    """What cannot be read when CHART is drawn WIDTH_MM wide (empty: it fits)."""
    width = (width_mm - MARGIN_MM) * PT_PER_MM
    values = [v for s in chart.series for v in s.values]
    stacked = chart.kind == "stacked_bar"
    tops = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))] if stacked else values
    hi, lo = max(0.0, *tops), min(0.0, *tops)
    labels = [value_text(v, chart.unit) for v in values]
    label_w = max(map(text_pt, labels), default=0.0)
    found = []
    legend = ([f"{a}" for a in class_labels(chart.classes, chart.unit)] if chart.kind == "classes"
              else [s.name for s in chart.series] if len(chart.series) > 1 else [])
    if legend and max(text_pt(t) for t in legend) + 10 > width:
        found.append(f"a legend entry ('{max(legend, key=text_pt)}') is wider than the chart")
    if chart.kind == "classes" or chart.horizontal:
        name_w = min(max(map(text_pt, chart.categories)), width * NAME_SHARE)
        word, word_w = _longest_word(chart.categories)
        if word_w > width * NAME_SHARE:
            found.append(f"the word '{word}' of a category is wider than the room for the names "
                         f"({width * NAME_SHARE / PT_PER_MM:.0f} mm)")
        lines = max(_lines(c, name_w) for c in chart.categories)
        if lines > MAX_LINES:
            found.append(f"a category name wraps to {lines} lines")
        plot = width - name_w - 4 - text_pt(value_text(hi, chart.unit)) / 2
        if plot < MIN_PLOT_MM * PT_PER_MM:
            found.append(f"the names leave {plot / PT_PER_MM:.0f} mm for the bars")
            return found
        top = chart.classes[-1] * 1.08 if chart.kind == "classes" else hi + 0.12 * ((hi - lo) or 1.0)
        span = (top - lo) or 1.0
        if stacked:  # each label inside its segment
            for s in chart.series:
                for v, text in ((v, value_text(v, chart.unit)) for v in s.values if v >= hi * 0.06):
                    if text_pt(text) + 2 > plot * v / span:
                        found.append(f"the label '{text}' is wider than its segment of the bar")
                        return found
        elif label_w + 1.5 > plot * (top - max(values)) / span + text_pt(value_text(hi, chart.unit)) / 2:
            found.append(f"the value labels ('{max(labels, key=text_pt)}') run past the chart's edge")
        return found
    n, k = len(chart.categories), len(chart.series)
    slot = (width - text_pt(value_text(hi, chart.unit)) - 4) / n
    word, word_w = _longest_word(chart.categories)
    if word_w > slot - 3:
        found.append(f"{n} categories leave {slot / PT_PER_MM:.1f} mm each, and '{word}' needs "
                     f"{word_w / PT_PER_MM:.1f} mm")
    room = slot if stacked or k == 1 else slot * 0.8 / k
    if label_w + 1 > room:
        found.append(f"the value labels ('{max(labels, key=text_pt)}') are wider than their bars' "
                     f"{room / PT_PER_MM:.1f} mm and run into each other")
    return found


def check_chart_fit(document: Document, template: Template, where: dict[str, Location]) -> list[Finding]:
    """W-CHART-FIT for each chart that cannot show its labels at 7 pt at its printed width;
    WHERE gives each chart's row of the charts table by id."""
    findings = []
    for chapter in document.chapters:
        columns = template.page.columns_of(chapter.kind)
        for block in chapter_blocks(chapter):
            if not isinstance(block, Chart):
                continue
            width = template.chart_width_mm(block.width, chapter.kind)
            found = problems(block, width)
            if not found:
                continue
            placed = f" (one column of {columns})" if columns > 1 and block.width != "full" else ""
            findings.append(warning(
                "W-CHART-FIT", where.get(block.id, Location(file="data/charts")),
                f"chart '{block.id}' is printed {width:.0f} mm wide{placed}, and its labels do not fit "
                f"there at 7 pt: {found[0]}",
                "show fewer categories or shorter labels, draw it as a horizontal bar chart "
                "(orientation: horizontal), or give it the page's width (width: full)",
                args={"chart": block.id, "width_mm": f"{width:.0f}"}))
    return findings
