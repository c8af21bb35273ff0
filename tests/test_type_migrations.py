"""A brochure type written for an earlier release: every entry of the migration table
(pipeline/load/type_migrations.py) gets a finding at the type's own line that names what
replaced it, at `check` and at `build`, and no traceback; a type written for a newer format is
refused with what to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.load.type_migrations import FORMAT, MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
TYPE = "kiv-handbuch"
BROCHURE = [str(ROOT / ".venv" / "bin" / "brochure")] if (ROOT / ".venv" / "bin" / "brochure").exists() \
    else ["python", "-m", "pipeline.cli"]
OLD_USE = {  # how a type of the older format used each removed thing
    "block-of": "#let block-of(b, style) = [#b.type]\n",
    "sys.inputs": '#let old-data = json(bytes(sys.inputs.at("content", default: "{}")))\n',
    "photo-height": '#let small-photo = photo-height.at("portrait", default: 46mm)\n',
    "pair-chars": "#let pair-chars = 3000\n",
    "row-chars": "#let long-row(row) = row-chars(row) > 400\n",
}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "inputs" / "kiv-handbuch-2020", tmp_path / "ed")
    return tmp_path


def _run(work: Path, *args: str) -> subprocess.CompletedProcess:
    # Run from WORK: the copied types are outside types, named by their path from there (templates/<type>/…).
    env = {**os.environ, "BROCHURE_TEMPLATES": str(work / "templates"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*BROCHURE, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def _older(work: Path) -> Path:
    """The type as written for format 1: no `format:` line."""
    yaml = work / "templates" / TYPE / "template.yaml"
    yaml.write_text("".join(line for line in yaml.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("format:")), encoding="utf-8")
    return work / "templates" / TYPE


def test_every_migration_has_a_test():
    assert {m.old for m in MIGRATIONS} == set(OLD_USE)


@pytest.mark.parametrize("migration", MIGRATIONS, ids=[m.old for m in MIGRATIONS])
def test_an_older_types_use_is_named_with_its_replacement(work, migration):
    folder = _older(work)
    if migration.where == "typst":
        typ = folder / "brochure.typ"
        lines = typ.read_text(encoding="utf-8").splitlines(keepends=True)
        typ.write_text("".join(lines[:3]) + OLD_USE[migration.old] + "".join(lines[3:]), encoding="utf-8")
        file, row = f"templates/{TYPE}/brochure.typ", 4
    else:
        yaml = folder / "template.yaml"
        yaml.write_text(yaml.read_text(encoding="utf-8") + OLD_USE[migration.old], encoding="utf-8")
        file, row = f"templates/{TYPE}/template.yaml", None
    checked = _run(work, "check", "--format", "json", str(work / "ed"))
    found = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == "E-TYPE-MIGRATION"]
    assert len(found) == 1, checked.stdout
    f = found[0]
    assert f["location"]["file"] == file and (row is None or f["location"]["row"] == row)
    assert f"'{migration.old}' was replaced by '{migration.new}' in type format {migration.since}" in f["message"]
    assert "format 1 (no 'format:' in template.yaml)" in f["message"] and f"format: {FORMAT}" in f["hint"]
    built = _run(work, "build", str(work / "ed"), "--out", str(work / "out"))
    assert built.returncode == 1 and "E-TYPE-MIGRATION" in built.stdout + built.stderr  # an input error
    assert not (work / "out").exists()


def test_a_type_of_the_current_format_may_use_the_name_for_its_own_things(work):
    """The scan looks only at types written for an older format."""
    typ = work / "templates" / TYPE / "brochure.typ"
    typ.write_text(typ.read_text(encoding="utf-8") + "\n#let block-of-mine = 1\n", encoding="utf-8")
    found = json.loads(_run(work, "check", "--format", "json", str(work / "ed")).stdout)["findings"]
    assert not [f for f in found if f["code"] == "E-TYPE-MIGRATION"]


@pytest.mark.parametrize("value, code", [(FORMAT + 1, "E-TYPE-FORMAT"), ("zwei", "E-BAD-VALUE")])
def test_a_format_this_release_cannot_read_is_refused(work, value, code):
    yaml = work / "templates" / TYPE / "template.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(f"format: {FORMAT} ", f"format: {value} ", 1), encoding="utf-8")
    found = json.loads(_run(work, "check", "--format", "json", str(work / "ed")).stdout)["findings"]
    assert [f["code"] for f in found if f["code"] in ("E-TYPE-FORMAT", "E-BAD-VALUE")] == [code]
    assert found[0]["location"]["column"] == "format"


OLDER = Path(__file__).resolve().parent / "fixtures" / "older-type"  # a flyer as written for format 1
OLDER_NAME = "aelterer-flyer"


@pytest.fixture
def older(tmp_path: Path) -> Path:
    """The older type alone in a folder of its own (it uses the shipped shared library), and the
    flyer's edition set to it."""
    shutil.copytree(OLDER, tmp_path / "templates" / OLDER_NAME)
    shutil.copytree(ROOT / "inputs" / "programmflyer-2014", tmp_path / "ed")
    edition = tmp_path / "ed" / "edition.yaml"
    text = edition.read_text(encoding="utf-8")
    edition.write_text(text.replace("template: programmflyer", f"template: {OLDER_NAME}", 1), encoding="utf-8")
    assert f"template: {OLDER_NAME}" in edition.read_text(encoding="utf-8")
    return tmp_path


