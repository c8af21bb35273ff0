"""The new edition's DOCX with every change from the old one as a Word tracked change.

Paragraphs of both documents are aligned (body and table cells, in reading order), and so are
the footnotes. A changed paragraph is rewritten character by character from its runs: unchanged
text keeps the new run's properties (with the old ones in <w:rPrChange> where only the formatting
changed), removed text comes back in <w:del> with the old run's properties, added text is in
<w:ins>. A paragraph split in two gets an inserted paragraph mark, two merged into one a deleted
one, so accepting all changes gives the new edition and rejecting all the old one, run by run.
A paragraph only in the old edition comes back deleted at its place; one only in the new edition
is marked inserted; one that stands elsewhere (a chapter reordered, a paragraph moved to another
chapter) is a Word move, w:moveFrom at its old place and w:moveTo at its new one, with the words
added since in w:ins. Deleted text keeps its links and footnote references, pointed at their
counterparts in the new package. A DOCX that already holds tracked changes is refused: a second
layer of revisions on top of an editor's own cannot be rejected back to either edition.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import io
from dataclasses import dataclass
from difflib import SequenceMatcher

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree
from rapidfuzz import fuzz

from pipeline.render import docx_package
from pipeline.diff.changes import CHANGED_PARAGRAPH, TOKEN, align_paragraphs, cuts, word_diff
from pipeline.diff.edition_view import chapter_headers, style_levels
from pipeline.diff.pictures import A, R, SVG_BLIP, WP, blips, pixel_digest
from pipeline.errors import InputError, Location, error
from pipeline.verify.read_back import paragraph_text

AUTHOR = "brochure diff"
# Paragraph content the rewrite would lose: such a paragraph is redlined as a whole instead.
COMPLEX = {qn(t) for t in ("w:drawing", "w:pict", "w:fldChar", "w:fldSimple", "w:commentRangeStart", "w:object")}
DRAWING = qn("w:drawing")
KEEP = {qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd")}
HYPERLINK = qn("w:hyperlink")
DOC_PR, BLIP = f"{WP}docPr", f"{A}blip"
R_NS, EMBED = R, f"{R}embed"
REVISIONS = {qn(t) for t in ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange")}
ATOM = "\ufffc"  # a run part that is no text (a footnote reference): one token of its own
MOVED_LEAST = 40  # characters of a paragraph found elsewhere to count as moved on its own
TEXT_OF = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}


@dataclass
class Piece:
    """One character of a paragraph with the run it came from."""
    char: str
    rpr: object  # the run's w:rPr, or None
    key: bytes  # the run properties serialised, to tell formatting apart
    link: object = None  # the w:hyperlink the run stood in
    atom: object = None  # for ATOM: the run element holding it
    target: str = ""  # where that link leads (Links.target)


def _key(rpr) -> bytes:
    return etree.tostring(rpr, method="c14n") if rpr is not None and len(rpr) else b""


class Links:
    """Where the hyperlinks of one part lead: the relationship's address, and for a link to a
    bookmark (a contents entry) the text of the paragraph it marks, since bookmark names are
    numbered anew in each edition."""

    def __init__(self, part, anchors: dict[str, str]):
        self.part = part
        self.anchors = anchors  # bookmark name → the text of its paragraph (`_anchors`)

    def target(self, link) -> str:
        if link is None:
            return ""
        rel = self.part.rels.get(link.get(qn("r:id"))) if link.get(qn("r:id")) else None
        anchor = link.get(qn("w:anchor"))
        return (rel.target_ref if rel is not None else "") + ("#" + self.anchors.get(anchor, anchor) if anchor else "")


def _anchors(body) -> dict[str, str]:
    return {b.get(qn("w:name")): " ".join(paragraph_text(p).split())
            for p in body.iter(qn("w:p")) for b in p.iter(qn("w:bookmarkStart"))}


def pieces(p, links: Links | None = None) -> list[Piece]:
    out: list[Piece] = []
    targets: dict[int, str] = {}

    def target(link) -> str:
        if links is None or link is None:
            return ""
        return targets.setdefault(id(link), links.target(link))

    def walk(parent, link) -> None:
        for child in parent:
            if child.tag == HYPERLINK:
                walk(child, child)
            elif child.tag == qn("w:r"):
                rpr = child.find(qn("w:rPr"))
                key = _key(rpr)
                for el in child:
                    if el.tag == qn("w:rPr"):
                        continue
                    if el.tag in TEXT_OF and not (el.tag == qn("w:br") and el.get(qn("w:type"))):
                        text = (el.text or "") if TEXT_OF[el.tag] is None else TEXT_OF[el.tag]
                        out.extend(Piece(c, rpr, key, link, None, target(link)) for c in text)
                    elif el.tag not in (qn("w:delText"), qn("w:instrText")):
                        run = etree.Element(qn("w:r"))
                        if rpr is not None:
                            run.append(copy.deepcopy(rpr))
                        run.append(copy.deepcopy(el))
                        out.append(Piece(ATOM, rpr, key, link, run, target(link)))
            elif child.tag == qn("w:smartTag"):
                walk(child, link)
            elif child.tag == qn("w:sdt") and child.find(qn("w:sdtContent")) is not None:
                walk(child.find(qn("w:sdtContent")), link)
    walk(p, None)
    return out


def _text(ps: list[Piece]) -> str:
    return "".join(x.char for x in ps)


def _diff(old: list[Piece], new: list[Piece]) -> list[tuple[str, str]]:
    """(op, text) turning OLD into NEW word by word; where a link's target changed, the link's
    whole text replaced, as a reader takes it in (LibreOffice mixes the two targets otherwise)."""
    ops = word_diff(_text(old), _text(new))
    a = b = 0
    for op, text in ops:
        if op == "equal" and any(x.target != y.target for x, y in zip(old[a:a + len(text)], new[b:b + len(text)])):
            break
        a += len(text) if op != "insert" else 0
        b += len(text) if op != "delete" else 0
    else:
        return ops
    olds, news = _tokens(old), _tokens(new)
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, olds, news, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("equal", "".join(t for t, _ in olds[i1:i2])))
            continue
        out += [(op, "".join(t for t, _ in ts)) for op, ts in (("delete", olds[i1:i2]), ("insert", news[j1:j2])) if ts]
    return out


def _tokens(ps: list[Piece]) -> list[tuple[str, str]]:
    """(text, link target) of the words of PS; a link's text is one token."""
    out: list[tuple[str, str]] = []
    for group in _groups(ps, lambda x: id(x.link)):
        text = _text(group)
        out += [(text, group[0].target)] if group[0].link is not None else [(t, "") for t in TOKEN.findall(text)]
    return out


