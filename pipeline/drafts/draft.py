"""One municipality's strategy draft: its workbook loaded, assembled and checked into a `Source`,
which the runner (pipeline/runner.py) renders, writes and verifies, as it does an edition's.

A draft folder holds the workbook (and optional Markdown files); no edition.yaml. Empty
sections never stop a draft: they become placeholders and warnings. Errors in what *is* filled
in (a date that is not a date, a measure for a field of action that does not exist) do.
"""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.build_result import BuildResult
from pipeline.check.names import check_cells
from pipeline.check.text import Source as TextSource, check_text
from pipeline.drafts.assemble import assemble_draft
from pipeline.drafts.load import EXAMPLE_MARK, read_draft
from pipeline.drafts.workbook_layout import TEMPLATE, draft_template, is_draft  # noqa: F401 (re-exported)
from pipeline.errors import Finding, InputError, Report
from pipeline.runner import Source, check_built, run
from pipeline.sources import SourceMap
from pipeline.verify.outputs import Expected


def output_name(folder: Path) -> str:
    return f"{Path(folder).resolve().name}-entwurf"


def load_draft(folder: Path, template_name: str = TEMPLATE) -> Source:
    """Workbook → the runner's Source, with every input finding in its report. Raises
    InputError only when the workbook cannot be read at all."""
    folder = Path(folder)
    template, layout = draft_template(template_name)
    report = Report()
    records = read_draft(folder, layout, report, template.labels.get("example_mark", EXAMPLE_MARK))
    places = SourceMap()
    draft = assemble_draft(folder, layout, template.labels, template.name, records, report, template.page, places)
    doc = draft.document
    texts = [TextSource(c.source, c.id, draft.files[c.source].decode("utf-8-sig"))
             for c in doc.chapters if c.source in draft.files]
    report.extend(check_text(texts, records, template.spec))
    report.extend(check_cells(records))
    # the output checks find the typed text of the workbook and files; the mark ENTWURF is on every page
    expected = Expected(output_name(folder), draft.passages, source_file=layout.file,
                        furniture=frozenset({doc.labels.get("draft", "")}))
    return Source(kind="draft", name=folder.resolve().name, folder=folder, template=template, document=doc,
                  places=places, records=records, report=report, expected=expected,
                  command=f"brochure draft {folder}", files=draft.files,
                  toc_depth=max(template.toc_depth, doc.meta.toc_depth))


def build_draft(folder: Path, out: Path, template_name: str = TEMPLATE) -> BuildResult:
    """Check, render both files, write them together, read them back."""
    start = time.perf_counter()
    return run(load_draft(folder, template_name), Path(out), start=start)


def check_draft(folder: Path, out: Path | None = None) -> list[Finding]:
    """Input findings (placeholders included); with `out`, also the built files' checks."""
    try:
        source = load_draft(Path(folder))
    except InputError as exc:
        return exc.findings
    findings = list(source.report.findings)
    if out is not None:
        findings += check_built(source, Path(out))
    return findings
