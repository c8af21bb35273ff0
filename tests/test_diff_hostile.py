"""Issue 34, classes 5 and 10: `brochure diff` never overwrites what it reads, and its inputs
are bounded in time and memory with clear errors (long paragraphs, PDF deflate bombs, files
that are no DOCX or PDF, deeply nested JSON, text in a DOCX's altChunks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.diff.changes import COARSE_NOTE, TOKEN, word_diff
from pipeline.diff.file_checks import inflated, pdf_problem
from pipeline.diff.token_diff import PASSAGES, WORD_BUDGET, WORD_LIMIT, compared

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


def diff(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "diff", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # a guard, not a measurement


def make_docx(path: Path, *paragraphs: str) -> Path:
    d = docx.Document()
    d.add_heading("Kapitel", 1)
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(path)
    return path


def make_build(folder: Path, text: str, content: object = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    content = content if content is not None else {"document": {"chapters": [
        {"id": "c", "title": "C", "blocks": [{"type": "paragraph", "runs": [{"text": text}]}], "sections": []}],
        "meta": {}}, "records": {}}
    (folder / "content.json").write_text(json.dumps(content))
    (folder / "manifest.json").write_text(json.dumps({"outputs": []}))
    return folder


def assert_clear(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stdout + r.stderr


# -- class 5: an output that is an input ----------------------------------------------------------
@pytest.fixture()
def pair(tmp_path):
    a = make_docx(tmp_path / "a.docx", "Alter Text.")
    b = make_docx(tmp_path / "b.docx", "Neuer Text.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.docx").symlink_to(a)
    os.link(b, tmp_path / "hard.docx")
    return tmp_path


@pytest.mark.parametrize("option", ["--html", "--docx"])
@pytest.mark.parametrize("spelling", ["a.docx", "./a.docx", "sub/../a.docx", "{abs}/a.docx", "link.docx",
                                      "{abs}/link.docx", "hard.docx", "./b.docx", "{abs}/sub/../b.docx"])
def test_output_that_is_an_input_is_refused(pair, option, spelling):
    before = {p: p.read_bytes() for p in (pair / "a.docx", pair / "b.docx")}
    r = diff("a.docx", f"{pair}/b.docx", option, spelling.format(abs=pair), cwd=pair)
    assert_clear(r, "refused", option)
    assert {p: p.read_bytes() for p in before} == before
    assert (pair / "link.docx").is_symlink()


@pytest.mark.parametrize("spelling", ["old/content.json", "./old/manifest.json", "{abs}/new/x.html", "new/../old/content.json",
                                      "old/sub/deeper.html", "lnk/content.json"])
def test_output_inside_an_input_folder_is_refused(tmp_path, spelling):
    make_build(tmp_path / "old", "Alter Text.")
    make_build(tmp_path / "new", "Neuer Text.")
    (tmp_path / "lnk").symlink_to(tmp_path / "old")
    before = (tmp_path / "old" / "content.json").read_bytes()
    r = diff("old", "new", "--html", spelling.format(abs=tmp_path), cwd=tmp_path)
    assert_clear(r, "refused")
    assert (tmp_path / "old" / "content.json").read_bytes() == before
    assert not (tmp_path / "new" / "x.html").exists()


def test_two_outputs_on_one_file_are_refused_and_a_free_path_is_written(pair):
    r = diff("a.docx", "b.docx", "--html", "out.x", "--docx", "./out.x", cwd=pair)
    assert_clear(r, "same file")
    assert not (pair / "out.x").exists()
    r = diff("a.docx", "b.docx", "--html", "sub/report.html", "--docx", "red.docx", cwd=pair)
    assert r.returncode == 1, r.stderr
    assert "<html" in (pair / "sub" / "report.html").read_text() and (pair / "red.docx").stat().st_size > 0


# -- class 10: a long paragraph -------------------------------------------------------------------
def _words(n: int, vocabulary: int, seed: int) -> list[str]:
    import random
    rnd = random.Random(seed)
    return [f"w{rnd.randrange(vocabulary)}" for _ in range(n)]


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(n=st.sampled_from([3_000, 50_000, 200_000]), vocabulary=st.integers(1, 50), seed=st.integers(0, 99),
       edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["", "NEU", "NEU ALT"])), min_size=1, max_size=6))
def test_word_diff_of_a_long_paragraph_is_bounded_and_exact(n, vocabulary, seed, edits):
    old = _words(n, vocabulary, seed)
    new = list(old)
    for where, word in edits:
        at = min(int(where * len(new)), len(new) - 1)
        new[at:at + 1] = word.split()
    a, b = " ".join(old), " ".join(new)
    ops, differ = compared(TOKEN.findall(a), TOKEN.findall(b))
    # the work SequenceMatcher may do is bounded whatever the text: no quadratic step is left
    assert differ.spent <= WORD_BUDGET + WORD_LIMIT + (8 * PASSAGES) ** 2
    runs = word_diff(a, b)
    assert "".join(t for op, t in runs if op != "insert") == a
    assert "".join(t for op, t in runs if op != "delete") == b
    assert (a == b) == all(op == "equal" for op, _ in runs)


def test_a_short_paragraph_is_still_compared_word_by_word():
    runs = word_diff("Diese neue offene Form der Kooperation", "Diese offene Form der Zusammenarbeit")
    assert not runs.coarse
    assert ("insert", "Zusammenarbeit") in runs


@pytest.mark.parametrize("n", [50_000, 200_000])
def test_diff_of_a_huge_paragraph_finishes_with_a_note(tmp_path, n):
    words = _words(n, 9, 1)
    changed = ["Anfang", *words[: n // 2], "Mitte", *words[n // 2:], "Ende"]
    make_docx(tmp_path / "old.docx", " ".join(words))
    make_docx(tmp_path / "new.docx", " ".join(changed))
    r = diff(tmp_path / "old.docx", tmp_path / "new.docx", "--html", tmp_path / "r.html")
    assert r.returncode == 1, r.stderr
    assert COARSE_NOTE in r.stdout and "Mitte" in r.stdout


# -- class 10: a PDF that inflates to gigabytes ----------------------------------------------------
def bomb_pdf(copies: int, mb: int) -> bytes:
    """A one-page PDF whose content streams are COPIES × MB megabytes of zeros, deflated."""
    z = zlib.compressobj(9)
    packed = b"".join(z.compress(b"\0" * (1 << 20)) for _ in range(mb)) + z.flush()
    kids = b" ".join(b"%d 0 R" % (4 + k) for k in range(copies))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [" + kids + b"] >>"]
    objs += [b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"] * copies
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_a_deflate_bomb_pdf_is_refused(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(6, 100))  # 600 MB of zeros in under a megabyte
    assert bomb.stat().st_size < 1_000_000
    r = diff(bomb, bomb)
    assert_clear(r, "bomb.pdf", "inflate")
    folder = make_build(tmp_path / "old", "Text.")  # a build folder's own PDF is looked up: refused too
    (folder / "x.pdf").write_bytes(bomb.read_bytes())
    (folder / "manifest.json").write_text(json.dumps({"outputs": [{"path": "x.pdf", "pages": 1, "chapters": []}]}))
    assert_clear(diff(folder, make_build(tmp_path / "new", "Text.")), "x.pdf", "inflate")


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(copies=st.integers(1, 4), mb=st.integers(1, 3))
def test_inflated_size_is_counted_exactly_and_stops_at_the_limit(copies, mb):
    data = bomb_pdf(copies, mb)
    assert inflated(data, 10**12) == copies * mb << 20
    limit = (copies * mb << 20) - 1
    assert pdf_problem(data, limit) and pdf_problem(data, limit + 1) is None


# -- class 10: files that are no DOCX or PDF --------------------------------------------------------
def _docm(path: Path, good: Path) -> None:
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
            out.writestr(info, data)


def _zip(path: Path, good: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "x")


WRONG = {
    "docm.docx": (_docm, "macro-enabled"),
    "zip.docx": (_zip, "not a Word document"),
    "empty.docx": (lambda p, g: p.write_bytes(b""), "empty"),
    "text.docx": (lambda p, g: p.write_text("Hallo\n"), "text file"),
    "encrypted.docx": (lambda p, g: p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4096), "encrypted"),
    "empty.pdf": (lambda p, g: p.write_bytes(b""), "empty"),
    "text.pdf": (lambda p, g: p.write_text("Hallo\n"), "not a PDF"),
    "docx.pdf": (lambda p, g: p.write_bytes(g.read_bytes()), "zip package"),
    "half.pdf": (lambda p, g: p.write_bytes(b"%PDF-1.7\n1 0 obj\n<<"), "PDF"),
}


@pytest.mark.parametrize("name", sorted(WRONG))
@pytest.mark.parametrize("redline", [False, True])
def test_a_wrong_file_gets_a_clear_error(tmp_path, name, redline):
    good = make_docx(tmp_path / "good.docx", "Text.")
    make, words = WRONG[name]
    make(tmp_path / name, good)
    other = good if name.endswith(".docx") else tmp_path / name
    r = diff(other, tmp_path / name, *(["--docx", tmp_path / "r.docx"] if redline else []))
    assert_clear(r, name, words)
    assert not (tmp_path / "r.docx").exists()


# -- class 10: content.json nested too deep ---------------------------------------------------------
@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
@pytest.mark.parametrize("part", ["content.json", "manifest.json"])
def test_json_nested_too_deep_is_refused(tmp_path, depth, part):
    make_build(tmp_path / "old", "Text.")
    new = make_build(tmp_path / "new", "Text.")
    (new / part).write_text("[" * depth + "]" * depth)
    assert_clear(diff(tmp_path / "old", new), part, "nested")


def test_a_deep_but_allowed_content_json_is_read(tmp_path):
    box = {"type": "paragraph", "runs": [{"text": "Innen."}]}
    for _ in range(20):
        box = {"type": "box", "blocks": [box]}
    content = {"document": {"chapters": [{"id": "c", "title": "C", "blocks": [box], "sections": []}], "meta": {}},
               "records": {}}
    make_build(tmp_path / "old", "", content)
    make_build(tmp_path / "new", "", json.loads(json.dumps(content).replace("Innen.", "Außen.")))
    r = diff(tmp_path / "old", tmp_path / "new")
    assert r.returncode == 1 and "Außen" in r.stdout, r.stderr


# -- class 10: text in an altChunk ---------------------------------------------------------------------
def with_chunk(src: Path, dst: Path, chunk: bytes, name: str = "chunk.html", ctype: str = "text/html") -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", b'<w:altChunk r:id="rIdAlt1"/><w:sectPr', 1)
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdAlt1" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="'
                                    + name.encode() + b'"/></Relationships>')
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/' + name.encode()
                                    + b'" ContentType="' + ctype.encode() + b'"/></Types>')
            zout.writestr(info.filename, data)
        zout.writestr("word/" + name, chunk)
    return dst


def _html(day: str) -> bytes:
    return (f"<html><head><style>p {{color: red}}</style></head><body><div><p>Der Rat tagt am {day}.</p>"
            "<ul><li>Punkt <b>eins</b></li></ul></div></body></html>").encode()


def test_text_in_an_altchunk_is_compared(tmp_path):
    base = make_docx(tmp_path / "base.docx", "Davor.")
    old = with_chunk(base, tmp_path / "old.docx", _html("Montag"))
    new = with_chunk(base, tmp_path / "new.docx", _html("Dienstag"))
    r = diff(old, new)
    assert r.returncode == 1 and "Dienstag" in r.stdout and "Montag" in r.stdout, r.stdout + r.stderr
    assert diff(old, old).returncode == 0
    assert_clear(diff(old, new, "--docx", tmp_path / "r.docx"), "altChunk")
    assert not (tmp_path / "r.docx").exists()


def test_an_altchunk_the_diff_cannot_read_is_refused(tmp_path):
    base = make_docx(tmp_path / "base.docx", "Davor.")
    rtf = with_chunk(base, tmp_path / "rtf.docx", b"{\\rtf1 Hallo}", "chunk.rtf", "application/rtf")
    assert_clear(diff(base, rtf), "rtf.docx", "altChunk")


def test_a_docx_beside_a_deep_manifest_is_compared_on_its_own(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    old = make_docx(folder / "old.docx", "Alter Text.")
    new = make_docx(tmp_path / "new.docx", "Neuer Text.")
    for name in ("manifest.json", "content.json"):
        (folder / name).write_text("[" * 100_000 + "]" * 100_000)
    r = diff(old, new)
    assert r.returncode == 1 and "Neuer" in r.stdout and "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("raw, paragraphs", [
    ("<p>Grüße &amp; <b>Dank</b></p>".encode(), ["Grüße & Dank"]),  # UTF-8 without a declared charset
    ('<meta charset="windows-1252"><p>Grüße</p>'.encode("cp1252"), ["Grüße"]),
    (b"<table><tr><td>A</td><td>B <b>fett</b><p>C</p></td></tr></table><h2>Titel</h2>", ["A", "B fett", "C", "Titel"]),
    (b"<!-- nur ein Kommentar -->", []),
    (b"Nur Text", ["Nur Text"]),
    (b"<script>alert(1)</script><p>Sichtbar</p>", ["Sichtbar"]),
])
def test_html_of_an_altchunk_is_read_block_by_block(raw, paragraphs):
    from pipeline.diff.alt_chunks import html_paragraphs
    assert html_paragraphs(raw) == paragraphs
