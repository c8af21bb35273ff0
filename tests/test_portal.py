"""The portal without a browser: headers, CSRF, upload limits, path handling, job recovery, an
edited draft taken back into a new version's workbook."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from docx import Document  # noqa: E402
from draft_edits import MEASURE, cell, edit_draft, paragraphs, with_property  # noqa: E402
from editions import TABLES, TEXTS, write_edition  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.build import check as check_edition  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.drafts.draft import check_draft, draft_template  # noqa: E402
from pipeline.drafts.scaffold import init_draft  # noqa: E402
from pipeline.drafts.workbook_fill import fill_workbook  # noqa: E402
from pipeline.absorb.run import absorb  # noqa: E402
from pipeline.errors import Finding, InputError, Location, error, group_findings  # noqa: E402
from pipeline.web.portal.absorb_de import WHY  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.findings_de import CATALOGUE, GENERAL, german  # noqa: E402
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


def upload(client, token, data: bytes, name="strategie.xlsx", token_for_csrf=None, other_town=False):
    """OTHER_TOWN: confirm that another town's workbook is to be used (else it is refused)."""
    page = client.get(f"/t/{token_for_csrf or token}/").text
    form = {"csrf": csrf(page), **({"andere_kommune": "ja"} if other_town else {})}
    return client.post(f"/t/{token}/hochladen", data=form, files={"arbeitsmappe": (name, data)}, follow_redirects=False)


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
    assert r.status_code == 413 and "Die Datei ist zu groß: erlaubt sind höchstens" in r.text
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
            r = upload(client, token, data, other_town=data is MAINTAL)
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


# -- the findings in German: from real workbooks through the real checks ------------------------
_, LAYOUT = draft_template()
BAD_DATES = ["2013–2010", "31.02.2020", "13.13.2012", "Winter 2012", "bald", "12.04.1800", "5./7. Februar 2010",
             "2012/14"]  # in sheet Beteiligung, rows 2–9


def field_row(name: str) -> int:
    """The row of an entry of sheet Stammdaten (Angabe | Wert) in a new workbook."""
    return [c.name for c in LAYOUT.sheet("stammdaten").columns].index(name) + 2


AFTER_FIELDS = field_row(LAYOUT.sheet("stammdaten").columns[-1].name) + 1  # the first row below them


def bad_values(folder: Path) -> None:
    """A mistake in many cells, typed as people type them into a new workbook."""
    path = init_draft("Teststadt", folder, LAYOUT)
    fill_workbook(path, LAYOUT, {
        "stammdaten": {"email": "rathaus.de", "phone": "ruf an", "population": "viele", "as_of": "2019"},
        "bevoelkerung": [{"group": "Insgesamt", "label": "a", "value": "NaN"},
                         {"group": "Insgesamt", "label": "b", "value": "123456789012345678"},
                         {"group": "Insgesamt", "label": "c", "value": "1,5", "unit": "Stück"},
                         {"group": "Insgesamt", "label": "d", "value": "1,5", "as_of": "gestern"}],
        "handlungsfelder": [{"number": "1", "title": "Bildung"}, {"number": "1", "title": "Sprache"},
                            {"number": "x", "title": "Arbeit"}, {"number": "1.2.3.4.5", "title": "Wohnen"},
                            {"number": "8.1", "title": "Sport"}],
        "massnahmen": [{"field": "7", "text": "Sprachcafé", "horizon": "kurzfristig"},
                       {"field": "1", "text": "Lesepaten", "horizon": "bald"},
                       {"field": "1", "text": "", "horizon": "kurzfristig"}],
        "beteiligung": [{"date": date, "format": "Workshop"} for date in BAD_DATES],
        "leitlinien": [{"kind": "Vision", "text": "FÃ¼r alle Menschen."}],
    })
    book = load_workbook(path)
    fields = book["Handlungsfelder"]  # rows 7 and 8: cells as Excel makes them
    fields.append([2.5, "Dezimal"])
    fields.append([dt.datetime(2001, 1, 8), "Integration"])  # what German Excel makes of 8.1.1
    book["Stammdaten"].append(["Kommune", "Zweitstadt"])
    book["Stammdaten"].append(["Lieblingsfarbe", "blau"])
    book["Texte"].append(["Unser Vorwort", "Ein Text."])
    book.save(path)
    (folder / "aufgabe.md").write_text("Fragen an info@teststadt.\n", encoding="utf-8")


def bad_structure(folder: Path) -> None:
    """Sheets and headings changed, cells merged, a formula and an error value."""
    path = init_draft("Teststadt", folder, LAYOUT)
    fill_workbook(path, LAYOUT, {"massnahmen": [{"field": "1", "text": "Sprachcafé", "horizon": "kurzfristig"},
                                                {"field": "1", "text": "Lesepaten", "horizon": "kurzfristig"}]})
    book = load_workbook(path)
    book.create_sheet("Notizen")["A1"] = "nur für uns"
    del book["Netzwerke und Akteure"]
    book["Leitlinien"].sheet_state = "hidden"
    book["Leitlinien"]["D1"] = "Text *"  # column C's heading again
    book["Evaluation und Monitoring"]["B1"] = "Thema"  # a required heading overwritten
    measures = book["Maßnahmen"]
    measures.merge_cells("C2:C3")
    measures["D2"] = "#N/A"
    measures["E2"] = "=1+1"  # openpyxl saves no result, as a program that does not compute
    book.save(path)


