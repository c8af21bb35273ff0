"""Property: any Unicode string in any text field (heading, paragraph, quote, caption, contact)
either appears verbatim in the DOCX text and in the PDF text read back, or is refused by the
loader with an input error naming the offending character.

"Verbatim" is compared the way a reader sees it: NFKC, and without whitespace, hyphens and soft
hyphens (typesetting moves line breaks and adds hyphens; it must not change a letter).

`make test` runs 200 derandomised examples per property (CI_EXAMPLES); `make fuzz` runs the 'fuzz' profile (FUZZ_EXAMPLES,
default 20,000, random) and prints how many examples were tried and what failed.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.load.edition import load_template
from pipeline.errors import Location, Report
from pipeline.load.glyphs import printable
from pipeline.load.records import Column, convert
from pipeline.render.docx import render_docx
from pipeline.render.pdf import render_pdf
from pipeline.tree import (Chapter, Contact, Contacts, Cover, Document, Meta, Paragraph, Photo, Quote, Run,
                           Section)
from pipeline.verify.read_back import page_texts_of_pdf, read_docx

settings.register_profile("ci", max_examples=int(os.environ.get("CI_EXAMPLES", "200")), deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TEMPLATE = load_template("halbzeitbilanz")
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-edition-"))
# Each field gets its own marker, so a text lost from one field is not found in another.
FIELDS = ("Kapitel", "Abschnitt", "Absatz", "Zitat", "Sprecher", "Bild", "Kontakt")
WHERE = Location(file="data/quotes.csv", row=2, column="text")


def seen(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("-", "")
    return "".join(text.split())


def document(value: str) -> Document:
    f = {name: f"{name}:{value}:{name}" for name in FIELDS}
    section = Section(id="s", title=f["Abschnitt"], level=2, blocks=[
        Paragraph([Run(f["Absatz"])]),
        Quote(id="q", text=f["Zitat"], speaker=f["Sprecher"], role=""),
        Photo(id="p", file=None, caption=f["Bild"], alt="Bild"),
        Contacts([Contact(id="c", group="", lines=[f["Kontakt"]])]),
    ])
    chapter = Chapter(id="k", kind="prose", title=f["Kapitel"], running_head="Test", sections=[section])
    meta = Meta(title="Test", subtitle="", author="Test", publisher="Test", date="2012-01-01",
                date_text="Januar 2012", language="de-DE", template="halbzeitbilanz", edition="fuzz")
    cover = Cover(title="Test", subtitle="", programme="", items=[], publisher="Test", date_text="Januar 2012")
    return Document(meta=meta, cover=cover, chapters=[chapter], labels=TEMPLATE.labels)


RENDERED = []  # values that got past the loader and were typeset


def check_value(raw: str) -> None:
    report = Report()
    value = convert(Column("text"), raw, WHERE, report)
    if report.errors:
        finding = report.errors[0]
        # an address with a character that does not belong in it is refused as such (address_chars.py)
        assert finding.code in ("E-INVALID-CHAR", "E-UNPRINTABLE-CHAR", "E-ADDRESS-INVISIBLE", "E-ADDRESS-LOOKALIKE"), finding
        first_bad = re.search(r"U\+([0-9A-F]{4,6})", finding.message)
        # named as the loader sees it: after NFC ('豈' U+F900 is U+8C48 by then)
        assert first_bad and chr(int(first_bad.group(1), 16)) in unicodedata.normalize("NFC", raw), finding.message
        return
    if not value:
        return  # blank after trimming: nothing to print
    RENDERED.append(value)
    doc = document(value)
    docx_text = seen(read_docx(render_docx(doc, TEMPLATE.reference_docx, FOLDER)).text)
    pdf_text = seen(" ".join(page_texts_of_pdf(render_pdf(doc, TEMPLATE.typst, FOLDER))))
    for name in FIELDS:
        expected = seen(f"{name}:{value}:{name}")
        assert expected in docx_text, (name, "docx", value)
        assert expected in pdf_text, (name, "pdf", value)


@given(st.text(max_size=80))
def test_any_text_is_printed_verbatim_or_refused_naming_the_character(raw):
    check_value(raw)


# Characters the font has, markup characters of every target weighted up: every example gets
# past the loader and is typeset, which is where escaping could go wrong.
PRINTABLE = sorted(chr(c) for c in printable()) + list(" \t\n\u00a0\u2028")
MARKUP = list("#$@*_`\\<>&{}[]\"'=~/;:%^|")
PRINTABLE_TEXT = st.text(alphabet=st.one_of(st.sampled_from(PRINTABLE), st.sampled_from(MARKUP)), min_size=1,
                         max_size=300)


@given(PRINTABLE_TEXT)
def test_printable_text_with_markup_characters_is_printed_verbatim(raw):
    check_value(raw)


def test_zz_most_examples_were_typeset():
    """The properties above ran (same module, in order) and most of their examples were typeset."""
    assert len(RENDERED) >= settings.default.max_examples, len(RENDERED)


def test_the_property_sees_known_cases():
    for raw in ('#set page(width: 1cm) {{ x }} <w:t>&amp;</w:t> $x$ @ref ` \\', "ÄÖÜ äöü ß „x“ – ş ğ İ",
                "\u2028zwei\u2029Zeilen\t", " "):
        check_value(raw)
    report = Report()
    convert(Column("text"), "Gruß 😀", WHERE, report)
    assert report.errors[0].code == "E-UNPRINTABLE-CHAR" and "U+1F600" in report.errors[0].message
