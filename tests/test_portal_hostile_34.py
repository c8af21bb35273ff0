"""Issue 34, the portal's classes of hostile input, with real files, real folders and a real
`brochure serve` on a loopback port:

- town names in any script get ids of their own (never a revoked town's space); names with a
  look-alike, invisible or bidi character are refused naming it; Львів is drafted end to end;
- merged cells anywhere in a sheet are E-MERGED-CELLS naming sheet and range, never E-INTERNAL;
- a Strict Open XML workbook is read; a password-protected one and two files in one field are
  told as such (German on the page, English in the CLI).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.drafts.draft import check_draft, draft_template
from pipeline.drafts.scaffold import init_draft
from pipeline.web.portal.store import Store
from pipeline.web.portal.town_names import NameRefused, check, town_id
from portal_server import Server, fill, sample_data

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
URL_SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CLI = [sys.executable, "-m", "pipeline.cli"]

# letters of many scripts, as town names are written (no look-alike mixing inside a word)
SCRIPTS = {
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщюяієїґЛКМН",
    "greek": "αβγδεζηθικλμνξοπρστυφχψωΑΘΗΝ",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "cjk": "東京大阪市町村山川田中北南",
    "latin": "abcdefghijklmnopqrstuvwxyzäöüßéèçłńśźżåøæ",
    "emoji": "🏰🌳🌊⛰🏙",
}
word = st.sampled_from(sorted(SCRIPTS)).flatmap(
    lambda s: st.text(SCRIPTS[s], min_size=1, max_size=8))
names = st.lists(word, min_size=1, max_size=3).map(" ".join)


# -- town names ------------------------------------------------------------------------------
@SETTINGS
@given(st.lists(names, min_size=2, max_size=6), st.sets(st.sampled_from(["kiiv", "lviv", "kommune", "athina"])))
def test_ids_of_names_in_any_script_are_url_safe_and_never_an_existing_folders(typed, existing):
    taken = set(existing)
    for name in typed:
        new = town_id(check(name), taken.__contains__)
        assert URL_SAFE.match(new), (name, new)
        assert new not in taken, (name, new, taken)
        taken.add(new)


@SETTINGS
@given(st.lists(names, min_size=2, max_size=4, unique_by=lambda n: " ".join(n.split()).casefold()),
       st.lists(st.booleans(), min_size=4, max_size=4))
def test_every_town_gets_its_own_space_even_beside_revoked_ones(tmp_path_factory, typed, revoke):
    store = Store(tmp_path_factory.mktemp("towns"))
    made = []
    for name, gone in zip(typed, revoke):
        try:
            town, token = store.add_town(name)
        except FileExistsError:  # the same name once normalised (NFC, case): its own space
            continue
        assert URL_SAFE.match(town.id)
        assert all(town.id != other.id and town.folder != other.folder for other, _ in made), (name, town.id)
        assert store.town_for_token(token).id == town.id
        assert not store.versions(town)  # never another town's versions
        made.append((town, token))
        if gone:
            store.revoke(town)
    assert len({t.id for t, _ in made}) == len(made)


def test_a_town_added_after_a_revoked_one_of_another_script_gets_its_own_space(tmp_path):
    """The corpus case: Київ revoked (with a version), then Львів: a link into Львів's own
    empty space. Also a folder left as 'abschnitt' by the old ids is never reused."""
    store = Store(tmp_path)
    kyiv, _ = store.add_town("Київ")
    store.new_version(kyiv, b"PK old upload", "strategie.xlsx")
    store.revoke(kyiv)
    legacy = tmp_path / "towns" / "abschnitt"
    shutil.copytree(kyiv.folder, legacy)
    lviv, token = store.add_town("Львів")
    assert lviv.id == "lviv" and lviv.id != kyiv.id
    assert store.town_for_token(token).name == "Львів"
    assert store.versions(lviv) == [] and len(store.versions(kyiv)) == 1
    other, _ = store.add_town("Львів область")
    assert other.id not in ("lviv", "abschnitt", kyiv.id)


# a Latin letter and a letter of another script that looks just like it
LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "K": "К", "A": "Α", "o2": "ο", "H": "Н"}
INVISIBLE = ["\u200b", "\u200d", "\u2060", "\u202e", "\u202d", "\u2066", "\u200e", "\u00ad", "\ufeff", "\u3164"]


@SETTINGS
@given(st.sampled_from(["Kassel", "Bad Homburg", "Hanau", "Offenbach am Main", "Weiterstadt", "Kelkheim"]),
       st.data())
def test_a_look_alike_letter_in_a_latin_name_is_refused_naming_it(base, data):
    places = [i for i, ch in enumerate(base) if ch in LOOK_ALIKES]
    i = data.draw(st.sampled_from(places))
    fake = LOOK_ALIKES[base[i]]
    with pytest.raises(NameRefused) as caught:
        check(base[:i] + fake + base[i + 1:])
    assert f"U+{ord(fake):04X}" in str(caught.value) and f"U+{ord(fake):04X}" in caught.value.german


@SETTINGS
@given(st.sampled_from(["Kassel", "Львів", "Αθήνα", "Bad Vilbel"]), st.sampled_from(INVISIBLE), st.data())
def test_an_invisible_or_bidi_character_anywhere_is_refused_naming_it(base, char, data):
    i = data.draw(st.integers(0, len(base)))
    name = base[:i] + char + base[i:]
    if not name.strip(char + " "):
        return
    with pytest.raises(NameRefused) as caught:
        check(name)
    assert f"U+{ord(char):04X}" in str(caught.value)


def test_add_town_refuses_a_look_alike_name_in_english_and_makes_no_space(tmp_path):
    for name, code in (("Kаssel", "U+0430"), ("Kassel\u202e", "U+202E"), ("Kas\u200bsel", "U+200B")):
        r = subprocess.run([*CLI, "portal", "add-town", name, "--data", str(tmp_path), "--base-url", "http://x"],
                           cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 1 and code in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not any((tmp_path / "towns").iterdir())
    ok = subprocess.run([*CLI, "portal", "add-town", "Львів", "--data", str(tmp_path), "--base-url", "http://x"],
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "/t/" in ok.stdout and "cannot print" not in ok.stderr  # the fonts print Cyrillic


def test_names_that_differ_only_by_normalisation_are_one_town(tmp_path):
    store = Store(tmp_path)
    store.add_town("Dvůr Králové")
    with pytest.raises(FileExistsError):
        store.add_town(unicodedata.normalize("NFD", "Dvůr  Králové"))


# -- workbooks -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> bytes:
    """A new workbook filled in as a town would (openpyxl)."""
    folder = tmp_path_factory.mktemp("filled")
    path = init_draft("Musterstadt", folder, draft_template()[1])
    return fill(path, sample_data()).read_bytes()


def _merged(data: bytes, sheet: str, cells: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    book[sheet].merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DATA_SHEETS = [s.title for s in draft_template()[1].sheets]
CORPUS_MERGE = ("Maßnahmen", "A1:E3")


@SETTINGS
@given(st.sampled_from(DATA_SHEETS), st.integers(1, 5), st.integers(1, 5), st.integers(0, 3), st.integers(0, 4))
def test_merged_cells_anywhere_are_e_merged_cells_naming_sheet_and_range(tmp_path_factory, filled, sheet, row, col,
                                                                         rows, cols):
    if rows == cols == 0:
        return  # one cell is no merge
    cells = f"{openpyxl.utils.get_column_letter(col)}{row}:{openpyxl.utils.get_column_letter(col + cols)}{row + rows}"
    folder = tmp_path_factory.mktemp("merged")
    (folder / "strategie.xlsx").write_bytes(_merged(filled, sheet, cells))
    findings = check_draft(folder)
    assert not any(f.code == "E-INTERNAL" or f.tool_fault for f in findings), [str(f) for f in findings]
    merged = [f for f in findings if f.code == "E-MERGED-CELLS"]
    assert any(f.location.sheet == sheet and f.args_dict.get("cells") == cells for f in merged), \
        (sheet, cells, [str(f) for f in findings])


def test_the_cli_draft_names_the_merged_header_and_writes_nothing(tmp_path, filled):
    folder = tmp_path / "musterstadt"
    folder.mkdir()
    (folder / "strategie.xlsx").write_bytes(_merged(filled, *CORPUS_MERGE))
    r = subprocess.run([*CLI, "draft", str(folder), "--out", str(tmp_path / "out")], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "E-MERGED-CELLS" in r.stdout + r.stderr and "A1:E3" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "E-INTERNAL" not in r.stdout + r.stderr
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


# Strict Open XML, written by hand from the standard (ISO/IEC 29500-1 §A, -4), not from the reader's table
STRICT = [
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
     b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
     b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
]


def strict(data: bytes) -> bytes:
    """DATA as Excel's „Strict Open XML-Arbeitsmappe“ names its namespaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            part = z.read(info)
            for usual, iso in STRICT:
                part = part.replace(usual, iso)
            if info.filename == "xl/workbook.xml":
                part = part.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            w.writestr(info.filename, part)
    return out.getvalue()


def encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("geheim", out)
    return out.getvalue()


def _codes(folder: Path) -> list[tuple[str, str | None, int | None]]:
    return sorted((f.code, f.location.sheet, f.location.row) for f in check_draft(folder))


def test_a_strict_workbook_reads_as_the_same_workbook(tmp_path, filled):
    usual, iso = tmp_path / "usual", tmp_path / "iso"
    for folder, data in ((usual, filled), (iso, strict(filled))):
        folder.mkdir()
        (folder / "strategie.xlsx").write_bytes(data)
    with zipfile.ZipFile(iso / "strategie.xlsx") as z:
        assert b"purl.oclc.org/ooxml/spreadsheetml/main" in z.read("xl/workbook.xml")
    assert not any(code == "W-MISSING-SHEET" for code, *_ in _codes(iso))
    assert _codes(iso) == _codes(usual)


def test_the_cli_says_a_workbook_is_password_protected(tmp_path, filled):
    folder = tmp_path / "musterstadt"
    folder.mkdir()
    (folder / "strategie.xlsx").write_bytes(encrypted(filled))
    r = subprocess.run([*CLI, "draft", str(folder), "--out", str(tmp_path / "out")], cwd=ROOT,
                       capture_output=True, text=True)
    said = r.stdout + r.stderr
    assert r.returncode != 0 and "E-ENCRYPTED" in said and "password" in said, said
    assert "not a zip file" not in said and "Traceback" not in said


