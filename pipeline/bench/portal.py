"""`make bench`, the portal's part: upload → draft ready through a real `brochure serve`, for
one upload at a time and for 20 at once, as a ratio to `brochure draft` on the same workbook
measured in the same run."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WARM_UP = 15.0  # seconds: more than a worker's start (imports, fonts, one empty draft)
POLL = 0.25  # seconds between looks at the version page (the page's own script asks every 2 s)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_portal(runs: int = 5, at_once: int = 20, workers: int | None = None) -> None:
    import httpx

    from pipeline.drafts.batch import default_jobs
    from pipeline.drafts.draft import build_draft, draft_template
    from pipeline.drafts.synthetic import make_towns
    workers = workers or default_jobs()
    root = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    proc = None
    try:
        folder = make_towns(root / "kommunen", draft_template()[1], 1)[0]  # a complete synthetic town
        build_draft(folder, root / "warm")  # the first Typst run in a process is slower
        draft = statistics.median(_timed(lambda: build_draft(folder, root / "out")) for _ in range(runs))

        from pipeline.web.portal.store import Store
        store = Store(root / "data")
        from pipeline.web.portal.ownership import stammdaten_town
        named = stammdaten_town((folder / "strategie.xlsx").read_bytes(), draft_template()[1])
        _, token = store.add_town(named[0] if named else folder.name)  # the town its workbook names
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--data", str(root / "data"),
                                 "--port", str(port), "--workers", str(workers)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        data = (folder / "strategie.xlsx").read_bytes()
        with httpx.Client(base_url=url, timeout=120) as client:
            _wait_up(client)
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/t/{token}/").text).group(1)

            def one(_: int = 0) -> float:
                start = time.perf_counter()
                r = client.post(f"/t/{token}/hochladen", data={"csrf": csrf},
                                files={"arbeitsmappe": ("strategie.xlsx", data)})
                location = r.headers["location"] if r.status_code == 303 else str(r.url)
                while "Der Entwurf ist fertig" not in client.get(location).text:
                    time.sleep(POLL)
                return time.perf_counter() - start
            time.sleep(WARM_UP)  # each worker drafts an empty workbook once before its first job
            one()
            single = [one() for _ in range(runs)]
            _report(f"1 upload at a time ({runs} runs)", single, workers, draft)
            with ThreadPoolExecutor(max_workers=at_once) as pool:
                burst = list(pool.map(one, range(at_once)))
            _report(f"{at_once} uploads at once", burst, workers, draft)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)


def _report(label: str, times: list[float], workers: int, draft: float) -> None:
    med, p95 = statistics.median(times), _p95(times)
    print(f"portal: {label} on {workers} workers: upload → draft ready median {med:.2f} s "
          f"({med / draft:.1f}× brochure draft), p95 {p95:.2f} s ({p95 / draft:.1f}×); "
          f"brochure draft on the same workbook {draft:.2f} s", flush=True)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _wait_up(client) -> None:
    import httpx
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if client.get("/").status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("brochure serve did not start")


if __name__ == "__main__":
    bench_portal()
