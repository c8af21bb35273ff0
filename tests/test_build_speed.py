"""Rebuilds that reuse what did not change, and the live preview (issue 18).

Caches never change a byte: a cached and a cold build give identical files. Each cache is
invalidated exactly when it must be (a chart value, a photo, a renderer version, any input of a
build). No test here asserts a time."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import build_cache
from pipeline.render import artwork
from pipeline.render import pdf as render_pdf
from pipeline.render.artwork import Artwork, PictureCache
from pipeline.build import build, load
from pipeline.build_cache import cached_build
from pipeline.verify.read_back import read_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "halbzeitbilanz-2012"
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def caches(tmp_path, monkeypatch):
    """Picture and build caches in a folder of this test's own (the font copies stay shared)."""
    root = tmp_path / "cache"
    monkeypatch.setattr(artwork, "cache_root", lambda: root)
    monkeypatch.setattr(build_cache, "cache_root", lambda: root)
    return root


def _cold_typesetters(monkeypatch):
    """Forget this process's warm compilers, as a fresh process would have none."""
    monkeypatch.setattr(render_pdf, "_warm", {})


def _documents(out: Path, name: str) -> dict[str, bytes]:
    return {ext: (out / f"{name}.{ext}").read_bytes() for ext in ("docx", "pdf")}


def _edit_paragraph(edition: Path) -> None:
    md = edition / "text" / "evaluation.md"
    text = md.read_text(encoding="utf-8")
    assert "Modellregionen" in text
    md.write_text(text.replace("Modellregionen", "Modellregionen in Hessen", 1), encoding="utf-8")


def test_cached_and_warm_rebuilds_give_the_bytes_of_a_cold_build(sample_copy, tmp_path, caches, monkeypatch):
    name = sample_copy.name
    _cold_typesetters(monkeypatch)
    cold = cached_build(sample_copy, tmp_path / "cold", ("docx", "pdf"))  # empty caches, fresh compiler
    assert not cold.reused
    first = _documents(tmp_path / "cold", name)
    again = cached_build(sample_copy, tmp_path / "again", ("docx", "pdf"))  # nothing changed: the last build's files
    assert again.reused and [f.name for f in again.files] == [f.name for f in cold.files]
    assert _documents(tmp_path / "again", name) == first
    assert [f.to_dict() for f in again.warnings] == [f.to_dict() for f in cold.warnings]
    for fname in ("manifest.json", "content.json"):
        assert (tmp_path / "again" / fname).read_bytes() == (tmp_path / "cold" / fname).read_bytes()
    build(sample_copy, tmp_path / "warm")  # pictures from the cache, the compiler warm
    assert _documents(tmp_path / "warm", name) == first

    # one paragraph changed: the warm compiler (memo, last padding) and a cold one agree
    _edit_paragraph(sample_copy)
    warm = cached_build(sample_copy, tmp_path / "edit-warm", ("docx", "pdf"))
    assert not warm.reused
    _cold_typesetters(monkeypatch)
    monkeypatch.setenv("BROCHURE_CACHE", "off")  # no picture cache either
    build(sample_copy, tmp_path / "edit-cold")
    edited = _documents(tmp_path / "edit-cold", name)
    assert _documents(tmp_path / "edit-warm", name) == edited
    assert edited["pdf"] != first["pdf"]
    assert "Modellregionen in Hessen" in " ".join(read_pdf(edited["pdf"]).page_texts)


def _drawn(folder: Path, cache_dir: Path) -> int:
    """How many pictures a fresh process would have to make for FOLDER, given the cache on disk."""
    loaded = load(folder)
    art = Artwork.of(loaded.edition.folder, loaded.edition.template, PictureCache(cache_dir))
    for target in ("pdf", "docx"):
        art.all(loaded.document, target)
    return art.cache.drawn


def test_pictures_are_redrawn_exactly_when_their_inputs_or_renderers_change(sample_copy, tmp_path, monkeypatch):
    cache_dir = tmp_path / "artwork"
    pictures = _drawn(sample_copy, cache_dir)
    assert pictures == 10  # 2 charts and 3 photos, each for the PDF and the DOCX
    assert _drawn(sample_copy, cache_dir) == 0  # unchanged: all reused

    data = sample_copy / "data" / "kassel_altersgruppen.csv"
    data.write_text(data.read_text(encoding="utf-8-sig").replace("50;50", "51;49", 1), encoding="utf-8")
    assert _drawn(sample_copy, cache_dir) == 2  # that chart, as SVG and PNG

    photo = sample_copy / "images" / "wirkungsannahmen.png"
    from PIL import Image
    with Image.open(photo) as im:
        im.convert("RGB").rotate(180).save(photo)  # replaced by another picture under the same name
    assert _drawn(sample_copy, cache_dir) == 2  # that photo, for print and for Word
    assert _drawn(sample_copy, cache_dir) == 0

    versions = artwork.renderer_versions()
    monkeypatch.setattr(artwork, "renderer_versions", lambda: versions.replace("typst=", "typst=0"))
    assert _drawn(sample_copy, cache_dir) == pictures  # another renderer version: everything redrawn