def test_an_old_office_file_named_xlsx_is_not_called_a_broken_zip(tmp_path):
    folder = tmp_path / "musterstadt"
    folder.mkdir()
    # the compound file's header: what an Excel 97–2003 .xls starts with
    (folder / "strategie.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    findings = check_draft(folder)
    assert [f.code for f in findings] == ["E-NOT-WORKBOOK"] and ".xls" in findings[0].message


# -- the portal, served -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("portal") / "data"
    store = Store(data)
    tokens = {name: store.add_town(name)[1] for name in ("Musterstadt", "Львів")}
    tokens["admin"] = store.new_admin_token()
    server = Server(data, workers=1).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            yield client, store, tokens
    finally:
        server.stop()


def _csrf(client, token: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(f"/t/{token}/").text).group(1)


def _upload(client, token: str, files) -> httpx.Response:
    return client.post(f"/t/{token}/hochladen", data={"csrf": _csrf(client, token)}, files=files)


def _result_page(client, store, town: str, r: httpx.Response, timeout: float = 300) -> str:
    assert r.status_code == 303, r.text[-2000:]
    version = store.versions(store.find(town))[-1]
    end = time.monotonic() + timeout
    while version.job().get("state") not in ("done", "failed") and time.monotonic() < end:
        time.sleep(0.2)
    return client.get(r.headers["location"]).text


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_portal_names_the_merged_header_in_german(served, filled):
    client, store, tokens = served
    r = _upload(client, tokens["Musterstadt"], {"arbeitsmappe": ("strategie.xlsx", _merged(filled, *CORPUS_MERGE))})
    page = _text(_result_page(client, store, "Musterstadt", r))
    assert "A1:E3" in page and "verbunden" in page and "Maßnahmen" in page, page[-3000:]
    assert "E-INTERNAL" not in page and "Programmfehler" not in page


def test_the_portal_reads_a_strict_workbook(served, filled):
    client, store, tokens = served
    r = _upload(client, tokens["Musterstadt"], {"arbeitsmappe": ("strategie.xlsx", strict(filled))})
    _result_page(client, store, "Musterstadt", r)
    result = store.versions(store.find("Musterstadt"))[-1].result()
    assert not [f for f in result["findings"] if f["code"] == "W-MISSING-SHEET"]
    assert result["outcome"] == "ready", result


def test_the_portal_says_in_german_that_a_workbook_has_a_password(served, filled):
    client, store, tokens = served
    r = _upload(client, tokens["Musterstadt"], {"arbeitsmappe": ("strategie.xlsx", encrypted(filled))})
    page = _text(_result_page(client, store, "Musterstadt", r))
    assert "Kennwort" in page and "zip" not in page.lower(), page[-3000:]


def test_two_files_in_one_field_are_told_only_one_is_allowed(served, filled):
    client, store, tokens = served
    before = len(store.versions(store.find("Musterstadt")))
    two = [("arbeitsmappe", ("a.xlsx", filled)), ("arbeitsmappe", ("b.xlsx", filled))]
    r = _upload(client, tokens["Musterstadt"], two)
    assert r.status_code == 400 and "nur eine Datei" in _text(r.text)
    assert "keine Datei ausgewählt" not in _text(r.text)
    photos = [("foto", ("a.jpg", b"\xff\xd8\xff")), ("foto", ("b.jpg", b"\xff\xd8\xff"))]
    r = client.post(f"/t/{tokens['Musterstadt']}/foto", data={"csrf": _csrf(client, tokens["Musterstadt"])},
                    files=photos)
    assert r.status_code == 400 and "nur eine Datei" in _text(r.text)
    assert len(store.versions(store.find("Musterstadt"))) == before


def test_a_town_named_in_cyrillic_is_drafted_end_to_end(served, tmp_path):
    """Львів downloads its own workbook (Kommune in its own script: the fonts print Cyrillic),
    fills it in and gets a draft; its space is its own."""
    client, store, tokens = served
    token = tokens["Львів"]
    got = client.get(f"/t/{token}/arbeitsmappe.xlsx")
    assert got.status_code == 200
    path = tmp_path / "strategie.xlsx"
    path.write_bytes(got.content)
    fill(path, sample_data())
    r = _upload(client, token, {"arbeitsmappe": ("strategie.xlsx", path.read_bytes())})
    _result_page(client, store, "Львів", r)
    town = store.find("Львів")
    assert town.id == "lviv"
    result = store.versions(town)[-1].result()
    assert result["outcome"] == "ready", [f for f in result["findings"] if f["severity"] == "error"]
    assert store.versions(town)[-1].file("pdf").is_file()


def test_the_admin_page_refuses_a_look_alike_name_in_german_naming_it(served):
    client, store, tokens = served
    admin = f"/admin/{tokens['admin']}"
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(admin + "/").text).group(1)
    for name, code in (("Kаssel", "U+0430"), ("Kassel\u202e", "U+202E")):
        r = client.post(admin + "/kommunen", data={"csrf": token, "name": name})
        page = _text(r.text)
        assert r.status_code == 400 and code in page and "Bitte tippen Sie" in page, page[-2000:]
    assert {t.name for t in store.towns()} == {"Musterstadt", "Львів"}


