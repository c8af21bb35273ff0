"""Issue 34, classes 2 and 3: an invisible or a look-alike character in an address is refused where
it stands (file, sheet, row, column or line, the character's name and code point), in Markdown
text and links, in spreadsheet cells and in edition.yaml; never a link to another address."""

from __future__ import annotations

import copy
import os
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editions import EDITION, TABLES, TEXTS, write_edition
from pipeline.build import build, load
from pipeline.errors import InputError
from pipeline.load import links
from pipeline.load.address_chars import problem
from pipeline.web.portal.findings_de import german

EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c",
             *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u180e", "\u034f", "\ufe0f"]
# (character, an address with it, the ASCII character it passes for)
LOOKALIKES = [
    ("\u0430", "www.st\u0430dt-kassel.de", "a"),  # Cyrillic а
    ("\u0435", "www.h\u0435ssen.de", "e"),  # Cyrillic е
    ("\u043e", "www.\u043effenbach.de", "o"),  # Cyrillic о
    ("\u0440", "www.\u0440ortal.de", "p"),  # Cyrillic р
    ("\u0441", "www.kassel.\u0441om", "c"),  # Cyrillic с
    ("\u03bf", "www.\u03bfnline.de", "o"),  # Greek ο
    ("\u0261", "www.\u0261iessen.de", "g"),  # LATIN SMALL LETTER SCRIPT G
    ("\u0131", "www.w\u0131esbaden.de", "i"),  # dotless ı
    ("\u2215", "https://hessen.de\u2215anmeldung", "/"),  # DIVISION SLASH
    ("\u2044", "https://hessen.de\u2044anmeldung", "/"),  # FRACTION SLASH
    ("\uff0f", "https://hessen.de\uff0fanmeldung", "/"),  # FULLWIDTH SOLIDUS
    ("\uff0e", "www.hessen\uff0ede", "."),  # FULLWIDTH FULL STOP
    ("\u2024", "www.hessen\u2024de", "."),  # ONE DOT LEADER
    ("\u3002", "www.hessen\u3002de", ""),  # IDEOGRAPHIC FULL STOP: a dot to IDNA
    ("\uff20", "info\uff20stadt.de", "@"),  # FULLWIDTH COMMERCIAL AT
    ("\uff57", "www.\uff57iesbaden.de", "w"),  # FULLWIDTH w
    ("\u0440", "www.\u0440\u0441.de", "p"),  # a label all Cyrillic that reads as Latin 'pc'
    ("\u0430", "\u0430nna@stadt.de", "a"),  # in the local part of an e-mail address
]
FINE = ["www.münchen.de", "https://пример.рф/о-нас", "info@пример.рф", "https://www.stadt.de/über-uns",
        "bürgerbüro@köln.de", "https://de.wikipedia.org/wiki/Kassel_(Stadt)", "www.straße.de", "https://ελλάδα.gr/",
        "mailto:ä@münchen.de?subject=Öl", "Integra\u00adtion ohne Adresse", "Hotel: \u0261ut", "tel:+496181400622"]


def name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


# -- the rule, on its own -----------------------------------------------------------------------

@pytest.mark.parametrize("ch", INVISIBLE, ids=name)
def test_an_invisible_character_anywhere_in_an_address_is_found(ch):
    for address in ("peggy.niering@stadt-kassel.de", "www.stadt-kassel.de/kontakt", "https://hessen.de/a?b=c",
                    "tel:+496181400622"):
        for at in range(1, len(address)):
            text = f"Kontakt: {address[:at]}{ch}{address[at:]}."
            found = problem(text)
            assert found and found.code == "E-ADDRESS-INVISIBLE", text
            assert found.position == len("Kontakt: ") + at + 1 and name(ch) in found.char


@pytest.mark.parametrize("ch,address,like", LOOKALIKES, ids=lambda v: name(v) if len(v) == 1 else None)
def test_a_lookalike_character_in_an_address_is_named(ch, address, like):
    found = problem(f"Mehr unter „{address}“.")
    assert found and found.code == "E-ADDRESS-LOOKALIKE"
    assert found.char == f"{name(ch)} ({unicodedata.name(ch)})" and found.like == like
    assert found.position == len("Mehr unter „") + address.index(ch) + 1


@pytest.mark.parametrize("text", FINE)
def test_addresses_wholly_in_one_script_and_ordinary_text_are_fine(text):
    assert problem(text) is None


LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
ADDRESS = st.one_of(st.builds(lambda a, b: f"www.{a}-{b}.de", LABEL, LABEL),
                    st.builds(lambda a, b: f"{a}.{b}@stadt.de", LABEL, LABEL),
                    st.builds(lambda a, b: f"https://{a}.de/{b}?x={a}", LABEL, LABEL))


@settings(max_examples=EXAMPLES * 10, derandomize=True, deadline=None, database=None)
@given(ADDRESS, st.sampled_from(INVISIBLE + [c for c, _, like in LOOKALIKES if like and not c.isalpha()]),
       st.data())
def test_any_foreign_character_inside_any_address_is_refused_and_a_clean_one_passes(address, ch, data):
    assert problem(f"Siehe {address} bitte") is None
    assert [uri for _, uri in links.split(address) if uri] == [links.target(address)]
    at = data.draw(st.integers(1, len(address) - 1))
    text = f"Siehe {address[:at]}{ch}{address[at:]} bitte"
    found = problem(text)
    if found is None:  # 'w∕ww.a.de' is no address to the reader nor to the renderers: not linked
        assert not any(uri for _, uri in links.split(text)), text
    else:
        assert found.position == len("Siehe ") + at + 1


# -- where it stands: Markdown, cells, edition.yaml --------------------------------------------

def _findings(folder) -> list:
    with pytest.raises(InputError) as exc:
        load(folder)
    return exc.value.findings


def _markdown(tmp_path, line: str) -> list:
    texts = {**TEXTS, "text/konzeption.md": f"Erster Absatz.\n\n{line}\n"}
    return _findings(write_edition(tmp_path, texts=texts))


@pytest.mark.parametrize("ch", INVISIBLE, ids=name)
def test_markdown_text_link_and_character_code_name_the_line(tmp_path, ch):
    for n, line in enumerate([f"Kontakt: peggy.nie{ch}ring@stadt-kassel.de.",
                              f"Siehe [die Seite](https://www.stadt{ch}-kassel.de/x) dazu.",
                              f"Siehe www.stadt&#x{ord(ch):X};-kassel.de dazu.",
                              f"| Stelle | Adresse |\n|---|---|\n| Büro | info@stadt{ch}.de |"]):
        [f] = _markdown(tmp_path / str(n), line)
        assert (f.code, f.location.file, f.location.row) == ("E-ADDRESS-INVISIBLE", "text/konzeption.md",
                                                             3 if n < 3 else 5), line
        assert name(ch) in f.message and f.hint
        de = german(f)
        assert de.known and name(ch) in de.message and "unsichtbar" in de.message


@pytest.mark.parametrize("ch,address,like", LOOKALIKES[:12], ids=lambda v: name(v) if len(v) == 1 else None)
def test_markdown_lookalikes_in_text_and_links(tmp_path, ch, address, like):
    for n, line in enumerate([f"Mehr unter {address} dazu.", f"Mehr [hier]({address}) dazu."]):
        [f] = _markdown(tmp_path / str(n), line)
        assert (f.code, f.location.file, f.location.row) == ("E-ADDRESS-LOOKALIKE", "text/konzeption.md", 3)
        assert f"{name(ch)} ({unicodedata.name(ch)})" in f.message
        assert german(f).known and name(ch) in german(f).message


def _cells(ch_for: dict[str, str]) -> dict:
    """The test tables with CH put into an e-mail, a web and a phone cell and into running text."""
    tables = copy.deepcopy(TABLES)
    c = ch_for
    tables["contacts"][0]["email"] = f"peggy.nie{c['email']}ring@stadt-kassel.de"
    tables["contacts"][0]["phone"] = f"0561 - 787{c['phone']}-21 32"
    tables["contacts"][2]["web"] = f"www.tg{c['web']}-hessen.de"
    tables["quotes"][0]["text"] = f"Kassel ist bunt: www.stadt{c['text']}-kassel.de zeigt es."
    tables["regions"][0]["web"] = f"www.stadt{c['text']}-kassel.de"
    return tables


