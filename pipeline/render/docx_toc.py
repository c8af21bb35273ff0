"""The Word table of contents: a TOC field whose result is filled in already.

No library can paginate a DOCX, so Word (or LibreOffice) computes the page numbers. Until it
does, the field's result must still be a usable contents: every heading down to the depth the
type's PDF prints, each a link (`w:hyperlink w:anchor`) to a bookmark on its heading, with a
PAGEREF field for its page number, exactly as Word writes a TOC with the `\\h` switch. So the
entries work as links at once; LibreOffice computes the page numbers when it lays the document
out, Word when it updates the fields on opening (`w:updateFields`, the TOC field is marked dirty).
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.tree import Document, Section


@dataclass
class Entry:
    level: int
    title: str
    bookmark: str


def _sections(sections: list[Section], depth: int):
    for s in sections:
        if s.level <= depth:
            yield s.level, s.title
        yield from _sections(s.sections, depth)


def toc_entries(doc: Document, depth: int) -> list[Entry]:
    """The headings the contents lists, in document order: chapters, then sections to `depth`."""
    found = []
    for chapter in doc.chapters:
        if chapter.kind == "contents":
            continue
        found.append((1, chapter.title))
        found += list(_sections(chapter.sections, depth))
    return [Entry(level, title, f"_Toc{n:06d}") for n, (level, title) in enumerate(found, start=1)]


def _run(child_tag: str | None = None, text: str | None = None, **attrs):
    r = OxmlElement("w:r")
    if child_tag:
        el = OxmlElement(child_tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if text is not None:
            el.text = text
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(el)
    return r


def _field_start(instruction: str, dirty: bool = False) -> list:
    begin = {"w:fldCharType": "begin", **({"w:dirty": "true"} if dirty else {})}
    return [_run("w:fldChar", **begin), _run("w:instrText", f" {instruction} "),
            _run("w:fldChar", **{"w:fldCharType": "separate"})]


def _field_end():
    return _run("w:fldChar", **{"w:fldCharType": "end"})


class Toc:
    """Bookmarks the headings as they are written and writes the contents that links to them."""

    def __init__(self, doc: Document, depth: int):
        self.depth = depth
        self.entries = toc_entries(doc, depth)
        self._next = 0
        self._id = 0

    def instruction(self) -> str:
        return f'TOC \\o "1-{self.depth}" \\h \\z \\u'

    def mark(self, paragraph, level: int, title: str) -> None:
        """Put the next entry's bookmark around a heading's text (headings come in TOC order)."""
        if level > self.depth or self._next >= len(self.entries):
            return
        entry = self.entries[self._next]
        if (entry.level, entry.title) != (level, title):  # a heading the contents does not list
            return
        self._next += 1
        self._id += 1
        p = paragraph._p
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._id))
        start.set(qn("w:name"), entry.bookmark)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._id))
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)

    def _entry(self, entry: Entry):
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), entry.bookmark)
        link.set(qn("w:history"), "1")
        link.append(_run("w:t", entry.title))
        link.append(_run("w:tab"))
        link.extend(_field_start(f"PAGEREF {entry.bookmark} \\h"))
        link.append(_run())  # the page number's place: empty until Word or LibreOffice paginates
        link.append(_field_end())
        return link

    def write(self, container, style) -> None:
        """The TOC field, one paragraph per entry in the style 'toc <level>'."""
        if not self.entries:
            p = container.add_paragraph()
            p._p.extend([*_field_start(self.instruction(), dirty=True), _field_end()])
            return
        for n, entry in enumerate(self.entries):
            p = container.add_paragraph()
            style(p, f"toc {min(entry.level, 9)}")  # Word's built-in names (LibreOffice: „Verzeichnis 1“ …)
            if n == 0:
                p._p.extend(_field_start(self.instruction(), dirty=True))
            p._p.append(self._entry(entry))
            if n == len(self.entries) - 1:
                p._p.append(_field_end())