def too_wide(folder: Path) -> None:
    path = init_draft("Teststadt", folder, LAYOUT)
    book = load_workbook(path)
    book.create_sheet("Notizen").cell(row=1, column=201).value = "x"
    book.save(path)


def control_character(folder: Path) -> None:
    init_draft("Teststadt", folder, LAYOUT)
    (folder / "aufgabe.md").write_text("Ein \x07 Text.\n", encoding="utf-8")


def long_title(folder: Path) -> None:
    """A chapter renamed in sheet Texte with 10,000 characters (it once gave a false E-TOC-PAGE)."""
    path = init_draft("Teststadt", folder, LAYOUT)
    book = load_workbook(path)
    sheet = book["Texte"]
    column = [c.value for c in sheet[1]].index("Überschrift") + 1
    sheet.cell(row=2, column=column).value = "Integration " * 834  # 10,008 characters
    book.save(path)


def bad_photos(folder: Path) -> None:
    """fotos.yaml naming a section the draft has not and a photo that is not there."""
    init_draft("Teststadt", folder, LAYOUT)
    (folder / "fotos.yaml").write_text("- {datei: fehlt.jpg, abschnitt: aufgabe, alternativtext: Ein Foto}\n"
                                       "- {datei: a.jpg, abschnitt: anhang, alternativtext: Ein Foto}\n", encoding="utf-8")


def zip_bomb(folder: Path) -> None:
    folder.mkdir()
    (folder / LAYOUT.file).write_bytes(_zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * 60_000_000}))


def bad_edition(folder: Path) -> list[Finding]:
    """An edition (the live preview shows its findings in German too): the checks only it runs."""
    tables = copy.deepcopy(TABLES)
    tables["contacts"][0].update(email="peggy.niering(at)stadt-kassel.de", web="stadt kassel")
    tables["contacts"][1]["city"] = "Offenbach"  # and 'Offenbach am Main' in row 4
    tables["contacts"][2].update(id="c-kassel", city="Offenbach am Main")
    tables["quotes"][0]["speaker"] = ""
    tables["photos"][0]["id"] = "Foto Kassel"
    tables["charts"] = [{"id": "ch-bezirke", "chapter": "offenbach", "kind": "classes", "data": "bezirke",
                         "title": "Anteil nach Bezirken", "classes": "30; 40; 50"}]
    tables["bezirke"] = [{"Bezirk": "Zentrum", "Anteil": "74,1"}]
    tables["quotes"][0]["text"] = " ".join(["Vielfalt"] * 4000)  # 35,999 characters in one cell
    tables["notizen"] = [{"Notiz": "x"}] * 20_001
    texts = {**TEXTS, "text/konzeption.md": "TODO: mehr über Ofenbach.\n"}
    return check_edition(write_edition(folder, tables, texts))[1]


def blank_entries(folder: Path) -> None:
    """No Kommune and no contact at all: the hints say which rows of Stammdaten to fill in."""
    path = init_draft("Teststadt", folder, LAYOUT)
    book = load_workbook(path)
    for row in book["Stammdaten"].iter_rows(min_row=2):
        if str(row[0].value).rstrip(" *") in ("Kommune", "Verantwortliche Stelle", "Ansprechperson", "E-Mail", "Telefon"):
            row[1].value = None
    book.save(path)


DRAFTS = {"values": bad_values, "structure": bad_structure, "wide": too_wide, "control": control_character,
          "bomb": zip_bomb, "title": long_title, "photos": bad_photos, "blank": blank_entries}


def _absorb_findings(root: Path, with_errors: Path) -> list[Finding]:
    """What `brochure absorb` refuses, as the portal gets it: an old .doc, a PDF named .docx, a
    broken and an oversized zip, another document, a copy of sources no longer kept, sources
    with errors (WITH_ERRORS, a draft folder that has some)."""
    folder = root / "absorb" / "teststadt"
    init_draft("Teststadt", folder, LAYOUT)
    from pipeline.drafts.draft import build_draft
    built = next(p for p in build_draft(folder, root / "absorb-out").files if p.suffix == ".docx")
    stale = root / "stale.docx"
    stale.write_bytes(with_property(built.read_bytes(), "brochure-sources", "0" * 32))
    other = root / "other.docx"
    Document().save(other)
    files = {"old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "pdf.docx": b"%PDF-1.7\n" + b"x" * 100,
             "broken.docx": _zip({"word/styles.xml": b"<x/>"}), "bomb.docx": _zip({"word/document.xml": b"\0" * 20_000_000})}
    for name, data in files.items():
        (root / name).write_bytes(data)
    found = []
    for path, into in [*((root / name, folder) for name in files), (root / "missing.docx", folder), (other, folder),
                       (stale, folder), (stale, with_errors)]:
        try:
            absorb(into, [path])
        except InputError as exc:
            found += exc.findings
        else:
            raise AssertionError(f"absorb took {path.name}")
    return found


