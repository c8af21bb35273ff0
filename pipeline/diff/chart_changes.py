"""The changes of the charts (charts.py) of two editions: a chart added or removed, its title,
a category or series added, removed or renamed, and each changed value by its category and
series („chart changed: „title“ — 18 bis unter 30 Jahre, mit Migrationshintergrund: 38 → 40“).
Each edit is one change: the rows of a chart's data table are not compared again as records."""

from __future__ import annotations

from difflib import SequenceMatcher

from pipeline.diff.charts import CHART_FIELDS, CHARTS_TABLE, ChartView, pdf_figures
from pipeline.diff.file_checks import pdf_problem


def chart_tables(comparer) -> set[str]:
    """The data tables of the charts on either side: compared as the charts, not as rows."""
    return {c.table for v in (comparer.old, comparer.new) for c in v.charts if c.table}


def as_chart(table: str, column: str | None = None) -> bool:
    """Whether a record change of TABLE (its COLUMN; None: a row added or removed) is reported
    as a chart's change already."""
    return table == CHARTS_TABLE and (column is None or column in CHART_FIELDS)


def _compared(view) -> list[ChartView]:
    """The charts to compare: those of the charts table, and those whose data is not at hand.
    A draft's charts are drawn from workbook rows, which the draft prints as a table too: they
    are compared (and named as the town knows them) as rows, or as that table's text."""
    return [c for c in view.charts if c.table or not c.known]


def _pairs(old: list[ChartView], new: list[ChartView]) -> tuple[list, list, list]:
    """By key (id, or title and number); the rest in order within their chapter (a retitled
    chart in a DOCX without its build folder)."""
    by_key = {c.key: c for c in new}
    pairs = [(o, by_key[o.key]) for o in old if o.key in by_key]
    paired = {id(x) for p in pairs for x in p}
    rest_old, rest_new = [o for o in old if id(o) not in paired], [n for n in new if id(n) not in paired]
    for o in list(rest_old):
        n = next((n for n in rest_new if n.chapter == o.chapter and not (o.known and n.known)), None)
        if n is not None:
            pairs.append((o, n))
            rest_old.remove(o)
            rest_new.remove(n)
    return pairs, rest_old, rest_new


def _row(c: ChartView, k: int) -> str:
    return "; ".join(f"{name}: {values[k]}" for name, values in c.series if k < len(values))


