"""The links `brochure portal add-town` and `admin-link` print lead to the server that runs
(issue 30, defect 2): through the real CLI, `brochure serve` in a subprocess and the link opened."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal_server import free_port

ROOT = Path(__file__).resolve().parent.parent
BROCHURE = Path(sys.executable).parent / "brochure"


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    exe = [str(BROCHURE)] if BROCHURE.exists() else [sys.executable, "-m", "pipeline.cli"]
    return subprocess.run(exe + args, cwd=cwd, capture_output=True, text=True, timeout=120)


class Serve:
    """`brochure serve ARGS` until it answers; stopped with SIGTERM."""

    def __init__(self, args: list[str], cwd: Path, url: str):
        exe = [str(BROCHURE)] if BROCHURE.exists() else [sys.executable, "-m", "pipeline.cli"]
        self.log = cwd / "serve.log"
        self.proc = subprocess.Popen(exe + ["serve"] + args, cwd=cwd, stdout=open(self.log, "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + 90
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("serve did not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _readme_example() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## The portal for municipalities", 1)[1].split("```", 2)[1]
    return [shlex.split(line[2:].split("#")[0]) for line in block.splitlines() if line.startswith("$ ")]


def test_the_readme_example_prints_a_link_that_opens_the_towns_page(tmp_path):
    serve, add = _readme_example()
    assert serve[0].endswith("brochure") and serve[1] == "serve" and add[1:3] == ["portal", "add-town"]
    args = serve[2:]
    port = int(args[args.index("--port") + 1])
    with httpx.Client() as probe:  # the README's port may be taken on a shared machine: the same command elsewhere
        try:
            probe.get(f"http://127.0.0.1:{port}/", timeout=1)
            args[args.index("--port") + 1] = str(port := free_port())
        except httpx.HTTPError:
            pass
    server = Serve(args, tmp_path, f"http://127.0.0.1:{port}")
    try:
        r = _cli(add[1:], tmp_path)  # as written, in the same folder
        assert r.returncode == 0, r.stderr
        link = re.search(r"(http\S+/t/[\w-]{40,}/)", r.stdout).group(1)
        assert link.startswith(f"http://127.0.0.1:{port}/t/")
        page = httpx.get(link, timeout=10)
        assert page.status_code == 200 and "Maintal" in page.text
        admin = _cli(["portal", "admin-link", "--data", "portal-data"], tmp_path)
        link = admin.stdout.strip()
        assert link.startswith(f"http://127.0.0.1:{port}/admin/") and httpx.get(link, timeout=10).status_code == 200
    finally:
        server.stop()


def test_a_base_url_given_to_serve_is_what_add_town_prints(tmp_path):
    port = free_port()
    server = Serve(["--data", str(tmp_path / "d"), "--port", str(port), "--workers", "1",
                    "--base-url", "https://strategie.example.de/portal/"], tmp_path, f"http://127.0.0.1:{port}")
    try:
        r = _cli(["portal", "add-town", "Eschwege", "--data", str(tmp_path / "d")], tmp_path)
        assert r.returncode == 0, r.stderr
        assert re.fullmatch(r"Eschwege: https://strategie\.example\.de/portal/t/[\w-]{43}/", r.stdout.splitlines()[0])
        token = r.stdout.splitlines()[0].rsplit("/t/", 1)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/t/{token}", timeout=10).status_code == 200
        # an explicit --base-url still wins
        r = _cli(["portal", "admin-link", "--data", str(tmp_path / "d"), "--base-url", "https://other.example"], tmp_path)
        assert r.stdout.startswith("https://other.example/admin/")
    finally:
        server.stop()


def test_without_a_recorded_address_the_link_is_a_guess_and_says_so(tmp_path):
    r = _cli(["portal", "add-town", "Maintal", "--data", str(tmp_path)], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("Maintal: http://127.0.0.1:8000/t/")
    assert "No 'brochure serve' has used" in r.stderr and "--base-url" in r.stderr


@pytest.mark.parametrize("bad", ["strategie.example.de", "ftp://x.example", "https://x.example/?a=1"])
def test_a_bad_base_url_is_refused(tmp_path, bad):
    r = _cli(["portal", "add-town", "Maintal", "--data", str(tmp_path), "--base-url", bad], tmp_path)
    assert r.returncode == 2 and "--base-url" in r.stderr
    r = _cli(["serve", "--data", str(tmp_path), "--base-url", bad], tmp_path)
    assert r.returncode == 2 and "--base-url" in r.stderr
