"""Screenshots of the portal for docs/portal.md, from headless Chromium against a real server.

    .venv/bin/python tools/make_portal_screenshots.py

Starts `brochure serve` with a temporary data folder, adds Maintal, uploads the sample workbook
with a mistake, then with the goals missing, then complete, and photographs each page into
docs/img/portal-*.png. Needs /usr/bin/chromium and the playwright package (test extra).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from portal_server import Server, fill, sample_data, with_mistakes  # noqa: E402

from pipeline.web.portal.store import Store  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = ROOT / "docs" / "img"


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="portal-shots-"))
    store = Store(tmp / "data")
    for name in ("Maintal", "Rodgau", "Viernheim"):
        _, token = store.add_town(name)
        if name == "Maintal":
            maintal = token
    admin = store.new_admin_token()
    server = Server(tmp / "data", workers=2).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_context(viewport={"width": 1100, "height": 800}, locale="de-DE",
                                       accept_downloads=True).new_page()
            base = f"{server.url}/t/{maintal}/"
            page.goto(base)
            page.screenshot(path=OUT / "portal-start.png", full_page=True)
            with page.expect_download() as dl:
                page.get_by_role("link", name="Arbeitsmappe für Maintal herunterladen (Excel, .xlsx)").click()
            scaffold = tmp / "vorlage.xlsx"
            dl.value.save_as(scaffold)
            wrong = with_mistakes(sample_data("maintal"))
            steps = [("portal-fehler.png", wrong), ("portal-entwurf.png", None), ("portal-fertig.png", sample_data())]
            for shot, data in steps:
                if data is None:
                    wrong["stammdaten"]["email"] = "integrationsbeauftragte@maintal.de"
                    data = wrong
                workbook = tmp / "strategie.xlsx"
                shutil.copyfile(scaffold, workbook)
                fill(workbook, data)
                page.goto(base)
                page.set_input_files("#arbeitsmappe", str(workbook))
                page.get_by_role("button", name="Hochladen und Entwurf erstellen").click()
                if shot == "portal-fehler.png":
                    page.screenshot(path=OUT / "portal-in-arbeit.png")
                page.wait_for_selector(".ok, .alert", timeout=120_000)
                page.screenshot(path=OUT / shot, full_page=True)
            page.fill("#versionsname", "Stand nach Ausschusssitzung")
            page.get_by_role("button", name="Namen speichern").click()
            page.locator("form.rename").screenshot(path=OUT / "portal-versionsname.png")
            page.get_by_role("link", name="Änderungen gegenüber Version 2 ansehen").click()
            page.screenshot(path=OUT / "portal-vergleich.png")
            page.goto(base + "v/1/loeschen")
            page.screenshot(path=OUT / "portal-loeschen.png")
            page.goto(base)
            page.screenshot(path=OUT / "portal-versionen.png", full_page=True)
            page.goto(f"{server.url}/admin/{admin}/")
            page.screenshot(path=OUT / "portal-uebersicht.png", full_page=True)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('portal-*.png')))}")


if __name__ == "__main__":
    main()
