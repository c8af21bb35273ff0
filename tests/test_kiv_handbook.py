"""The second brochure type: the KIV handbook sample, built once and read back from both files.

Single source of truth: the municipalities sheet feeds the overview cards, the profile pages and
the imprint table, so every name must appear in all three, spelt the same. Footnotes are
numbered across the document, the bibliography lists and sorts every reference, and tables are
real Word tables.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from pipeline.build import collect
from pipeline.verify.read_back import chapter_spans, clean_pdf_text

from conftest import ROOT

KIV = ROOT / "inputs" / "kiv-handbuch-2020"


def _rows(name: str) -> list[dict]:
    with open(KIV / "data" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


MUNICIPALITIES = _rows("municipalities")
REFERENCES = _rows("references")


def german_index(text: str) -> str:
    """DIN 5007 (variant 1), the order of a German index: case ignored, ä = a, ö = o, ü = u, ß = ss."""
    return text.casefold().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u"})).replace("ß", "ss")


@pytest.fixture(scope="module")
def kiv(samples):
    return samples.read(KIV.name)


@pytest.fixture(scope="module")
def kiv_docx(kiv):
    return open_docx(io.BytesIO(kiv.docx_bytes))


@pytest.fixture(scope="module")
def kiv_pages(kiv):
    return [clean_pdf_text(p.extract_text()) for p in PdfReader(io.BytesIO(kiv.pdf_bytes)).pages]


def _table_after_heading(docx, heading: str):
    """The first table following the paragraph with this text (python-docx block order)."""
    seen = False
    for item in docx.iter_inner_content():
        if not seen and getattr(item, "text", None) == heading:
            seen = True
        elif seen and item.__class__.__name__ == "Table":
            return item
    raise AssertionError(f"no table after '{heading}'")


def _cells(table) -> list[str]:
    return [cell.text for row in table.rows for cell in row.cells]


def test_builds_clean_with_a_matching_toc_and_a_handbook_length(kiv):
    assert kiv.result.output_errors == []
    assert 60 <= kiv.pdf.pages <= 76
    assert kiv.pdf.pages % 4 == 0


def test_every_municipality_is_in_the_overview_on_its_profile_page_and_in_the_imprint(kiv, kiv_docx, kiv_pages):
    names = [m["name"] for m in MUNICIPALITIES]
    assert len(names) == 18
    # DOCX: the overview cards, the profile headings, the imprint table
    overview = _cells(_table_after_heading(kiv_docx, "Übersicht der geförderten Kommunen 2019"))
    imprint = _cells(_table_after_heading(kiv_docx, "Damalige Ansprechpartner der im Jahr 2019 geförderten Kommunen"))
    for m in MUNICIPALITIES:
        assert any(cell.startswith(m["name"] + "\n") for cell in overview), m["name"]
        assert m["name"] in imprint and m["contact_2019"] in imprint
        assert (1, m["name"]) in kiv.docx.headings
    # PDF: one profile page each, whose title and header carry the sheet's values
    spans = {s["id"]: s for s in chapter_spans(kiv.pdf_bytes, [c.id for c in collect(KIV).document.chapters])}
    chapter_text = {cid: " ".join(kiv_pages[spans[cid]["start"] - 1:spans[cid]["end"]]) for cid in ("foerderung", "impressum")}
    overview_page = chapter_text["foerderung"][chapter_text["foerderung"].index("Übersicht der geförderten Kommunen 2019"):]
    imprint_page = chapter_text["impressum"]
    for m in MUNICIPALITIES:
        span = spans[m["id"]]
        assert span["start"] == span["end"], f"{m['name']} profile is not one page"
        page = kiv_pages[span["start"] - 1]
        assert m["name"] in page and m["project"].split()[0] in page and m["contact"] in page
        assert m["name"] in overview_page and m["name"] in imprint_page


def test_the_overview_and_profiles_cannot_drift_apart(kiv_docx):
    """The printed source names Büttelborn's project two ways; here both places print the sheet's value."""
    buettelborn = next(m for m in MUNICIPALITIES if m["id"] == "buettelborn")
    overview = _cells(_table_after_heading(kiv_docx, "Übersicht der geförderten Kommunen 2019"))
    card = next(c for c in overview if c.startswith("Büttelborn\n"))
    profile = _cells(_table_after_heading(kiv_docx, "Büttelborn"))
    assert buettelborn["project"] in card and buettelborn["project"] in profile
    assert "ca. 15.130" in card  # German grouping from the number in the sheet


def _markdown_footnotes() -> list[str]:
    """Footnote texts in document order: the chapters' files in edition order, notes in file order."""
    notes = []
    for rel in ("einleitung", "01-foerderung", "02-kernelemente", "03-strategien"):
        text = (KIV / "text" / f"{rel}.md").read_text(encoding="utf-8")
        refs = [m.group(1) for m in re.finditer(r"\[\^(\w+)\]", text)
                if not (m.start() == 0 or text[m.start() - 1] == "\n")]  # a definition starts its line
        defs = dict(re.findall(r"^\[\^(\w+)\]:\s*(.+)$", text, re.MULTILINE))
        notes += [defs[r] for r in dict.fromkeys(refs)]
    return notes


