"""The German HTML report as a reviewer reads it (issue 31, item 10): the sidebar names the
chapter; no internal name (a table's id, a snake_case column, a record's id) in German text;
added and removed records with all their fields; a moved paragraph on both sides; a moved
chapter from where to where; and the page of each change the page of the new PDF its words
stand on, records included.

A third edited pair (halbzeitbilanz-2013 with edits of records, a chart's data, a moved
paragraph and a deletion at the top of a page) is built here besides the samples' pairs."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from edited_edition import built
from pipeline.diff.change_pages import _probes
from pipeline.diff.changes import compare
from pipeline.diff.comparison import Change, Comparison
from pipeline.diff.edition_view import read_view
from pipeline.diff.report import nav_subject_de, short_titles, to_html
from pipeline.diff.views import ChapterView, EditionView, SectionView
from pipeline.verify.text_index import TextIndex

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "inputs" / "halbzeitbilanz-2013"
DELETED_AT_PAGE_TOP = "die komplexen Wirkungsannahmen"  # its paragraph begins on the page before
NEW_FIGURE = "kassel;Ehrenamtliche Sprachmittlerinnen;45;Personen;31.12.2012;Zukunftsbüro\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")
    assert text.count(old) == 1, (path.name, old[:60])
    path.write_text(text.replace(old, new), encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")


def _swap_first_paragraphs(path: Path, heading: str) -> None:
    """The first two paragraphs under HEADING change places."""
    text = path.read_text(encoding="utf-8")
    head = text.index(heading + "\n\n") + len(heading) + 2
    first_end = text.index("\n\n", head)
    second_end = text.index("\n\n", first_end + 2)
    first, second = text[head:first_end], text[first_end + 2:second_end]
    path.write_text(text[:head] + second + "\n\n" + first + text[second_end:], encoding="utf-8")


def make_report_pair(dest: Path) -> tuple[Path, Path]:
    """OLD: the 2013 sample; NEW: it with the edits the report must name in detail."""
    old, new = dest / "hzb-alt", dest / "hzb-neu"
    for folder in (old, new):
        shutil.copytree(BASE, folder)
    d, t = new / "data", new / "text"
    _replace(d / "photos.csv", "Staatsminister Jörg-Uwe Hahn unterhält sich im Stehen",
             "Staatsminister Jörg-Uwe Hahn spricht im Stehen")  # an alt text
    _replace(d / "kassel_altersgruppen.csv", "18 bis unter 30 Jahre;38;62", "18 bis unter 30 Jahre;40;60")  # chart data
    (d / "figures.csv").write_text((d / "figures.csv").read_text(encoding="utf-8-sig") + NEW_FIGURE,
                                   encoding="utf-8-sig")  # a new key figure
    _replace(d / "figures.csv", "kassel;Geförderte Projekte;15;Projekte;;", "kassel;Geförderte Projekte;15;Projekte;31.12.2012;")
    _replace(d / "contacts.csv", "c-kassel-bieker;kassel;Programmleiter;Ullrich Bieker;;;;;;0561 - 787-21 87;;"
             "ullrich.bieker@stadt-kassel.de;\n", "")  # a removed contact
    _replace(d / "contacts.csv", "c-kassel-niering;kassel;Programmkoordination;Peggy Niering;;;",
             "c-kassel-niering;kassel;Programmkoordination;Peggy Niering;;Zukunftsbüro;")  # an organisation
    _replace(d / "quotes.csv", "Bertram Hilgen;Oberbürgermeister;", "Bertram Hilgen;Oberbürgermeister der Stadt Kassel;")
    _replace(d / "portraits.csv", "Qualifizierung und Beratung für Mütter", "Qualifizierung und Begleitung für Mütter")
    _replace(d / "links.csv", "www.zukunft-in-kassel.de", "www.zukunft-kassel.de")
    _replace(t / "regionen" / "kassel.md", "in verschiedenen Bereichen", "in vielen Bereichen")
    _swap_first_paragraphs(t / "regionen" / "kassel.md", "## Konzeption und Umsetzung")  # a moved paragraph
    _replace(t / "evaluation.md", DELETED_AT_PAGE_TOP, "die Wirkungsannahmen")
    return old, new


@pytest.fixture(scope="module")
def own_pair(tmp_path_factory):
    return built(tmp_path_factory.mktemp("report"), make_report_pair)


def make_sheet_pair(dest: Path) -> tuple[Path, Path]:
    """The fact sheet, whose own tables' columns its blocks name („Träger und Verantwortliche“)."""
    base = ROOT / "inputs" / "faktenblatt-2014"
    old, new = dest / "fb-alt", dest / "fb-neu"
    for folder in (old, new):
        shutil.copytree(base, folder)
    d = new / "data"
    _replace(d / "angebote.csv", "Kreis Offenbach mit den Städten", "Kreis Offenbach mit allen Städten")
    (d / "kennzahlen.csv").write_text((d / "kennzahlen.csv").read_text(encoding="utf-8-sig").rstrip("\n")
                                      + "\nk-neu;Förderung je Kommune;5.000 Euro\n", encoding="utf-8-sig")
    _replace(d / "hessen_migration.csv", "Kinder unter sechs Jahren;50;50", "Kinder unter sechs Jahren;52;48")
    return old, new


