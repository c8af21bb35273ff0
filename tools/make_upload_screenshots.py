"""Screenshots of the portal's texts and photos for docs/portal.md, from headless Chromium
against a real server.

    .venv/bin/python tools/make_upload_screenshots.py

Starts `brochure serve` with a temporary data folder, adds Rodgau, uploads its sample workbook,
then a Vorwort (.md) and a photo with caption and alt text through the forms, and photographs
the town's page (docs/img/portal-texte-fotos.png) and the draft's PDF page with the photo
(docs/img/portal-foto-im-entwurf.png). Needs /usr/bin/chromium and the playwright package.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image, ImageDraw  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from portal_server import Server  # noqa: E402

from pipeline.web.portal.store import Store  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = ROOT / "docs" / "img"
VORWORT = ("Liebe Bürgerinnen und Bürger,\n\nRodgau ist vielfältig. Diese Strategie beschreibt, wie wir "
           "**gemeinsam** gute Nachbarschaft gestalten.\n")


def photo(path: Path) -> None:
    im = Image.new("RGB", (1200, 800), (214, 228, 240))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 560, 1200, 800), fill=(120, 160, 90))
    d.rectangle((380, 250, 820, 600), fill=(190, 90, 70))
    d.polygon([(350, 250), (600, 90), (850, 250)], fill=(110, 50, 40))
    for x in (430, 560, 690):
        d.rectangle((x, 330, x + 80, 420), fill=(240, 240, 220))
    im.save(path, "JPEG", quality=88)


def wait_done(store: Store, town) -> None:
    end = time.monotonic() + 300
    while time.monotonic() < end:
        versions = store.versions(town)
        if versions and versions[-1].job().get("state") in ("done", "failed"):
            return
        time.sleep(0.3)
    raise RuntimeError("the draft was not built in time")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="portal-upload-shots-"))
    store = Store(tmp / "data")
    town, token = store.add_town("Rodgau")
    shutil.copyfile(ROOT / "inputs/kommunen/rodgau/strategie.xlsx", tmp / "strategie.xlsx")
    (tmp / "vorwort.md").write_text(VORWORT, encoding="utf-8")
    photo(tmp / "rathaus.jpg")
    server = Server(tmp / "data", workers=1).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_context(viewport={"width": 1100, "height": 800}, locale="de-DE").new_page()
            base = f"{server.url}/t/{token}/"
            page.goto(base)
            page.set_input_files("#arbeitsmappe", str(tmp / "strategie.xlsx"))
            page.get_by_role("button", name="Hochladen und Entwurf erstellen").click()
            wait_done(store, town)
            page.goto(base)
            page.select_option("#text-abschnitt", label="1. Einleitende Worte der Verwaltungsführung")
            page.set_input_files("#text-datei", str(tmp / "vorwort.md"))
            page.get_by_role("button", name="Text hochladen").click()
            wait_done(store, town)
            page.goto(base)
            page.set_input_files("#foto-datei", str(tmp / "rathaus.jpg"))
            page.select_option("#foto-abschnitt", label="1. Einleitende Worte der Verwaltungsführung")
            page.fill("#foto-unterschrift", "Das Rathaus von Rodgau")
            page.fill("#foto-alt", "Ein rotes Rathaus mit spitzem Dach und drei hellen Fenstern auf einer Wiese")
            page.get_by_role("button", name="Foto hochladen").click()
            wait_done(store, town)
            page.goto(base)
            page.locator("section.texts-photos").screenshot(path=OUT / "portal-texte-fotos.png")
            v = store.versions(town)[-1]
            pdf = page.request.get(f"{base}v/{v.number}/entwurf.pdf").body()
            import pypdfium2
            doc = pypdfium2.PdfDocument(pdf)
            doc[2].render(scale=100 / 72).to_pil().save(OUT / "portal-foto-im-entwurf.png")
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("written:", OUT / "portal-texte-fotos.png", OUT / "portal-foto-im-entwurf.png")


if __name__ == "__main__":
    main()
