"""A town's versions in the portal, driven through its pages as a user would: the comparison of
two real uploads (headed by versions and dates, rows named by sheet, row and their own words, a
new measure's text, a text change once), a version's name, its deletion (confirmed, CSRF, its
files gone) and the Word file with tracked changes between two versions."""

from __future__ import annotations

import copy
import html
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from docx import Document  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.drafts.draft import draft_template  # noqa: E402
from pipeline.drafts.scaffold import init_draft  # noqa: E402
from pipeline.drafts.workbook_fill import fill_workbook  # noqa: E402
from pipeline.runner import source_state  # noqa: E402
from pipeline import source_history  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.store import Store, write_json  # noqa: E402

_, LAYOUT = draft_template()
MEASURE = "Sprachcafé in der Stadtbücherei monatlich anbieten"
NEW_MEASURE = "Mentoring für junge Zugewanderte in Ausbildung"
FIRST = {
    "stammdaten": {"municipality": "Maintal", "kind": "Stadt", "district": "", "population": 41584,
                   "office": "Stabstelle Integration", "contact": "Verena Strub", "email": "integration@maintal.de",
                   "phone": "06181 400622", "mayor": "", "mayor_title": "", "as_of": "30.11.2020"},
    "bevoelkerung": [], "leitlinien": [], "ziele": [], "beteiligung": [], "netzwerke": [], "evaluation": [],
    "handlungsfelder": [{"number": "1", "title": "Sprache und Bildung"}, {"number": "2", "title": "Ausbildung und Arbeit"}],
    "massnahmen": [{"field": "1", "text": MEASURE, "horizon": "kurzfristig", "responsible": "Stadtbücherei"},
                   {"field": "2", "text": "Jobmesse für Zugewanderte", "horizon": "mittelfristig"}],
    "texte": {"aufgabe": "Integration ist eine Aufgabe für alle.\n\nWir arbeiten dabei eng zusammen."},
}
SECOND = copy.deepcopy(FIRST)
SECOND["massnahmen"][0]["text"] = MEASURE.replace("monatlich", "wöchentlich")
SECOND["massnahmen"].append({"field": "2", "text": NEW_MEASURE, "horizon": "kurzfristig", "responsible": "Jobcenter"})
SECOND["texte"]["aufgabe"] = "Integration ist eine Aufgabe für alle Menschen in Maintal.\n\nWir arbeiten dabei eng zusammen."


