"""The page of a version in the making, in a real browser (Playwright on the system Chromium)
against a real server: axe-core finds nothing on it, its aria-live region follows the job
without a reload, and the result appears in place with the focus on its heading
(issue 30, defect 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("httpx")
from portal_server import Server  # noqa: E402
import test_portal_browser as shared  # noqa: E402

browser, axe_script, _axe = shared.browser, shared.axe_script, shared._axe  # the browser tests' fixtures

from pipeline.web.portal.store import Store, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()
FINDING = {"severity": "error", "code": "E-BAD-EMAIL", "message": "'x' is not a valid e-mail address", "hint": "",
           "location": {"file": "strategie.xlsx", "sheet": "Stammdaten", "row": 9, "column": "E-Mail"},
           "args": {"value": "x"}}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    data = tmp_path_factory.mktemp("live") / "data"
    store = Store(data)
    _, token = store.add_town("Maintal")
    server = Server(data, workers=1).start()
    yield server, store, token
    server.stop()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def _waiting_version(store: Store, token: str):
    """A version the running server does not know of: it stays queued until the test moves it on."""
    version = store.new_version(store.town_for_token(token), MAINTAL, "strategie.xlsx")
    write_json(version.folder / "job.json", {"state": "queued", "message": "", "attempts": 0})
    return version


@pytest.mark.parametrize("with_axe", [False, True], ids=["csp-enforced", "axe"])
def test_the_in_progress_page_updates_its_live_region_and_shows_the_result_without_a_reload(
        browser, axe_script, live, with_axe):
    """Once with the page's CSP enforced (the script breaks no rule of it: a violation is a console
    error), once with axe-core injected, which needs the CSP bypassed."""
    server, store, token = live
    version = _waiting_version(store, token)
    page = browser.new_context(locale="de-DE", bypass_csp=with_axe).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(f"{server.url}/t/{token}/v/{version.number}")
    region = page.locator("#stand")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    assert region.inner_text() == "Ihr Auftrag wartet in der Warteschlange."
    assert page.locator("meta[http-equiv]").count() == 0
    assert page.get_by_role("button", name="Status aktualisieren").is_visible()
    assert page.get_by_text("Das Ergebnis erscheint hier von selbst").is_visible()  # the script runs
    if with_axe:
        assert _axe(page, axe_script) == []
    page.evaluate("window.__stillHere = true")

    write_json(version.folder / "job.json", {"state": "running", "message": "", "attempts": 1})
    expect(region).to_have_text("Ihr Entwurf wird gerade erstellt.", timeout=15_000)
    assert page.evaluate("window.__stillHere") is True

    write_json(version.folder / "result.json", {"outcome": "errors", "pages": None, "seconds": 1, "errors": 1,
                                                "warnings": 0, "findings": [FINDING], "sections": []})
    write_json(version.folder / "job.json", {"state": "done", "message": "", "attempts": 1})
    page.wait_for_selector("#ergebnis", timeout=15_000)
    assert page.evaluate("window.__stillHere") is True  # shown in place, not reloaded
    assert loads == [page.url]
    assert page.evaluate("document.activeElement.id") == "ergebnis"
    assert "Noch kein Entwurf" in page.locator("#ergebnis").inner_text()
    assert page.locator("table.findings").count() == 1
    assert page.locator("[data-status-url]").count() == 0
    assert page.get_by_role("button", name="Hochladen und Entwurf erstellen").is_visible()
    if with_axe:
        assert _axe(page, axe_script) == []
    assert errors == []


def test_without_javascript_the_button_asks_again(browser, live):
    server, store, token = live
    version = _waiting_version(store, token)
    page = browser.new_context(locale="de-DE", java_script_enabled=False).new_page()
    page.goto(f"{server.url}/t/{token}/v/{version.number}")
    assert page.get_by_text("sobald Sie den Stand aktualisieren").is_visible()
    write_json(version.folder / "job.json", {"state": "failed", "message": "Zeit überschritten.", "attempts": 2})
    page.get_by_role("button", name="Status aktualisieren").click()
    page.wait_for_selector("#ergebnis")
    assert "konnte nicht erstellt werden" in page.locator("#ergebnis").inner_text()
