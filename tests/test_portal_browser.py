"""The portal in a real browser (Playwright driving the system Chromium) against a real server:
a town's whole way from its link to the comparison of two versions, a draft edited in Word
uploaded back, isolation, hostile workbooks, 20 uploads at once, a restart during a job, and
axe-core on every page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.web.portal.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
BROWSER_TESTS = Path(__file__).parent / "browser"
AXE = BROWSER_TESTS / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROOT = Path(__file__).resolve().parent.parent

httpx = pytest.importorskip("httpx")
from draft_edits import MEASURE, cell, edit_draft  # noqa: E402
from portal_server import Server, fill, sample_data, with_mistakes  # noqa: E402


def _playwright():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip("node/npm are not installed, so axe-core cannot be installed")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BROWSER_TESTS, check=True,
                       timeout=300)
    return AXE


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A running server with two towns and the ministry's link."""
    data = tmp_path_factory.mktemp("portal") / "data"
    store = Store(data)
    _, maintal = store.add_town("Maintal")
    _, rodgau = store.add_town("Rodgau")
    admin = store.new_admin_token()
    server = Server(data, workers=2).start()
    yield {"server": server, "url": server.url, "store": store, "maintal": maintal, "rodgau": rodgau,
           "admin": admin, "tmp": data.parent}
    server.stop()


