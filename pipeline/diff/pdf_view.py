"""An edition read back from its PDF for `brochure diff`: chapters and sections from the
bookmarks, their text cut into sentences (a PDF has no paragraphs to align, and a section as one
block hides which sentence changed), each with the page it starts on. Page numbers, running
heads and footnotes are taken out of the running text; footnotes are compared on their own, and
the pages before the first bookmark as the cover.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.diff.charts import add_drawings, build_folder, figure_notes, pdf_charts, pdf_figures, without_titles
from pipeline.diff.pictures import pdf_pictures
from pipeline.diff.views import ChapterView, EditionView, SectionView, input_error
from pipeline.load.markdown import slug
from pipeline.verify.read_back import clean_pdf_text, read_pdf

PAGE = "\ue000"  # marks a page break in a chapter's text until each sentence knows its page
# A sentence ends at . ! ? … (closing quotes or brackets may follow) before a capital, a digit or
# an opening quote; a bullet starts a list item.
ITEM = "\ue001"  # starts a sentence where the text alone does not show it
SENTENCE_END = re.compile(r"(?<=[.!?…])[“”\")]*[\s\ue000]+(?=\ue000?[A-ZÄÖÜ0-9„\"(])"
                          r"|[\s\ue000]*[•\ue001]\s*")
# A footnote at the foot of a page: its number glued to its text ('2DESI – Institut …').
NOTE_START = re.compile(r"^(\d{1,3})(?=[^\d\s.,:;)–-])")
LEADERS = re.compile(r"(?:\s*\.){4,}\s*\d*")  # the contents' dot leaders and page numbers


def from_pdf(path: Path) -> EditionView:
    try:
        pdf = read_pdf(path.read_bytes())
    except Exception as exc:  # a broken or encrypted PDF
        raise input_error(path, f"cannot read the PDF: {exc.__class__.__name__}: {exc}", "pass a .pdf file") from None
    marks = [(level, title, page) for level, title, page in pdf.outline if page]
    chapters: list[ChapterView] = []
    for level, title, _page in marks:
        if level == 1:
            chapters.append(ChapterView(slug(title), title))
        elif chapters:
            chapters[-1].sections.append(SectionView(title, title, level=level))
    starts = [page for level, _, page in marks if level == 1]
    pages = _without_furniture(pdf.raw_pages, {c.title for c in chapters})
    split = [_page_notes(text) for text in pages]
    try:
        figures = pdf_figures(pdf.data, reader=pdf.reader)
    except Exception:  # a structure tree pypdf or PDFium cannot read costs only the chart comparison
        figures = []
    folder = build_folder(path) if figures else None
    if folder is None:  # the charts' data is not at hand: their drawings are compared
        add_drawings(pdf.data, figures)
    figure_notes(figures, folder)
    if starts and starts[0] > 1:  # the cover and whatever precedes the first bookmark
        chapters.insert(0, ChapterView("titelseite", "(Titelseite)"))
        starts.insert(0, 1)
    for ch, start, end in zip(chapters, starts, [s - 1 for s in starts[1:]] + [pdf.pages]):
        end = max(start, end)
        ch.pages = (start, end)
        text = f"\n{PAGE}".join(without_titles(body, [f for f in figures if f.page == n])
                                for n, (body, _) in enumerate(split[start - 1:end], start))
        text = re.sub(r"\n(?=„)", f"\n{ITEM}", text)  # a quotation at a line start begins a sentence
        # a word hyphenated across a page break: joined, the mark kept inside it
        text = re.sub(rf"-[ \t]*\n{PAGE}(?=[a-zäöüß])", PAGE, text)
        _split_by_headings(ch, LEADERS.sub(" ", clean_pdf_text(text)), start)
        notes = [(n, note, page) for page in range(start, end + 1) for n, note in split[page - 1][1]]
        _attach_notes(ch, notes)
    try:
        pictures = pdf_pictures(pdf.data, chapters, pdf.reader)
    except Exception:  # an image or structure tree pypdf cannot read costs only the picture comparison
        pictures = []
    heads = _page_heads(pdf.data)
    for ch in chapters:
        # the head is not printed on a chapter's first page; the one its other pages show most
        found = [heads[k - 1] for k in range(ch.pages[0] + 1, ch.pages[1] + 1) if k <= len(heads) and heads[k - 1]]
        ch.running_head = max(set(found), key=found.count) if found else ""
    return EditionView(path.stem, "pdf", chapters, meta={"title": str(pdf.metadata.get("/Title", ""))},
                       pages=pdf.pages, pictures=pictures, charts=pdf_charts(figures, chapters, folder))


HEAD_ZONE = 0.1  # the top tenth of a page, above the type area, where a running head stands


def _page_heads(data: bytes) -> list[str]:
    """Each page's running head: the text tagged as page furniture (an Artifact, as Typst marks
    it) at the top of the page, page numbers left out."""
    import pypdfium2.raw as raw

    from pipeline.render.pdf_pages import pdfium
    from pipeline.verify.page_fill import mark_names
    pdf = pdfium().PdfDocument(data)
    out = []
    try:
        for page in pdf:
            top = page.get_height() * (1 - HEAD_ZONE)
            textpage = page.get_textpage()
            words = []
            for obj in page.get_objects(max_depth=8):
                if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                    continue
                left, bottom, right, up = obj.get_bounds()
                if bottom >= top and "Artifact" in mark_names(obj.raw, raw):
                    text = " ".join(textpage.get_text_bounded(left, bottom, right, up).split())
                    if text and not text.isdigit():
                        words.append((-round(up), left, text))
            out.append(" ".join(t for _, _, t in sorted(words)))
    finally:
        pdf.close()
    return out


def _without_furniture(pages: list[str], titles: set[str]) -> list[str]:
    """Page numbers and running heads out: lines of digits, and first or last lines that recur
    on three or more pages or repeat a chapter title."""
    edges: dict[str, int] = {}
    for text in pages:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        for line in {*lines[:2], *lines[-2:]}:
            edges[line] = edges.get(line, 0) + 1
    furniture = {line for line, n in edges.items() if n >= 3 or line in titles}
    firsts = [_edge_lines(text) for text in pages]  # a running head of a two-page chapter
    furniture |= {line for a, b in zip(firsts, firsts[1:]) for line in a & b}
    out = []
    for text in pages:
        lines = [line for line in text.split("\n") if line.strip()]
        edge = {*range(2), *range(len(lines) - 2, len(lines))}
        out.append("\n".join(line for n, line in enumerate(lines)
                             if not (n in edge and line.strip() in furniture) and not line.strip().isdigit()))
    return out


def _edge_lines(text: str) -> set[str]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return {lines[0], lines[-1]} if lines else set()


def _page_notes(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the page's running text, its footnotes as (number, text)). Footnotes are the last lines
    of a page from the first line that starts with a number the text above refers to."""
    lines = text.split("\n")
    for k, line in enumerate(lines):
        m = NOTE_START.match(line.strip())
        if not m or k == 0:
            continue
        above = "\n".join(lines[:k])
        if not re.search(rf"[^\s\d]{m.group(1)}(?!\d)", above):
            continue
        notes: list[list[str]] = []
        for rest in lines[k:]:
            start = NOTE_START.match(rest.strip())
            if start and (not notes or int(start.group(1)) == int(notes[-1][0]) + 1):
                notes.append([start.group(1), rest.strip()[len(start.group(1)):]])
            elif notes:
                notes[-1][1] += "\n" + rest
        return above, [(n, clean_pdf_text(t).strip()) for n, t in notes]
    return text, []


