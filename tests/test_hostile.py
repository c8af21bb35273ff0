"""Hostile and broken input, as it arrives from dozens of contributors: each case builds one
small edition (or strategy workbook) and asserts the specific outcome — an input error with its
code and place, or text printed literally — and that no traceback ever escapes.

Beyond the check corpus (test_check_corpus.py): injection into every target, paths out of the
edition, limits (rows, cell length, zip and decompression bombs, nesting), spreadsheets as people
really send them (merged cells, hidden sheets, formulas, Excel date serials, German numbers as
text), damaged files, and atomic output.
"""

from __future__ import annotations

import copy
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from editions import EDITION, TABLES, TEXTS, write_edition
from pipeline.cli import main
from pipeline.drafts.draft import draft_template
from pipeline.drafts.scaffold import init_draft
from pipeline.verify.read_back import canonical, read_docx, read_pdf
from pipeline.drafts.workbook_fill import fill_workbook

_, LAYOUT = draft_template()


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the input under tmp_path, returns the folder to check
    code: str | None  # expected finding code; None: builds cleanly
    where: dict = field(default_factory=dict)  # expected location fields of that finding
    printed: tuple[str, ...] = ()  # texts that must appear in both built files
    command: str = "build"  # build | draft


# -- builders ------------------------------------------------------------------------------------
def edition(tables: Callable[[dict], None] | None = None, texts: Callable[[dict], None] | None = None,
            meta: Callable[[dict], None] | None = None, after: Callable[[Path], None] | None = None,
            fmt: str = "csv"):
    def make(tmp: Path) -> Path:
        t, x, e = copy.deepcopy(TABLES), dict(TEXTS), copy.deepcopy(EDITION)
        for fn, obj in ((tables, t), (texts, x), (meta, e)):
            if fn:
                fn(obj)
        folder = write_edition(tmp / "ed", tables=t, texts=x, edition=e, fmt=fmt)
        if after:
            after(folder)
        return folder
    return make


def quote_text(value: str):
    return lambda t: t["quotes"][0].update(text=value)


def vorwort(value: str):
    return lambda x: x.update({"text/vorwort.md": value})


def workbook(edit: Callable[[openpyxl.Workbook], None]):
    """The edition as .xlsx, then changed with openpyxl as a person would in Excel."""
    def after(folder: Path) -> None:
        path = folder / "data" / "workbook.xlsx"
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)
    return edition(after=after, fmt="xlsx")


def replace_file(rel: str, data: bytes):
    def after(folder: Path) -> None:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return after


def photo(file: str, data: bytes | None = None):
    def after(folder: Path) -> None:
        if data is not None:
            (folder / "images").mkdir(exist_ok=True)
            (folder / "images" / file).write_bytes(data)
    return edition(tables=lambda t: t["photos"][0].update(file=file), after=after)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims WIDTH × HEIGHT pixels: the header of a decompression bomb."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def zip_bomb(folder: Path) -> None:
    path = folder / "data" / "workbook.xlsx"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/filler.bin", b"\x00" * 250_000_000)


def symlink_out(rel: str, target: str):
    def after(folder: Path) -> None:
        link = folder / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists():
            link.unlink()
        os.symlink(target, link)
    return after


def draft(data: dict | None = None, edit: Callable[[openpyxl.Workbook], None] | None = None):
    def make(tmp: Path) -> Path:
        folder = tmp / "stadt"
        path = init_draft("Teststadt", folder, LAYOUT)
        if data:
            fill_workbook(path, LAYOUT, data)
        if edit:
            book = openpyxl.load_workbook(path)
            edit(book)
            book.save(path)
        return folder
    return make


def _merge(book):
    ws = book["quotes"]
    ws.append(["q-2", "kassel", "Ausgangslage", "", "", "Zweites Zitat."])
    ws.merge_cells("D2:D3")


def _formula(book):
    book["figures"]["C2"] = "=55+0.2"  # written by a program: no saved result


def _hidden(book):
    book["quotes"].sheet_state = "hidden"


def _serial_date(book):
    book["figures"]["E2"] = 40543  # 31.12.2010 as Excel stores it


def _number_text(book):
    book["figures"]["C3"] = "13.300"  # typed as text with a German thousands point


def _many_rows(book):
    ws = book["quotes"]
    for n in range(20_001):
        ws.append([f"q-{n}", "kassel", "", "A", "B", "Text"])