@pytest.fixture(scope="module")
def real_findings(tmp_path_factory) -> dict[str, list[Finding]]:
    """Each workbook's findings as `brochure check` gives them; 'edition' for the edition."""
    root = tmp_path_factory.mktemp("findings")
    found = {}
    for name, make in DRAFTS.items():
        make(root / name)
        found[name] = check_draft(root / name)
    found["edition"] = bad_edition(root / "edition")
    found["absorb"] = _absorb_findings(root, root / "values")
    return found


S = "Stammdaten"
GERMAN = [  # (findings of, code, sheet or file, row, column): the German message
    (("blank", "E-EMPTY-CELL", S, field_row("municipality"), "Kommune"), "Die Angabe „Kommune“ fehlt."),
    (("blank", "W-EMPTY-SECTION", S, None, "Ansprechperson"),
     "Der Abschnitt „Kontakt“ ist noch leer; im Entwurf steht ein Platzhalter."),
    (("values", "E-BAD-EMAIL", S, field_row("email"), "E-Mail"), "„rathaus.de“ ist keine gültige E-Mail-Adresse."),
    (("values", "E-BAD-PHONE", S, field_row("phone"), "Telefon"), "„ruf an“ ist keine gültige Telefonnummer."),
    (("values", "E-BAD-VALUE", S, field_row("population"), "Einwohner*innen"),
     "„viele“ ist keine Zahl in deutscher Schreibweise."),
    (("values", "E-BAD-VALUE", S, field_row("as_of"), "Stand"), "„2019“ ist eine Jahreszahl, kein Datum."),
    (("values", "E-DUPLICATE-FIELD", S, AFTER_FIELDS, "Angabe"),
     f"„Kommune“ steht zweimal im Blatt (Zeilen 2 und {AFTER_FIELDS})."),
    (("values", "W-UNKNOWN-COLUMN", S, AFTER_FIELDS + 1, "Angabe"),
     "„Lieblingsfarbe“ ist keine bekannte Angabe und wird nicht verwendet."),
    (("values", "W-EXAMPLE-VALUE", S, field_row("contact"), "Ansprechperson"),
     "„Ansprechperson“ enthält noch den Beispielwert „Erika Muster“ aus der leeren Arbeitsmappe; er erscheint "
     "nicht im Entwurf."),
    (("values", "E-BAD-VALUE", "Bevölkerung", 2, "Wert"), "„NaN“ ist keine Zahl."),
    (("values", "E-BAD-VALUE", "Bevölkerung", 3, "Wert"), "„123456789012345678“ ist eine zu große Zahl."),
    (("values", "E-BAD-VALUE", "Bevölkerung", 4, "Einheit"), "„Stück“ ist keiner der erlaubten Werte."),
    (("values", "E-BAD-VALUE", "Bevölkerung", 5, "Stand"), "„gestern“ ist kein Datum."),
    (("values", "E-DUPLICATE-ID", "Handlungsfelder", 3, "Nr."), "Das Handlungsfeld 1 ist schon in Zeile 2 vergeben."),
    (("values", "E-BAD-VALUE", "Handlungsfelder", 4, "Nr."), "„x“ ist keine Nummer eines Handlungsfelds."),
    (("values", "E-BAD-VALUE", "Handlungsfelder", 5, "Nr."), "„1.2.3.4.5“ hat mehr als 4 Ebenen."),
    (("values", "W-MISSING-GROUP", "Handlungsfelder", None, "Nr."),
     "Für die Gruppe 8 (über 8.1) gibt es keine Zeile; ihre Überschrift fehlt im Entwurf."),
    (("values", "E-BAD-VALUE", "Handlungsfelder", 7, "Nr."),
     "„2.5“ ist eine Dezimalzahl; Excel kann 8.1 nicht von 8.10 unterscheiden."),
    (("values", "E-EXCEL-DATE", "Handlungsfelder", 8, "Nr."),
     "Excel hat aus der Eingabe (vermutlich „8.1.1“) das Datum 08.01.2001 gemacht."),
    (("values", "E-UNKNOWN-REF", "Maßnahmen", 2, "Handlungsfeld Nr."), "Es gibt kein Handlungsfeld 7."),
    (("values", "E-BAD-VALUE", "Maßnahmen", 3, "Zeithorizont"), "„bald“ ist keiner der erlaubten Werte."),
    (("values", "E-EMPTY-CELL", "Maßnahmen", 4, "Maßnahme"), "Pflichtangabe „Maßnahme“ fehlt."),
    (("values", "E-BAD-VALUE", "Beteiligung", 2, "Datum"), "„2013–2010“: Das Ende liegt vor dem Anfang."),
    (("values", "E-BAD-VALUE", "Beteiligung", 3, "Datum"),
     "„31.02.2020“ gibt es nicht: Der Monat 2/2020 hat keinen 31. Tag."),
    (("values", "E-BAD-VALUE", "Beteiligung", 4, "Datum"), "„13.13.2012“ gibt es nicht: Es gibt keinen Monat 13."),
    (("values", "E-BAD-VALUE", "Beteiligung", 5, "Datum"), "„Winter 2012“ ist nicht eindeutig."),
    (("values", "E-BAD-VALUE", "Beteiligung", 6, "Datum"), "„bald“ ist keine Datumsangabe, die der Entwurf lesen kann."),
    (("values", "E-BAD-VALUE", "Beteiligung", 7, "Datum"), "„12.04.1800“: Das Jahr 1800 liegt nicht zwischen 1900 und 2100."),
    (("values", "E-BAD-VALUE", "Beteiligung", 8, "Datum"),
     "„5./7. Februar 2010“: Die Tage vor und nach „/“ müssen aufeinander folgen (5./6.)."),
    (("values", "E-BAD-VALUE", "Beteiligung", 9, "Datum"),
     "„2012/14“: Die Jahre vor und nach „/“ müssen aufeinander folgen (2012/13)."),
    (("values", "E-MOJIBAKE", "Leitlinien", 2, "Text"), "„FÃ¼r“ sieht nach falsch kodiertem Text aus."),
    (("values", "E-BAD-VALUE", "Texte", 11, "Abschnitt"), "„Unser Vorwort“ ist keiner der erlaubten Werte."),
    (("values", "E-BAD-EMAIL", "aufgabe.md", 1, None), "„info@teststadt“ ist keine gültige E-Mail-Adresse."),
    (("title", "E-TOO-LARGE", "Texte", 2, "Überschrift"),
     "Der Kapiteltitel aus dieser Zeile hat 10007 Zeichen; erlaubt sind höchstens 300."),
    (("structure", "W-UNKNOWN-TABLE", "Notizen", None, None),
     "Das Blatt „Notizen“ gehört nicht zur Arbeitsmappe und wird nicht gedruckt."),
    (("structure", "W-MISSING-SHEET", "Netzwerke und Akteure", None, None),
     "Das Blatt „Netzwerke und Akteure“ fehlt; sein Abschnitt erscheint als Platzhalter."),
    (("structure", "W-EMPTY-SECTION", "Netzwerke und Akteure", None, None),
     "Der Abschnitt „Netzwerke und Akteurinnen/Akteure“ ist noch leer; im Entwurf steht ein Platzhalter."),
    (("structure", "W-HIDDEN-SHEET", "Leitlinien", None, None),
     "Das Blatt „Leitlinien“ ist ausgeblendet; seine Zeilen werden trotzdem verwendet."),
    (("structure", "E-DUPLICATE-COLUMN", "Leitlinien", 1, "Text"), "Die Überschrift „Text *“ steht in den Spalten C und D."),
    (("structure", "E-MISSING-COLUMN", "Evaluation und Monitoring", 1, None), "Die Spalte „Gegenstand“ fehlt."),
    (("structure", "W-UNKNOWN-COLUMN", "Evaluation und Monitoring", 1, "Thema"),
     "Die Spalte „Thema“ ist unbekannt und wird nicht verwendet."),
    (("structure", "E-MERGED-CELLS", "Maßnahmen", 2, "Zeithorizont"),
     "Die Zellen C2:C3 sind verbunden; nur die erste enthält einen Wert."),
    (("structure", "E-BAD-VALUE", "Maßnahmen", 2, "Verantwortlich"), "Die Zelle zeigt Excels Fehlerwert #N/A."),
    (("structure", "E-FORMULA", "Maßnahmen", 2, "Indikator"), "Die Formel =1+1 hat kein gespeichertes Ergebnis."),
    (("wide", "E-TOO-LARGE", "Notizen", None, None), "Das Blatt hat 201 Spalten; höchstens 200 werden gelesen."),
    (("control", "E-INVALID-CHAR", "aufgabe.md", 1, None),
     "Der Text enthält ein unsichtbares Steuerzeichen: U+0007 (control character) at position 5."),
    (("edition", "E-BAD-EMAIL", "data/contacts.csv", 2, "email"),
     "„peggy.niering(at)stadt-kassel.de“ ist keine gültige E-Mail-Adresse."),
    (("edition", "E-BAD-URL", "data/contacts.csv", 2, "web"), "„stadt kassel“ ist keine gültige Internetadresse."),
    (("edition", "E-DUPLICATE-ID", "data/contacts.csv", 4, "id"), "„c-kassel“ ist schon in Zeile 2 vergeben."),
    (("edition", "E-BAD-ID", "data/photos.csv", 2, "id"), "„Foto Kassel“ ist keine gültige Kennung."),
    (("edition", "E-EMPTY-CELL", "data/quotes.csv", 2, "speaker"), "Pflichtangabe „speaker“ fehlt."),
    (("edition", "E-BAD-VALUE", "data/bezirke.csv", 2, "Anteil"), "74,1 liegt außerhalb der Klassen des Diagramms."),
    (("edition", "W-NAME-VARIANT", "data/contacts.csv", 4, "city"),
     "„Offenbach am Main“ und „Offenbach“ sehen nach zwei Schreibweisen desselben Namens aus."),
    (("edition", "W-NAME-VARIANT", "text/konzeption.md", 1, None),
     "„Ofenbach“ sieht nach einem Tippfehler für „Offenbach“ aus."),
    (("edition", "E-PLACEHOLDER", "text/konzeption.md", 1, None), "Ein Platzhalter ist stehen geblieben: „TODO“."),
    (("edition", "E-TOO-LARGE", "data/quotes.csv", 2, "text"),
     "Die Zelle enthält 35999 Zeichen; erlaubt sind höchstens 32767."),
    (("edition", "E-TOO-LARGE", "data/notizen.csv", None, None), "Das Blatt hat 20001 Zeilen; höchstens 20000 werden gelesen."),
]


