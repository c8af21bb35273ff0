"""Input text is data: markup of any target prints literally in both outputs."""

from __future__ import annotations

import copy

import pytest

from conftest import build_and_read
from editions import TABLES, TEXTS, write_edition

HOSTILE = [
    '#read("x")', "{{ x", "}} {#", "{% if 1 %}", "$x^2$", "*stern*", "_unter_", "@ref", "<b>fett</b>", "[link]",
    "\\n", "`code`", "~tilde~", "„Anführungszeichen“", "»Guillemets«", "ÄÖÜ äöü ß", "55,2 %",
    "13.300 Einwohner*innen", "&amp; < > \"", "// Kommentar", "= Überschrift", "- Liste",
]


def _edition_with(tmp_path, value: str, fmt: str = "csv"):
    tables = copy.deepcopy(TABLES)
    tables["quotes"][0]["text"] = f"Zitat {value} Ende"
    tables["quotes"][0]["speaker"] = f"Sprecher {value}"
    tables["photos"][0]["caption"] = f"Bildunterschrift {value}"
    tables["contacts"][0]["organisation"] = f"Organisation {value}"
    tables["regions"][0]["chapter_title"] = f"Kapitel {value}"
    return write_edition(tmp_path / "ed", tables=tables, fmt=fmt)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_cell_text_prints_verbatim_in_docx_and_pdf(tmp_path, value):
    built = build_and_read(_edition_with(tmp_path, value), tmp_path / "out")
    for field in (f"Zitat {value} Ende", f"Sprecher {value}", f"Bildunterschrift {value}",
                  f"Organisation {value}", f"Kapitel {value}"):
        assert field in built.docx.text, field
        assert built.pdf.contains(field), field


def test_hostile_markdown_text_prints_verbatim(tmp_path):
    texts = dict(TEXTS)
    line = 'Text mit #read("x") und {{ x und $ und <b>x</b> und #set page(width: 1cm)'
    texts["text/vorwort.md"] = f"{line}\n\n## Abschnitt mit $ und #sym\n\nNoch ein Absatz.\n"
    built = build_and_read(write_edition(tmp_path / "ed", texts=texts), tmp_path / "out")
    for text in (line, "Abschnitt mit $ und #sym"):
        assert text in built.docx.text
        assert built.pdf.contains(text)
    assert (2, "Abschnitt mit $ und #sym") in built.docx.headings


def test_complete_template_placeholder_is_reported_not_evaluated(tmp_path):
    """'{{ x }}' is left over from a template: the check stops it before print."""
    from pipeline.build import check

    _, findings = check(_edition_with(tmp_path, "{{ name }}"))
    placeholders = {(f.location.file, f.location.column) for f in findings if f.code == "E-PLACEHOLDER"}
    assert ("data/quotes.csv", "text") in placeholders and ("data/regions.csv", "chapter_title") in placeholders