def _axe(page, axe_script: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": WCAG}})
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


def _wait_ready(page, timeout_ms: int = 120_000) -> None:
    """The version page polls the job's state (static/portal.js) and shows the result in place."""
    page.wait_for_selector(".ok, .alert", timeout=timeout_ms)


def fresh(scaffold: Path, workbook: Path) -> Path:
    shutil.copyfile(scaffold, workbook)
    return workbook


def upload(page, workbook: Path) -> None:
    page.set_input_files("#arbeitsmappe", str(workbook))
    page.get_by_role("button", name="Hochladen und Entwurf erstellen").click()
    _wait_ready(page)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_a_towns_way_from_link_to_comparison(browser, portal, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="de-DE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    base = f"{portal['url']}/t/{portal['maintal']}/"
    page.goto(base)
    assert page.locator("h1").inner_text() == "Strategie-Entwurf: Maintal"
    assert page.locator("ol.steps > li").count() == 3

    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("Arbeitsmappe für Maintal herunterladen")).click()
    scaffold = tmp_path / "vorlage.xlsx"
    dl.value.save_as(scaffold)
    workbook = tmp_path / "strategie.xlsx"
    assert dl.value.suggested_filename == "strategie-maintal.xlsx"
    # version 1: a mistake (an e-mail address without @): findings, no draft
    wrong = with_mistakes(sample_data("maintal"))
    fill(fresh(scaffold, workbook), wrong)
    upload(page, workbook)
    assert re.search(r"/v/1$", page.url)
    text = page.locator("main").inner_text()
    assert "Noch kein Entwurf" in text
    group = page.locator("section.sheet", has=page.locator("h3", has_text="Blatt „Stammdaten“"))
    row = group.locator("tr.error", has_text="ist keine gültige E-Mail-Adresse")
    assert row.count() == 1
    cells = [c.inner_text() for c in row.locator("td").all()]
    assert cells[0] == "Fehler" and cells[1].isdigit() and cells[2] == "E-Mail"
    assert "„integrationsbeauftragte(at)maintal.de“" in cells[3] and "name@beispiel.de" in cells[4]

    # version 2: the address corrected, the goals still missing: a draft with a placeholder
    wrong["stammdaten"]["email"] = "integrationsbeauftragte@maintal.de"
    fill(fresh(scaffold, workbook), wrong)
    upload(page, workbook)
    assert re.search(r"/v/2$", page.url)
    text = page.locator("main").inner_text()
    assert "Der Entwurf ist fertig" in text
    assert "Der Abschnitt „Ziele und Indikatoren“ ist noch leer" in text
    sections = page.locator("ol.sections > li")
    assert sections.count() == 9
    assert "Platzhalter" in sections.nth(6).inner_text() and "ausgefüllt" in sections.nth(5).inner_text()
    thumbs = page.locator("ul.thumbs img")
    pages = int(re.search(r"(\d+) Seiten\)", text).group(1))
    assert thumbs.count() == pages > 5
    assert page.evaluate("i => i.naturalWidth", thumbs.first.element_handle()) > 100

    for label, suffix in (("Word-Datei", "docx"), ("PDF", "pdf")):
        with page.expect_download() as dl:
            page.get_by_role("link", name=re.compile(f"Entwurf als {label}")).click()
        path = tmp_path / f"v2.{suffix}"
        dl.value.save_as(path)
        assert dl.value.suggested_filename == f"maintal-entwurf-v2.{suffix}"
        if suffix == "docx":
            import docx
            body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
            assert "Maintal" in body and "Ziele und Indikatoren" in body
        else:
            from pypdf import PdfReader
            reader = PdfReader(str(path))
            assert len(reader.pages) == pages
            assert "Maintal" in "".join(p.extract_text() for p in reader.pages[:2])

    # version 3: complete; compared with version 2, the last one with a draft
    fill(fresh(scaffold, workbook), sample_data("maintal"))
    upload(page, workbook)
    assert re.search(r"/v/3$", page.url)
    assert "9 von 9 Abschnitten sind ausgefüllt" in page.locator(".ok").inner_text()
    page.get_by_role("link", name="Änderungen gegenüber Version 2 ansehen").click()
    report = page.locator("body").inner_text()
    assert "Vergleich von Version 2 mit Version 3" in report
    assert "Ziele und Indikatoren" in report
    page.get_by_role("link", name=re.compile("Zurück zur Übersicht")).click()
    assert page.locator("table.versions tbody tr").count() == 3
    page.select_option("#alt", "2")
    page.select_option("#neu", "3")
    page.get_by_role("button", name="Vergleichen").click()
    assert "Vergleich von Version 2 mit Version 3" in page.locator("body").inner_text()
    assert not errors, errors  # no CSP refusal, no missing file, no script error
    context.close()


def test_a_town_uploads_its_draft_edited_in_word(browser, portal, axe_script, tmp_path):
    """The draft downloaded, edited in Word, uploaded through the same form: the page says in
    German what was taken over and what not, the updated workbook is offered; a .doc is refused
    on the page. axe-core finds nothing on either page."""
    _, token = portal["store"].add_town("Hanau")
    context = browser.new_context(accept_downloads=True, locale="de-DE", bypass_csp=True)  # axe is injected
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.goto(f"{portal['url']}/t/{token}/")
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("Arbeitsmappe für Hanau herunterladen")).click()
    workbook = tmp_path / "strategie.xlsx"
    dl.value.save_as(workbook)
    upload(page, fill(workbook, sample_data("maintal")))
    assert "Der Entwurf ist fertig" in page.locator("main").inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("Entwurf als Word-Datei")).click()
    draft = tmp_path / "entwurf.docx"
    dl.value.save_as(draft)
    edited = tmp_path / "hanau-entwurf-bearbeitet.docx"
    edited.write_bytes(edit_draft(draft.read_bytes(), {MEASURE: MEASURE.replace("regelmäßig", "monatlich")},
                                  comment=("Petra Beispiel", "Stimmt die Telefonnummer noch?"),
                                  new_measure="Sprachcafé im Stadtteilzentrum"))

    upload(page, edited)
    assert re.search(r"/v/2$", page.url)
    section = page.locator("section.absorbed")
    text = section.inner_text()
    assert "1 Änderung übernommen, 1 nicht übernommen, 1 Kommentar." in text
    taken = section.locator("ul.changes").first.locator("li")
    assert taken.count() == 1 and "Blatt „Maßnahmen“, Zeile 2, „Maßnahme“" in taken.inner_text()
    assert taken.locator("del").inner_text().endswith("regelmäßig") and taken.locator("ins").inner_text().endswith("monatlich")
    assert "Grund: Eine in Word hinzugefügte Tabelle oder Tabellenzeile wird nicht übernommen." in text
    assert "Petra Beispiel" in text and "Stimmt die Telefonnummer noch?" in text
    assert "Der Entwurf ist fertig" in page.locator("main").inner_text()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Aktualisierte Arbeitsmappe herunterladen (.xlsx)").click()
    assert dl.value.suggested_filename == "strategie-hanau-v2.xlsx"
    updated = tmp_path / "aktualisiert.xlsx"
    dl.value.save_as(updated)
    assert cell(updated.read_bytes(), "Maßnahmen", 2, "Maßnahme") == MEASURE.replace("regelmäßig", "monatlich")
    assert cell(workbook.read_bytes(), "Maßnahmen", 2, "Maßnahme") == MEASURE
    violations = {"version with edits from Word": _axe(page, axe_script)}

    old = tmp_path / "entwurf.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    page.goto(f"{portal['url']}/t/{token}/")
    page.set_input_files("#arbeitsmappe", str(old))
    page.get_by_role("button", name="Hochladen und Entwurf erstellen").click()
    alert = page.get_by_role("alert")
    assert "Die Datei wurde nicht angenommen" in alert.inner_text()
    assert "Word-Dokument im alten Format (.doc, Word 97–2003)" in alert.inner_text()
    assert page.locator("table.versions tbody tr").count() == 2
    assert "bearbeiteter Entwurf" in page.locator("table.versions tbody tr").first.inner_text()
    violations["draft refused"] = _axe(page, axe_script)
    assert not any(violations.values()), json.dumps(violations, indent=1, ensure_ascii=False)
    assert not errors, errors
    context.close()


