"""Whether a file handed to `brochure diff` as .docx or .pdf is one it can read, told before a
reader fails on it in its own words (or runs out of memory): an empty file, a text file, a zip
that holds no Word document, a macro-enabled .docm, an encrypted Office file, a PDF whose
streams would inflate beyond what is read."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from pipeline.load.input_files import zip_too_large

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # a password-protected DOCX is an OLE file, as is a .doc
WORD_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
MAX_PDF = 500_000_000  # bytes of a PDF file read
MAX_PDF_INFLATED = 500_000_000  # bytes all its streams may inflate to together (a 40-page brochure: 10 MB)
MAX_JSON_DEPTH = 64  # content.json of a build nests about 10 deep; deeper is not ours (and Python's recursion ends)
STREAM = re.compile(rb"(?<!end)stream\r?\n")
CHUNK = 1 << 23  # inflated bytes held at once


def docx_problem(data: bytes, limit: int) -> str | None:
    """Why DATA is not a DOCX the diff can read, or None; a zip bomb (unpacking past LIMIT) too."""
    if not data:
        return "the file is empty"
    if data.startswith(OLE_MAGIC):
        return "it is an encrypted (password-protected) Word file or an old Word 97–2003 .doc"
    if not data.startswith(b"PK"):
        return "it is a text file, not a Word document" if _texty(data) else "it is not a Word document (not a zip package)"
    why = zip_too_large(data, limit)
    if why:
        return why
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError) as exc:
        return f"it is not a readable zip package ({exc})"
    if "word/document.xml" not in names or not types:
        return "it is a zip package but not a Word document (it holds no word/document.xml)"
    m = re.search(rb'PartName="/word/document\.xml"\s+ContentType="([^"]+)"', types) or \
        re.search(rb'ContentType="([^"]+)"\s+PartName="/word/document\.xml"', types)
    kind = m.group(1).decode("ascii", "replace") if m else ""
    if "macroEnabled" in kind:
        return "it is a macro-enabled Word document (.docm), not a .docx"
    if kind not in WORD_TYPES:
        return f"its main part is not a Word document (content type '{kind or 'none'}')"
    return None


def _texty(data: bytes) -> bool:
    head = data[:4096]
    return b"\0" not in head and sum(32 <= c < 127 or c in b"\r\n\t" for c in head) > 0.9 * len(head)


def pdf_problem(data: bytes, limit: int = MAX_PDF_INFLATED) -> str | None:
    """Why DATA is not a PDF the diff may open, or None: not a PDF, or compressed streams that
    inflate beyond LIMIT (a few MB can hold gigabytes of zeros; PDFium would unpack them all)."""
    if not data:
        return "the file is empty"
    if b"%PDF-" not in data[:1024]:
        if data.startswith(b"PK"):
            return "it is not a PDF but a zip package (a DOCX?)"
        return "it is not a PDF (no %PDF- header)" + (", it is text" if _texty(data) else "")
    total = inflated(data, limit)
    if total > limit:
        return f"its compressed streams inflate to more than {limit / 1e6:.0f} MB (a decompression bomb?)"
    return None


def inflated(data: bytes, limit: int) -> int:
    """How many bytes the zlib streams of DATA inflate to, counted without keeping them, and
    counting stops past LIMIT. A stream that is not zlib data (a JPEG, an image the PDF holds
    raw) counts its size as it is."""
    total, at = 0, 0
    while total <= limit:
        m = STREAM.search(data, at)
        if m is None:
            break
        end = data.find(b"endstream", m.end())
        end = len(data) if end < 0 else end
        total += _inflate(data[m.end():end], limit - total)
        at = end + len(b"endstream")
    return total


def _inflate(raw: bytes, room: int) -> int:
    z = zlib.decompressobj()
    total, rest = 0, raw
    try:
        while rest and total <= room:
            out = z.decompress(rest, CHUNK)
            total += len(out)
            rest = z.unconsumed_tail
            if not out and not rest:
                break
            if z.eof:
                break
    except Exception:  # not zlib (or broken): the readers fail or skip it on their own
        return len(raw) if not total else total
    return total


def json_depth(value) -> int:
    """How deep VALUE nests (a list or object in a list is 2), walked without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                todo += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest
