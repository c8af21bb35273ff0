"""A designer's slip in a brochure type never passes unnoticed and never crashes: any single key
of a type's template.yaml or spec.yaml misspelt (a letter dropped, doubled, swapped or changed)
gets a finding from `check`, and `build` then either refuses with findings or writes both files;
it never raises anything else. The keys are found in the files' text, not taken from the
loader's own list of keys, so a key added later is tried too. (A reference.docx without one of
the styles the writer uses: tests/test_reference_styles.py.)"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from pipeline.build import build, check
from pipeline.errors import InputError
from pipeline.load.template_keys import ENGINE_LABELS

EDITIONS = {"kiv-handbuch": "kiv-handbuch-2020", "halbzeitbilanz": "halbzeitbilanz-2012",
            "programmflyer": "programmflyer-2014", "faktenblatt": "faktenblatt-2014"}
FILES = [(t, f) for t in EDITIONS for f in ("template.yaml", "spec.yaml") if (ROOT / "templates" / t / f).is_file()]
EXAMPLES = max(6, int(os.environ.get("CI_EXAMPLES", "200")) // 10)
PRINTED = ("fields", "columns")  # a block's `fields:`/`columns:` keys are printed headers: free text


def keys_of(text: str) -> list[tuple[int, str]]:
    """(offset, key) of every mapping key in a YAML text, but the printed headers of blocks."""
    out = []

    def walk(node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if not (len(path) >= 3 and path[0] == "blocks" and path[-1] in PRINTED):
                    out.append((k.start_mark.index, k.value))
                walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                walk(v, path)
    walk(yaml.compose(text), ())
    return out


def _typo(key: str, how: str, at: int) -> str:
    i = at % len(key)
    if how == "drop" and len(key) > 1:
        return key[:i] + key[i + 1:]
    if how == "double":
        return key[:i] + key[i] + key[i:]
    if how == "swap" and len(key) > 1 and key[i - 1] != key[i]:
        return key[:i - 1] + key[i] + key[i - 1] + key[i + 1:]
    return key[:i] + ("x" if key[i] != "x" else "q") + key[i + 1:]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mistakes")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=st.sampled_from(FILES), pick=st.integers(min_value=0, max_value=10_000),
       how=st.sampled_from(["drop", "double", "swap", "change"]), at=st.integers(min_value=0, max_value=40))
@example(file=("faktenblatt", "template.yaml"), pick=0, how="drop", at=1)
@example(file=("kiv-handbuch", "spec.yaml"), pick=3, how="swap", at=2)
def test_a_misspelt_key_gets_a_finding_and_build_never_raises(scratch, monkeypatch, file, pick, how, at):
    type_name, name = file
    work = scratch / "run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "templates", work / "templates")
    path = work / "templates" / type_name / name
    text = path.read_text(encoding="utf-8")
    keys = keys_of(text)
    offset, key = keys[pick % len(keys)]
    wrong = _typo(key, how, at)
    if wrong == key:
        return
    path.write_text(text[:offset] + wrong + text[offset + len(key):], encoding="utf-8")
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(work / "templates"))
    edition = ROOT / "inputs" / EDITIONS[type_name]

    _, findings = check(edition)
    assert findings, f"{type_name}/{name}: '{key}' → '{wrong}' got no finding"
    try:
        result = build(edition, work / "out")
    except InputError as exc:
        assert exc.findings
        assert not (work / "out").exists()  # nothing half-written
    else:
        assert {p.suffix for p in result.files} == {".docx", ".pdf"}


def test_the_key_finder_finds_block_and_flow_keys_but_not_printed_headers():
    text = ("page:\n  size: a4  # paper: a5\n  margin: {top: 1, inside: 2}\ntables:\n  - {name: id, required: true}\n"
            "# note: x\nblocks:\n  b: {type: table, columns: {Wann: '{when}'}}\n")
    found = [k for _, k in keys_of(text)]
    assert found == ["page", "size", "margin", "top", "inside", "tables", "name", "required", "blocks", "b", "type",
                     "columns"]
    assert all(text[o:o + len(k)] == k for o, k in keys_of(text))


def test_the_engine_labels_are_the_labels_the_code_reads():
    """ENGINE_LABELS, against every label name the Python code and the shared Typst library read
    literally (`labels.get("x")`, `self.label("x")`, `L.x`)."""
    read = re.compile(r"""(?:labels(?:\.get)?|\.label)\(\s*["']([a-z_]+)["']\s*[,)]|labels\[["']([a-z_]+)["']\]"""
                      r"""|\bL\.([a-z_]+)\b(?!\()""")
    found = set()
    for path in [*(ROOT / "pipeline").rglob("*.py"), *(ROOT / "templates" / "common").glob("*.typ")]:
        code = "\n".join(line.split("#")[0] if path.suffix == ".py" else line.split("//")[0]
                         for line in path.read_text(encoding="utf-8").splitlines())  # not the comments
        found |= {next(g for g in m if g) for m in read.findall(code)}
    assert found and found <= set(ENGINE_LABELS), sorted(found - set(ENGINE_LABELS))


def test_a_label_one_slip_from_one_brochure_prints_is_a_warning_at_its_line(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    path = tmp_path / "templates" / "programmflyer" / "template.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\n  contents: " in text
    path.write_text(text.replace("\n  contents: ", "\n  contnets: ", 1), encoding="utf-8")
    monkeypatch.setenv("BROCHURE_TEMPLATES", str(tmp_path / "templates"))
    _, findings = check(ROOT / "inputs" / "programmflyer-2014")
    found = [f for f in findings if f.code == "W-UNKNOWN-LABEL"]
    assert len(found) == 1 and "'contents'" in found[0].hint and found[0].location.row
    line = path.read_text(encoding="utf-8").splitlines()[found[0].location.row - 1]
    assert line.strip().startswith("contnets:")
