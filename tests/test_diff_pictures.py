"""Pictures compared by their content (issue 31, items 1 and 8): a photo replaced by another
image under the same file name, and a changed alt text, in every mode that can see them, and
tracked in the redline so that rejecting all changes gives the old picture and accepting all
the new one."""

from __future__ import annotations

import copy
import subprocess
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from editions import TABLES, write_edition
from pipeline.build import build
from pipeline.diff.changes import compare
from pipeline.diff.edition_view import read_pair
from pipeline.diff.pictures import pixel_digest
from pipeline.diff.report import terminal, to_html
from pipeline.diff.word_redline import redline
from tracked_changes import W, apply, paragraphs
import office

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
ALT = "Menschen an Ständen"
CAPTION = TABLES["photos"][0]["caption"]


def _edition(root, name: str, colour: tuple, alt: str = ALT):
    tables = copy.deepcopy(TABLES)
    tables["photos"][0].update(file="markt.png", alt_text=alt)
    folder = write_edition(root / name / "edition", tables=tables)
    (folder / "images").mkdir(exist_ok=True)
    Image.new("RGB", (1600, 1200), colour).save(folder / "images" / "markt.png")
    build(folder, root / name / "out")
    return root / name / "out"


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictures")
    return {"old": _edition(root, "old", (200, 30, 30)), "photo": _edition(root, "photo", (30, 30, 200)),
            "alt": _edition(root, "alt", (200, 30, 30), "Menschen an Marktständen"),
            "same": _edition(root, "same", (200, 30, 30))}


def _compare(editions, new: str, mode: str):
    old, other = editions["old"], editions[new]
    if mode != "build":
        old, other = old / f"edition.{mode}", other / f"edition.{mode}"
    return compare(*read_pair(old, other))


MODES = ["build", "docx", "pdf"]


@pytest.mark.parametrize("mode", MODES)
def test_a_photo_replaced_under_the_same_file_name_is_reported(editions, mode):
    result = _compare(editions, "photo", mode)
    assert [(c.kind, c.item) for c in result.changes] == [("replaced", "picture")]
    change = result.changes[0]
    assert change.what.startswith("photo replaced: ")
    assert "Stadt Kassel" in change.where
    if mode != "pdf":  # a PDF's picture is named by its page: the caption is not tied to it
        assert CAPTION in change.what
    if mode != "docx":  # a DOCX has no pages
        assert change.page == 5
    assert "photo replaced" in terminal(result) and (mode == "docx" or "page 5" in terminal(result))
    assert "Foto ersetzt" in to_html(result)


@pytest.mark.parametrize("mode", MODES)
def test_a_changed_alt_text_is_reported(editions, mode):
    result = _compare(editions, "alt", mode)
    assert len(result.changes) == 1
    change = result.changes[0]
    assert (change.item, change.name, change.old, change.new) == ("field", "alt_text", ALT, "Menschen an Marktständen")
    assert "Alternativtext" in to_html(result) or mode == "build"


@pytest.mark.parametrize("mode", MODES)
def test_identical_builds_give_no_reports(editions, mode):
    assert _compare(editions, "same", mode).changes == []


def test_the_same_pixels_in_another_file_are_no_change(editions, tmp_path):
    """A re-saved image (other bytes, the same pixels) is no replaced photo."""
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(png, "PNG")
    tiff = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(tiff, "TIFF")
    assert png.getvalue() != tiff.getvalue() and pixel_digest(png.getvalue()) == pixel_digest(tiff.getvalue())


