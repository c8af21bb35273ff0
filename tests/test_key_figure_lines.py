"""A key figure's value reads back as the one line it is printed as: poppler (pdftotext, plain
and -layout), pypdf and PDFium, at the shipped size and at the larger size a type may choose.
poppler took a 21 pt value and the small label close below it for one line and tore the value
apart („ca.⏎6 Mio.“); blocks.typ keeps the label far enough below."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from editions import write_edition
from pipeline.build import load
from pipeline.render.pdf import render_pdf
from pipeline.tree import Figure, Figures, chapter_blocks
from pipeline.verify.figure_lines import check_figure_lines
from pipeline.verify.read_back import read_pdf

ROOT = Path(__file__).resolve().parent.parent
TYPE = "halbzeitbilanz"  # the shipped type with a key-figures block
VALUES = ["ca. 6 Mio.", "über 400.000 Euro", "13.300 Menschen"]


def larger(size: str) -> str:
    """The override a type would write at the top of its brochure.typ for larger values."""
    return (f"#let drawers = drawers + (figures: (b, ctx) => figures(b, value-size: {size}))\n"
            "#let chapter-body = chapter-body.with(drawers: drawers)\n")


def typst_files(tmp: Path, prelude: str) -> list[Path]:
    for name in (TYPE, "common"):
        shutil.copytree(ROOT / "templates" / name, tmp / "templates" / name)
    own = tmp / "templates" / TYPE
    (own / "brochure.typ").write_text(prelude + (own / "brochure.typ").read_text(encoding="utf-8"), encoding="utf-8")
    return [own / "theme.typ", tmp / "templates" / "common" / "blocks.typ", own / "brochure.typ"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The small test edition, its first key-figures block given values with spaces."""
    result = load(write_edition(tmp_path_factory.mktemp("figures") / "werte"))
    block = next(b for c in result.document.chapters for b in chapter_blocks(c) if isinstance(b, Figures))
    block.figures = [Figure(label=f"Kennzahl {n}", value=v, note="")
                     for n, v in enumerate(VALUES, start=1)]
    return result


def poppler(pdf: bytes, *args: str) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    out = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode("utf-8").splitlines()


def lines_read(pdf: bytes) -> dict[str, list[str]]:
    """Each reader's lines, spacing runs made one space (-layout pads columns with spaces)."""
    pdfium = pypdfium2.PdfDocument(pdf)
    read = {"pdftotext": poppler(pdf), "pdftotext -layout": poppler(pdf, "-layout"),
            "pypdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).splitlines(),
            "pdfium": "\n".join(p.get_textpage().get_text_range() for p in pdfium).splitlines()}
    return {k: [" ".join(line.split()) for line in v] for k, v in read.items()}


@pytest.mark.parametrize("size", ["", "21pt", "24pt"])
def test_each_reader_reads_each_value_as_one_line(tmp_path, loaded, size):
    pdf = render_pdf(loaded.document, typst_files(tmp_path, larger(size) if size else ""), loaded.edition.folder)
    for reader, lines in lines_read(pdf).items():
        for value in VALUES:
            assert value in lines, (reader, size or "shipped", value)
    assert check_figure_lines(loaded.document, read_pdf(pdf), "werte.pdf") == []


def test_a_value_torn_apart_is_a_finding(loaded):
    """The read-back check finds a value on two lines, which the word-by-word search does not."""
    pdf = read_pdf(render_pdf(loaded.document, loaded.edition.template.typst, loaded.edition.folder))
    pdf.raw_pages = [p.replace("ca. 6 Mio.", "ca.\n6 Mio.") for p in pdf.raw_pages]
    found = check_figure_lines(loaded.document, pdf, "werte.pdf")
    assert [f.code for f in found] == ["E-LOST-CONTENT"]
    assert "ca. 6 Mio." in found[0].message and found[0].location.file == "werte.pdf"
