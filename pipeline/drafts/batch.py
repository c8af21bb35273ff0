"""Many municipalities at once: every draft folder below a root, built in parallel.

Each worker builds one town at a time and returns only a small summary, so memory does not
grow with the number of towns; one broken workbook is reported without stopping the others.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from pipeline.drafts.draft import build_draft
from pipeline.errors import InputError, Location, error

SHOWN_ERRORS = 5  # per failed town; `brochure check <town>` lists them all
TASKS_PER_WORKER = 100  # fresh workers after this many towns each keep memory flat (Typst caches grow)


@dataclass
class Outcome:
    name: str
    folder: str
    status: str  # built | warnings | failed | tool fault (built; brochure found a fault of its own in the files)
    pages: int | None = None
    warnings: int = 0
    placeholders: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # first few, as printed
    error_count: int = 0
    peak_mib: float = 0.0  # the worker's peak memory after this town


def find_drafts(root: Path, workbook: str) -> list[Path]:
    """Folders below ROOT holding a draft workbook, plus direct subfolders that hold some other
    .xlsx (a misnamed workbook is reported, not skipped)."""
    found = {p.parent for p in root.rglob(workbook)}
    for sub in root.iterdir():
        if sub.is_dir() and sub not in found and any(sub.glob("*.xlsx")):
            found.add(sub)
    return sorted(found)


def build_one(folder: Path, out: Path) -> Outcome:
    start = time.perf_counter()
    name = folder.name
    try:
        result = build_draft(folder, out)
    except InputError as exc:
        errors = [f for f in exc.findings if f.severity == "error"]
        return Outcome(name, str(folder), "failed", seconds=time.perf_counter() - start,
                       errors=[str(f) for f in errors[:SHOWN_ERRORS]], error_count=len(errors))
    except Exception as exc:  # a bug must not take the other towns down; it is reported as one
        return Outcome(name, str(folder), "failed", seconds=time.perf_counter() - start,
                       errors=[str(error("E-INTERNAL", Location(file=str(folder)), f"{exc.__class__.__name__}: {exc}",
                                         "the other towns are not affected; please report this with the workbook"))],
                       error_count=1)
    placeholders = sum(1 for f in result.warnings if f.code == "W-EMPTY-SECTION")
    if result.output_errors:
        # the town's draft was built; a fault of brochure's own making is ours to fix, not a failure of the town
        status = "tool fault" if all(f.tool_fault for f in result.output_errors) else "failed"
        return Outcome(name, str(folder), status, result.pages, len(result.warnings), placeholders,
                       result.seconds, [str(f) for f in result.output_errors[:SHOWN_ERRORS]],
                       len(result.output_errors))
    return Outcome(name, str(folder), "warnings" if result.warnings else "built", result.pages,
                   len(result.warnings), placeholders, result.seconds)


def _task(args: tuple[str, str]) -> Outcome:
    folder, out = map(Path, args)
    outcome = build_one(folder, out)
    outcome.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return outcome


def _context():
    """Workers come from a fork server that has imported the pipeline but never typeset:
    forking a process whose Typst thread pool is running can deadlock the child."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.drafts.batch", "pipeline.render.docx", "pipeline.render.pdf", "pipeline.verify.outputs"])
        return ctx
    return multiprocessing.get_context("spawn")


def _leave_ctrl_c_to_the_batch() -> None:
    """A worker ignores Ctrl+C (a terminal sends it to every process of the group): the batch
    ends the workers itself, without a traceback from each."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Drop the queued towns and end the workers now. A town's files are swapped in whole
    (write_outputs), so a worker ended mid-build leaves the folder as its last build left it."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(folders: list[Path], out_root: Path, jobs: int, progress: bool | None = None) -> list[Outcome]:
    """Build every folder into OUT_ROOT/<folder name>/; results sorted by name."""
    tasks = [(str(f), str(out_root / f.name)) for f in folders]
    outcomes: list[Outcome] = []
    # disable=None: a bar on a terminal, nothing in logs
    bar = tqdm(total=len(tasks), unit="draft", desc="Drafts", disable=None if progress is None else not progress,
               dynamic_ncols=True)
    if jobs <= 1:
        for t in tasks:
            outcomes.append(_task(t))
            bar.update()
    else:
        # Fresh workers for every few hundred towns keep memory flat. (Not max_tasks_per_child:
        # on Python 3.11 a pool that replaces its workers can hang, CPython gh-115634.)
        step = TASKS_PER_WORKER * jobs
        for chunk in (tasks[i:i + step] for i in range(0, len(tasks), step)):
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_leave_ctrl_c_to_the_batch)
            try:
                for future in as_completed([pool.submit(_task, t) for t in chunk]):
                    outcomes.append(future.result())
                    bar.update()
            except BaseException:
                _abandon(pool)  # Ctrl+C: not after every queued town has been built
                raise
            pool.shutdown(wait=True)
    bar.close()
    return sorted(outcomes, key=lambda o: o.name)


def summary_table(outcomes: list[Outcome]) -> str:
    head = ("Municipality", "Result", "Pages", "Placeholders", "Warnings", "Seconds")
    shown = {"failed": "FAILED ({} errors)", "tool fault": "built, tool fault ({}): please report"}
    rows = [(o.name, shown[o.status].format(o.error_count) if o.status in shown else o.status,
             "" if o.pages is None else str(o.pages), str(o.placeholders), str(o.warnings), f"{o.seconds:.1f}")
            for o in outcomes]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    fmt = lambda r: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    built = sum(o.status == "built" for o in outcomes)
    warned = sum(o.status == "warnings" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    faults = sum(o.status == "tool fault" for o in outcomes)
    total = (f"{len(outcomes)} drafts: {built} built, {warned} built with warnings, {failed} failed"
             + (f", {faults} built with a fault of brochure's own (not the town's; please report it)" if faults else ""))
    return "\n".join([fmt(head), line, *map(fmt, rows), line, total])
