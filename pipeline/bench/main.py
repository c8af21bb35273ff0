"""`make bench`: time the sample editions' builds and report peak memory (figures, no asserts)."""

from __future__ import annotations

import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from pipeline.render.artwork import PRINT_DPI, WORD_DPI, Artwork
from pipeline.drafts.batch import default_jobs, run_batch
from pipeline.build import build, load
from pipeline.verify.outputs import check_outputs, expected_of
from pipeline.diff.changes import compare
from pipeline.diff.report import to_html
from pipeline.drafts.draft import draft_template
from pipeline.diff.edition_view import read_view
from pipeline.render.images import prepare
from pipeline.diff.word_redline import redline
from pipeline.render.docx import render_docx
from pipeline.render.pdf import render_pdf
from pipeline.drafts.synthetic import make_towns
from pipeline.tree import Chart, chapter_blocks
from pipeline.verify.read_back import page_count

RUNS = 5
STAGES = ("load+assemble+check", "DOCX", "PDF (warm compiler)", "output checks")


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _one_build(folder: Path) -> tuple[list[float], int]:
    times = []
    t, loaded = _time(lambda: load(folder))
    times.append(t)
    ed = loaded.edition
    art = Artwork.of(ed.folder, ed.template)
    t, docx = _time(lambda: render_docx(loaded.document, ed.template.reference_docx, ed.folder, art,
                                            ed.template.toc_depth, ed.template.docx_cover))
    times.append(t)
    t, pdf = _time(lambda: render_pdf(loaded.document, ed.template.typst, ed.folder, ed.pages,
                                      ed.template.spec.multiple_of, art))
    times.append(t)
    t, _ = _time(lambda: check_outputs(expected_of(ed, loaded.records, loaded.document), loaded.document, docx, pdf))
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


def _mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def bench_drafts(counts: tuple[int, ...] = (200, 500)) -> None:
    """Synthetic municipalities built as a batch, as `brochure draft <folder>` does. The smaller
    run first: if memory stayed flat, the larger run's worker peak is no higher."""
    _, layout = draft_template()
    jobs = default_jobs()
    root = Path(tempfile.mkdtemp(prefix="bench-drafts-"))
    try:
        start = time.perf_counter()
        folders = make_towns(root / "kommunen", layout, max(counts))
        print(f"drafts: generated {len(folders)} synthetic workbooks in {time.perf_counter() - start:.1f} s "
              "(not counted below)")
        for count in counts:
            start = time.perf_counter()
            outcomes = run_batch(folders[:count], root / f"out-{count}", jobs, progress=sys.stderr.isatty())
            wall = time.perf_counter() - start
            failed = sum(o.status == "failed" for o in outcomes)
            pages = sum(o.pages or 0 for o in outcomes)
            busy = sum(o.seconds for o in outcomes)
            if count == 500:
                print(f"speed: {count} drafts on {jobs} workers {wall:.1f} s = {wall / 60:.2f}× the 60 s budget; "
                      f"target ≤ 1× — {'met' if wall <= 60 else 'NOT met'}", flush=True)
            print(f"drafts: {count} towns ({pages} pages, {failed} failed) on {jobs} workers in {wall:.1f} s | "
                  f"{count / wall:.1f} drafts/s | {busy / count:.3f} s per draft (DOCX + PDF + checks, one core) | "
                  f"worker peak memory {max(o.peak_mib for o in outcomes):.0f} MiB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


DIFF_BUDGET = 0.5  # seconds for two build folders of the 48-page review


def bench_diff(old: str = "halbzeitbilanz-2012", new: str = "halbzeitbilanz-2013") -> None:
    """`brochure diff` of the two 48-page sample editions, from build folders, DOCX and PDF."""
    root = Path(tempfile.mkdtemp(prefix="bench-diff-"))
    try:
        for name in (old, new):
            build(Path("inputs") / name, root / name)
        cases = {"build folders": (root / old, root / new),
                 "DOCX files": (root / old / f"{old}.docx", root / new / f"{new}.docx"),
                 "PDF files": (root / old / f"{old}.pdf", root / new / f"{new}.pdf")}
        for label, (a, b) in cases.items():
            times, result = [], None
            for _ in range(RUNS):
                t, result = _time(lambda a=a, b=b: compare(read_view(a), read_view(b)))
                times.append(t)
            budget = f" = {statistics.median(times) / DIFF_BUDGET:.2f}× the {DIFF_BUDGET} s budget" \
                if label == "build folders" else ""
            print(f"diff {old} → {new} ({label}): {len(result.changes)} changes in "
                  f"{statistics.median(times):.3f} s (median of {RUNS}){budget}")
        a, b = cases["build folders"]
        result = compare(read_view(a), read_view(b))
        t_html, _ = _time(lambda: to_html(result))
        t_red, _ = _time(lambda: redline(cases["DOCX files"][0].read_bytes(), cases["DOCX files"][1].read_bytes()))
        print(f"diff reports: HTML {t_html:.3f} s, Word redline {t_red:.3f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_pictures(folder: Path = Path("inputs/halbzeitbilanz-2012")) -> None:
    """Drawing the sample's charts and preparing a 24-megapixel camera photo, per target."""
    loaded = load(folder)
    art = Artwork.of(folder, loaded.edition.template)
    charts = [b for ch in loaded.document.chapters for b in chapter_blocks(ch) if isinstance(b, Chart)]
    for fmt, target in (("SVG", "pdf"), ("PNG 300 dpi", "docx")):
        times = [_time(lambda target=target: [art.picture(c, target) for c in charts])[0] for _ in range(RUNS)]
        print(f"charts: {len(charts)} drawn as {fmt} in {statistics.median(times):.3f} s (median of {RUNS})")
    root = Path(tempfile.mkdtemp(prefix="bench-photo-"))
    try:
        photo = root / "kamera.jpg"
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.effect_noise((6000, 4000), 40).convert("RGB").save(photo, quality=92, exif=exif.tobytes())
        for dpi, target in ((PRINT_DPI, "PDF"), (WORD_DPI, "DOCX")):
            t, (data, _) = _time(lambda dpi=dpi: prepare(photo, 172, dpi))
            print(f"photo: 6000 × 4000 JPEG ({photo.stat().st_size / 1e6:.1f} MB, turned upright) → {target} at "
                  f"{dpi} dpi, full width: {len(data) / 1e6:.1f} MB in {t:.2f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    from pipeline.bench.speed import main as speed  # issue 18's targets, each as a ratio to its anchor
    speed()
    for edition in sorted(Path("inputs").glob("*/edition.yaml")):
        bench_edition(edition.parent)
    print(f"peak memory: {_mib(resource.RUSAGE_SELF):.0f} MiB")
    bench_pictures()
    bench_diff()
    bench_drafts()
    from pipeline.bench.portal import bench_portal  # the portal: upload → draft ready (pipeline/bench/portal.py)
    bench_portal()


if __name__ == "__main__":
    main()
