"""Every brochure type declares its own tables in template.yaml; the engine names none of them.

A new type in tmp_path (BROCHURE_TEMPLATES points at a copy of templates/) declares two tables of
its own, one referring to the other (`ref:`), and a key-figures block with a row selection
(`where:`). Its edition is built for real and both files are read back: the DOCX with
python-docx, the PDF with pypdf."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from pipeline.build import build, load
from pipeline.errors import InputError
from pipeline.load.records import SCHEMAS
from pipeline import tree

ROOT = Path(__file__).resolve().parent.parent
TYPE = "messe"

TEMPLATE = {
    "name": TYPE,
    "typst": ["theme.typ", "../common/blocks.typ", "brochure.typ"],
    "reference_docx": "reference.docx",
    "tables": {
        "stands": {"label": "{name}", "noun": "Messestand", "columns": [
            {"name": "id", "required": True, "kind": "id"},
            {"name": "name", "required": True},
            {"name": "hall", "kind": "choice", "choices": ["Halle 1", "Halle 2"]}]},
        "zahlen": [
            {"name": "stand", "required": True, "kind": "id", "ref": "stands"},
            {"name": "what", "required": True},
            {"name": "count", "required": True, "kind": "number"},
            {"name": "unit"},
            {"name": "counted", "kind": "date"}],
    },
    "blocks": {
        "standzahlen": {"type": "figures", "table": "zahlen", "where": {"stand": "{id}"},
                        "title": "Bilanz {name}", "label": "{what}", "value": "{count}", "unit": "{unit}",
                        "note": "gezählt am {counted}"},
    },
    "labels": {"contents": "Inhalt", "source": "Quelle", "page": "Seite", "photo_missing": "Foto folgt",
               "missing_section": "Abschnitt fehlt: {name}", "missing_text": "Text fehlt",
               "missing_contact": "Kontakt fehlt", "missing_chapter": "Kapitel fehlt: {name}"},
}
EDITION = {
    "template": TYPE, "title": "Messe-Rückblick", "publisher": "Testverlag Musterstadt", "date": "2024-05-01",
    "chapters": [
        {"kind": "contents", "id": "inhalt", "title": "Inhalt"},
        {"kind": "each", "table": "stands", "title": "Stand {name}", "text": "text/{id}.md",
         "blocks": ["standzahlen"]},
        {"kind": "imprint", "id": "impressum", "title": "Impressum"},
    ],
    "imprint": [{"heading": "Herausgeber", "lines": ["Testverlag Musterstadt"]}],
}
STANDS = "id;name;hall\nnordlicht;Nordlicht Werkstatt;Halle 1\nsuedwind;Südwind Kollektiv;Halle 2\n"
ZAHLEN = ("stand;what;count;unit;counted\n"
          "nordlicht;Besuchende am Stand;1234;Personen;03.05.2024\n"
          "nordlicht;Zufriedenheit;87,5;%;\n"
          "suedwind;Verteilte Probepackungen;415;Stück;\n")


@pytest.fixture
def work(tmp_path: Path, monkeypatch) -> Path:
    """A copy of templates/ with the new type (kiv-handbuch's look), and one edition of it."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    folder = tmp_path / "templates" / TYPE
    folder.mkdir()
    for name in ("theme.typ", "brochure.typ", "reference.docx"):
        shutil.copy(ROOT / "templates" / "kiv-handbuch" / name, folder / name)
    (folder / "template.yaml").write_text(yaml.safe_dump(TEMPLATE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ed = tmp_path / "ed"
    (ed / "data").mkdir(parents=True)
    (ed / "text").mkdir()
    (ed / "edition.yaml").write_text(yaml.safe_dump(EDITION, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (ed / "data" / "stands.csv").write_text(STANDS, encoding="utf-8")
    (ed / "data" / "zahlen.csv").write_text(ZAHLEN, encoding="utf-8")
    for rid, name in (("nordlicht", "Nordlicht"), ("suedwind", "Südwind")):
        (ed / "text" / f"{rid}.md").write_text(f"{name} zeigte auf der Messe seine Arbeit.\n", encoding="utf-8")
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(tmp_path / "templates"))
    monkeypatch.chdir(tmp_path)  # the new type is an outside type, named by its path from here
    return tmp_path


def _findings(folder: Path) -> list:
    """Every finding of loading and assembling the edition (what `brochure check` starts with)."""
    try:
        return load(folder).report.findings
    except InputError as exc:
        return exc.findings


def test_a_new_table_and_its_key_figures_print_in_both_files(work):
    result = build(work / "ed", work / "out")  # an input error would raise
    assert not result.output_errors and not result.warnings, (result.output_errors, result.warnings)
    pdf = PdfReader(io.BytesIO((work / "out" / "ed.pdf").read_bytes()))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    document = docx.Document(str(work / "out" / "ed.docx"))
    docx_text = "\n".join(p.text for p in document.paragraphs)
    # each stand's chapter shows its own figures only, the German way, in both files
    for text in ("Bilanz Nordlicht Werkstatt", "1.234 Personen", "Besuchende am Stand", "gezählt am 03.05.2024",
                 "87,5", "Bilanz Südwind Kollektiv", "415 Stück", "Verteilte Probepackungen"):
        assert text.upper() in pdf_text.upper(), text
        assert text.upper() in docx_text.upper(), text
    nord = docx_text.upper().index("BILANZ NORDLICHT")
    sued = docx_text.upper().index("BILANZ SÜDWIND")
    assert nord < docx_text.index("Besuchende am Stand") < sued < docx_text.index("Verteilte Probepackungen")
    assert "87,5\u202f%" in docx_text  # the per-cent sign after a narrow no-break space
    boxes = {ch.id: [b for b in ch.blocks if b.type == "figures"] for ch in load(work / "ed").document.chapters}
    assert [len(f.figures) for f in boxes["nordlicht"]] == [2] and [len(f.figures) for f in boxes["suedwind"]] == [1]


def _with_overview(work: Path, fence: str) -> None:
    """A prose chapter whose Markdown places the block with a fence naming a stand."""
    ed = work / "ed" / "edition.yaml"
    data = yaml.safe_load(ed.read_text(encoding="utf-8"))
    data["chapters"].insert(1, {"kind": "prose", "id": "ueberblick", "title": "Überblick", "text": "text/ueberblick.md"})
    ed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (work / "ed" / "text" / "ueberblick.md").write_text(f"Zwei Stände waren dabei.\n\n{fence}\n:::\n", encoding="utf-8")


def test_a_fence_places_key_figures_of_the_row_it_names(work):
    _with_overview(work, "::: standzahlen suedwind")
    chapter = next(ch for ch in load(work / "ed").document.chapters if ch.id == "ueberblick")
    boxes = [b for b in chapter.blocks if b.type == "figures"]
    assert [(b.title, [(f.label, f.value) for f in b.figures]) for b in boxes] == [
        ("Bilanz Südwind Kollektiv", [("Verteilte Probepackungen", "415 Stück")])]


def test_a_fence_naming_no_row_is_an_error_at_its_line(work):
    _with_overview(work, "::: standzahlen suedwnid")
    refs = [f for f in _findings(work / "ed") if f.code == "E-UNKNOWN-REF"]
    assert [(f.location.file, f.location.row) for f in refs] == [("text/ueberblick.md", 3)]
    assert "table 'stands'" in refs[0].message and refs[0].hint.startswith("did you mean 'suedwind'?")


def test_a_misspelt_field_in_a_figures_block_is_named_at_load(work):
    path = work / "templates" / TYPE / "template.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: '{count}'", "value: '{cuont}'"), encoding="utf-8")
    findings = _findings(work / "ed")
    found = [f for f in findings if f.code == "E-UNKNOWN-FIELD"]
    assert len(found) == 1, findings
    assert found[0].location.file == f"templates/{TYPE}/template.yaml"
    assert found[0].location.column == "blocks.standzahlen.value"
    assert "'{cuont}'" in found[0].message and "did you mean 'count'?" in found[0].hint


def test_a_reference_to_a_missing_row_of_a_declared_table_is_an_error(work):
    path = work / "ed" / "data" / "zahlen.csv"
    path.write_text(ZAHLEN.replace("suedwind;Verteilte", "suedwnid;Verteilte"), encoding="utf-8")
    findings = _findings(work / "ed")
    refs = [f for f in findings if f.code == "E-UNKNOWN-REF"]
    assert [(f.location.file, f.location.row, f.location.column) for f in refs] == [("data/zahlen.csv", 4, "stand")]
    assert "'suedwnid'" in refs[0].message and "table 'stands'" in refs[0].message
    assert refs[0].hint.startswith("did you mean 'suedwind'?")
    assert not [f for f in findings if f.code == "E-LOST-CONTENT"]  # reported once, as the bad reference


def test_a_row_no_block_selects_is_reported_as_lost(work):
    """The row refers to an existing stand, but the chapters of that stand are not built with the
    block: nothing prints it."""
    ed = work / "ed" / "edition.yaml"
    data = yaml.safe_load(ed.read_text(encoding="utf-8"))
    data["chapters"][1]["blocks"] = []
    data["chapters"].insert(2, {"kind": "prose", "id": "gesamt", "title": "Gesamt", "blocks": []})
    ed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # a block on the zahlen table that selects only the Nordlicht rows, placed in a prose chapter
    tpl = work / "templates" / TYPE / "template.yaml"
    raw = yaml.safe_load(tpl.read_text(encoding="utf-8"))
    raw["blocks"]["standzahlen"]["where"] = {"stand": "nordlicht"}
    tpl.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data["chapters"][2]["blocks"] = ["standzahlen"]
    ed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lost = [f for f in _findings(work / "ed") if f.code == "E-LOST-CONTENT"]
    assert [(f.location.file, f.location.row) for f in lost] == [("data/zahlen.csv", 4)]
    assert "table 'zahlen'" in lost[0].message


def test_a_reference_column_to_an_undeclared_table_is_a_template_error(work):
    path = work / "templates" / TYPE / "template.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ref: stands", "ref: stand"), encoding="utf-8")
    found = [f for f in _findings(work / "ed") if f.code == "E-TEMPLATE"]
    assert [(f.location.file, f.location.column) for f in found] == [(f"templates/{TYPE}/template.yaml",
                                                                      "tables.zahlen[1].ref")]
    assert "'stand'" in found[0].message and "did you mean 'stands'?" in found[0].message


