"""A town's own workbook, and only its own data, in its draft (issue 30, defects 3 and 4), driven
through the portal as a town uses it: the workbook downloaded from a town's link, uploaded
through the form, the draft's page read and its PDF read back with pypdf."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.drafts.draft import draft_template, load_draft  # noqa: E402
from pipeline.drafts.scaffold import example_value, init_draft  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.ownership import same_town  # noqa: E402
from pipeline.web.portal.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()
_, LAYOUT = draft_template()
MASTER = LAYOUT.by_role("master")
KOMMUNE_ROW = [c.name for c in MASTER.columns].index("municipality") + 2  # Angabe | Wert, from row 2


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def post(client, token, data: bytes, **fields):
    page = client.get(f"/t/{token}/").text
    return client.post(f"/t/{token}/hochladen", data={"csrf": csrf(page), **fields},
                       files={"arbeitsmappe": ("strategie.xlsx", data)}, follow_redirects=False)


def wait(version, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if version.job().get("state") in ("done", "failed"):
            return version.job()
        time.sleep(0.1)
    raise AssertionError(f"job still {version.job()}")


def with_kommune(data: bytes, name: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book[MASTER.title].cell(row=KOMMUNE_ROW, column=2).value = name
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- defect 3: another town's workbook ----------------------------------------------------------
@pytest.fixture
def towns(tmp_path):
    store = Store(tmp_path)
    _, musterhausen = store.add_town("Musterhausen")
    _, eschwege = store.add_town("Stadt Eschwege")
    with TestClient(create_app(tmp_path, workers=1, start_jobs=False)) as client:
        yield client, store, musterhausen, eschwege


def test_a_town_uploading_another_towns_workbook_is_refused_with_the_cell(towns):
    client, store, musterhausen, eschwege = towns
    theirs = client.get(f"/t/{musterhausen}/arbeitsmappe.xlsx").content  # Musterhausen's, as downloaded
    r = post(client, eschwege, theirs)
    assert r.status_code == 409
    text = re.sub(r"\s+", " ", r.text)
    assert (f"Blatt „{MASTER.title}“, Zeile {KOMMUNE_ROW}, Spalte „Wert“: Diese Arbeitsmappe gehört zu „Musterhausen“, "
            "nicht zu Stadt Eschwege") in text
    assert "Laden Sie die Arbeitsmappe von Stadt Eschwege hoch" in text
    assert store.versions(store.find("Stadt Eschwege")) == []  # nothing kept
    # the page offers to use it anyway; confirmed, it is taken
    assert "Trotzdem für Stadt Eschwege hochladen" in text and 'name="andere_kommune" value="ja"' in r.text
    r = post(client, eschwege, theirs, andere_kommune="ja")
    assert r.status_code == 303 and len(store.versions(store.find("Stadt Eschwege"))) == 1


def test_the_towns_own_name_as_typed_is_its_own(towns):
    client, store, _, eschwege = towns
    own = client.get(f"/t/{eschwege}/arbeitsmappe.xlsx").content
    for typed in ("Eschwege", "ESCHWEGE", "Stadt Eschwege", "Eschwege, Stadt", "Kreisstadt Eschwege (Hessen)"):
        assert post(client, eschwege, with_kommune(own, typed)).status_code == 303, typed
    assert len(store.versions(store.find("Stadt Eschwege"))) == 5
    assert post(client, eschwege, with_kommune(own, "Musterhausen")).status_code == 409


def test_names_are_compared_as_people_write_them():
    for a, b in (("Stadt Eschwege", "Eschwege"), ("Groß-Umstadt", "Gross Umstadt"), ("Bürstadt", "BUERSTADT"),
                 ("Frankfurt am Main", "Frankfurt"), ("Gemeinde Biebertal", "Biebertal"), ("Eschwege", "")):
        assert same_town(a, b), (a, b)
    for a, b in (("Musterhausen", "Eschwege"), ("Bad Soden", "Soden"), ("Neu-Isenburg", "Isenburg")):
        assert not same_town(a, b), (a, b)


# -- defect 4: the new workbook's examples ------------------------------------------------------
def examples_in(layout) -> list[str]:
    """Every example text the new workbook holds that a draft could print as the town's."""
    out = []
    for sheet in layout.sheets:
        for c in sheet.columns:
            value = example_value(c)
            if isinstance(value, str) and len(value) > 3 and not c.column.choices and c.name != "municipality":
                out.append(value)
    return out


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_the_untouched_workbook_prints_no_example_as_real_and_says_how_many_are_left(tmp_path):
    store = Store(tmp_path)
    _, token = store.add_town("Musterhausen")
    _, maintal = store.add_town("Maintal")
    with TestClient(create_app(tmp_path, workers=1)) as client:
        untouched = client.get(f"/t/{token}/arbeitsmappe.xlsx").content
        r = post(client, token, untouched)
        assert r.status_code == 303
        version = store.versions(store.find("Musterhausen"))[-1]
        assert wait(version)["state"] == "done" and version.result()["outcome"] == "ready"
        page = re.sub(r"\s+", " ", client.get(r.headers["location"]).text)
        left = [f for f in version.result()["findings"] if f["code"] in ("W-EXAMPLE-ROW", "W-EXAMPLE-VALUE")]
        assert len(left) >= len([s for s in LAYOUT.sheets if s.layout == "table"]) - 1  # a row per table, and more
        assert f"Noch {len(left)} Beispiele aus der leeren Arbeitsmappe" in page
        filled = int(re.search(r"(\d+) von \d+ Abschnitten sind ausgefüllt", page).group(1))
        assert filled == 0  # an example never fills a section
        text = pdf_text(client.get(r.headers["location"] + "/entwurf.pdf").content)
        assert "Musterhausen" in text
        for example in examples_in(LAYOUT) + ["Max Beispiel", "Erika Muster", "integration@musterstadt.de",
                                              "Kreis Musterland", "Musterstadt", "25.000"]:
            assert re.sub(r"\s+", " ", example) not in text, example

        # a filled workbook is not touched by any of it
        r = post(client, maintal, MAINTAL)
        v = store.versions(store.find("Maintal"))[-1]
        assert wait(v)["state"] == "done" and v.result()["outcome"] == "ready"
        page = re.sub(r"\s+", " ", client.get(r.headers["location"]).text)
        assert "aus der leeren Arbeitsmappe" not in page
        assert "9 von 9 Abschnitten sind ausgefüllt" in page
        assert "Beispiel aus der Vorlage" not in pdf_text(client.get(r.headers["location"] + "/entwurf.pdf").content)


