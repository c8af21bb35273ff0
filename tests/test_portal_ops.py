"""Running the portal: /healthz, backup and restore while it runs, the data folder's format and
its upgrade, and the packaging (systemd unit, Dockerfile)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from portal_server import Server, free_port  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.backup import backup, restore  # noqa: E402
from pipeline.web.portal.ops import FORMAT, folder_format  # noqa: E402
from pipeline.web.portal.store import Store, read_json, write_bytes, write_json  # noqa: E402
from pipeline.web.portal.versions import delete_version  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "packaging" / "brochure-portal.service"
DOCKERFILE = ROOT / "Dockerfile"
WORKBOOKS = {"Maintal": "maintal", "Rodgau": "rodgau", "Michelstadt": "michelstadt"}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _upload(url: str, token: str, folder: str) -> int:
    page = httpx.get(f"{url}/t/{token}/", timeout=30).text
    data = (ROOT / "inputs" / "kommunen" / folder / "strategie.xlsx").read_bytes()
    r = httpx.post(f"{url}/t/{token}/hochladen", data={"csrf": _csrf(page)},
                   files={"arbeitsmappe": ("strategie.xlsx", data)}, timeout=60)
    assert r.status_code == 303, r.text[:500]
    return int(re.search(r"/v/(\d+)$", r.headers["location"]).group(1))


def _wait_healthy(url: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("/healthz never answered 200")


def _wait_jobs(data: Path, timeout: float = 400) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        states = [(read_json(p) or {}).get("state") for p in data.glob("towns/*/versions/*/job.json")]
        if states and all(s in ("done", "failed") for s in states):
            return
        time.sleep(0.3)
    raise AssertionError("jobs did not finish")


# -- health -----------------------------------------------------------------------------------------
def test_healthz_answers_without_auth_or_data_and_503_when_workers_or_store_are_gone(tmp_path):
    store = Store(tmp_path / "data")
    _, token = store.add_town("Maintal")
    with TestClient(create_app(tmp_path / "data", workers=1, start_jobs=False)) as client:
        r = client.get("/healthz")  # no workers started: not healthy
        assert r.status_code == 503 and r.text == "unavailable\n"
    app = create_app(tmp_path / "data", workers=1)
    with TestClient(app) as client:
        r = client.get("/healthz")
        assert r.status_code == 200 and r.text == "ok\n"
        assert r.headers["cache-control"] == "no-store" and token not in r.text
        pool = app.state.portal.pool
        os.rename(tmp_path / "data" / "towns", tmp_path / "data" / "towns-gone")  # the store unreadable
        assert client.get("/healthz").status_code == 503
        os.rename(tmp_path / "data" / "towns-gone", tmp_path / "data" / "towns")
        assert client.get("/healthz").status_code == 200
        pool.stop()  # the workers gone
        assert client.get("/healthz").status_code == 503


# -- format and upgrade -------------------------------------------------------------------------------
def _old_format_folder(root: Path) -> dict[str, str]:
    """A data folder as the portal wrote it before formats were numbered (format 1)."""
    store = Store(root)
    tokens = {name: store.add_town(name)[1] for name in ("Maintal", "Rodgau")}
    town = store.find("Maintal")
    v = store.new_version(town, b"PK fake workbook", "strategie.xlsx")
    write_json(v.folder / "job.json", {"state": "done", "message": "", "attempts": 0})
    (root / "format.json").unlink()
    for path in root.glob("towns/*/town.json"):
        data = read_json(path)
        data.pop("id"), data.pop("notify")
        write_json(path, data)
    write_bytes(root / "towns" / "maintal" / ".town.json.abc.tmp", b"half")  # a crash's leftover
    (root / "towns" / "rodgau" / ".entwurf-xyz" / "rodgau").mkdir(parents=True)
    return tokens


def test_an_old_format_folder_is_backed_up_then_upgraded_on_the_first_command(tmp_path):
    data = tmp_path / "data"
    tokens = _old_format_folder(data)
    assert folder_format(data) == 1
    r = CliRunner().invoke(main, ["portal", "list", "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert "has format 1; backed up to" in r.output and f"to data format {FORMAT} (1→2)" in r.output
    assert "Maintal" in r.output and "Rodgau" in r.output
    assert folder_format(data) == FORMAT == 2
    stamp = read_json(data / "format.json")
    assert stamp["upgrades"][0]["from"] == 1
    saved = Path(stamp["upgrades"][0]["backup"])
    assert saved.parent == data / "upgrade-backups"
    # the backup is the folder as it was: format 1, town.json without the new keys
    assert folder_format(saved) == 1 and "notify" not in read_json(saved / "towns/maintal/town.json")
    assert (saved / "towns/maintal/versions/1/maintal/strategie.xlsx").read_bytes() == b"PK fake workbook"
    # format 2: each town.json has its id and notify; no leftovers
    for town_id in ("maintal", "rodgau"):
        town = read_json(data / "towns" / town_id / "town.json")
        assert town["id"] == town_id and town["notify"] == {"email": None}
    assert not list((data / "towns").rglob(".*"))
    # the links still open their towns, and a second start changes nothing
    store = Store(data)
    assert {store.town_for_token(t).name for t in tokens.values()} == {"Maintal", "Rodgau"}
    r = CliRunner().invoke(main, ["portal", "list", "--data", str(data)])
    assert "Upgraded" not in r.output and len(list((data / "upgrade-backups").iterdir())) == 1


def test_serve_upgrades_too_and_a_newer_format_or_a_running_server_is_refused(tmp_path):
    data = tmp_path / "data"
    _old_format_folder(data)
    from pipeline.web.portal.ops import exclusive
    with exclusive(data):  # as if an old server still ran on it
        r = CliRunner().invoke(main, ["portal", "list", "--data", str(data)])
        assert r.exit_code == 1 and "stop it first" in r.output and folder_format(data) == 1
    server = Server(data, workers=1).start()
    try:
        assert folder_format(data) == FORMAT
    finally:
        server.stop()
    write_json(data / "format.json", {"format": FORMAT + 1})
    r = CliRunner().invoke(main, ["portal", "list", "--data", str(data)])
    assert r.exit_code == 1 and f"knows formats up to {FORMAT}" in r.output


def test_a_new_folder_is_of_the_current_format(tmp_path):
    Store(tmp_path / "a")
    assert folder_format(tmp_path / "a") == FORMAT
    assert CliRunner().invoke(main, ["portal", "list", "--data", str(tmp_path / "b")]).exit_code == 0
    assert folder_format(tmp_path / "b") == FORMAT


# -- backup and restore -------------------------------------------------------------------------------
def test_a_backup_taken_while_jobs_write_holds_whole_versions_only(tmp_path):
    """Jobs write their files and versions are deleted while backups are taken: in every copy a
    finished job has its result and its draft, a job caught in between is queued again, and a
    version still being made or being deleted is left out, never half there."""
    data = tmp_path / "data"
    store = Store(data)
    town, _ = store.add_town("Maintal")
    stop = threading.Event()

    def jobs():
        n = 0
        while not stop.is_set():
            n += 1
            v = store.new_version(town, b"workbook %d" % n, "strategie.xlsx")
            write_json(v.folder / "job.json", {"state": "queued", "attempts": 0})
            write_json(v.folder / "job.json", {"state": "running", "attempts": 1, "started": str(n)})
            write_bytes(v.out / "maintal-entwurf.pdf", b"%PDF " + b"x" * 20000)
            write_bytes(v.thumbs / "page-1.png", b"png")
            time.sleep(0.03)  # a build takes a while: copies catch it in between
            write_json(v.folder / "result.json", {"outcome": "ready", "pages": 1})
            write_json(v.folder / "job.json", {"state": "done", "attempts": 1, "started": str(n), "finished": str(n)})
            if n % 3 == 0:  # the town deletes a finished version now and then
                delete_version(store, store.version(town, n - 1))

    writer = threading.Thread(target=jobs)
    writer.start()
    while not (town.versions_dir / "1" / "job.json").exists():
        time.sleep(0.005)
    try:
        copies = []
        for n in range(12):
            while n == 11 and not (town.folder / "deleted.json").exists():
                time.sleep(0.01)
            copies.append(backup(data, tmp_path / f"backup-{n}"))
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    assert copies[-1]["versions"] > 3
    requeued = 0
    for n in range(12):
        folder = tmp_path / f"backup-{n}"
        for v in (folder / "towns/maintal/versions").iterdir():
            job = read_json(v / "job.json")
            assert (v / "maintal/strategie.xlsx").is_file() and read_json(v / "upload.json")
            if job["state"] == "done":
                assert read_json(v / "result.json") and (v / "out/maintal-entwurf.pdf").stat().st_size > 20000
            else:
                assert job["state"] == "queued" and job["attempts"] == 0
                requeued += 1
        assert not list(folder.rglob(".*"))
    assert requeued  # some copies did catch jobs in between
    assert not (tmp_path / "backup-11/towns/maintal/versions/2").exists()  # deleted before the last copy
    assert read_json(tmp_path / "backup-11/towns/maintal/deleted.json")["highest"] >= 2


def test_backup_and_restore_of_a_live_portal_keep_every_town_and_version(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    tokens = {name: store.add_town(name)[1] for name in WORKBOOKS}
    store.revoke(store.find("Michelstadt"))
    tokens["Michelstadt"] = store.add_town("Michelstadt")[1]  # a link issued again
    server = Server(data, workers=1).start()
    try:
        _wait_healthy(server.url)
        for name, folder in WORKBOOKS.items():
            assert _upload(server.url, tokens[name], folder) == 1
        _wait_jobs(data)
        for name, folder in WORKBOOKS.items():  # second versions: jobs queued and running during the backup
            assert _upload(server.url, tokens[name], folder) == 2
        r = subprocess.run([sys.executable, "-m", "pipeline.cli", "portal", "backup", str(tmp_path / "backup"),
                            "--data", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "Backed up 3 towns, 6 versions" in r.stdout
        busy = [p for p in data.glob("towns/*/versions/*/job.json") if read_json(p)["state"] != "done"]
        _wait_jobs(data)
    finally:
        server.stop()
    print(f"jobs unfinished when the backup ended: {len(busy)}")
    restored = tmp_path / "restored"
    r = CliRunner().invoke(main, ["portal", "restore", str(tmp_path / "backup"), "--data", str(restored)])
    assert r.exit_code == 0, r.output
    assert "Restored 3 towns, 6 versions" in r.output
    # restoring over a folder in use is refused; over a non-empty one only with --replace
    r = CliRunner().invoke(main, ["portal", "restore", str(tmp_path / "backup"), "--data", str(restored)])
    assert r.exit_code == 1 and "--replace" in r.output
    server = Server(restored, workers=1).start()
    try:
        _wait_healthy(server.url)
        _wait_jobs(restored)
        for name in WORKBOOKS:
            page = httpx.get(f"{server.url}/t/{tokens[name]}/", timeout=30)
            assert page.status_code == 200 and name in page.text
            for n in (1, 2):
                assert httpx.get(f"{server.url}/t/{tokens[name]}/v/{n}", timeout=30).status_code == 200
                pdf = httpx.get(f"{server.url}/t/{tokens[name]}/v/{n}/entwurf.pdf", timeout=30)
                assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            assert httpx.get(f"{server.url}/t/{tokens[name]}/v/3", timeout=30).status_code == 404
        r = subprocess.run([sys.executable, "-m", "pipeline.cli", "portal", "restore", str(tmp_path / "backup"),
                            "--data", str(restored), "--replace"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "stop it first" in r.stderr
    finally:
        server.stop()
    r = CliRunner().invoke(main, ["portal", "restore", str(tmp_path / "backup"), "--data", str(restored), "--replace"])
    assert r.exit_code == 0 and "is kept as" in r.output


def test_restore_refuses_what_is_no_backup_and_backup_refuses_its_own_folder(tmp_path):
    Store(tmp_path / "data")
    with pytest.raises(FileNotFoundError):
        restore(tmp_path / "data", tmp_path / "elsewhere")
    with pytest.raises(ValueError):
        backup(tmp_path / "data", tmp_path / "data" / "inside")
    backup(tmp_path / "data", tmp_path / "b")
    with pytest.raises(FileExistsError):
        backup(tmp_path / "data", tmp_path / "b")


# -- packaging ----------------------------------------------------------------------------------------
def _exec_start() -> list[str]:
    line = next(ln for ln in UNIT.read_text().splitlines() if ln.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def test_the_unit_is_hardened_and_runs_as_a_dynamic_user():
    text = UNIT.read_text()
    for setting in ("DynamicUser=yes", "StateDirectory=brochure-portal", "CacheDirectory=brochure-portal",
                    "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                    "PrivateDevices=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                    "SystemCallFilter=@system-service", "UMask=0077"):
        assert setting in text, setting
    args = _exec_start()
    assert args[1:3] == ["serve", "--data"] and "--host" in args and args[args.index("--host") + 1] == "127.0.0.1"


def test_systemd_analyze_verifies_the_unit(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here")
    # the unit names /opt/brochure; here the checkout's venv stands in for it
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/brochure", str(ROOT)))
    r = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [ln for ln in (r.stdout + r.stderr).splitlines() if UNIT.name in ln]  # not the host's units
    assert r.returncode == 0 and not problems, r.stdout + r.stderr


def test_the_units_exec_start_starts_the_portal(tmp_path):
    """The unit's own command line (paths and port put where this checkout is) serves /healthz."""
    port = free_port()
    args = [a.replace("/opt/brochure", str(ROOT)).replace("/var/lib/brochure-portal", str(tmp_path / "state"))
            for a in _exec_start()]
    args[args.index("--port") + 1] = str(port)
    args[args.index("--workers") + 1] = "1"
    assert Path(args[0]).is_file(), f"{args[0]}: run 'make .venv/.installed'"
    env = {**os.environ, "BROCHURE_CACHE": str(tmp_path / "cache")}
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}")
        assert folder_format(tmp_path / "state" / "data") == FORMAT
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    # uvicorn ends by the signal it was stopped with, after a clean shutdown; systemd counts that as success
    log_text = (tmp_path / "serve.log").read_text()
    assert proc.returncode in (0, -signal.SIGTERM) and "Application shutdown complete" in log_text, log_text[-2000:]


def test_the_dockerfile_is_slim_non_root_with_fonts_and_a_healthcheck():
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11(\.\d+)?-slim", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "typst_font_folder" in text  # the bundled fonts prepared at build time
    assert json.loads(re.search(r"^CMD (\[.*\])", text, re.M).group(1))[:2] == ["brochure", "serve"]


def _container_tool() -> str | None:
    for tool in ("docker", "podman"):
        path = shutil.which(tool)
        if path and subprocess.run([path, "info"], capture_output=True, timeout=30).returncode == 0:
            return path
    return None


def test_the_dockerfile_lints_and_builds():
    hadolint = shutil.which("hadolint")
    if hadolint:
        r = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout
    tool = _container_tool()
    if tool is None:
        pytest.skip("no working docker or podman here (no daemon): the image is built where one is")
    r = subprocess.run([tool, "build", "-t", "brochure-portal:test", str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    port = free_port()
    run = subprocess.run([tool, "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:8000", "brochure-portal:test"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", timeout=180)
    finally:
        subprocess.run([tool, "stop", run.stdout.strip()], capture_output=True, timeout=60)
