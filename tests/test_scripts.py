"""Greek and Cyrillic print (issue 33, first part): a Ukrainian contact's name in contacts.csv,
Cyrillic and Greek words in running text, in bold and in italic (where Source Sans Pro has no
glyph and Noto Sans stands in), build without findings and read back exactly in the four PDF
engines readers use and in python-docx, with the contact's e-mail link right. A script no
shipped font has (Arabic, for now; Han; emoji) is still refused, naming the script."""

from __future__ import annotations

import io
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from docx import Document as open_docx
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import ROOT
from pipeline.build import build, check
from readers import engines

FLYER = ROOT / "inputs" / "programmflyer-2014"
CONTACT = ("c-olena", "Олена Коваленко", "Консультантка", "olena.kovalenko@kreis-beispiel.de")
UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
RUSSIAN_EXTRA = "ёыэъЁЫЭЪ"
GREEK = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
EXAMPLES = max(3, int(os.environ.get("CI_EXAMPLES", "200")) // 40)  # each example is a whole build


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00ad", "").split())


def _edition(tmp_path: Path, paragraph: str | None = None) -> Path:
    folder = tmp_path / "ed"
    shutil.copytree(FLYER, folder)
    contacts = folder / "data" / "contacts.csv"
    text = contacts.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(";")
    chapter = text.splitlines()[1].split(";")[header.index("chapter")]
    row = {"id": CONTACT[0], "chapter": chapter, "name": CONTACT[1], "role": CONTACT[2], "email": CONTACT[3]}
    contacts.write_text(text.rstrip("\n") + "\n" + ";".join(row.get(h, "") for h in header) + "\n", encoding="utf-8")
    if paragraph is not None:
        md = sorted((folder / "text").glob("*.md"))[0]
        md.write_text(md.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + paragraph + "\n", encoding="utf-8")
    return folder


def _pdf_texts(pdf: bytes) -> dict[str, str]:
    out = {}
    for engine in engines.ENGINES:
        if engines.missing(engine):
            continue
        out[engine] = _flat(" ".join(engines.pages(pdf, engine)))
    return out


def _docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return _flat(" ".join([p.text for p in doc.paragraphs] + cells))


def test_a_cyrillic_contact_prints_in_both_files_with_its_link(tmp_path):
    folder = _edition(tmp_path)
    _, findings = check(folder)
    assert not [f for f in findings if f.severity == "error"], findings
    result = build(folder, tmp_path / "out")
    assert result.output_errors == []
    files = {p.suffix: p.read_bytes() for p in result.files}
    for engine, text in _pdf_texts(files[".pdf"]).items():
        assert CONTACT[1] in text and CONTACT[3] in text, engine
    assert CONTACT[1] in _docx_text(files[".docx"])
    uris = [str(a.get_object()["/A"].get("/URI")) for page in PdfReader(io.BytesIO(files[".pdf"])).pages
            for a in page.get("/Annots") or [] if a.get_object().get("/A")]
    assert f"mailto:{CONTACT[3]}" in uris
    doc = open_docx(io.BytesIO(files[".docx"]))
    targets = {r.target_ref for r in doc.part.rels.values() if r.is_external}
    assert f"mailto:{CONTACT[3]}" in targets


def _words(alphabet: str):
    """Words as people write them: lower case, some capitalised (random case mixes are what
    mis-decoded text looks like, and the mojibake check rightly refuses those)."""
    lower = "".join(c for c in alphabet if c.islower())
    return st.builds(lambda w, cap: w.capitalize() if cap else w,
                     st.text(alphabet=lower, min_size=2, max_size=12), st.booleans())


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cyrillic=st.lists(_words(UKRAINIAN + RUSSIAN_EXTRA), min_size=2, max_size=6),
       greek=st.lists(_words(GREEK), min_size=1, max_size=4), number=st.integers(min_value=1, max_value=99_999))
@example(cyrillic=["Київ", "Львів", "Харків"], greek=["Αθήνα"], number=2024)
def test_greek_and_cyrillic_in_running_text_read_back_exactly(tmp_path_factory, cyrillic, greek, number):
    tmp_path = tmp_path_factory.mktemp("scripts")
    plain = " ".join(cyrillic)
    italic, bold = " ".join(greek), cyrillic[0]
    paragraph = (f"Beratung auf Ukrainisch: {plain}, Telefon 069 {number}, E-Mail info@kreis-beispiel.de. "
                 f"Auf Griechisch *{italic}* und **{bold}**.")
    folder = _edition(tmp_path, paragraph)
    result = build(folder, tmp_path / "out")
    assert result.output_errors == [], result.output_errors
    files = {p.suffix: p.read_bytes() for p in result.files}
    expected = _flat(paragraph.replace("*", ""))
    for engine, text in _pdf_texts(files[".pdf"]).items():
        for part in (plain, italic, bold):
            assert _flat(part) in text, (engine, part)
        squeezed = text.replace(" ", "")  # an address may break at a line end ('info@⏎kreis-…')
        for part in (f"069{number}", "info@kreis-beispiel.de"):
            assert part in squeezed, (engine, part)
    assert expected in _docx_text(files[".docx"])


def test_italic_greek_and_cyrillic_come_from_noto_sans_not_typsts_own_fonts(tmp_path):
    folder = _edition(tmp_path, "Zum Schluss *Київ und Αθήνα* kursiv.")
    result = build(folder, tmp_path / "out")
    assert result.output_errors == []
    pdf = next(p for p in result.files if p.suffix == ".pdf").read_bytes()
    fonts = {str(f.get_object().get("/BaseFont")) for page in PdfReader(io.BytesIO(pdf)).pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert any("NotoSans" in f and "Italic" in f for f in fonts), fonts
    assert not any(re.search("Libertinus|DejaVu|NewCM", f) for f in fonts), fonts


@pytest.mark.parametrize("text, script", [("مرحبا بكم", "Arabic"), ("你好", "Han"), ("אבג", "Hebrew")])
def test_a_script_no_font_has_is_refused_naming_the_script(tmp_path, text, script):
    folder = _edition(tmp_path, f"Willkommen: {text}.")
    _, findings = check(folder)
    found = [f for f in findings if f.code == "E-UNPRINTABLE-CHAR"]
    assert found and f"{script} script" in found[0].message, findings
    assert found[0].location.row and "Greek" in found[0].hint
