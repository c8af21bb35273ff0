"""Texts and photos uploaded to the portal, driven as a town would (TestClient, real workers):
a Vorwort as Markdown and a chapter's text as a Word file reach the draft's PDF; a photo with
GPS EXIF is stored without metadata and printed with its alt text; hostile files are refused
in German; nothing reaches another town. Also the CLI's side: fotos.yaml in a draft folder."""

from __future__ import annotations

import io
import re
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from docx import Document  # noqa: E402
from PIL import ExifTags, Image  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.drafts.draft import check_draft  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RODGAU = ROOT / "inputs/kommunen/rodgau"
WORKBOOK = (RODGAU / "strategie.xlsx").read_bytes()
ALT = "Menschen verschiedener Herkunft sitzen an einem langen Tisch im Bürgerhaus"
CAPTION = "Dialogforum im Bürgerhaus, Frühjahr 2019"
LOGO_ALT = "Wappen der Stadt Rodgau"


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _wait(version, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if version.job().get("state") in ("done", "failed"):
            return version.job()
        time.sleep(0.1)
    raise AssertionError(f"job still {version.job()}")


def post(client, token, what: str, files: dict, data: dict | None = None, csrf_of: str | None = None):
    page = client.get(f"/t/{csrf_of or token}/").text
    return client.post(f"/t/{token}/{what}", data={"csrf": csrf(page), **(data or {})}, files=files,
                       follow_redirects=False)


def gps_jpeg() -> bytes:
    """A photo as a phone makes it: EXIF with the camera, the time and the GPS position."""
    im = Image.new("RGB", (640, 480), (40, 110, 170))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    exif[ExifTags.Base.DateTime] = "2019:04:12 10:11:12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 5.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (8.0, 51.0, 10.0)
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's own premise
    return data


def logo_png(colour: str) -> bytes:
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    im.paste(Image.new("RGBA", (120, 120), colour), (40, 40))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def word_text() -> bytes:
    doc = Document()
    doc.add_heading("Vielfalt als Aufgabe der Verwaltung", level=1)
    p = doc.add_paragraph("Die Stadt versteht Integration als ")
    p.add_run("Querschnittsaufgabe").bold = True
    p.add_run(" aller Ämter und ")
    p.add_run("nicht als Sonderaufgabe").italic = True
    p.add_run(".")
    doc.add_paragraph("Sprachförderung in den Kitas", style="List Bullet")
    doc.add_paragraph("Interkulturelle Öffnung des Bürgerbüros", style="List Bullet")
    doc.add_paragraph("Ein Satz mit *Sternchen* und [Klammern] bleibt, wie er ist.")
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "Tabellenzelle"  # left out, and the page says so
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def png_bomb() -> bytes:
    """A small PNG whose header claims 50,000 × 50,000 pixels (7.5 GB once decoded)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = zlib.compress(b"\x00" * (1 + 50_000 * 3) * 20, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def figure_alts(pdf: bytes) -> list[str]:
    """The Alt of every Figure in the PDF's structure tree."""
    from pypdf import PdfReader
    found: list[str] = []

    def walk(node, depth=0):
        node = node.get_object() if hasattr(node, "get_object") else node
        if depth > 60:
            return
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                walk(kids, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)
    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture
def towns(tmp_path):
    store = Store(tmp_path)
    _, rodgau = store.add_town("Rodgau")
    _, maintal = store.add_town("Maintal")
    with TestClient(create_app(tmp_path, workers=1)) as client:
        yield client, store, rodgau, maintal


def test_texts_and_a_photo_reach_the_draft_and_no_other_town(towns):
    client, store, token, other = towns
    for t in (token, other):
        # Rodgau's workbook for Maintal too: confirmed as a town would on the refusal page
        r = client.post(f"/t/{t}/hochladen", data={"csrf": csrf(client.get(f"/t/{t}/").text), "andere_kommune": "ja"},
                        files={"arbeitsmappe": ("strategie.xlsx", WORKBOOK)}, follow_redirects=False)
        assert r.status_code == 303
    rodgau, maintal = store.find("Rodgau"), store.find("Maintal")
    for v in (*store.versions(rodgau), *store.versions(maintal)):
        assert _wait(v)["state"] == "done"

    vorwort = "Liebe Bürgerinnen und Bürger,\n\nunsere Stadt lebt von **Vielfalt** und Begegnung.\n"
    r = post(client, token, "text", {"text": ("Vorwort final (2).md", vorwort.encode())}, {"abschnitt": "vorwort"})
    assert r.status_code == 303
    r = post(client, token, "text", {"text": ("../../aufgabe.docx", word_text())}, {"abschnitt": "aufgabe"})
    assert r.status_code == 303
    r = post(client, token, "foto", {"foto": ("../IMG_2041.JPG", gps_jpeg())},
             {"abschnitt": "zugaenge", "bildunterschrift": CAPTION, "alternativtext": ALT})
    assert r.status_code == 303
    for colour in ("red", "green"):  # the second logo replaces the first
        r = post(client, token, "foto", {"foto": ("Wappen.PNG", logo_png(colour))},
                 {"abschnitt": "logo", "alternativtext": f"{LOGO_ALT} ({colour})"})
        assert r.status_code == 303
    versions = store.versions(rodgau)
    assert len(versions) == 6
    newest = versions[-1]
    assert _wait(newest)["state"] == "done", newest.job()
    assert newest.result()["outcome"] in ("ready", "warnings"), newest.result()

    folder = newest.input_folder  # the names the CLI reads, never the uploaded ones
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "aufgabe.md", "fotos.yaml", "fotos/foto-1.jpg", "fotos/logo.png", "strategie.xlsx", "vorwort.md"]
    assert (folder / "fotos.yaml").read_text(encoding="utf-8").count("abschnitt: logo") == 1
    with Image.open(folder / "fotos/logo.png") as im:
        assert im.mode == "RGBA" and im.getpixel((100, 100))[:3] == (0, 128, 0)  # the green one, still transparent
        assert im.getpixel((0, 0))[3] == 0
    assert (folder / "vorwort.md").read_text(encoding="utf-8") == vorwort
    markdown = (folder / "aufgabe.md").read_text(encoding="utf-8")
    assert "## Vielfalt als Aufgabe der Verwaltung" in markdown
    assert "**Querschnittsaufgabe**" in markdown and "*nicht als Sonderaufgabe*" in markdown
    assert "- Sprachförderung in den Kitas\n- Interkulturelle Öffnung des Bürgerbüros" in markdown
    assert r"\*Sternchen\*" in markdown and r"\[Klammern\]" in markdown and "Tabellenzelle" not in markdown

    stored = (folder / "fotos/foto-1.jpg").read_bytes()
    assert b"Exif" not in stored and b"Testkamera" not in stored and b"2019:04:12" not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert im.format == "JPEG" and im.size == (640, 480)
        assert not im.getexif() and "exif" not in im.info and "icc_profile" not in im.info

    pdf = client.get(f"/t/{token}/v/{newest.number}/entwurf.pdf")
    from pypdf import PdfReader
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for needle in ("unsere Stadt lebt von Vielfalt und Begegnung", "Vielfalt als Aufgabe der Verwaltung",
                   "Querschnittsaufgabe", "Sprachförderung in den Kitas", "Ein Satz mit *Sternchen* und [Klammern]",
                   CAPTION):
        assert needle in text, needle
    alts = figure_alts(pdf.content)
    assert ALT in alts and f"{LOGO_ALT} (green)" in alts and f"{LOGO_ALT} (red)" not in alts
    docx = Document(io.BytesIO(client.get(f"/t/{token}/v/{newest.number}/entwurf.docx").content))
    descrs = [d.get("descr") for d in docx.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                                                             "wordprocessingDrawing}docPr")]
    assert ALT in descrs and f"{LOGO_ALT} (green)" in descrs

    page = client.get(f"/t/{token}/").text
    assert ALT in page and "· Foto" in page and "· Text" in page
    status = re.search(r'<p class="status">(.*?)</p>', client.get(f"/t/{token}/v/{versions[2].number}").text, re.S)
    assert " ".join(status.group(1).split()) == (
        "Neuer Text für „2. Vielfalt und Integration als kommunale Aufgabe“ aus der Datei „../../aufgabe.docx“. "
        "Aus der Word-Datei nicht übernommen: 1 Tabelle (Fotos laden Sie einzeln auf der Startseite hoch). "
        "Alles andere ist wie in Version 2.")
    # the other town: none of it, on disk or on its page
    assert len(store.versions(maintal)) == 1
    assert not list(store.versions(maintal)[0].input_folder.glob("*.md"))
    assert not (store.versions(maintal)[0].input_folder / "fotos").exists()
    assert ALT not in client.get(f"/t/{other}/").text

    # a new workbook takes the texts and photos along: they are not in it
    r = client.post(f"/t/{token}/hochladen", data={"csrf": csrf(page)},
                    files={"arbeitsmappe": ("strategie.xlsx", WORKBOOK)}, follow_redirects=False)
    assert r.status_code == 303
    again = store.versions(rodgau)[-1].input_folder
    assert (again / "fotos/foto-1.jpg").read_bytes() == stored and (again / "vorwort.md").is_file()