LONG = "Wort" * 9_000  # 36,000 characters, beyond Excel's 32,767
INJECTIONS = {
    "typst-code": '#import "/etc/passwd": * #read("/etc/passwd")',
    "typst-set-rule": "#set page(width: 1cm) #show: none",
    "typst-brackets": "] ) } [ #{ $ \\ ` <lbl> @lbl",
    "jinja-block": "{% for x in range(9) %}x{% endfor %}",
    "jinja-comment": "{# nichts #} und {% raw %}",
    "word-field": "{ MERGEFIELD Name } { DATE \\@ \"dd.MM.yyyy\" }",
    "word-xml": '<w:r><w:t>eingeschleust</w:t></w:r> <w:fldSimple w:instr="DATE"/>',
    "html-script": "<script>alert('x')</script> <img src=x onerror=alert(1)>",
    "xml-entities": "&amp; &lt; &#x26; &nbsp; ]]> <![CDATA[x]]>",
    "csv-formula": "=HYPERLINK(\"http://example.org\";\"Klick\") +1 -1 @SUM(1)",
    "markdown-in-cell": "**fett** _kursiv_ [Link](http://example.org) # Titel",
    "long-word": "Donaudampfschifffahrtsgesellschaftskapitän" * 40,
}

CASES = [
    # --- input text is data, in every target ------------------------------------------------------
    *(Case(f"injection-{name}", edition(tables=quote_text(f"Zitat {value} Ende")), None,
           printed=(f"Zitat {value} Ende",)) for name, value in INJECTIONS.items()),
    Case("injection-markdown-typst", edition(texts=vorwort('Text #read("/etc/passwd") und #set text(red)\n')), None,
         printed=('Text #read("/etc/passwd") und #set text(red)',)),
    Case("injection-markdown-html", edition(texts=vorwort("Text <script>alert(1)</script> und <b>x</b>\n")), None,
         printed=("Text <script>alert(1)</script> und <b>x</b>",)),
    Case("injection-heading", edition(texts=lambda x: x.update({"text/konzeption.md": "## Titel mit #set und $\n\nText.\n"})),
         None, printed=("Titel mit #set und $",)),
    Case("jinja-expression-is-flagged-not-run", edition(tables=quote_text("Gruß {{ 7*7 }} an alle")), "E-PLACEHOLDER",
         {"file": "data/quotes.csv", "row": 2, "column": "text"}),
    # --- characters no output can carry -----------------------------------------------------------------
    Case("emoji-in-cell", edition(tables=quote_text("Danke 😀")), "E-UNPRINTABLE-CHAR",
         {"file": "data/quotes.csv", "row": 2, "column": "text"}),
    Case("arabic-in-markdown", edition(texts=vorwort("مرحبا\n")), "E-UNPRINTABLE-CHAR",
         {"file": "text/vorwort.md", "row": 1}),
    Case("cyrillic-in-markdown-prints", edition(texts=vorwort("Привет, Київ\n")), None, printed=("Привет, Київ",)),
    Case("zero-width-space", edition(tables=quote_text("Viel\u200bfalt")), "E-UNPRINTABLE-CHAR", {"row": 2}),
    Case("bidi-override", edition(tables=quote_text("abc\u202edef")), "E-UNPRINTABLE-CHAR", {"row": 2}),
    Case("bom-inside-cell", edition(tables=quote_text("Vielfalt\ufeffist")), "E-UNPRINTABLE-CHAR", {"row": 2}),
    Case("stray-combining-mark", edition(tables=quote_text("A\u0324B")), "E-UNPRINTABLE-CHAR", {"row": 2}),
    Case("control-character", edition(tables=quote_text("Text\x07mit Klingel")), "E-INVALID-CHAR", {"row": 2}),
    Case("nul-byte-in-csv", edition(after=lambda f: (f / "data" / "quotes.csv").write_bytes(
        (f / "data" / "quotes.csv").read_bytes().replace(b"Kassel ist", b"Kassel\x00ist"))), "E-INVALID-CHAR",
         {"file": "data/quotes.csv", "row": 2}),
    Case("nul-byte-in-markdown", edition(texts=vorwort("Text\x00 mit Null\n")), "E-INVALID-CHAR",
         {"file": "text/vorwort.md", "row": 1}),
    # --- files stay inside the edition --------------------------------------------------------------------
    Case("photo-path-traversal", photo("../../etc/passwd"), "E-PATH-OUTSIDE", {"column": "file"}),
    Case("photo-absolute-path", photo("/etc/passwd"), "E-PATH-OUTSIDE", {"column": "file"}),
    Case("photo-symlink-out", edition(tables=lambda t: t["photos"][0].update(file="bild.png"),
                                      after=symlink_out("images/bild.png", "/etc/hostname")),
         "E-PATH-OUTSIDE", {"column": "file"}),
    Case("text-path-traversal", edition(meta=lambda e: e["chapters"][2].update(text="../../../etc/passwd")),
         "E-PATH-OUTSIDE", {"file": "edition.yaml"}),
    Case("text-absolute-path", edition(meta=lambda e: e["chapters"][2].update(text="/etc/passwd")),
         "E-PATH-OUTSIDE", {"file": "edition.yaml"}),
    Case("text-symlink-out", edition(after=symlink_out("text/konzeption.md", "/etc/hostname")),
         "E-PATH-OUTSIDE", {"file": "edition.yaml"}),
    Case("template-outside-templates", edition(meta=lambda e: e.update(template="../../inputs/evil")),
         "E-UNKNOWN-TEMPLATE", {"file": "edition.yaml", "column": "template"}),
    # --- limits instead of hangs ----------------------------------------------------------------------------
    Case("cell-too-long-csv", edition(tables=quote_text(LONG)), "E-TOO-LARGE",
         {"file": "data/quotes.csv", "row": 2, "column": "text"}),
    Case("too-many-rows-xlsx", workbook(_many_rows), "E-TOO-LARGE", {"sheet": "quotes"}),
    Case("too-many-rows-csv", edition(tables=lambda t: t["quotes"].extend(
        {**t["quotes"][0], "id": f"q-{n}"} for n in range(20_001))), "E-TOO-LARGE", {"file": "data/quotes.csv"}),
    Case("csv-file-too-big", edition(after=lambda f: (f / "data" / "links.csv").write_bytes(
        b"id;chapter;label;url\r\n" + b"x" * 51_000_000)), "E-TOO-LARGE", {"file": "data/links.csv"}),
    Case("xlsx-zip-bomb", edition(after=zip_bomb, fmt="xlsx"), "E-TOO-LARGE", {"file": "data/workbook.xlsx"}),
    Case("image-decompression-bomb", photo("riesig.png", png_header(100_000, 100_000)), "E-TOO-LARGE",
         {"column": "file"}),
    Case("markdown-nested-too-deep", edition(texts=vorwort("> " * 40 + "tief\n")), "E-TOO-DEEP",
         {"file": "text/vorwort.md", "row": 1}),
    Case("markdown-list-nested-too-deep", edition(texts=vorwort("".join("  " * i + "- x\n" for i in range(30)))),
         "E-TOO-DEEP", {"file": "text/vorwort.md"}),
    Case("markdown-too-long", edition(texts=vorwort("Satz. " * 400_000)), "E-TOO-LARGE", {"file": "text/vorwort.md"}),
    # --- spreadsheets as people send them ------------------------------------------------------------------
    Case("merged-cells", workbook(_merge), "E-MERGED-CELLS", {"sheet": "quotes", "row": 2, "column": "speaker"}),
    Case("formula-without-result", workbook(_formula), "E-FORMULA", {"sheet": "figures", "row": 2, "column": "value"}),
    Case("hidden-sheet-is-used-and-said", workbook(_hidden), "W-HIDDEN-SHEET", {"sheet": "quotes"},
         printed=("Kassel ist bunt und lebt Vielfalt.",)),
    Case("excel-serial-date", workbook(_serial_date), None, printed=("31.12.2010",)),
    Case("serial-date-in-csv", edition(tables=lambda t: t["figures"][0].update(as_of="40543")), None,
         printed=("31.12.2010",)),
    Case("german-number-as-text-in-xlsx", workbook(_number_text), None, printed=("13.300",)),
    Case("trailing-spaces-in-ids", edition(tables=lambda t: t["quotes"][0].update(chapter="kassel  ", id=" q-kassel ")),
         None, printed=("Kassel ist bunt und lebt Vielfalt.",)),
    Case("windows-1252-csv-with-umlauts", edition(tables=quote_text("Größe, Übermut, Fähre – „gut“"), fmt="cp1252"),
         None, printed=("Größe, Übermut, Fähre – „gut“",)),
    Case("column-without-heading", workbook(lambda b: b["quotes"].cell(row=2, column=9, value="vergessen")),
         "W-UNKNOWN-COLUMN", {"sheet": "quotes", "column": "(column I)"}),
    # --- damaged files ---------------------------------------------------------------------------------------
    Case("xlsx-not-a-zip", edition(after=replace_file("data/workbook.xlsx", b"Hallo, ich bin keine Tabelle"),
                                   fmt="xlsx"), "E-UNREADABLE", {"file": "data/workbook.xlsx"}),
    Case("xlsx-truncated", edition(after=lambda f: (f / "data" / "workbook.xlsx").write_bytes(
        (f / "data" / "workbook.xlsx").read_bytes()[:900]), fmt="xlsx"), "E-UNREADABLE", {"file": "data/workbook.xlsx"}),
    Case("image-truncated", photo("kaputt.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"), "E-BAD-IMAGE", {"column": "file"}),
    Case("csv-unclosed-quote", edition(after=lambda f: (f / "data" / "quotes.csv").write_bytes(
        (f / "data" / "quotes.csv").read_bytes() + b'q-x;kassel;;A;B;"offen\r\n')), "E-CSV-SYNTAX",
         {"file": "data/quotes.csv"}),
    Case("markdown-latin1", edition(after=replace_file("text/vorwort.md", "Grüße aus Gießen".encode("latin-1")))
         , "E-ENCODING", {"file": "text/vorwort.md"}),
    Case("yaml-python-tag", edition(after=replace_file("edition.yaml", b"!!python/object/apply:os.system ['id']\n")),
         "E-YAML", {"file": "edition.yaml"}),
    Case("yaml-list-instead-of-mapping", edition(after=replace_file("edition.yaml", b"- a\n- b\n")), "E-YAML",
         {"file": "edition.yaml"}),
    Case("yaml-title-is-a-list", edition(meta=lambda e: e.update(title=["a", "b"])), "E-BAD-VALUE",
         {"file": "edition.yaml", "column": "title"}),
    Case("yaml-chapters-not-a-list", edition(meta=lambda e: e.update(chapters="vorwort")), "E-BAD-CHAPTER",
         {"file": "edition.yaml"}),
    Case("markdown-image", edition(texts=vorwort("Text\n\n![Bild](../../etc/passwd)\n")), "E-MARKDOWN-IMAGE",
         {"file": "text/vorwort.md", "row": 3}),
    # --- strategy workbooks ----------------------------------------------------------------------------------
    Case("draft-formula-without-result", draft(edit=lambda b: b["Handlungsfelder"].cell(row=2, column=1, value="=1+0")),
         "E-FORMULA", {"sheet": "Handlungsfelder", "row": 2, "column": "Nr."}, command="draft"),
    Case("draft-injection-in-measure", draft({"handlungsfelder": [{"number": 1, "title": "Bildung #set {{ x"}],
                                              "massnahmen": [{"field": 1, "text": "<script>#read(\"x\")", "horizon": "kurzfristig"}]}),
         None, printed=("Bildung #set {{ x", '<script>#read("x")'), command="draft"),
    Case("draft-emoji", draft({"leitlinien": [{"kind": "Leitlinie", "text": "Wir 💚 Vielfalt"}]}), "E-UNPRINTABLE-CHAR",
         {"sheet": "Leitlinien", "row": 2, "column": "Text"}, command="draft"),
    Case("draft-merged-cells", draft(edit=lambda b: b["Ziele"].merge_cells("A2:A3")), "E-MERGED-CELLS",
         {"sheet": "Ziele", "row": 2}, command="draft"),
]


