"""A type's files stay in its folder: every file template.yaml names (`typst:`, `reference_docx:`)
and every file a type holds by name (template.yaml, spec.yaml, fonts/) is read, printed or
compiled, so a path or link leaving the folder is an E-TEMPLATE-FILE finding, as a missing file
is, and the outside file's text never reaches a finding. Only `../common/<file>` (the shared
library) may leave it. Real type folders in tmp_path, loaded by load_template and the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.errors import InputError
from pipeline.load import type_folders
from pipeline.load.edition import load_template

ROOT = Path(__file__).resolve().parent.parent
SECRET = "SECRET-OUTSIDE-TEXT"
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


@pytest.fixture
def types(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "types"
    shutil.copytree(ROOT / "templates" / "faktenblatt", root / "ft")
    (tmp_path / "outside.typ").write_text(f"// {SECRET}\n", encoding="utf-8")
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(root))
    return root


def set_entry(folder: Path, key: str, value: str) -> None:
    path = folder / "template.yaml"
    lines = [ln if not ln.startswith(f"{key}:") else f"{key}: {value}" for ln in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def refused(key: str = "") -> list:
    with pytest.raises(InputError) as caught:
        load_template("ft")
    found = caught.value.findings
    assert found and all(f.code == "E-TEMPLATE-FILE" for f in found), found
    assert SECRET not in str(caught.value)
    if key:
        assert any(f.location.column and f.location.column.startswith(key) and f.location.row for f in found), found
    return found


LEAVING = [
    "/etc/passwd", "../../../etc/passwd", "./../ft/../../outside.typ", "../../outside.typ", "./../../outside.typ",
    "sub/../../../outside.typ", "..\\..\\outside.typ", "C:\\Windows\\win.ini", "C:/Windows/win.ini",
    "file:///etc/passwd", "http://example.org/x.typ", "~/x.typ", "../common/../../outside.typ",
    "../common/../../../etc/passwd", "../faktenblatt/theme.typ", "x" * 300, "a/" * 600 + "b", "nul\0.typ",
]


@pytest.mark.parametrize("entry", LEAVING)
def test_a_typst_entry_leaving_the_folder_is_a_template_file_error(types, entry):
    set_entry(types / "ft", "typst", f"[theme.typ, ../common/blocks.typ, {json.dumps(entry)}]")
    found = refused("typst")
    assert any(entry[:100] in f.message for f in found)


@pytest.mark.parametrize("entry", LEAVING)
def test_a_reference_docx_leaving_the_folder_is_a_template_file_error(types, entry):
    set_entry(types / "ft", "reference_docx", json.dumps(entry))
    refused("reference_docx")


def test_the_shared_library_entry_and_own_subfolders_still_load(types):
    (types / "ft" / "parts").mkdir()
    shutil.move(types / "ft" / "theme.typ", types / "ft" / "parts" / "theme.typ")
    set_entry(types / "ft", "typst", "[./parts/theme.typ, ../common/blocks.typ, parts/../brochure.typ]")
    t = load_template("ft")
    assert [p.name for p in t.typst] == ["theme.typ", "blocks.typ", "brochure.typ"]


def test_a_symlink_in_the_folder_pointing_out_is_refused(types):
    (types / "ft" / "brochure.typ").unlink()
    (types / "ft" / "brochure.typ").symlink_to(types.parent / "outside.typ")
    found = refused("typst")
    assert any("link" in f.message for f in found)


def test_a_symlink_inside_the_folder_is_fine(types):
    (types / "ft" / "brochure.typ").rename(types / "ft" / "real.typ")
    (types / "ft" / "brochure.typ").symlink_to("real.typ")
    assert load_template("ft").typst[-1].resolve().name == "real.typ"


@pytest.mark.parametrize("name", ["spec.yaml", "template.yaml", "fonts"])
def test_a_file_the_type_holds_by_name_may_not_link_out(types, name):
    own = types / "ft" / name
    outside = types.parent / ("fonts-out" if name == "fonts" else f"out-{name}")
    if own.exists():
        shutil.move(own, outside)
    elif name == "fonts":
        outside.mkdir()
    else:
        outside.write_text(f"# {SECRET}\n", encoding="utf-8")
    own.symlink_to(outside)
    found = refused()
    assert any(f.location.file.endswith(f"ft/{name}") for f in found), found


SEGMENT = st.sampled_from(["..", ".", "ft", "common", "etc", "passwd", "brochure.typ", "theme.typ", "", "~", "C:", "file:"])


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(parts=st.lists(SEGMENT, min_size=1, max_size=6), sep=st.sampled_from(["/", "\\"]), lead=st.sampled_from(["", "/", "./"]))
def test_any_spelling_either_stays_inside_or_is_a_finding(tmp_path_factory, parts, sep, lead):
    root = tmp_path_factory.mktemp("types")
    shutil.copytree(ROOT / "templates" / "faktenblatt", root / "ft")
    entry = lead + sep.join(parts)
    set_entry(root / "ft", "typst", f"[theme.typ, ../common/blocks.typ, {json.dumps(entry)}]")
    old = os.environ.get("BROCHURE_TEMPLATES")
    os.environ["BROCHURE_TEMPLATES"] = str(root)
    try:
        t = load_template("ft")
    except InputError as exc:
        assert {f.code for f in exc.findings} <= {"E-TEMPLATE-FILE"}, exc.findings
        return
    finally:
        os.environ.pop("BROCHURE_TEMPLATES") if old is None else os.environ.__setitem__("BROCHURE_TEMPLATES", old)
    allowed = [(root / "ft").resolve(), (type_folders.SHIPPED / "common").resolve()]
    assert all(any(p.resolve().is_relative_to(a) for a in allowed) for p in t.typst), t.typst


def test_reference_docx_tool_never_writes_outside_the_type(types):
    set_entry(types / "ft", "reference_docx", "../../escaped.docx")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "type", "reference-docx", str(types / "ft")],
                          cwd=types.parent, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "E-TEMPLATE-FILE" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (types.parent.parent / "escaped.docx").exists()


def test_a_loop_of_links_is_a_finding(types):
    (types / "ft" / "brochure.typ").unlink()
    (types / "ft" / "brochure.typ").symlink_to("loop.typ")
    (types / "ft" / "loop.typ").symlink_to("brochure.typ")
    refused("typst")
