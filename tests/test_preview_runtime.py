"""The live preview at run time (issue 34): it answers only requests addressed to its own
loopback server (no DNS rebinding), and its watcher waits for change notices instead of
looking at every file of the edition folder."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE
from portal_server import free_port
from pipeline.web.host_guard import allowed_hosts

EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`brochure preview` in a subprocess on a free loopback port, once its first PDF is served."""
    edition = tmp_path_factory.mktemp("preview") / SAMPLE.name
    shutil.copytree(SAMPLE, edition)
    port = free_port()
    log = open(edition.parent / "preview.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "preview", str(edition), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        end = time.monotonic() + 180
        while time.monotonic() < end:
            status, body = _get(port, "/status", host=f"127.0.0.1:{port}")
            if status == 200 and json.loads(body)["pdf_version"] >= 1:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the preview served no PDF")
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    """One raw HTTP request (any Host line, or none); the status and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    if not data:
        return 0, b""
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def _get(port: int, path: str, host: str | None = None, origin: str | None = None) -> tuple[int, bytes]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.putrequest("GET", path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        if origin is not None:
            conn.putheader("Origin", origin)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, r.read()
    except OSError:
        return 0, b""


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST"])
def test_the_loopback_names_with_and_without_the_port_are_served(server, name):
    for host in (name, f"{name}:{server}"):
        status, body = _get(server, "/pdf", host=host)
        assert status == 200 and body.startswith(b"%PDF"), host


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example",
                                  "127.0.0.1.evil.example:{port}", "localhost.evil.example:{port}", "[::1].evil:{port}",
                                  "[::2]:{port}", "[::ffff:127.0.0.1]:{port}", "0.0.0.0:{port}", "127.0.0.2:{port}",
                                  "localhost:{other}", "127.0.0.1:{other}", "127.0.0.1:{port}@evil.example", "",
                                  "localhost.:{port}", "2130706433:{port}"])
def test_a_forged_host_gets_421_and_no_pdf(server, host):
    host = host.format(port=server, other=server + 1 if server < 65535 else server - 1)
    for path in ("/pdf", "/", "/status", "/befunde", "/static/preview.js"):
        status, body = _get(server, path, host=host)
        assert status == 421, (host, path, status)
        assert b"%PDF" not in body and "Vorschau" in body.decode()


def test_no_host_or_two_hosts_get_no_pdf(server):
    status, body = _raw(server, b"GET /pdf HTTP/1.0\r\n\r\n")  # HTTP/1.0 may omit Host
    assert status == 421 and b"%PDF" not in body
    status, body = _get(server, "/pdf", host=None)  # HTTP/1.1 without Host: refused by the server itself
    assert status in (400, 421) and b"%PDF" not in body
    status, body = _raw(server, f"GET /pdf HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\nHost: evil.example\r\n"
                                f"Connection: close\r\n\r\n".encode())
    assert status in (400, 421) and b"%PDF" not in body


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1.evil.example:{port}", "null",
                                    "https://127.0.0.1:{port}", "http://localhost:{other}"])
def test_a_foreign_origin_gets_403(server, origin):
    origin = origin.format(port=server, other=server + 1 if server < 65535 else server - 1)
    status, body = _get(server, "/status", host=f"127.0.0.1:{server}", origin=origin)
    assert status == 403 and "Vorschau" in body.decode()
    assert _get(server, "/status", host=f"127.0.0.1:{server}", origin=f"http://127.0.0.1:{server}")[0] == 200


def test_only_reading_methods_are_answered(server):
    for method in ("POST", "PUT", "DELETE"):
        status, _ = _raw(server, f"{method} /status HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\nContent-Length: 0\r\n"
                                 f"Connection: close\r\n\r\n".encode())
        assert status == 405, method


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40))
def test_any_other_host_is_refused(server, host):
    if host.lower() in allowed_hosts(server):
        return
    status, body = _get(server, "/pdf", host=host)
    assert status in (400, 421) and b"%PDF" not in body, host


# -- the watcher --------------------------------------------------------------------------------------
def test_the_watcher_sees_an_edit_and_never_stats_unused_files(tmp_path, monkeypatch):
    """20,000 unused files beside the inputs: while idle the watcher looks at none of them (no
    stat from Python at all), and an edit of a file the build reads is rebuilt."""
    from pipeline.web.preview import Preview, wait_for
    edition = tmp_path / SAMPLE.name
    shutil.copytree(SAMPLE, edition)
    for d in range(20):
        sub = edition / "archiv" / f"jahr{d}"
        sub.mkdir(parents=True)
        for i in range(1000):
            (sub / f"alt{i}.txt").write_bytes(b"x")
    preview = Preview(edition).start()
    try:
        state = wait_for(preview, lambda s: s.pdf_version >= 1 and not s.building, timeout=300)
        assert not state.failure
        stats = []
        real_stat = os.stat

        def counting(path, *a, **kw):
            if threading.current_thread().name == "preview-watch":
                stats.append(path)
            return real_stat(path, *a, **kw)
        monkeypatch.setattr(os, "stat", counting)
        time.sleep(1.5)  # idle: the watcher gets time to look (it must not)
        assert [p for p in stats if "archiv" in str(p)] == []
        before = preview.state.version
        time.sleep(1.0)
        assert preview.state.version == before, "an idle watcher rebuilt"
        monkeypatch.setattr(os, "stat", real_stat)
        text = next(edition.glob("text/*.md"))
        text.write_text(text.read_text(encoding="utf-8") + "\n\nEin neuer Absatz zum Schluss.\n", encoding="utf-8")
        state = wait_for(preview, lambda s: s.pdf_version >= 2 and not s.building, timeout=300)
        assert not state.failure
        # a hidden file or an office lock file changing does not rebuild
        version = preview.state.version
        (edition / ".notiz").write_bytes(b"z")
        (edition / "text" / "~$vorwort.docx").write_bytes(b"z")
        time.sleep(1.5)
        assert preview.state.version == version
    finally:
        preview.stop()


@pytest.mark.parametrize("path,expected", [("text/a.md", True), ("data/x.csv", True), (".absorb/a.docx", False),
                                           ("text/~$a.docx", False), ("text/.a.md.swp", False)])
def test_hidden_and_lock_files_are_no_inputs(tmp_path, path, expected):
    from pipeline.web.watch import is_input
    assert is_input(str(tmp_path / path), tmp_path.resolve()) is expected
    assert is_input(str(tmp_path.parent / "elsewhere.md"), tmp_path.resolve()) is False


def test_ctrl_c_ends_the_preview_during_a_build(tmp_path):
    """Ctrl+C while the preview builds ends it at once (not after the Typst compile)."""
    edition = tmp_path / SAMPLE.name
    shutil.copytree(SAMPLE, edition)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "preview", str(edition), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            status, body = _get(port, "/status", host=f"127.0.0.1:{port}")
            if status == 200 and json.loads(body)["building"]:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the preview never built")
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
        assert proc.returncode == 0, stderr
        assert "Preview ended." in stderr and "Traceback" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
