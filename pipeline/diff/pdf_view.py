"""An edition read back from its PDF for `brochure diff`. A tagged PDF (ours: Typst tags it) is read
from its structure tree (pdf_tree.py): chapters and sections are its bookmarks, matched to the
tree's headings; each paragraph, list item, caption, table row and footnote is one unit with its
page; page furniture is left out because it is tagged as such. A PDF without a usable tree is
read from the positions of its text: the text of a chapter cut at its section headings and into
sentences (it has no paragraphs to align), footnotes guessed from the numbers at a page's foot.
Either way the pages before the first bookmark are the cover.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.diff.file_checks import MAX_PDF, pdf_problem
from pipeline.errors import Location
from pipeline.load.input_files import read_bytes
from pipeline.diff.charts import add_drawings, build_folder, figure_notes, pdf_charts, pdf_figures, without_titles
from pipeline.diff.pdf_tree import TAGGED_SHARE, Block, TreeReader, read_pages
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
# No sentence ends after an ordinal ('des 1. Workshops'), an initial or an abbreviation ('S. 14',
# 'z. B. Kassel'): the text before a cut must not end so.
NO_END = re.compile(r"(?:^|[\s(„/])(?:\d{1,3}|[A-Za-zÄÖÜäöü]|S|Nr|Dr|Prof|bzw|ca|vgl|ggf|Abs|Art|Hrsg|Bd|Jh|Tel|"
                    r"St|Str|evtl|inkl|zzgl|bspw|sog|usw|etc|u\.\s?a|z\.\s?B|d\.\s?h|o\.\s?ä|u\.\s?ä)\.$")
# A footnote at the foot of a page: its number glued to its text ('2DESI – Institut …').
NOTE_START = re.compile(r"^(\d{1,3})(?=[^\d\s.,:;)–-])")
LEADERS = re.compile(r"(?:\s*\.){4,}\s*\d*")  # the contents' dot leaders and page numbers
MATCH_AHEAD = 5  # bookmarks a heading may skip (one whose heading the tree lacks)


def pdf_bytes(path: Path) -> bytes:
    """A PDF to compare, bounded: too large a file, or one whose streams would inflate past
    MAX_PDF_INFLATED, is refused before PDFium or pypdf unpack it."""
    data = read_bytes(path, Location(file=str(path)), path.name, MAX_PDF)
    if data is None:
        raise input_error(path, "not found", "pass a .pdf file")
    why = pdf_problem(data)
    if why:
        raise input_error(path, f"cannot read the PDF: {why}", "pass a PDF written by 'brochure build' or another "
                          "PDF writer")
    return data


def from_pdf(path: Path) -> EditionView:
    data = pdf_bytes(path)
    try:
        text = read_pages(data)
        tree = TreeReader(text)
        blocks = tree.read()
    except Exception as exc:  # a broken or encrypted PDF
        raise input_error(path, f"cannot read the PDF: {exc.__class__.__name__}: {exc}", "pass a .pdf file") from None
    marks = [(level, title, page) for level, title, page in text.outline if page]
    count = len(text.heads)
    tagged = bool(blocks) and tree.reached >= TAGGED_SHARE * (text.tagged + text.untagged)
    if tagged and not marks:  # a tagged PDF without bookmarks: its headings stand for them
        marks = _headings_as_marks(blocks)
    try:
        figures = pdf_figures(data)
    except Exception:  # a structure tree pypdf or PDFium cannot read costs only the chart comparison
        figures = []
    folder = build_folder(path) if figures else None
    if folder is None:  # the charts' data is not at hand: their drawings are compared
        add_drawings(data, figures)
    figure_notes(figures, folder)
    if tagged:
        chapters = _from_tree(blocks, marks, count)
        _without_chart_text(chapters, figures)
    else:
        chapters = _from_positions(read_pdf(data), marks, figures)
    try:
        pictures = pdf_pictures(data, chapters)
    except Exception:  # an image or structure tree pypdf cannot read costs only the picture comparison
        pictures = []
    for ch in chapters:
        # the head is not printed on a chapter's first page; the one its other pages show most
        found = [text.heads[k - 1] for k in range(ch.pages[0] + 1, ch.pages[1] + 1) if k <= count and text.heads[k - 1]]
        ch.running_head = max(set(found), key=found.count) if found else ""
    return EditionView(path.stem, "pdf", chapters, meta={"title": text.title}, pages=count, pictures=pictures,
                       unit="paragraph" if tagged else "sentence", charts=pdf_charts(figures, chapters, folder))


def _without_chart_text(chapters: list[ChapterView], figures: list) -> None:
    """The units a chart prints around its drawing (its title, its source line and note) taken
    out of the text of its page: they are compared as the chart's."""
    for f in figures:
        printed = {" ".join(x.split()) for x in (f.title, *f.notes) if x.strip()}
        for ch in chapters:
            for s in ch.sections:
                keep = [k for k, (text, page) in enumerate(zip(s.paragraphs, s.pages))
                        if page != f.page or not _chart_line(text, printed)]
                if len(keep) < len(s.paragraphs):
                    s.paragraphs = [s.paragraphs[k] for k in keep]
                    s.pages = [s.pages[k] for k in keep]
                    s.formats = [s.formats[k] for k in keep] if s.formats else s.formats