def found_at(findings: list[Finding], code: str, where: str, row: int | None, column: str | None) -> Finding:
    """The one finding of CODE at a sheet (or, without one, a file), row and column."""
    at = [f for f in findings if f.code == code and where in (f.location.sheet or f.location.file)
          and (f.location.row, f.location.column) == (row, column)]
    assert len(at) == 1, (code, where, row, column, [str(f) for f in findings if f.code == code])
    return at[0]


@pytest.mark.parametrize("place, expected", GERMAN, ids=[f"{p[1]}-{p[2]}-{p[3]}" for p, _ in GERMAN])
def test_real_findings_are_german_with_the_values_from_the_workbook(real_findings, place, expected):
    book, *at = place
    de = german(found_at(real_findings[book], *at))
    assert de.known and de.message == expected
    assert "{" not in de.message + de.hint


def test_the_hints_for_an_empty_kommune_and_contact_name_the_rows_of_stammdaten(real_findings):
    """The Kommune row is filled in, never deleted; the contact lives in Stammdaten, not in Texte
    (which has no Kontakt row), as the CLI's hint says."""
    kommune = german(found_at(real_findings["blank"], "E-EMPTY-CELL", S, field_row("municipality"), "Kommune"))
    assert "löschen Sie" not in kommune.hint and "„Kommune“" in kommune.hint and "„Wert“" in kommune.hint
    contact = found_at(real_findings["blank"], "W-EMPTY-SECTION", S, None, "Ansprechperson")
    assert "Texte" not in german(contact).hint and "Stammdaten" in german(contact).hint
    assert "Texte" not in contact.hint and "Stammdaten" in contact.hint
    for row in ("Verantwortliche Stelle", "Ansprechperson", "E-Mail", "Telefon"):
        assert f"„{row}“" in german(contact).hint