@pytest.fixture(scope="module")
def sheet_pair(tmp_path_factory):
    return built(tmp_path_factory.mktemp("sheet"), make_sheet_pair)


@pytest.fixture(scope="module")
def kiv_pair(tmp_path_factory):
    return built(tmp_path_factory.mktemp("kiv"))


@pytest.fixture(scope="module")
def pairs(samples, own_pair, kiv_pair, sheet_pair):
    """Every sample edition's edits: the 2013 reprint, the edited handbook, and ours."""
    return {"2012→2013": (samples.out("halbzeitbilanz-2012"), samples.out("halbzeitbilanz-2013")),
            "kiv": kiv_pair, "report": own_pair, "fact sheet": sheet_pair}


_SEEN: dict[tuple, Comparison] = {}


def compared(pair) -> Comparison:
    if pair not in _SEEN:
        _SEEN[pair] = compare(read_view(pair[0]), read_view(pair[1]))
    return _SEEN[pair]


def page_text(page: str) -> str:
    """An HTML page's text as a reader sees it (nav and changes), without markup."""
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def internal_names(folder: Path) -> set[str]:
    """What only the files know: the tables' ids, their columns' keys and the records' ids."""
    content = json.loads((folder / "content.json").read_text(encoding="utf-8"))
    names = set()
    for table, rows in content["records"].items():
        names.add(table)
        for row in rows:
            names.add(str(row["id"]))
            names |= set(row["values"])
    return {n for n in names if re.fullmatch(r"[a-z][a-z0-9_-]*", n) and not n.startswith("row ")}


SNAKE = re.compile(r"(?<![\w.@/:-])[a-z]+(?:_[a-z0-9]+)+(?![\w.@/-])")


def leaks(page: str, names: set[str]) -> list[str]:
    """snake_case words, and the files' ids and keys standing as words of the German text (not
    inside a web or e-mail address, where a record's id may well be part of the domain)."""
    text = page_text(page)
    found = SNAKE.findall(text)
    for name in names:
        found += re.findall(rf"(?<![\w.@/:-]){re.escape(name)}(?![\w.@/-])", text)
    return sorted(set(found))


# -- no internal name --------------------------------------------------------------------------------------
def test_no_internal_name_in_the_german_report_of_any_samples_edits(pairs):
    for name, pair in pairs.items():
        page = to_html(compared(pair))
        names = internal_names(pair[0]) | internal_names(pair[1])
        assert leaks(page, names) == [], name


def test_the_scan_finds_a_table_id_and_a_snake_case_column():
    page = to_html(Comparison("a", "b", ("build", "build"), [
        Change("records", "changed", "kassel_altersgruppen row 3", "x", "38", "40", item="field", name="alt_text",
               column="alt_text")], (1, 1)))
    assert leaks(page, {"kassel_altersgruppen"}) == ["alt_text", "kassel_altersgruppen"]


def test_chart_data_and_columns_are_named_in_german(own_pair):
    c = compared(own_pair)
    row = next(ch for ch in c.changes if ch.item == "chart" and ch.old == "38")  # a chart's data: by the chart
    assert row.where.startswith("Modellregion Integration Stadt Kassel") and "18 bis unter 30 Jahre" in row.column
    assert row.subject == "Verteilung nach Altersgruppen in Prozent"
    page = to_html(c)
    for said in ("Feld „Alternativtext“ geändert", "Feld „Organisation“ geändert", "Feld „Funktion“ geändert",
                 "Feld „Untertitel“ geändert", "Feld „Stand“ geändert", "Feld „Adresse“ geändert"):
        assert said in page, said


