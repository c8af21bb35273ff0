"""A block named where the type lacks it (issue 34): the finding points to where the name is
written (edition.yaml's line for a chapter's `blocks:` and an imprint's `block:`, the Markdown
line for a `::: name` fence) with a did-you-mean of the blocks there are; never to a data row
the chapter is made from. Real editions copied into tmp_path, loaded and checked for real."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.build import check
from pipeline.errors import InputError
from pipeline.load.edition import load_edition

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


def copy(tmp_path: Path, name: str) -> Path:
    ed = tmp_path / name
    shutil.copytree(ROOT / "inputs" / name, ed)
    return ed


def edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def load_findings(ed: Path) -> list:
    with pytest.raises(InputError) as caught:
        load_edition(ed)
    return caught.value.findings


def test_a_chapter_made_from_rows_names_a_missing_block_at_its_edition_line(tmp_path):
    ed = copy(tmp_path, "halbzeitbilanz-2012")
    line = edit(ed / "edition.yaml", "blocks: [kennzahlen]", "blocks: [kennzahln]")
    [f] = load_findings(ed)
    assert (f.code, f.location.file, f.location.row) == ("E-UNKNOWN-BLOCK", "edition.yaml", line)
    assert f.location.column.endswith(".blocks[1]") and "'kennzahln'" in f.message
    assert "did you mean 'kennzahlen'" in f.hint and "templates/halbzeitbilanz/template.yaml" in f.hint


def test_a_block_list_on_several_lines_points_at_the_item(tmp_path):
    ed = copy(tmp_path, "halbzeitbilanz-2012")
    line = edit(ed / "edition.yaml", "blocks: [kennzahlen]", "blocks:\n      - kennzahlen\n      - zahlen")
    [f] = load_findings(ed)
    assert (f.location.row, f.location.column.rsplit(".", 1)[1]) == (line + 2, "blocks[2]")


def test_an_imprint_block_names_a_missing_block_at_its_line(tmp_path):
    ed = copy(tmp_path, "kiv-handbuch-2020")
    line = edit(ed / "edition.yaml", "block: ansprechpartner-2019", "block: ansprechpartner-2091")
    [f] = load_findings(ed)
    assert (f.code, f.location.file, f.location.row, f.location.column) == (
        "E-UNKNOWN-BLOCK", "edition.yaml", line, "imprint[4].block")
    assert "did you mean 'ansprechpartner-2019'" in f.hint


def test_a_block_the_edition_defines_itself_is_known(tmp_path):
    ed = copy(tmp_path, "halbzeitbilanz-2012")
    edit(ed / "edition.yaml", "blocks: [kennzahlen]", "blocks: [eigene]")
    text = (ed / "edition.yaml").read_text(encoding="utf-8")
    (ed / "edition.yaml").write_text(text + "\nblocks:\n  eigene: {type: box, untitled: Eigener Kasten}\n", encoding="utf-8")
    assert load_edition(ed).blocks["eigene"]["type"] == "box"


def test_a_block_name_that_is_no_text_is_a_bad_value_at_its_line(tmp_path):
    ed = copy(tmp_path, "halbzeitbilanz-2012")
    line = edit(ed / "edition.yaml", "blocks: [kennzahlen]", "blocks: [{kennzahlen: 1}]")
    [f] = load_findings(ed)
    assert (f.code, f.location.row) == ("E-BAD-VALUE", line)


def test_a_markdown_fence_names_a_missing_block_at_its_file_and_line(tmp_path):
    ed = copy(tmp_path, "faktenblatt-2014")
    line = edit(ed / "text" / "ueberblick.md", "::: kennzahlen", "::: kennzahln")
    _, findings = check(ed)
    [f] = [f for f in findings if f.code == "E-UNKNOWN-BLOCK"]
    assert (f.location.file, f.location.row) == ("text/ueberblick.md", line)
    assert "did you mean 'kennzahlen'" in f.hint


NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-0123456789", min_size=1, max_size=20)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(name=NAME)
def test_any_unknown_name_is_found_at_edition_yaml_never_at_a_data_row(tmp_path_factory, name):
    ed = copy(tmp_path_factory.mktemp("ed"), "halbzeitbilanz-2012")
    line = edit(ed / "edition.yaml", "blocks: [kennzahlen]", f"blocks: [kennzahlen, '{name}']")
    if name in ("kennzahlen", "box"):
        load_edition(ed)
        return
    [f] = load_findings(ed)
    assert (f.code, f.location.file, f.location.row) == ("E-UNKNOWN-BLOCK", "edition.yaml", line)
