"""The small model every reader of an edition fills for `brochure diff` (edition_view.py from a
build folder or a DOCX, pdf_view.py from a PDF) and changes.py compares: chapters → sections →
paragraphs, records by id, pages per chapter; and the finding a reader raises on a file it
cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, Location, error


@dataclass
class SectionView:
    path: str  # "Ausgangslage" or "Ziele > Strukturelle Veränderungen"; "" for text before the first heading
    title: str
    paragraphs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # its footnotes' texts, in the order referenced
    pages: list[int] = field(default_factory=list)  # the PDF page of each paragraph, when read from a PDF
    note_pages: list[int] = field(default_factory=list)
    formats: list[tuple] = field(default_factory=list)  # bold and italic spans of each paragraph, when known
    level: int = 0  # the heading's level (2 for ##, 3 for ###), 0 when unknown


@dataclass
class ChapterView:
    id: str
    title: str
    sections: list[SectionView] = field(default_factory=list)
    pages: tuple[int, int] | None = None  # first and last page in the PDF
    running_head: str = ""  # the head printed above its pages, when known


@dataclass
class EditionView:
    name: str
    source: str  # "build", "docx" or "pdf"
    chapters: list[ChapterView]
    records: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # table → key → field → value
    record_order: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    pages: int | None = None
    docx: Path | None = None  # the DOCX to redline, when there is one
    pdf: Path | None = None  # a build folder's PDF
    revisions: int = 0  # tracked changes a DOCX holds already (read as if accepted)
    template: str = ""  # the brochure type (a build folder's), whose template.yaml names its tables' rows
    pictures: list = field(default_factory=list)  # PictureView (pictures.py), compared by their pixels
    unit: str = "paragraph"  # what a section's paragraphs are: "sentence" for a PDF read without its structure tree
    charts: list = field(default_factory=list)  # ChartView (charts.py), compared by their data


def input_error(path: Path, message: str, hint: str) -> InputError:
    return InputError(error("E-DIFF-INPUT", Location(file=str(path)), message, hint))
