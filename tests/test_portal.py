"""The portal without a browser: headers, CSRF, upload limits, path handling, job recovery."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.errors import Location, error, warning  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.findings_de import german  # noqa: E402
from pipeline.web.portal.jobs import JobPool, RESTARTED  # noqa: E402
from pipeline.web.portal.store import Store, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()
RODGAU = (ROOT / "inputs/kommunen/rodgau/strategie.xlsx").read_bytes()


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.fixture
def portal(tmp_path):
    """An app whose jobs are not started (pages and checks only) with two towns."""
    store = Store(tmp_path)
    a, token_a = store.add_town("Maintal")
    b, token_b = store.add_town("Rodgau")
    app = create_app(tmp_path, workers=1, start_jobs=False)
    with TestClient(app) as client:
        yield client, store, token_a, token_b


def upload(client, token, data: bytes, name="strategie.xlsx", token_for_csrf=None):
    page = client.get(f"/t/{token_for_csrf or token}/").text
    return client.post(f"/t/{token}/hochladen", data={"csrf": csrf(page)},
                       files={"arbeitsmappe": (name, data)}, follow_redirects=False)


def test_security_headers_on_pages_files_and_errors(portal):
    client, _, token, _ = portal
    for url in (f"/t/{token}/", "/static/portal.css", "/t/nope/", "/", f"/t/{token}/arbeitsmappe.xlsx"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert client.get(f"/t/{token}/").headers["cache-control"] == "no-store"
    page = client.get(f"/t/{token}/").text
    assert '<html lang="de">' in page and "<style" not in page and "<script>" not in page
    assert " style=" not in page and "onclick" not in page


def test_workbook_download_is_the_towns_scaffold(portal):
    client, _, token, _ = portal
    r = client.get(f"/t/{token}/arbeitsmappe.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'attachment; filename="strategie-maintal.xlsx"' in r.headers["content-disposition"]
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(r.content))
    assert "Maintal" in str(book["Anleitung"]["A1"].value)


def test_no_directory_listing_and_unknown_paths(portal):
    client, _, token, _ = portal
    assert client.get("/static/").status_code == 404
    assert client.get("/static/../store.py").status_code == 404
    assert client.get("/t/" + "../" * 3 + "etc/passwd").status_code == 404
    assert client.get(f"/t/{token}/v/1").status_code == 404  # no version yet
    assert client.get(f"/t/{token}/v/1/entwurf.pdf").status_code == 404
    assert client.get(f"/t/{token}/v/-1").status_code == 404
    assert client.get(f"/t/{token}/vergleich?alt=../1&neu=2").status_code == 404
    assert client.get("/admin/guess/").status_code == 404


def test_csrf_is_checked_and_bound_to_the_town(portal):
    client, _, token_a, token_b = portal
    r = client.post(f"/t/{token_a}/hochladen", files={"arbeitsmappe": ("strategie.xlsx", MAINTAL)})
    assert r.status_code == 403 and "Formular" in r.text
    r = client.post(f"/t/{token_a}/hochladen", data={"csrf": "0" * 64}, files={"arbeitsmappe": ("strategie.xlsx", MAINTAL)})
    assert r.status_code == 403
    r = upload(client, token_a, MAINTAL, token_for_csrf=token_b)  # town B's form token into town A
    assert r.status_code == 403


def test_upload_limits(portal, tmp_path):
    client, store, token, _ = portal
    client.app.state.portal.max_upload = 50_000
    big = b"PK" + b"x" * 300_000
    r = upload(client, token, big)
    assert r.status_code == 413 and "zu groß" in r.text
    r = upload(client, token, MAINTAL, name="strategie.xls")
    assert r.status_code == 400 and ".xlsx" in r.text
    r = upload(client, token, b"", name="strategie.xlsx")
    assert r.status_code == 400
    assert store.versions(store.find("Maintal")) == []


def test_size_limit_is_enforced_while_reading_without_content_length(portal):
    client, _, token, _ = portal
    client.app.state.portal.max_upload = 10_000
    page = client.get(f"/t/{token}/").text
    body = (b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf(page).encode() +
            b"\r\n--b\r\nContent-Disposition: form-data; name=\"arbeitsmappe\"; filename=\"a.xlsx\"\r\n\r\n" +
            b"x" * 500_000 + b"\r\n--b--\r\n")

    def chunks():
        for i in range(0, len(body), 8192):
            yield body[i:i + 8192]
    r = client.post(f"/t/{token}/hochladen", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data, code, german_text", [
    (b"this is not a zip file at all", "E-UNREADABLE", "lässt sich nicht als Excel-Arbeitsmappe öffnen"),
    (_zip({"word/document.xml": b"<w/>"}), "E-NOT-WORKBOOK", "keine Excel-Arbeitsmappe"),
    (_zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * 60_000_000}), "E-TOO-LARGE",
     "entpackt"),
])
def test_hostile_files_are_kept_as_a_version_with_german_findings(portal, data, code, german_text):
    client, store, token, _ = portal
    r = upload(client, token, data)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert german_text in page.text and "Noch kein Entwurf" in page.text
    version = store.versions(store.find("Maintal"))[-1]
    assert version.result()["findings"][0]["code"] == code


def test_isolation_every_url_of_town_a_with_town_b_token_is_404(portal):
    client, store, token_a, token_b = portal
    r = upload(client, token_a, b"not a zip")
    n = int(r.headers["location"].rsplit("/", 1)[1])
    for path in (f"/v/{n}", f"/v/{n}/entwurf.pdf", f"/v/{n}/entwurf.docx", f"/v/{n}/seite-1.png",
                 f"/vergleich?alt={n}&neu={n}"):
        assert client.get(f"/t/{token_a}{path}").status_code in (200, 404, 409)
        assert client.get(f"/t/{token_b}{path}").status_code == 404, path
    assert "Version 1" not in client.get(f"/t/{token_b}/").text


def test_revoked_link_stops_working(portal):
    client, store, token, _ = portal
    assert client.get(f"/t/{token}/").status_code == 200
    store.revoke(store.find("Maintal"))
    assert client.get(f"/t/{token}/").status_code == 404
    town, new_token = store.add_town("Maintal")
    assert client.get(f"/t/{token}/").status_code == 404
    assert client.get(f"/t/{new_token}/").status_code == 200


def test_tokens_are_stored_only_as_hashes(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Maintal")
    admin = store.new_admin_token()
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix != ".xlsx":
            text = path.read_bytes()
            assert token.encode() not in text and admin.encode() not in text


def test_german_catalogue():
    f = error("E-BAD-EMAIL", Location(sheet="Stammdaten", row=9), "'rathaus.de' is not an e-mail address", "…")
    assert german(f).message == "„rathaus.de“ ist keine gültige E-Mail-Adresse."
    f = warning("W-EMPTY-SECTION", Location(sheet="Ziele"), "'Ziele und Indikatoren' is empty (placeholder printed)")
    assert "„Ziele und Indikatoren“" in german(f).message
    unknown = german(error("E-SOMETHING-NEW", Location(), "a new check"))
    assert not unknown.known and "E-SOMETHING-NEW" in unknown.message


def test_findings_of_one_cause_are_one_line_in_german_with_their_rows():
    from pipeline.web.portal.app import _findings_view
    raw = [error("E-UNKNOWN-REF", Location(file="strategie.xlsx", sheet="Maßnahmen", row=r, column="Handlungsfeld Nr."),
                 "there is no field of action 7.7", "use a number from sheet 'Handlungsfelder': 8.1.1").to_dict()
           for r in range(2, 101)]
    raw.append(error("E-EXCEL-DATE", Location(file="strategie.xlsx", sheet="Handlungsfelder", row=5, column="Nr."),
                     "'08.01.2001' is a date Excel made out of what was typed (probably '8.1.1')", "…").to_dict())
    view = {g["sheet"]: g["entries"] for g in _findings_view({"findings": raw})}
    assert len(view["Maßnahmen"]) == 1
    entry = view["Maßnahmen"][0]
    assert entry["row"] == "2–100" and entry["message"] == "Es gibt kein Handlungsfeld 7.7."
    date = view["Handlungsfelder"][0]
    assert date["row"] == 5 and "vermutlich „8.1.1“" in date["message"] and "als Text" in date["hint"]


def test_cli_add_list_revoke(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["portal", "add-town", "Maintal", "--data", str(tmp_path), "--base-url", "https://p.example"])
    assert r.exit_code == 0 and re.search(r"https://p\.example/t/[\w-]{40,}/", r.output)
    assert runner.invoke(main, ["portal", "add-town", "Maintal", "--data", str(tmp_path)]).exit_code == 1
    r = runner.invoke(main, ["portal", "list", "--data", str(tmp_path)])
    assert "Maintal" in r.output and "active" in r.output
    assert runner.invoke(main, ["portal", "revoke", "Maintal", "--data", str(tmp_path)]).exit_code == 0
    assert "revoked" in runner.invoke(main, ["portal", "list", "--data", str(tmp_path)]).output
    assert runner.invoke(main, ["portal", "revoke", "Nowhere", "--data", str(tmp_path)]).exit_code == 1
    r = runner.invoke(main, ["portal", "admin-link", "--data", str(tmp_path)])
    assert "/admin/" in r.output


def _wait(version, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if version.job().get("state") in ("done", "failed"):
            return version.job()
        time.sleep(0.1)
    raise AssertionError(f"job still {version.job()}")


def test_recovery_reruns_queued_jobs_and_fails_twice_interrupted_ones(tmp_path):
    store = Store(tmp_path)
    town, _ = store.add_town("Maintal")
    queued = store.new_version(town, MAINTAL, "a.xlsx")
    write_json(queued.folder / "job.json", {"state": "queued", "queued": "2026-01-01T00:00:00", "attempts": 0})
    running = store.new_version(town, MAINTAL, "b.xlsx")
    write_json(running.folder / "job.json", {"state": "running", "attempts": 1})
    dead = store.new_version(town, MAINTAL, "c.xlsx")
    write_json(dead.folder / "job.json", {"state": "running", "attempts": 2})
    pool = JobPool(store, workers=1)
    pool.start()
    try:
        assert _wait(queued)["state"] == "done" and queued.result()["outcome"] == "ready"
        assert _wait(running)["state"] == "done" and running.job()["attempts"] == 2
        assert dead.job()["state"] == "failed" and dead.job()["message"] == RESTARTED.format(n=2)
    finally:
        pool.stop()


def test_a_job_past_its_time_limit_is_failed_and_the_worker_replaced(tmp_path):
    store = Store(tmp_path)
    town, _ = store.add_town("Maintal")
    pool = JobPool(store, workers=1, time_limit=0.05)
    pool.start()
    try:
        v = store.new_version(town, MAINTAL, "a.xlsx")
        pool.submit(v)
        job = _wait(v)
        assert job["state"] == "failed" and "Sekunden" in job["message"]
        pool.time_limit = 60
        w = store.new_version(town, RODGAU, "b.xlsx")
        pool.submit(w)
        assert _wait(w)["state"] == "done"
    finally:
        pool.stop()


def test_upload_to_result_with_sections_downloads_and_comparison(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Rodgau")
    with TestClient(create_app(tmp_path, workers=1)) as client:
        locations = []
        for data in (RODGAU, MAINTAL):
            r = upload(client, token, data)
            assert r.status_code == 303
            locations.append(r.headers["location"])
            v = store.versions(store.find("Rodgau"))[-1]
            _wait(v)
        page = client.get(locations[0]).text
        assert "Die Abschnitte auf einen Blick" in page and "Platzhalter" in page
        assert "ist noch leer; im Entwurf steht ein Platzhalter" in page
        pdf = client.get(locations[0] + "/entwurf.pdf")
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert "attachment" in pdf.headers["content-disposition"]
        docx = client.get(locations[0] + "/entwurf.docx")
        assert docx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        assert client.get(locations[0] + "/seite-1.png").content.startswith(b"\x89PNG")
        r = client.get(f"/t/{token}/vergleich?alt=1&neu=2")
        assert r.status_code == 200 and "Vergleich von Version 1 mit Version 2" in r.text
        assert "<style" not in r.text and 'href="/diff-report.css"' in r.text


def test_the_new_input_checks_have_german_text():
    from pipeline.errors import Location, error
    from pipeline.web.portal.findings_de import german

    cases = {("E-BAD-VALUE", "'NaN' is not a number (NaN or infinity)"): "„NaN“ ist keine Zahl.",
             ("E-BAD-VALUE", "'2010' is a year, not a date: write the whole date, e.g. 31.12.2010"):
                 "„2010“ ist eine Jahreszahl, kein Datum.",
             ("E-DUPLICATE-FIELD", "'Kommune' is given twice (rows 2 and 16)"):
                 "„Kommune“ steht zweimal im Blatt (Zeilen 2 und 16).",
             ("E-DUPLICATE-COLUMN", "the heading 'Text' is in columns B and C"):
                 "Die Überschrift „Text“ steht in den Spalten B und C."}
    for (code, message), expected in cases.items():
        g = german(error(code, Location(file="strategie.xlsx"), message))
        assert g.known and g.message == expected, (code, g)
