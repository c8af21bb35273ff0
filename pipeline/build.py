"""One build: load → assemble → check → render → verify, then write all files atomically.

The renderers and readers are imported where they are used, so `brochure check` loads neither
Typst nor python-docx nor the PDF readers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.assemble import assemble
from pipeline.build_result import FORMATS, BuildResult  # noqa: F401 (re-exported)
from pipeline.check import check_inputs
from pipeline.errors import Finding, InputError, Location, Report, error
from pipeline.load import load_edition, read_tables, validate
from pipeline.load.edition import Edition
from pipeline.load.records import Record
from pipeline.render import Artwork
from pipeline.tree import Document
from pipeline.verify.read_back import PdfContent
from pipeline.write_outputs import new_file_mode, write_atomically, write_set  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from pipeline.verify.outputs import DocxRead


@dataclass
class Loaded:
    edition: Edition
    records: dict[str, list[Record]]
    document: Document
    report: Report


def collect(folder: Path, allow_missing: bool = False, while_checking=None) -> Loaded:
    """Inputs → content tree plus every finding of the input checks.

    Raises InputError only when the edition cannot be read at all (no edition.yaml, a file
    in an unreadable encoding); everything else is collected in the report. `while_checking`,
    if given, is called with the assembled Loaded before the input checks run (the preview
    starts typesetting there; the checks only read the tree unless allow_missing)."""
    report = Report()
    edition = load_edition(folder)
    tables = read_tables(edition.folder)
    records = validate(tables, report, edition.template.schemas)
    document = assemble(edition, records, report)
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


def write_built(out: Path, files: dict[Path, bytes]) -> None:
    """One build's files into `out`, all or nothing (see write_outputs)."""
    if all(p.parent == out for p in files):
        write_set(out, {p.name: data for p, data in files.items()})
    else:
        write_atomically(files)


@dataclass
class Rendered:
    docx: bytes | None
    pdf: bytes | None
    pdf_read: PdfContent | None  # the PDF read back with PDFium, for the output checks
    docx_read: DocxRead | None = None  # the DOCX read back and indexed, for the same


def render_both(doc: Document, ed: Edition, artwork: Artwork, formats: tuple[str, ...] = FORMATS,
                total_pages: int | None = None, multiple_of: int | None = None,
                toc_depth: int | None = None) -> Rendered:
    """DOCX and PDF side by side: Typst typesets in a thread of its own and PDFium then reads
    the PDF back there (both release the GIL) while python-docx writes the Word file and it is
    read back for the output checks. Each output's bytes are those of rendering it alone."""
    from pipeline.render import render_docx, render_pdf
    from pipeline.verify import read_pdf
    from pipeline.verify.outputs import read_docx_side

    def typeset() -> tuple[bytes, PdfContent]:
        pdf = render_pdf(doc, ed.template.typst, ed.folder, total_pages, multiple_of, artwork)
        return pdf, read_pdf(pdf)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="typst") if "pdf" in formats else None
    try:
        job = pool.submit(typeset) if pool else None
        docx = render_docx(doc, ed.template.reference_docx, ed.folder, artwork, toc_depth or ed.template.toc_depth,
                           ed.template.docx_cover) if "docx" in formats else None
        docx_read = read_docx_side(docx, doc.meta.language) if docx is not None else None
        pdf, read = job.result() if job else (None, None)
        return Rendered(docx, pdf, read, docx_read)
    finally:
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)


def build(folder: Path, out: Path, formats: tuple[str, ...] = FORMATS, allow_missing: bool = False) -> BuildResult:
    """Check the inputs (nothing is written if they have errors), render, write, then read the
    files back and check them against the inputs."""
    from pipeline.manifest import with_manifest
    from pipeline.verify import check_outputs
    start = time.perf_counter()
    loaded = load(Path(folder), allow_missing)
    ed = loaded.edition
    outputs: dict[Path, bytes] = {}
    pages = None
    artwork = Artwork.of(ed.folder, ed.template)
    done = render_both(loaded.document, ed, artwork, formats, ed.pages, ed.template.spec.multiple_of)
    if done.docx is not None:
        outputs[out / f"{ed.name}.docx"] = done.docx
    if done.pdf is not None:
        pages = done.pdf_read.pages
        outputs[out / f"{ed.name}.pdf"] = done.pdf
    write_built(out, with_manifest(ed.folder, ed.template.folder, loaded.document, loaded.records, outputs))
    output_errors = check_outputs(ed, loaded.records, loaded.document, done.docx, done.pdf, pdf_read=done.pdf_read,
                                  docx_read=done.docx_read)
    chapters = sum(1 for c in loaded.document.chapters if c.kind != "contents")
    return BuildResult(edition=ed.name, files=list(outputs), pages=pages, chapters=chapters,
                       seconds=time.perf_counter() - start, warnings=loaded.report.warnings,
                       output_errors=output_errors)


def check(folder: Path, out: Path | None = None) -> tuple[Loaded | None, list[Finding]]:
    """All input findings; with `out`, also the output checks of the files built there."""
    try:
        loaded = collect(Path(folder))
    except InputError as exc:
        return None, exc.findings
    findings = list(loaded.report.findings)
    if out is not None:
        from pipeline.verify import check_outputs
        ed = loaded.edition
        files, missing = read_built(out, ed.name, f"brochure build {folder}")
        findings += missing
        if any(files.values()):
            findings += read_back(out, f"brochure build {folder}",
                                  lambda: check_outputs(ed, loaded.records, loaded.document, files["docx"], files["pdf"]))
    return loaded, findings


def read_back(out: Path, command: str, run) -> list[Finding]:
    """The output checks of files found on disk; a damaged file is one finding, not a traceback."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 (a damaged file fails in pdfium, zipfile or lxml in many ways)
        return [error("E-UNREADABLE-OUTPUT", Location(file=str(out)),
                      f"the built files cannot be read back: {exc.__class__.__name__}: {str(exc)[:120]}",
                      f"they are damaged or incomplete: build again with '{command}'")]


def read_built(out: Path, stem: str, command: str) -> tuple[dict[str, bytes | None], list[Finding]]:
    """The built DOCX and PDF (None where absent) and a finding for each one missing."""
    files: dict[str, bytes | None] = {}
    missing = []
    for fmt in FORMATS:
        path = out / f"{stem}.{fmt}"
        files[fmt] = path.read_bytes() if path.is_file() else None
        if files[fmt] is None:
            missing.append(error("E-MISSING-OUTPUT", Location(file=str(path)), f"no built {fmt.upper()} found",
                                 f"run '{command}' first, or pass --out with the folder it wrote to"))
    return files, missing