def test_a_types_blocks_name_its_columns(sheet_pair):
    """A type's own columns by the words its blocks print („Projektname: {project}“)."""
    from pipeline.diff.changes import _headers
    page = to_html(compared(sheet_pair))
    assert "Feld „Träger und Verantwortliche“ geändert: Integrationskonferenz des Kreises" in page
    chart = page_text(_entry(page, "Diagramm geändert: "))
    assert "mit Migrationshintergrund" in chart and "Menschen in Hessen mit und ohne" in chart
    added = page_text(_entry(page, "Kennzahl neu: "))
    assert "Bezeichnung: Förderung je Kommune" in added and "Stand 2014: 5.000 Euro" in added
    assert _headers({"x": {"type": "cards", "table": "t", "fields": {"Projektname": "{project}", "Zwei": "{a} {b}"}}}) \
        == {"t": {"project": "Projektname"}}


# -- the sidebar ---------------------------------------------------------------------------------------------
def _nav(page: str) -> list[str]:
    nav = re.search(r"<nav.*?</nav>", page, re.S).group(0)
    return [page_text(li).strip() for li in re.findall(r"<li>.*?</li>", nav)]


def test_sidebar_names_the_chapter_of_each_section(own_pair):
    entries = _nav(to_html(compared(own_pair)))
    assert "Absatz geändert: Kassel · Ausgangslage" in " ".join(entries)
    assert any(e.startswith("Absatz verschoben: Kassel · Konzeption und Umsetzung") for e in entries)
    assert any(e.startswith("Feld „Telefon“") is False and "Kassel · Programmkoordination Peggy Niering" in e
               for e in entries)
    assert any(e.startswith("Kennzahl neu: Kassel · Ehrenamtliche Sprachmittlerinnen: 45 Personen") for e in entries)


def test_short_titles_drop_the_words_chapters_share():
    shorts = short_titles(["Vorwort", "Modellregion Integration Stadt Kassel", "Modellregion Integration Stadt Offenbach",
                           "Modellregion Integration Hochtaunuskreis", "Konzeption des Programms", "Konzeption und Umsetzung",
                           "Ausblick", "Ausblick und Dank"])
    assert shorts["Modellregion Integration Stadt Kassel"] == "Kassel"
    assert shorts["Modellregion Integration Hochtaunuskreis"] == "Hochtaunuskreis"
    # a lower-case rest would read as a fragment; a title that is all of another's beginning stays
    assert shorts["Konzeption des Programms"] == "Konzeption des Programms"
    assert shorts["Ausblick und Dank"] == "Ausblick und Dank" and shorts["Vorwort"] == "Vorwort"


# -- detail -----------------------------------------------------------------------------------------------------
def _entry(page: str, heading: str) -> str:
    at = page.index(heading, page.index("</nav>"))  # the change itself, not its sidebar entry
    return page[at:page.index('<div class="change', at)] if '<div class="change' in page[at:] else page[at:]


def test_added_and_removed_records_show_their_fields(own_pair):
    page = to_html(compared(own_pair))
    removed = page_text(_entry(page, "Kontakt entfernt: "))
    assert "Ullrich Bieker" in removed and "Telefon: 0561 - 787-21 87" in removed \
        and "E-Mail: ullrich.bieker@stadt-kassel.de" in removed and "Gruppe: Programmleiter" in removed
    figure = page_text(_entry(page, "Kennzahl neu: "))
    assert "Wert: 45" in figure and "Einheit: Personen" in figure and "Stand: 31.12.2012" in figure
    assert "Kennzahl neu: Modellregion Integration Stadt Kassel / Ehrenamtliche Sprachmittlerinnen: 45 Personen" in figure


def test_moved_paragraph_shows_its_text_on_both_sides(own_pair):
    page = to_html(compared(own_pair))
    moved = _entry(page, "Absatz verschoben: ")
    sides = re.findall(r"<h4>[^<]*</h4>(.*?)</div>", moved, re.S)
    assert len(sides) == 2 and all(s.strip() for s in sides) and sides[0] == sides[1]
    assert "In allen drei Arbeitsfeldern" in sides[0] or "Dass Integration in Kassel" in sides[0]