def test_isolation_between_two_towns(portal):
    url, a, b = portal["url"], portal["maintal"], portal["rodgau"]
    store = portal["store"]
    town = store.find("Maintal")
    versions = [v.number for v in store.versions(town)] or [1]
    paths = ["/", "/arbeitsmappe.xlsx", "/vergleich?alt=1&neu=2"]
    for n in versions:
        paths += [f"/v/{n}", f"/v/{n}/entwurf.docx", f"/v/{n}/entwurf.pdf", f"/v/{n}/seite-1.png"]
    with httpx.Client(base_url=url) as client:
        own = client.get(f"/t/{a}/").text
        for path in paths:
            guessed = client.get(f"/t/{b}{path}")
            if path == "/" or path == "/arbeitsmappe.xlsx":
                assert guessed.status_code == 200  # B's own start page and workbook, not A's
                assert "Maintal" not in guessed.text if path == "/" else True
            else:
                assert guessed.status_code == 404, path
        # posting into A with B's form token is refused, as is B's upload of A's version numbers
        r = client.post(f"/t/{a}/hochladen", data={"csrf": _csrf(client.get(f"/t/{b}/").text)},
                        files={"arbeitsmappe": ("strategie.xlsx", b"PK")})
        assert r.status_code == 403
        assert _csrf(own) != _csrf(client.get(f"/t/{b}/").text)
        for guess in ("x" * 43, a[:-1] + ("A" if a[-1] != "A" else "B"), "../" + a):
            assert client.get(f"/t/{guess}/").status_code == 404


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _huge_sheet(path: Path) -> Path:
    from openpyxl import load_workbook
    book = load_workbook(path)
    ws = book["Netzwerke und Akteure"]
    for r in range(2, 20_010):
        ws.cell(row=r, column=1, value=f"Netzwerk {r}")
    book.save(path)
    return path


def test_hostile_workbooks_give_german_findings_on_the_page(browser, portal, tmp_path):
    page = browser.new_page(locale="de-DE")
    base = f"{portal['url']}/t/{portal['rodgau']}/"
    workbook = tmp_path / "huge.xlsx"
    with httpx.Client() as client:
        workbook.write_bytes(client.get(base + "arbeitsmappe.xlsx").content)
    cases = {
        "kein-zip.xlsx": (b"Das ist keine Arbeitsmappe.\n" * 20, "lässt sich nicht als Excel-Arbeitsmappe öffnen"),
        "bombe.xlsx": (_zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * 80_000_000}),
                       "Das ist keine gewöhnliche Arbeitsmappe"),
        "riesig.xlsx": (_huge_sheet(workbook).read_bytes(), "höchstens 20000 werden gelesen"),
    }
    for name, (data, expected) in cases.items():
        file = tmp_path / name
        file.write_bytes(data)
        page.goto(base)
        page.set_input_files("#arbeitsmappe", str(file))
        with page.expect_response(lambda r: "/hochladen" in r.url) as resp:
            page.get_by_role("button", name="Hochladen und Entwurf erstellen").click()
        assert resp.value.status < 500
        _wait_ready(page)
        text = page.locator("main").inner_text()
        assert expected in text, (name, text[:2000])
        assert "Noch kein Entwurf" in text and "Traceback" not in text
    page.close()


