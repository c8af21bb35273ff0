"""The new edition's DOCX with every change from the old one as a Word tracked change.

Paragraphs of both documents are aligned (body and table cells, in reading order). A changed
paragraph is rewritten as runs: unchanged words plain, removed words in <w:del>, added words
in <w:ins>, so a reviewer accepts or rejects each change in Word or LibreOffice. A paragraph
only in the old edition comes back as a deleted paragraph at its place; one only in the new
edition is marked inserted. Nothing else in the new document changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from . import docx_package, links
from .compare import align_paragraphs, word_diff
from .verify import paragraph_text

AUTHOR = "brochure diff"
# Paragraph content the rewrite would lose: such a paragraph is redlined as a whole instead.
COMPLEX = {qn(t) for t in ("w:footnoteReference", "w:endnoteReference", "w:drawing", "w:pict", "w:fldChar",
                           "w:fldSimple", "w:commentRangeStart", "w:object")}
KEEP = {qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd")}
HYPERLINK = qn("w:hyperlink")


def _norm(text: str) -> str:
    return " ".join(text.split())


class Redliner:
    def __init__(self, date: dt.datetime, part=None, link_style: str | None = None):
        self.next_id = 9000  # clear of comment and bookmark ids
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.part = part  # the new document's part: rewritten links relate from it
        self.link_style = link_style

    def mark(self, tag: str):
        el = etree.Element(qn(tag))
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), AUTHOR)
        el.set(qn("w:date"), self.date)
        self.next_id += 1
        return el

    @staticmethod
    def run(rpr, text: str, deleted: bool = False):
        r = etree.Element(qn("w:r"))
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        for n, piece in enumerate(text.split("\n")):
            if n:
                etree.SubElement(r, qn("w:br"))
            for m, part in enumerate(piece.split("\t")):
                if m:
                    etree.SubElement(r, qn("w:tab"))
                if part:
                    t = etree.SubElement(r, qn("w:delText" if deleted else "w:t"))
                    t.text = part
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return r

    def _mark_paragraph(self, p, tag: str) -> None:
        """The paragraph mark itself inserted or deleted, so the whole paragraph goes with it."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.SubElement(p, qn("w:pPr"))
            p.insert(0, ppr)
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("w:rPr"))
            sect = ppr.find(qn("w:sectPr"))  # the schema wants rPr before a section break
            if sect is not None:
                sect.addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.append(self.mark(tag))

    def _link(self, uri: str):
        link = etree.Element(HYPERLINK)
        link.set(qn("r:id"), self.part.relate_to(uri, RT.HYPERLINK, is_external=True))
        link.set(qn("w:history"), "1")
        return link

    def _link_rpr(self, rpr):
        """The run properties of a link: the paragraph's, in the Hyperlink character style."""
        linked = copy.deepcopy(rpr) if rpr is not None else etree.Element(qn("w:rPr"))
        for old in linked.findall(qn("w:rStyle")):
            linked.remove(old)
        if self.link_style:
            style = etree.Element(qn("w:rStyle"))
            style.set(qn("w:val"), self.link_style)
            linked.insert(0, style)
        return linked

    @staticmethod
    def _address_spans(text: str) -> list[tuple[int, int, str]]:
        """(start, end, URI) of every e-mail and web address in the new paragraph's text."""
        spans, at = [], 0
        for piece, uri in links.split(text):
            if uri:
                spans.append((at, at + len(piece), uri))
            at += len(piece)
        return spans

    @staticmethod
    def _cut(text: str, at: int, spans) -> list[tuple[int, str]]:
        """`text`, starting at offset `at` of the new text, cut where an address starts or ends."""
        bounds = sorted({b for s, e, _ in spans for b in (s, e) if at < b < at + len(text)})
        edges = [at, *bounds, at + len(text)]
        return [(a, text[a - at:b - at]) for a, b in zip(edges, edges[1:]) if b > a]

    def rewrite(self, p, old: str, new: str) -> None:
        """The paragraph as plain, deleted and inserted runs. Addresses of the new text are links
        again, found in the whole new text (a word diff may cut 'uta.george@…' after 'u'); a link
        holds the insertion and deletion marks, as the schema nests them."""
        first = next((r for r in p.iter(qn("w:r"))
                      if r.find(qn("w:t")) is not None and r.getparent().tag != HYPERLINK), None)
        rpr = first.find(qn("w:rPr")) if first is not None else None
        rpr = copy.deepcopy(rpr) if rpr is not None else None
        for child in list(p):
            if child.tag not in KEEP:
                p.remove(child)
        spans = self._address_spans(new) if self.part is not None else []
        links_made: dict[int, object] = {}
        last = [None]  # the span the paragraph's last element links to

        def emit(span: int | None, el) -> None:
            if span is None:
                p.append(el)
            else:
                if last[0] != span:
                    links_made[span] = self._link(spans[span][2])
                    p.append(links_made[span])
                links_made[span].append(el)
            last[0] = span

        def span_of(offset: int, inside: bool = False) -> int | None:
            return next((k for k, (s, e, _) in enumerate(spans) if (s < offset < e if inside else s <= offset < e)),
                        None)

        at = 0
        for op, text in word_diff(old, new):
            if op == "delete":
                wrap = self.mark("w:del")
                span = span_of(at, inside=True)
                wrap.append(self.run(self._link_rpr(rpr) if span is not None else rpr, text, deleted=True))
                emit(span, wrap)
                continue
            for offset, piece in self._cut(text, at, spans):
                span = span_of(offset)
                el = self.run(self._link_rpr(rpr) if span is not None else rpr, piece)
                if op == "insert":
                    wrap = self.mark("w:ins")
                    wrap.append(el)
                    el = wrap
                emit(span, el)
            at += len(text)

    def _wrap_runs(self, parent, tag: str) -> None:
        for child in list(parent):
            if child.tag == qn("w:r"):
                wrap = self.mark(tag)
                parent.replace(child, wrap)
                wrap.append(child)
            elif child.tag == HYPERLINK:  # w:ins and w:del go inside a link, never around it
                self._wrap_runs(child, tag)

    def _wrap_all(self, p, tag: str) -> None:
        """Every run of the paragraph, and its mark, as one tracked insertion or deletion."""
        self._wrap_runs(p, tag)
        self._mark_paragraph(p, tag)

    def inserted(self, p) -> None:
        self._wrap_all(p, "w:ins")

    def deleted_copy(self, old_p):
        """A copy of an old paragraph, every run deleted; images and note references dropped,
        as they point into the old package."""
        p = copy.deepcopy(old_p)
        for el in list(p.iter(*COMPLEX, qn("w:sectPr"), qn("w:instrText"), qn("w:bookmarkStart"),
                              qn("w:bookmarkEnd"))):
            el.getparent().remove(el)
        for link in list(p.iter(HYPERLINK)):  # its r:id is the old package's; the text stays
            for child in list(link):
                link.addprevious(child)
            link.getparent().remove(link)
        for t in p.iter(qn("w:t")):
            t.tag = qn("w:delText")
        self._wrap_all(p, "w:del")
        return p