def _pictures(docx: bytes, body) -> list[tuple[str, bytes]]:
    """(alt text, image bytes) of each picture left in BODY, looked up in DOCX's package."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = []
        for drawing in body.iter(f"{W}drawing"):
            blip = next(drawing.iter(f"{A}blip"))
            out.append((next(drawing.iter(f"{WP}docPr")).get("descr"),
                        z.read("word/" + targets[blip.get(f"{R}embed")].lstrip("/").removeprefix("word/"))))
    return out


def _body(docx: bytes):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read("word/document.xml"))


@pytest.mark.parametrize("new", ["photo", "alt"])
@pytest.mark.parametrize("accept", [True, False], ids=["accept-all", "reject-all"])
def test_redline_tracks_a_replaced_picture_and_its_alt_text(editions, new, accept):
    old_docx = (editions["old"] / "edition.docx").read_bytes()
    new_docx = (editions[new] / "edition.docx").read_bytes()
    red = redline(old_docx, new_docx)
    body = _body(red)
    deleted = [d for d in body.iter(f"{W}del") if next(d.iter(f"{W}drawing"), None) is not None]
    inserted = [i for i in body.iter(f"{W}ins") if next(i.iter(f"{W}drawing"), None) is not None]
    assert len(deleted) == len(inserted) == 1
    got = apply(body, accept)
    want = new_docx if accept else old_docx
    assert _pictures(red, got) == _pictures(want, _body(want))  # the alt text and the image's very bytes
    assert paragraphs(got) == paragraphs(_body(want))


def test_redline_with_a_replaced_picture_validates(editions, tmp_path):
    openxml = pytest.importorskip("openxml_audit", reason="openxml-audit is in the test extra (pip install -e '.[test]')")
    red = tmp_path / "red.docx"
    red.write_bytes(redline(*((editions[k] / "edition.docx").read_bytes() for k in ("old", "photo"))))
    assert [str(e) for e in openxml.OpenXmlValidator(max_errors=0).validate(red).errors] == []


def test_redline_of_identical_pictures_tracks_nothing(editions):
    old_docx = (editions["old"] / "edition.docx").read_bytes()
    body = _body(redline(old_docx, (editions["same"] / "edition.docx").read_bytes()))
    assert next(body.iter(f"{W}ins", f"{W}del"), None) is None


@pytest.mark.parametrize("new", ["photo", "alt"])
def test_libreoffice_accepts_to_the_new_picture_and_rejects_to_the_old(editions, new, tmp_path):
    """LibreOffice's own „Alle annehmen / ablehnen“ on the redline, against both editions after
    the same round trip: the pictures' pixels and alt texts, and the text."""
    if office.uno_missing():
        pytest.skip(office.uno_missing())
    old, other = editions["old"] / "edition.docx", editions[new] / "edition.docx"
    red = tmp_path / "red.docx"
    red.write_bytes(redline(old.read_bytes(), other.read_bytes()))
    jobs = [f"accept,{red},{tmp_path}/accepted.docx", f"reject,{red},{tmp_path}/rejected.docx",
            f"keep,{other},{tmp_path}/new.docx", f"keep,{old},{tmp_path}/old.docx"]
    run = subprocess.run([str(office.DEBIAN_PYTHON), str(Path(__file__).parent / "lo_track_changes.py"),
                          str(office.PROFILE), *jobs], capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr

    def read(name: str):
        data = (tmp_path / name).read_bytes()
        body = _body(data)
        return [(alt, pixel_digest(img)) for alt, img in _pictures(data, body)], [p for p in paragraphs(body) if p]
    assert read("accepted.docx") == read("new.docx")
    assert read("rejected.docx") == read("old.docx")
    assert read("new.docx")[0] != read("old.docx")[0] and read("new.docx")[0]


def test_pictures_of_a_removed_and_an_added_chapter_are_not_replaced_photos():
    from pipeline.diff.pictures import PictureView, _pairs
    old = [PictureView("#1", "", "", "a", "Treff"), PictureView("#2", "", "", "b", "Kassel")]
    new = [PictureView("#1", "", "", "c", "Sprachbrücke"), PictureView("#2", "", "", "d", "Kassel")]
    assert [(o.digest, n.digest) for o, n in _pairs(old, new)] == [("b", "d")]
