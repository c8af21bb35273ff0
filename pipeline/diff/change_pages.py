"""On which page of the new PDF a change stands, for comparisons of build folders: their
content is exact but has no pages, so each change's new text is looked up in the pages of its
chapter (text_index finds a passage despite line breaks, hyphens and note numbers)."""

from __future__ import annotations

from pipeline.diff.comparison import Comparison
from pipeline.diff.views import EditionView
from pipeline.verify.text_index import TextIndex
from pipeline.verify.read_back import read_pdf

FOUND = 0.8  # share of the looked-up words found on a page


def _probe(change) -> str:
    """The new words to look for: the inserted ones with a little context, or the new text."""
    words = change.words
    at = next((k for k, (op, _) in enumerate(words) if op == "insert"), None)
    if at is None:
        return " ".join((change.new or "").split()[:12])
    before = words[at - 1][1].split()[-4:] if at and words[at - 1][0] == "equal" else []
    after = words[at + 1][1].split()[:4] if at + 1 < len(words) and words[at + 1][0] == "equal" else []
    return " ".join([*before, *words[at][1].split()[:8], *after])


def add_pages(result: Comparison, new: EditionView) -> None:
    """Sets `page` on the changes of RESULT that the new edition's PDF shows."""
    if new.source != "build" or new.pdf is None:
        return
    try:
        pages = read_pdf(new.pdf.read_bytes()).page_texts
    except Exception:  # an unreadable PDF only costs the page numbers
        return
    spans = {ch.title: ch.pages for ch in new.chapters if ch.pages}
    index: dict[int, TextIndex] = {}
    for change in result.changes:
        if change.page is not None or change.kind == "removed" or change.area not in ("text", "records", "structure"):
            continue
        chapter = next((t for t in sorted(spans, key=len, reverse=True) if change.where.startswith(t)), None)
        probe = _probe(change)
        if chapter is None or not probe.strip():
            continue
        first, last = spans[chapter]
        best, score = None, FOUND
        for page in range(first, min(last, len(pages)) + 1):
            found = index.setdefault(page, TextIndex(pages[page - 1])).coverage(probe)
            if found > score or (found == 1.0 and best is None):
                best, score = page, found
            if found == 1.0:
                break
        change.page = best
