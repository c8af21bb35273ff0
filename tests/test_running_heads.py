"""Running heads name the chapter the page is in, read from the built PDFs of every sample.

For each page of each sample whose type prints running heads, the text above the type area
(read with PDFium) must be the running head of the chapter the page begins in: the last chapter
that opened on an earlier page (from the PDF's bookmarks). A page a chapter opens at its top
carries none. Rodgau's draft, whose short chapters run on after each other, opened chapter 8 on
page 9 under chapter 6's running head."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from pipeline.build import load_source
from pipeline.drafts.draft import draft_template, is_draft, load_draft

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([p.parent.relative_to(ROOT / "inputs").as_posix() for p in (ROOT / "inputs").glob("*/edition.yaml")]
                 + [p.relative_to(ROOT / "inputs").as_posix() for p in (ROOT / "inputs" / "kommunen").iterdir()
                    if is_draft(p)])
MM = 72 / 25.4


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def chapter_starts(pdf: bytes) -> list[tuple[str, int, float]]:
    """(title, page index, top) of each top-level bookmark: where each chapter opens."""
    reader = PdfReader(io.BytesIO(pdf))
    return [(item.title, reader.get_destination_page_number(item), float(item.top or 0))
            for item in reader.outline if not isinstance(item, list)]


def expected_heads(pdf: bytes, heads: dict[str, str], pages: int) -> list[str]:
    """The running head each page must carry ('' for none)."""
    starts = chapter_starts(pdf)
    top = max(t for _, _, t in starts)  # a chapter opening a page stands at its top
    out = []
    for n in range(pages):
        if any(p == n and t >= top - 2 for _, p, t in starts):
            out.append("")
            continue
        before = [title for title, p, _ in starts if p < n]
        out.append(heads.get(before[-1], "") if before else "")
    return out


def printed_heads(pdf: bytes, top_mm: float) -> list[str]:
    """The text above each page's type area (clear of the accents of its first line)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(left=0, bottom=height - top_mm * MM + 6, right=width, top=height)
            out.append(_space(text))
        return out
    finally:
        doc.close()


def page_text(pdf: bytes, n: int) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return _space(doc[n].get_textpage().get_text_range())
    finally:
        doc.close()


@pytest.mark.parametrize("name", SAMPLES)
def test_each_running_head_names_the_chapter_its_page_is_in(samples, name):
    folder = ROOT / "inputs" / name
    source = load_draft(folder) if is_draft(folder) else load_source(folder)
    if "running-head(" not in (source.template.folder / "brochure.typ").read_text(encoding="utf-8"):
        pytest.skip(f"the type {source.template.name} prints no running heads")
    pdf = samples.file(name, ".pdf").read_bytes()
    heads = {ch.title: "" if ch.kind == "contents" else _space(ch.running_head) for ch in source.document.chapters}
    starts = chapter_starts(pdf)
    assert [t for t, _, _ in starts if t in heads] == [t for t, _, _ in starts], "each bookmark is a chapter"
    printed = printed_heads(pdf, source.template.page.top_mm)
    expected = expected_heads(pdf, heads, len(printed))
    # a page left blank for the page budget carries no running head, as in print (issue 29, 5)
    expected = ["" if not page_text(pdf, n) else want for n, want in enumerate(expected)]
    wrong = [(n + 1, got, want) for n, (got, want) in enumerate(zip(printed, expected)) if got != want]
    assert not wrong, f"{name}: (page, printed, expected) {wrong}"


def test_rodgau_page_9_opens_chapter_8_without_chapter_6s_head(samples):
    pdf = samples.file("kommunen/rodgau", ".pdf").read_bytes()
    printed = printed_heads(pdf, draft_template()[0].page.top_mm)
    opens = [(title, p) for title, p, _ in chapter_starts(pdf) if title.startswith("8. ")]
    assert opens and printed[opens[0][1]] == ""
    assert "Kommunale Handlungsfelder" not in printed[opens[0][1]]
