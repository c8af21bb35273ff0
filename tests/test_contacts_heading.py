"""A chapter's contacts go under the author's own heading of the contacts label („## Kontakt“,
case and spacing aside) instead of a second, engine-made one: built for real, read back with
pypdf and python-docx."""

from __future__ import annotations

import io

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from editions import SECTIONS, TEXTS, write_edition
from pipeline.build import build, check
from pipeline.verify.read_back import read_pdf

CHAPTER = "Modellregion Integration Stadt Kassel"
OWN = "ANSPRECHPARTNER"  # the type's label is „Ansprechpartner“
KASSEL = "".join(f"## {s}\n\nText zu {s} in kassel.\n\n" for s in SECTIONS) + \
    f"##  {OWN} \n\nSo erreichen Sie das Zukunftsbüro.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("kontakt")
    folder = write_edition(root / "kontakt", texts={**TEXTS, "text/regionen/kassel.md": KASSEL})
    result = build(folder, root / "out")
    assert not result.output_errors
    return (root / "out" / "kontakt.pdf").read_bytes(), (root / "out" / "kontakt.docx").read_bytes()


def is_label(text: str) -> bool:
    return text.strip().casefold() == "ansprechpartner"


def test_the_pdf_has_one_contacts_heading_in_the_chapter_with_the_contact_under_it(built):
    pdf = read_pdf(built[0])
    at = next(i for i, (level, title, _) in enumerate(pdf.outline) if title == CHAPTER)
    rest = pdf.outline[at + 1:]
    own = rest[:next((i for i, (level, _, _) in enumerate(rest) if level == 1), len(rest))]
    assert [t for _, t, _ in own if is_label(t)] == [OWN]
    first, last = pdf.outline[at][2], (own[-1][2] if own else pdf.outline[at][2])
    pages = PdfReader(io.BytesIO(built[0])).pages[first - 1:last]
    lines = [line for p in pages for line in p.extract_text().splitlines()]
    assert sum(is_label(line) for line in lines) == 1
    text = "\n".join(lines)
    assert text.index(OWN) < text.index("So erreichen Sie das Zukunftsbüro.") < text.index("Peggy Niering")


def test_the_docx_has_one_contacts_heading_in_the_chapter_with_the_contact_under_it(built):
    paragraphs = [(p.style.name, p.text) for p in open_docx(io.BytesIO(built[1])).paragraphs]
    start = next(i for i, (style, text) in enumerate(paragraphs) if text == CHAPTER and style.startswith("Heading"))
    end = next((i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0] == "Heading 1"), len(paragraphs))
    chapter = paragraphs[start:end]
    assert [text for style, text in chapter if style.startswith("Heading") and is_label(text)] == [OWN]
    texts = [text for _, text in chapter]
    heading = next(i for i, t in enumerate(texts) if t == OWN)
    assert heading < texts.index("So erreichen Sie das Zukunftsbüro.") < \
        next(i for i, t in enumerate(texts) if "Peggy Niering" in t)


def test_a_chapter_without_its_own_heading_still_gets_the_engine_made_one(built):
    """Offenbach's text has no such heading: its contact comes under „Ansprechpartner“, as before."""
    pdf = read_pdf(built[0])
    at = next(i for i, (_, title, _) in enumerate(pdf.outline) if title == "Modellregion Integration Stadt Offenbach")
    rest = pdf.outline[at + 1:]
    own = rest[:next((i for i, (level, _, _) in enumerate(rest) if level == 1), len(rest))]
    assert [t for _, t, _ in own if is_label(t)] == ["Ansprechpartner"]
    assert "Ana-Violeta Sacaliuc" in pdf.text


def test_an_own_heading_with_nothing_but_the_contacts_is_not_an_empty_section(tmp_path):
    text = "".join(f"## {s}\n\nText zu {s}.\n\n" for s in SECTIONS) + "## Ansprechpartner\n"
    folder = write_edition(tmp_path / "leer", texts={**TEXTS, "text/regionen/kassel.md": text})
    _, found = check(folder)
    assert [f.code for f in found if "SECTION" in f.code or "CONTACT" in f.code] == []