def test_twenty_uploads_at_once_all_finish(portal):
    url, token = portal["url"], portal["rodgau"]
    data = (ROOT / "inputs/kommunen/rodgau/strategie.xlsx").read_bytes()

    with httpx.Client(base_url=url, timeout=60) as client:
        csrf = _csrf(client.get(f"/t/{token}/").text)

        def one(n: int) -> str:
            r = client.post(f"/t/{token}/hochladen", data={"csrf": csrf},
                            files={"arbeitsmappe": (f"v{n}.xlsx", data)})
            assert r.status_code == 303, r.text[:500]
            return r.headers["location"]
        barrier = threading.Barrier(20)

        def at_once(n: int) -> str:
            barrier.wait()
            return one(n)
        with ThreadPoolExecutor(max_workers=20) as pool:  # sync Playwright owns this thread's event loop
            locations = list(pool.map(at_once, range(20)))
    assert len(set(locations)) == 20
    end = time.monotonic() + 900  # generous: CI machines may have two cores and other tests running
    pending = set(locations)
    with httpx.Client(base_url=url) as client:
        while pending and time.monotonic() < end:
            for loc in list(pending):
                page = client.get(loc).text
                if "Der Entwurf ist fertig" in page:
                    pending.discard(loc)
                assert "konnte nicht erstellt werden" not in page
            time.sleep(0.5)
    assert not pending, f"{len(pending)} of 20 uploads did not finish"


def test_a_restart_during_a_job_loses_nothing(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    town, token = store.add_town("Maintal")
    workbook = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()
    server = Server(data, workers=1).start()
    try:
        with httpx.Client(base_url=server.url) as client:
            csrf = _csrf(client.get(f"/t/{token}/").text)
            locations = [client.post(f"/t/{token}/hochladen", data={"csrf": csrf},
                                     files={"arbeitsmappe": ("strategie.xlsx", workbook)}).headers["location"]
                         for _ in range(3)]
        versions = store.versions(town)
        end = time.monotonic() + 120
        while time.monotonic() < end and not any(v.job().get("state") == "running" for v in versions):
            time.sleep(0.05)
        assert any(v.job().get("state") == "running" for v in versions)
        server.kill()  # mid-job, as a crash or a power cut would
        states = [v.job().get("state") for v in versions]
        assert "done" not in states[1:] and all(v.upload.is_file() for v in versions)
    finally:
        server.stop()
    server = Server(data, workers=1).start()
    try:
        end = time.monotonic() + 180
        while time.monotonic() < end and not all(v.job().get("state") in ("done", "failed") for v in versions):
            time.sleep(0.2)
        for v in versions:
            job = v.job()
            assert job["state"] in ("done", "failed"), job
            assert job["state"] == "done" or job["message"]
        with httpx.Client(base_url=server.url) as client:
            for loc in locations:
                assert client.get(loc).status_code == 200
    finally:
        server.stop()


def test_no_axe_violations_on_any_page(browser, portal, axe_script):
    url, a = portal["url"], portal["maintal"]
    store = portal["store"]
    town = store.find("Rodgau")
    versions = store.versions(town)
    page = browser.new_context(bypass_csp=True, locale="de-DE").new_page()  # axe is injected as a script
    pages = {"index": "/", "start": f"/t/{a}/", "not found": "/t/unknown/", "admin": f"/admin/{portal['admin']}/"}
    maintal = store.versions(store.find("Maintal"))
    if maintal:
        pages["version"] = f"/t/{a}/v/{maintal[-1].number}"
        pages["version with errors"] = f"/t/{a}/v/{maintal[0].number}"
        pages["version with placeholders"] = f"/t/{a}/v/{maintal[min(1, len(maintal) - 1)].number}"
    if len(maintal) >= 2:
        pages["comparison"] = f"/t/{a}/vergleich?alt={maintal[-2].number}&neu={maintal[-1].number}"
    rejected = [v for v in versions if (v.result() or {}).get("outcome") == "errors"]
    if rejected:
        pages["rejected upload"] = f"/t/{portal['rodgau']}/v/{rejected[0].number}"
    found = {}
    for name, path in pages.items():
        page.goto(url + path)
        violations = _axe(page, axe_script)
        if violations:
            found[name] = violations
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    assert len(pages) >= 4
