"""The `brochure` command: help, exit codes, summary line, and no half-written output."""

from __future__ import annotations

import copy
import struct
import zlib

from click.testing import CliRunner

from editions import TABLES, write_edition
from pipeline.cli import main
from pipeline.verify.read_back import read_docx, read_pdf


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_help_on_every_command():
    for args in ([], ["build"]):
        result = _run(*args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_build_writes_both_formats_and_prints_summary(tmp_path):
    ed = write_edition(tmp_path / "ed")
    result = _run("build", ed, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "ed.docx").is_file() and (tmp_path / "out" / "ed.pdf").is_file()
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Built ed:") and "pages" in last and "9 chapters" in last and "2 files written" in last
    assert last.endswith(" s")


def test_format_option_limits_outputs(tmp_path):
    ed = write_edition(tmp_path / "ed")
    assert _run("build", ed, "--out", tmp_path / "out", "--format", "docx").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["content.json", "ed.docx", "manifest.json"]


def test_bad_format_is_a_usage_error(tmp_path):
    result = _run("build", write_edition(tmp_path / "ed"), "--format", "odt")
    assert result.exit_code == 2 and "docx, pdf" in result.output


def test_failed_build_writes_nothing_and_keeps_previous_files(tmp_path):
    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    assert _run("build", ed, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    tables = copy.deepcopy(TABLES)
    tables["quotes"][0]["speaker"] = ""
    write_edition(ed, tables=tables)
    result = _run("build", ed, "--out", out)
    assert result.exit_code == 1
    assert "E-EMPTY-CELL data/quotes.csv, row 2, column 'speaker'" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_edition_folder_is_a_clear_error(tmp_path):
    result = _run("build", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "out").exists()


def _png(width: int, height: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"".join(bytes([(x * 3) % 256, (y * 3) % 256, 140]) for x in range(width))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_real_photo_is_embedded_with_alt_text_in_both_outputs(tmp_path):
    tables = copy.deepcopy(TABLES)
    tables["photos"][0].update(file="markt.png", credit="Stadt Kassel", alt_text="Stände auf dem Projektmarktplatz")
    ed = write_edition(tmp_path / "ed", tables=tables)
    (ed / "images").mkdir()
    (ed / "images" / "markt.png").write_bytes(_png(120, 80))
    result = _run("build", ed, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "W-PHOTO-PLACEHOLDER" not in result.output
    docx_bytes = (tmp_path / "out" / "ed.docx").read_bytes()
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
        assert 'descr="Stände auf dem Projektmarktplatz"' in z.read("word/document.xml").decode()
    assert "(Foto: Stadt Kassel)" in read_docx(docx_bytes).text
    pdf_bytes = (tmp_path / "out" / "ed.pdf").read_bytes()
    assert "Stände auf dem Projektmarktplatz" in _alt_texts(pdf_bytes)
    assert read_pdf(pdf_bytes).contains("Projektmarktplatz, August 2011 (Foto: Stadt Kassel)")


def _alt_texts(pdf_bytes: bytes) -> list[str]:
    """/Alt entries of the tagged PDF's structure tree (what a screen reader announces)."""
    import io
    from pypdf import PdfReader
    root = PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"]["/StructTreeRoot"]
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                stack.append(node["/K"])
    return found


def test_broken_image_file_is_a_clear_error_not_a_traceback(tmp_path):
    tables = copy.deepcopy(TABLES)
    tables["photos"][0].update(file="kaputt.png")
    ed = write_edition(tmp_path / "ed", tables=tables)
    (ed / "images").mkdir()
    (ed / "images" / "kaputt.png").write_bytes(b"this is not a picture")
    for fmt in ("docx", "pdf"):
        result = _run("build", ed, "--out", tmp_path / "out", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "E-BAD-IMAGE" in result.output and "kaputt.png" in result.output
    assert not (tmp_path / "out").exists()
