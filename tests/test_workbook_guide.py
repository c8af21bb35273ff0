"""The sheet Anleitung says what the workbook reader really accepts (dates, groups of fields,
lines and lists in a cell, the council's step), and the workbook a town downloads from the
portal speaks of the portal, not of folders, commands and text files (issue 30, defect 7)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from openpyxl import load_workbook
from portal_server import fill, sample_data

from pipeline.drafts.draft import draft_template, load_draft
from pipeline.drafts.scaffold import init_draft
from pipeline.load.german import parse_date
from pipeline.load.when import parse_when
from pipeline.tree import ListBlock, Paragraph
from pipeline.web.portal.store import Store

_, LAYOUT = draft_template()


def guide(path: Path) -> list[str]:
    return [str(c.value) for row in load_workbook(path)["Anleitung"].iter_rows() for c in row if c.value]


def line(lines: list[str], start: str) -> str:
    return next(x for x in lines if x.startswith(start))


def walk(node):
    """Every node of the content tree, depth first."""
    yield node
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            for item in value if isinstance(value, list) else [value]:
                if dataclasses.is_dataclass(item):
                    yield from walk(item)


def test_every_date_form_the_guide_names_is_read(tmp_path):
    dates = line(guide(init_draft("Teststadt", tmp_path, LAYOUT)), "Daten:")
    assert "TT.MM.JJJJ" in dates and "Frühjahr" in dates
    day, when = dates.split("In den Spalten „Datum“")
    day_forms = [x for x in re.findall(r"\(([^)]*)\)", day)]
    assert day_forms == ["31.12.2019"] and parse_date("31.12.2019")
    when_forms = [x for group in re.findall(r"\(([^)]*)\)", when) for x in group.split(", ") if "Blatt" not in x]
    assert len(when_forms) == 7
    for typed in when_forms:
        assert parse_when(typed).text, typed  # raises BadValue for a form the reader refuses


def test_groups_lists_and_the_councils_step_work_as_the_guide_says(tmp_path):
    lines = guide(init_draft("Teststadt", tmp_path / "neu", LAYOUT))
    assert "8.1.1" in line(lines, "Handlungsfelder gliedern") and "Alt+Eingabe" in line(lines, "Zeilen und Listen")
    assert "vorgestellt" in line(lines, "Befassung")
    data = sample_data("michelstadt")  # its fields of action are grouped as 8 / 8.1 / 8.1.1
    assert [f["number"] for f in data["handlungsfelder"][:3]] == ["8", "8.1", "8.1.1"]
    data["massnahmen"].append({"field": "8.1.1", "text": "Straßenfest im Westend", "horizon": "kurzfristig"})
    data["texte"]["aufgabe"] = ("Ein erster Absatz.\nEin zweiter Absatz.\n- Punkt a\n- Punkt b\n  - Unterpunkt\n"
                                "1. Erstens\n2. Zweitens")
    data["stammdaten"].update(council="Ausschuss für Soziales", council_decision="", council_step="vorgestellt")
    data["beteiligung"][0]["date"] = "Frühjahr 2012"
    folder = tmp_path / "teststadt"
    folder.mkdir()
    fill(init_draft("Teststadt", folder, LAYOUT), data)
    source = load_draft(folder)
    assert not source.report.errors, [str(f) for f in source.report.errors]
    nodes = list(walk(source.document))
    lists = [n for n in nodes if isinstance(n, ListBlock)]
    bullets = next(x for x in lists if not x.ordered and "Punkt a" in str(x))
    assert [i.level for i in bullets.items] == [0, 0, 1]
    assert any(x.ordered and "Erstens" in str(x) and "Zweitens" in str(x) for x in lists)
    paragraphs = [str(n) for n in nodes if isinstance(n, Paragraph)]
    assert any("Ein erster Absatz." in p and "Ein zweiter" not in p for p in paragraphs)  # a line, a paragraph
    assert "Straßenfest im Westend" in str(source.document) and "Vernetzung und Kooperation" in str(source.document)
    assert any("Vorgestellt: Ausschuss für Soziales." in p for p in paragraphs)  # Befassung, no date


def test_the_portals_workbook_speaks_of_the_portal_the_clis_of_commands_and_files(tmp_path):
    store = Store(tmp_path / "data")
    town, _ = store.add_town("Maintal")
    portal = " ".join(guide(store.ensure_workbook(town)))
    cli = " ".join(guide(init_draft("Maintal", tmp_path / "cli", LAYOUT)))
    assert "hochladen" in portal.lower() or "laden Sie sie" in portal
    assert "Strategie-Portal" in portal and "Version" in portal
    for cli_only in ("brochure", "<Ordner>", ".md", "Textdatei"):
        assert cli_only not in portal, cli_only
        assert cli_only in cli, cli_only
    assert "Portal" not in cli
    # what both say is the same
    for shared in LAYOUT.instructions:
        assert shared in portal and shared in cli
