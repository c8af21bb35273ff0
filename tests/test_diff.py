"""`brochure diff` on the two sample editions (2012 and the 2013 reprint, whose edits are listed
in inputs/halbzeitbilanz-2013/README.md): build folders, DOCX files and PDF files; the
manifest; the redline DOCX accepted and rejected; the HTML report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.cli import main
from pipeline.diff.changes import compare, word_diff
from pipeline.diff.edition_view import read_view
from tracked_changes import apply, part

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = "halbzeitbilanz-2012", "halbzeitbilanz-2013"
KASSEL_WORDS = [("delete", "neue, "), ("delete", "Kooperation"), ("insert", "Zusammenarbeit"),
                ("insert", ", die sich seit 2012 bewährt hat,")]


@pytest.fixture(scope="module")
def built(samples):
    """The folder holding both sample editions' builds (OLD and NEW below it)."""
    for name in (OLD, NEW):
        samples.out(name)
    return samples.root


def changed_words(change) -> list[tuple[str, str]]:
    return [w for w in change.words if w[0] != "equal"]


def test_manifest_lists_inputs_outputs_and_versions_and_is_reproducible(built, tmp_path):
    manifest = json.loads((built / OLD / "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["path"] for i in manifest["inputs"]}
    assert {"edition.yaml", "data/contacts.csv", "text/regionen/kassel.md"} <= inputs
    outputs = {o["path"]: o for o in manifest["outputs"]}
    assert set(outputs) == {f"{OLD}.docx", f"{OLD}.pdf", "content.json"}
    import hashlib
    for name, entry in outputs.items():
        assert entry["sha256"] == hashlib.sha256((built / OLD / name).read_bytes()).hexdigest()
    assert outputs[f"{OLD}.pdf"]["pages"] == 48
    assert [c["id"] for c in outputs[f"{OLD}.pdf"]["chapters"]][:3] == ["vorwort", "inhalt", "konzeption"]
    assert manifest["libraries"]["typst"] and manifest["pipeline"]["version"]
    assert any(f["path"] == "templates/common/blocks.typ" for f in manifest["template"]["files"])
    content = json.loads((built / OLD / "content.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in content["records"]["contacts"]} >= {"c-kassel-niering"}
    build(ROOT / "inputs" / OLD, tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == (built / OLD / "manifest.json").read_bytes()


def test_build_folders_diff_reports_exactly_the_documented_edits(built):
    result = compare(read_view(built / OLD), read_view(built / NEW))
    whats = sorted(c.what for c in result.changes)
    expected = sorted([
        "date: 2012-01-01 → 2013-01-01",
        "chapter removed: Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach",
        "chapter added: Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung",
        "section moved within the chapter: Monitoring in den Modellregionen",
        "paragraph changed",
        "Modellregion Integration Stadt Kassel / Programmkoordination Peggy Niering: phone 0561 - 787-21 32 → 0561 - 787-21 45",
        "Modellregion Integration Hochtaunuskreis / Allg. Koordinierungsaufgaben Dr. Uta George: "
        "email uta.george@hochtaunuskreis.de → u.george@hochtaunuskreis.de",
        "quotes: Modellregion Integration Stadt Wiesbaden / Koordinierungsstelle Modellregion Integration "
        "(„Ein Jahr nach der Halbzeitbilanz zeigt …“) added",
        "Modellregion Integration Stadt Offenbach / Arbeitslosenquote (September 2012): "
        "label Arbeitslosenquote (September 2011) → Arbeitslosenquote (September 2012)",
        "Modellregion Integration Stadt Offenbach / Arbeitslosenquote (September 2012): value 10,4 → 9,8",
        "portraits: Modellregion Integration Stadt Offenbach / Treff türkischsprachiger Angehöriger behinderter "
        "Menschen in Offenbach removed",
        "portraits: Modellregion Integration Stadt Offenbach / Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung added",
        # the replaced portrait's own contact, link and photo rows go and come with it
        "contacts: Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach / Ansprechpartnerin "
        "Mecbure Birgez removed",
        "contacts: Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung / Ansprechpartnerin Koordination Sprachbrücke added",
        "links: Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach / Informationen removed",
        "links: Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung / Informationen added",
        "photos: Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach / Mecbure Birgez (Mitte) "
        "mit Angehörigen der Werkstatt removed",
        "photos: Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung / Sprachmittlerinnen der Sprachbrücke bei "
        "einer Schulung added",
    ])
    assert whats == expected
    text = next(c for c in result.changes if c.area == "text")
    assert text.where == "Modellregion Integration Stadt Kassel > Perspektiven"
    assert changed_words(text) == KASSEL_WORDS
    phone = next(c for c in result.changes if "phone" in c.what)
    assert changed_words(phone) == [("delete", "32"), ("insert", "45")]


def _text_edits(result) -> list[list[tuple[str, str]]]:
    return sorted(changed_words(c) for c in result.changes if c.area == "text" and c.kind == "changed")


def test_docx_files_diff_finds_the_same_edits_as_text(built):
    result = compare(read_view(built / OLD / f"{OLD}.docx"), read_view(built / NEW / f"{NEW}.docx"))
    structure = sorted(c.what for c in result.changes if c.area == "structure")
    assert structure == sorted(["chapter removed: Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach",
                                "chapter added: Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung",
                                "section moved within the chapter: Monitoring in den Modellregionen"])
    edits = _text_edits(result)
    for expected in (KASSEL_WORDS, [("delete", "32"), ("insert", "45")], [("delete", "uta"), ("insert", "u")],
                     [("delete", "2012"), ("insert", "2013")]):  # phone, e-mail, the cover's date
        assert expected in edits
    figure = next(e for e in edits if ("delete", "2011") in e)
    assert ("delete", "10,4") in figure and ("insert", "9,8") in figure  # a number is one token
    added = [c.new for c in result.changes if c.area == "text" and c.kind == "added"]
    assert any("Ein Jahr nach der Halbzeitbilanz" in t for t in added)
    # the contents has one entry (paragraph) per chapter: the replaced portrait is one out, one in
    contents = sorted((c.kind, (c.old or c.new).strip()) for c in result.changes
                      if c.area == "text" and c.where == "Inhalt")
    assert contents == [("added", "Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung"),
                        ("removed", "Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach")]
    # nothing else: cover date, e-mail, Kassel, phone, figure; the quote is one item with its speaker
    assert len(edits) == 5 and len(added) == 2 and [c.where for c in result.changes if c.kind == "removed"
                                                    and c.area == "text"] == ["Inhalt"]


def test_pdf_files_diff_finds_the_edits_at_the_precision_of_a_pdf(built):
    result = compare(read_view(built / OLD / f"{OLD}.pdf"), read_view(built / NEW / f"{NEW}.pdf"))
    structure = sorted(c.what for c in result.changes if c.area == "structure")
    assert "section moved within the chapter: Monitoring in den Modellregionen" in structure
    assert len(structure) == 3
    edits = [[(op, t.strip()) for op, t in e] for e in _text_edits(result)]  # spaces may go either side
    assert [(op, t.strip()) for op, t in KASSEL_WORDS] in edits and [("delete", "32"), ("insert", "45")] in edits
    quote = next(c for c in result.changes if c.kind == "added" and "Ein Jahr nach der Halbzeitbilanz" in c.new)
    # the quotation is one unit with its speaker, as read from the PDF's structure tree
    assert quote.what == "paragraph added" and quote.where.endswith("Wiesbaden > Ausgangslage")
    assert quote.new.endswith("Landeshauptstadt Wiesbaden")
    kassel = next(c for c in result.changes if "Zusammenarbeit" in c.new)
    assert kassel.item == "paragraph" and kassel.page == 14  # the page of the new PDF it is on
    # cover date, e-mail, Kassel, phone, the key figure's value and its date (two lines of its box)
    assert len(edits) == 6 and [("delete", "10,4"), ("insert", "9,8")] in edits
    contents = sorted((c.kind, c.old or c.new) for c in result.changes if c.area == "text" and c.where == "Inhalt")
    assert contents == [("added", "Sprachbrücke Offenbach – ehrenamtliche Sprachmittlung"),
                        ("removed", "Treff türkischsprachiger Angehöriger behinderter Menschen in Offenbach")]
    assert len(result.changes) == 12 and not [c for c in result.changes if c.area == "pages"]  # … and no furniture


@pytest.mark.parametrize("kind", ["folder", "docx", "pdf"])
def test_an_edition_against_itself_is_no_difference(built, kind):
    path = built / OLD if kind == "folder" else built / OLD / f"{OLD}.{kind}"
    result = CliRunner().invoke(main, ["diff", str(path), str(path)])
    assert result.exit_code == 0 and "no differences" in result.output


def test_cli_exit_codes_and_json(built, tmp_path):
    runner = CliRunner()
    different = runner.invoke(main, ["diff", str(built / OLD), str(built / NEW), "--format", "json"])
    assert different.exit_code == 1
    data = json.loads(different.output)
    assert data["old"] == OLD and len(data["changes"]) == 18
    (tmp_path / "empty").mkdir()
    trouble = runner.invoke(main, ["diff", str(tmp_path / "empty"), str(built / NEW)])
    assert trouble.exit_code == 2 and "E-DIFF-INPUT" in trouble.output and "content.json" in trouble.output
    missing = runner.invoke(main, ["diff", str(tmp_path / "nowhere"), str(built / NEW)])
    assert missing.exit_code == 2
    pdfs = runner.invoke(main, ["diff", str(built / OLD / f"{OLD}.pdf"), str(built / NEW / f"{NEW}.pdf"),
                                "--docx", str(tmp_path / "r.docx")])
    assert pdfs.exit_code == 2 and "--docx needs the DOCX" in pdfs.output


# -- the redline ------------------------------------------------------------------------------------
def _texts(path_or_doc) -> list[str]:
    doc = path_or_doc if not isinstance(path_or_doc, Path) else open_docx(str(path_or_doc))
    return [" ".join("".join(t.text or "" for t in p.iter(qn("w:t"))).split())
            for p in doc.element.body.iter(qn("w:p"))]


def test_redline_docx_tracks_exactly_the_changed_words_and_accepts_to_the_new_edition(built, tmp_path):
    target = tmp_path / "redline.docx"
    result = CliRunner().invoke(main, ["diff", str(built / OLD), str(built / NEW), "--docx", str(target)])
    assert result.exit_code == 1
    doc = open_docx(str(target))
    body = doc.element.body
    kassel = next(p for p in body.iter(qn("w:p")) if "Zusammenarbeit" in "".join(t.text or "" for t in p.iter(qn("w:t")))
                  and p.find(f".//{qn('w:ins')}") is not None)
    dels = ["".join(t.text for t in d.iter(qn("w:delText"))) for d in kassel.iter(qn("w:del"))]
    ins = ["".join(t.text for t in i.iter(qn("w:t"))) for i in kassel.iter(qn("w:ins"))]
    assert dels == ["neue, ", "Kooperation"] and ins == ["Zusammenarbeit", ", die sich seit 2012 bewährt hat,"]
    phone = next(p for p in body.iter(qn("w:p")) if "Peggy Niering" in "".join(t.text or "" for t in p.iter(qn("w:t"))))
    assert ["".join(t.text for t in d.iter(qn("w:delText"))) for d in phone.iter(qn("w:del"))] == ["32"]
    assert ["".join(t.text for t in i.iter(qn("w:t"))) for i in phone.iter(qn("w:ins"))] == ["45"]
    # accept all → the new edition's text; reject all → the old edition's (field codes aside)
    def decided(accept: bool) -> list[str]:
        return [" ".join("".join(t.text or "" for t in p.iter(qn("w:t"))).split())
                for p in apply(part(target.read_bytes()), accept).iter(qn("w:p"))]
    assert decided(True) == _texts(built / NEW / f"{NEW}.docx")
    assert decided(False) == _texts(built / OLD / f"{OLD}.docx")
    again = tmp_path / "again.docx"
    CliRunner().invoke(main, ["diff", str(built / OLD), str(built / NEW), "--docx", str(again)])
    assert again.read_bytes() == target.read_bytes()


# -- the HTML report ------------------------------------------------------------------------------------
VOID = {"meta", "br", "hr", "img", "input", "link"}


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            if key in attrs and not attrs[key].startswith("#"):
                self.external.append(attrs[key])
            if key == "href" and attrs.get(key, "").startswith("#"):
                self.links.append(attrs[key][1:])
        if tag in ("script", "link", "img", "iframe"):
            self.external.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def test_html_report_is_valid_self_contained_and_shows_each_change(built, tmp_path):
    target = tmp_path / "diff.html"
    CliRunner().invoke(main, ["diff", str(built / OLD), str(built / NEW), "--html", str(target)])
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(page)
    assert checker.errors == [] and checker.stack == []
    assert checker.external == []  # no request leaves the file
    assert len(checker.ids) == len(set(checker.ids)) and set(checker.links) <= set(checker.ids)
    assert page.count('class="change ') == 18
    assert "<del>Kooperation</del>" in page and "<ins>Zusammenarbeit</ins>" in page
    assert "<del>32</del>" in page and "<ins>45</ins>" in page


def test_html_escapes_edition_text(tmp_path):
    from pipeline.diff.comparison import Change, Comparison
    from pipeline.diff.report import to_html
    page = to_html(Comparison("a", "b", ("build", "build"), [
        Change("text", "changed", "K > <script>", "paragraph changed", "<b>x</b>", "<i>y</i>",
               word_diff("<b>x</b>", "<i>y</i>"))], (1, 1)))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>" not in page and "<i>" not in page and "&lt;<del>b</del>&gt;" in page


def test_word_diff_keeps_german_compounds_and_punctuation_whole():
    assert changed_words_of("Die Integrationsarbeit wächst.", "Die Integrationspolitik wächst!") == \
        [("delete", "Integrationsarbeit"), ("insert", "Integrationspolitik"), ("delete", "."), ("insert", "!")]
    assert "".join(t for op, t in word_diff("a b c", "a x c") if op != "delete") == "a x c"


def changed_words_of(a: str, b: str):
    return [w for w in word_diff(a, b) if w[0] != "equal"]


def test_html_report_renders_in_headless_chromium(built, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless chromium is not installed (Debian package 'chromium'); docs/diff.md shows "
                    "the manual screenshot step")
    target = tmp_path / "diff.html"
    CliRunner().invoke(main, ["diff", str(built / OLD), str(built / NEW), "--html", str(target)])
    shot = tmp_path / "shot.png"
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                          "--window-size=1400,1800", target.as_uri()], capture_output=True, timeout=120)
    assert run.returncode == 0 and shot.is_file()
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # a rendered page, not a blank one
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", target.as_uri()],
                         capture_output=True, timeout=120, text=True).stdout
    assert re.search(r"<del>Kooperation</del>", dom)


def test_renamed_moved_and_page_changes_on_small_views():
    from pipeline.diff.views import ChapterView, EditionView, SectionView
    text = ["Die Modellregion baut Netzwerke auf und verbindet Träger, Verwaltung und Vereine.",
            "Zweiter Absatz über Sprachkurse für Eltern."]
    old = EditionView("a", "build", [
        ChapterView("vorwort", "Vorwort", [SectionView("", "", ["Grußwort."])], (1, 1)),
        ChapterView("kassel", "Kassel", [SectionView("Ausgangslage", "Ausgangslage", text[:1]),
                                         SectionView("Perspektiven", "Perspektiven", text[1:])], (2, 3)),
        ChapterView("offenbach", "Offenbach", [SectionView("Ausgangslage", "Ausgangslage", ["Offenbach wächst."])],
                    (4, 5))], pages=5)
    new = EditionView("b", "build", [
        ChapterView("vorwort", "Vorwort", [SectionView("", "", ["Grußwort."])], (1, 1)),
        ChapterView("offenbach", "Offenbach", [SectionView("Ausgangslage", "Ausgangslage", ["Offenbach wächst."])],
                    (2, 3)),
        ChapterView("kassel", "Kassel", [SectionView("Die Ausgangslage", "Die Ausgangslage", text[:1]),
                                         SectionView("Perspektiven", "Perspektiven", text[1:])], (4, 6))], pages=6)
    whats = [c.what for c in compare(old, new).changes]
    assert "chapter moved: Offenbach" in whats or "chapter moved: Kassel" in whats
    assert "section renamed: Ausgangslage → Die Ausgangslage" in whats
    assert "page count: 5 → 6" in whats and "Kassel: 2 → 3 pages" in whats
    assert not [w for w in whats if w.startswith("paragraph")]


def test_a_paragraph_moved_to_another_chapter_is_one_move_with_its_edits():
    from pipeline.diff.report import subject_de
    from pipeline.diff.views import ChapterView, EditionView, SectionView
    moving = "Die Modellregion baut Netzwerke auf und verbindet Träger, Verwaltung und Vereine im ganzen Kreis."
    stay = ["Erster Absatz bleibt, wo er ist.", "Dritter Absatz bleibt ebenso."]
    def view(name, a, b):
        return EditionView(name, "build", [ChapterView("k", "Kassel", [SectionView("Ausgangslage", "Ausgangslage", a)]),
                                           ChapterView("o", "Offenbach", [SectionView("Ziele", "Ziele", b)])])
    for new_text, words in ((moving, []), (moving.replace("ganzen", "gesamten"), [("delete", "ganzen"), ("insert", "gesamten")])):
        changes = compare(view("a", [stay[0], moving, stay[1]], ["Offenbach wächst."]),
                          view("b", stay, ["Offenbach wächst.", new_text])).changes
        assert [(c.kind, c.what) for c in changes] == \
            [("moved", "paragraph moved from Kassel > Ausgangslage to Offenbach > Ziele")]
        assert changes[0].old == moving and changes[0].new == new_text
        assert subject_de(changes[0]) == "Offenbach > Ziele (vorher: Kassel > Ausgangslage)"
        assert [w for w in changes[0].words if w[0] != "equal"] == words
