"""Accessibility of the real outputs, asserted with readers independent of the pipeline's own
check (pypdf for the PDF, python-docx for the DOCX): every sample edition under inputs/ and a
strategy draft."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from conftest import ROOT
from pipeline.verify.accessibility import docx_problems, pdf_problems, struct_summary
from pipeline.drafts.workbook_layout import draft_template
from pipeline.verify.read_back import read_pdf

HEADINGS = {f"/H{i}": i for i in range(1, 7)}
EDITIONS = sorted(p.parent.name for p in (ROOT / "inputs").glob("*/edition.yaml"))
DRAFTS = sorted(p.parent.relative_to(ROOT / "inputs").as_posix()
                for p in (ROOT / "inputs").rglob(draft_template()[1].file))


def _shows_pictures(name: str) -> bool:
    """Whether the sample's inputs ask for a picture: an edition's charts table or images folder;
    every draft prints its population chart."""
    folder = ROOT / "inputs" / name
    if not (folder / "edition.yaml").is_file():
        return True
    return any((folder / "data").glob("charts.*")) or any((folder / "images").glob("*"))


def test_the_samples_are_found():
    assert len(EDITIONS) >= 4 and DRAFTS


@pytest.fixture(scope="module", params=[*EDITIONS, DRAFTS[0]])
def output(request, samples):
    """(name, document tree as JSON, DOCX bytes, PDF bytes) of one sample."""
    out = samples.out(request.param)
    files = samples.result(request.param).files
    content = json.loads((out / "content.json").read_text(encoding="utf-8"))["document"]
    data = {p.suffix: p.read_bytes() for p in files}
    return request.param, content, data[".docx"], data[".pdf"]


def _pictures(content: dict, frames: bool = False) -> list[dict]:
    """Charts and photos with an image, from the document tree; with FRAMES also the missing
    photos with an alt text, whose placeholder frame is a figure carrying it in the PDF."""
    return [b for b in _blocks(content)
            if b["type"] == "chart" or (b["type"] == "photo" and (b["file"] or (frames and b["alt"].strip())))]


def test_pdf_is_tagged_in_german_and_shows_its_title(output):
    _, content, _, pdf = output
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert str(catalog["/Lang"]).startswith("de")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == content["meta"]["title"]


def test_every_pdf_figure_has_the_alt_text_of_its_picture(output):
    name, content, _, pdf = output
    pictures = _pictures(content, frames=True)
    figures = struct_summary(PdfReader(io.BytesIO(pdf))).figures
    assert bool(pictures) == _shows_pictures(name), "the inputs' charts and photos are in the document tree"
    assert sorted(figures) == sorted(p["alt"] for p in pictures)
    assert all(len(alt) > 20 for alt in figures)


def test_pdf_headings_never_skip_a_level(output):
    _, _, _, pdf = output
    levels = [lvl for lvl, _ in struct_summary(PdfReader(io.BytesIO(pdf))).headings]
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_pdf_has_a_bookmark_for_every_chapter(output):
    _, content, _, pdf = output
    top = [" ".join(item.title.split()) for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]
    for chapter in content["chapters"]:
        assert " ".join(chapter["title"].split()) in top, chapter["title"]


def test_every_docx_picture_has_alt_text(output):
    _, content, docx, _ = output
    doc = open_docx(io.BytesIO(docx))
    described = [(d.get("descr"), d.get("title")) for d in doc.element.body.iter(qn("wp:docPr"))]
    assert sorted(alt for alt, _ in described) == sorted(p["alt"] for p in _pictures(content))
    assert all(title for _, title in described)
    assert doc.core_properties.title == content["meta"]["title"]


def test_the_pipelines_own_check_finds_nothing_on_the_samples(output):
    _, content, docx, pdf = output
    assert pdf_problems(read_pdf(pdf), [c["title"] for c in content["chapters"]]) == []
    assert docx_problems(docx) == []


def test_the_check_notices_a_pdf_without_tags_or_language_and_a_docx_without_alt_text(sample_built, sample_loaded):
    titles = [c.title for c in sample_loaded.document.chapters]
    assert pdf_problems(sample_built.pdf, titles) == []
    writer = PdfWriter(clone_from=io.BytesIO(sample_built.pdf_bytes))
    del writer.root_object[NameObject("/StructTreeRoot")]
    writer.root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    buf = io.BytesIO()
    writer.write(buf)
    problems = pdf_problems(read_pdf(buf.getvalue()), titles)
    assert any("not tagged" in p for p in problems) and any("'en-GB'" in p for p in problems)
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sample_built.docx_bytes)) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b' descr="', b' x-descr="')
            dst.writestr(item, data)
    assert any("5 of 5 pictures have no alt text" in p for p in docx_problems(stripped.getvalue()))


def test_a_missing_photos_frame_is_not_read_aloud(output):
    """The „Foto folgt“ frame of a missing photo is an artifact: printed, but passed over by
    screen readers (its alt text, if given, is the figure's Alt, asserted above)."""
    import pypdfium2
    from pages import read_page
    _, content, _, pdf = output
    missing = any(b["type"] == "photo" and not b["file"] for b in _blocks(content))
    if "photo_missing" not in content["labels"]:
        assert not missing, "a type that prints photos names its placeholder (labels.photo_missing)"
        return
    label = "".join(content["labels"]["photo_missing"].split())
    doc = pypdfium2.PdfDocument(pdf)
    try:
        pages = [read_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()
    printed = sum("".join(g.char for g in p.glyphs if not g.char.isspace()).count(label) for p in pages)
    read = sum("".join(g.char for g in p.content()).count(label) for p in pages)
    assert (printed > 0) == missing
    assert read == 0


def _blocks(content: dict) -> list[dict]:
    out = []

    def walk(blocks):
        for b in blocks:
            out.append(b)
            if b["type"] == "box":
                walk(b["blocks"])

    def sections(ss):
        for s in ss:
            walk(s["blocks"])
            sections(s["sections"])

    for ch in content["chapters"]:
        walk(ch["blocks"])
        sections(ch["sections"])
    return out
