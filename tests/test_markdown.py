"""Markdown prose: paragraphs, lists, emphasis and footnotes reach both outputs."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import build_and_read
from editions import TEXTS, write_edition
from pipeline.errors import InputError
from pipeline.load.markdown import parse
from pipeline.tree import ListBlock, Paragraph

SOURCE = """Einleitung mit **fett** und *kursiv*.

## Ziele

- erstens
- zweitens
  - unterpunkt

3. drei
4. vier

Ein Satz mit Fußnote.[^a]

### Unterabschnitt

Text.

[^a]: Gemeint sind immer beide Geschlechter.
"""


def test_parse_builds_sections_lists_and_footnotes():
    intro, sections = parse(SOURCE, "x.md", "c")
    assert [(r.text, r.bold, r.italic) for r in intro[0].runs] == [
        ("Einleitung mit ", False, False), ("fett", True, False), (" und ", False, False),
        ("kursiv", False, True), (".", False, False)]
    ziele = sections[0]
    assert ziele.title == "Ziele" and [s.title for s in ziele.sections] == ["Unterabschnitt"]
    bullets, numbers, para = ziele.blocks
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert [(i.level, i.runs[0].text) for i in bullets.items] == [(0, "erstens"), (0, "zweitens"), (1, "unterpunkt")]
    assert numbers.ordered and numbers.start == 3
    assert isinstance(para, Paragraph)
    assert para.runs[-1].footnote[0].text == "Gemeint sind immer beide Geschlechter."


def test_h1_in_a_chapter_file_is_an_error_with_line_number():
    with pytest.raises(InputError) as exc:
        parse("Text\n\n# Titel\n", "text/x.md", "x")
    [f] = exc.value.findings
    assert (f.code, f.location.file, f.location.row) == ("E-HEADING-LEVEL", "text/x.md", 3)


def test_lists_and_footnotes_render_in_docx_and_pdf(tmp_path):
    texts = dict(TEXTS, **{"text/vorwort.md": SOURCE})
    built = build_and_read(write_edition(tmp_path / "ed", texts=texts), tmp_path / "out")
    with zipfile.ZipFile(io.BytesIO(built.docx_bytes)) as z:
        document = z.read("word/document.xml").decode()
        footnotes = z.read("word/footnotes.xml").decode()
        numbering = z.read("word/numbering.xml").decode()
    assert "Gemeint sind immer beide Geschlechter." in footnotes
    assert 'w:footnoteReference w:id="1"' in document
    assert '<w:startOverride w:val="3"/>' in numbering  # the numbered list starts at 3
    assert {"List Bullet", "List Bullet 2", "List Number"} <= built.docx.styles_used
    for text in ("erstens", "unterpunkt", "drei", "Gemeint sind immer beide Geschlechter."):
        assert built.pdf.contains(text)
