"""Drafts built in a bounded pool of warm worker processes, with a queue and a time limit.

Each worker imports the build modules and prepares the fonts once (`warm_up`), then builds one
upload after another with the same `build_draft` the CLI runs. A dispatcher thread in the
server hands queued uploads to idle workers, kills a worker whose job runs past the time limit
(the job is marked failed, a fresh worker takes its place) and replaces a worker that died.

The state of every job is a file (versions/<n>/job.json, written atomically), so a restart
finds every unfinished job on disk: a job that was queued is queued again, one that was running
is run again once and marked failed with a message if it was interrupted twice.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from pipeline.errors import Finding, InputError, Location, error
from pipeline.web.portal.store import Store, Version, now, write_bytes, write_json

JOB_SECONDS = 120.0  # a draft takes about a second; anything near this is stuck
MAX_ATTEMPTS = 2  # a job interrupted by a restart is run once more, then marked failed
MAX_QUEUE = 1000  # uploads waiting at once; past this an upload is refused with a message
THUMB_SCALE = 0.32  # PDF points → pixels for the page thumbnails (A4: 190 × 269 px)

RESTARTED = ("Die Erstellung wurde durch einen Neustart des Portals {n}-mal unterbrochen. "
             "Bitte laden Sie die Arbeitsmappe noch einmal hoch.")
TIMED_OUT = "Die Erstellung hat länger als {s:.0f} Sekunden gedauert und wurde abgebrochen."
CRASHED = "Die Erstellung ist unerwartet abgebrochen (Arbeitsprozess beendet)."


# -- in the worker ------------------------------------------------------------------------------
def warm_up() -> None:
    """Imports, fonts and the typesetter's first run once per worker, so a job pays only for its
    own draft: an empty workbook is drafted once (the first Typst run takes seconds)."""
    import shutil
    import tempfile
    from pipeline.drafts import draft  # noqa: F401
    from pipeline.render import docx as render_docx  # noqa: F401 (imported to warm the worker)
    from pipeline.render import pdf as render_pdf  # noqa: F401 (imported to warm the worker)
    from pipeline.render.fonts import typst_font_folder
    from pipeline.drafts.scaffold import init_draft
    typst_font_folder()
    _, layout = draft.draft_template()
    root = Path(tempfile.mkdtemp(prefix="portal-warm-"))
    try:
        init_draft("Musterstadt", root / "musterstadt", layout)
        draft.build_draft(root / "musterstadt", root / "out")
    except Exception:  # warming is an optimisation; a real job reports real problems
        traceback.print_exc()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _sections(document: dict | None, findings: list[Finding]) -> list[dict]:
    """The nine chapters of the strategy at a glance: filled, placeholder or error."""
    from pipeline.drafts.workbook_layout import CONTENTS
    from pipeline.drafts.draft import draft_template
    _, layout = draft_template()
    chapters = {c["id"]: c for c in (document or {}).get("chapters", [])}
    error_sheets = {f.location.sheet for f in findings if f.severity == "error"}
    unreadable = document is None
    out = []
    for n, section in enumerate(layout.sections, start=1):
        roles = {CONTENTS.get(section.content, "texts")}
        if section.content == "fields":
            roles |= {"measures"}
        if section.content == "foreword":
            roles |= {"master"}
        sheets = sorted(s.title for s in (layout.by_role(r) for r in roles) if s is not None)
        chapter = chapters.get(section.id)
        if unreadable or any(s in error_sheets for s in sheets):
            state = "error"
        elif chapter is None or _has_placeholder(chapter):
            state = "placeholder"
        else:
            state = "filled"
        out.append({"number": n, "id": section.id, "title": section.title, "state": state, "sheets": sheets})
    return out


def _has_placeholder(node: object) -> bool:
    if isinstance(node, dict):
        return node.get("type") == "placeholder" or any(_has_placeholder(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_placeholder(v) for v in node)
    return False


def thumbnails(pdf: Path, folder: Path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(len(doc)):
            page = doc[n]
            image = page.render(scale=THUMB_SCALE).to_pil()
            buf = io.BytesIO()
            image.save(buf, "PNG")
            write_bytes(folder / f"page-{n + 1}.png", buf.getvalue())
            page.close()
        return len(doc)
    finally:
        doc.close()


def process(version_folder: str, town_id: str) -> dict:
    """Build one upload as `brochure draft` does; write result.json and the thumbnails."""
    from pipeline.drafts.draft import build_draft, load_draft
    from pipeline.manifest import CONTENT
    from pipeline.tree import to_data
    folder = Path(version_folder)
    source, out = folder / town_id, folder / "out"
    start = time.perf_counter()
    pages = None
    try:
        result = build_draft(source, out)
    except InputError as exc:
        outcome = "errors"
        try:  # every finding, as `brochure check` lists them, and the sections as far as they go
            loaded = load_draft(source)
            findings, document = loaded.report.sorted(), to_data(loaded.document)
        except InputError:
            findings, document = exc.findings, None
    except Exception as exc:  # a bug must not look like the town's mistake, nor crash the worker
        outcome, document = "errors", None
        findings = [error("E-INTERNAL", Location(file="strategie.xlsx"), f"{exc.__class__.__name__}: {exc}",
                          "please report this with the workbook")]
        traceback.print_exc()
    else:
        outcome = "ready"
        findings = result.output_errors + result.warnings
        document = json.loads((out / CONTENT).read_text(encoding="utf-8"))["document"]
        pages = thumbnails(out / f"{town_id}-entwurf.pdf", folder / "thumbs")
    data = {"outcome": outcome, "pages": pages, "seconds": round(time.perf_counter() - start, 3),
            "errors": sum(f.severity == "error" and not f.tool_fault for f in findings),
            "faults": sum(f.tool_fault for f in findings),  # the program's, not the town's
            "warnings": sum(f.severity == "warning" for f in findings),
            "findings": [f.to_dict() for f in findings], "sections": _sections(document, findings)}
    write_json(folder / "result.json", data)
    return {k: data[k] for k in ("outcome", "pages", "seconds", "errors", "warnings", "faults")}


def _worker_main(conn) -> None:
    warm_up()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            conn.send(("done", process(*task)))
        except Exception as exc:  # only if even writing the result failed
            conn.send(("failed", f"{exc.__class__.__name__}: {exc}"))


def _run_once_main(conn, target, args) -> None:
    try:
        conn.send(("done", target(*args)))
    except Exception as exc:  # a bug: reported, never a traceback on a page
        traceback.print_exc()
        conn.send(("failed", f"{exc.__class__.__name__}: {exc}"))


class Overtime(Exception):
    pass


def _context():
    """Workers come from a fork server that has imported the pipeline but runs no server and
    no Typst threads (forking either can deadlock); spawn where there is no fork server."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.web.portal.jobs", "pipeline.drafts.draft"])
        return ctx
    return multiprocessing.get_context("spawn")