def _chart_line(text: str, printed: set[str]) -> bool:
    """TEXT is one of the lines a chart prints, maybe behind a label („Quelle: “)."""
    text = " ".join(text.split())
    return text in printed or any(text.endswith(x) and re.fullmatch(r"[\w-]+:\s*", text[:-len(x)]) for x in printed)


def _outline(marks: list[tuple[int, str, int]], count: int) -> tuple[list[ChapterView], list]:
    """Chapters (level-1 bookmarks) and their sections (deeper ones), each chapter with its pages;
    → (chapters, for each bookmark the chapter and section it opens)."""
    chapters: list[ChapterView] = []
    opens: list[tuple[ChapterView | None, SectionView | None]] = []
    for level, title, _page in marks:
        if level == 1:
            chapters.append(ChapterView(slug(title), title))
            opens.append((chapters[-1], None))
        elif chapters:
            chapters[-1].sections.append(SectionView(title, title, level=level))
            opens.append((chapters[-1], chapters[-1].sections[-1]))
        else:
            opens.append((None, None))
    starts = [page for level, _, page in marks if level == 1]
    for ch, start, end in zip(chapters, starts, [s - 1 for s in starts[1:]] + [count]):
        ch.pages = (start, max(start, end))
    return chapters, opens


def _headings_as_marks(blocks: list[Block]) -> list[tuple[int, str, int]]:
    """(level, title, page) of the tagged headings, the highest level as chapters."""
    headings = [b for b in blocks if b.kind == "heading" and b.page]
    top = min((b.level for b in headings if b.level), default=1)
    return [(max(1, (b.level or top) - top + 1), b.title or b.text, b.page) for b in headings]


def _cover(chapters: list[ChapterView], marks: list) -> ChapterView | None:
    """The cover and whatever precedes the first bookmark, as a chapter of its own."""
    starts = [page for level, _, page in marks if level == 1]
    if starts and starts[0] > 1:
        cover = ChapterView("titelseite", "(Titelseite)", pages=(1, starts[0] - 1))
        chapters.insert(0, cover)
        return cover
    return None


def _key(title: str) -> str:
    return re.sub(r"[\W_]+", "", title).casefold()


def _match(block: Block, marks: list, start: int) -> int | None:
    """The bookmark the heading BLOCK opens: by its words, the next one or one a few further on
    of the same level (a box's title repeating a bookmarked heading opens nothing), not past
    the next chapter."""
    keys = {_key(block.text), _key(block.title)} - {""}
    for k in range(start, min(start + MATCH_AHEAD, len(marks))):
        if _key(marks[k][1]) in keys and (block.level in (0, marks[k][0]) or k == start):
            return k
        if k > start and marks[k][0] == 1:
            break
    return None


def _from_tree(blocks: list[Block], marks: list, count: int) -> list[ChapterView]:
    """The tree's blocks into the chapters and sections of the bookmarks: a heading that opens a
    bookmark starts its section, any other heading is text; a footnote goes to the section whose
    text refers to it (the tree puts it where its number stands)."""
    chapters, opens = _outline(marks, count)
    cover = _cover(chapters, marks) or ChapterView("titelseite", "(Titelseite)", pages=(1, 1))
    intros = {id(ch): SectionView("", "") for ch in [cover, *chapters]}
    section, at = intros[id(cover)], 0
    for block in blocks:
        hit = _match(block, marks, at) if block.kind == "heading" else None
        if hit is not None and opens[hit][0] is not None:
            at = hit + 1
            ch, sec = opens[hit]
            section = sec or intros[id(ch)]
        elif block.kind == "note":
            section.notes.append(block.text)
            section.note_pages.append(block.page)
        else:
            section.paragraphs.append(block.text)
            section.pages.append(block.page)
            section.formats.append(block.formats)
    for ch in chapters:
        intro = intros[id(ch)]
        if intro.paragraphs or intro.notes:
            ch.sections.insert(0, intro)
    if cover not in chapters and (intros[id(cover)].paragraphs or intros[id(cover)].notes):
        chapters.insert(0, cover)
    return chapters


def _from_positions(pdf, marks: list, figures: list) -> list[ChapterView]:
    """Chapters read without a structure tree: from the text as PDFium lays it out, the text
    the FIGURES (charts) print around their drawings left out."""
    chapters, _ = _outline(marks, pdf.pages)
    pages = _without_furniture(pdf.raw_pages, {c.title for c in chapters})
    split = [_page_notes(text) for text in pages]
    _cover(chapters, marks)
    for ch in chapters:
        start, end = ch.pages
        text = f"\n{PAGE}".join(without_titles(body, [f for f in figures if f.page == n])
                                for n, (body, _) in enumerate(split[start - 1:end], start))
        text = re.sub(r"\n(?=„)", f"\n{ITEM}", text)  # a quotation at a line start begins a sentence
        # a word hyphenated across a page break: joined, the mark kept inside it
        text = re.sub(rf"-[ \t]*\n{PAGE}(?=[a-zäöüß])", PAGE, text)
        _split_by_headings(ch, LEADERS.sub(" ", clean_pdf_text(text)), start)
        notes = [(n, note, page) for page in range(start, end + 1) for n, note in split[page - 1][1]]
        _attach_notes(ch, notes)
    return chapters


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
        if m and not any(c in m.group() for c in "•" + ITEM) and NO_END.search(text[at:m.start()].replace(PAGE, "")):
            continue  # 'des 1.', 'S.', 'z. B.': the sentence goes on
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