def test_a_required_example_cell_beside_own_entries_prints_marked_and_optional_ones_not_at_all(tmp_path):
    folder = tmp_path / "musterhausen"
    path = init_draft("Musterhausen", folder, LAYOUT)
    book = load_workbook(path)
    sheet = LAYOUT.by_role("measures")
    headers = [c.name for c in sheet.columns]
    ws = book[sheet.title]
    ws.cell(row=2, column=headers.index("responsible") + 1).value = "Integrationsbüro Musterhausen"
    principles = LAYOUT.by_role("principles")
    book[principles.title].cell(row=2, column=[c.name for c in principles.columns].index("text") + 1).value = \
        "Musterhausen lebt von allen, die hier wohnen."
    book.save(path)
    source = load_draft(folder)
    measure = source.records[sheet.key][0]
    example = example_value(sheet.columns[headers.index("text")])
    assert measure["text"] == f"[Beispiel aus der Vorlage, bitte ersetzen: {example}]"  # required: marked
    assert measure["indicator"] is None and measure["responsible"] == "Integrationsbüro Musterhausen"
    principle = source.records[principles.key][0]
    assert principle["title"] is None and principle["text"].startswith("Musterhausen lebt")
    # the field of action the measure belongs to is the example row: kept for it, its title marked
    fields = LAYOUT.by_role("fields")
    (field,) = source.records[fields.key]
    assert field["title"].startswith("[Beispiel aus der Vorlage") and field["text"] is None
    codes = [(f.code, f.location.sheet) for f in source.report.findings if f.code.startswith("W-EXAMPLE")]
    assert ("W-EXAMPLE-ROW", fields.title) not in codes and ("W-EXAMPLE-VALUE", fields.title) in codes


def test_the_cli_says_how_many_examples_are_left(tmp_path):
    folder = tmp_path / "musterhausen"
    init_draft("Musterhausen", folder, LAYOUT)
    r = CliRunner().invoke(main, ["draft", str(folder), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    left = re.search(r"(\d+) examples from the new workbook left", r.output)
    findings = load_draft(folder).report.findings
    assert left and int(left.group(1)) == sum(f.code.startswith("W-EXAMPLE-") for f in findings) > 0
    checked = CliRunner().invoke(main, ["check", str(folder)])
    assert f"{left.group(1)} examples from the new workbook left" in checked.output