@pytest.mark.parametrize("sheet, cells", [("quotes", "A1:C1"), ("regions", "A1:B3"), ("figures", "A2:A4")])
def test_an_editions_workbook_with_merged_cells_is_e_merged_cells_for_build_too(tmp_path, sheet, cells):
    from editions import EDITION, TABLES, TEXTS, write_edition
    folder = write_edition(tmp_path / "ed", tables=TABLES, texts=dict(TEXTS), edition=EDITION, fmt="xlsx")
    path = folder / "data" / "workbook.xlsx"
    book = openpyxl.load_workbook(path)
    book[sheet].merge_cells(cells)
    book.save(path)
    r = subprocess.run([*CLI, "build", str(folder), "--out", str(tmp_path / "out")], cwd=ROOT,
                       capture_output=True, text=True)
    said = r.stdout + r.stderr
    assert r.returncode == 1 and "E-MERGED-CELLS" in said and cells in said and f"'{sheet}'" in said, said
    assert "Traceback" not in said and "E-INTERNAL" not in said and not (tmp_path / "out").exists()


def test_a_workbook_names_a_town_of_another_script_by_its_letters():
    from pipeline.web.portal.ownership import same_town
    assert same_town("Lviv", "Львів") and same_town("Stadt Athina", "Αθήνα")
    assert not same_town("Kiiv", "Львів") and not same_town("Київ", "Львів")
