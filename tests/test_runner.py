"""One runner for editions and drafts, and the source map that travels beside the tree.

Both fronts load differently (an edition folder, a municipality's workbook) and hand the runner a
`Source`; the runner walks its table of renderers. Every chapter, section and block of every
sample has a place in the inputs, and the place holds the text the block prints."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ROOT
from pipeline import runner
from pipeline.build import load_source
from pipeline.drafts.draft import load_draft
from pipeline.drafts.workbook_layout import draft_template
from pipeline.tree import Card, DataTable, ListBlock, Paragraph, Placeholder, Quote, chapter_blocks, plain, walk_sections

EDITIONS = sorted(p.parent.name for p in (ROOT / "inputs").glob("*/edition.yaml"))
DRAFTS = sorted(p.parent.relative_to(ROOT / "inputs").as_posix()
                for p in (ROOT / "inputs").rglob(draft_template()[1].file))
SAMPLES = [*EDITIONS, *DRAFTS]


def _load(name: str) -> runner.Source:
    folder = ROOT / "inputs" / name
    return load_source(folder) if (folder / "edition.yaml").is_file() else load_draft(folder)


@pytest.fixture(scope="module", params=SAMPLES)
def source(request) -> runner.Source:
    return _load(request.param)


def test_the_samples_are_found():
    assert len(EDITIONS) >= 4 and len(DRAFTS) >= 4


def _nodes(doc):
    for chapter in doc.chapters:
        if chapter.kind == "contents":
            continue
        yield chapter
        yield from walk_sections(chapter.sections)
        yield from chapter_blocks(chapter)


def test_every_chapter_section_and_block_has_a_place_in_a_real_file(source):
    missing = [type(n).__name__ + " " + getattr(n, "title", "") for n in _nodes(source.document)
               if n not in source.places]
    assert missing == []
    templates = ROOT / "templates"
    for node in _nodes(source.document):
        place = source.places.place(node)
        if isinstance(node, Placeholder) and place.file.endswith(".md"):
            continue  # the file the section's text will go to: it does not exist while the section is empty
        where = templates.parent if place.file.startswith("templates/") else source.folder
        assert (where / place.file).is_file(), (place, node)


def _lines(folder: Path, file: str) -> list[str]:
    return (folder / file).read_text(encoding="utf-8-sig").splitlines()


def test_a_markdown_paragraph_s_place_holds_its_text(source):
    """The lines a paragraph's place names hold its words (as typed: markup aside)."""
    checked = 0
    for node in _nodes(source.document):
        place = source.places.place(node)
        if not isinstance(node, Paragraph) or place.line is None or not place.file.endswith(".md"):
            continue
        typed = " ".join(_lines(source.folder, place.file)[place.line - 1:place.end])
        words = [w for w in plain(node.runs).split() if w.isalpha()][:3]
        assert all(w in typed for w in words), (place, words, typed[:120])
        checked += 1
    markdown_files = {c.source for c in source.document.chapters if c.source.endswith(".md")}
    assert checked or not markdown_files


@functools.cache  # the samples' workbooks are only read here
def _workbook(path: Path):
    return load_workbook(path, data_only=True)


def _cell(folder: Path, place) -> str:
    """A cell's text as the file holds it (CSV: German Excel, ';'; a workbook: the saved value)."""
    if place.file.endswith(".csv"):
        text = (folder / place.file).read_bytes().decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        return rows[place.row - 1][rows[0].index(place.column)]
    sheet = _workbook(folder / place.file)[place.sheet]
    header = [str(c.value or "").replace("*", "").strip() for c in sheet[1]]
    value = sheet.cell(place.row, header.index(place.column) + 1).value
    return "" if value is None else str(value)


def test_a_quote_s_fields_point_at_the_cells_it_prints(source):
    quotes = [b for b in _nodes(source.document) if isinstance(b, Quote)]
    for quote in quotes:
        fields = source.places.fields(quote)
        assert _cell(source.folder, fields["text"]).strip() == quote.text
        assert _cell(source.folder, fields["speaker"]).strip() == quote.speaker


def test_a_draft_s_table_cells_and_typed_lists_point_at_their_sheet_cells():
    source = _load("kommunen/michelstadt")
    tables = [b for b in _nodes(source.document) if isinstance(b, DataTable) and source.places.fields(b)]
    assert tables
    checked = 0
    for table in tables:
        for key, place in source.places.fields(table).items():
            row = int(key.split(",")[0].removeprefix("row "))
            assert place.sheet and place.row and place.column, place
            printed = " ".join(plain(c) for c in table.rows[row])
            typed = _cell(source.folder, place).split("\n")[0].strip(" -•")
            if typed and not any(ch.isdigit() for ch in typed):  # numbers and dates print the German way
                assert typed[:20].casefold() in printed.casefold(), (place, typed, printed[:200])
                checked += 1
    assert checked > 20
    lists = [b for b in _nodes(source.document) if isinstance(b, ListBlock) and source.places.place(b).column]
    assert lists  # typed as a list in a cell („- “, „1.“)
    for block in lists:
        assert plain(block.items[0].runs).split()[0] in _cell(source.folder, source.places.place(block))


def test_a_generated_card_points_at_its_row():
    source = _load("kiv-handbuch-2020")
    cards = [c for b in _nodes(source.document) if hasattr(b, "cards") for c in b.cards]
    assert cards and all(isinstance(c, Card) and source.places.place(c).row for c in cards)
    places = [source.places.place(c) for c in cards]
    assert len({(p.file, p.sheet, p.row) for p in places}) == len(cards)  # one row each


# -- the runner ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["programmflyer-2014", "kommunen/rodgau"])
def test_both_fronts_run_through_the_renderer_table(name, tmp_path, monkeypatch):
    """The runner makes each format by the table's entry, once, and writes those bytes."""
    made = []

    def counting(fmt, renderer):
        def render(doc, job):
            made.append(fmt)
            return renderer.render(doc, job)
        return runner.Renderer(render, renderer.read, renderer.in_thread)
    monkeypatch.setattr(runner, "RENDERERS", {fmt: counting(fmt, r) for fmt, r in runner.RENDERERS.items()})
    source = _load(name)
    result = runner.run(source, tmp_path)
    assert sorted(made) == ["docx", "pdf"] and result.output_errors == []
    assert {p.suffix for p in result.files} == {".docx", ".pdf"}
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in result.files} | {"content.json", "manifest.json"}


def test_a_format_left_out_is_not_rendered(tmp_path, monkeypatch):
    made = []
    original = runner.RENDERERS["docx"]
    monkeypatch.setitem(runner.RENDERERS, "docx", runner.Renderer(
        lambda doc, job: made.append("docx") or original.render(doc, job), original.read, False))
    result = runner.run(_load("programmflyer-2014"), tmp_path, formats=("pdf",))
    assert made == [] and [p.suffix for p in result.files] == [".pdf"]


def test_an_edition_and_a_draft_load_into_the_same_kind_of_source():
    edition, draft = _load("programmflyer-2014"), _load("kommunen/maintal")
    assert (edition.kind, draft.kind) == ("edition", "draft")
    assert edition.stem == "programmflyer-2014" and draft.stem == "maintal-entwurf"
    assert draft.expected.source_file == draft_template()[1].file  # generated text points at the workbook
    assert "edition.yaml" in edition.files  # the inputs as read, for the checks and the manifest
    assert any(p.endswith(".md") for p in edition.files)