def refused(r, status: int, german: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert "Die Datei wurde nicht angenommen" in r.text and german in r.text, r.text[:2000]


def test_hostile_files_are_refused_in_german_and_keep_nothing(towns):
    client, store, token, other = towns
    rodgau = store.find("Rodgau")
    photo = {"abschnitt": "vorwort", "bildunterschrift": "", "alternativtext": ALT}
    # before any workbook: nothing to add a text to
    refused(post(client, token, "text", {"text": ("vorwort.md", b"Text")}, {"abschnitt": "vorwort"}), 400,
            "Laden Sie zuerst die ausgefüllte Arbeitsmappe hoch.")
    store.new_version(rodgau, WORKBOOK, "strategie.xlsx")  # a version to add to (its build is not needed here)
    before = len(store.versions(rodgau))
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 1000
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    refused(post(client, token, "foto", {"foto": ("bild.png", png_bomb())}, photo), 400, "Das Bild ist zu groß")
    refused(post(client, token, "foto", {"foto": ("rathaus.jpg", pdf)}, photo), 400,
            "Die Datei ist kein Foto im Format JPEG oder PNG")
    refused(post(client, token, "foto", {"foto": ("logo.svg", svg)}, photo), 400,
            "Bitte laden Sie ein Foto im Format JPEG (.jpg) oder PNG (.png) hoch.")
    refused(post(client, token, "foto", {"foto": ("logo.png", svg)}, photo), 400,
            "Die Datei ist kein Foto im Format JPEG oder PNG")
    refused(post(client, token, "foto", {"foto": ("rathaus.jpg", gps_jpeg())}, {**photo, "alternativtext": "  "}),
            400, "Bitte geben Sie einen Alternativtext ein.")
    refused(post(client, token, "foto", {"foto": ("rathaus.jpg", gps_jpeg())}, {**photo, "abschnitt": "../../etc"}),
            400, "Bitte wählen Sie den Abschnitt")
    refused(post(client, token, "text", {"text": ("vorwort.docx", pdf)}, {"abschnitt": "vorwort"}), 400,
            "Die Datei ist kein Word-Dokument (.docx)")
    refused(post(client, token, "text", {"text": ("vorwort.md", pdf)}, {"abschnitt": "vorwort"}), 400,
            "Die Datei ist keine Textdatei")
    refused(post(client, token, "text", {"text": ("vorwort.pdf", pdf)}, {"abschnitt": "vorwort"}), 400,
            "Bitte laden Sie den Text als Word-Dokument (Endung .docx) oder als Markdown-Datei (Endung .md) hoch.")
    refused(post(client, token, "text", {"text": ("vorwort.md", "Grüße".encode("cp1252"))}, {"abschnitt": "vorwort"}),
            400, "nicht in UTF-8")
    client.app.state.portal.max_upload = 50_000
    refused(post(client, token, "foto", {"foto": ("gross.jpg", b"\xff\xd8\xff" + b"x" * 300_000)}, photo), 413,
            "Die Datei ist zu groß: erlaubt sind höchstens")
    client.app.state.portal.max_upload = 10_000_000
    # CSRF: none, and town B's form token posted into town A
    r = client.post(f"/t/{token}/foto", data=photo, files={"foto": ("a.jpg", gps_jpeg())})
    assert r.status_code == 403 and "Formular" in r.text
    assert post(client, token, "foto", {"foto": ("a.jpg", gps_jpeg())}, photo, csrf_of=other).status_code == 403
    assert client.post("/t/falsch/foto", data=photo, files={"foto": ("a.jpg", gps_jpeg())}).status_code == 404
    assert len(store.versions(rodgau)) == before  # nothing was kept
    assert not list(rodgau.folder.glob(".*"))  # and no scratch folder left behind


def test_a_draft_folder_reads_fotos_yaml_as_the_cli_does(tmp_path):
    folder = tmp_path / "rodgau"
    shutil.copytree(RODGAU, folder)
    (folder / "fotos").mkdir()
    Image.new("RGB", (40, 30), "white").save(folder / "fotos" / "a.jpg")
    (folder / "fotos.yaml").write_text(
        "- {datei: a.jpg, abschnitt: vorwort, bildunterschrift: Eins, alternativtext: Ein weißes Bild}\n"
        "- {datei: a.jpg, abschnitt: nirgends, alternativtext: x}\n"
        "- {datei: a.jpg, abschnitt: aufgabe}\n"
        "- {datei: fehlt.jpg, abschnitt: aufgabe, alternativtext: x}\n"
        "- {datei: ../strategie.xlsx, abschnitt: aufgabe, alternativtext: x}\n"
        "- {datei: a.jpg, abschnitt: logo, alternativtext: Wappen}\n", encoding="utf-8")
    found = [(f.code, f.location.column) for f in check_draft(folder) if f.location.file == "fotos.yaml"]
    assert found == [("E-BAD-VALUE", "[2].abschnitt"), ("E-ALT-TEXT", "[3].alternativtext"),
                     ("E-MISSING-FILE", "[4].datei"), ("E-MISSING-FILE", "[5].datei")]


def test_a_photo_is_removed_into_a_new_version(towns):
    client, store, token, other = towns
    rodgau = store.find("Rodgau")
    store.new_version(rodgau, WORKBOOK, "strategie.xlsx")  # a version to add to (its build is not needed here)
    for name, section in (("a.jpg", "vorwort"), ("b.jpg", "aufgabe")):
        r = post(client, token, "foto", {"foto": (name, gps_jpeg())},
                 {"abschnitt": section, "bildunterschrift": name, "alternativtext": f"{ALT} {name}"})
        assert r.status_code == 303
    page = client.get(f"/t/{token}/").text
    assert 'aria-label="Foto „a.jpg“ entfernen"' in page
    for bad in ("0", "3", "../1", "1e0", ""):
        r = client.post(f"/t/{token}/foto-entfernen", data={"csrf": csrf(page), "foto": bad})
        assert r.status_code == 400 and "Dieses Foto gibt es im neuesten Entwurf nicht mehr." in r.text
    assert client.post(f"/t/{token}/foto-entfernen", data={"csrf": csrf(client.get(f"/t/{other}/").text),
                                                           "foto": "1"}).status_code == 403
    r = client.post(f"/t/{token}/foto-entfernen", data={"csrf": csrf(page), "foto": "1"}, follow_redirects=False)
    assert r.status_code == 303
    versions = store.versions(rodgau)
    assert len(versions) == 4
    kept = versions[-1].input_folder
    assert sorted(p.name for p in (kept / "fotos").iterdir()) == ["foto-2.jpg"]
    assert "b.jpg" in (kept / "fotos.yaml").read_text(encoding="utf-8")
    assert "a.jpg" not in (kept / "fotos.yaml").read_text(encoding="utf-8")
    assert (versions[-2].input_folder / "fotos/foto-1.jpg").is_file()  # the version before keeps its files
    assert f"{ALT} a.jpg" not in client.get(f"/t/{token}/").text


def test_a_caption_edited_in_word_goes_back_into_fotos_yaml(tmp_path):
    from pipeline.absorb.run import absorb
    from pipeline.drafts.draft import build_draft
    folder = tmp_path / "rodgau"
    shutil.copytree(RODGAU, folder)
    (folder / "fotos").mkdir()
    Image.new("RGB", (80, 60), "white").save(folder / "fotos" / "a.jpg")
    (folder / "fotos.yaml").write_text("- datei: a.jpg\n  abschnitt: aufgabe\n  bildunterschrift: Das Rathaus im Sommer\n"
                                       "  alternativtext: Ein weißes Bild\n", encoding="utf-8")
    result = build_draft(folder, tmp_path / "out")
    docx = next(p for p in result.files if p.suffix == ".docx")
    doc = Document(docx)
    caption = next(p for p in doc.paragraphs if p.text == "Das Rathaus im Sommer")
    caption.runs[0].text = "Das Rathaus im Winter"
    for run in caption.runs[1:]:
        run.text = ""
    doc.save(tmp_path / "bearbeitet.docx")
    absorb(folder, [tmp_path / "bearbeitet.docx"], apply=True)
    assert 'bildunterschrift: "Das Rathaus im Winter"' in (folder / "fotos.yaml").read_text(encoding="utf-8")
