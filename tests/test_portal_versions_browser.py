"""A town's versions in Chromium against a real `brochure serve`: two uploads of the town's own
workbook, a name given on the version's page, the comparison and the Word file with tracked
changes from the town page's buttons, a version deleted through its confirmation; axe-core on
every page of the way."""

from __future__ import annotations

import copy
import io
import json
import shutil

import pytest

pytest.importorskip("httpx")
from docx import Document  # noqa: E402
from portal_server import Server, fill, sample_data  # noqa: E402
from test_portal_browser import ARGS, CHROMIUM, _axe, _playwright, axe_script, upload  # noqa: E402,F401

from pipeline.web.portal.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_a_town_names_compares_downloads_the_redline_and_deletes_a_version(browser, axe_script, tmp_path):  # noqa: F811
    store = Store(tmp_path / "data")
    _, token = store.add_town("Maintal")
    server = Server(tmp_path / "data", workers=1).start()
    try:
        context = browser.new_context(accept_downloads=True, locale="de-DE", bypass_csp=True)  # axe is injected
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        base = f"{server.url}/t/{token}/"
        page.goto(base)
        with page.expect_download() as dl:
            page.get_by_role("link", name="Arbeitsmappe für Maintal herunterladen (Excel, .xlsx)").click()
        scaffold = tmp_path / "vorlage.xlsx"
        dl.value.save_as(scaffold)
        first = sample_data("maintal")
        second = copy.deepcopy(first)
        measure = second["massnahmen"][0]
        old_text = measure["text"]
        measure["text"] = old_text + " (mit Kinderbetreuung)"
        gone = second["massnahmen"].pop(1)["text"]  # a measure taken out
        for n, data in enumerate((first, second), start=1):
            workbook = tmp_path / f"strategie-{n}.xlsx"
            shutil.copyfile(scaffold, workbook)
            fill(workbook, data)
            page.goto(base)
            upload(page, workbook)
            assert page.url.endswith(f"/v/{n}") and page.locator(".ok").count() == 1, page.content()[:2000]
        violations = {}

        # a name, given on the version's page
        page.fill("#versionsname", "Stand nach Ausschusssitzung")
        page.get_by_role("button", name="Namen speichern").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Version 2 „Stand nach Ausschusssitzung“")
        violations["version with its name"] = _axe(page, axe_script)

        # the comparison and the redline from the town page's form
        page.goto(base)
        assert "„Stand nach Ausschusssitzung“" in page.locator("table.versions").inner_text()
        page.select_option("#alt", "1")
        page.select_option("#neu", "2")
        with page.expect_download() as dl:
            page.get_by_role("button", name="Word-Datei mit den Änderungen herunterladen").click()
        redline = tmp_path / dl.value.suggested_filename
        dl.value.save_as(redline)
        assert redline.name == "maintal-aenderungen-v1-v2.docx"
        body = Document(io.BytesIO(redline.read_bytes())).element.body
        assert body.xpath(".//w:ins") and body.xpath(".//w:del")
        assert "(mit Kinderbetreuung)" in "".join(body.xpath(".//w:ins//w:t/text()"))
        assert gone in "".join(body.xpath(".//w:del//w:delText/text()"))
        page.get_by_role("button", name="Vergleichen").click()
        header = page.locator("header").inner_text()
        assert "Version 1 vom" in header and "Version 2 „Stand nach Ausschusssitzung“ vom" in header
        assert "Blatt „Maßnahmen“, Zeile 2" in page.content() and "massnahmen" not in page.content()
        violations["comparison"] = _axe(page, axe_script)

        # deleting version 1: asked first, then gone with its files
        folder = store.version(store.find("Maintal"), 1).folder
        page.goto(base + "v/1")
        page.get_by_role("link", name="Version 1 löschen …").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Version 1 löschen?"
        violations["delete confirmation"] = _axe(page, axe_script)
        page.get_by_role("link", name="Abbrechen").click()
        assert page.url.endswith("/v/1") and folder.is_dir()
        page.get_by_role("link", name="Version 1 löschen …").click()
        page.get_by_role("button", name="Version 1 endgültig löschen").click()
        assert page.url.endswith("/?geloescht=1")
        assert page.get_by_role("status").first.inner_text() == "Version 1 wurde gelöscht."
        assert not folder.exists() and [v.number for v in store.versions(store.find("Maintal"))] == [2]
        assert "Version 1" not in page.locator("table.versions").inner_text()
        violations["after deleting"] = _axe(page, axe_script)
        assert page.goto(base + "v/1").status == 404
        assert not errors
        found = {k: v for k, v in violations.items() if v}
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    finally:
        server.stop()