def test_footnotes_one_to_twelve_are_real_word_footnotes_in_order(kiv_docx):
    expected = _markdown_footnotes()
    assert len(expected) == 12
    body = kiv_docx.element.body
    ref_ids = [int(r.get(qn("w:id"))) for r in body.iter(qn("w:footnoteReference"))]
    assert ref_ids == list(range(1, 13))
    part = next(r.target_part for r in kiv_docx.part.rels.values() if r.reltype.endswith("/footnotes"))
    notes = {int(n.get(qn("w:id"))): "".join(t.text or "" for t in n.iter(qn("w:t"))).strip()
             for n in etree.fromstring(part.blob).iter(qn("w:footnote")) if int(n.get(qn("w:id"))) > 0}
    assert sorted(notes) == list(range(1, 13))
    for n, text in enumerate(expected, start=1):
        first_words = re.sub(r"\[@[^\]]*\]", "", text).split()[:3]
        assert " ".join(first_words) in notes[n], (n, text, notes[n])


def test_footnotes_are_numbered_through_the_pdf(kiv_pages):
    """Each note's number appears at the foot of a page in increasing order, followed by its text."""
    expected = _markdown_footnotes()
    found = []
    for number, page in enumerate(kiv_pages, start=1):
        for n, text in enumerate(expected, start=1):
            start = " ".join(re.sub(r"\[@[^\]]*\]", "", text).split()[:3])
            if re.search(rf"(?<!\d){n}\s*{re.escape(start)}", page):
                found.append((n, number))
    numbers = [n for n, _ in found]
    assert sorted(set(numbers)) == list(range(1, 13))
    pages = [p for _, p in sorted(found)]
    assert pages == sorted(pages)


def test_bibliography_lists_every_reference_sorted_in_one_style(kiv, kiv_docx):
    entries = [p.text for p in kiv_docx.paragraphs if p.style.name == "Bibliography"]
    assert len(entries) == len(REFERENCES)
    for ref in REFERENCES:
        assert any(ref["title"] in e for e in entries), ref["title"]
        assert kiv.pdf.contains(ref["title"])
    # sorted by authors, year and title, ä as a (docs/inputs.md), in German index order
    by_source = sorted(REFERENCES, key=lambda r: (german_index(r["authors"]), r["year"], german_index(r["title"])))
    printed = [max((r["title"] for r in REFERENCES if r["title"] in e), key=len) for e in entries]
    assert printed == [r["title"] for r in by_source]
    carnau = next(e for e in entries if e.startswith("Carnau"))
    assert carnau.startswith("Carnau, Peter (2011): Nachhaltigkeitsethik")
    assert carnau.endswith("Rainer Hampe Verlag, München.")
    assert any(e.startswith("Büttner, Christian/Meyer, Berthold (Hrsg., 2001): ") for e in entries)


