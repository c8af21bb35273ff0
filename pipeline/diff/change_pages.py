"""On which page of the new PDF a change stands, for comparisons of build folders: their
content is exact but has no pages, so each change's new text is looked up in the pages of its
chapter (text_index finds a passage despite line breaks, hyphens and note numbers).

The page is the one the changed words stand on, not where their paragraph begins: a paragraph
begun on p. 40 whose edit is on p. 41 is on p. 41. A record's page is where its printed text is."""

from __future__ import annotations

from pipeline.diff.comparison import Change, Comparison
from pipeline.diff.views import EditionView
from pipeline.verify.text_index import TextIndex
from pipeline.verify.read_back import read_pdf

FOUND = 0.8  # share of the looked-up words found on a page
# A record's columns the brochure prints, the telling ones first (photos' alt texts, files and
# widths are not printed as text).
PRINTED = ("text", "caption", "title", "name", "label", "email", "phone", "url", "web", "value")


def _edited(words: list[tuple[str, str]]) -> str:
    """The words of the first edit with a little context: its inserted (or restyled) words, and
    four unchanged words either side (all there is of a deletion in the new text)."""
    at = next((k for k, (op, _) in enumerate(words) if op != "equal"), None)
    if at is None:
        return ""
    before = [w for w in words[at - 1][1].split() if any(c.isalnum() for c in w)][-4:] if at else []
    end, shown = at, []
    while end < len(words) and words[end][0] != "equal":
        shown += words[end][1].split() if words[end][0] != "delete" else []
        end += 1
    after = words[end][1].split()[:4] if end < len(words) else []
    # a table's cell bounds ('Zeit | mindestens') are no words of the printed text
    return " ".join(w for w in [*before, *shown[:8], *after] if any(c.isalnum() for c in w))


def _probes(change: Change) -> list[str]:
    """What to look for, best first."""
    if change.words and change.area != "records":
        return [_edited(change.words)]
    if change.area == "structure" and change.kind != "added":  # the heading as it stands now
        return [change.where.rpartition(" > ")[2]]
    if change.item == "record":  # an added record: its printed values
        got = dict(change.fields)
        values = [" ".join(got[k].split()[:12]) for k in PRINTED if got.get(k)]
        return ([" ".join(values[:2])] if len(values) > 1 else []) + values
    # a changed value where it is printed, else its record (a photo's alt text: its caption)
    # a changed value where it is printed, else its record (a photo's alt text: its caption; a
    # chart's data: the chart's title)
    named = [_name(change), _name(change).partition(": ")[0]] if change.area == "records" else []
    return [" ".join((change.new or "").split()[:12]), *named]


def _name(change: Change) -> str:
    """A record's own name (after its chapter), which must stand near its value."""
    return change.where.rpartition(" / ")[2].split(" („")[0] if change.area == "records" else ""


class Pages:
    """The new PDF's pages, each indexed when first searched."""

    def __init__(self, texts: list[str]):
        self.texts, self.index = texts, {}

    def coverage(self, page: int, probe: str) -> float:
        if page not in self.index:
            self.index[page] = TextIndex(self.texts[page - 1])
        return self.index[page].coverage(probe)

    def find(self, probe: str, first: int, last: int, hint: str = "") -> int | None:
        """The page of FIRST…LAST on which PROBE is found best, the first of equals; of pages
        alike, the one that has HINT too (a value found twice: the one next to its record's name)."""
        best, score = None, (FOUND - 1e-9, -1.0)
        for page in range(first, min(max(first, last), len(self.texts)) + 1):  # a chapter may end on its first page
            found = self.coverage(page, probe)
            if found < FOUND:
                continue
            key = (found, self.coverage(page, hint) if hint else 0.0)
            if key > score:
                best, score = page, key
        return best


def add_pages(result: Comparison, new: EditionView) -> None:
    """Sets `page` on the changes of RESULT that the new edition's PDF shows."""
    if new.source != "build" or new.pdf is None:
        return
    try:
        pages = Pages(read_pdf(new.pdf.read_bytes()).page_texts)
    except Exception:  # an unreadable PDF only costs the page numbers
        return
    spans = {ch.title: ch.pages for ch in new.chapters if ch.pages}
    for change in result.changes:
        if change.page is not None or change.kind == "removed" or change.area not in ("text", "records", "structure"):
            continue
        chapter = next((t for t in sorted(spans, key=len, reverse=True) if change.where.startswith(t)), None)
        # a record that is a chapter of its own (a portrait) is found there, not in the chapter it names
        own = next((v for v in (_name(change), *(v for _, v in change.fields)) if v in spans), chapter)
        if own is None and change.area != "records":
            continue
        # a record of no chapter (a type's own table, printed by a block) anywhere in the PDF
        first, last = spans[own] if own else (1, len(pages.texts))
        for probe in (p for p in _probes(change) if p.strip()):
            change.page = pages.find(probe, first, last, _name(change))
            if change.page:
                break