WHERE = {("contacts", 2, "email"), ("contacts", 2, "phone"), ("contacts", 4, "web"), ("quotes", 2, "text"),
         ("regions", 2, "web")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("ch", INVISIBLE, ids=name)
def test_cells_name_file_sheet_row_and_column(tmp_path, ch, fmt):
    findings = _findings(write_edition(tmp_path, tables=_cells(dict.fromkeys(("email", "phone", "web", "text"), ch)),
                                       fmt=fmt))
    if fmt == "csv":
        got = {(f.location.file.removeprefix("data/").removesuffix(".csv"), f.location.row, f.location.column)
               for f in findings}
    else:
        assert {f.location.file for f in findings} == {"data/workbook.xlsx"}
        got = {(f.location.sheet, f.location.row, f.location.column) for f in findings}
    assert got == WHERE
    assert {f.code for f in findings} == {"E-ADDRESS-INVISIBLE"}
    assert all(name(ch) in f.message for f in findings)


@pytest.mark.parametrize("ch,address,like", LOOKALIKES[:12], ids=lambda v: name(v) if len(v) == 1 else None)
def test_lookalikes_in_cells(tmp_path, ch, address, like):
    findings = _findings(write_edition(tmp_path, tables=_cells({"email": ch, "phone": "", "web": ch, "text": ch}),
                                       fmt="xlsx"))
    got = {(f.location.sheet, f.location.row, f.location.column, f.code) for f in findings}
    assert got == {(t, r, c, "E-ADDRESS-LOOKALIKE") for t, r, c in WHERE if c != "phone"}
    assert all(f"{name(ch)} ({unicodedata.name(ch)})" in f.message for f in findings)


def test_edition_yaml_lines(tmp_path):
    edition = copy.deepcopy(EDITION)
    edition["imprint"][0]["lines"].append("www.hessen\u2215kontakt.de")
    [f] = _findings(write_edition(tmp_path, edition=edition))
    assert (f.code, f.location.file, f.location.column) == ("E-ADDRESS-LOOKALIKE", "edition.yaml", "imprint[1].heading"
                                                            .replace("heading", "lines[3]"))


def test_no_file_is_written_for_an_address_with_a_soft_hyphen(tmp_path):
    texts = {**TEXTS, "text/konzeption.md": "Kontakt: peggy.nie\u00adring@stadt-kassel.de\n"}
    folder = write_edition(tmp_path / "ed", texts=texts)
    with pytest.raises(InputError) as exc:
        build(folder, tmp_path / "out")
    assert [f.code for f in exc.value.findings] == ["E-ADDRESS-INVISIBLE"]
    assert not any((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


# -- the portal: a town's workbook gets the same findings, in German ------------------------------

@pytest.mark.parametrize("value, code, german_text", [
    ("integrations\u00adbeauftragte@stadt.de", "E-ADDRESS-INVISIBLE", "unsichtbares Zeichen: U+00AD (SOFT HYPHEN)"),
    ("integrationsbeauftragte@st\u0430dt.de", "E-ADDRESS-LOOKALIKE", "das Zeichen U+0430 (CYRILLIC SMALL LETTER A)"),
])
def test_a_draft_workbook_gets_the_finding_in_german(tmp_path, value, code, german_text):
    """The portal shows what check_draft finds, in German (findings_de)."""
    import shutil
    from pathlib import Path

    import openpyxl

    from pipeline.drafts.draft import check_draft

    folder = Path(shutil.copytree(Path(__file__).resolve().parent.parent / "inputs/kommunen/maintal", tmp_path / "d"))
    wb = openpyxl.load_workbook(folder / "strategie.xlsx")
    cell = next(c for row in wb["Stammdaten"].iter_rows() for c in row if isinstance(c.value, str) and "@" in c.value)
    cell.value = value
    wb.save(folder / "strategie.xlsx")
    [f] = [f for f in check_draft(folder) if f.code.startswith("E-ADDRESS")]
    assert (f.code, f.location.sheet, f.location.row, f.location.column) == (code, "Stammdaten", cell.row, "E-Mail")
    de = german(f)
    assert de.known and german_text in de.message and "neu ein" in de.hint and value in de.message.replace(
        "<U+00AD>", "\u00ad")


def test_the_quick_test_knows_every_invisible_character_of_this_python():
    """_ANY_INVISIBLE lets lines without an address or an invisible character through unread; it
    must know every format character of the Unicode version Python has."""
    from pipeline.load.address_chars import _ANY_INVISIBLE, invisible
    missed = [name(chr(c)) for c in range(0x110000)
              if not 0xD800 <= c <= 0xDFFF and invisible(chr(c)) and not _ANY_INVISIBLE.match(chr(c))]
    assert missed == []
