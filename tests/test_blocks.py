"""Generic blocks any brochure type may use: Markdown tables, boxes, citations, named blocks,
the bibliography. Read back from the tree here; the KIV handbook tests read them back from files."""

from __future__ import annotations

import pytest

from pipeline.assemble.bibliography import Bibliographer
from pipeline.errors import InputError, Location
from pipeline.load.markdown import Cite, citations, parse, text_passages
from pipeline.load.records import Record
from pipeline.tree import Box, DataTable, plain

TABLE = """| Ziel | Beschreibung |
|------|---------------------|
| Information | Wissen *vermitteln* |
| Dialog |  |
"""


def test_pipe_table_keeps_header_rows_and_widths_from_the_dashes():
    intro, _ = parse(TABLE, "t.md", "c")
    (table,) = intro
    assert isinstance(table, DataTable)
    assert [plain(c) for c in table.header] == ["Ziel", "Beschreibung"]
    assert [[plain(c) for c in row] for row in table.rows] == [["Information", "Wissen vermitteln"], ["Dialog", ""]]
    assert table.widths == pytest.approx([0.2222, 0.7778], abs=1e-3)
    assert table.rows[0][1][1].italic


def test_table_cells_are_passages_for_the_lost_content_check():
    assert (3, ["Wissen vermitteln"]) in text_passages(TABLE)


class Recorder:
    """A resolver that records what the parser asks for."""

    def __init__(self):
        self.cites, self.directives = [], []

    def cite(self, cites, where):
        self.cites.append((cites, where.row))
        return "(X)"

    def directive(self, name, argument, blocks, where):
        self.directives.append((name, argument, where.row))
        return [Box(title=f"{name}:{argument}", blocks=blocks, kind=name)]


def test_citations_are_resolved_and_split_for_the_checks():
    source = "Siehe [vgl. @kgst2017a, S. 16] und [@a; @b].\n\nKein [Link] und keine mail@example.de.\n"
    r = Recorder()
    intro, _ = parse(source, "t.md", "c", r)
    assert plain(intro[0].runs) == "Siehe (X) und (X)."
    assert r.cites == [([Cite("kgst2017a", "vgl.", "S. 16")], 1), ([Cite("a"), Cite("b")], 1)]
    assert plain(intro[1].runs) == "Kein [Link] und keine mail@example.de."
    assert text_passages(source)[0] == (1, ["Siehe", "und", "."])
    assert citations("Link") is None


def test_box_fences_wrap_blocks_and_name_their_line():
    source = "Vorher.\n\n::: praxis maintal\nIm Kasten.\n\n- Punkt\n:::\n\nNachher.\n"
    r = Recorder()
    intro, _ = parse(source, "t.md", "c", r)
    assert [type(b).__name__ for b in intro] == ["Paragraph", "Box", "Paragraph"]
    box = intro[1]
    assert box.title == "praxis:maintal" and [type(b).__name__ for b in box.blocks] == ["Paragraph", "ListBlock"]
    assert r.directives == [("praxis", "maintal", 3)]


def test_heading_inside_a_box_is_an_error():
    with pytest.raises(InputError) as exc:
        parse("::: box Titel\n## Innen\n:::\n", "t.md", "c")
    assert exc.value.findings[0].code == "E-HEADING-IN-BOX"
    assert exc.value.findings[0].location.row == 2


def test_box_title_text_is_data_not_markup():
    intro, _ = parse("::: box #read(\"x\") $a$ {{ y }}\nText\n:::\n", "t.md", "c")
    assert intro[0].title == '#read("x") $a$ {{ y }}'


def _ref(rid, authors, year, title, **more):
    values = {"id": rid, "authors": authors, "year": year, "title": title, "editors": "", "publisher": "",
              "place": "", "url": "", "note": "", "label": "", **more}
    return Record("references", 2, values, Location(file="data/references.csv"))


def test_bibliography_sorts_german_style_labels_and_disambiguates_years():
    bib = Bibliographer([
        _ref("z", "Zander, Uwe", "2019", "Zweites"),
        _ref("o2", "Öhler, Anna", "2017", "B-Titel"),
        _ref("o1", "Öhler, Anna", "2017", "A-Titel"),
        _ref("g", "Groß, Eva/Klein, Jan", "2001", "Gemeinsam", editors="ja", publisher="Verlag", place="Ort"),
        _ref("m", "Maier, A./Bauer, B./Conrad, C.", "", "Drei", url="https://example.org/x"),
    ], {})
    block = bib.block()
    assert [e.id for e in block.entries] == ["g", "m", "o1", "o2", "z"]  # Ö sorts as O
    assert bib.label("o1") == "Öhler 2017a" and bib.label("o2") == "Öhler 2017b"
    assert bib.label("m") == "Maier u. a. o. J."
    assert bib.label("nope") is None
    assert plain(block.entries[0].runs) == "Groß, Eva/Klein, Jan (Hrsg., 2001): Gemeinsam. Verlag, Ort."
    assert plain(block.entries[1].runs) == "Maier, A./Bauer, B./Conrad, C.: Drei. URL: https://example.org/x"
    assert block.entries[0].runs[1].italic
