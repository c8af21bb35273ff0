"""`make bench`: time the sample editions' builds and report peak memory (figures, no asserts)."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

from .build import load
from .render_docx import render_docx
from .render_pdf import render_pdf
from .verify import page_count

RUNS = 5


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def bench_edition(folder: Path) -> None:
    loads, docxs, pdfs = [], [], []
    pages = 0
    for _ in range(RUNS):
        t, loaded = _time(lambda: load(folder))
        loads.append(t)
        ed = loaded.edition
        t, _ = _time(lambda: render_docx(loaded.document, ed.template.reference_docx, ed.folder))
        docxs.append(t)
        t, pdf = _time(lambda: render_pdf(loaded.document, ed.template.typst, ed.folder))
        pdfs.append(t)
        pages = page_count(pdf)
    med = statistics.median
    total = med(loads) + med(docxs) + med(pdfs)
    print(f"{folder.name}: {pages} pages | load+assemble {med(loads):.3f} s | DOCX {med(docxs):.3f} s | "
          f"PDF {med(pdfs):.3f} s | total {total:.3f} s (median of {RUNS})")


def main() -> None:
    for edition in sorted(Path("inputs").glob("*/edition.yaml")):
        bench_edition(edition.parent)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