def test_the_diff_names_rows_by_their_declared_label_and_noun(work):
    from pipeline.diff.changes import compare
    from pipeline.diff.report import label_de
    from pipeline.diff.edition_view import from_build
    build(work / "ed", work / "old")
    (work / "ed" / "data" / "stands.csv").write_text(
        STANDS.replace("Südwind Kollektiv", "Südwind Kollektiv eG") + "westwind;Westwind Verlag;Halle 2\n", encoding="utf-8")
    (work / "ed" / "text" / "westwind.md").write_text("Westwind war zum ersten Mal dabei.\n", encoding="utf-8")
    build(work / "ed", work / "new")
    changes = [c for c in compare(from_build(work / "old"), from_build(work / "new")).changes if c.area == "records"]
    # by the row's own name, not the table's id (a row of no chapter has no place to name)
    assert [(c.where, c.name) for c in changes if c.item == "field"] == [("Südwind Kollektiv eG", "name")]
    added = [c for c in changes if c.kind == "added"]
    assert [(c.where, label_de(c)) for c in added] == [("Westwind Verlag", "Messestand neu")]


# -- the engine names no type's tables ---------------------------------------------------------

def _declared_tables() -> set[str]:
    """The tables every shipped type declares, and the sheets of a type's draft workbook."""
    names = set()
    for path in (ROOT / "templates").glob("*/template.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= set(raw.get("tables") or {})
        names |= {str(s["key"]) for s in (raw.get("workbook") or {}).get("sheets") or []}
    return names


def _draft_vocabulary() -> set[str]:
    """The draft engine's own words, which a sheet key may happen to equal: the roles sheets
    play (workbook_layout.ROLES) and the content kinds of sections."""
    from pipeline.drafts.workbook_layout import CONTENTS, ROLES
    return set(ROLES) | set(CONTENTS)


def _block_types() -> set[str]:
    return {f.default for cls in vars(tree).values() if isinstance(cls, type) and hasattr(cls, "__dataclass_fields__")
            for f in cls.__dataclass_fields__.values() if f.name == "type" and isinstance(f.default, str)}


def test_pipeline_code_names_no_type_table():
    """A table a type declares must not be named in pipeline/ (the generic registry, records.SCHEMAS,
    holds only the built-ins). A name that is also a block type ('figures') may appear as that,
    but never as a table: records.get("figures"), records["figures"]."""
    tables = _declared_tables()
    assert {"regions", "figures", "portraits", "municipalities"} <= tables  # the shipped types declare them
    assert {"stammdaten", "massnahmen", "texte"} <= tables  # the strategy workbook's sheets
    assert not tables & set(SCHEMAS)
    blocks = _block_types() | _draft_vocabulary()
    assert "figures" in blocks
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for name in tables:
                quoted = re.search(rf"[\"']{re.escape(name)}[\"']", line)
                as_table = re.search(rf"(records|tables|schemas)(\.get\(|\[)\s*[\"']{re.escape(name)}[\"']", line)
                if as_table or (quoted and name not in blocks):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("where, code, column", [
    ("blocks", "E-BAD-VALUE", "chapters[2].blocks"),  # blocks: standzahlen, not a list
    ("where", "E-TEMPLATE", "blocks.standzahlen.where"),  # where: nordlicht, not a mapping
])
def test_a_figures_setting_of_the_wrong_shape_is_a_finding_not_a_traceback(work, where, code, column):
    if where == "blocks":
        path, old, new = work / "ed" / "edition.yaml", "blocks:\n  - standzahlen", "blocks: standzahlen"
    else:
        path, old, new = work / "templates" / TYPE / "template.yaml", "where:\n      stand: '{id}'", "where: nordlicht"
    text = path.read_text(encoding="utf-8")
    assert old in text, text
    path.write_text(text.replace(old, new), encoding="utf-8")
    found = [f for f in _findings(work / "ed") if f.code == code]
    assert [f.location.column for f in found] == [column], _findings(work / "ed")