def test_every_finding_of_the_real_workbooks_has_german_text_from_its_args(real_findings):
    """Every finding the workbooks above give has German text; one with args gets its form's text,
    not the general one it would get without them (so a dropped arg or a renamed form fails); and
    between them they give every form the catalogue has a text for."""
    forms = set()
    for book, findings in real_findings.items():
        for f in findings:
            de = german(f)
            assert de.known, (book, str(f))
            if f.args:
                assert de != german(replace(f, args=())), (book, str(f), f.args)
            forms.add(f.args_dict.get("form"))
    assert forms - {None} == {form for texts in CATALOGUE.values() for form in texts
                              if form not in (None, GENERAL)} - BUILD_FORMS


# Forms no workbook check gives: Typst's page count past its limit (only a build counts pages)
# and a printed list past its rows (thousands of rows): tests/test_scale_limits.py makes both.
BUILD_FORMS = {"pages", "list-rows"}


@pytest.mark.parametrize("form, args", [("pages", {"pages": 2500, "max": 2000}),
                                        ("list-rows", {"rows": 2500, "max": 2000})])
def test_the_forms_only_a_build_gives_have_their_german_text(form, args):
    finding = Finding("error", "E-TOO-LARGE", Location(file="data/links.csv", row=2), "too large", "",
                      {"form": form, **args})
    de = german(finding)
    assert de.known and de != german(replace(finding, args=())) and "{" not in de.message + de.hint
    assert "2.500" in de.message or "2500" in de.message


FORM = re.compile(r'"form":\s*("[a-z0-9-]+")?')


def test_the_forms_of_the_checks_and_of_the_german_catalogue_are_the_same():
    """A form is written {"form": "name"} where a finding or a refused value is made (so it can be
    found here); the catalogue has a text for each, and no text for a form nothing makes."""
    produced = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name != "findings_de.py":
            for m in FORM.finditer(path.read_text(encoding="utf-8")):
                assert m.group(1), f"{path}: write the form as a literal string"
                produced.add(m.group(1).strip('"'))
    catalogued = [form for texts in CATALOGUE.values() for form in texts if form not in (None, GENERAL)]
    assert len(catalogued) == len(set(catalogued))  # one code per form name
    assert produced == set(catalogued)


