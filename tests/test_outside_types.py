"""Types outside the checkout (BROCHURE_TEMPLATES): looked up before the shipped ones, which stay
usable; a `../common/blocks.typ` the outside folder lacks is the shipped library; findings name an
outside type's files by their real path, and a Typst error inside the library by the type's line
that called it. Run through the real CLI; no traceback may reach the output."""

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
SHIPPED = "faktenblatt"  # the quickest shipped type to build (two pages)
OWN = "eigener-typ"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An outside folder `types/` with one type (the fact sheet's look) and no common/, and an
    edition of that type."""
    types = tmp_path / "types"
    shutil.copytree(ROOT / "templates" / SHIPPED, types / OWN)
    yaml_file = types / OWN / "template.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(f"name: {SHIPPED}", f"name: {OWN}"),
                         encoding="utf-8")
    _edition(tmp_path / "ed", OWN)
    return tmp_path


def _edition(folder: Path, type_name: str) -> Path:
    shutil.copytree(ROOT / "inputs" / f"{SHIPPED}-2014", folder)
    edit(folder / "edition.yaml", f"template: {SHIPPED}", f"template: {type_name}")
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first OLD and return the 1-based line the replacement starts on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def run(work: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BROCHURE_TEMPLATES": str(work / "types")}  # the test's own cache (conftest)
    done = subprocess.run([*BROCHURE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def findings(work: Path) -> list[dict]:
    done = run(work, "check", "--format", "json", str(work / "ed"))
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


def real(path: Path) -> str:
    """How findings name a file outside the current directory (the tests run from the checkout)."""
    return path.resolve().as_posix()


def test_an_outside_type_without_common_builds_with_the_shipped_library(work):
    assert not (work / "types" / "common").exists()
    out = work / "out"
    done = run(work, "build", str(work / "ed"), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "ed.pdf").is_file() and (out / "ed.docx").is_file()
    files = {f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["template"]["files"]}
    assert "templates/common/blocks.typ" in files and f"{OWN}/brochure.typ" in files  # the files actually used


def test_a_shipped_type_still_builds_with_brochure_templates_set(work):
    ed = _edition(work / "shipped-ed", SHIPPED)
    done = run(work, "build", str(ed), "--out", str(work / "out"), "--format", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (work / "out" / "shipped-ed.pdf").is_file()


def test_an_outside_type_of_a_shipped_name_wins(work):
    shutil.copytree(work / "types" / OWN, work / "types" / SHIPPED)
    yaml_file = work / "types" / SHIPPED / "template.yaml"
    line = edit(yaml_file, "reference_docx:", "colour: blau\nreference_docx:")
    edit(work / "ed" / "edition.yaml", f"template: {OWN}", f"template: {SHIPPED}")
    found = [f for f in findings(work) if "colour" in f["message"]]
    assert len(found) == 1, found
    assert found[0]["location"]["file"] == real(yaml_file) and found[0]["location"]["row"] == line


def test_an_unknown_type_is_named_with_the_outside_and_the_shipped_types(work):
    edit(work / "ed" / "edition.yaml", f"template: {OWN}", "template: kein-typ")
    (f,) = [f for f in findings(work) if f["code"] == "E-UNKNOWN-TEMPLATE"]
    assert OWN in f["hint"] and SHIPPED in f["hint"] and "strategie" in f["hint"]


def test_a_finding_on_an_outside_type_names_its_real_path(work):
    yaml_file = work / "types" / OWN / "template.yaml"
    edit(yaml_file, "typst: [theme.typ,", "typst: [themes.typ,")
    (f,) = [f for f in findings(work) if f["code"] == "E-TEMPLATE-FILE"]
    assert f["location"]["file"] == real(yaml_file)
    assert "templates/" not in f["location"]["file"] and f"templates/{OWN}" not in f["message"] + f["hint"]


def test_a_typst_error_inside_the_library_is_named_at_the_outside_types_call(work):
    brochure = work / "types" / OWN / "brochure.typ"
    line = edit(brochure, "    chapter-body(ch)\n", "    chapter-body(ch, drawers: (paragraph: 1))\n")
    done = run(work, "build", str(work / "ed"), "--out", str(work / "out"), "--format", "pdf")
    assert done.returncode == 1
    text = done.stdout + done.stderr
    assert f"E-TYPESET {real(brochure)}, line {line}: " in text, text
    assert "expected function, found integer" in text  # Typst's own message stays
    library = "templates/common/blocks.typ"
    assert f"in draw-block ({library}:" in text and f"called from chapter-body ({library}:" in text
    assert f"called from {real(brochure)}:{line}" in text
    assert f"templates/{OWN}" not in text


def test_the_cache_key_follows_the_shipped_library(tmp_path, monkeypatch):
    """An outside type may join the shipped common/blocks.typ: changing it is a new build key."""
    from pipeline import build_cache
    shipped = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", shipped)
    (tmp_path / "types").mkdir()
    monkeypatch.setattr(build_cache, "TEMPLATES", shipped)
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(tmp_path / "types"))
    ed = _edition(tmp_path / "ed", SHIPPED)
    build_cache._code_digest.cache_clear()
    before = build_cache.build_key(ed, ("pdf",), False)
    with (shipped / "common" / "blocks.typ").open("a", encoding="utf-8") as fh:
        fh.write("\n// changed\n")
    build_cache._code_digest.cache_clear()
    assert build_cache.build_key(ed, ("pdf",), False) != before
    build_cache._code_digest.cache_clear()


def test_a_misspelt_shared_library_suggests_the_shipped_one(work):
    edit(work / "types" / OWN / "template.yaml", "../common/blocks.typ", "../common/block.typ")
    (f,) = [f for f in findings(work) if f["code"] == "E-TEMPLATE-FILE"]
    assert "did you mean '../common/blocks.typ'?" in f["hint"]
