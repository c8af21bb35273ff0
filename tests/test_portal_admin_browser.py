"""The ministry's staff in a real browser (Playwright on the system Chromium, a real server):
a town added, its link used, the overview sorted and exported, a town's findings and draft
opened, a link shown again and revoked (dead at once); the legal pages reached from a town's
footer. axe-core finds no WCAG 2.1 A/AA violation on any of these pages."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from pipeline.web.portal.store import Store

httpx = pytest.importorskip("httpx")
from portal_server import Server  # noqa: E402
from test_portal_browser import ARGS, AXE, CHROMIUM, _axe, _playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = os.environ.get("PORTAL_ADMIN_SHOTS")  # a folder: keep a screenshot of each page checked

LEGAL = '''
[betreiber]
name = "Hessisches Ministerium für Familie, Senioren, Sport, Gesundheit und Pflege"
anschrift = """Sonnenberger Straße 2/2a
65193 Wiesbaden"""
telefon = "0611 3219-0"
email = "poststelle@hmfg.example"

[barrierefreiheit]
vereinbarkeit = "teilweise"
nicht_barrierefrei = ["Die Vorschaubilder der Seiten eines Entwurfs haben keinen Text; der Entwurf selbst ist als PDF und Word-Datei zugänglich."]
kontakt = """Referat Barrierefreie IT
Sonnenberger Straße 2/2a, 65193 Wiesbaden"""
kontakt_email = "barrierefreiheit@hmfg.example"

[hilfe]
stelle = "Referat V 3 – Integration, Frau Petra Beispiel"
email = "strategie@hmfg.example"
telefon = "0611 3219-3456"
'''


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
        pytest.skip("axe-core is not installed (npm ci in tests/browser)")
    return AXE


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A server whose Maintal has a draft (version 1) and a refused upload (version 2)."""
    data = tmp_path_factory.mktemp("admin") / "data"
    store = Store(data)
    _, maintal = store.add_town("Maintal")
    store.add_town("Rodgau")
    admin = store.new_admin_token()
    (data / "rechtliches.toml").write_text(LEGAL, encoding="utf-8")
    server = Server(data, workers=1).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            token = _csrf(client.get(f"/t/{maintal}/").text)
            for name, body in (("strategie.xlsx", (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()),
                               ("kaputt.xlsx", b"keine Arbeitsmappe\n" * 50)):
                r = client.post(f"/t/{maintal}/hochladen", data={"csrf": token}, files={"arbeitsmappe": (name, body)})
                assert r.status_code == 303
        town = store.find("Maintal")
        end = time.monotonic() + 300
        while time.monotonic() < end and store.versions(town)[0].job().get("state") != "done":
            time.sleep(0.3)
        assert store.versions(town)[0].job().get("state") == "done"
        yield {"url": server.url, "store": store, "admin": admin, "maintal": maintal}
    finally:
        server.stop()


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _go(page, click) -> None:
    """A click that loads a page, waited for: what is read next is the new page."""
    with page.expect_navigation():
        click()


def _names(page) -> list[str]:
    return [t.strip() for t in page.locator("table.admin tbody th").all_inner_texts()]


def test_the_ministrys_staff_in_the_browser(browser, portal, axe_script, tmp_path):
    url, admin = portal["url"], portal["admin"]
    context = browser.new_context(accept_downloads=True, locale="de-DE", bypass_csp=True)  # axe is injected
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    violations: dict[str, list] = {}

    def check(name: str) -> None:
        _shot(page, name)
        found = _axe(page, axe_script)
        if found:
            violations[name] = found

    page.goto(f"{url}/admin/{admin}/")
    assert page.locator("h1").inner_text() == "Übersicht der Kommunen"
    check("overview")

    # a new town: its link is shown once and opens its space
    page.get_by_label("Neue Kommune").fill("Hanau")
    _go(page, lambda: page.get_by_role("button", name="Kommune anlegen und Link ausstellen").click())
    assert "Der Link für Hanau ist ausgestellt" in page.locator("main").inner_text()
    link = page.locator("p.link code").inner_text()
    assert link.startswith(f"{url}/t/")
    check("link shown")
    town = context.new_page()
    town.goto(link)
    assert town.locator("h1").inner_text() == "Strategie-Entwurf: Hanau"
    assert "/admin" not in town.content()

    # the overview, sorted by clicking the headers, and exported
    _go(page, lambda: page.get_by_role("link", name="Zurück zur Übersicht").click())
    assert _names(page) == ["Hanau", "Maintal", "Rodgau"]
    _go(page, lambda: page.get_by_role("link", name=re.compile("^Kommune")).click())
    assert _names(page) == ["Rodgau", "Maintal", "Hanau"]
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
    _go(page, lambda: page.get_by_role("link", name=re.compile("^Fehler")).click())
    assert _names(page)[0] == "Maintal"  # the refused upload has errors; the others nothing yet
    _go(page, lambda: page.get_by_role("link", name=re.compile("^Stand")).click())
    assert _names(page)[0] == "Maintal" and "Nicht erstellt" in page.locator("table.admin tbody tr").first.inner_text()
    check("overview sorted")
    with page.expect_download() as dl:
        page.get_by_role("link", name=re.compile("Übersicht als CSV herunterladen")).click()
    assert dl.value.suggested_filename == "kommunen-uebersicht.csv"
    path = tmp_path / "uebersicht.csv"
    dl.value.save_as(path)
    body = path.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Kommune;Kennung;Link;") and lines[1].startswith("Maintal;maintal;aktiv;2;")

    # a town's findings and its draft
    _go(page, lambda: page.get_by_role("link", name="Maintal", exact=True).click())
    assert page.locator("table.versions tbody tr").count() == 2
    check("town")
    _go(page, lambda: page.get_by_role("link", name="Version 2").click())
    assert "Kein Entwurf" in page.locator("main").inner_text()
    assert "lässt sich nicht als Excel-Arbeitsmappe öffnen" in page.locator("table.findings").inner_text()
    check("version with errors")
    _go(page, lambda: page.get_by_role("link", name="Maintal").click())
    _go(page, lambda: page.get_by_role("link", name="Version 1").click())
    assert "9 von 9 Abschnitten ausgefüllt" in page.locator("main").inner_text()
    check("version with draft")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Entwurf als PDF herunterladen").click()
    assert dl.value.suggested_filename == "maintal-entwurf-v1.pdf"
    pdf = tmp_path / "entwurf.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # Hanau's link shown again, then revoked: dead at once in the town's open tab
    page.goto(f"{url}/admin/{admin}/")
    _go(page, lambda: page.get_by_role("link", name="Hanau", exact=True).click())
    _go(page, lambda: page.get_by_role("button", name="Link noch einmal anzeigen").click())
    assert page.locator("p.link code").inner_text() == link
    _go(page, lambda: page.get_by_role("link", name="Hanau").click())
    _go(page, lambda: page.get_by_role("button", name="Link sperren …").click())
    assert page.locator("h1").inner_text() == "Link von Hanau sperren?"
    check("revoke confirmation")
    _go(page, lambda: page.get_by_role("button", name="Ja, Link von Hanau sperren").click())
    assert "ist gesperrt" in page.get_by_role("status").inner_text()
    check("town revoked")
    assert town.reload().status == 404
    assert "nicht mehr gültig" in town.locator("main").inner_text()

    # the legal pages, from the footer of a town's page, with the ministry's values
    page.goto(f"{url}/t/{portal['maintal']}/")
    expected = {"Impressum": "Sonnenberger Straße 2/2a", "Datenschutz": "Art. 6 Abs. 1 Buchst. e DSGVO",
                "Barrierefreiheit": "barrierefreiheit@hmfg.example", "Hilfe und Kontakt": "Frau Petra Beispiel"}
    for label, text in expected.items():
        page.goto(f"{url}/t/{portal['maintal']}/")
        _go(page, page.locator("footer").get_by_role("link", name=label, exact=True).click)
        assert text in page.locator("main").inner_text(), label
        assert "[" not in page.locator("h1").inner_text()
        check(label)
    assert "teilweise vereinbar" in page.goto(f"{url}/barrierefreiheit").text()
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)
    assert not errors, errors
    context.close()
