"""An edition's front: its folder loaded, assembled and checked into a `Source`, which the runner
(runner.py) renders, writes and verifies, as it does a draft's.

The renderers and readers are imported where they are used, so `brochure check` loads neither
Typst nor python-docx nor the PDF readers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.assemble import assemble
from pipeline.build_result import FORMATS, BuildResult  # noqa: F401 (re-exported)
from pipeline.check import check_inputs
from pipeline.errors import Finding, InputError, Report
from pipeline.load import load_edition, read_tables, validate
from pipeline.load.edition import Edition
from pipeline.load.records import Record
from pipeline.runner import Source, check_built, run
from pipeline.sources import SourceMap
from pipeline.tree import Document
from pipeline.write_outputs import new_file_mode, write_atomically, write_built, write_set  # noqa: F401 (re-exported)


@dataclass
class Loaded:
    edition: Edition
    records: dict[str, list[Record]]
    document: Document
    report: Report


def collect(folder: Path, allow_missing: bool = False, while_checking=None, places: SourceMap | None = None) -> Loaded:
    """Inputs → content tree plus every finding of the input checks.

    Raises InputError only when the edition cannot be read at all (no edition.yaml, a file
    in an unreadable encoding); everything else is collected in the report. `while_checking`,
    if given, is called with the assembled Loaded before the input checks run (the preview
    starts typesetting there; the checks only read the tree unless allow_missing). With PLACES,
    where each part of the tree came from is noted there."""
    report = Report()
    edition = load_edition(folder)
    tables = read_tables(edition.folder)
    records = validate(tables, report, edition.template.schemas)
    document = assemble(edition, records, report, places)
    loaded = Loaded(edition, records, document, report)
    if while_checking is not None:
        while_checking(loaded)
    check_inputs(edition, tables, records, document, report, allow_missing)
    return loaded


def load(folder: Path, allow_missing: bool = False) -> Loaded:
    """Inputs → checked content tree. Raises InputError listing every error found."""
    loaded = collect(folder, allow_missing)
    loaded.report.raise_if_errors()
    return loaded


def load_source(folder: Path, allow_missing: bool = False) -> Source:
    """An edition folder as the runner takes it: the checked content tree, where each of its
    parts came from, and what the built files must hold. Input findings are in its report."""
    from pipeline.verify.outputs import expected_of
    places = SourceMap()
    loaded = collect(Path(folder), allow_missing, places=places)
    ed = loaded.edition
    return Source(kind="edition", name=ed.name, folder=ed.folder, template=ed.template, document=loaded.document,
                  places=places, records=loaded.records, report=loaded.report,
                  expected=expected_of(ed, loaded.records, loaded.document), command=f"brochure build {folder}",
                  files=ed.files, toc_depth=ed.template.toc_depth)


def build(folder: Path, out: Path, formats: tuple[str, ...] = FORMATS, allow_missing: bool = False) -> BuildResult:
    """Check the inputs (nothing is written if they have errors), render, write, then read the
    files back and check them against the inputs."""
    start = time.perf_counter()
    return run(load_source(folder, allow_missing), Path(out), formats, start)


def check(folder: Path, out: Path | None = None) -> tuple[Source | None, list[Finding]]:
    """All input findings; with `out`, also the output checks of the files built there."""
    try:
        source = load_source(Path(folder))
    except InputError as exc:
        return None, exc.findings
    findings = list(source.report.findings) + docx_styles(source)
    if out is not None:
        findings += check_built(source, Path(out))
    return source, findings


def docx_styles(source: Source) -> list:
    """What `build` would find writing the Word file: the styles its writer needs that the
    type's reference.docx lacks (the writer itself says which: it is run, its bytes dropped)."""
    if source.report.errors:
        return []
    from pipeline.runner import _docx, style_warnings, job_for
    job = job_for(source)
    _docx(source.document, job)
    return style_warnings(source, job)