def test_a_cached_picture_has_the_bytes_of_a_fresh_drawing(sample_loaded, tmp_path):
    ed = sample_loaded.edition
    fresh = Artwork.of(ed.folder, ed.template, PictureCache(None))
    cached = Artwork.of(ed.folder, ed.template, PictureCache(tmp_path))
    for target in ("pdf", "docx"):
        cached.all(sample_loaded.document, target)  # fills the cache on disk
        again = Artwork.of(ed.folder, ed.template, PictureCache(tmp_path)).all(sample_loaded.document, target)
        assert again == fresh.all(sample_loaded.document, target)


def test_the_build_cache_is_not_used_when_any_input_or_option_changed(sample_copy, tmp_path, caches, monkeypatch):
    def reused(**kw) -> bool:
        return cached_build(sample_copy, tmp_path / "out", kw.get("formats", ("docx", "pdf")),
                            kw.get("allow_missing", False)).reused

    key = build_cache.build_key(sample_copy, ("docx", "pdf"), False)
    assert key == build_cache.build_key(sample_copy, ("docx", "pdf"), False)
    assert not reused() and reused()
    contacts = sample_copy / "data" / "contacts.csv"
    contacts.write_bytes(contacts.read_bytes().replace(b"787-21 32", b"787-21 45"))
    assert not reused() and reused()
    assert build_cache.build_key(sample_copy, ("pdf",), False) != build_cache.build_key(sample_copy, ("docx", "pdf"), False)
    assert build_cache.build_key(sample_copy, ("docx", "pdf"), True) != build_cache.build_key(sample_copy, ("docx", "pdf"), False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_cache.build_key(sample_copy, ("docx", "pdf"), False) != key
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (sample_copy / "images" / "neu.txt").write_text("x")  # even a file the edition does not use
    assert not reused()


def test_a_damaged_build_cache_entry_is_built_again(sample_copy, tmp_path, caches):
    cached_build(sample_copy, tmp_path / "out", ("docx", "pdf"))
    built = (tmp_path / "out" / f"{sample_copy.name}.pdf").read_bytes()
    entry = next((caches / "builds").iterdir())
    pdf = entry / "files" / f"{sample_copy.name}.pdf"
    pdf.write_bytes(built[:-100])
    result = cached_build(sample_copy, tmp_path / "out", ("docx", "pdf"))
    assert not result.reused
    assert (tmp_path / "out" / f"{sample_copy.name}.pdf").read_bytes() == built


# -- the live preview: a real server on a loopback port ---------------------------------------------
httpx = pytest.importorskip("httpx")
from portal_server import free_port  # noqa: E402


@pytest.fixture
def preview(sample_copy, tmp_path):
    port = free_port()
    log = open(tmp_path / "preview.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "preview", str(sample_copy), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        yield client, sample_copy, proc
    finally:
        client.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _status_when(client, test, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            status = client.get("/status").json()
            if test(status):
                return status
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the preview did not get there in time")


def _pdf_text(client) -> str:
    r = client.get("/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    return " ".join(read_pdf(r.content).page_texts)


def test_the_preview_serves_the_pdf_and_shows_an_edit_and_bad_input(preview):
    client, edition, proc = preview
    first = _status_when(client, lambda s: s["pdf_version"] >= 1 and not s["building"])
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="de">' in page.text
    assert "Vorschau: Vielfalt ist Hessens Zukunft!" in page.text
    assert 'src="/pdf?v=' in page.text and "Befunde" in page.text
    assert "W-EMPTY-CELL" in page.text  # the sample's warnings are listed
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "Modellregionen in Hessen" not in _pdf_text(client)

    _edit_paragraph(edition)
    _status_when(client, lambda s: s["pdf_version"] > first["pdf_version"])
    good = client.get("/pdf").content
    assert "Modellregionen in Hessen" in " ".join(read_pdf(good).page_texts)

    # bad input: the findings on the page, no traceback, the last good PDF still served
    quotes = edition / "data" / "quotes.csv"
    lines = quotes.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index("speaker")] = ""
    quotes.write_text("\n".join([lines[0], ";".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    broken = _status_when(client, lambda s: s["errors"] > 0 and not s["building"])
    assert broken["pdf_version"] >= 2
    assert client.get("/pdf").content == good
    page = client.get("/").text
    assert "E-EMPTY-CELL" in page and "Fehler" in page and "Traceback" not in page
    assert "letzte fehlerfreie PDF" in page
    assert "E-EMPTY-CELL" in client.get("/befunde").text
    assert proc.poll() is None

    # fixed routes only: nothing from a request becomes a path
    for path in ("/static/../preview.py", "/static/preview.py", "/..%2fpipeline%2fcli.py", "/pdf/../../etc/passwd"):
        assert client.get(path).status_code == 404, path


def test_the_preview_page_passes_axe_core_in_a_browser(preview):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci in tests/browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    client, edition, _ = preview
    first = _status_when(client, lambda s: s["pdf_version"] >= 1 and not s["building"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_context(locale="de-DE", bypass_csp=True).new_page()  # axe is injected inline
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(str(client.base_url) + "/")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("o => axe.run(document, o)",
                                   {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            assert [v["id"] for v in result["violations"]] == []
            # an edit reaches the open tab by itself: a new PDF in the frame, the status updated
            _edit_paragraph(edition)
            page.wait_for_function(f"document.getElementById('pdf').src.endsWith('v={first['pdf_version'] + 1}')",
                                   timeout=120_000)
            assert re.search(r"PDF Nr\. \d+", page.locator("#stand").inner_text())
            assert errors == []
        finally:
            browser.close()
