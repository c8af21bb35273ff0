"""`brochure diff` on a changed running head and on a heading moved one level down (## → ###),
issue 31 items 2 and 4: each reported once, with its own words, from build folders, DOCX and PDF
files; the redline tracks the header's text and the paragraph's style, so accepting all gives the
new edition and rejecting all the old one."""

from __future__ import annotations

import copy
import io
import re
import subprocess
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest
from lxml import etree

from editions import EDITION, TEXTS, write_edition
from pipeline.build import build
from pipeline.diff.changes import compare
from pipeline.diff.edition_view import read_view
from pipeline.diff.report import to_html
from pipeline.diff.word_redline import redline
from tracked_changes import W, apply, paragraphs
import office

HEAD_OLD, HEAD_NEW = "Projektporträts", "Porträts der Projekte"
PORTRAIT = "Integrationslotsen im Raum Frankfurt"
SECTION = "Handlungsfelder und Vernetzung"
# the portrait runs over three pages, so its running head is printed (not on a chapter's first page)
LONG = dict(TEXTS)
LONG["text/portraets/lotsen.md"] = "".join(
    f"## Teil {k}\n\n" + "".join(f"Lotsen begleiten im Teil {k} Zugewanderte zu Amt {m} und Beratungsstellen. "
                                 for m in range(40)) + "\n\n" for k in range(1, 5))
EXPECTED = {"head": f"running head changed in {PORTRAIT}: '{HEAD_OLD}' → '{HEAD_NEW}'",
            "level": f"heading level changed: '{SECTION}' 2 → 3"}
GERMAN = {"head": f"Kolumnentitel geändert: {PORTRAIT} („{HEAD_OLD}“ → „{HEAD_NEW}“)",
          "level": f"Überschrift-Ebene geändert: {SECTION} (Ebene 2 → 3)"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build folders: 'alt', 'again' (the same inputs built twice), 'head' and 'level'."""
    root = tmp_path_factory.mktemp("heads")
    edition = copy.deepcopy(EDITION)
    edition["chapters"][4]["running_head"] = HEAD_NEW
    assert EDITION["chapters"][4]["running_head"] == HEAD_OLD
    level = dict(LONG)
    level["text/regionen/kassel.md"] = LONG["text/regionen/kassel.md"].replace(f"## {SECTION}", f"### {SECTION}")
    for name, texts, ed in (("alt", LONG, None), ("again", LONG, None), ("head", LONG, edition),
                            ("level", level, None)):
        build(write_edition(root / "in" / name, texts=texts, edition=ed), root / name)
    return root


def _files(built: Path, a: str, b: str, mode: str) -> tuple[Path, Path]:
    if mode == "folder":
        return built / a, built / b
    return built / a / f"{a}.{mode}", built / b / f"{b}.{mode}"


def _changes(built: Path, a: str, b: str, mode: str) -> list[dict]:
    return [asdict(c) for c in compare(*(read_view(p) for p in _files(built, a, b, mode))).changes]


@pytest.mark.parametrize("mode", ["folder", "docx", "pdf"])
@pytest.mark.parametrize("edit", ["head", "level"])
def test_each_edit_is_reported_exactly_once_with_its_words(built, edit, mode):
    changes = _changes(built, "alt", edit, mode)
    assert [c["what"] for c in changes if c["area"] != "pages"] == [EXPECTED[edit]]
    assert not any(c["kind"] == "moved" for c in changes)
    if edit == "head" and mode != "docx":  # printed from the chapter's second page on
        assert changes[0]["page"] == 14


@pytest.mark.parametrize("mode", ["folder", "docx", "pdf"])
def test_identical_builds_give_no_report(built, mode):
    assert _changes(built, "alt", "again", mode) == []


@pytest.mark.parametrize("edit", ["head", "level"])
def test_the_german_report_names_the_edit(built, edit):
    page = to_html(compare(read_view(built / "alt"), read_view(built / edit)))
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h3>.*?</h3>", page)]
    assert heads == [GERMAN[edit]]
    assert "verschoben" not in page


def _decided(root, accept: bool):
    """ROOT with all tracked changes accepted or rejected, paragraph property changes included."""
    return apply(root, accept)


def _parts(docx: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist()
                if re.fullmatch(r"word/(document|header\d+)\.xml", n)}


def _styled(root) -> list[tuple[str, list]]:
    """Each paragraph's style and its runs."""
    return paragraphs(root)


@pytest.mark.parametrize("accept", [True, False], ids=["accept-all", "reject-all"])
@pytest.mark.parametrize("edit", ["head", "level"])
def test_redline_accepts_to_the_new_and_rejects_to_the_old_edition(built, edit, accept):
    old, new = ((built / n / f"{n}.docx").read_bytes() for n in ("alt", edit))
    red = _parts(redline(old, new))
    want = _parts(new if accept else old)
    assert set(red) == set(want)
    for name, root in red.items():
        assert _styled(_decided(root, accept)) == _styled(want[name]), name
    if edit == "head":
        heads = [n for n, root in _parts(redline(old, new)).items() if root.find(f".//{W}ins") is not None]
        assert len(heads) == 1 and heads[0].startswith("word/header")
        text = "".join(t.text for t in _decided(red[heads[0]], accept).iter(f"{W}t"))
        assert text == (HEAD_NEW if accept else HEAD_OLD)
    else:
        styles = [s for s, runs in _styled(red["word/document.xml"]) if runs == [(SECTION, False, False, "")]]
        assert styles == ["Heading3" if accept else "Heading2", "Heading2"]  # Kassel's, then Offenbach's
        assert len(list(_parts(redline(old, new))["word/document.xml"].iter(f"{W}pPrChange"))) == 1


def test_redline_of_identical_builds_tracks_nothing(built):
    red = _parts(redline(*((built / n / f"{n}.docx").read_bytes() for n in ("alt", "again"))))
    marks = {f"{W}{t}" for t in ("ins", "del", "pPrChange", "rPrChange")}
    assert not [el for root in red.values() for el in root.iter() if el.tag in marks]


def test_libreoffice_rejects_the_redline_to_the_old_head_and_heading(built, tmp_path):
    """LibreOffice's own „Alle annehmen / ablehnen“ on both edits."""
    if office.uno_missing():
        pytest.skip(office.uno_missing())
    jobs = []
    for edit in ("head", "level"):
        old, new = ((built / n / f"{n}.docx").read_bytes() for n in ("alt", edit))
        (tmp_path / f"{edit}.docx").write_bytes(redline(old, new))
        jobs += [f"{how},{tmp_path}/{edit}.docx,{tmp_path}/{edit}-{how}.docx" for how in ("accept", "reject")]
    run = subprocess.run([str(office.DEBIAN_PYTHON), str(Path(__file__).parent / "lo_track_changes.py"),
                          str(office.PROFILE), *jobs], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr

    def heads(name: str) -> list[str]:
        parts = _parts((tmp_path / name).read_bytes())
        return sorted(t for n, root in parts.items() if n.startswith("word/header")
                      if (t := "".join(x.text or "" for x in root.iter(f"{W}t"))))

    assert HEAD_NEW in heads("head-accept.docx") and HEAD_OLD not in heads("head-accept.docx")
    assert HEAD_OLD in heads("head-reject.docx") and HEAD_NEW not in heads("head-reject.docx")

    def style(name: str) -> list[str]:
        body = _parts((tmp_path / name).read_bytes())["word/document.xml"]
        return [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in body.iter(f"{W}p")
                if "".join(t.text or "" for t in p.iter(f"{W}t")) == SECTION]
    assert style("level-accept.docx") == ["Heading3", "Heading2"]  # Kassel's, then Offenbach's
    assert style("level-reject.docx") == ["Heading2", "Heading2"]
