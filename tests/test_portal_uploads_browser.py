"""Texts and photos uploaded in Chromium against a real server, as a town would: the forms on
the town's page, the draft built from them, a refused picture, axe-core on each page."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from pipeline.web.portal.store import Store

httpx = pytest.importorskip("httpx")
from docx import Document  # noqa: E402
from PIL import Image  # noqa: E402
from portal_server import Server  # noqa: E402
from test_portal_browser import ARGS, AXE, CHROMIUM, _axe, _playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ALT = "Kinder verschiedener Herkunft malen gemeinsam an einem großen Tisch"


@pytest.fixture
def axe() -> Path:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci in tests/browser)")
    return AXE


def _submit(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/v/\d+$"))


def _built(store: Store, town, count: int) -> None:
    end = time.monotonic() + 300
    while time.monotonic() < end:
        versions = store.versions(town)
        if len(versions) == count and versions[-1].job().get("state") in ("done", "failed"):
            return
        time.sleep(0.2)
    raise AssertionError(f"version {count} was not built: {[v.job() for v in store.versions(town)]}")


def test_a_town_adds_its_vorwort_and_a_photo_in_the_browser(tmp_path, axe):
    sync_playwright = _playwright()
    store = Store(tmp_path / "data")
    town, token = store.add_town("Rodgau")
    doc = Document()
    doc.add_paragraph("Liebe Rodgauerinnen und Rodgauer, Vielfalt ist unsere Stärke.")
    doc.save(tmp_path / "Vorwort Bürgermeister.docx")
    Image.new("RGB", (600, 400), (200, 160, 60)).save(tmp_path / "kita.jpg")
    (tmp_path / "zeichnung.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    server = Server(tmp_path / "data", workers=1).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(locale="de-DE", bypass_csp=True)  # for axe-core's script only
            base = f"{server.url}/t/{token}/"
            page.goto(base)
            assert "Sobald Sie die Arbeitsmappe hochgeladen haben" in page.content()
            page.set_input_files("#arbeitsmappe", str(ROOT / "inputs/kommunen/rodgau/strategie.xlsx"))
            _submit(page, "Hochladen und Entwurf erstellen")
            _built(store, town, 1)

            page.goto(base)
            page.get_by_label("Abschnitt", exact=True).select_option(label="1. Einleitende Worte der Verwaltungsführung")
            page.set_input_files("#text-datei", str(tmp_path / "Vorwort Bürgermeister.docx"))
            _submit(page, "Text hochladen")
            _built(store, town, 2)

            page.goto(base)
            page.set_input_files("#foto-datei", str(tmp_path / "kita.jpg"))
            page.get_by_label("Abschnitt, in dem das Foto erscheint").select_option(label="4. Partizipative und sozialräumliche Zugänge")
            page.get_by_label("Bildunterschrift").fill("Malaktion in der Kita")
            page.get_by_label("Alternativtext (Pflichtfeld)").fill(ALT)
            _submit(page, "Foto hochladen")
            _built(store, town, 3)
            page.reload()
            newest = store.versions(town)[-1]
            assert newest.result()["outcome"] in ("ready", "warnings")

            assert "Neues Foto für „4. Partizipative und sozialräumliche Zugänge“" in page.locator("p.status").inner_text()
            assert _axe(page, axe) == []  # the version's page
            page.goto(base)
            assert page.get_by_role("cell", name=ALT).is_visible()
            assert _axe(page, axe) == []

            # an SVG is refused, on the page, in German, and keeps nothing
            page.set_input_files("#foto-datei", str(tmp_path / "zeichnung.svg"))
            page.get_by_label("Alternativtext (Pflichtfeld)").fill("Eine Zeichnung")
            page.get_by_role("button", name="Foto hochladen").click()
            alert = page.get_by_role("alert")
            assert "Bitte laden Sie ein Foto im Format JPEG (.jpg) oder PNG (.png) hoch." in alert.inner_text()
            assert _axe(page, axe) == []
            assert len(store.versions(town)) == 3

            pdf = httpx.get(f"{base}v/{newest.number}/entwurf.pdf", timeout=30).content
            from pypdf import PdfReader
            text = " ".join(" ".join((pg.extract_text() or "").split()) for pg in PdfReader(io.BytesIO(pdf)).pages)
            assert "Vielfalt ist unsere Stärke" in text and "Malaktion in der Kita" in text
            browser.close()
    finally:
        server.stop()