def _finding(output: str, code: str) -> str:
    return next((line for line in output.splitlines() if code in line), "")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input(case: Case, tmp_path):
    folder = case.make(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [case.command, str(folder), "--out", str(out)], catch_exceptions=False)
    assert "Traceback" not in result.output
    report = CliRunner().invoke(main, ["check", str(folder), "--format", "json"], catch_exceptions=False)
    import json
    findings = json.loads(report.output)["findings"]
    if case.code is None or case.code.startswith("W-"):
        assert result.exit_code == 0, result.output
        assert not [f for f in findings if f["severity"] == "error"], findings
    else:
        assert result.exit_code == 1, result.output
        assert "nothing was written" in result.output and not out.exists()
    if case.code:
        matching = [f for f in findings if f["code"] == case.code]
        assert matching, (case.code, [f["code"] for f in findings])
        assert any(all(f["location"].get(k) == v for k, v in case.where.items()) for f in matching), \
            (case.where, [f["location"] for f in matching])
        assert all(f["hint"] for f in matching)
    if case.printed:
        stem = folder.name if case.command == "build" else f"{folder.name}-entwurf"
        docx = read_docx((out / f"{stem}.docx").read_bytes())
        pdf = read_pdf((out / f"{stem}.pdf").read_bytes())
        squeeze = lambda t: "".join(canonical(t).split())  # noqa: E731 (the PDF may break a line inside a token)
        for text in case.printed:
            assert text in docx.text, text
            assert squeeze(text) in squeeze(pdf.text), text


def test_corpus_size():
    assert len(CASES) >= 50


def test_a_failed_build_leaves_the_previous_files_untouched(tmp_path):
    folder = edition()(tmp_path)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(folder), "--out", str(out)]).exit_code == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    (folder / "text" / "vorwort.md").write_text("Gruß 😀\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["build", str(folder), "--out", str(out)], catch_exceptions=False)
    assert failed.exit_code == 1 and "E-UNPRINTABLE-CHAR" in failed.output
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert after == before  # same files, same bytes, not even rewritten; no temporary files left
