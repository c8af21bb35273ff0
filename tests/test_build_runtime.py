"""Builds at run time (issue 34): builds into one output folder at the same moment take turns
and all succeed with one consistent set; Ctrl+C stops a build at once and leaves the output
folder as the last complete build left it. Real subprocesses, real signals, real files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

DRIVER = Path(__file__).parent / "interrupt_driver.py"
ROUNDS = max(2, int(os.environ.get("CI_EXAMPLES", "200")) // 100)


def _edit(edition: Path, n: int) -> None:
    """A new paragraph, so the build after it is no copy of the last one."""
    text = edition / "text" / "vorwort.md"
    text.write_text(text.read_text(encoding="utf-8") + f"\n\nNachtrag Nummer {n} zum Vorwort.\n", encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _consistent(out: Path) -> dict:
    """The folder holds exactly one build's set: the manifest lists every document with its hash."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e["sha256"] for e in manifest["outputs"]}
    for name, sha in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha, name
    assert {p.name for p in out.iterdir()} == set(listed) | {"manifest.json", "content.json"}
    return listed


def _no_leftovers(out: Path) -> None:
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}") and p.name != f".{out.name}.lock"]
    assert beside == []


def _build(edition: Path, out: Path, env: dict, *pre: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *pre, "-m", "pipeline.cli", "build", str(edition), "--out", str(out)]
                            if not pre else [sys.executable, *pre, "build", str(edition), "--out", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def edition(tmp_path) -> Path:
    target = tmp_path / SAMPLE.name
    shutil.copytree(SAMPLE, target)
    return target


# -- two builds, one folder ---------------------------------------------------------------------------
def test_builds_into_one_folder_at_once_all_succeed_with_one_consistent_set(edition, tmp_path):
    out = tmp_path / "out"
    for n in range(ROUNDS):
        _edit(edition, n)
        env = dict(os.environ, BROCHURE_CACHE=str(tmp_path / f"cache{n}"))  # each round builds in full
        procs = [_build(edition, out, env) for _ in range(3)]
        for p in procs:
            stdout, stderr = p.communicate(timeout=600)
            assert p.returncode == 0, stderr
            assert "E-CANNOT-WRITE" not in stderr
        _consistent(out)
        _no_leftovers(out)
        assert f"Nachtrag Nummer {n}".encode() in (out / "content.json").read_bytes()


def test_a_build_waits_for_the_folder_and_says_so(edition, tmp_path):
    from pipeline.output_lock import output_lock
    out = tmp_path / "out"
    env = dict(os.environ, BROCHURE_CACHE=str(tmp_path / "cache"))
    with output_lock(out):
        proc = _build(edition, out, env)
        said = proc.stderr.readline()  # it asks for the folder before it reads anything
        assert "in use by another build: waiting" in said and str(out) in said
        time.sleep(1.0)
        assert proc.poll() is None and not out.exists(), "the build wrote while another held the folder"
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    _consistent(out)


def test_writers_of_different_sets_at_once_never_mix_them(tmp_path):
    """Four processes each write their own set into one folder, over and over: no error, and
    at every end the folder holds one whole set."""
    out = tmp_path / "out"
    script = (
        "import hashlib, json, sys\n"
        "from pathlib import Path\n"
        "from pipeline.write_outputs import write_set\n"
        "me = sys.argv[1]\n"
        "for i in range(int(sys.argv[3])):\n"
        "    doc = (me * 5000 + str(i)).encode()\n"
        "    m = json.dumps({'outputs': [{'path': 'a.pdf', 'sha256': hashlib.sha256(doc).hexdigest()}]}).encode()\n"
        "    write_set(Path(sys.argv[2]), {'a.pdf': doc, 'content.json': b'{}', 'manifest.json': m})\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, f"w{k}", str(out), str(10 * ROUNDS)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for k in range(4)]
    for p in procs:
        _, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
    _consistent(out)
    _no_leftovers(out)


# -- Ctrl+C -------------------------------------------------------------------------------------------
@pytest.fixture
def built(edition, tmp_path):
    """The edition built once into OUT; then edited, so the next build is a new one."""
    out = tmp_path / "out"
    env = dict(os.environ, BROCHURE_CACHE=str(tmp_path / "cache"))
    p = _build(edition, out, env)
    _, stderr = p.communicate(timeout=600)
    assert p.returncode == 0, stderr
    _edit(edition, 99)
    return edition, out, env, _files(out)


def _interrupt(phase: str, edition: Path, out: Path, env: dict) -> tuple[int, str]:
    proc = _build(edition, out, env, str(DRIVER), phase)
    line = ""
    while not line.startswith("PHASE"):  # the driver announces the phase just before stalling in it
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"the build ended before {phase}: {proc.communicate()}"
    proc.send_signal(signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=20)  # generous: the stall alone lasts 60 s
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"Ctrl+C during {phase} did not stop the build") from None
    return proc.returncode, stderr


@pytest.mark.parametrize("phase", ["load", "typst", "writing"])
def test_ctrl_c_stops_the_build_at_once_and_keeps_the_last_outputs(built, phase):
    edition, out, env, before = built
    code, stderr = _interrupt(phase, edition, out, env)
    assert code == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    assert _files(out) == before  # byte for byte
    _no_leftovers(out)


def test_ctrl_c_while_the_new_set_goes_in_leaves_the_whole_new_set(built):
    edition, out, env, before = built
    code, stderr = _interrupt("commit", edition, out, env)
    assert code == 130, stderr
    assert _files(out) != before
    _consistent(out)
    assert b"Nachtrag Nummer 99" in (out / "content.json").read_bytes()
    _no_leftovers(out)


def test_ctrl_c_stops_a_batch_of_drafts_and_its_workers(tmp_path):
    """`brochure draft ROOT -j 2` with more towns than workers: Ctrl+C (to the whole process
    group, as a terminal sends it) ends the batch and its workers at once, not after the
    queued towns."""
    root = tmp_path / "towns"
    for k in range(3):
        for town in sorted((ROOT / "inputs" / "kommunen").iterdir()):
            shutil.copytree(town, root / f"{town.name}-{k}")
    env = dict(os.environ, BROCHURE_CACHE=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "draft", str(root), "--out", str(tmp_path / "out"),
                             "--jobs", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any((tmp_path / "out").glob("*/*.pdf")) and proc.poll() is None:
        time.sleep(0.2)  # some towns are done, most are queued
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"Ctrl+C did not stop the batch: {proc.communicate()}") from None
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    for _ in range(100):  # the workers are gone too
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("a worker outlived the batch")
    for out in (tmp_path / "out").iterdir():  # every town's folder holds a whole set, or none
        if out.is_dir() and not out.name.startswith("."):
            _consistent(out)
