"""The broken-edition corpus: each case breaks one thing in a small, complete edition and
expects exactly one new finding, with its code and place, from `brochure check --format json`.

Cases on spreadsheet rows run on every input kind we accept (UTF-8 CSV, Windows-1252 CSV,
.xlsx); the location then names the CSV file, or the workbook and its sheet."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from editions import EDITION, TABLES, TEXTS, write_edition
from pipeline.cli import main

TABLE_FORMATS = ("csv", "cp1252", "xlsx")


@dataclass
class Case:
    name: str
    code: str
    where: dict  # expected location; "table" is resolved to file/sheet for the input kind
    tables: Callable[[dict], None] | None = None
    texts: Callable[[dict], None] | None = None
    edition: Callable[[dict], None] | None = None
    folder: Callable[[Path], None] | None = None  # changes after writing (files, bytes)
    formats: tuple[str, ...] = ("csv",)
    extra: set = field(default_factory=set)  # codes that may accompany the expected one


def cell(table: str, row: int, column: str | None, **more) -> dict:
    return {"table": table, "row": row, "column": column, **more}


def _set(table: str, row: int, **values):
    return lambda t: t[table][row].update(values)


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _image(name: str, data: bytes):
    def write(folder: Path) -> None:
        (folder / "images").mkdir(exist_ok=True)
        (folder / "images" / name).write_bytes(data)
    return write


def _region_text(rid: str, change: Callable[[str], str]):
    def mutate(texts: dict) -> None:
        key = f"text/regionen/{rid}.md"
        texts[key] = change(texts[key])
    return mutate


def _drop_section(name: str):
    return lambda text: text.replace(f"## {name}\n\nText zu {name} in kassel.\n\n", "")


def _drop_chapter(cid: str):
    return lambda e: e.__setitem__("chapters", [c for c in e["chapters"] if c.get("id") != cid])


PARAGRAPH = "Die Stadt baut ihre Beratung für Zugewanderte in allen Stadtteilen weiter aus."

CASES = [
    # --- rows: required values (spec `records`) and value formats
    Case("quote-without-speaker", "E-EMPTY-CELL", cell("quotes", 2, "speaker"),
         tables=_set("quotes", 0, speaker=""), formats=TABLE_FORMATS),
    Case("quote-without-role", "E-EMPTY-CELL", cell("quotes", 2, "role"),
         tables=_set("quotes", 0, role=""), formats=TABLE_FORMATS),
    Case("photo-without-alt-text", "E-ALT-TEXT", cell("photos", 2, "alt_text"),
         tables=_set("photos", 0, alt_text=""), formats=TABLE_FORMATS),
    Case("photo-without-caption", "E-EMPTY-CELL", cell("photos", 2, "caption"),
         tables=_set("photos", 0, caption=""), formats=TABLE_FORMATS),
    Case("contact-unreachable", "E-NEED-ONE-OF", cell("contacts", 2, "phone"),
         tables=_set("contacts", 0, phone="", email="", web=""), formats=TABLE_FORMATS),
    Case("contact-without-name", "E-NEED-ONE-OF", cell("contacts", 2, "name"),
         tables=_set("contacts", 0, name="", organisation="")),
    Case("malformed-email", "E-BAD-EMAIL", cell("contacts", 2, "email"),
         tables=_set("contacts", 0, email="peggy.niering(at)stadt-kassel.de"), formats=TABLE_FORMATS),
    Case("malformed-phone", "E-BAD-PHONE", cell("contacts", 3, "phone"),
         tables=_set("contacts", 1, phone="bitte anrufen"), formats=TABLE_FORMATS),
    Case("malformed-url", "E-BAD-URL", cell("regions", 2, "web"),
         tables=_set("regions", 0, web="http//stadt kassel")),
    Case("duplicate-id", "E-DUPLICATE-ID", cell("quotes", 3, "id"),
         tables=lambda t: t["quotes"].append(dict(t["quotes"][0])), formats=TABLE_FORMATS),
    Case("quote-for-unknown-chapter", "E-UNKNOWN-REF", cell("quotes", 2, "chapter"),
         tables=_set("quotes", 0, chapter="kasel"), formats=TABLE_FORMATS),
    Case("figure-for-unknown-region", "E-UNKNOWN-REF", cell("figures", 2, "region"),
         tables=_set("figures", 0, region="ofenbach")),
    Case("portrait-for-unknown-region", "E-UNKNOWN-REF", cell("portraits", 2, "region"),
         tables=_set("portraits", 0, region="frankfurt")),
    Case("quote-in-unknown-section", "E-UNKNOWN-SECTION", cell("quotes", 2, "section"),
         tables=_set("quotes", 0, section="Ausblick")),
    Case("number-with-two-commas", "E-BAD-VALUE", cell("figures", 2, "value"),
         tables=_set("figures", 0, value="55,2,1"), formats=TABLE_FORMATS),
    Case("impossible-date", "E-BAD-VALUE", cell("figures", 2, "as_of"),
         tables=_set("figures", 0, as_of="31.02.2010")),
    Case("region-kind-not-allowed", "E-BAD-VALUE", cell("regions", 2, "kind"),
         tables=_set("regions", 0, kind="Großstadt")),
    Case("id-with-spaces", "E-BAD-ID", cell("regions", 2, "id"),
         tables=_set("regions", 0, id="Stadt Kassel"),
         extra={"E-UNKNOWN-REF", "E-MISSING-TEXT", "E-MISSING-CONTACT"}),
    Case("required-column-missing", "E-MISSING-COLUMN", cell("quotes", 1, None),
         tables=lambda t: [row.pop("text") for row in t["quotes"]], formats=TABLE_FORMATS),
    Case("sheet-missing", "E-MISSING-SHEET", {"file": "data/", "sheet": "regions"},
         tables=lambda t: t.pop("regions"), extra={"E-UNKNOWN-REF"}),
    Case("cell-read-in-wrong-encoding", "E-MOJIBAKE", cell("quotes", 2, "text"),
         tables=_set("quotes", 0, text="FÃ¼r Kassel ist Vielfalt ein Gewinn."), formats=TABLE_FORMATS),
    Case("todo-in-cell", "E-PLACEHOLDER", cell("photos", 2, "caption"),
         tables=_set("photos", 0, caption="TODO Bildunterschrift"), formats=TABLE_FORMATS),
    Case("place-spelt-two-ways", "W-NAME-VARIANT", cell("contacts", 3, "city"),
         tables=lambda t: t["contacts"][1].update(city="Kassel-Stadt") or t["contacts"][0].update(city="Kassel Stadt"),
         formats=TABLE_FORMATS),
    # --- photos
    Case("photo-file-missing", "E-MISSING-FILE", cell("photos", 2, "file"),
         tables=_set("photos", 0, file="fehlt.jpg")),
    Case("photo-file-not-an-image", "E-BAD-IMAGE", cell("photos", 2, "file"),
         tables=_set("photos", 0, file="kaputt.png"), folder=_image("kaputt.png", b"kein Bild")),
    Case("photo-too-small-for-print", "W-PHOTO-RESOLUTION", cell("photos", 2, "file"),
         tables=_set("photos", 0, file="klein.png"), folder=_image("klein.png", _png(200, 150)),
         formats=TABLE_FORMATS),
    # --- structure (spec `chapters`)
    Case("section-missing", "E-MISSING-SECTION",
         {"file": "text/regionen/kassel.md", "chapter": "kassel", "section": "Perspektiven"},
         texts=_region_text("kassel", _drop_section("Perspektiven")), extra={"E-UNKNOWN-SECTION"}),
    Case("section-empty", "E-EMPTY-SECTION",
         {"file": "text/regionen/kassel.md", "chapter": "kassel", "section": "Ausgangslage"},
         texts=_region_text("kassel", lambda s: s.replace("Text zu Ausgangslage in kassel.\n", ""))),
    Case("region-text-file-missing", "E-MISSING-TEXT", {"file": "text/regionen/offenbach.md", "chapter": "offenbach"},
         texts=lambda t: t.pop("text/regionen/offenbach.md")),
    Case("portrait-without-text", "E-EMPTY-CHAPTER", {"file": "text/portraets/lotsen.md", "chapter": "lotsen"},
         texts=lambda t: t.__setitem__("text/portraets/lotsen.md", "\n")),
    Case("region-without-contact", "E-MISSING-CONTACT", {"table": "contacts", "chapter": "offenbach"},
         tables=lambda t: t["contacts"].pop(1), formats=TABLE_FORMATS),
    Case("chapter-missing", "E-MISSING-CHAPTER", {"file": "edition.yaml", "column": "chapters", "chapter": "monitoring"},
         edition=_drop_chapter("monitoring")),
    # --- text
    Case("todo-in-text", "E-PLACEHOLDER", {"file": "text/regionen/kassel.md", "row": 3, "chapter": "kassel"},
         texts=_region_text("kassel", lambda s: s.replace("Text zu Ausgangslage in kassel.", "TODO: Zahlen ergänzen"))),
    Case("lorem-ipsum-in-text", "E-PLACEHOLDER", {"file": "text/konzeption.md", "row": 1, "chapter": "konzeption"},
         texts=lambda t: t.__setitem__("text/konzeption.md", "Lorem ipsum dolor sit amet.\n")),
    Case("template-braces-in-title", "E-PLACEHOLDER", {"file": "edition.yaml", "row": 57},  # keys are written sorted
         edition=lambda e: e.__setitem__("title", "Testausgabe {{ jahr }}")),
    Case("paragraph-printed-twice", "E-DUPLICATE-PARAGRAPH", {"file": "text/regionen/offenbach.md", "row": 7,
                                                               "chapter": "offenbach"},
         texts=_region_text("offenbach", lambda s: s.replace("## Konzeption", f"{PARAGRAPH}\n\n{PARAGRAPH}\n\n## Konzeption"))),
    Case("paragraph-repeated-in-another-chapter", "E-DUPLICATE-PARAGRAPH",
         {"file": "text/regionen/offenbach.md", "row": 3, "chapter": "offenbach"},
         texts=lambda t: [t.__setitem__(k, t[k].replace(f"Text zu Ausgangslage in {r}.", PARAGRAPH))
                          for r, k in (("kassel", "text/regionen/kassel.md"), ("offenbach", "text/regionen/offenbach.md"))]),
    Case("misspelt-place-in-text", "W-NAME-VARIANT", {"file": "text/konzeption.md", "row": 1, "chapter": "konzeption"},
         texts=lambda t: t.__setitem__("text/konzeption.md", "Die Stadt Ofenbach ist dabei.\n")),
    Case("malformed-email-in-text", "E-BAD-EMAIL", {"file": "text/vorwort.md", "row": 4, "chapter": "vorwort"},
         texts=lambda t: t.__setitem__("text/vorwort.md", t["text/vorwort.md"] + "Schreiben Sie an info@ministerium.\n")),
    Case("dos-encoded-text", "E-MOJIBAKE", {"file": "text/konzeption.md", "row": 1, "chapter": "konzeption"},
         texts=lambda t: t.__setitem__("text/konzeption.md", "Die Bev”lkerung w„chst.\n")),
    # --- files that cannot be read at all (one error, nothing else can be checked)
    Case("chapter-title-as-markdown-heading", "E-HEADING-LEVEL", {"file": "text/vorwort.md", "row": 1, "chapter": "vorwort"},
         texts=lambda t: t.__setitem__("text/vorwort.md", "# Vorwort\n\nText.\n")),
    Case("comma-separated-csv", "E-CSV-DELIMITER", {"file": "data/links.csv", "row": 1},
         folder=lambda f: (f / "data" / "links.csv").write_text("id,chapter,label,url\n", encoding="utf-8")),
    Case("csv-neither-utf8-nor-windows", "E-ENCODING", {"file": "data/links.csv"},
         folder=lambda f: (f / "data" / "links.csv").write_bytes(b"id;chapter;label;url\r\nl\x81;kassel;x;www.a.de\r\n")),
    Case("csv-empty", "E-EMPTY-FILE", {"file": "data/links.csv"},
         folder=lambda f: (f / "data" / "links.csv").write_bytes(b"")),
    Case("workbook-and-csv-together", "E-MIXED-SOURCES", {"file": "data/"},
         folder=lambda f: (f / "data" / "workbook.xlsx").write_bytes(b"PK")),
    Case("edition-yaml-broken", "E-YAML", {"file": "edition.yaml", "row": 2},
         folder=lambda f: (f / "edition.yaml").write_text("title: [unclosed\n", encoding="utf-8")),
    Case("unknown-brochure-type", "E-UNKNOWN-TEMPLATE", {"file": "edition.yaml", "column": "template"},
         edition=lambda e: e.__setitem__("template", "jahresbericht")),
    Case("page-count-not-a-number", "E-BAD-VALUE", {"file": "edition.yaml", "column": "pages"},
         edition=lambda e: e.__setitem__("pages", "achtundvierzig")),
]


def _expected_location(where: dict, fmt: str) -> dict:
    where = dict(where)
    table = where.pop("table", None)
    if table:
        where.update({"file": "data/workbook.xlsx", "sheet": table} if fmt == "xlsx" else {"file": f"data/{table}.csv"})
    return {k: v for k, v in where.items() if v is not None}


def _write(tmp_path: Path, case: Case | None, fmt: str) -> Path:
    tables, texts, edition = copy.deepcopy(TABLES), dict(TEXTS), copy.deepcopy(EDITION)
    for change, target in ((case and case.tables, tables), (case and case.texts, texts),
                           (case and case.edition, edition)):
        if change:
            change(target)
    folder = write_edition(tmp_path / "ed", tables, texts, edition, fmt=fmt)
    if case and case.folder:
        case.folder(folder)
    return folder


def _check(folder: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def _key(finding: dict) -> tuple:
    return finding["code"], json.dumps(finding["location"], sort_keys=True)


@pytest.fixture(scope="module")
def baselines(tmp_path_factory) -> dict[str, set]:
    """Findings of the unbroken edition per input kind (one photo without image file)."""
    out = {}
    for fmt in TABLE_FORMATS:
        code, report = _check(_write(tmp_path_factory.mktemp(fmt), None, fmt))
        assert code == 0 and report["errors"] == 0, report
        out[fmt] = {_key(f) for f in report["findings"]}
    return out


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case,fmt", [(c, f) for c in CASES for f in c.formats],
                         ids=[f"{c.name}-{f}" for c in CASES for f in c.formats])
def test_broken_edition_reports_exact_code_and_place(tmp_path, baselines, case, fmt):
    folder = _write(tmp_path, case, fmt)
    exit_code, report = _check(folder)
    new = [f for f in report["findings"] if _key(f) not in baselines[fmt]]
    main_findings = [f for f in new if f["code"] == case.code]
    others = {f["code"] for f in new} - {case.code}
    assert others <= case.extra, new
    f = main_findings[0] if len(main_findings) == 1 else None
    if f and f["location"]["file"].endswith(".yaml") and "row" in f["location"] and "column" in f["location"] \
            and "row" not in case.where:
        # a key of a YAML file is named with its line: that line must hold the key
        line = (folder / f["location"]["file"]).read_text(encoding="utf-8").splitlines()[f["location"]["row"] - 1]
        assert line.lstrip(" -").startswith(f"{f['location']['column'].split('.')[-1]}:"), (line, f)
        f["location"].pop("row")
    assert [f["location"] for f in main_findings] == [_expected_location(case.where, fmt)], new
    f = main_findings[0]
    assert f["message"] and f["hint"], f
    assert exit_code == (1 if f["severity"] == "error" else 0)
    assert f["severity"] == ("warning" if case.code.startswith("W-") else "error")