def _attach_notes(ch: ChapterView, notes: list[tuple[str, str, int]]) -> None:
    """Each footnote to the section whose text refers to its number ('Gesemann2'), else to the
    last section starting on or before its page."""
    for n, note, page in notes:
        ref = re.compile(rf"[^\s\d]{n}(?!\d)")
        home = next((s for s in ch.sections if any(ref.search(p) for p in s.paragraphs)), None) or \
            next((s for s in reversed(ch.sections) if s.pages and s.pages[0] <= page), None)
        home = home or (ch.sections[-1] if ch.sections else None)
        if home is None:
            home = SectionView("", "")
            ch.sections.append(home)
        home.notes.append(note)
        home.note_pages.append(page)


def _sentences(text: str, page: int, into: SectionView) -> int:
    """Adds TEXT's sentences with their pages to INTO; → the page TEXT ends on."""
    at = 0
    for m in [*SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[at:end]
        lead = len(piece) - len(piece.lstrip(PAGE + " "))
        sentence = " ".join(piece.replace(PAGE, "").split())
        if sentence:
            into.paragraphs.append(sentence)
            into.pages.append(page + piece[:lead].count(PAGE))
        page += piece.count(PAGE)
        if m:
            page += m.group().count(PAGE)
            at = m.end()
    return page


def _split_by_headings(ch: ChapterView, text: str, page: int) -> None:
    """The chapter's text, cut where its section headings occur, each piece in sentences."""
    rest = text.strip()
    title = re.sub(r"\s+", " ", ch.title)
    if rest.lstrip(PAGE).startswith(title):  # unless it went as a running head
        rest = rest.lstrip(PAGE)[len(title):]
    intro = SectionView("", "")
    current = intro
    for s in ch.sections:
        at = rest.find(s.title)
        if at < 0:
            continue
        page = _sentences(rest[:at], page, current)
        current = s
        rest = rest[at + len(s.title):]
    _sentences(rest, page, current)
    if intro.paragraphs:
        ch.sections.insert(0, intro)