def _groups(ps: list[Piece], key):
    """Consecutive pieces with the same key."""
    start = 0
    for k in range(1, len(ps) + 1):
        if k == len(ps) or key(ps[k]) != key(ps[start]):
            yield ps[start:k]
            start = k


class Redliner:
    def __init__(self, date: dt.datetime, pictures: Pictures | None = None):
        self.next_id = 9000  # clear of comment and bookmark ids
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.pictures = pictures  # carries the old pictures of deleted paragraphs into the new package
        self.links: tuple[Links, Links] | None = None  # of the old and the new part being redlined
        self.carried: dict[int, object] = {}  # old w:hyperlink → its copy for deleted text
        self.anchored: list[tuple[object, str]] = []  # (a carried link, the old bookmark it pointed to)
        self.counterpart: dict = {}  # old paragraph → the one standing for it once all is rejected
        self.notes: Notes | None = None

    def old_pieces(self, p) -> list[Piece]:
        return pieces(p, self.links[0] if self.links else None)

    def new_pieces(self, p) -> list[Piece]:
        return pieces(p, self.links[1] if self.links else None)

    def carry(self, link, shared: bool = True):
        """A copy of an old w:hyperlink for deleted text, pointing where it pointed: its address
        related in the new package (so rejecting keeps the link), its bookmark set in `anchor`.
        SHARED: the same copy for every deleted piece of that link."""
        if shared and id(link) in self.carried:
            return self.carried[id(link)]
        made = etree.Element(HYPERLINK, dict(link.attrib))
        rid = link.get(qn("r:id"))
        if rid and self.links is not None:
            rel = self.links[0].part.rels.get(rid)
            if rel is not None and rel.is_external:
                made.set(qn("r:id"), self.links[1].part.relate_to(rel.target_ref, RT.HYPERLINK, is_external=True))
            else:
                del made.attrib[qn("r:id")]
        if link.get(qn("w:anchor")):
            self.anchored.append((made, link.get(qn("w:anchor"))))
        if shared:
            self.carried[id(link)] = made
        return made

    def anchor(self, old_body) -> None:
        """Each carried link to a bookmark pointed at the bookmark of the paragraph that stands
        for the old one it marked."""
        marked = {b.get(qn("w:name")): p for p in old_body.iter(qn("w:p")) for b in p.iter(qn("w:bookmarkStart"))}
        for link, name in self.anchored:
            there = self.counterpart.get(marked.get(name))
            mark = next(there.iter(qn("w:bookmarkStart")), None) if there is not None else None
            if mark is not None:
                link.set(qn("w:anchor"), mark.get(qn("w:name")))

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
        if rpr is not None and len(rpr):
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

    def mark_paragraph(self, p, tag: str) -> None:
        """The paragraph mark itself inserted or deleted: the whole paragraph, or the break
        between it and the next one, goes with it."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = etree.Element(qn("w:pPr"))
            p.insert(0, ppr)
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("w:rPr"))
            later = [ppr.find(qn(t)) for t in ("w:sectPr", "w:pPrChange")]
            later = [el for el in later if el is not None]
            if later:  # the schema wants rPr before a section break
                later[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(tag))

    def _changed_rpr(self, new: Piece, old: Piece):
        """The new run properties, holding the old ones in w:rPrChange when they differ."""
        rpr = copy.deepcopy(new.rpr) if new.rpr is not None else etree.Element(qn("w:rPr"))
        if new.key != old.key:
            change = self.mark("w:rPrChange")
            before = etree.SubElement(change, qn("w:rPr"))
            for child in old.rpr if old.rpr is not None else ():
                before.append(copy.deepcopy(child))
            rpr.append(change)
        return rpr

    def rewrite(self, p, old: list[Piece], new: list[Piece]) -> None:
        """The paragraph's content rebuilt as unchanged, deleted and inserted runs."""
        for child in list(p):
            if child.tag not in KEEP:
                p.remove(child)
        out: list[tuple[object, object]] = []  # (link or None, element)
        a = b = 0
        for op, text in _diff(old, new):
            n = len(text)
            if op == "equal":
                pairs = list(zip(new[b:b + n], old[a:a + n]))
                for group in _groups(pairs, lambda x: (x[0].key, x[1].key, id(x[0].link), x[0].atom is not None,
                                                       x[0].target == x[1].target)):
                    first = group[0][0]
                    if first.target != group[0][1].target:  # the link's target changed: no tracked change for that
                        out += self._deleted([o for _, o in group], new, b)
                        out += self._inserted([x for x, _ in group])
                    elif first.atom is not None:
                        out += [(x.link, copy.deepcopy(x.atom)) for x, _ in group]
                    else:
                        out.append((first.link, self.run(self._changed_rpr(first, group[0][1]),
                                                         "".join(x.char for x, _ in group))))
                    b += len(group)
                a += n
            elif op == "delete":
                out += self._deleted(old[a:a + n], new, b)
                a += n
            else:
                out += self._inserted(new[b:b + n])
                b += n
        holder = None
        for link, el in out:
            if link is None:
                p.append(el)
                holder = None
                continue
            if holder is None or holder[0] is not link:
                holder = (link, etree.SubElement(p, HYPERLINK, dict(link.attrib)))
            holder[1].append(el)

    def _renote(self, el) -> bool:
        """A footnote reference of the old package pointed at its note in the new one."""
        if el.tag != qn("w:footnoteReference") or self.notes is None:
            return False
        new_id = self.notes.id(el.get(qn("w:id")))
        if new_id is not None:
            el.set(qn("w:id"), new_id)
        return new_id is not None

    def _deleted(self, old: list[Piece], new: list[Piece], b: int) -> list[tuple[object, object]]:
        """Old pieces as deleted runs before NEW[B], each in its old link: inside the new link
        there when that goes on on both sides and leads to the same place, else in a copy."""
        around = new[b - 1] if 0 < b < len(new) and new[b - 1].link is new[b].link else None
        out = []
        for group in _groups(old, lambda x: (x.key, x.atom is not None, id(x.link))):
            link = group[0].link
            if link is not None:
                link = around.link if around is not None and around.target == group[0].target else self.carry(link)
            wrap = self.mark("w:del")
            if group[0].atom is None:
                wrap.append(self.run(group[0].rpr, _text(group), deleted=True))
            for x in group if group[0].atom is not None else ():
                run = copy.deepcopy(x.atom)
                if all(self._renote(el) for el in run if el.tag != qn("w:rPr")):
                    wrap.append(run)
            if len(wrap):
                out.append((link, wrap))
        return out

    def _inserted(self, new: list[Piece]) -> list[tuple[object, object]]:
        out = []
        for group in _groups(new, lambda x: (x.key, id(x.link), x.atom is not None)):
            wrap = self.mark("w:ins")
            if group[0].atom is not None:
                wrap.extend(copy.deepcopy(x.atom) for x in group)
            else:
                wrap.append(self.run(group[0].rpr, _text(group)))
            out.append((group[0].link, wrap))
        return out

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
        self.mark_paragraph(p, tag)

    def inserted(self, p) -> None:
        self._wrap_all(p, "w:ins")

    def replace(self, old_p, new_p) -> None:
        """The old paragraph back before the new one, deleted; the new one inserted."""
        new_p.addprevious(self.deleted_copy(old_p))
        self.inserted(new_p)
        self.counterpart[old_p] = new_p.getprevious()

    def moved_to(self, old_p, new_p) -> None:
        """A paragraph moved here: its new text in w:moveTo, the words added since in w:ins. The
        removed words stand only in its old text (w:moveFrom): LibreOffice keeps a w:del nested
        in w:moveTo, whether it accepts or rejects it."""
        old, new = self.old_pieces(old_p), self.new_pieces(new_p)
        if [(x.char, x.key, x.target) for x in old] != [(x.char, x.key, x.target) for x in new]:
            self.rewrite(new_p, old, new)
            for d in list(new_p.iter(qn("w:del"))):
                d.getparent().remove(d)
        self._wrap_runs(new_p, "w:moveTo")
        self.mark_paragraph(new_p, "w:ins")  # as w:moveTo, LibreOffice's reject-all restyles the next paragraph

    def move_range(self, froms: list, tos: list) -> None:
        """One move: the range of its old paragraphs and of its new ones, named alike."""
        name = f"move{self.next_id}"
        for tag, ps in (("w:moveFrom", froms), ("w:moveTo", tos)):
            start = self.mark(tag + "RangeStart")
            start.set(qn("w:name"), name)
            ppr = ps[0].find(qn("w:pPr"))
            ps[0].insert(0 if ppr is None else 1, start)
            end = etree.SubElement(ps[-1], qn(tag + "RangeEnd"))
            end.set(qn("w:id"), start.get(qn("w:id")))

    def deleted_copy(self, old_p, tag: str = "w:del"):
        """A copy of an old paragraph, every run deleted (or moved from, TAG); its pictures, links
        and note references pointed at copies in the new package (so rejecting brings them back),
        its bookmarks renamed, other objects dropped, as they point into the old package."""
        p = copy.deepcopy(old_p)
        for link, old_link in zip(list(p.iter(HYPERLINK)), list(old_p.iter(HYPERLINK))):
            made = self.carry(old_link, shared=False)
            made.extend(list(link))
            link.getparent().replace(link, made)
        if self.pictures is not None:
            self.pictures.carry(p)
        dropped = COMPLEX - {DRAWING} if self.pictures is not None else COMPLEX
        for el in list(p.iter(*dropped, qn("w:footnoteReference"), qn("w:endnoteReference"), qn("w:sectPr"),
                              qn("w:instrText"))):
            if el.tag == qn("w:sectPr") and self._carry_section(el):
                continue
            if not self._renote(el):
                el.getparent().remove(el)
        ids: dict[str, str] = {}
        for mark in p.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):  # renamed clear of the new edition's
            new_id = ids.setdefault(mark.get(qn("w:id")), str(self.next_id + len(ids)))
            mark.set(qn("w:id"), new_id)
            if mark.get(qn("w:name")):
                mark.set(qn("w:name"), f"_Old{new_id}")
        self.next_id += len(ids)
        for t in p.iter(qn("w:t")):
            t.tag = qn("w:delText")
        self._wrap_runs(p, tag)
        self.mark_paragraph(p, "w:del")  # a moved paragraph's mark too, see moved_to
        return p

    def _carry_section(self, sect) -> bool:
        """A deleted paragraph's section break kept, so that rejecting restores its section; its
        running heads pointed at the new package's header or footer of the same content. One the
        new package lacks is left out: the section then shows the one before it, as in Word."""
        if self.links is None:
            return False
        old_part, new_part = self.links[0].part, self.links[1].part
        if not hasattr(self, "_same_parts"):
            self._same_parts = {}
            for rid, rel in new_part.rels.items():
                if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
                    self._same_parts.setdefault(rel.target_part.blob, rid)
        for ref in list(sect.iter(qn("w:headerReference"), qn("w:footerReference"))):
            rel = old_part.rels.get(ref.get(qn("r:id")))
            rid = self._same_parts.get(rel.target_part.blob) if rel is not None and not rel.is_external else None
            if rid:
                ref.set(qn("r:id"), rid)
            else:
                sect.remove(ref)
        return True

    def split(self, old_p, new_ps: list) -> None:
        """One old paragraph now several: each new one rewritten against its share of the old
        text, the marks between them inserted."""
        old, news = self.old_pieces(old_p), [self.new_pieces(p) for p in new_ps]
        at = [0, *cuts(_text(old), [_text(n) for n in news]), len(old)]
        for k, p in enumerate(new_ps):
            self.rewrite(p, old[at[k]:at[k + 1]], news[k])
            if k < len(new_ps) - 1:
                self.mark_paragraph(p, "w:ins")

    def merge(self, old_ps: list, new_p) -> list:
        """Several old paragraphs now one: the new one cut into as many, the marks between them
        deleted. → the paragraphs standing for each old one."""
        olds, new = [self.old_pieces(p) for p in old_ps], self.new_pieces(new_p)
        at = [0, *cuts(_text(new), [_text(o) for o in olds]), len(new)]
        made = []
        for k, old in enumerate(olds[:-1]):
            p = etree.Element(qn("w:p"))
            ppr = new_p.find(qn("w:pPr"))
            if ppr is not None:
                p.append(copy.deepcopy(ppr))
                for sect in p.iter(qn("w:sectPr")):
                    sect.getparent().remove(sect)
            new_p.addprevious(p)
            self.rewrite(p, old, new[at[k]:at[k + 1]])
            self.mark_paragraph(p, "w:del")
            made.append(p)
        self.rewrite(new_p, olds[-1], new[at[-2]:])
        return made + [new_p]