# -- in the server ------------------------------------------------------------------------------
@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    ready: bool = False
    job: Version | None = None
    started: float = 0.0


class JobPool:
    def __init__(self, store: Store, workers: int = 2, time_limit: float = JOB_SECONDS):
        self.store = store
        self.size = max(1, workers)
        self.time_limit = time_limit
        self.queue: deque[Version] = deque()
        self.lock = threading.Lock()
        self.workers: list[_Worker] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx = _context()
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)
        self._once = threading.BoundedSemaphore(self.size)
        self.listeners: list = []  # f(version, state, summary) at each job's end (mail.Notifier); must not block

    # -- life cycle
    def start(self) -> None:
        self.recover()
        for _ in range(self.size):
            self.workers.append(self._spawn())
        self._thread = threading.Thread(target=self._loop, name="portal-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop handing out jobs and end the workers; unfinished jobs stay on disk as they are
        and are taken up again by the next start."""
        self._stop.set()
        self._wake()
        if self._thread:
            self._thread.join(timeout=10)
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 3
        for w in self.workers:
            w.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=2)
        self.workers.clear()

    def recover(self) -> None:
        """Unfinished jobs found on disk: queued ones again, interrupted ones once more."""
        pending = sorted(self.store.pending_jobs(), key=lambda v: (v.job().get("queued", ""), v.town.id, v.number))
        for v in pending:
            job = v.job()
            if job.get("state") == "running" and job.get("attempts", 0) >= MAX_ATTEMPTS:
                self._finish(v, "failed", RESTARTED.format(n=job.get("attempts", 0)))
                continue
            job.update(state="queued", recovered=now())
            write_json(v.folder / "job.json", job)
            self.queue.append(v)

    # -- requests
    def submit(self, version: Version) -> None:
        write_json(version.folder / "job.json", {"state": "queued", "queued": now(), "attempts": 0})
        with self.lock:
            self.queue.append(version)
        self._wake()

    def full(self) -> bool:
        return len(self.queue) >= MAX_QUEUE

    def position(self, version: Version) -> int | None:
        """1 for the next job to start; None if it is not waiting."""
        with self.lock:
            for n, v in enumerate(self.queue, start=1):
                if v.folder == version.folder:
                    return n
        return None

    def run_once(self, target, *args):
        """TARGET(*ARGS) in a process of its own, from the same fork server as the workers, and
        its result; at most `size` at once, each stopped after the time limit (Overtime). For
        work on a town's file that must be done before the page answers (an edited draft taken
        back into its workbook): a hostile file costs a process and the time limit, never the
        server. A call from a thread, not the event loop: it waits."""
        with self._once:
            parent, child = self._ctx.Pipe(duplex=False)
            proc = self._ctx.Process(target=_run_once_main, args=(child, target, args), name="portal-once", daemon=True)
            proc.start()
            child.close()
            try:
                if not parent.poll(self.time_limit):
                    proc.kill()
                    raise Overtime(f"stopped after {self.time_limit:.0f} s")
                try:
                    kind, payload = parent.recv()
                except EOFError:
                    raise RuntimeError("the process ended without an answer") from None
            finally:
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
                    proc.join(timeout=5)
                parent.close()
            if kind != "done":
                raise RuntimeError(payload)
            return payload

    # -- the dispatcher thread
    def _wake(self) -> None:
        try:
            with self.lock:
                self._wake_w.send(None)
        except (OSError, ValueError):
            pass

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child,), name="portal-worker", daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _finish(self, version: Version, state: str, message: str = "", summary: dict | None = None) -> None:
        job = version.job()
        job.update(state=state, finished=now(), message=message)
        if summary:
            job.update(summary=summary)
        write_json(version.folder / "job.json", job)
        for listener in self.listeners:
            try:
                listener(version, state, summary)
            except Exception:  # a listener never breaks a build
                traceback.print_exc()

    def _assign(self) -> None:
        for w in self.workers:
            if not (w.ready and w.job is None):
                continue
            with self.lock:
                if not self.queue:
                    return
                version = self.queue.popleft()
            job = version.job()
            job.update(state="running", started=now(), attempts=job.get("attempts", 0) + 1)
            write_json(version.folder / "job.json", job)
            w.job, w.started = version, time.monotonic()
            try:
                w.conn.send((str(version.folder), version.town.id))
            except (OSError, ValueError):
                pass  # found dead below and replaced; the job is failed there

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._assign()
            conns = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers] + [self._wake_r]
            # wake up for the nearest deadline too, so a job over its limit is stopped on time
            deadlines = [w.started + self.time_limit - time.monotonic() for w in self.workers if w.job is not None]
            for ready in wait(conns, timeout=max(0.0, min([0.5, *deadlines]))):
                if ready is self._wake_r:
                    while self._wake_r.poll():
                        self._wake_r.recv()
                    continue
                w = next((w for w in self.workers if w.conn is ready), None)
                if w is None:
                    continue  # a sentinel: handled below
                try:
                    kind, payload = w.conn.recv()
                except (EOFError, OSError):
                    continue
                if kind == "ready":
                    w.ready = True
                elif w.job is not None:
                    if kind == "done":
                        self._finish(w.job, "done", summary=payload)
                    else:
                        self._finish(w.job, "failed", payload)
                    w.job = None
            clock = time.monotonic()
            for n, w in enumerate(self.workers):
                late = w.job is not None and clock - w.started > self.time_limit
                if late or not w.process.is_alive():
                    if late:
                        w.process.kill()
                    w.process.join(timeout=5)
                    if w.job is not None and not self._stop.is_set():
                        self._finish(w.job, "failed", TIMED_OUT.format(s=self.time_limit) if late else CRASHED)
                    w.conn.close()
                    if not self._stop.is_set():
                        self.workers[n] = self._spawn()
