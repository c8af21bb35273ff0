"""A real portal server for the browser tests, the screenshots and the benchmark: `brochure
serve` in a subprocess on a free loopback port, with its own data folder."""

from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tools" / "sample-drafts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data: Path, workers: int = 2, port: int | None = None):
        self.data, self.workers = Path(data), workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        log = open(self.data.parent / f"serve-{self.port}.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--data", str(self.data),
                                      "--port", str(self.port), "--workers", str(self.workers)],
                                     cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"brochure serve exited with {self.proc.returncode}; see {log.name}")
            try:
                if httpx.get(self.url + "/", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("brochure serve did not answer in time")

    def kill(self) -> None:
        """As a crash would: the whole process group at once, no shutdown."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            try:  # workers of a killed server notice their closed pipe; make sure of it
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def sample_data(town: str = "maintal") -> dict:
    data = yaml.safe_load((SAMPLES / f"{town}.yaml").read_text(encoding="utf-8"))
    data.pop("town", None)
    return data


def fill(path: Path, data: dict) -> Path:
    """Type DATA into the workbook at PATH with openpyxl, as a town would in Excel. The Kommune
    stays the one the workbook was made for: a town fills its own (the portal refuses another's)."""
    from pipeline.drafts.draft import draft_template
    from pipeline.drafts.workbook_fill import fill_workbook
    _, layout = draft_template()
    data = copy.deepcopy(data)
    data.get(layout.by_role("master").key, {}).pop("municipality", None)
    fill_workbook(path, layout, data)
    return path


def with_mistakes(data: dict) -> dict:
    """The sample with an invalid e-mail address and no goals (a placeholder)."""
    data = copy.deepcopy(data)
    data["stammdaten"]["email"] = "integrationsbeauftragte(at)maintal.de"
    data["ziele"] = []
    data.get("texte", {}).pop("ziele", None)
    return data
