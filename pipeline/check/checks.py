"""Input checks, in one pass over everything loaded: the spec's structure, rows, text and names.

Runs after assembling and before rendering. With allow_missing, each missing piece is filled
with a visible placeholder and reported as a warning instead of an error.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.check.names import check_cells, check_words, known_words
from pipeline.check.records import check_photos, check_records
from pipeline.check.structure import find_gaps
from pipeline.check.text import Source, check_text
from pipeline.load.edition import EDITION_FILE, TEMPLATE_FILE, Edition
from pipeline.check.references import check_references
from pipeline.errors import Finding, Location, Report
from pipeline.load.page import check_reference_page
from pipeline.load import type_folders
from pipeline.load.template_check import label_findings
from pipeline.check.chart_fit import check_chart_fit
from pipeline.load.records import Record
from pipeline.load.sheets import Table
from pipeline.tree import Document


def read_sources(edition: Edition, document: Document) -> list[Source]:
    """edition.yaml and every Markdown file the chapters use, each once, as the loaders read them."""
    def text(rel: str) -> str | None:
        data = edition.files.get(rel)
        if data is None and (edition.folder / rel).is_file():  # an edition assembled without the loader
            data = (edition.folder / rel).read_bytes()
        return data.decode("utf-8-sig") if data is not None else None
    sources = [Source(EDITION_FILE, None, text(EDITION_FILE) or "")]
    seen = set()
    for chapter in document.chapters:
        if chapter.source and chapter.source not in seen and (source := text(chapter.source)) is not None:
            seen.add(chapter.source)
            sources.append(Source(chapter.source, chapter.id, source))
    return sources


def _allowed(finding: Finding) -> Finding:
    return replace(finding, severity="warning", code="W-" + finding.code.removeprefix("E-"),
                   message=finding.message + " (placeholder printed: --allow-missing)")


def check_inputs(edition: Edition, tables: dict[str, Table], records: dict[str, list[Record]],
                 document: Document, report: Report, allow_missing: bool = False) -> None:
    spec = edition.template.spec
    report.extend(check_references(edition, records, document))
    contacts_at = tables["contacts"].where() if "contacts" in tables else Location(file="data/", sheet="contacts")
    for gap in find_gaps(edition, document, contacts_at):
        if allow_missing:
            gap.fill()
        if gap.finding:
            report.add(_allowed(gap.finding) if allow_missing else gap.finding)
    report.extend(check_records(records, spec, document.labels))
    report.extend(check_photos(records, spec, edition.folder))
    sources = read_sources(edition, document)
    report.extend(check_text(sources, records, spec))
    report.extend(check_cells(records))
    lines = [(Location(file=s.file, row=n, chapter=s.chapter), line) for s in sources for n, line in s.lines()]
    lines += [(rec.cells[col], value) for rows in records.values() for rec in rows
              for col, value in rec.values.items() if isinstance(value, str) and value]
    report.extend(check_words(lines, known_words(records, spec)))
    template = edition.template
    rows = {rec.id: rec.origin for rec in records.get("charts", [])}
    report.extend(check_chart_fit(document, template, rows))
    report.extend(check_reference_page(template.page, template.reference_docx))
    report.extend(label_findings(template.raw, template.typst, template.folder / TEMPLATE_FILE,
                                 type_folders.shown(template.folder / TEMPLATE_FILE)))