def test_citations_print_author_year_labels(kiv):
    assert "(Handschuck/Schröer 2012, S. 180)" in kiv.docx.text
    assert "(Carnau 2011, S. 14)" in kiv.docx.text
    assert kiv.pdf.contains("Handschuck/Schröer 2012, S. 180")
    assert "[@" not in kiv.docx.text and "[@" not in kiv.pdf.text


def test_tables_survive_as_real_word_tables(kiv_docx):
    goals = _table_after_heading(kiv_docx, "Kommunikationsziele")
    assert [c.text for c in goals.rows[0].cells] == ["Kommunikationsziel", "Beschreibung"]
    assert [r.cells[0].text for r in goals.rows[1:]] == ["Information", "Legitimation", "Dialog", "Marketing",
                                                         "Aktion", "Motivation"]
    header = goals.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None  # repeats after a page break
    widths = [c.width for c in goals.rows[1].cells]
    assert widths[1] > 2 * widths[0]  # 1:3 from the Markdown delimiter row
    comparison = _table_after_heading(kiv_docx, "Festlegung der Inhalte der Strategie")
    assert [c.text for c in comparison.rows[0].cells] == ["Evaluation", "Integrationsmonitoring"]


def test_practice_boxes_carry_the_municipality_name_from_the_sheet(kiv, kiv_docx):
    titles = [p.text for p in kiv_docx.paragraphs if p.style.name == "Box Title"]
    titles += [p.text for t in kiv_docx.tables for row in t.rows for c in row.cells for p in c.paragraphs
               if p.style.name == "Box Title"]
    assert "Aus der Praxis – Maintal" in titles and "Aus der Praxis – Viernheim" in titles
    assert "Aus der Praxis" in titles  # the box without a municipality
    assert kiv.pdf.contains("Aus der Praxis – Seligenstadt")


def test_pipeline_code_names_no_brochure_or_municipality():
    words = ["kiv", "handbuch", *(m["name"].split()[0].lower() for m in MUNICIPALITIES), "maintal"]
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"{path.name} mentions '{word}'"


# -- the checks on broken copies ---------------------------------------------------------------
@pytest.fixture
def kiv_copy(tmp_path) -> Path:
    target = tmp_path / "kiv-handbuch-2020"
    shutil.copytree(KIV, target)
    return target


def _codes(folder: Path) -> list[tuple[str, str]]:
    return [(f.code, str(f.location)) for f in collect(folder).report.errors]


def test_sample_has_no_errors():
    assert _codes(KIV) == []


def test_box_with_unknown_municipality_is_an_error_at_its_line(kiv_copy):
    path = kiv_copy / "text" / "03-strategien.md"
    text = path.read_text(encoding="utf-8").replace("::: praxis viernheim", "::: praxis viernheimm")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("::: praxis viernheimm") + 1
    assert _codes(kiv_copy) == [("E-UNKNOWN-REF", f"text/03-strategien.md, line {line}, chapter 'strategien'")]


def test_unknown_citation_is_an_error_with_a_suggestion(kiv_copy):
    path = kiv_copy / "text" / "03-strategien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("[@carnau2011", "[@carnau2012"), encoding="utf-8")
    errors = collect(kiv_copy).report.errors
    assert [f.code for f in errors] == ["E-UNKNOWN-CITATION"]
    assert "carnau2011" in errors[0].hint


def test_profile_without_a_section_or_a_way_to_reach_the_contact_is_reported(kiv_copy):
    path = kiv_copy / "text" / "kommunen" / "rodgau.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("## Ausblick")], encoding="utf-8")
    sheet = kiv_copy / "data" / "municipalities.csv"
    rows = sheet.read_text(encoding="utf-8-sig").replace(";vielfalt@rodgau.de;06106 693-1239;", ";;;")
    sheet.write_text(rows, encoding="utf-8-sig")
    codes = sorted(c for c, _ in _codes(kiv_copy))
    assert codes == ["E-MISSING-SECTION", "E-NEED-ONE-OF"]


def test_a_municipality_without_a_profile_text_is_reported(kiv_copy):
    (kiv_copy / "text" / "kommunen" / "hainburg.md").unlink()
    codes = [c for c, _ in _codes(kiv_copy)]
    assert "E-MISSING-TEXT" in codes