def _paragraphs(doc) -> list:
    return list(doc.element.body.iter(qn("w:p")))


def redline(old_docx: bytes, new_docx: bytes) -> bytes:
    old_doc, new_doc = open_docx(io.BytesIO(old_docx)), open_docx(io.BytesIO(new_docx))
    created = new_doc.core_properties.created or dt.datetime(2000, 1, 1)
    link_style = next((s.style_id for s in new_doc.styles if s.style_id == "Hyperlink"), None)
    marker = Redliner(created, new_doc.part, link_style)
    old_ps, new_ps = _paragraphs(old_doc), _paragraphs(new_doc)
    a, b = [_norm(paragraph_text(p)) for p in old_ps], [_norm(paragraph_text(p)) for p in new_ps]
    for start, pairs, olds, news in align_paragraphs(a, b):
        for i, j in pairs:
            p = new_ps[j]
            if any(el.tag in COMPLEX for el in p.iter()):
                p.addprevious(marker.deleted_copy(old_ps[i]))
                marker.inserted(p)
            else:
                marker.rewrite(p, paragraph_text(old_ps[i]), paragraph_text(p))
        anchor = new_ps[start] if start < len(new_ps) else None  # removed paragraphs go back here
        for i in olds:
            copy_ = marker.deleted_copy(old_ps[i])
            if anchor is not None:
                anchor.addprevious(copy_)
            else:  # at the end, before the document's own section properties
                new_doc.element.body.find(qn("w:sectPr")).addprevious(copy_)
        for j in news:
            marker.inserted(new_ps[j])
    out = io.BytesIO()
    new_doc.save(out)
    return docx_package.normalise(out.getvalue())
