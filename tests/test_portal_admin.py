"""The ministry's admin in the browser and the legal pages, without a browser (TestClient):
driven through their forms as the ministry's staff would, with CSRF; a revoked link dies at once;
the admin never shows under a town's link; the legal pages follow DIR/rechtliches.toml."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urljoin
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.web.portal import legal  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.store import Store, write_bytes, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def shown_link(page: str) -> str:
    return re.search(r'<p class="link"><code>([^<]+)</code>', page).group(1)


def town_path(link: str) -> str:
    return "/t/" + link.split("/t/", 1)[1]


def version(store: Store, town, state="done", outcome="ready", errors=0, warnings=0, uploaded="2026-12-01T10:00:00+00:00",
            built=False, findings=()):
    """A version as a finished job leaves it (the job itself is not run here)."""
    v = store.new_version(town, MAINTAL, "strategie.xlsx")
    write_json(v.folder / "upload.json", {"uploaded": uploaded, "filename": "strategie.xlsx", "bytes": len(MAINTAL)})
    write_json(v.folder / "job.json", {"state": state, "message": "", "attempts": 1})
    if state == "done":
        sections = [{"number": i, "title": f"Abschnitt {i}", "state": "filled" if i <= 9 - errors else "placeholder",
                     "sheets": []} for i in range(1, 10)]
        write_json(v.folder / "result.json", {"outcome": outcome, "pages": 12 if outcome == "ready" else None,
                                              "errors": errors, "warnings": warnings, "faults": 0, "findings": list(findings),
                                              "sections": sections if outcome == "ready" else []})
    if built:
        write_bytes(v.file("pdf"), b"%PDF-1.7 Entwurf " + town.id.encode())
        write_bytes(v.file("docx"), b"PK docx " + town.id.encode())
    return v


@pytest.fixture
def portal(tmp_path):
    store = Store(tmp_path)
    _, maintal = store.add_town("Maintal")
    admin = store.new_admin_token()
    app = create_app(tmp_path, workers=1, start_jobs=False)
    with TestClient(app) as client:
        yield client, store, admin, maintal, app


def html_pages(app, client, admin: str, town: str, store: Store) -> dict[str, str]:
    """Every GET route of the app that answers with a page, its parameters filled in."""
    v = version(store, store.find("Maintal"), built=True)
    values = {"token": None, "town": "maintal", "n": str(v.number), "fmt": "pdf", "page": "1"}
    pages = {}
    for route in app.routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or {"GET"}):
            continue
        path = route.path
        token = admin if path.startswith("/admin/") else town
        for name in re.findall(r"{(\w+)(?::\w+)?}", path):
            path = re.sub(r"{%s(?::\w+)?}" % name, token if name == "token" else values[name], path)
        r = client.get(path)
        if r.headers.get("content-type", "").startswith("text/html"):
            pages[route.path] = r.text
    pages["404"] = client.get("/t/gibt-es-nicht/").text
    return pages


# -- legal pages ----------------------------------------------------------------------------------
def test_every_page_links_the_legal_pages_and_help_in_its_footer(portal):
    client, store, admin, maintal, app = portal
    pages = html_pages(app, client, admin, maintal, store)
    assert {"/", "/t/{token}/", "/admin/{token}/", "/admin/{token}/k/{town}", "/impressum", "/hilfe"} <= set(pages)
    for path, page in pages.items():
        footer = re.search(r"<footer.*?</footer>", page, re.S)
        assert footer, path
        hrefs = set(re.findall(r'href="([^"]+)"', footer.group(0)))
        assert set(legal.PAGES) <= hrefs, path
    for path in legal.PAGES:  # each linked page is there, German, with its own heading
        r = client.get(path)
        assert r.status_code == 200 and '<html lang="de">' in r.text and "<h1>" in r.text
        assert f'<a href="{path}" aria-current="page">' in r.text


def test_the_legal_pages_show_the_defaults_and_the_bitv_contents(portal):
    client, *_ = portal
    statement = client.get("/barrierefreiheit").text
    for text in ("Erklärung zur Barrierefreiheit", "BITV 2.0", "Feedback und Kontakt", "Schlichtungsverfahren",
                 "Schlichtungsstelle nach § 16 BGG", "info@schlichtungsstelle-bgg.de", "07.12.2026"):
        assert text in statement
    assert "Impressum" in client.get("/impressum").text
    assert "Art. 15 DSGVO" in client.get("/datenschutz").text
    assert "Ich habe den Link meiner Kommune nicht mehr." in client.get("/hilfe").text


def test_the_data_folders_file_changes_what_the_pages_show_as_text_never_html(tmp_path):
    (tmp_path / legal.FILE).write_text('''
[betreiber]
name = "Ministerium für Soziales <b>und</b> Integration"
anschrift = """Sonnenberger Straße 2/2a
65193 Wiesbaden"""
email = "poststelle@hsm.example"

[barrierefreiheit]
stand = 2027-01-15
vereinbarkeit = "teilweise"
nicht_barrierefrei = ["Die Vorschaubilder der Seiten haben keinen Textinhalt.", "<script>alert(1)</script>"]
kontakt_email = "barrierefrei@hsm.example"

[hilfe]
telefon = "0611 3219-0"
stelle = "Referat II 4, Frau Beispiel"
''', encoding="utf-8")
    with TestClient(create_app(tmp_path, workers=1, start_jobs=False)) as client:
        imprint = client.get("/impressum").text
        assert "Ministerium für Soziales &lt;b&gt;und&lt;/b&gt; Integration" in imprint and "<b>und</b>" not in imprint
        assert "Sonnenberger Straße 2/2a\n65193 Wiesbaden" in imprint and "[Name des Ministeriums]" not in imprint
        assert 'href="mailto:poststelle@hsm.example"' in imprint
        statement = client.get("/barrierefreiheit").text
        assert "teilweise vereinbar" in statement and "15.01.2027" in statement
        assert "Die Vorschaubilder der Seiten haben keinen Textinhalt." in statement
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in statement and "<script>alert" not in statement
        assert 'href="mailto:barrierefrei@hsm.example"' in statement
        helping = client.get("/hilfe").text
        assert "0611 3219-0" in helping and "Referat II 4, Frau Beispiel" in helping
        assert "Ministerium für Soziales" in client.get("/datenschutz").text


@pytest.mark.parametrize("text, expected", [
    ('[impressum]\nverantwortlich_person = "x"\n', "[impressum] verantwortlich_person is not a known key"),
    ('[kontakt]\nemail = "a@b.de"\n', "[kontakt] is not a known section"),
    ('[betreiber]\nemail = "poststelle(at)land.de"\n', "[betreiber] email 'poststelle(at)land.de' is not an e-mail address"),
    ('[barrierefreiheit]\nschlichtungsstelle_website = "javascript:alert(1)"\n', "must start with https://"),
    ('[barrierefreiheit]\nstand = "7.12.2026"\n', "[barrierefreiheit] stand must be a date"),
    ('[barrierefreiheit]\nvereinbarkeit = 1\n', "[barrierefreiheit] vereinbarkeit must be a text"),
    ('[barrierefreiheit]\nnicht_barrierefrei = "PDF"\n', "must be a list of texts"),
    ('[betreiber]\nname = "ohne Ende\n', "cannot be read as TOML"),
])
def test_unknown_keys_and_bad_values_stop_serve_with_a_clear_message(tmp_path, text, expected):
    (tmp_path / legal.FILE).write_text(text, encoding="utf-8")
    with pytest.raises(legal.LegalError) as exc:
        create_app(tmp_path, workers=1, start_jobs=False)
    assert expected in str(exc.value) and str(tmp_path / legal.FILE) in str(exc.value)
    r = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--port", "1"])
    assert r.exit_code == 2 and expected in r.output and "nothing was started" in r.output


def test_the_legal_file_command_writes_the_defaults_to_fill_in(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["portal", "legal-file", "--data", str(tmp_path)])
    assert r.exit_code == 0 and (tmp_path / legal.FILE).is_file()
    assert legal.load(tmp_path) == legal.load(tmp_path / "leer")  # the file holds exactly the defaults
    assert "betreiber.name" in legal.unfilled(legal.load(tmp_path))
    assert runner.invoke(main, ["portal", "legal-file", "--data", str(tmp_path)]).exit_code == 1  # never overwritten


# -- the admin -----------------------------------------------------------------------------------
def test_the_admin_adds_a_town_shows_its_link_again_revokes_it_and_issues_a_new_one(portal):
    client, store, admin, _, _ = portal
    overview = client.get(f"/admin/{admin}/").text
    r = client.post(f"/admin/{admin}/kommunen", data={"csrf": csrf(overview), "name": "  Bad   Vilbel "})
    assert r.status_code == 200
    link = shown_link(r.text)
    assert link.startswith("http://testserver/t/") and "Der Link für Bad Vilbel ist ausgestellt" in r.text
    town = client.get(town_path(link))
    assert town.status_code == 200 and "Strategie-Entwurf: Bad Vilbel" in town.text
    assert link.split("/t/")[1].strip("/").encode() not in b"".join(p.read_bytes() for p in Path(store.root).rglob("*")
                                                                   if p.is_file())

    # the same name again: refused, the link stays
    r = client.post(f"/admin/{admin}/kommunen", data={"csrf": csrf(overview), "name": "bad vilbel"})
    assert r.status_code == 409 and "hat schon einen aktiven Link" in r.text
    assert client.get(town_path(link)).status_code == 200

    # shown again, from the town's page
    page = client.get(f"/admin/{admin}/k/bad-vilbel").text
    r = client.post(f"/admin/{admin}/k/bad-vilbel/link", data={"csrf": csrf(page)})
    assert shown_link(r.text) == link

    # revoked: first a confirmation, then the link dies at once
    r = client.post(f"/admin/{admin}/k/bad-vilbel/sperren", data={"csrf": csrf(page)})
    assert "Link von Bad Vilbel sperren?" in r.text and client.get(town_path(link)).status_code == 200
    r = client.post(f"/admin/{admin}/k/bad-vilbel/sperren", data={"csrf": csrf(r.text), "bestaetigt": "ja"})
    assert r.status_code == 200 and "ist gesperrt" in r.text
    assert client.get(town_path(link)).status_code == 404
    assert client.get(town_path(link) + "arbeitsmappe.xlsx").status_code == 404
    assert "Link noch einmal anzeigen" not in r.text

    # a new link for the same space; the old one stays dead
    r = client.post(f"/admin/{admin}/k/bad-vilbel/neuer-link", data={"csrf": csrf(r.text)})
    new = shown_link(r.text)
    assert new != link and client.get(town_path(new)).status_code == 200
    assert client.get(town_path(link)).status_code == 404
    assert [t.name for t in store.towns()] == ["Bad Vilbel", "Maintal"]


def test_a_link_issued_on_the_command_line_is_shown_again_but_not_one_from_before_the_admin_link(portal):
    client, store, admin, _, _ = portal
    page = client.get(f"/admin/{admin}/k/maintal").text  # Maintal's link is older than the admin link
    assert "kann deshalb nicht noch einmal angezeigt werden" in page and "Link noch einmal anzeigen" not in page
    r = client.post(f"/admin/{admin}/k/maintal/link", data={"csrf": csrf(page)})
    assert r.status_code == 409 and '<p class="link">' not in r.text

    printed = CliRunner().invoke(main, ["portal", "add-town", "Hanau", "--data", str(store.root)]).output
    cli_link = re.search(r"(http\S+/t/\S+/)", printed).group(1)
    page = client.get(f"/admin/{admin}/k/hanau").text
    r = client.post(f"/admin/{admin}/k/hanau/link", data={"csrf": csrf(page)})
    assert town_path(shown_link(r.text)) == town_path(cli_link)

    new_admin = store.new_admin_token()  # `brochure portal admin-link`: the old admin link is dead
    assert client.get(f"/admin/{admin}/").status_code == 404
    page = client.get(f"/admin/{new_admin}/k/hanau").text
    assert "kann deshalb nicht noch einmal angezeigt werden" in page


def test_a_sealed_link_opens_only_with_the_admin_link_and_for_its_town(tmp_path):
    from pipeline.web.portal import sealing
    store = Store(tmp_path)
    admin = store.new_admin_token()
    town, token = store.add_town("Hanau")
    sealed = json.loads((town.folder / "link.sealed").read_text())
    assert token not in json.dumps(sealed) and token not in (tmp_path / "admin.json").read_text()
    assert sealing.unseal(admin, sealed, "hanau") == token
    assert sealing.unseal(admin[:-1] + ("A" if admin[-1] != "A" else "B"), sealed, "hanau") is None
    assert sealing.unseal(admin, sealed, "maintal") is None  # moved to another town's folder
    broken = dict(sealed, sealed=sealed["sealed"][:-4] + ("AAAA" if not sealed["sealed"].endswith("AAAA") else "BBBB"))
    assert sealing.unseal(admin, broken, "hanau") is None
    assert sealing.unseal(admin, {"for": "x"}, "hanau") is None and sealing.unseal(admin, None, "hanau") is None
    store.revoke(town)
    assert not (town.folder / "link.sealed").exists()


def test_an_admin_link_from_before_sealing_gets_its_key_on_its_first_visit(tmp_path):
    store = Store(tmp_path)
    admin = store.new_admin_token()
    data = json.loads((tmp_path / "admin.json").read_text())
    write_json(tmp_path / "admin.json", {k: v for k, v in data.items() if k != "seal_public"})
    store.add_town("Hanau")
    assert not (tmp_path / "towns/hanau/link.sealed").exists()
    with TestClient(create_app(tmp_path, workers=1, start_jobs=False)) as client:
        assert client.get(f"/admin/{admin}/").status_code == 200
    assert json.loads((tmp_path / "admin.json").read_text())["seal_public"] == data["seal_public"]
    _, token = store.add_town("Rodgau")
    assert (tmp_path / "towns/rodgau/link.sealed").exists()


def test_every_admin_form_checks_its_csrf_token(portal):
    client, store, admin, maintal, _ = portal
    town_form = csrf(client.get(f"/t/{maintal}/").text)
    admin_form = csrf(client.get(f"/admin/{admin}/").text)
    assert town_form != admin_form
    forms = {f"/admin/{admin}/kommunen": {"name": "Hanau"}, f"/admin/{admin}/k/maintal/link": {},
             f"/admin/{admin}/k/maintal/sperren": {"bestaetigt": "ja"}, f"/admin/{admin}/k/maintal/neuer-link": {}}
    for url, data in forms.items():
        for given in (None, "", town_form, admin_form[:-1] + ("1" if admin_form[-1] == "0" else "0")):
            r = client.post(url, data={**data, **({"csrf": given} if given is not None else {})})
            assert r.status_code == 403, (url, given)
    for body, kind in ((b"--x\r\nnot a form", "multipart/form-data; boundary=x"), (b"\xff" * 5000, "text/plain")):
        r = client.post(f"/admin/{admin}/kommunen", content=body, headers={"content-type": kind})
        assert r.status_code == 403
    r = client.post(f"/admin/{admin}/kommunen", data={"csrf": admin_form, "name": "Hanau"},
                    files={"datei": ("x.txt", b"x")})
    assert r.status_code == 403  # a file is no field of any admin form
    assert [t.name for t in store.towns()] == ["Maintal"] and not store.find("Maintal").revoked
    assert client.get(f"/t/{maintal}/").status_code == 200
    # and the admin's form token opens nothing in a town's space
    r = client.post(f"/t/{maintal}/hochladen", data={"csrf": admin_form}, files={"arbeitsmappe": ("s.xlsx", MAINTAL)})
    assert r.status_code == 403


def test_the_admin_is_behind_its_token_and_never_in_a_towns_view(portal):
    client, store, admin, maintal, app = portal
    v = version(store, store.find("Maintal"), built=True)
    admin_paths = [r.path for r in app.routes if isinstance(r, Route) and r.path.startswith("/admin/")]
    assert len(admin_paths) >= 8
    for path in admin_paths:
        for token in (maintal, "x" * 43, admin[:-1] + ("A" if admin[-1] != "A" else "B"), ""):
            url = path.replace("{token}", token).replace("{town}", "maintal").replace("{n:int}", str(v.number)) \
                      .replace("{fmt}", "pdf")
            for method in ("GET", "POST"):
                r = client.request(method, url)
                assert r.status_code == 404, (method, url)
                assert "Übersicht der Kommunen" not in r.text
    # the admin link opens no town space
    assert client.get(f"/t/{admin}/").status_code == 404
    # a town's pages name nothing of the admin
    for path in (f"/t/{maintal}/", f"/t/{maintal}/v/{v.number}"):
        page = client.get(path).text
        assert "/admin" not in page and admin not in page and "Übersicht der Kommunen" not in page
    # no town id from a request becomes a path
    for town in ("%2e%2e", "..%2fmaintal", "maintal%00", "MAINTAL", "maintal%2f..%2f..%2fsecret"):
        assert client.get(f"/admin/{admin}/k/{town}").status_code == 404
    assert client.get(f"/admin/{admin}/k/maintal/v/{v.number}/entwurf.exe").status_code == 404
    assert client.get(f"/admin/{admin}/").headers["cache-control"] == "no-store"
    assert client.get(f"/admin/{admin}/").headers["referrer-policy"] == "no-referrer"


def _overview_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', page)


def test_the_overview_sorts_by_name_date_state_and_errors(portal):
    client, store, admin, _, _ = portal
    for name in ("Offenbach", "Alsfeld", "Zwingenberg", "Bensheim"):
        store.add_town(name)
    version(store, store.find("Maintal"), errors=0, uploaded="2026-12-03T09:00:00+00:00")
    version(store, store.find("Offenbach"), outcome="errors", errors=5, uploaded="2026-12-05T09:00:00+00:00")
    version(store, store.find("Zwingenberg"), errors=2, uploaded="2026-12-01T09:00:00+00:00")
    version(store, store.find("Alsfeld"), state="failed", uploaded="2026-12-03T10:30:00+02:00")  # 08:30 UTC, before Maintal
    # Bensheim: nothing uploaded

    def order(query: str = "") -> list[str]:
        r = client.get(f"/admin/{admin}/{query}")
        assert r.status_code == 200
        return _overview_names(r.text)
    assert order() == ["Alsfeld", "Bensheim", "Maintal", "Offenbach", "Zwingenberg"]
    assert order("?sortierung=name&richtung=ab") == ["Zwingenberg", "Offenbach", "Maintal", "Bensheim", "Alsfeld"]
    assert order("?sortierung=datum") == ["Offenbach", "Maintal", "Alsfeld", "Zwingenberg", "Bensheim"]
    assert order("?sortierung=datum&richtung=auf") == ["Zwingenberg", "Alsfeld", "Maintal", "Offenbach", "Bensheim"]
    assert order("?sortierung=stand") == ["Alsfeld", "Offenbach", "Maintal", "Zwingenberg", "Bensheim"]
    assert order("?sortierung=fehler") == ["Offenbach", "Zwingenberg", "Alsfeld", "Maintal", "Bensheim"]  # ties by name
    assert order("?sortierung=unsinn&richtung=<x>") == order()
    page = client.get(f"/admin/{admin}/?sortierung=fehler").text
    assert 'aria-sort="descending"><a href="./' in page and "sortierung=fehler&amp;richtung=auf" in page
    # the header links (relative: no page holds the admin link) lead to the sorted pages
    links = re.findall(r'<th scope="col"[^>]*><a href="([^"]+)">', page)
    assert len(links) == 4 and all(client.get(f"/admin/{admin}/" + link.replace("&amp;", "&")).status_code == 200
                                   for link in links)


def test_the_csv_export_opens_in_german_excel(portal):
    client, store, admin, _, _ = portal
    store.add_town("=HYPERLINK(\"http://x\";\"klick\")")
    store.add_town("Groß-Umstadt; Süd")
    version(store, store.find("Maintal"), errors=1, warnings=3, uploaded="2026-12-03T09:05:00+00:00")
    r = client.get(f"/admin/{admin}/uebersicht.csv?sortierung=fehler")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="kommunen-uebersicht.csv"' in r.headers["content-disposition"]
    body = r.content
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Kommune", "Kennung", "Link", "Versionen", "Letzter Upload", "Stand", "Abschnitte ausgefüllt",
                       "Abschnitte", "Fehler", "Hinweise"]
    assert rows[1][:4] == ["Maintal", "maintal", "aktiv", "1"] and rows[1][5:] == ["Fertig", "8", "9", "1", "3"]
    assert re.fullmatch(r"03\.12\.2026, \d\d:05 Uhr", rows[1][4])
    names = [row[0] for row in rows[1:]]
    assert "Groß-Umstadt; Süd" in names  # quoted, one field
    assert "'=HYPERLINK(\"http://x\";\"klick\")" in names  # never a formula
    assert all(len(row) == 10 for row in rows)
    assert client.get("/admin/nope/uebersicht.csv").status_code == 404


def test_the_admin_opens_a_towns_findings_and_draft(portal):
    client, store, admin, _, _ = portal
    town = store.find("Maintal")
    finding = {"severity": "error", "code": "E-EMAIL", "message": "not an e-mail address",
               "location": {"file": "strategie.xlsx", "sheet": "Stammdaten", "row": 7, "column": "E-Mail"},
               "hint": "", "args": {}}
    bad = version(store, town, outcome="errors", errors=1, findings=[finding])
    good = version(store, town, built=True)
    page = client.get(f"/admin/{admin}/").text
    r = client.get(urljoin(f"/admin/{admin}/", re.search(r'href="([^"]*/k/maintal)"', page).group(1)))
    assert "Version 2" in r.text and "Version 1" in r.text
    page = client.get(f"/admin/{admin}/k/maintal/v/{bad.number}").text
    assert "Blatt „Stammdaten“" in page and "E-EMAIL" in page and "Kein Entwurf" in page
    page = client.get(f"/admin/{admin}/k/maintal/v/{good.number}").text
    assert "9 von 9 Abschnitten ausgefüllt" in page
    for fmt in ("pdf", "docx"):
        href = f"/admin/{admin}/k/maintal/v/{good.number}/entwurf.{fmt}"
        assert f"../../../k/maintal/v/{good.number}/entwurf.{fmt}" in page  # relative: no page holds the admin link
        r = client.get(href)
        assert r.status_code == 200 and r.content == good.file(fmt).read_bytes()
        assert f"maintal-entwurf-v{good.number}.{fmt}" in r.headers["content-disposition"]
    r = client.get(f"/admin/{admin}/k/maintal/v/{bad.number}/arbeitsmappe.xlsx")
    assert r.status_code == 200 and r.content == MAINTAL and f"strategie-maintal-v{bad.number}.xlsx" in r.headers[
        "content-disposition"]
    assert client.get(f"/admin/{admin}/k/maintal/v/99").status_code == 404
    assert client.get(f"/admin/{admin}/k/maintal/v/{bad.number}/entwurf.pdf").status_code == 404


def test_the_comparison_report_has_the_footer_too(portal, monkeypatch):
    """The comparison is the diff report, not a page of base.html: its footer is added to it."""
    import pipeline.web.portal.app as app_module
    client, store, _, maintal, _ = portal
    town = store.find("Maintal")
    for _ in range(2):
        v = version(store, town)
        write_bytes(v.out / "content.json", b"{}")
    monkeypatch.setattr(app_module, "diff_html", lambda *a, **k: "<html><body><h1>Vergleich</h1></body></html>")
    page = client.get(f"/t/{maintal}/vergleich?alt=1&neu=2").text
    footer = re.search(r"<footer.*?</footer>", page, re.S).group(0)
    assert set(legal.PAGES) <= set(re.findall(r'href="([^"]+)"', footer))
    assert page.index("<footer") > page.index("<h1>Vergleich")
    assert ".portal-footer" in client.get("/diff-report.css").text


def test_serve_names_the_legal_values_still_to_fill_in(tmp_path, monkeypatch):
    import uvicorn

    from pipeline.web.portal.app import serve
    monkeypatch.setattr(uvicorn.Server, "run", lambda *a, **k: None)
    said: list[str] = []
    Store(tmp_path).new_admin_token()
    serve(tmp_path, port=8123, workers=1, echo=said.append)
    told = "\n".join(said)
    assert "Legal pages:" in told and "betreiber.name" in told and "hilfe.email" in told
    assert "legal-file" in told
    sections: dict[str, list[str]] = {}
    for name in legal.unfilled(legal.load(tmp_path)):  # every '[…]' default, from the defaults themselves
        section, key = name.split(".")
        sections.setdefault(section, []).append(f'{key} = "{"a@b.de" if key.endswith("email") else "ausgefüllt"}"')
    filled = "\n".join(f"[{section}]\n" + "\n".join(lines) for section, lines in sections.items())
    (tmp_path / legal.FILE).write_text(filled, encoding="utf-8")
    said.clear()
    serve(tmp_path, port=8123, workers=1, echo=said.append)
    assert not any("Legal pages" in line for line in said), said


def test_a_town_name_is_text_and_an_empty_one_is_refused(portal):
    client, store, admin, _, _ = portal
    form = csrf(client.get(f"/admin/{admin}/").text)
    r = client.post(f"/admin/{admin}/kommunen", data={"csrf": form, "name": "   "})
    assert r.status_code == 400 and "Bitte geben Sie den Namen der Kommune ein." in r.text
    r = client.post(f"/admin/{admin}/kommunen", data={"csrf": form, "name": '<img src=x onerror="alert(1)">'})
    assert r.status_code == 200 and "<img src=x" not in r.text and "&lt;img src=x" in r.text
    overview = client.get(f"/admin/{admin}/").text
    assert "<img src=x" not in overview and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in overview
    assert len(store.towns()) == 2
