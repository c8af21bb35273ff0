"""The portal's in-progress page without a reload, times in the towns' time zone, texts that
count right, and private links kept out of the server's log, the Referer and the error pages
(issue 30, defects 1, 5, 6 and 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from portal_server import Server  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.web.portal.access_log import HideTokens  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.clock import shown, zone  # noqa: E402
from pipeline.web.portal.status import queue_text  # noqa: E402
from pipeline.web.portal.store import Store, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()


def _version(store: Store, token: str, state: str, uploaded: str = "2026-12-07T12:11:00+00:00", result=None):
    town = store.town_for_token(token)
    version = store.new_version(town, MAINTAL, "strategie.xlsx")
    write_json(version.folder / "upload.json", {"uploaded": uploaded, "filename": "strategie.xlsx", "bytes": 1})
    write_json(version.folder / "job.json", {"state": state, "message": "", "attempts": 0})
    if result is not None:
        write_json(version.folder / "result.json", result)
    return version


@pytest.fixture
def portal(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Maintal")
    _, other = store.add_town("Rodgau")
    app = create_app(tmp_path, workers=1, start_jobs=False)
    with TestClient(app) as client:
        yield client, store, token, other


# -- defect 1: the in-progress page -------------------------------------------------------------
def test_the_page_of_a_version_in_the_making_never_reloads_itself(portal):
    client, store, token, _ = portal
    v = _version(store, token, "queued")
    page = client.get(f"/t/{token}/v/{v.number}").text
    assert "http-equiv" not in page.lower()
    assert "<script>" not in page and "<style" not in page  # CSP: the script is static/portal.js
    live = re.search(r'<p id="stand" role="status" aria-live="polite"[^>]*>([^<]*)</p>', page)
    assert live and live.group(1).strip()
    assert f'data-status-url="/t/{token}/v/{v.number}/status"' in page
    # without JavaScript: a button that asks again
    form = re.search(r'<form method="get" action="/t/[^"]+/v/\d+" class="refresh">\s*<button type="submit">'
                     r'Status aktualisieren</button>', page)
    assert form


def test_the_status_answer_says_the_state_in_german_and_when_it_is_done(portal):
    client, store, token, other = portal
    v = _version(store, token, "queued")
    r = client.get(f"/t/{token}/v/{v.number}/status")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
    assert r.json()["done"] is False and r.json()["text"]
    write_json(v.folder / "job.json", {"state": "running", "message": "", "attempts": 1})
    assert client.get(f"/t/{token}/v/{v.number}/status").json() == {
        "state": "running", "done": False, "text": "Ihr Entwurf wird gerade erstellt."}
    write_json(v.folder / "job.json", {"state": "done", "message": "", "attempts": 1})
    assert client.get(f"/t/{token}/v/{v.number}/status").json()["done"] is True
    # another town's link, a version that is not there: 404, as every page
    assert client.get(f"/t/{other}/v/{v.number}/status").status_code == 404
    assert client.get(f"/t/{token}/v/99/status").status_code == 404


# -- defect 7: texts ------------------------------------------------------------------------------
def test_the_queue_counts_in_singular_and_plural():
    assert queue_text("queued", 1) == "Ihr Auftrag ist als nächster an der Reihe."
    assert queue_text("queued", 2) == "Vor Ihnen ist noch 1 Auftrag in der Warteschlange."
    assert queue_text("queued", 3) == "Vor Ihnen sind noch 2 Aufträge in der Warteschlange."
    assert queue_text("running", None) == "Ihr Entwurf wird gerade erstellt."
    assert queue_text("queued", None) == "Ihr Auftrag wartet in der Warteschlange."
    assert not re.search(r"\b1 Aufträge", " ".join(queue_text("queued", n) for n in range(1, 30)))


def test_portal_list_does_not_call_a_version_with_errors_done(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Maintal")
    _, other = store.add_town("Rodgau")
    _version(store, token, "done", result={"outcome": "errors", "errors": 3, "warnings": 0, "findings": [],
                                           "sections": [], "pages": None})
    _version(store, other, "done", result={"outcome": "ready", "errors": 0, "warnings": 1, "findings": [],
                                           "sections": [], "pages": 12})
    out = CliRunner().invoke(main, ["portal", "list", "--data", str(tmp_path)]).output
    maintal, rodgau = (next(line for line in out.splitlines() if line.startswith(n)) for n in ("Maintal", "Rodgau"))
    assert "3 errors, no draft" in maintal and "done" not in maintal
    assert "draft ready" in rodgau


# -- defect 6: time zone ------------------------------------------------------------------------
def test_times_are_shown_in_berlin_with_daylight_saving(portal):
    client, store, token, _ = portal
    _version(store, token, "done", uploaded="2026-12-07T12:11:00+00:00")  # winter: UTC+1
    _version(store, token, "done", uploaded="2026-07-07T12:11:00+00:00")  # summer: UTC+2
    page = client.get(f"/t/{token}/").text
    assert "07.12.2026, 13:11 Uhr" in page and "07.07.2026, 14:11 Uhr" in page
    assert "12:11 Uhr" not in page
    v = client.get(f"/t/{token}/v/1").text
    assert "hochgeladen am 07.12.2026, 13:11 Uhr" in v
    # a time stored with the server's own offset is the same moment
    assert shown("2026-12-07T07:11:00-05:00", zone()) == "07.12.2026, 13:11 Uhr"


def test_the_time_zone_is_an_option_of_serve(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Maintal")
    _version(store, token, "done", uploaded="2026-12-07T12:11:00+00:00")
    with TestClient(create_app(tmp_path, workers=1, start_jobs=False, time_zone="Europe/London")) as client:
        assert "07.12.2026, 12:11 Uhr" in client.get(f"/t/{token}/").text
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Mars/Olympus")
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--time-zone", "Mars/Olympus"])
    assert r.exit_code == 2 and "unknown time zone" in r.output
    assert "--time-zone" in CliRunner().invoke(main, ["serve", "--help"]).output


# -- defect 5: the token stays private ------------------------------------------------------------
def test_no_referrer_on_every_response_and_no_token_on_error_pages(portal):
    client, store, token, _ = portal
    admin = store.new_admin_token()
    v = _version(store, token, "queued")
    for url in (f"/t/{token}/", f"/t/{token}/v/{v.number}", f"/t/{token}/v/{v.number}/status", "/",
                "/static/portal.js", "/favicon.ico", "/t/nope/", f"/t/{token}/v/99", f"/t/{token}/vergleich?alt=1&neu=1",
                f"/admin/{admin}/", "/admin/nope/", "/diff-report.css"):
        r = client.get(url)
        assert r.headers["referrer-policy"] == "no-referrer", url
        if r.status_code >= 400 or url.startswith("/admin/"):
            assert token not in r.text and admin not in r.text, url
    r = client.post(f"/t/{token}/hochladen", data={"csrf": "wrong"}, files={"arbeitsmappe": ("a.xlsx", MAINTAL)})
    assert r.status_code == 403 and r.headers["referrer-policy"] == "no-referrer"
    assert token not in r.text and 'href="./"' in r.text  # back to the town's page, relative
    for url in (f"/t/{token}/v/{v.number}/name", f"/t/{token}/v/{v.number}/loeschen"):  # forms of a version
        r = client.post(url, data={"csrf": "wrong", "name": "x"})
        assert r.status_code == 403 and token not in r.text and 'href="../../"' in r.text, url
    r = client.put(f"/t/{token}/")
    assert r.status_code == 404 and r.headers["referrer-policy"] == "no-referrer" and token not in r.text


def test_the_log_filter_names_the_town_never_the_token():
    hide = HideTokens(lambda t: "maintal" if t == "SECRETTOKEN" else None)
    assert hide.hide("GET /t/SECRETTOKEN/v/13 HTTP/1.1") == "GET /t/[maintal]/v/13 HTTP/1.1"
    assert hide.hide("/t/GUESSEDTOKEN/") == "/t/[GUES…]/"
    assert hide.hide("/admin/ADMINTOKEN/") == "/admin/[…]/"
    assert hide.hide("/t/SECRETTOKEN/vergleich?alt=1&neu=2") == "/t/[maintal]/vergleich?alt=1&neu=2"


def test_the_access_log_of_a_real_server_holds_no_token(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    _, token = store.add_town("Maintal")
    _, revoked = store.add_town("Rodgau")
    store.revoke(store.find("Rodgau"))
    admin = store.new_admin_token()
    server = Server(data, workers=1).start()
    try:
        for path in (f"/t/{token}/", f"/t/{token}/arbeitsmappe.xlsx", f"/t/{token}/v/1", f"/t/{token}/v/1/status",
                     f"/t/{token}/vergleich?alt=1&neu=2", f"/t/{revoked}/", f"/admin/{admin}/", "/t/x/",
                     f"/t/{token}/nichts"):
            httpx.get(server.url + path, timeout=30)
        page = httpx.get(f"{server.url}/t/{token}/", timeout=30).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = httpx.post(f"{server.url}/t/{token}/hochladen", data={"csrf": csrf},
                       files={"arbeitsmappe": ("strategie.xlsx", MAINTAL)}, timeout=60)
        assert r.status_code == 303 and r.headers["location"].startswith(f"/t/{token}/v/")
        httpx.get(server.url + r.headers["location"], timeout=30)
    finally:
        server.stop()
    log = (data.parent / f"serve-{server.port}.log").read_text(encoding="utf-8", errors="replace")
    assert '"GET /t/[maintal]/ HTTP/1.1" 200' in log  # the access log is on, and names the town
    assert '"POST /t/[maintal]/hochladen HTTP/1.1" 303' in log
    assert "/admin/[…]/" in log
    for secret in (token, revoked, admin):
        assert secret not in log and secret[:8] not in log


def test_berlin_is_known_on_a_machine_without_zone_files():
    """A bare container has no /usr/share/zoneinfo: the tzdata package (a dependency) has it."""
    import zoneinfo
    zoneinfo.reset_tzpath(to=[])
    try:
        berlin = zoneinfo.ZoneInfo.no_cache("Europe/Berlin")
        assert shown("2026-12-07T12:11:00+00:00", berlin) == "07.12.2026, 13:11 Uhr"
    finally:
        zoneinfo.reset_tzpath()