def test_a_finding_without_args_gets_its_codes_general_text_and_an_unknown_code_the_english():
    for code, texts in CATALOGUE.items():
        de = german(error(code, Location(), "an English message"))
        assert de.known == (GENERAL in texts), code
        assert "{" not in de.message + de.hint
    f = error("E-BAD-VALUE", Location(file="edition.yaml", column="page.size"), "unknown paper size 'a7'")
    assert german(f).message == "Der Wert ist ungültig: unknown paper size 'a7'"
    unknown = german(error("E-SOMETHING-NEW", Location(), "a new check"))
    assert not unknown.known and "E-SOMETHING-NEW" in unknown.message


def test_args_survive_the_json_of_the_report_and_the_grouping(real_findings):
    for f in real_findings["values"]:
        assert Finding.from_dict(json.loads(json.dumps(f.to_dict()))) == f
    rows = [f for f in real_findings["values"] if f.code == "W-EXAMPLE-VALUE"]
    (grouped,) = group_findings([replace(rows[0], location=replace(rows[0].location, row=r)) for r in (2, 3)])
    assert grouped.args == rows[0].args and grouped.location.rows == (2, 3)


def test_findings_of_one_cause_are_one_line_in_german_with_their_rows(tmp_path):
    from pipeline.web.portal.app import _findings_view
    folder = tmp_path / "t"
    path = init_draft("Teststadt", folder, LAYOUT)
    fill_workbook(path, LAYOUT, {
        "handlungsfelder": [{"number": n, "title": f"Feld {n}"} for n in ("8", "8.1", "8.1.1")],
        "massnahmen": [{"field": "7.7", "text": f"Maßnahme {n}", "horizon": "kurzfristig"} for n in range(2, 101)]})
    book = load_workbook(path)
    book["Handlungsfelder"].append([dt.datetime(2001, 1, 8), "Sprache"])  # row 5: Excel made 8.1.1 a date
    book.save(path)
    stored = json.loads(json.dumps([f.to_dict() for f in check_draft(folder)]))  # as the portal keeps them
    view = {g["sheet"]: g["entries"] for g in _findings_view({"findings": stored})}
    (entry,) = [e for e in view["Maßnahmen"] if e["code"] == "E-UNKNOWN-REF"]
    assert entry["row"] == "2–100" and entry["message"] == "Es gibt kein Handlungsfeld 7.7."
    (date,) = [e for e in view["Handlungsfelder"] if e["code"] == "E-EXCEL-DATE"]
    assert date["row"] == 5 and "vermutlich „8.1.1“" in date["message"] and "als Text" in date["hint"]


# -- an edited draft (.docx) uploaded through the same form: its edits go into a new version -----

@pytest.fixture
def drafted(tmp_path):
    """A portal with jobs: Maintal and Rodgau have each uploaded their workbook as version 1,
    and its draft is built."""
    store = Store(tmp_path)
    _, maintal = store.add_town("Maintal")
    _, rodgau = store.add_town("Rodgau")
    with TestClient(create_app(tmp_path, workers=1)) as client:
        for token, data in ((maintal, MAINTAL), (rodgau, RODGAU)):
            assert upload(client, token, data).status_code == 303
        for name in ("Maintal", "Rodgau"):
            assert _wait(store.versions(store.find(name))[-1])["state"] == "done"
        yield client, store, maintal, rodgau


