"""A built strategy draft edited as a person edits it in Word (python-docx), for the portal's
tests: words replaced, a comment, a table row added, the state of its sources changed."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from openpyxl import load_workbook


def with_property(docx: bytes, name: str, value: str) -> bytes:
    """The DOCX with its custom property NAME set to VALUE (a copy built from other sources)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "docProps/custom.xml":
                data = re.sub(rf'(name="{name}"><vt:lpwstr>)[^<]*', rf"\g<1>{value}", data.decode()).encode()
            target.writestr(info, data)
    return out.getvalue()


def paragraphs(doc):
    """Every paragraph of the body, table cells included."""
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def edit_draft(docx: bytes, changes: dict[str, str], comment: tuple[str, str] | None = None,
               new_measure: str | None = None) -> bytes:
    """The draft as a person edits it in Word (python-docx): in the first paragraph (table cells
    included) holding each key, the key replaced by its value; a comment (author, text) on the
    contact; a row added to the first table of measures."""
    doc = Document(io.BytesIO(docx))
    for old, new in changes.items():
        para = next(p for p in paragraphs(doc) if old in p.text)
        run = next((r for r in para.runs if old in r.text), None)
        if run is None:  # the words span several runs: the paragraph's text in its first run
            text = para.text
            for r in para.runs[1:]:
                r._r.getparent().remove(r._r)
            run = para.runs[0]
            run.text = text
        run.text = run.text.replace(old, new)
    if comment:
        para = next(p for p in doc.paragraphs if "E-Mail:" in p.text)
        doc.add_comment(para.runs[0], text=comment[1], author=comment[0], initials="PB")
    if new_measure:
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Maßnahme")
        table.add_row().cells[0].text = new_measure
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def cell(workbook: bytes, sheet: str, row: int, heading: str) -> str:
    """A cell of a workbook by its sheet, row and column heading (Stammdaten: the value beside
    the label in row ROW)."""
    ws = load_workbook(io.BytesIO(workbook))[sheet]
    headings = [c.value for c in ws[1]]
    if heading not in headings:  # Angabe | Wert
        return ws.cell(row=row, column=2).value
    return ws.cell(row=row, column=headings.index(heading) + 1).value


MEASURE = "Übersicht aller Sprachkurse und Sprachtreffs in Maintal erstellen und regelmäßig aktualisieren"