def test_a_type_of_the_previous_release_is_named_every_step_and_builds_once_migrated(older):
    """check names each thing the older type uses that is gone, at its line, with what replaced
    it; build refuses it the same way; carried out as the hints say, check warns only about its
    old reference.docx and build writes both files on the type's page. No traceback anywhere."""
    typ = older / "templates" / OLDER_NAME / "brochure.typ"
    lines = typ.read_text(encoding="utf-8").splitlines()
    used = {m.old: n for m in MIGRATIONS for n, line in enumerate(lines, 1)
            if m.where == "typst" and m.old in line.split("//")[0]}
    assert used, "the older type must use some removed hook"
    checked = _run(older, "check", "--format", "json", str(older / "ed"))
    found = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == "E-TYPE-MIGRATION"]
    named = {m.old: m for m in MIGRATIONS}
    assert sorted(f["location"]["row"] for f in found) == sorted(used.values())  # one finding per step
    for f in found:
        old = next(name for name, row in used.items() if row == f["location"]["row"])
        assert f["location"]["file"].endswith(f"{OLDER_NAME}/brochure.typ")
        assert f"'{old}' was replaced by '{named[old].new}'" in f["message"]
        assert named[old].example.splitlines()[0] in f["hint"]
    built = _run(older, "build", str(older / "ed"), "--out", str(older / "out"))
    assert built.returncode == 1 and "E-TYPE-MIGRATION" in built.stdout + built.stderr
    assert not (older / "out").exists()

    # Carried out as the hints say: the new form for the old lines, and the format.
    rows = set(used.values())
    migrated = [line for n, line in enumerate(lines, 1) if n not in rows]
    at = min(rows) - 1
    migrated[at:at] = ["#let drawers = drawers + (photo: (b, ctx) => photo(b, ctx.style, placeholder: 36mm))",
                       "#let chapter-body = chapter-body.with(drawers: drawers)"]
    typ.write_text("\n".join(migrated) + "\n", encoding="utf-8")
    yaml = older / "templates" / OLDER_NAME / "template.yaml"
    yaml.write_text(f"format: {FORMAT}\n" + yaml.read_text(encoding="utf-8"), encoding="utf-8")
    checked = _run(older, "check", "--format", "json", str(older / "ed"))
    codes = [f["code"] for f in json.loads(checked.stdout)["findings"]]
    assert "E-TYPE-MIGRATION" not in codes and not [c for c in codes if c.startswith("E-")], checked.stdout
    assert "W-DOCX-STYLE" in codes and "W-PAGE-MISMATCH" in codes  # its old reference.docx, said, not fatal
    built = _run(older, "build", str(older / "ed"), "--out", str(older / "out"))
    assert built.returncode == 0, built.stdout + built.stderr
    from docx import Document as open_docx
    for section in open_docx(str(older / "out" / "ed.docx")).sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (148, 210)
