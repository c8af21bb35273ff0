"""`make bench`: time the sample editions' builds and report peak memory (figures, no asserts)."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

from .build import load
from .check_output import check_outputs
from .render_docx import render_docx
from .render_pdf import render_pdf
from .verify import page_count

RUNS = 5
STAGES = ("load+assemble+check", "DOCX", "PDF (2 passes)", "output checks")


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _one_build(folder: Path) -> tuple[list[float], int]:
    times = []
    t, loaded = _time(lambda: load(folder))
    times.append(t)
    ed = loaded.edition
    t, docx = _time(lambda: render_docx(loaded.document, ed.template.reference_docx, ed.folder))
    times.append(t)
    t, pdf = _time(lambda: render_pdf(loaded.document, ed.template.typst, ed.folder, ed.pages,
                                      ed.template.spec.multiple_of))
    times.append(t)
    t, _ = _time(lambda: check_outputs(ed, loaded.records, loaded.document, docx, pdf))
    times.append(t)
    return times, page_count(pdf)


def bench_edition(folder: Path) -> None:
    runs = []
    pages = 0
    for _ in range(RUNS):
        times, pages = _one_build(folder)
        runs.append(times)
    medians = [statistics.median(r[i] for r in runs) for i in range(len(STAGES))]
    parts = " | ".join(f"{name} {m:.3f} s" for name, m in zip(STAGES, medians))
    print(f"{folder.name}: {pages} pages | {parts} | total {sum(medians):.3f} s (median of {RUNS})")


def main() -> None:
    for edition in sorted(Path("inputs").glob("*/edition.yaml")):
        bench_edition(edition.parent)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