def workbook(folder: Path, data: dict) -> bytes:
    path = init_draft("Maintal", folder, LAYOUT)
    fill_workbook(path, LAYOUT, data)
    return path.read_bytes()


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def wait(version, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if version.job().get("state") in ("done", "failed"):
            return version.job()
        time.sleep(0.1)
    raise AssertionError(f"job still {version.job()}")


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Maintal has uploaded two real workbooks through the form, both drafts built; Rodgau is
    another town with a link of its own."""
    root = tmp_path_factory.mktemp("portal")
    store = Store(root / "data")
    _, token = store.add_town("Maintal")
    _, other = store.add_town("Rodgau")
    with TestClient(create_app(root / "data", workers=1)) as client:
        for n, data in enumerate((FIRST, SECOND), start=1):
            page = client.get(f"/t/{token}/").text
            r = client.post(f"/t/{token}/hochladen", data={"csrf": csrf(page)}, follow_redirects=False,
                            files={"arbeitsmappe": ("strategie.xlsx", workbook(root / f"book{n}", data))})
            assert r.status_code == 303 and r.headers["location"].endswith(f"/v/{n}")
            version = store.versions(store.find("Maintal"))[-1]
            assert wait(version)["state"] == "done" and version.result()["outcome"] == "ready", version.result()
        yield client, store, token, other


def test_the_comparison_is_headed_by_the_versions_and_names_rows_as_the_workbook_does(versions):
    client, store, token, _ = versions
    page = client.get(f"/t/{token}/vergleich?alt=1&neu=2").text
    head = re.search(r"<header>(.*?)</header>", page, re.S).group(1)
    assert re.search(r"Version 1 vom \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr → Version 2 vom ", head)
    assert "maintal → maintal" not in page and "Build-Ordner" not in page
    # a changed measure: sheet, row, the column's heading and the measure's own words
    assert "Spalte „Maßnahme“ geändert: Blatt „Maßnahmen“, Zeile 2: „Sprachcafé in der Stadtbücherei" in page
    assert "massnahmen" not in page and "row " not in page
    assert "<del>monatlich</del>" in page and "<ins>wöchentlich</ins>" in page
    # a new measure: its row and everything typed into it
    assert "Zeile neu: Blatt „Maßnahmen“, Zeile 4: „Mentoring für junge Zugewanderte in Ausbildung“" in page
    added = re.search(r"<h3>Zeile neu: Blatt „Maßnahmen“.*?</div></div>", page, re.S).group(0)
    assert "Maßnahme: " + NEW_MEASURE in added and "Zeithorizont: kurzfristig" in added and "Jobcenter" in added
    # the section's text typed into sheet „Texte“: one change, under „Text“, not again as a row
    assert page.count("Menschen in Maintal") == 1
    assert "Blatt „Texte“" not in page and 'id="text"' in page
    assert "Einträge der Arbeitsmappe" in page
    # no internal name in the German text: no key of a sheet or column (snake_case)
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)))
    assert re.findall(r"(?<![\w.@/:-])[a-z]+(?:_[a-z0-9]+)+(?![\w.@/-])", text) == []


def test_a_version_gets_a_name_shown_in_the_list_the_page_and_the_comparison(versions):
    client, store, token, other = versions
    page = client.get(f"/t/{token}/v/2").text
    assert 'action="/t/' in page and "Name dieser Version" in page
    r = client.post(f"/t/{token}/v/2/name", data={"name": "Stand nach Ausschusssitzung"}, follow_redirects=False)
    assert r.status_code == 403  # no form token
    other_csrf = csrf(client.get(f"/t/{other}/").text)
    r = client.post(f"/t/{token}/v/2/name", data={"csrf": other_csrf, "name": "x"}, follow_redirects=False)
    assert r.status_code == 403  # another town's form token
    r = client.post(f"/t/{other}/v/2/name", data={"csrf": other_csrf, "name": "x"}, follow_redirects=False)
    assert r.status_code == 404  # Rodgau has no version 2: Maintal's is not reached
    r = client.post(f"/t/{token}/v/2/name", follow_redirects=False,
                    data={"csrf": csrf(page), "name": "  Stand nach\u0000 Ausschusssitzung <b>\n"})
    assert r.status_code == 303 and r.headers["location"].endswith("/v/2#name")
    name = "Stand nach Ausschusssitzung &lt;b&gt;"
    assert f"Version 2 „{name}“" in client.get(f"/t/{token}/v/2").text
    town_page = client.get(f"/t/{token}/").text
    assert f"„{name}“" in town_page and "<b>" not in town_page
    assert f"Version 2 „{name}“ vom " in client.get(f"/t/{token}/vergleich?alt=1&neu=2").text
    assert "Stand nach" not in client.get(f"/t/{other}/").text
    r = client.post(f"/t/{token}/v/2/name", data={"csrf": csrf(page), "name": "y" * 50_000}, follow_redirects=False)
    assert r.status_code == 403 and "y" * 200 not in client.get(f"/t/{token}/v/2").text  # not read into memory
    r = client.post(f"/t/{token}/v/2/name", data={"csrf": csrf(page), "name": "x" * 500}, follow_redirects=False)
    assert r.status_code == 303 and "x" * 120 + "“" in client.get(f"/t/{token}/v/2").text
    client.post(f"/t/{token}/v/2/name", data={"csrf": csrf(page), "name": "Stand nach Ausschusssitzung"})
    assert "Stand nach Ausschusssitzung" in client.get(f"/t/{token}/").text


def test_the_word_file_with_tracked_changes_between_two_versions(versions):
    client, store, token, other = versions
    town_page = client.get(f"/t/{token}/").text
    assert f'formaction="/t/{token}/vergleich.docx"' in town_page
    assert f'href="/t/{token}/vergleich.docx?alt=1&amp;neu=2"' in client.get(f"/t/{token}/vergleich?alt=1&neu=2").text
    r = client.get(f"/t/{token}/vergleich.docx?alt=1&neu=2")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert 'attachment; filename="maintal-aenderungen-v1-v2.docx"' in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    body = doc.element.body
    inserted = "".join(body.xpath(".//w:ins//w:t/text()"))  # python-docx knows the w: prefix
    deleted = "".join(body.xpath(".//w:del//w:delText/text()"))
    assert "wöchentlich" in inserted and "monatlich" in deleted
    assert NEW_MEASURE in inserted and "Menschen in Maintal" in inserted
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml
    assert client.get(f"/t/{other}/vergleich.docx?alt=1&neu=2").status_code == 404
    assert client.get(f"/t/{token}/vergleich.docx?alt=1&neu=9").status_code == 404
    assert client.get(f"/t/{token}/vergleich.docx?alt=../1&neu=2").status_code == 404


def test_the_cli_names_a_drafts_rows_by_sheet_and_row_too(versions):
    """`brochure diff` on two drafts' build folders: the same names, in the terminal's English."""
    from click.testing import CliRunner
    from pipeline.cli import main
    client, store, token, _ = versions
    town = store.find("Maintal")
    folders = [str(v.out) for v in store.versions(town) if (v.out / "content.json").is_file()][-2:]
    if len(folders) < 2:
        pytest.skip("needs two built versions (the deletion test ran first)")
    out = CliRunner().invoke(main, ["diff", *folders, "--format", "json"]).output
    changes = json.loads(out)["changes"]
    measure = next(c for c in changes if c["area"] == "records" and c["kind"] == "changed")
    assert measure["where"].startswith("Maßnahmen row 2 („Sprachcafé in der Stadtbücherei")
    assert (measure["sheet"], measure["row"], measure["column"]) == ("Maßnahmen", 2, "Maßnahme")
    added = next(c for c in changes if c["area"] == "records" and c["kind"] == "added")
    assert added["row"] == 4 and f"Maßnahme: {NEW_MEASURE}" in added["new"]
    assert not [c for c in changes if c.get("sheet") == "Texte"]  # the text change is under Text


def test_a_version_is_deleted_after_a_confirmation_and_its_files_are_gone(versions):
    """Runs last in this file: it deletes version 1."""
    client, store, token, other = versions
    town = store.find("Maintal")
    v1 = store.version(town, 1)
    state = source_state(v1.input_folder)
    kept = source_history.find(state)
    assert client.get(f"/t/{token}/v/1").text.count("/v/1/loeschen") == 1
    confirm = client.get(f"/t/{token}/v/1/loeschen")
    assert confirm.status_code == 200 and "endgültig gelöscht" in confirm.text and "Abbrechen" in confirm.text
    assert v1.folder.is_dir()  # asking is not deleting
    assert client.get(f"/t/{other}/v/1/loeschen").status_code == 404
    r = client.post(f"/t/{token}/v/1/loeschen", data={"csrf": "0" * 64}, follow_redirects=False)
    assert r.status_code == 403 and v1.folder.is_dir()
    r = client.post(f"/t/{other}/v/1/loeschen", data={"csrf": csrf(client.get(f"/t/{other}/").text)},
                    follow_redirects=False)
    assert r.status_code == 404 and v1.folder.is_dir()  # never another town's
    assert client.get(f"/t/{token}/v/1/loeschen", params={"csrf": csrf(confirm.text)}).status_code == 200
    # a version whose draft is being made waits
    busy = store.new_version(town, (v1.upload).read_bytes(), "strategie.xlsx")
    write_json(busy.folder / "job.json", {"state": "running", "attempts": 1})
    r = client.post(f"/t/{token}/v/{busy.number}/loeschen", data={"csrf": csrf(confirm.text)}, follow_redirects=False)
    assert r.status_code == 409 and busy.folder.is_dir()
    write_json(busy.folder / "job.json", {"state": "failed", "attempts": 1})
    assert client.post(f"/t/{token}/v/{busy.number}/loeschen", data={"csrf": csrf(confirm.text)}).status_code == 200

    files = [p.relative_to(v1.folder) for p in v1.folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and any(p.suffix == ".png" for p in files)
    r = client.post(f"/t/{token}/v/1/loeschen", data={"csrf": csrf(confirm.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/t/{token}/?geloescht=1"
    assert not v1.folder.exists()
    assert not [p for p in town.folder.rglob("*") if p.name.startswith(".geloescht")]
    assert sorted(v.number for v in store.versions(town)) == [2]
    # the copy of its sources the build kept for the Word round trip (the tests' cache is on)
    assert kept is not None and source_history.find(state) is None and not kept.exists()
    page = client.get(f"/t/{token}/?geloescht=1").text
    assert "Version 1 wurde gelöscht." in page and 'href="/t/' + token + '/v/1"' not in page
    for path in ("/v/1", "/v/1/entwurf.pdf", "/v/1/entwurf.docx", "/v/1/seite-1.png", "/vergleich?alt=1&neu=2",
                 "/vergleich.docx?alt=1&neu=2"):
        assert client.get(f"/t/{token}{path}").status_code == 404, path
    assert store.version(town, 2).out.is_dir()  # the others stay
    assert "wurde gelöscht" not in client.get(f"/t/{token}/?geloescht=2").text  # it was not
    # a number is never given again
    assert store.new_version(town, b"PK", "x.xlsx").number == busy.number + 1
