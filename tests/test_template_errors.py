"""Template authors' mistakes, each as a finding naming file, key or line, with a hint.

Every test copies the shipped templates/ and one sample edition into tmp_path, breaks one thing
and runs the real CLI with BROCHURE_TEMPLATES pointing at the copy; no traceback may reach
stderr and nothing may be written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROCHURE = [sys.executable, "-m", "pipeline.cli"]
TYPE = "kiv-handbuch"
REL = f"templates/{TYPE}/template.yaml"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "inputs" / "kiv-handbuch-2020", tmp_path / "ed")
    return tmp_path


def run(work: Path, *args: str) -> subprocess.CompletedProcess:
    # Run from WORK: the copied types are outside types, named by their path from there (templates/<type>/…).
    env = {**os.environ, "BROCHURE_TEMPLATES": str(work / "templates"), "PYTHONPATH": str(ROOT)}  # the test's own cache (conftest)
    done = subprocess.run([*BROCHURE, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def findings(work: Path) -> list[dict]:
    done = run(work, "check", "--format", "json", str(work / "ed"))
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def one(work: Path, code: str) -> dict:
    found = [f for f in findings(work) if f["code"] == code]
    assert len(found) == 1, found
    return found[0]


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first OLD and return the 1-based line the replacement starts on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def template(work: Path) -> Path:
    return work / "templates" / TYPE / "template.yaml"


# -- files template.yaml names -----------------------------------------------------------------

def test_mistyped_typst_file_is_named_with_the_closest_file(work):
    line = edit(template(work), "typst: [theme.typ,", "typst: [themes.typ,")
    f = one(work, "E-TEMPLATE-FILE")
    assert f["location"] == {"file": REL, "row": line, "column": "typst[1]"}
    assert "'themes.typ'" in f["message"]
    assert f["hint"].startswith("did you mean 'theme.typ'?")


def test_mistyped_shared_library_path_suggests_the_shared_file(work):
    edit(template(work), "../common/blocks.typ", "../common/block.typ")
    f = one(work, "E-TEMPLATE-FILE")
    assert f["location"]["column"] == "typst[2]"
    assert "did you mean '../common/blocks.typ'?" in f["hint"]


def test_missing_reference_docx_is_a_finding_and_nothing_is_built(work):
    (work / "templates" / TYPE / "reference.docx").unlink()
    f = one(work, "E-TEMPLATE-FILE")
    assert f["location"]["column"] == "reference_docx" and f["location"]["file"] == REL
    assert f"brochure type reference-docx {TYPE}" in f["hint"]
    out = work / "out"
    done = run(work, "build", str(work / "ed"), "--out", str(out))
    assert done.returncode == 1 and "E-TEMPLATE-FILE" in done.stdout + done.stderr
    assert not out.exists() or not any(out.iterdir())


def test_reference_docx_that_is_no_word_file(work):
    (work / "templates" / TYPE / "reference.docx").write_bytes(b"not a docx")
    f = one(work, "E-TEMPLATE-FILE")
    assert f["location"]["column"] == "reference_docx" and "not a Word document" in f["message"]
    out = work / "out"
    done = run(work, "build", str(work / "ed"), "--out", str(out), "--format", "docx")
    assert done.returncode == 1 and "E-TEMPLATE-FILE" in done.stdout + done.stderr
    assert not out.exists() or not any(out.iterdir())


# -- unknown keys -----------------------------------------------------------------------------

def test_unknown_top_level_key_in_template_yaml(work):
    text = template(work).read_text(encoding="utf-8")
    template(work).write_text(text + "paper: a5\n", encoding="utf-8")
    f = one(work, "E-UNKNOWN-KEY")
    assert f["severity"] == "error"
    assert f["location"] == {"file": REL, "row": text.count("\n") + 1, "column": "paper"}
    assert f["hint"].startswith("did you mean 'page'?")


def test_misspelt_key_inside_a_block(work):
    line = edit(template(work), "    columns:\n      Kommune:", "    colums:\n      Kommune:")
    f = one(work, "E-UNKNOWN-KEY")
    assert f["location"] == {"file": REL, "row": line, "column": "blocks.ansprechpartner-2019.colums"}
    assert f["hint"].startswith("did you mean 'columns'?")


def test_misspelt_column_attribute(work):
    line = edit(template(work), "{name: population, kind: number}", "{name: population, knd: number}")
    f = one(work, "E-UNKNOWN-KEY")
    assert (f["location"]["file"], f["location"]["row"]) == (REL, line)
    assert f["location"]["column"].startswith("tables.municipalities") and f["location"]["column"].endswith("[3].knd")
    assert f["hint"].startswith("did you mean 'kind'?")


def test_unknown_keys_in_edition_yaml_at_top_and_in_a_chapter(work):
    ed = work / "ed" / "edition.yaml"
    top = edit(ed, "\ndate:", "\nsubtitel: Handreichung\ndate:") + 1
    chapter = edit(ed, "    table: municipalities\n", "    table: municipalities\n    titel: x\n") + 1
    found = {f["location"]["column"]: f for f in findings(work) if f["code"] == "E-UNKNOWN-KEY"}
    assert found["subtitel"]["location"]["row"] == top
    assert found["subtitel"]["hint"].startswith("did you mean 'subtitle'?")
    (key,) = [k for k in found if k.endswith(".titel")]
    assert key.startswith("chapters[") and found[key]["location"]["row"] == chapter
    assert found[key]["hint"].startswith("did you mean 'title'?")


def test_findings_on_a_key_get_its_line_in_edition_template_and_spec(work):
    ed = work / "ed" / "edition.yaml"
    line = edit(ed, "\ndate:", "\npages: 0\ndate:") + 1
    f = one(work, "E-BAD-VALUE")
    assert f["location"] == {"file": "edition.yaml", "row": line, "column": "pages"}
    edit(ed, "\npages: 0\n", "\n")
    spec = work / "templates" / TYPE / "spec.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "pagez: {multiple_of: 4}\n", encoding="utf-8")
    f = one(work, "E-SPEC")
    assert f["location"]["file"] == f"templates/{TYPE}/spec.yaml"
    assert f["location"]["row"] == spec.read_text(encoding="utf-8").count("\n")
    assert f["hint"].startswith("did you mean 'pages'?")


SHIPPED_TYPES = sorted(p.parent.name for p in (ROOT / "templates").glob("*/template.yaml"))
SHIPPED_EDITIONS = sorted(p.parent.name for p in (ROOT / "inputs").glob("*/edition.yaml"))


def test_the_shipped_types_and_editions_are_found():
    assert {"halbzeitbilanz", "kiv-handbuch", "programmflyer", "strategie"} <= set(SHIPPED_TYPES)
    assert {"halbzeitbilanz-2012", "kiv-handbuch-2020", "programmflyer-2014"} <= set(SHIPPED_EDITIONS)


@pytest.mark.parametrize("name", SHIPPED_TYPES)
def test_shipped_type_has_no_unknown_keys(name):
    from pipeline.drafts.workbook_layout import draft_template
    from pipeline.load.edition import load_template
    if "workbook" in load_template(name).raw:  # a draft type: its workbook and sections too
        draft_template(name)


@pytest.mark.parametrize("name", SHIPPED_EDITIONS)
def test_shipped_edition_has_no_unknown_keys(name):
    from pipeline.load.edition import load_edition
    load_edition(ROOT / "inputs" / name)


# -- {field} patterns ---------------------------------------------------------------------------

def test_misspelt_field_in_a_block_pattern(work):
    line = edit(template(work), 'Projektname: "{project}"', 'Projektname: "{projetc}"')
    f = one(work, "E-UNKNOWN-FIELD")
    assert f["location"] == {"file": REL, "row": line, "column": "blocks.uebersicht.fields.Projektname"}
    assert "block 'uebersicht'" in f["message"] and "'{projetc}'" in f["message"]
    assert f["hint"].startswith("did you mean 'project'?")


def test_misspelt_field_in_an_edition_block_and_a_chapter_pattern(work):
    ed = work / "ed" / "edition.yaml"
    text = ed.read_text(encoding="utf-8")
    ed.write_text(text + 'blocks:\n  liste:\n    type: table\n    table: municipalities\n'
                  '    columns: {Kommune: "{nme}"}\n', encoding="utf-8")
    edit(ed, 'title: "{name}"', 'title: "{nam}"')
    found = [f for f in findings(work) if f["code"] == "E-UNKNOWN-FIELD"]
    assert {f["location"]["file"] for f in found} == {"edition.yaml"}
    by_column = {f["location"]["column"]: f for f in found}
    assert by_column["blocks.liste.columns.Kommune"]["location"]["row"] == text.count("\n") + 5
    assert any(k.startswith("chapters[") and k.endswith(".title") for k in by_column)
    assert all(f["hint"].startswith("did you mean 'name'?") for f in found)


def test_block_reading_an_undeclared_table(work):
    line = edit(template(work), "    table: municipalities\n    title: \"Aus der Praxis",
                "    table: municipality\n    title: \"Aus der Praxis")
    f = one(work, "E-TEMPLATE")
    assert f["location"] == {"file": REL, "row": line, "column": "blocks.praxis.table"}
    assert f["hint"].startswith("did you mean 'municipalities'?")
    assert "regions" not in f["hint"]  # another type's table is no choice here


def test_block_of_an_unknown_type(work):
    line = edit(template(work), "    type: cards\n", "    type: card\n")
    f = one(work, "E-TEMPLATE")
    assert f["location"] == {"file": REL, "row": line, "column": "blocks.uebersicht.type"}
    assert f["hint"].startswith("did you mean 'cards'?")


# -- tables and references ------------------------------------------------------------------------

def test_unknown_table_lists_only_this_types_tables(work):
    shutil.copy(work / "ed" / "data" / "municipalities.csv", work / "ed" / "data" / "municipalitis.csv")
    f = one(work, "W-UNKNOWN-TABLE")
    assert f["hint"].startswith("did you mean 'municipalities'?")
    assert "regions" not in f["hint"] and "portraits" not in f["hint"]


def test_unknown_box_reference_suggests_an_id(work):
    edit(work / "ed" / "text" / "03-strategien.md", "::: praxis maintal", "::: praxis maintl")
    f = one(work, "E-UNKNOWN-REF")
    assert f["hint"].startswith("did you mean 'maintal'?")


def test_misspelt_block_name_in_a_fence_suggests_the_block(work):
    line = edit(work / "ed" / "text" / "03-strategien.md", "::: praxis maintal", "::: prax maintal")
    f = one(work, "E-UNKNOWN-BLOCK")
    assert (f["location"]["file"], f["location"]["row"]) == ("text/03-strategien.md", line)
    assert f["hint"].startswith("did you mean 'praxis'?")


def test_unknown_reference_into_a_table_without_rows_never_lists_nothing(work):
    ed = work / "ed" / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8") + 'blocks:\n  verweis:\n    type: box\n    table: links\n'
                  '    title: "{label}"\n', encoding="utf-8")
    edit(work / "ed" / "text" / "03-strategien.md", "::: praxis maintal", "::: verweis stadtportal")
    f = one(work, "E-UNKNOWN-REF")
    assert "use one of: " not in f["hint"]
    assert "table 'links' has no rows yet" in f["hint"] and "'stadtportal'" in f["hint"]


# -- Typst errors, mapped to the template file and line -------------------------------------------

def typeset(work: Path) -> str:
    out = work / "out"
    done = run(work, "build", str(work / "ed"), "--out", str(out), "--format", "pdf")
    assert done.returncode == 1
    assert not out.exists() or not any(out.iterdir())
    return done.stdout + done.stderr


def test_syntax_error_in_theme_typ_names_its_line(work):
    theme = work / "templates" / TYPE / "theme.typ"
    line = theme.read_text(encoding="utf-8").count("\n") + 1
    with theme.open("a", encoding="utf-8") as fh:
        fh.write("#let broken = (1, 2\n")
    text = typeset(work)
    assert f"E-TYPESET templates/{TYPE}/theme.typ, line {line}: " in text, text
    column = "#let broken = (1, 2".index("(") + 1
    assert f"unclosed delimiter (column {column})" in text and "a syntax error" in text
    assert text.count("E-TYPESET") == 1 and "image" not in text  # no echo errors, no talk of images


def test_unknown_variable_in_brochure_typ_names_its_file_and_line(work):
    brochure = work / "templates" / TYPE / "brochure.typ"
    lines = brochure.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "#no-such-thing")
    brochure.write_text("\n".join(lines), encoding="utf-8")
    text = typeset(work)
    assert f"E-TYPESET templates/{TYPE}/brochure.typ, line 3: " in text, text
    assert "unknown variable: no-such-thing" in text and "'no-such-thing' is not defined" in text


@pytest.mark.parametrize("line, hint", [("#set text(colr: red)", "check the function's parameters"),
                                         ("#a-b", "try adding spaces around the minus sign")])
def test_typst_errors_map_to_the_middle_file_with_a_fitting_hint(tmp_path, monkeypatch, line, hint):
    """Joined a.typ + b.typ + c.typ, compiled for real: the error is placed at b.typ's line 3,
    with a hint for its kind and Typst's own hint, never the syntax or image hint."""
    import typst

    from pipeline.render.pdf import typst_source
    from pipeline.render.typst_errors import typeset_findings
    folder = tmp_path / "templates" / "t"
    folder.mkdir(parents=True)
    files = []
    for name, text in (("a.typ", "#let a = 1\n#let b = 2\n"), ("b.typ", f"one\n\n{line}\n"), ("c.typ", "end\n")):
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    with pytest.raises(typst.TypstError) as caught:
        typst.Compiler(root=str(tmp_path)).compile(input=typst_source(files))
    monkeypatch.chdir(tmp_path)  # a file of no types' folder is named by its path from here
    (found,) = typeset_findings(caught.value, files)
    assert (found.location.file, found.location.row) == ("templates/t/b.typ", 3)
    assert hint in found.hint and "syntax" not in found.hint and "image" not in found.hint


