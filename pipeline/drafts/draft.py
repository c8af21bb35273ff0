"""One municipality's strategy draft: load → assemble → check → render → verify, written atomically.

A draft folder holds the workbook (and optional Markdown files); no edition.yaml. Empty
sections never stop a draft: they become placeholders and warnings. Errors in what *is* filled
in (a date that is not a date, a measure for a field of action that does not exist) do.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.render.artwork import Artwork
from pipeline.drafts.assemble import Draft, assemble_draft
from pipeline.build import BuildResult, read_back, read_built, render_both, write_built
from pipeline.check.names import check_cells
from pipeline.check.text import Source, check_text
from pipeline.drafts.load import read_draft
from pipeline.load.edition import Edition, Template
from pipeline.errors import Finding, InputError, Report
from pipeline.load.records import Record
from pipeline.drafts.workbook_layout import TEMPLATE, Layout, draft_template, is_draft  # noqa: F401 (re-exported)


@dataclass
class LoadedDraft:
    edition: Edition
    layout: Layout
    records: dict[str, list[Record]]
    draft: Draft
    report: Report



def _edition(folder: Path, template: Template, layout: Layout, draft: Draft) -> Edition:
    """The few edition facts the output checks use (name, folder, title)."""
    meta = draft.document.meta
    return Edition(folder=folder, name=folder.resolve().name, template=template, title=meta.title,
                   subtitle=meta.subtitle, programme="", publisher=meta.publisher, author=meta.author,
                   date=dt.date.fromisoformat(meta.date), language=meta.language, cover_list="",
                   chapters=[], imprint=[], source_file=layout.file)


def collect_draft(folder: Path, template_name: str = TEMPLATE) -> LoadedDraft:
    """Workbook → content tree plus every input finding. Raises InputError only when the
    workbook cannot be read at all."""
    folder = Path(folder)
    template, layout = draft_template(template_name)
    report = Report()
    records = read_draft(folder, layout, report)
    draft = assemble_draft(folder, layout, template.labels, template.name, records, report, template.page)
    sources = [Source(c.source, c.id, (folder / c.source).read_text(encoding="utf-8-sig"))
               for c in draft.document.chapters if c.source]
    report.extend(check_text(sources, records, template.spec))
    report.extend(check_cells(records))
    return LoadedDraft(_edition(folder, template, layout, draft), layout, records, draft, report)


def output_name(folder: Path) -> str:
    return f"{Path(folder).resolve().name}-entwurf"


def build_draft(folder: Path, out: Path, template_name: str = TEMPLATE) -> BuildResult:
    """Check, render both files, write them together, read them back."""
    from pipeline.verify.outputs import check_outputs
    from pipeline.manifest import with_manifest
    start = time.perf_counter()
    loaded = collect_draft(folder, template_name)
    loaded.report.raise_if_errors()
    ed = loaded.edition
    doc = loaded.draft.document
    artwork = Artwork.of(ed.folder, ed.template)
    done = render_both(doc, ed, artwork, toc_depth=max(ed.template.toc_depth, doc.meta.toc_depth))
    docx, pdf = done.docx, done.pdf
    name = output_name(folder)
    files = {out / f"{name}.docx": docx, out / f"{name}.pdf": pdf}
    write_built(out, with_manifest(ed.folder, ed.template.folder, doc, loaded.records, files))
    output_errors = check_outputs(ed, {}, doc, docx, pdf, extra=loaded.draft.passages,
                                  furniture={doc.labels.get("draft", "")}, pdf_read=done.pdf_read,
                                  docx_read=done.docx_read)
    chapters = sum(1 for c in doc.chapters if c.kind != "contents")
    return BuildResult(edition=ed.name, files=list(files), pages=done.pdf_read.pages, chapters=chapters,
                       seconds=time.perf_counter() - start, warnings=loaded.report.warnings,
                       output_errors=output_errors)


def check_draft(folder: Path, out: Path | None = None) -> list[Finding]:
    """Input findings (placeholders included); with `out`, also the built files' checks."""
    try:
        loaded = collect_draft(Path(folder))
    except InputError as exc:
        return exc.findings
    findings = list(loaded.report.findings)
    if out is not None:
        files, missing = read_built(out, output_name(folder), f"brochure draft {folder}")
        findings += missing
        if any(files.values()):
            from pipeline.verify.outputs import check_outputs
            doc = loaded.draft.document
            findings += read_back(out, f"brochure draft {folder}", lambda: check_outputs(
                loaded.edition, {}, doc, files["docx"], files["pdf"], extra=loaded.draft.passages,
                furniture={doc.labels.get("draft", "")}))
    return findings
