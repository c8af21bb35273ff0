"""`brochure diff` of two PDFs read from their structure trees (pipeline/diff/pdf_tree.py): real
builds of kiv-handbuch-2020 and halbzeitbilanz-2013 with planted edits where reading by text
positions went wrong (issue 31, item 7): a long footnote and a footnote in a two-column page
next to a body edit, a new footnote, a chapter title set in several lines, a caption hyphenated
at a line end, a citation „S. 14“ after „des 1.“; identical PDFs; an untagged PDF (the tree
removed), read by positions."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.diff.changes import compare
from pipeline.diff.pdf_view import from_pdf

ROOT = Path(__file__).resolve().parent.parent
CITED = "Die Teilnehmer des 1. Workshops stimmten dem Vorschlag zu (Gesemann 2018, S. 14). Er gilt seitdem."
OLD_TITLE = "2. Kernelemente für die Entwicklung eines kommunalen Leitbildes (Beitrag Dr. Frank Gesemann)"
NEW_TITLE = "2. Kernelemente für die Entwicklung eines kommunalen Leitbildes (Beitrag von Dr. Frank Gesemann)"
CAPTION = "Die sechs Modellregionen Integration in Hessen (schematische Darstellung)"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")
    assert text.count(old) == 1, (path, old[:60])
    path.write_text(text.replace(old, new), encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")


def _copies(name: str, dest: Path) -> tuple[Path, Path]:
    old, new = dest / "alt" / name, dest / "neu" / name
    for folder in (old, new):
        shutil.copytree(ROOT / "inputs" / name, folder)
    return old, new


def _built(root: Path, old: Path, new: Path) -> tuple[Path, Path]:
    build(old, root / "out-alt")
    build(new, root / "out-neu")
    return root / "out-alt" / f"{old.name}.pdf", root / "out-neu" / f"{new.name}.pdf"


@pytest.fixture(scope="module")
def kiv(tmp_path_factory):
    """kiv-handbuch-2020: a long footnote (p. 15) and the text above it changed, a new footnote,
    a chapter title of three lines renamed, a citation after an ordinal changed."""
    root = tmp_path_factory.mktemp("kiv")
    old, new = _copies("kiv-handbuch-2020", root)
    for folder in (old, new):
        _replace(folder / "text" / "einleitung.md", "Zukunftsperspektiven.", f"Zukunftsperspektiven. {CITED}")
    t = new / "text"
    _replace(t / "02-kernelemente.md", "(KGSt 2017a, S. 58)", "(KGSt 2017a, S. 60)")
    _replace(t / "02-kernelemente.md", "kritisch betrachten", "genau betrachten")
    _replace(t / "einleitung.md", "stetigen Wandel.", "stetigen Wandel.[^neu]")
    _replace(t / "einleitung.md", "\n[^1]:", "\n[^neu]: Eine neue Fußnote.\n\n[^1]:")
    _replace(t / "einleitung.md", "S. 14)", "S. 16)")
    _replace(new / "edition.yaml", OLD_TITLE, NEW_TITLE)
    return _built(root, old, new)


@pytest.fixture(scope="module")
def hzb(tmp_path_factory):
    """halbzeitbilanz-2013: the footnote of a two-column page and the other column's text
    changed; a caption hyphenated at a line end changed."""
    root = tmp_path_factory.mktemp("hzb")
    old, new = _copies("halbzeitbilanz-2013", root)
    _replace(new / "text" / "evaluation.md", "gemeint sind immer beide Geschlechter", "gemeint sind immer alle Geschlechter")
    _replace(new / "text" / "evaluation.md", "eng mit dem Träger", "sehr eng mit dem Träger")
    _replace(new / "data" / "photos.csv", CAPTION, CAPTION.replace("Die sechs", "Alle sechs"))
    return _built(root, old, new)


def _text_changes(result, where: str = "") -> list:
    return [c for c in result.changes if c.area == "text" and c.where.startswith(where)]


def _untagged(pdf: Path, dest: Path) -> Path:
    """A copy of PDF without its structure tree, as from a tool that does not tag."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(pdf))
    for key in ("/StructTreeRoot", "/MarkInfo"):
        if key in writer._root_object:
            del writer._root_object[key]
    buf = io.BytesIO()
    writer.write(buf)
    dest.write_bytes(buf.getvalue())
    return dest


def test_a_long_footnote_is_one_change_and_the_text_above_it_another(kiv):
    result = compare(from_pdf(kiv[0]), from_pdf(kiv[1]))
    chapter = _text_changes(result, "2. Kernelemente")
    assert sorted(c.item for c in chapter) == ["footnote", "paragraph"]
    note = next(c for c in chapter if c.item == "footnote")
    assert note.kind == "changed" and note.page == 15 and note.old.startswith("Die Kommunale Gemeinschaftsstelle")
    assert [w for w in note.words if w[0] != "equal"] == [("delete", "58"), ("insert", "60")]
    body = next(c for c in chapter if c.item == "paragraph")
    assert body.page == 15 and [w for w in body.words if w[0] != "equal"] == [("delete", "kritisch"), ("insert", "genau")]
    assert "Koordinierungskreises" not in body.old  # the footnote is not in the body text


def test_a_new_footnote_is_one_report(kiv):
    result = compare(from_pdf(kiv[0]), from_pdf(kiv[1]))
    einleitung = _text_changes(result, "Einleitung")
    notes = [c for c in einleitung if c.item == "footnote"]
    assert [(c.kind, c.new) for c in notes] == [("added", "Eine neue Fußnote.")] and notes[0].page == 5
    assert len(einleitung) == 2  # and the citation below


