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