class ChartComparer:
    def __init__(self, comparer):
        self.comparer = comparer
        self.found: list = []

    def add(self, c: ChartView, kind: str, what: str, old: str = "", new: str = "", name: str = "value",
            column: str = "") -> None:
        chapter = self.comparer.titles.get(c.chapter, c.chapter)
        where = f"{chapter} > {c.section}" if chapter and c.section else chapter or c.section
        words = [(op, t) for op, t in (("delete", old), ("insert", new)) if t]
        page = None if kind == "removed" else c.page  # a page of the new edition
        self.comparer.add("records", kind, where, what, old, new, words, item="chart", name=name, page=page,
                          subject=c.title, column=column)
        self.found.append((self.comparer.changes[-1], c))

    def run(self) -> None:
        pairs, removed, added = _pairs(_compared(self.comparer.old), _compared(self.comparer.new))
        for c in removed:
            self.add(c, "removed", f"chart removed: „{c.title}“", old=c.title, name="chart")
        for c in added:
            self.add(c, "added", f"chart added: „{c.title}“", new=c.title, name="chart")
        for o, n in pairs:
            self._pair(o, n)
        self._pages()

    def _pair(self, o: ChartView, n: ChartView) -> None:
        if o.title != n.title:
            self.add(n, "renamed", f"chart title changed: „{o.title}“ → „{n.title}“", o.title, n.title, name="title")
        before = len(self.found)
        self._notes(o, n)  # a generated alt text names the source: its change is said by the note's
        if o.known and n.known:
            self._data(o, n)
        else:
            self._series(o, n)
        if len(self.found) > before:
            return  # the drawing and a generated alt text changed with the data or the source
        if o.digest and n.digest and o.digest != n.digest:
            self.add(n, "changed", f"chart changed: „{n.title}“ — drawing changed", o.alt, n.alt, name="image")
        elif o.alt.replace(o.title, n.title) != n.alt and "build" not in (self.comparer.old.source, self.comparer.new.source):
            # a build folder's own alt text is a field of the charts table, compared with the records
            self.add(n, "changed", f"chart changed: „{n.title}“ — alt text {o.alt} → {n.alt}", o.alt, n.alt,
                     name="alt_text")

    def _notes(self, o: ChartView, n: ChartView) -> None:
        """The source line and note under the chart, as a DOCX or PDF prints them."""
        for k in range(max(len(o.notes), len(n.notes))):
            x, y = (o.notes[k] if k < len(o.notes) else ""), (n.notes[k] if k < len(n.notes) else "")
            if x != y:
                self.add(n, "changed", f"chart changed: „{n.title}“ — caption {x or '(empty)'} → {y or '(empty)'}", x, y,
                         name="note")

    def _series(self, o: ChartView, n: ChartView) -> list[tuple[int, int]]:
        """Series renamed (same place), added or removed; → pairs of series indexes to compare."""
        a, b = [s for s, _ in o.series], [s for s, _ in n.series]
        if len(a) == len(b):
            for x, y in zip(a, b):
                if x != y:
                    self.add(n, "changed", f"chart changed: „{n.title}“ — series renamed: {x} → {y}", x, y,
                             name="series renamed")
            return list(zip(range(len(a)), range(len(b))))
        for x in a:
            if x not in b:
                self.add(n, "changed", f"chart changed: „{n.title}“ — series removed: {x}", old=x, name="series removed")
        for y in b:
            if y not in a:
                self.add(n, "changed", f"chart changed: „{n.title}“ — series added: {y}", new=y, name="series added")
        return [(a.index(x), b.index(x)) for x in a if x in b]

    def _data(self, o: ChartView, n: ChartView) -> None:
        series = self._series(o, n)
        matcher = SequenceMatcher(None, o.categories, n.categories, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    self._category(o, n, i, j, series)
                continue
            for i in range(i1, i2):
                cat = o.categories[i]
                self.add(n, "changed", f"chart changed: „{n.title}“ — category removed: {cat} ({_row(o, i)})",
                         old=f"{cat} ({_row(o, i)})", name="category removed", column=cat)
            for j in range(j1, j2):
                cat = n.categories[j]
                self.add(n, "changed", f"chart changed: „{n.title}“ — category added: {cat} ({_row(n, j)})",
                         new=f"{cat} ({_row(n, j)})", name="category added", column=cat)

    def _category(self, o: ChartView, n: ChartView, i: int, j: int, series: list[tuple[int, int]]) -> None:
        a, b = o.categories[i], n.categories[j]
        if a != b:
            self.add(n, "changed", f"chart changed: „{n.title}“ — category renamed: {a} → {b}", a, b,
                     name="category renamed", column=b)
        for si, sj in series:
            x, y = o.series[si][1][i], n.series[sj][1][j]
            if x != y:
                cell = f"{b}, {n.series[sj][0]}"
                self.add(n, "changed", f"chart changed: „{n.title}“ — {cell}: {x} → {y}", x, y, column=cell)

    def _pages(self) -> None:
        """The pages of the changed charts of a build folder (or a DOCX in one) in the PDF built
        with it, found by their alt text: looked up only when a chart changed."""
        new = self.comparer.new
        waiting = [(ch, c) for ch, c in self.found if ch.page is None and ch.kind != "removed"]
        pdf = new.pdf if new.source == "build" else next((c.pdf for _, c in waiting if c.pdf), None)
        if not waiting or pdf is None:
            return
        try:
            data = pdf.read_bytes()
            figures = [] if pdf_problem(data) else pdf_figures(data)  # a PDF that inflates too far: no pages
        except Exception:  # an unreadable PDF only costs the page numbers
            return
        pages = {f.alt: f.page for f in reversed(figures)}
        for change, c in waiting:
            change.page = pages.get(c.alt)


def compare_charts(comparer) -> None:
    ChartComparer(comparer).run()