def _views(order: list[str]) -> EditionView:
    chapters = [ChapterView(c, c.title(), [SectionView("", "", [f"Text von {c} mit genug Worten für den Vergleich."])],
                            (n + 1, n + 1)) for n, c in enumerate(order)]
    return EditionView("x", "build", chapters, pages=len(order))


def test_moved_chapter_says_from_where_to_where():
    c = compare(_views(["vorwort", "kassel", "offenbach", "wiesbaden", "ausblick"]),
                _views(["vorwort", "offenbach", "wiesbaden", "kassel", "ausblick"]))
    moved = next(ch for ch in c.changes if ch.item == "chapter" and ch.kind == "moved")
    assert (moved.where, moved.old, moved.new, moved.name) == ("Kassel", "2", "4", "Wiesbaden")
    page = to_html(c)
    assert "Kapitel verschoben: Kassel (von Stelle 2 nach 4, jetzt nach „Wiesbaden“)" in page
    assert "Kassel (Stelle 2 → 4)" in nav_subject_de(moved, short_titles(c.chapters))


# -- pages -------------------------------------------------------------------------------------------------------
def _pdf_pages(folder: Path) -> list[TextIndex]:
    pdf = next(folder.glob("*.pdf"))
    return [TextIndex(p.extract_text()) for p in PdfReader(pdf).pages]


def test_each_page_is_the_page_the_changed_words_stand_on(pairs):
    for name, pair in pairs.items():
        pages = _pdf_pages(pair[1])
        checked = 0
        for ch in compared(pair).changes:
            if ch.page is None or ch.area == "pages" or ch.item in ("chapter", "running head", "picture"):
                continue
            probes = [p for p in _probes(ch) if p.strip()]
            assert any(pages[ch.page - 1].coverage(p) >= 0.8 for p in probes), (name, ch.what, ch.page, probes)
            checked += 1
        assert checked >= (5 if name != "fact sheet" else 2), name


def test_a_deletion_at_the_top_of_a_page_is_on_that_page(own_pair):
    deletion = next(ch for ch in compared(own_pair).changes if ("delete", "komplexen ") in ch.words)
    pages = _pdf_pages(own_pair[1])
    after = "sichtbar. Wie sich die Wirkungsannahmen des Programms"
    on = [n for n, p in enumerate(pages, 1) if p.coverage(after) == 1.0]
    starts = [n for n, p in enumerate(pages, 1) if p.coverage("Auch die Analyse des Gesamtprogramms") == 1.0]
    assert on and starts and on[0] == starts[0] + 1  # the planted case: its paragraph begins a page before
    assert deletion.page == on[0]


def test_records_get_the_page_they_are_printed_on(pairs):
    """Each record of the new edition whose text the PDF prints has its page; only one drawn
    (a chart's data in a chart without text) has none."""
    for name, pair in pairs.items():
        pages = _pdf_pages(pair[1])
        records = [ch for ch in compared(pair).changes if ch.area == "records" and ch.kind != "removed"]
        printed = [ch for ch in records if any(p.coverage(probe) >= 0.8 for p in pages for probe in _probes(ch)
                                               if probe.strip())]
        assert len(printed) >= len(records) - 2 and all(ch.page for ch in printed), \
            [(name, ch.what) for ch in printed if not ch.page]
    figure = next(ch for ch in compared(pairs["report"]).changes if ch.kind == "added" and ch.item == "record")
    pages = _pdf_pages(pairs["report"][1])
    assert pages[figure.page - 1].coverage("Ehrenamtliche Sprachmittlerinnen") == 1.0


def test_a_shortened_sidebar_entry_ends_with_a_word_of_its_change(pairs):
    """What test_diff_edits checks in Chromium (when axe-core is installed), on every pair."""
    for name, pair in pairs.items():
        page = to_html(compared(pair))
        nav = re.search(r"<nav.*?</nav>", page, re.S).group(0)
        for target, entry in re.findall(r'<li><a href="#(c\d+)">(.*?)</a>', nav):
            entry = html.unescape(entry)
            if entry.endswith(" …"):
                change = page_text(re.search(rf'id="{target}".*?(?=<div class="change|</section>)', page, re.S).group(0))
                last = entry[:-2].split()[-1]
                assert re.search(rf"(?<!\w){re.escape(last)}(?!\w)", change), (name, entry)