def _restyle(marker: Redliner, old_p, new_p) -> None:
    """A paragraph whose style changed (a Heading 2 now Heading 3): the old paragraph properties
    kept in w:pPrChange, so rejecting restores the old style."""
    def style(p) -> str | None:
        el = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return el.get(qn("w:val")) if el is not None else None
    if style(old_p) == style(new_p):
        return
    ppr = new_p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        new_p.insert(0, ppr)
    change = marker.mark("w:pPrChange")
    before = etree.SubElement(change, qn("w:pPr"))
    old_ppr = old_p.find(qn("w:pPr"))
    for child in old_ppr if old_ppr is not None else ():
        if child.tag not in (qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange")):
            before.append(copy.deepcopy(child))
    ppr.append(change)  # the last child of w:pPr, as the schema wants


def _headers(doc) -> list[tuple[str, object]]:
    """(chapter title, the header part of its section: its running head), in order."""
    levels = style_levels(doc.styles.element)
    body = doc.element.body
    titles = [paragraph_text(p) for p in body.iter(qn("w:p"))
              if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None and levels.get(s.get(qn("w:val"))) == 1]
    out = []
    for title, rid in zip(titles, chapter_headers(body, levels)):
        part = doc.part.related_parts.get(rid) if rid else None
        if part is not None:
            out.append((" ".join(title.split()), part))
    return out


def _redline_headers(marker: Redliner, old_doc, new_doc, anchors: tuple[dict, dict]) -> None:
    """Each chapter's running head that changed, tracked word by word in its header part. The
    chapters are paired by title, a renamed one by its place among those that differ."""
    olds, news = _headers(old_doc), _headers(new_doc)
    pairs = []
    matcher = SequenceMatcher(None, [t for t, _ in olds], [t for t, _ in news], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs += [(o, n) for (_, o), (_, n) in zip(olds[i1:i2], news[j1:j2])]
    done = set()
    for old, part in pairs:
        if id(part) in done:
            continue
        done.add(id(part))
        old_ps, new_ps = _paragraphs(old.element), _paragraphs(part.element)
        marker.links = (Links(old, anchors[0]), Links(part, anchors[1]))
        if len(old_ps) != len(new_ps):
            continue
        for o, n in zip(old_ps, new_ps):
            if any(el.tag in COMPLEX for el in (*o.iter(), *n.iter())):
                continue
            if paragraph_text(o) != paragraph_text(n):
                marker.rewrite(n, marker.old_pieces(o), marker.new_pieces(n))


def _paragraphs(root) -> list:
    return list(root.iter(qn("w:p")))


def _revisions(root) -> int:
    return sum(1 for _ in root.iter(*REVISIONS))


def _refuse_revisions(doc, notes, name: str) -> None:
    n = _revisions(doc.element) + (_revisions(notes) if notes is not None else 0)
    if n:
        raise InputError(error("E-DIFF-INPUT", Location(file=name),
                               f"the DOCX already holds {n} tracked change{'s' if n > 1 else ''} of its own, so a "
                               "redline on top of them could not be rejected back to either edition",
                               "accept or reject them in Word (Überprüfen → Annehmen/Ablehnen) and save, then "
                               "compare again; the summary and the HTML report do not need this"))


def _notes_part(doc):
    return next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml"), None)


def _notes(part) -> list:
    """The real footnotes of a footnotes part (not its separators)."""
    root = etree.fromstring(part.blob)
    return root, [n for n in root.iter(qn("w:footnote")) if n.get(qn("w:type")) in (None, "normal")]


def _notes_in_order(root, body) -> None:
    """The footnotes numbered and placed in the order of their references in BODY: LibreOffice
    gives the n-th reference the n-th note by number, whatever its id says."""
    notes = [n for n in root.iter(qn("w:footnote")) if n.get(qn("w:type")) in (None, "normal")]
    refs = list(body.iter(qn("w:footnoteReference")))
    order = list(dict.fromkeys([r.get(qn("w:id")) for r in refs] + [n.get(qn("w:id")) for n in notes]))
    number = {old: str(k) for k, old in enumerate(order, start=1)}
    for ref in refs:
        ref.set(qn("w:id"), number[ref.get(qn("w:id"))])
    for note in notes:
        note.set(qn("w:id"), number[note.get(qn("w:id"))])
        root.remove(note)
    root.extend(sorted(notes, key=lambda n: int(n.get(qn("w:id")))))


def _reformat(marker: Redliner, old_p, new_p) -> bool:
    """The same words with other formatting, link targets or note references: rewritten, the old
    formatting kept in w:rPrChange; a paragraph holding a field or picture replaced whole.
    → whether it was replaced."""
    if etree.tostring(old_p) == etree.tostring(new_p) and [marker.links[0].target(x) for x in old_p.iter(HYPERLINK)] \
            == [marker.links[1].target(x) for x in new_p.iter(HYPERLINK)]:  # most are, and this is quicker
        return False
    old, new = marker.old_pieces(old_p), marker.new_pieces(new_p)
    if [(x.char, x.key, x.target) for x in old] == [(x.char, x.key, x.target) for x in new]:
        return False
    if any(el.tag in COMPLEX for el in new_p.iter()):
        marker.replace(old_p, new_p)
        return True
    marker.rewrite(new_p, old, new)
    return False


class Notes:
    """Old footnotes copied into the new package, for the references in deleted text. A copy
    each, not the new note that stands for it: LibreOffice reads a note referred to twice wrongly."""

    def __init__(self, old_root, new_root):
        self.new_root = new_root
        self.old = {n.get(qn("w:id")): n for n in old_root.iter(qn("w:footnote"))}
        self.ids: dict[str, str] = {}
        self.next_id = max((int(n.get(qn("w:id"))) for n in new_root.iter(qn("w:footnote"))), default=0) + 1

    def id(self, old_id: str) -> str | None:
        if old_id not in self.ids and old_id in self.old:
            note = copy.deepcopy(self.old[old_id])
            note.set(qn("w:id"), str(self.next_id))
            self.new_root.append(note)
            self.ids[old_id], self.next_id = str(self.next_id), self.next_id + 1
        return self.ids.get(old_id)


class Pictures:
    """The pictures of both packages: what each paragraph shows (pixels and alt text), and the
    old ones copied into the new package for a deleted paragraph that shows them."""

    def __init__(self, old_doc, new_doc):
        self.old, self.new = old_doc.part, new_doc.part
        body = new_doc.element.body
        self.next_id = max((int(d.get("id")) for d in body.iter(DOC_PR) if (d.get("id") or "").isdigit()),
                           default=0) + 1

    def shown(self, p, part) -> list[tuple[str, str]]:
        """(alt text, the hash of the pixels) of each picture of paragraph P of PART."""
        out = []
        for drawing in p.iter(DRAWING):
            pr = next(drawing.iter(DOC_PR), None)
            digests = []
            for rid in blips(drawing):
                related = part.related_parts.get(rid)
                digests.append(pixel_digest(related.blob) if related is not None else "")
            out.append((pr.get("descr", "") if pr is not None else "", " ".join(digests)))
        return out

    def differ(self, old_p, new_p) -> bool:
        if next(old_p.iter(DRAWING), None) is None and next(new_p.iter(DRAWING), None) is None:
            return False
        return self.shown(old_p, self.old) != self.shown(new_p, self.new)

    def carry(self, p) -> None:
        """Points the pictures of P (a copy of an old paragraph) at copies of their images in
        the new package; a drawing that refers to anything else (a chart part) is dropped."""
        for drawing in list(p.iter(DRAWING)):
            refs = [(el, name) for el in drawing.iter() for name in el.attrib if name.startswith(R_NS)]
            # a chart may be an SVG with its PNG fallback: both images go along
            blip_refs = [(el, name) for el, name in refs if el.tag in (BLIP, SVG_BLIP) and name == EMBED]
            related = [self.old.related_parts.get(el.get(name)) for el, name in blip_refs]
            if len(blip_refs) != len(refs) or not blip_refs or None in related:
                drawing.getparent().remove(drawing)
                continue
            for (el, name), part in zip(blip_refs, related):
                self._carry_image(el, name, part)
            for pr in drawing.iter(DOC_PR):  # a drawing's id is unique in the document
                pr.set("id", str(self.next_id))
                self.next_id += 1

    def _carry_image(self, el, name: str, part) -> None:
        try:
            rid, _ = self.new.get_or_add_image(io.BytesIO(part.blob))
        except Exception:  # an SVG python-docx cannot add: the deleted copy shows its PNG fallback
            if el.tag != SVG_BLIP:
                raise
            el.getparent().getparent().remove(el.getparent())  # its a:ext in the a:blip's extLst
            return
        el.set(name, rid)


def _replace_pictures(marker: Redliner, old_ps: list, new_ps: list, i: int, j: int) -> None:
    """Paragraphs of the same text whose pictures differ in their pixels or alt text: the old
    paragraph back before the new one, deleted with its picture, the new one inserted. Word has
    no tracked change for a picture's image or description, so the picture is tracked as replaced."""
    if marker.pictures is None or not marker.pictures.differ(old_ps[i], new_ps[j]):
        return
    marker.replace(old_ps[i], new_ps[j])


def _keys(ps: list) -> list[str]:
    """What each paragraph is aligned by: its text; for an empty one that ends a section (its
    running head, its page setup) the chapter it ends, so that the break after one chapter is
    not matched with the break after another when chapters move."""
    out, chapter = [], ""
    for p in ps:
        text = " ".join(paragraph_text(p).split())
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val"), "").lower().replace("ü", "u") in ("heading1", "uberschrift1"):
            chapter = text
        out.append(f"§ {chapter}" if not text and p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None else text)
    return out


def _redline(marker: Redliner, old_ps: list, new_ps: list, end=None) -> None:
    """Marks every difference from OLD_PS in NEW_PS; END(copy) places a removed paragraph after
    the last one. Without END (footnotes), only changed paragraphs are marked: a note's
    reference comes and goes with the text that holds it."""
    a, b = _keys(old_ps), _keys(new_ps)
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for i, j in zip(range(block.a, block.a + block.size), range(block.b, block.b + block.size)):
            marker.counterpart[old_ps[i]] = new_ps[j]
            if _reformat(marker, old_ps[i], new_ps[j]):
                continue
            _restyle(marker, old_ps[i], new_ps[j])
            if end is not None:
                _replace_pictures(marker, old_ps, new_ps, i, j)
    stretches = list(align_paragraphs(a, b))
    for st in stretches:  # a table cell's paragraph stands for no paragraph outside a table, nor the reverse
        for i, j in [(i, j) for i, j in st.pairs if _in_cell(old_ps[i]) != _in_cell(new_ps[j])]:
            st.pairs.remove((i, j))
            st.olds.append(i)
            st.news.append(j)
        _cells_rewritten(st, old_ps, new_ps)
    moves = _moves(a, b, old_ps, new_ps, stretches) if end is not None else {}
    made = {}  # old index → its moved-from copy
    for st in stretches:
        first, last = {}, {}  # old index → the new paragraphs standing for it, to place removed ones
        for i, j in st.pairs:
            p = new_ps[j]
            if any(el.tag in COMPLEX for el in p.iter()):
                marker.replace(old_ps[i], p)
                first[i] = p.getprevious()
            else:
                marker.rewrite(p, marker.old_pieces(old_ps[i]), marker.new_pieces(p))
                _restyle(marker, old_ps[i], p)
                first[i] = marker.counterpart[old_ps[i]] = p
            last[i] = p
        if end is None:
            continue
        for i, js in st.splits:
            marker.split(old_ps[i], [new_ps[j] for j in js])
            first[i], last[i] = new_ps[js[0]], new_ps[js[-1]]
        for is_, j in st.merges:
            for i, p in zip(is_, marker.merge([old_ps[i] for i in is_], new_ps[j])):
                first[i] = last[i] = p
        anchor = new_ps[st.start] if st.start < len(new_ps) else None
        for i in sorted(st.olds):
            copy_ = made[i] = marker.deleted_copy(old_ps[i], "w:moveFrom" if i in moves else "w:del")
            later = min((k for k in first if k > i), default=None)
            cell = _in_cell(old_ps[i])
            if i - 1 in last:  # after the paragraph standing for the one before it …
                _outside(last[i - 1], cell).addnext(copy_)
            elif later is not None:  # … or before the one standing for the next one kept
                _outside(first[later], cell).addprevious(copy_)
            elif anchor is not None:
                _outside(anchor, cell).addprevious(copy_)
            else:
                end(copy_)
            first[i] = last[i] = marker.counterpart[old_ps[i]] = copy_
        moved_to = {j: i for i, j in moves.items()}
        for j in st.news:
            if j in moved_to:
                marker.moved_to(old_ps[moved_to[j]], new_ps[j])
            else:
                marker.inserted(new_ps[j])
    for block in _blocks(moves):
        marker.move_range([made[i] for i, _ in block], [new_ps[j] for _, j in block])


ADDED = (qn("w:ins"), qn("w:moveTo"))


def _added_mark(p) -> bool:
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    return rpr is not None and any(m.tag in ADDED for m in rpr)


def _column(p) -> int | None:
    """The column of the cell P ends (its last paragraph), else None."""
    cell = next(p.iterancestors(qn("w:tc")), None)
    if cell is None or p.getnext() is not None:
        return None
    return list(cell.getparent().iterchildren(qn("w:tc"))).index(cell)


def _cells_rewritten(st, old_ps: list, new_ps: list) -> None:
    """A cell's text replaced by unlike text is the cell rewritten, not its paragraph removed and
    another added: a cell cannot lose its last paragraph, so rejecting would leave it empty
    beside the old text. Paired in order, column by column, where both sides have as many."""
    olds = [i for i in sorted(st.olds) if _column(old_ps[i]) is not None]
    news = [j for j in sorted(st.news) if _column(new_ps[j]) is not None]
    if not olds or [_column(old_ps[i]) for i in olds] != [_column(new_ps[j]) for j in news]:
        return
    for i, j in zip(olds, news):
        st.olds.remove(i)
        st.news.remove(j)
        st.pairs.append((i, j))


def _in_cell(p) -> bool:
    return next(p.iterancestors(qn("w:tc")), None) is not None


def _outside(p, cell: bool):
    """Where a removed paragraph goes next to P: P itself, or for a paragraph that stood in no
    table cell, P's table as a whole (a table that is new holds none of the old text)."""
    if cell:
        return p
    tables = list(p.iterancestors(qn("w:tbl")))
    return tables[-1] if tables else p


def _inserted_rows(marker: Redliner, body) -> None:
    """A table row whose every paragraph is inserted is an inserted row (w:trPr/w:ins): rejecting
    takes the row away, where a cell's last paragraph could not go."""
    for row in body.iter(qn("w:tr")):
        ps = [p for p in row.iter(qn("w:p")) if paragraph_text(p).strip()]  # an empty cell's may match any
        if not ps or not all(_added_mark(p) for p in ps) or row.find(f"{qn('w:trPr')}/{qn('w:ins')}") is not None:
            continue
        if any(r.getparent().tag not in REVISIONS for p in ps for r in p.iter(qn("w:r"))):
            continue
        trpr = row.find(qn("w:trPr"))
        if trpr is None:
            trpr = etree.Element(qn("w:trPr"))
            row.insert(1 if row.find(qn("w:tblPrEx")) is not None else 0, trpr)
        change = trpr.find(qn("w:trPrChange"))
        (change.addprevious if change is not None else trpr.append)(marker.mark("w:ins"))


def _tracked_mark(p) -> bool:
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    return rpr is not None and any(m.tag in REVISIONS for m in rpr)


def _own_ppr(p) -> list:
    ppr = p.find(qn("w:pPr"))
    return [c for c in ppr if c.tag not in (qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange"))] if ppr is not None else []


def _marks_before(marker: Redliner, root) -> None:
    """Paragraphs added after a kept one, as LibreOffice needs them: the kept paragraph's mark
    inserted instead of the last added one's. Rejecting a paragraph whose own mark is inserted,
    LibreOffice joins the next paragraph to it and keeps its style when its text was moved (a
    heading after a section break turns body text); rejecting from the end of the kept one, it
    keeps the kept one's. Word joins a paragraph whose mark goes into the next one and takes that
    one's properties, so the last added paragraph holds the kept one's in w:pPrChange."""
    for kept, run in _tracked_runs(root, _added_mark):
        if not any(p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None for p in (kept, *run)):
            ppr = _mark_moved(marker, run[-1], kept, ADDED, "w:ins")
            if ppr.find(qn("w:pPrChange")) is None:
                change = marker.mark("w:pPrChange")
                kept_change = kept.find(f"{qn('w:pPr')}/{qn('w:pPrChange')}/{qn('w:pPr')}")
                etree.SubElement(change, qn("w:pPr")).extend(
                    copy.deepcopy(c) for c in (kept_change if kept_change is not None else _own_ppr(kept)))
                ppr.append(change)  # the last child of w:pPr


def _tracked_runs(root, marked):
    """(the kept paragraph before, the run): each run of consecutive paragraphs whose mark is
    MARKED and whose text is all tracked, after an untracked paragraph."""
    ps = list(root.iter(qn("w:p")))
    k = 0
    while k < len(ps):
        end = k
        while marked(ps[k]) and end + 1 < len(ps) and ps[end + 1] is ps[end].getnext() and marked(ps[end + 1]):
            end += 1
        kept, run = ps[k].getprevious(), ps[k:end + 1]
        if marked(ps[k]) and kept is not None and kept.tag == qn("w:p") and not _tracked_mark(kept) \
                and all(r.getparent().tag in REVISIONS for p in run for r in p.iter(qn("w:r"))):
            yield kept, run
        k = end + 1


def _mark_moved(marker: Redliner, last, kept, tags: tuple, tag: str):
    """LAST's paragraph mark untracked, KEPT's tracked (TAG) instead; → LAST's w:pPr."""
    ppr = last.find(qn("w:pPr"))
    rpr = ppr.find(qn("w:rPr"))
    for m in [m for m in rpr if m.tag in tags]:
        rpr.remove(m)
    if not len(rpr):
        ppr.remove(rpr)
    marker.mark_paragraph(kept, tag)
    return ppr


GONE = (qn("w:del"), qn("w:moveFrom"))


def _gone_mark(p) -> bool:
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    return rpr is not None and any(m.tag in GONE for m in rpr)


def _marks_after(marker: Redliner, root) -> None:
    """Paragraphs removed before a kept one, the mirror of _marks_before: the mark of the kept
    paragraph before them deleted instead of the last removed one's. Accepting a deleted mark,
    LibreOffice keeps the style of the paragraph whose mark goes (a heading after a removed
    paragraph turned body text); so the last removed paragraph takes the kept one's properties,
    its own kept in w:pPrChange for rejecting."""
    for kept, run in _tracked_runs(root, _gone_mark):
        after = run[-1].getnext()
        if after is not None and after.tag == qn("w:p") and not _tracked_mark(after) \
                and not any(p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None for p in (kept, *run)) \
                and not any(next(p.iter(DRAWING), None) is not None for p in (kept, *run, after)) \
                and run[-1].find(f"{qn('w:pPr')}/{qn('w:pPrChange')}") is None:
            ppr = _mark_moved(marker, run[-1], kept, GONE, "w:del")
            change = marker.mark("w:pPrChange")
            etree.SubElement(change, qn("w:pPr")).extend(copy.deepcopy(c) for c in _own_ppr(run[-1]))
            for c in _own_ppr(run[-1]):
                ppr.remove(c)
            for n, c in enumerate(_own_ppr(kept)):
                ppr.insert(n, copy.deepcopy(c))
            ppr.append(change)  # the last child of w:pPr


def _moves(a: list[str], b: list[str], old_ps: list, new_ps: list, stretches) -> dict[int, int]:
    """Old index → new index of each paragraph only in the old edition that stands elsewhere in
    the new one, maybe edited (a chapter reordered, a paragraph moved to another chapter): a long
    paragraph of the same or similar text, and its neighbours of the same text."""
    olds = [i for st in stretches for i in st.olds if a[i] and not _complex(old_ps[i])]
    news = [j for st in stretches for j in st.news if b[j] and not _complex(new_ps[j])]
    moves: dict[int, int] = {}
    for i in olds:
        if len(a[i]) < MOVED_LEAST:
            continue
        free = [j for j in news if j not in moves.values() and len(b[j]) >= MOVED_LEAST]
        best = max(free, key=lambda j: fuzz.ratio(a[i], b[j]), default=None)
        if best is not None and fuzz.ratio(a[i], b[best]) >= CHANGED_PARAGRAPH * 100:
            moves[i] = best
    left, right = set(olds) - set(moves), set(news) - set(moves.values())
    for i, j in sorted(moves.items()):  # the headings and short lines around a moved paragraph
        for step in (-1, 1):
            k = 1
            while i + step * k in left and j + step * k in right and a[i + step * k] == b[j + step * k]:
                moves[i + step * k] = j + step * k
                left.discard(i + step * k)
                right.discard(j + step * k)
                k += 1
    return moves


def _blocks(moves: dict[int, int]) -> list[list[tuple[int, int]]]:
    """Moved paragraphs that stay together, each one move."""
    out: list[list[tuple[int, int]]] = []
    for i, j in sorted(moves.items()):
        if out and out[-1][-1] == (i - 1, j - 1):
            out[-1].append((i, j))
        else:
            out.append([(i, j)])
    return out


def _complex(p) -> bool:
    return any(el.tag in COMPLEX for el in p.iter())


def redline(old_docx: bytes, new_docx: bytes, names: tuple[str, str] = ("old", "new")) -> bytes:
    """The new DOCX with the changes from the old one as tracked changes. The cyclic garbage
    collector pauses meanwhile: a long paragraph is a million small pieces (one per letter),
    and collecting again and again while they are made took most of its time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _redline_docx(old_docx, new_docx, names)
    finally:
        if paused:
            gc.enable()


def _redline_docx(old_docx: bytes, new_docx: bytes, names: tuple[str, str]) -> bytes:
    old_doc, new_doc = open_docx(io.BytesIO(old_docx)), open_docx(io.BytesIO(new_docx))
    old_part, new_part = _notes_part(old_doc), _notes_part(new_doc)
    old_notes = _notes(old_part) if old_part is not None else (None, [])
    new_notes = _notes(new_part) if new_part is not None else (None, [])
    _refuse_revisions(old_doc, old_notes[0], names[0])
    _refuse_revisions(new_doc, new_notes[0], names[1])
    created = new_doc.core_properties.created or dt.datetime(2000, 1, 1)
    marker = Redliner(created, Pictures(old_doc, new_doc))
    body = new_doc.element.body
    anchors = _anchors(old_doc.element.body), _anchors(body)
    if new_part is not None and old_notes[1]:
        # footnotes one paragraph each, as the renderer writes them; others are left alone
        olds = [n for n in old_notes[1] if len(_paragraphs(n)) == 1]
        news = [n for n in new_notes[1] if len(_paragraphs(n)) == 1]
        marker.links = (Links(old_part, anchors[0]), Links(new_part, anchors[1]))
        _redline(marker, [_paragraphs(n)[0] for n in olds], [_paragraphs(n)[0] for n in news])
        marker.notes = Notes(old_notes[0], new_notes[0])
    marker.links = (Links(old_doc.part, anchors[0]), Links(new_doc.part, anchors[1]))
    _redline(marker, _paragraphs(old_doc.element.body), _paragraphs(body),
             lambda p: body.find(qn("w:sectPr")).addprevious(p))
    _marks_before(marker, body)
    _marks_after(marker, body)
    _inserted_rows(marker, body)
    marker.anchor(old_doc.element.body)
    _redline_headers(marker, old_doc, new_doc, anchors)
    if marker.notes is not None:
        _notes_in_order(new_notes[0], body)
        new_part._blob = etree.tostring(new_notes[0], xml_declaration=True, encoding="UTF-8", standalone=True)
    return docx_package.package_bytes(new_doc)
