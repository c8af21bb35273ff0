"""edition.yaml `footer:`: one line of plain text in every page footer of the PDF (beside the
page number, an artifact: never a link) and of the Word file; Typst's markup characters print
as written; a line too long or broken is a finding naming edition.yaml and the key."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from docx import Document as open_docx
from pypdf import PdfReader

from editions import EDITION, write_edition
from pipeline.build import build, check
from pipeline.load.footer import MAX_FOOTER

ROOT = Path(__file__).resolve().parent.parent
LINE = r"Luisenstraße 13 · 65183 Wiesbaden · www.example.de · #1 $x$ *fett* [a] \b <c> @d"


def with_footer(folder: Path, line: object) -> Path:
    data = yaml.safe_load((folder / "edition.yaml").read_text(encoding="utf-8"))
    data["footer"] = line
    (folder / "edition.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def sample(tmp: Path, name: str) -> Path:
    return with_footer(Path(shutil.copytree(ROOT / "inputs" / name, tmp / name)), LINE)


@pytest.fixture(scope="module", params=["test-edition", "faktenblatt-2014", "programmflyer-2014"])
def built(request, tmp_path_factory):
    """(PDF bytes, DOCX bytes) of an edition with a footer line, one per type with a footer."""
    tmp = tmp_path_factory.mktemp("footer")
    if request.param == "test-edition":
        folder = write_edition(tmp / "fuss", edition={**copy.deepcopy(EDITION), "footer": LINE})
    else:
        folder = sample(tmp, request.param)
    result = build(folder, tmp / "out")
    assert result.output_errors == []  # read back and accessibility checks accept it
    return (tmp / "out" / f"{folder.name}.pdf").read_bytes(), (tmp / "out" / f"{folder.name}.docx").read_bytes()


def numbered_pages(pdf: bytes) -> list[int]:
    """Indexes of the pages with text after the first (a cover, if any, has no footer; a page
    left blank for the page budget has neither text nor footer)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [n for n, page in enumerate(reader.pages) if n and page.extract_text().strip()]


def test_the_line_is_on_every_page_with_a_number_as_written(built):
    pdf = built[0]
    reader = PdfReader(io.BytesIO(pdf))
    pages = numbered_pages(pdf)
    assert pages
    for n in pages:
        assert LINE in reader.pages[n].extract_text(), n
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    for n in pages:
        text = subprocess.run(["pdftotext", "-f", str(n + 1), "-l", str(n + 1), "-", "-"], input=pdf,
                              capture_output=True, check=True).stdout.decode("utf-8")
        assert LINE in text, n


def test_the_line_is_no_link_and_no_content_of_the_tagged_pdf(built):
    reader = PdfReader(io.BytesIO(built[0]))
    targets = [str(a.get_object()["/A"]["/URI"]) for p in reader.pages for a in p.get("/Annots") or []
               if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert not any("example.de" in t for t in targets)
    for n in numbered_pages(built[0]):
        stream = reader.pages[n].get_contents().get_data().decode("latin-1")
        assert "/Artifact<</Attached[/Bottom]/Subtype/Footer/Type/Pagination>>" in stream


def test_the_word_file_has_the_line_in_its_footers(built):
    docx = open_docx(io.BytesIO(built[1]))
    body = [s for s in docx.sections if not s.footer.is_linked_to_previous]
    assert body
    for section in docx.sections:
        if any(p.text for p in section.footer.paragraphs):  # the cover has an empty footer of its own
            assert LINE in [p.text for p in section.footer.paragraphs]
            assert LINE in [p.text for p in section.first_page_footer.paragraphs]
    assert sum(LINE in [p.text for p in s.footer.paragraphs] for s in docx.sections) >= 1


@pytest.mark.parametrize("line, code", [("x" * (MAX_FOOTER + 1), "E-TOO-LARGE"),
                                        ("Zeile eins\nZeile zwei", "E-BAD-VALUE"),
                                        (["eine", "Liste"], "E-BAD-VALUE")])
def test_a_line_that_cannot_be_one_footer_line_is_a_finding(tmp_path, line, code):
    folder = write_edition(tmp_path / "fuss", edition={**copy.deepcopy(EDITION), "footer": line})
    _, found = check(folder)
    hits = [f for f in found if f.code == code]
    assert hits and hits[0].location.file == "edition.yaml" and hits[0].location.column == "footer"


def test_a_line_of_the_greatest_length_stays_one_line_on_the_smallest_page(tmp_path):
    """A5: the line is scaled down to the footer's width instead of wrapping."""
    longest = ("Luisenstraße 13 · 65183 Wiesbaden · " * 5)[:MAX_FOOTER - 1] + "."
    folder = with_footer(Path(shutil.copytree(ROOT / "inputs" / "programmflyer-2014", tmp_path / "flyer")), longest)
    build(folder, tmp_path / "out")
    reader = PdfReader(tmp_path / "out" / "flyer.pdf")
    for n in numbered_pages((tmp_path / "out" / "flyer.pdf").read_bytes()):
        assert any(longest in line for line in reader.pages[n].extract_text().splitlines()), n