def test_an_edited_draft_goes_back_into_the_workbook_of_a_new_version(drafted):
    client, store, token, _ = drafted
    town = store.find("Maintal")
    built = client.get(f"/t/{token}/v/1/entwurf.docx").content
    assert MEASURE in "\n".join(p.text for p in paragraphs(Document(io.BytesIO(built))))
    edited = edit_draft(built, {MEASURE: MEASURE.replace("regelmäßig", "monatlich"),
                                "Verena Strub": "Verena Strub-Maier"},
                        comment=("Petra Beispiel", "Bitte die Telefonnummer prüfen."),
                        new_measure="Sprachcafé im Stadtteilzentrum")
    r = upload(client, token, edited, name="maintal-entwurf-v1.docx")
    assert r.status_code == 303 and r.headers["location"].endswith("/v/2")
    v1, v2 = store.versions(town)
    # the new version's workbook has the edits, in their cells; the old version's is as uploaded
    workbook = v2.upload.read_bytes()
    assert cell(workbook, "Maßnahmen", 2, "Maßnahme") == MEASURE.replace("regelmäßig", "monatlich")
    assert cell(workbook, "Stammdaten", 8, "Ansprechperson") == "Verena Strub-Maier"
    assert v1.upload.read_bytes() == MAINTAL
    assert v2.edited.read_bytes() == edited and not (v2.input_folder / ".absorb").exists()
    # the page says in German what was taken over, what not and why, and the comment
    page = client.get(r.headers["location"]).text
    assert "Ihre Änderungen aus dem bearbeiteten Entwurf" in page and "2 Änderungen übernommen" in page
    assert "Arbeitsmappe, Blatt „Maßnahmen“, Zeile 2, „Maßnahme“" in page
    assert "<del><span class=\"sr-only\">gelöscht: </span>regelmäßig</del>" in page
    assert "<ins><span class=\"sr-only\">eingefügt: </span>monatlich</ins>" in page
    assert "Nicht übernommen (1)" in page and "Sprachcafé im Stadtteilzentrum" in page
    assert "Grund: Eine in Word hinzugefügte Tabelle oder Tabellenzeile wird nicht übernommen." in page
    assert "not taken over" not in page  # the German, not the English reason
    assert "<strong>Petra Beispiel</strong>, " + dt.date.today().strftime("%d.%m.%Y") in page
    assert "Bitte die Telefonnummer prüfen." in page
    assert "Grundlage war Version 1; sie bleibt unverändert erhalten." in page
    # the updated workbook is offered; the new draft is built from it and carries the edits
    download = client.get(f"/t/{token}/v/2/arbeitsmappe.xlsx")
    assert download.status_code == 200 and download.content == workbook
    assert 'filename="strategie-maintal-v2.xlsx"' in download.headers["content-disposition"]
    assert 'href="/t/' + token + '/v/2/arbeitsmappe.xlsx">Aktualisierte Arbeitsmappe herunterladen' in page
    assert _wait(v2)["state"] == "done" and v2.result()["outcome"] == "ready"
    text = "\n".join(p.text for p in paragraphs(Document(io.BytesIO(client.get(f"/t/{token}/v/2/entwurf.docx").content))))
    assert "in Maintal erstellen und monatlich aktualisieren" in text and "Verena Strub-Maier" in text
    assert "bearbeiteter Entwurf" in client.get(f"/t/{token}/").text

    # a colleague's copy of version 1 comes back later: merged with version 2 (three ways)
    kept = v2.upload.read_bytes()
    second = edit_draft(built, {MEASURE: MEASURE.replace("regelmäßig", "jährlich"),
                                "Elternarbeit in Kitas und Schulen": "Elternarbeit in allen Kitas und Schulen"})
    r = upload(client, token, second, name="kollegin.docx")
    assert r.status_code == 303 and r.headers["location"].endswith("/v/3")
    v3 = store.versions(town)[-1]
    workbook = v3.upload.read_bytes()
    assert cell(workbook, "Maßnahmen", 3, "Maßnahme").startswith("Elternarbeit in allen Kitas und Schulen")
    assert cell(workbook, "Maßnahmen", 2, "Maßnahme") == MEASURE.replace("regelmäßig", "monatlich")  # version 2's
    page = client.get(r.headers["location"]).text
    assert "1 Änderung übernommen" in page and "Widersprüche (1)" in page
    assert "Diese Stelle wurde auch in einer neueren Version geändert" in page
    assert v2.upload.read_bytes() == kept
    assert _wait(v3)["state"] == "done" and v3.result()["outcome"] == "ready"


def test_another_towns_draft_and_files_that_are_no_draft_are_refused_in_german(drafted):
    client, store, maintal, rodgau = drafted
    built = client.get(f"/t/{maintal}/v/1/entwurf.docx").content
    edited = edit_draft(built, {"Verena Strub": "Verena Strub-Maier"})
    cases = [
        (edited, "maintal-entwurf.docx", "“ entstanden, sondern aus einem anderen Dokument.",
         "Laden Sie den Entwurf hoch, den das Portal für Ihre Kommune erstellt hat"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "entwurf.doc",
         "Word-Dokument im alten Format (.doc, Word 97–2003)", "„Word-Dokument (*.docx)“"),
        (b"%PDF-1.7\n" + b"x" * 4000, "entwurf.docx", "Die Datei ist kein Word-Dokument (.docx).", ""),
        (_zip({"word/document.xml": b"\0" * 60_000_000}), "entwurf.docx", "Die Datei würde entpackt 60 MB groß", ""),
        (with_property(client.get(f"/t/{rodgau}/v/1/entwurf.docx").content, "brochure-sources", "0" * 32),
         "entwurf.docx", "aus Angaben erstellt, die keine Ihrer Versionen enthält", "Entwurf der neuesten Version"),
        (b"%PDF-1.7\n", "entwurf.pdf", "oder den bearbeiteten Entwurf (Endung .docx)", ""),
    ]
    for data, name, message, hint in cases:
        r = upload(client, rodgau, data, name=name)
        assert r.status_code == 400, (name, r.status_code)
        alert = re.search(r'<div class="alert" role="alert">(.*?)</div>', r.text, re.S).group(1)
        assert "Die Datei wurde nicht angenommen" in alert and message in alert and hint in alert, (name, alert)
        assert "Traceback" not in r.text and "E-ABSORB" not in r.text
    assert [v.number for v in store.versions(store.find("Rodgau"))] == [1]  # nothing kept of a refused draft
    assert "Maintal" not in client.get(f"/t/{rodgau}/").text


