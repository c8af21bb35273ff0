"""A section's text uploaded by a town: a Markdown file as it is, or a Word file (.docx) turned
into the project's Markdown, stored as the section's text file (vorwort.md, aufgabe.md …) in
the draft folder of a new version, where `brochure draft` reads it.

The Word file is read by the reader of the round trip (pipeline/absorb/edited.py: paragraphs
with their style, bold and italic spans, tracked changes accepted) and written with its
Markdown helpers (pipeline/absorb/mapping.py: markup characters escaped, so text prints as
typed). Headings become `##`…, list paragraphs `- `/`1. `, bold `**…**`, italic `*…*`;
tables, pictures and comments are left out (and counted, so the page can say so). Nothing in
the file is evaluated. `docx_markdown` runs in a process of its own (JobPool.run_once).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

MAX_TEXT = 1_000_000  # bytes of a section's text (the Markdown a .docx gives, or a .md as uploaded)
MAX_DOCX_UNPACKED = 50_000_000  # a text's .docx: refused before it is unpacked if it would unpack to more


def docx_markdown(path: str) -> dict:
    """The .docx at PATH as Markdown: {"markdown": …, "left_out": {"tables": n, "pictures": n}},
    or {"problem": form} when it is no Word document to read."""
    from pipeline.absorb.edited import check_bytes, read_docx
    from pipeline.absorb.mapping import md_inline, md_text
    from pipeline.errors import InputError
    data = Path(path).read_bytes()
    try:
        check_bytes(data, Path("text.docx"), MAX_DOCX_UNPACKED, 100)
        doc = read_docx(data, Path("text.docx"))
    except InputError as exc:
        return {"problem": exc.findings[0].args_dict.get("form", "not-docx")}
    blocks: list[tuple[str, str]] = []  # (kind, markdown): consecutive list items stay together
    pictures = 0
    for para in doc.paragraphs:
        pictures += len(para.pictures)
        if para.in_table:
            continue
        flat = replace(para, text=re.sub(r"[\t\r\v\f]", " ", para.text))  # same length: the spans still fit; \n is Shift+Enter
        text = flat.text.strip()
        if not text:
            continue
        style = para.style
        heading = re.fullmatch(r"(?:Heading|Überschrift) (\d)", style)
        if heading or style in ("Title", "Titel", "Subtitle", "Untertitel"):
            level = min(int(heading.group(1)) + 1, 6) if heading else 2
            blocks.append(("heading", "#" * level + " " + md_text(" ".join(text.split()))))
        elif style.startswith(("List Number", "Listennummer")):
            blocks.append(("number", "1. " + md_inline(flat)))
        elif style.startswith(("List", "Liste", "Aufzählungszeichen")):
            blocks.append(("bullet", "- " + md_inline(flat)))
        else:
            blocks.append(("text", md_inline(flat)))
    out: list[str] = []
    for i, (kind, md) in enumerate(blocks):
        if i and not (kind in ("bullet", "number") and blocks[i - 1][0] == kind):
            out.append("")
        out.append(md)
    return {"markdown": "\n".join(out) + "\n" if out else "", "left_out": {"tables": doc.tables, "pictures": pictures}}


def markdown_problem(data: bytes) -> str | None:
    """Why a .md upload cannot be a section's text, in German; None if it can."""
    if len(data) > MAX_TEXT:
        return f"Der Text ist zu lang: höchstens {MAX_TEXT // 1_000_000} MB."
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in data:
        return "Die Datei ist keine Textdatei (z. B. ein PDF oder ein Word-Dokument mit der Endung .md)."
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "Die Datei ist nicht in UTF-8 gespeichert. Speichern Sie sie im Editor mit der Kodierung UTF-8."
    return None


DOCX_PROBLEMS = {
    "word-97": "Die Datei ist ein altes Word-Dokument (.doc) oder mit einem Kennwort geschützt. Speichern Sie sie "
               "in Word ohne Kennwort als „Word-Dokument (*.docx)“.",
    "docx-too-large": "Die Word-Datei würde beim Entpacken viel zu groß. Speichern Sie den Text in Word neu als "
                      "„Word-Dokument (*.docx)“.",
    "docx-broken": "Die Word-Datei kann nicht gelesen werden. Speichern Sie sie in Word oder LibreOffice neu als "
                   "„Word-Dokument (*.docx)“.",
}
NOT_DOCX = "Die Datei ist kein Word-Dokument (.docx), obwohl ihr Name so endet."
