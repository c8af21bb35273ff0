"""A brochure type's reference.docx that lacks a style the Word writer uses (an older type's, or
one an author made): `check` warns and names the style and the file, `build` writes the Word
file with a plain style of that name instead, never a traceback. Which styles the writer uses is
asked of the writer itself, rendering the samples, so a style added to it later is covered too."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx

from pipeline.build import load
from pipeline.render.artwork import Artwork
from pipeline.render.docx import DocxWriter, render_docx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["kiv-handbuch-2020", "halbzeitbilanz-2012", "faktenblatt-2014", "programmflyer-2014"]
BROCHURE = [str(ROOT / ".venv" / "bin" / "brochure")] if (ROOT / ".venv" / "bin" / "brochure").exists() \
    else ["python", "-m", "pipeline.cli"]


def _writer_args(name: str):
    loaded = load(ROOT / "inputs" / name)
    ed = loaded.edition
    return loaded.document, ed.template.reference_docx, ed.folder, Artwork.of(ed.folder, ed.template), \
        ed.template.toc_depth, ed.template.docx_cover


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request):
    args = _writer_args(request.param)
    writer = DocxWriter(*args)
    writer.render()
    assert writer.missing_styles == []  # the shipped types have every style they use
    return args, sorted(set(writer.used_styles))


def _without(reference: Path, name: str, into: Path) -> Path:
    """A copy of REFERENCE without the style NAME."""
    doc = open_docx(str(reference))
    style = next(s for s in doc.styles if s.name == name)
    style.element.getparent().remove(style.element)
    out = into / f"reference-{abs(hash(name))}.docx"
    doc.save(str(out))
    return out


def test_removing_any_style_the_writer_uses_is_named_and_never_raises(sample, tmp_path):
    (doc, reference, folder, artwork, toc_depth, cover), used = sample
    present = {s.name for s in open_docx(str(reference)).styles}
    assert len(used) >= 5
    for name in [n for n in used if n in present]:
        missing: list[str] = []
        data = render_docx(doc, _without(reference, name, tmp_path), folder, artwork, toc_depth, cover,
                           missing=missing)
        assert name in missing, name
        styles = {s.name for s in open_docx(io.BytesIO(data)).styles}
        assert name in styles, name  # written as a plain style of that name


def test_check_and_build_warn_about_an_older_reference_docx(tmp_path):
    """The older type's reference.docx lacks today's cover styles: a warning at check, a built
    Word file at build, no traceback."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "inputs" / "kiv-handbuch-2020", tmp_path / "ed")
    reference = tmp_path / "templates" / "kiv-handbuch" / "reference.docx"
    doc = open_docx(str(reference))
    for style in [s for s in doc.styles if s.name.startswith("Cover")]:
        style.element.getparent().remove(style.element)
    doc.save(str(reference))
    env = {**os.environ, "BROCHURE_TEMPLATES": str(tmp_path / "templates")}
    checked = subprocess.run([*BROCHURE, "check", "--format", "json", str(tmp_path / "ed")], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert "Traceback" not in checked.stdout + checked.stderr
    found = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == "W-DOCX-STYLE"]
    assert found and all("Cover" in f["message"] and f["location"]["file"].endswith("reference.docx") for f in found)
    built = subprocess.run([*BROCHURE, "build", str(tmp_path / "ed"), "--out", str(tmp_path / "out")], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert "Traceback" not in built.stdout + built.stderr and built.returncode == 0, built.stdout + built.stderr
    assert "W-DOCX-STYLE" in built.stdout + built.stderr
    assert (tmp_path / "out" / "ed.docx").is_file()


def test_the_reference_docx_command_names_an_unknown_type(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main
    done = CliRunner().invoke(main, ["type", "reference-docx", "kein-typ"])
    assert done.exit_code == 2 and "No brochure type 'kein-typ'" in done.output and "programmflyer" in done.output
    shutil.copytree(ROOT / "templates" / "programmflyer", tmp_path / "programmflyer")
    (tmp_path / "programmflyer" / "reference.docx").unlink()
    done = CliRunner().invoke(main, ["type", "reference-docx", str(tmp_path / "programmflyer")])
    assert done.exit_code == 0, done.output
    names = {s.name for s in open_docx(str(tmp_path / "programmflyer" / "reference.docx")).styles}
    assert {"Heading 1", "Cover Publisher", "Box Title"} <= names
