"""One runner for editions and drafts: a loaded source → render → write → verify.

The two fronts differ only in how they load (build.load_source for an edition folder,
drafts.draft.load_draft for a municipality's workbook); each hands over a `Source`: the content
tree, where each of its parts came from (`places`), the records, the findings so far and what
the built files must hold. From there one path runs for both: every renderer of `RENDERERS`
makes its file and reads it back, the files are written together with content.json and
manifest.json, and the output checks hold them against the source.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build_result import FORMATS, BuildResult
from pipeline.errors import Finding, Location, Report, error
from pipeline.sources import SourceMap, input_files
from pipeline.tree import Document

if TYPE_CHECKING:
    from pipeline.load.edition import Template
    from pipeline.load.records import Record
    from pipeline.render.artwork import Artwork
    from pipeline.verify.outputs import Expected


@dataclass
class Source:
    """What a loader hands the runner: an edition or a draft, read once and assembled."""

    kind: str  # "edition" | "draft"
    name: str  # as the result names it: the edition's or the town's folder
    folder: Path
    template: Template
    document: Document
    places: SourceMap  # tree node → the file and line, cell or YAML key it came from
    records: dict[str, list[Record]]
    report: Report  # the input findings
    expected: Expected  # what the built files must hold (their name, the passages of the inputs, pages)
    command: str  # how a user builds it again: 'brochure build FOLDER'
    files: dict[str, bytes] = field(default_factory=dict)  # the text inputs as read (for the manifest)
    toc_depth: int = 0  # heading levels the Word contents lists

    @property
    def stem(self) -> str:
        return self.expected.stem

    @functools.cached_property
    def state(self) -> str:
        """Which state of the sources this is: a hash of every input file (name and bytes). The
        DOCX carries it (custom property SOURCES_PROPERTY), so the round trip can tell a copy
        built from older sources. Hashed once per Source."""
        return source_state(self.folder)


SOURCES_PROPERTY = "brochure-sources"


def source_state(folder: Path) -> str:
    import hashlib
    h = hashlib.sha256(b"brochure-sources-1")
    for rel, path in input_files(folder):
        with open(path, "rb") as fh:
            h.update(rel.encode() + b"\0" + hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Job:
    """What every renderer gets besides the tree."""

    template: Template
    folder: Path  # the source folder (pictures are found below it)
    artwork: Artwork
    toc_depth: int
    pages: int | None = None  # the exact page count to pad the PDF to
    multiple_of: int | None = None
    custom: dict = field(default_factory=dict)  # custom document properties of the DOCX
    missing_styles: list = field(default_factory=list)  # filled by the DOCX writer: styles reference.docx lacks


@dataclass(frozen=True)
class Renderer:
    """One output format: how to make it from the tree, and how the output checks read it back."""

    render: Callable[[Document, Job], bytes]
    read: Callable[[bytes, Document], object]
    in_thread: bool  # the renderer releases the GIL (Typst): it runs beside the others


def _docx(doc: Document, job: Job) -> bytes:
    from pipeline.render import render_docx
    return render_docx(doc, job.template.reference_docx, job.folder, job.artwork, job.toc_depth, job.template.docx_cover,
                       job.custom, job.missing_styles)


def _pdf(doc: Document, job: Job) -> bytes:
    from pipeline.render import render_pdf
    return render_pdf(doc, job.template.typst, job.folder, job.pages, job.multiple_of, job.artwork)


def _read_docx(data: bytes, doc: Document):
    from pipeline.verify.outputs import read_docx_side
    return read_docx_side(data, doc.meta.language)


def _read_pdf(data: bytes, doc: Document):
    from pipeline.verify import read_pdf
    return read_pdf(data)


# Format → renderer, in the order the files are listed; the runner walks the table. A new format
# is an entry here, in build_result.FORMATS, and the checks of its file in verify/outputs.py.
RENDERERS: dict[str, Renderer] = {
    "docx": Renderer(_docx, _read_docx, in_thread=False),
    "pdf": Renderer(_pdf, _read_pdf, in_thread=True),
}
assert tuple(RENDERERS) == FORMATS


@dataclass
class Rendered:
    files: dict[str, bytes]  # format → bytes
    reads: dict[str, object]  # format → the file read back for the output checks


def render_all(doc: Document, job: Job, formats: tuple[str, ...] = FORMATS) -> Rendered:
    """Every asked-for format made and read back. A renderer that releases the GIL runs in a
    thread of its own while the others work in this one; each file's bytes are those of
    rendering it alone."""
    chosen = {fmt: RENDERERS[fmt] for fmt in RENDERERS if fmt in formats}

    def make(fmt: str) -> tuple[bytes, object]:
        data = chosen[fmt].render(doc, job)
        return data, chosen[fmt].read(data, doc)
    threaded = [fmt for fmt, r in chosen.items() if r.in_thread]
    pool = ThreadPoolExecutor(max_workers=len(threaded), thread_name_prefix="render") if threaded else None
    try:
        futures = {fmt: pool.submit(make, fmt) for fmt in threaded} if pool else {}
        done = {fmt: make(fmt) for fmt in chosen if fmt not in futures}
        done |= {fmt: f.result() for fmt, f in futures.items()}
    except BaseException:
        if pool:  # Ctrl+C or a failure: do not wait for a Typst compile nobody will use
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if pool:
        pool.shutdown(wait=True)
    ordered = [fmt for fmt in chosen]
    return Rendered({fmt: done[fmt][0] for fmt in ordered}, {fmt: done[fmt][1] for fmt in ordered})


def job_for(source: Source, pages: int | None = None, multiple_of: int | None = None) -> Job:
    from pipeline.render import Artwork
    return Job(source.template, source.folder, Artwork.of(source.folder, source.template), source.toc_depth,
               pages, multiple_of, {SOURCES_PROPERTY: source.state})


def style_warnings(source: Source, job: Job) -> list:
    from pipeline.render.docx import style_findings
    return style_findings(job.missing_styles, source.template.reference_docx, source.template.name)


def run(source: Source, out: Path, formats: tuple[str, ...] = FORMATS, start: float | None = None) -> BuildResult:
    """Render, write all files at once (nothing if anything fails), read them back and check them.
    Raises InputError if the source has errors: nothing is written then."""
    from pipeline.manifest import with_manifest
    from pipeline.verify.outputs import check_outputs
    from pipeline.write_outputs import write_built
    start = time.perf_counter() if start is None else start
    source.report.raise_if_errors()
    expected = source.expected
    job = job_for(source, expected.pages, expected.multiple_of)
    made = render_all(source.document, job, formats)
    outputs = {out / f"{source.stem}.{fmt}": data for fmt, data in made.files.items()}
    write_built(out, with_manifest(source.folder, source.template.folder, source.document, source.records, outputs,
                                   source.files, source.template.typst))
    from pipeline.source_history import keep
    keep(source.folder, source.state)  # the round trip merges a copy of this build three ways
    output_errors = check_outputs(expected, source.document, made.files.get("docx"), made.files.get("pdf"),
                                  pdf_read=made.reads.get("pdf"), docx_read=made.reads.get("docx"))
    pdf = made.reads.get("pdf")
    from pipeline.verify.page_fill import sparse_chapter_ends
    notes = sparse_chapter_ends(made.files["pdf"], source.document) if "pdf" in made.files else []
    chapters = sum(1 for c in source.document.chapters if c.kind != "contents")
    return BuildResult(edition=source.name, files=list(outputs), pages=pdf.pages if pdf is not None else None, chapters=chapters,
                       seconds=time.perf_counter() - start, warnings=source.report.warnings + style_warnings(source, job),
                       output_errors=output_errors, layout_notes=notes)


def check_built(source: Source, out: Path) -> list[Finding]:
    """The output checks of the files built into OUT earlier, and a finding for each one missing;
    a damaged file is one finding, not a traceback."""
    from pipeline.verify.outputs import check_outputs
    files: dict[str, bytes | None] = {}
    findings = []
    for fmt in FORMATS:
        path = out / f"{source.stem}.{fmt}"
        files[fmt] = path.read_bytes() if path.is_file() else None
        if files[fmt] is None:
            findings.append(error("E-MISSING-OUTPUT", Location(file=str(path)), f"no built {fmt.upper()} found",
                                  f"run '{source.command}' first, or pass --out with the folder it wrote to"))
    if not any(files.values()):
        return findings
    try:
        return findings + check_outputs(source.expected, source.document, files["docx"], files["pdf"])
    except Exception as exc:  # noqa: BLE001 (a damaged file fails in pdfium, zipfile or lxml in many ways)
        return findings + [error("E-UNREADABLE-OUTPUT", Location(file=str(out)),
                                 f"the built files cannot be read back: {exc.__class__.__name__}: {str(exc)[:120]}",
                                 f"they are damaged or incomplete: build again with '{source.command}'")]
