"""What kind of Office file a workbook really is, before openpyxl reads it.

Two kinds are misread otherwise: a password-protected workbook is no zip at all but an OLE
compound file holding an EncryptionInfo stream (openpyxl says "File is not a zip file"), and a
workbook saved as „Strict Open XML-Arbeitsmappe“ uses the ISO namespaces
(http://purl.oclc.org/ooxml/…), which openpyxl does not know, so it finds no sheets. The first
is refused with its reason; the second is read after its namespaces are mapped to the usual ones.
"""

from __future__ import annotations

import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# the directory of a compound file names its streams in UTF-16; an encrypted OOXML file has these
ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
STRICT = b"http://purl.oclc.org/ooxml/"
_T = "http://schemas.openxmlformats.org/"
# Strict → transitional (ISO/IEC 29500-4 and -1); the specific ones before their common prefix
NAMESPACES = (
    ("http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
     _T + "officeDocument/2006/relationships/extended-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
     _T + "officeDocument/2006/relationships/custom-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/relationships", _T + "officeDocument/2006/relationships"),
    ("http://purl.oclc.org/ooxml/officeDocument/extendedProperties", _T + "officeDocument/2006/extended-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/customProperties", _T + "officeDocument/2006/custom-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes", _T + "officeDocument/2006/docPropsVTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/sharedTypes", _T + "officeDocument/2006/sharedTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/math", _T + "officeDocument/2006/math"),
    ("http://purl.oclc.org/ooxml/spreadsheetml/main", _T + "spreadsheetml/2006/main"),
    ("http://purl.oclc.org/ooxml/drawingml/main", _T + "drawingml/2006/main"),
    ("http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing", _T + "drawingml/2006/spreadsheetDrawing"),
    ("http://purl.oclc.org/ooxml/drawingml/chart", _T + "drawingml/2006/chart"),
    ("http://purl.oclc.org/ooxml/drawingml/picture", _T + "drawingml/2006/picture"),
)


def ole_kind(head: bytes, data: bytes) -> str | None:
    """'encrypted' for a password-protected Office file, 'ole' for another compound file (an
    Excel 97–2003 .xls), None for anything else. HEAD: the file's first bytes; DATA: all of it."""
    if not head.startswith(OLE_MAGIC):
        return None
    return "encrypted" if any(name in data for name in ENCRYPTED_STREAMS) else "ole"


def is_strict(z: zipfile.ZipFile) -> bool:
    try:
        with z.open("xl/workbook.xml") as fh:
            return STRICT in fh.read(4096)
    except KeyError:
        return False


def transitional(data: bytes) -> bytes | None:
    """A Strict Open XML workbook rewritten with the usual namespaces (every XML part, the
    relationships included), or None if DATA is no strict workbook. The caller has checked the
    zip's unpacked size."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if not is_strict(z):
            return None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
            for info in z.infolist():
                part = z.read(info)
                if info.filename.endswith((".xml", ".rels")) and STRICT in part:
                    for strict, usual in NAMESPACES:
                        part = part.replace(strict.encode(), usual.encode())
                    part = part.replace(b' conformance="strict"', b"")
                w.writestr(info.filename, part)
    return out.getvalue()
