"""The 2012 mid-term review, built from inputs/ and read back from both outputs."""

from __future__ import annotations

import hashlib
import re

from pypdf import PdfReader
import io

from pipeline.tree import Contacts, Quote, walk_sections
from pipeline.verify.read_back import normalise_space

REGIONS = ["Hochtaunuskreis", "Stadt Kassel", "Main-Kinzig-Kreis/Hanau", "Stadt Offenbach", "Stadt Wetzlar",
           "Stadt Wiesbaden"]


def _blocks(doc, kind):
    for ch in doc.chapters:
        for b in ch.blocks:
            if isinstance(b, kind):
                yield b
        for s in walk_sections(ch.sections):
            for b in s.blocks:
                if isinstance(b, kind):
                    yield b


def test_sample_has_every_chapter_of_the_source_in_order(sample_loaded):
    titles = [c.title for c in sample_loaded.document.chapters]
    assert titles[:3] == ["Vorwort", "Inhalt", "Konzeption des Landesprogramms „Modellregionen Integration“"]
    assert titles[3:9] == [f"Modellregion Integration {r}" for r in REGIONS]
    assert len([c for c in sample_loaded.document.chapters if c.style == "portrait"]) == 6
    assert titles[-4:] == ["Modellregionen Integration und Monitoring",
                           "Evaluation und wissenschaftliche Begleitung des Programms „Modellregionen Integration“",
                           "Perspektiven des Landesprogramms „Modellregionen Integration“", "Impressum"]
    for ch in sample_loaded.document.chapters[3:9]:
        assert [s.title for s in ch.sections][:4] == ["Ausgangslage", "Konzeption und Umsetzung",
                                                       "Handlungsfelder und Vernetzung", "Perspektiven"]
        assert ch.sections[-1].title == "Ansprechpartner"


def test_every_heading_is_in_both_outputs(sample_built, sample_loaded):
    docx_headings = [(lvl, normalise_space(t)) for lvl, t in sample_built.docx.headings]
    pdf_text = sample_built.pdf.text
    for ch in sample_loaded.document.chapters:
        if ch.kind == "contents":
            continue
        assert (1, ch.title) in docx_headings, ch.title
        assert ch.title in pdf_text, ch.title
        for s in walk_sections(ch.sections):
            assert (s.level, s.title) in docx_headings, (ch.title, s.title)
            assert normalise_space(s.title) in pdf_text, (ch.title, s.title)


def test_every_quote_speaker_and_text_is_in_both_outputs(sample_built, sample_loaded):
    quotes = list(_blocks(sample_loaded.document, Quote))
    assert len(quotes) == len(sample_loaded.records["quotes"]) >= 15
    for q in quotes:
        for text in (q.speaker, q.role):
            assert normalise_space(text) in sample_built.docx.text, text
            assert sample_built.pdf.contains(text), text
        words = normalise_space(q.text)
        assert f"„{words}“" in sample_built.docx.text
        assert sample_built.pdf.contains(words[:60])


def test_every_contact_email_and_phone_is_in_both_outputs(sample_built, sample_loaded):
    contacts = [c for b in _blocks(sample_loaded.document, Contacts) for c in b.contacts]
    assert len(contacts) == len(sample_loaded.records["contacts"]) + len(sample_loaded.records["links"])
    emails = [c.email for c in contacts if c.email]
    assert len(emails) >= 15
    for c in contacts:
        for value in (c.email, c.phone):
            if value:
                assert value in sample_built.docx.text, value
                assert sample_built.pdf.contains(value), value


def test_every_photo_caption_is_in_both_outputs(sample_built, sample_loaded):
    for rec in sample_loaded.records["photos"]:
        caption = normalise_space(str(rec["caption"]))
        assert caption in sample_built.docx.text
        assert sample_built.pdf.contains(caption)


def test_pdf_outline_lists_the_six_regions_and_toc_shows_real_pages(sample_built):
    outline = sample_built.pdf.outline
    top = [(title, page) for level, title, page in outline if level == 1]
    for region in REGIONS:
        assert (f"Modellregion Integration {region}") in [t for t, _ in top]
    toc_page = next(t for t in sample_built.pdf.page_texts if t.startswith("Inhalt"))
    for title, page in top[top.index(("Inhalt", 3)) + 1:]:
        pattern = re.escape(title) + r"[\s.]*" + str(page) + r"\b"
        assert re.search(pattern, toc_page), f"TOC does not show {title!r} on page {page}"
    # and the page really starts with that chapter's title
    for title, page in top:
        assert title[:30] in sample_built.pdf.page_texts[page - 1]


def test_page_count_and_chapter_starts_match_the_source_plan(sample_built):
    """The source's table of contents: regions on 4 pages each, portraits on one, 48 in all."""
    assert sample_built.pdf.pages == 48
    starts = [page for level, _, page in sample_built.pdf.outline if level == 1]
    assert starts == [2, 3, 4, 8, 12, 16, 20, 24, 28, 32, 33, 34, 35, 36, 37, 38, 40, 44, 48]


def test_pdf_metadata_language_and_tagging(sample_built):
    meta = sample_built.pdf.metadata
    assert meta["/Title"] == "Vielfalt ist Hessens Zukunft!"
    assert meta["/Author"] == "Hessisches Ministerium der Justiz, für Integration und Europa"
    assert sample_built.pdf.language == "de-DE"
    root = PdfReader(io.BytesIO(sample_built.pdf_bytes)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part>1<" in xmp  # PDF/UA-1 identification
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_docx_properties_styles_toc_and_page_numbers(sample_built):
    assert sample_built.docx.core == {"title": "Vielfalt ist Hessens Zukunft!",
                                      "author": "Hessisches Ministerium der Justiz, für Integration und Europa",
                                      "language": "de-DE"}
    for style in ("Title", "Heading 1", "Heading 2", "Heading 3", "Quote", "Caption", "List Bullet",
                  "Contact", "Quote Attribution"):
        assert style in sample_built.docx.styles_used, style
    xml = _docx_part(sample_built.docx_bytes, "word/document.xml")
    assert 'TOC \\o "1-1"' in xml and 'w:dirty="true"' in xml
    footers = [n for n in _docx_names(sample_built.docx_bytes) if n.startswith("word/footer")]
    assert any(" PAGE " in _docx_part(sample_built.docx_bytes, n) for n in footers)
    assert "w:updateFields" in _docx_part(sample_built.docx_bytes, "word/settings.xml")


def test_docx_running_heads_follow_chapters(sample_built):
    headers = [_docx_part(sample_built.docx_bytes, n) for n in _docx_names(sample_built.docx_bytes)
               if n.startswith("word/header")]
    joined = " ".join(headers)
    for region in REGIONS:
        assert f"Modellregion Integration {region}" in joined


def test_footnote_is_a_real_footnote_in_both_outputs(sample_built):
    note = "Zur besseren Lesbarkeit wird auf die Verwendung der weiblichen Form verzichtet"
    footnotes = _docx_part(sample_built.docx_bytes, "word/footnotes.xml")
    assert note in footnotes
    assert "w:footnoteReference" in _docx_part(sample_built.docx_bytes, "word/document.xml")
    assert sample_built.pdf.contains(note)


def test_source_defects_are_not_reproduced(sample_built):
    assert "Ofenbach" not in sample_built.pdf.text
    assert "Ofenbach" not in sample_built.docx.text
    paragraphs = [p for p in re.split(r"(?<=\.) ", sample_built.docx.text) if len(p) > 120]
    assert len(paragraphs) == len(set(paragraphs)), "a sentence is printed twice"


def test_german_typography_survives(sample_built):
    for text in ("„Modellregionen Integration“", "55,2 %", "Einwohner*innen", "Januar 2012", "Jörg-Uwe Hahn",
                 "Özge Erkaner", "Müttertraining"):
        assert sample_built.pdf.contains(text), text
        assert normalise_space(text) in normalise_space(sample_built.docx.text) or text == "Januar 2012", text


def test_two_builds_are_byte_identical(sample_built, tmp_path):
    from conftest import SAMPLE, build_and_read
    again = build_and_read(SAMPLE, tmp_path)
    assert hashlib.sha256(again.pdf_bytes).digest() == hashlib.sha256(sample_built.pdf_bytes).digest()
    assert hashlib.sha256(again.docx_bytes).digest() == hashlib.sha256(sample_built.docx_bytes).digest()


def _docx_names(data: bytes) -> list[str]:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def _docx_part(data: bytes, name: str) -> str:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")