def test_an_edited_draft_before_any_version_and_into_a_version_with_errors(portal):
    client, store, token, _ = portal
    r = upload(client, token, _zip({"word/document.xml": b"<w/>"}), name="entwurf.docx")
    assert r.status_code == 400 and "Es gibt noch keine Version" in r.text
    upload(client, token, MAINTAL)  # version 1 (no jobs run here)
    folder = store.versions(store.find("Maintal"))[0].input_folder
    from pipeline.drafts.draft import build_draft
    built = next(p for p in build_draft(folder, folder.parent / "probe").files if p.suffix == ".docx").read_bytes()
    book = load_workbook(folder / "strategie.xlsx")
    book["Stammdaten"].cell(row=field_row("email"), column=2).value = "rathaus(at)maintal.de"
    book.save(folder / "strategie.xlsx")  # version 1 now has an error: its draft cannot be made again
    r = upload(client, token, edit_draft(built, {"Verena Strub": "Verena Strub-Maier"}), name="entwurf.docx")
    assert r.status_code == 400 and "Die neueste Version enthält 1 Fehler" in r.text
    assert "„rathaus(at)maintal.de“ ist keine gültige E-Mail-Adresse." in r.text
    assert f"Blatt „Stammdaten“, Zeile {field_row('email')}, Spalte „E-Mail“: „rathaus(at)" in r.text
    assert len(store.versions(store.find("Maintal"))) == 1


FOREWORD = "Hier spricht die Verwaltungsspitze: Warum ist Vielfalt und Integration Chefsache?"


def test_text_typed_over_a_placeholder_stays_in_the_next_versions(drafted):
    """Rodgau types its foreword over the placeholder in Word: it becomes the section's text file
    in the new version, and a workbook uploaded after that keeps it."""
    client, store, _, token = drafted
    town = store.find("Rodgau")
    built = client.get(f"/t/{token}/v/1/entwurf.docx").content
    foreword = "Liebe Rodgauerinnen und Rodgauer, Vielfalt ist unsere Stärke."
    r = upload(client, token, edit_draft(built, {FOREWORD: foreword}), name="rodgau.docx")
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "1 Änderung übernommen" in page and "Textdatei vorwort.md (neu angelegt)" in page
    assert "Die Arbeitsmappe dieser Version ist dieselbe wie in Version 1." in page
    v2 = store.versions(town)[-1]
    assert (v2.input_folder / "vorwort.md").read_text(encoding="utf-8").startswith(foreword.split(",")[0])
    assert v2.upload.read_bytes() == RODGAU
    assert upload(client, token, RODGAU).status_code == 303  # the workbook again, as Excel saved it
    v3 = store.versions(town)[-1]
    assert _wait(v3)["state"] == "done" and v3.result()["outcome"] == "ready"
    text = "\n".join(p.text for p in paragraphs(Document(io.BytesIO(client.get(f"/t/{token}/v/3/entwurf.docx").content))))
    assert foreword in text and FOREWORD not in text


def test_a_workbook_upload_keeps_the_text_typed_over_a_placeholder(tmp_path):
    """Text typed over a placeholder in Word is kept as the section's text file beside the
    workbook; a workbook uploaded next does not hold it, so the file goes along."""
    store = Store(tmp_path)
    town, _ = store.add_town("Rodgau")
    first = store.new_version(town, RODGAU, "a.xlsx")
    (first.input_folder / "vorwort.md").write_text("Liebe Rodgauerinnen und Rodgauer.\n", encoding="utf-8")
    second = store.new_version(town, MAINTAL, "b.xlsx")
    assert (second.input_folder / "vorwort.md").read_text(encoding="utf-8") == "Liebe Rodgauerinnen und Rodgauer.\n"
    assert second.upload.read_bytes() == MAINTAL


KIND = re.compile(r'kind="([a-z-]+)"')


def test_every_reason_absorb_gives_has_german_text():
    """A change not taken over has a kind (written kind="name" where it is made); each has a
    German reason, and there is none for a kind nothing makes."""
    made = set()
    for path in (ROOT / "pipeline" / "absorb").glob("*.py"):
        made |= set(KIND.findall(path.read_text(encoding="utf-8")))
    assert made == set(WHY)


def test_the_findings_of_absorb_are_german(real_findings):
    found = {(f.code, f.args_dict.get("form")): german(f) for f in real_findings["absorb"]}
    assert found[("E-ABSORB-INPUT", "other-document")].message == (
        "Diese Word-Datei ist nicht aus Ihrem Entwurf „Vielfalts- und Integrationsstrategie – der Stadt "
        "Teststadt“ entstanden, sondern aus einem anderen Dokument.")
    assert found[("E-ABSORB-INPUT", "docx-too-large")].message.startswith("Die Datei würde entpackt 20 MB groß")
    assert found[("E-ABSORB-SOURCES", None)].message.startswith("Die neueste Version enthält")
    assert {form for code, form in found if code == "E-ABSORB-INPUT"} == {
        form for form in CATALOGUE["E-ABSORB-INPUT"] if form != GENERAL}