# -- the strategy draft's sections --------------------------------------------------------------

def test_misspelt_section_content_in_a_draft_type_is_a_template_finding(work):
    """A misspelt `content:` of a draft section ended in a NameError (issue 27)."""
    shutil.copytree(ROOT / "inputs" / "kommunen" / "maintal", work / "town")
    line = edit(work / "templates" / "strategie" / "template.yaml", "content: fields,", "content: field,")
    done = run(work, "check", "--format", "json", str(work / "town"))
    assert done.returncode == 1, done.stderr
    found = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "E-TEMPLATE"]
    assert [f["location"] for f in found] == [
        {"file": "templates/strategie/template.yaml", "row": line, "column": "sections[6].content"}]
    assert "'field'" in found[0]["message"]
    assert found[0]["hint"].startswith("did you mean 'fields'?")
    done = run(work, "draft", str(work / "town"), "--out", str(work / "out"))
    assert done.returncode == 1 and "E-TEMPLATE" in done.stdout + done.stderr
    assert not (work / "out").exists()


def test_an_error_inside_the_shared_library_is_placed_at_the_types_call(tmp_path, monkeypatch):
    """lib.typ (the shared library) + the type's b.typ, compiled for real: an error two calls deep
    in the library is placed at b.typ's line that called it, with the chain of calls."""
    import typst

    from pipeline.render.pdf import typst_source
    from pipeline.render.typst_errors import typeset_findings
    (tmp_path / "templates" / "common").mkdir(parents=True)
    (tmp_path / "templates" / "t").mkdir()
    lib = tmp_path / "templates" / "common" / "lib.typ"
    lib.write_text("#let inner(x) = {\n  x.missing\n}\n#let outer(x) = {\n  inner(x)\n}\n", encoding="utf-8")
    own = tmp_path / "templates" / "t" / "b.typ"
    own.write_text("one\n\n#outer((present: 1))\n", encoding="utf-8")
    with pytest.raises(typst.TypstError) as caught:
        typst.Compiler(root=str(tmp_path)).compile(input=typst_source([lib, own]))
    monkeypatch.chdir(tmp_path)
    (found,) = typeset_findings(caught.value, [lib, own])
    assert (found.location.file, found.location.row) == ("templates/t/b.typ", 3)
    assert "does not contain key" in found.message and "(column 2)" in found.message
    assert found.message.endswith("; in inner (templates/common/lib.typ:2) called from outer "
                                  "(templates/common/lib.typ:5) called from templates/t/b.typ:3"), found.message
