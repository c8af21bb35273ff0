"""Key figures read back as printed: each value on one line of the PDF's text.

The word-by-word search (text_index.py) finds „ca. 6 Mio.“ even when a reader gives it as
„ca.⏎6 Mio.“, since the words still come in order. A key figure is one short value printed on
one line, so here a value must be found whole within one line of some page."""

from __future__ import annotations

from pipeline.errors import Finding, Location, tool_fault
from pipeline.tree import Document, Figures, chapter_blocks
from pipeline.verify.read_back import PdfContent, canonical


def check_figure_lines(document: Document, pdf: PdfContent, name: str) -> list[Finding]:
    """A finding for each key-figure value no line of the PDF's text (PDFium) holds whole."""
    lines = {canonical(line) for page in pdf.raw_pages for line in page.split("\n")}
    joined = "\n".join(lines)
    findings = []
    for chapter in document.chapters:
        for block in chapter_blocks(chapter):
            if not isinstance(block, Figures):
                continue
            for figure in block.figures:
                value = canonical(figure.value)
                if value and "\n" not in figure.value and not any(value in line for line in lines) and _spread(value, joined):
                    findings.append(tool_fault(
                        "E-LOST-CONTENT", Location(file=name, chapter=chapter.id),
                        f"the key figure '{figure.value}' ({figure.label}) is read back on more than one line"))
    return findings


def _spread(value: str, text: str) -> bool:
    """VALUE's words are there, just not on one line (a missing value is the passages' finding)."""
    return all(word in text for word in value.split())
