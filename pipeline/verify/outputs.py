"""Output checks: read the built DOCX and PDF back and hold them against the inputs.

Every heading is there (DOCX headings, PDF bookmarks), the printed table of contents names the
pages where chapters really start, page budgets and the page count hold, and every passage of
the inputs (paragraph, quote, contact, caption, figure, imprint line) can be found in both files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from pipeline.verify.accessibility import docx_problems, pdf_problems
from pipeline.verify.addresses import pdf_address_problems
from pipeline.verify.page_geometry import docx_page_problems, pdf_page_problems
from pipeline.verify.figure_lines import check_figure_lines
from pipeline.render.pdf_pages import page_limit_finding
from pipeline.load import cell_lists, type_folders
from pipeline.load.edition import EDITION_FILE, Edition
from pipeline.errors import Finding, Location, error, tool_fault
from pipeline.load.markdown import text_passages
from pipeline.load.records import Record
from pipeline.verify.text_index import TextIndex, words
from pipeline.tree import (
    Bibliography,
    Cards,
    Chapter,
    DataTable,
    Document,
    Figures,
    Profile,
    chapter_blocks,
    plain,
    walk_sections,
)
from pipeline.verify.read_back import (
    DocxContent,
    PdfContent,
    canonical,
    chapter_spans,
    clean_pdf_text,
    read_docx,
    read_pdf,
)


@dataclass
class Passage:
    what: str  # "quote 'q-kassel'", "paragraph", …
    text: str
    where: Location


@dataclass
class Expected:
    """What the built files must hold beyond the content tree, as the loader knows it: an
    edition (expected_of) or a draft (its assembler's passages) alike."""
    stem: str  # the files' name without suffix
    passages: list[Passage]  # every typed passage of the inputs a reader must find in both files
    source_file: str = EDITION_FILE  # where findings about generated content point (a draft: its workbook)
    pages: int | None = None  # the exact page count the edition requires
    multiple_of: int | None = None  # the binding's page multiple
    furniture: frozenset[str] = frozenset()  # lines on every PDF page (the draft's ENTWURF mark)


def expected_of(edition: Edition, records: dict[str, list[Record]], document: Document) -> Expected:
    """An edition's expectations, from the inputs as its loaders read them (edition.files)."""
    texts = {rel: data.decode("utf-8-sig") for rel, data in edition.files.items()}
    return Expected(edition.name, passages(edition, records, document, texts), edition.source_file, edition.pages,
                    edition.template.spec.multiple_of)


def _key(title: str) -> str:
    return canonical(title).casefold()


def passages(edition: Edition, records: dict[str, list[Record]], document: Document,
             texts: dict[str, str] | None = None) -> list[Passage]:
    """Everything from the inputs that a reader must find in the brochure. The Markdown files are
    taken from TEXTS when the loader hands them on (read once per build), else read here."""
    out: list[Passage] = []
    for table, fields in (("quotes", ("text", "speaker", "role")), ("contacts", ("name", "organisation", "phone", "email")),
                          ("links", ("url",)), ("photos", ("caption",))):
        for rec in records.get(table, []):
            for f in fields:
                if str(rec[f]).strip():
                    out.append(Passage(f"{table[:-1]} '{rec.id or rec.row}' ({f})", str(rec[f]), rec.cells[f]))
    seen = set()
    for chapter in document.chapters:
        if not chapter.source or chapter.source in seen:
            continue
        if texts is not None and chapter.source in texts:
            source = texts[chapter.source]
        elif (edition.folder / chapter.source).is_file():
            source = (edition.folder / chapter.source).read_text(encoding="utf-8-sig")
        else:
            continue
        seen.add(chapter.source)
        for line, pieces in text_passages(source):
            for piece in pieces:
                out.append(Passage("paragraph", piece, Location(file=chapter.source, row=line, chapter=chapter.id)))
    out += _generated(document, edition.source_file)
    for n, item in enumerate(edition.imprint, start=1):
        for text in [*(item.get("lines") or []), item.get("text") or ""]:
            if str(text).strip():
                out.append(Passage("imprint line", str(text), Location(file=EDITION_FILE, column=f"imprint[{n}]")))
    return out


def _generated(document: Document, origin: str) -> list[Passage]:
    """Text the engine built from table rows (overview cards, profile headers, tables from a
    sheet, key figures, bibliography entries): it must reach the files as much as typed text. Markdown
    tables are typed text, found with their line numbers by `text_passages`."""
    out: list[Passage] = []
    for chapter in document.chapters:
        where = Location(file=chapter.source or origin, chapter=chapter.id)
        for b in chapter_blocks(chapter):
            texts: list[str] = []
            if isinstance(b, Cards):
                texts = [t for c in b.cards for t in (c.title, *(f.value for f in c.fields))]
            elif isinstance(b, Profile):
                texts = [f.value for f in b.fields]
            elif isinstance(b, Figures):
                texts = [t for f in b.figures for t in (f.label, f.value, f.note)] + [b.source]
            elif isinstance(b, Bibliography):
                texts = [plain(e.runs) for e in b.entries]
            elif isinstance(b, DataTable) and b.table:
                # a cell's list lines without their marker: Word shows them as a real list
                texts = ["\n".join(line.text for line in cell_lists.lines(plain(cell)))
                         for row in [b.header, *b.rows] for cell in row]
            out += [Passage(f"{b.type} entry", line, where) for t in texts for line in t.split("\n") if line.strip()]
    return out


def pdf_flow(pdf: PdfContent, running_heads: set[str], furniture: set[str] = frozenset()) -> str:
    """The PDF's text without running heads, page numbers and furniture printed on every page
    (a watermark such as ENTWURF), hyphenation undone."""
    pages = []
    for raw in pdf.raw_pages:
        lines = [line for line in raw.split("\n") if not (furniture and line.strip() in furniture)]
        if lines and _folio(lines[-1], furniture):
            lines.pop()
        if lines and lines[0].strip() in running_heads:
            lines.pop(0)
        pages.append("\n".join(lines))
    return clean_pdf_text("\n".join(pages))


def _folio(line: str, furniture: set[str]) -> bool:
    """The page number, alone or beside a footer line („Musterstraße 1 · 5“ as read)."""
    for item in furniture:
        line = line.replace(item, "")
    return line.strip().isdigit()


def _headings(document: Document):
    for chapter in document.chapters:
        yield chapter, None, 1, chapter.title
        for s in walk_sections(chapter.sections):
            yield chapter, s.title, s.level, s.title


def check_headings(document: Document, docx: DocxContent | None, pdf: PdfContent | None,
                   names: dict[str, str], origin: str = EDITION_FILE) -> list[Finding]:
    """Every heading of the content tree, in order, in the DOCX headings and the PDF bookmarks.

    The sequences are aligned, so a missing 'Perspektiven' is pinned to its chapter even
    though six chapters have one."""
    findings = []
    expected = list(_headings(document))
    wanted = [(level, _key(title)) for _, _, level, title in expected]
    for fmt, content in (("docx", docx), ("pdf", pdf)):
        if content is None:
            continue
        found = [(lvl, _key(t)) for lvl, t in content.headings] if fmt == "docx" else \
            [(lvl, _key(t)) for lvl, t, _ in content.outline]
        place = "headings" if fmt == "docx" else "bookmarks (outline)"
        matcher = SequenceMatcher(None, wanted, found, autojunk=False)
        for op, i1, i2, _, _ in matcher.get_opcodes():
            if op not in ("delete", "replace"):
                continue
            for chapter, section, level, title in expected[i1:i2]:
                where = Location(file=chapter.source or origin, chapter=chapter.id, section=section)
                findings.append(tool_fault("E-OUTPUT-HEADING", where,
                                           f"heading '{title}' (level {level}) is missing from the {place} of {names[fmt]}"))
    return findings


def _toc_pages(pdf: PdfContent, contents: Chapter, spans: list[dict]) -> str:
    start = next(s["start"] for s in spans if s["id"] == contents.id)
    end = next(s["end"] for s in spans if s["id"] == contents.id)
    return canonical(clean_pdf_text("\n".join(pdf.raw_pages[start - 1:end])))


def check_pages(expected: Expected, document: Document, pdf: PdfContent, name: str) -> list[Finding]:
    findings: list[Finding] = []
    spans = chapter_spans(pdf, [c.id for c in document.chapters])
    if spans is None:
        return findings  # bookmarks do not match the chapters: reported by check_headings
    by_id = {c.id: c for c in document.chapters}
    contents = next((c for c in document.chapters if c.kind == "contents"), None)
    toc = _toc_pages(pdf, contents, spans) if contents else ""
    for span in spans:
        chapter = by_id[span["id"]]
        where = Location(file=name, chapter=chapter.id)
        used = span["end"] - span["start"] + 1
        if chapter.pages and used > chapter.pages:
            findings.append(error("E-PAGE-BUDGET", where,
                                  f"chapter '{chapter.title}' takes {used} pages, its budget is {chapter.pages}",
                                  "shorten the text, remove a photo or quote, or raise 'pages' for this chapter"))
        if contents and chapter is not contents:
            m = re.search(re.escape(canonical(chapter.title)) + r"[\s.·…]*(\d+)", toc)
            if not m:
                findings.append(tool_fault("E-TOC-PAGE", where, f"chapter '{chapter.title}' is not listed in the table of contents"))
            elif int(m.group(1)) != span["start"]:
                findings.append(tool_fault("E-TOC-PAGE", where,
                                           f"the table of contents says page {m.group(1)} for '{chapter.title}', "
                                           f"but it starts on page {span['start']}"))
    total = pdf.pages
    multiple = expected.multiple_of
    if expected.pages and total != expected.pages:
        findings.append(error("E-PAGE-COUNT", Location(file=name), f"the PDF has {total} pages, the edition requires {expected.pages}",
                              "shorten chapters that exceed their budget, or change 'pages' in edition.yaml"))
    elif multiple and total % multiple:
        findings.append(error("E-PAGE-MULTIPLE", Location(file=name),
                              f"the PDF has {total} pages, not a multiple of {multiple} as the binding needs",
                              "shorten a chapter so blank pages can be added before the last one"))
    return findings


@dataclass
class DocxRead:
    """The DOCX read back, its text indexed and its own accessibility problems: made in the
    main thread while Typst still typesets the PDF (runner.render_all)."""
    content: DocxContent
    index: TextIndex
    problems: list[str]


def read_docx_side(docx_bytes: bytes, language: str) -> DocxRead:
    content = read_docx(docx_bytes)
    return DocxRead(content, TextIndex(content.text), docx_problems(docx_bytes, language.split("-")[0] or "de"))


def check_lost(items: list[Passage], indexes: dict[str, TextIndex], names: dict[str, str]) -> list[Finding]:
    """Every passage in each file's text (`indexes`: format → its text indexed)."""
    findings = []
    for item in items:
        item_words = words(item.text)
        missing = [names[fmt] for fmt, index in indexes.items() if not index.contains(item.text, item_words)]
        if missing:
            excerpt = item.text if len(item.text) <= 60 else item.text[:57] + "…"
            findings.append(tool_fault("E-LOST-CONTENT", item.where,
                                       f"{item.what} is missing from {' and '.join(missing)}: '{excerpt}'"))
    return findings


def check_outputs(expected: Expected, document: Document, docx_bytes: bytes | None = None,
                  pdf_bytes: bytes | None = None, pdf_read: PdfContent | None = None,
                  docx_read: DocxRead | None = None) -> list[Finding]:
    """The built files held against the tree and EXPECTED. `pdf_read`, `docx_read`: the files
    already read back (the runner reads each while the other is still being made)."""
    names = {"docx": f"{expected.stem}.docx", "pdf": f"{expected.stem}.pdf"}
    if pdf_read is None and pdf_bytes is not None and (found := page_limit_finding(pdf_bytes, names["pdf"], names["pdf"])):
        return [found]  # nothing else of it can be read back in time
    if docx_read is None and docx_bytes is not None:
        docx_read = read_docx_side(docx_bytes, document.meta.language)
    docx = docx_read.content if docx_read is not None else None
    pdf = pdf_read if pdf_read is not None else read_pdf(pdf_bytes) if pdf_bytes is not None else None
    findings = check_headings(document, docx, pdf, names, expected.source_file)
    if pdf is not None:
        findings += check_pages(expected, document, pdf, names["pdf"])
        findings += check_figure_lines(document, pdf, names["pdf"])
    indexes = {"docx": docx_read.index} if docx_read is not None else {}
    if pdf is not None:
        heads = {c.running_head for c in document.chapters}
        furniture = set(expected.furniture) | {document.meta.footer}  # the footer line: an artifact, not content
        indexes["pdf"] = TextIndex(pdf_flow(pdf, heads, furniture - {""}))
    findings += check_lost(expected.passages, indexes, names)
    findings += check_accessibility(document, docx_read.problems if docx_read is not None else None, pdf, names)
    return findings + check_page_geometry(document, docx_bytes, pdf, names)


def check_page_geometry(document: Document, docx_bytes: bytes | None, pdf: PdfContent | None,
                        names: dict[str, str]) -> list[Finding]:
    """The pages of both files against the type's `page:` (page_geometry.py). The PDF's page is
    the type's Typst's doing; the Word file's is the writer's own."""
    type_file = Location(file=type_folders.shown_file(document.meta.template), column="page")
    findings = [error("E-PAGE-SIZE", type_file, f"{names['pdf']}: {problem}",
                      "the type's Typst sets its own page (#set page(…)): leave size and margins to template.yaml "
                      "page:, which page-setup in common/blocks.typ applies")
                for problem in (pdf_page_problems(pdf.sizes, document.meta.page) if pdf is not None else [])]
    if docx_bytes is not None:
        findings += [tool_fault("E-WORD-LAYOUT", Location(file=names["docx"]), problem)
                     for problem in docx_page_problems(docx_bytes, document)]
    return findings


def check_accessibility(document: Document, docx_problem_list: list[str] | None, pdf: PdfContent | None,
                        names: dict[str, str]) -> list[Finding]:
    """What assistive technology needs from both files (see accessibility.py)."""
    language = document.meta.language.split("-")[0] or "de"
    found = []
    if pdf is not None:
        titles = [c.title for c in document.chapters]
        found += [(names["pdf"], p) for p in pdf_problems(pdf, titles, language)]
        found += [(names["pdf"], p) for p in pdf_address_problems(document, pdf)]
    if docx_problem_list is not None:
        found += [(names["docx"], p) for p in docx_problem_list]
    return [tool_fault("E-ACCESSIBILITY", Location(file=file), problem) for file, problem in found]