def test_a_title_in_several_lines_is_renamed_once_without_fragments(kiv):
    result = compare(from_pdf(kiv[0]), from_pdf(kiv[1]))
    renamed = [c for c in result.changes if c.kind == "renamed"]
    assert [(c.old, c.new) for c in renamed] == [(OLD_TITLE, NEW_TITLE)]
    assert not [c for c in result.changes if c.area == "text" and "Gesemann)" in (c.old + c.new)
                and c.where != "Inhalt"]  # no piece of the title as text; the contents entry is text


def test_a_citation_after_an_ordinal_is_reported_in_its_sentence(kiv):
    result = compare(from_pdf(kiv[0]), from_pdf(kiv[1]))
    cited = [c for c in result.changes if "S. 16" in c.new]
    assert len(cited) == 1 and cited[0].item == "paragraph"
    assert "Teilnehmer des 1. Workshops stimmten dem Vorschlag zu (Gesemann 2018, S. 16)." in cited[0].new
    assert [w for w in cited[0].words if w[0] != "equal"] == [("delete", "14"), ("insert", "16")]


def test_the_edited_pair_has_no_other_text_reports(kiv):
    result = compare(from_pdf(kiv[0]), from_pdf(kiv[1]))
    texts = [c for c in result.changes if c.area == "text"]
    # the footnote, the text above it, the new footnote, the citation, the contents entry
    assert len(texts) == 5, [c.what + " " + c.where for c in texts]


def test_a_footnote_of_a_two_column_page_is_one_change_and_the_other_column_another(hzb):
    result = compare(from_pdf(hzb[0]), from_pdf(hzb[1]))
    texts = _text_changes(result, "Evaluation")
    assert sorted((c.item, c.page) for c in texts) == [("footnote", 40), ("paragraph", 40)]
    note = next(c for c in texts if c.item == "footnote")
    assert len(note.old) < 200 and [w for w in note.words if w[0] != "equal"] == [("delete", "beide"), ("insert", "alle")]
    body = next(c for c in texts if c.item == "paragraph")
    assert [w for w in body.words if w[0] != "equal"] == [("insert", "sehr ")] or \
        [w[1].strip() for w in body.words if w[0] != "equal"] == ["sehr"]


def test_a_caption_hyphenated_at_a_line_end_is_compared_whole(hzb):
    result = compare(from_pdf(hzb[0]), from_pdf(hzb[1]))
    caption = [c for c in result.changes if c.area == "text" and "Modellregionen Integration in Hessen" in c.new]
    assert len(caption) == 1 and caption[0].page == 7
    assert CAPTION in caption[0].old and "Alle sechs Modellregionen Integration in Hessen (schematische Darstellung)" \
        in caption[0].new
    assert [w[1].strip() for w in caption[0].words if w[0] != "equal"] == ["Die", "Alle"]
    assert len(result.changes) == 3, [c.what for c in result.changes]  # footnote, text, caption


def test_identical_pdfs_are_no_difference(kiv, tmp_path):
    copy = tmp_path / "copy.pdf"
    shutil.copy(kiv[0], copy)
    assert compare(from_pdf(kiv[0]), from_pdf(copy)).changes == []


def test_an_untagged_pdf_is_read_by_the_positions_of_its_text(kiv, tmp_path):
    old, new = _untagged(kiv[0], tmp_path / "alt.pdf"), _untagged(kiv[1], tmp_path / "neu.pdf")
    a, b = from_pdf(old), from_pdf(new)
    assert a.unit == "sentence" and from_pdf(kiv[0]).unit == "paragraph"
    assert [c.title for c in a.chapters] == [c.title for c in from_pdf(kiv[0]).chapters]
    assert compare(a, from_pdf(old)).changes == []
    result = compare(a, b)
    cited = [c for c in result.changes if "S. 16" in c.new]
    # the sentence is neither cut after „des 1.“ nor after „S.“
    assert len(cited) == 1 and cited[0].new.startswith("Die Teilnehmer des 1. Workshops stimmten") \
        and cited[0].new.endswith("(Gesemann 2018, S. 16).")
    assert any(c.item == "footnote" and "S. 60" in c.new for c in result.changes)


def test_a_tagged_pdf_without_bookmarks_takes_its_chapters_from_its_headings(kiv, tmp_path):
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(kiv[0]))
    del writer._root_object["/Outlines"]
    bare = tmp_path / "bare.pdf"
    with bare.open("wb") as f:
        writer.write(f)
    view, marked = from_pdf(bare), from_pdf(kiv[0])
    assert [(c.title, c.pages) for c in view.chapters] == [(c.title, c.pages) for c in marked.chapters]


def test_line_ends_are_joined_by_what_their_hyphen_is():
    from pipeline.diff.pdf_tree import Piece, joined

    def lines(*texts: str) -> str:  # one piece per line, each below the one before
        return joined([Piece(t, (0, 100 - 12 * k, 200, 110 - 12 * k)) for k, t in enumerate(texts)])
    assert lines("vielfaltsorien", "\x02", "tierte Aufgabe") == "vielfaltsorientierte Aufgabe"  # hyphenation
    assert lines("politisch\u2010", "geografische Räume") == "politisch-geografische Räume"  # typed, kept
    assert lines("Kinder-", "und Jugendhilfe") == "Kinder- und Jugendhilfe"  # a suspended compound
    assert lines("Integrations\u2011\u00a0und", "Vielfaltsarbeit") == "Integrations- und Vielfaltsarbeit"
    assert lines("Main-Kinzig-Kreis/", "Hanau") == "Main-Kinzig-Kreis/Hanau"
    assert lines("www.offenbach.de/themen/", "integration") == "www.offenbach.de/themen/integration"
    assert lines("ein Satz", "geht weiter") == "ein Satz geht weiter"
