"""Content tree → DOCX with python-docx, using the brochure type's reference document styles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

from docx import Document as open_docx
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as Run_
from lxml import etree

from pipeline.render import docx_package
from pipeline.render import docx_widths
from pipeline.load import links
from pipeline.render.artwork import Artwork
from pipeline.render.docx_cover import CoverWriter
from pipeline.render.docx_fonts import embed_fonts
from pipeline.render.docx_page import follow_page, reference_columns, set_columns
from pipeline.render.docx_toc import Toc
from pipeline.tree import (
    Bibliography,
    Box,
    Cards,
    Chapter,
    Chart,
    Contacts,
    DataTable,
    Document,
    Figures,
    Lines,
    ListBlock,
    Paragraph,
    Photo,
    Placeholder,
    Profile,
    Quote,
    Run,
    Section,
    Signature,
    plain,
)

NESTED_INSET = Cm(1.6)  # a table inside a box or card is this much narrower than the text
EMU_PER_MM = 36000  # Word measures in English Metric Units
# Colours of the cover when the type's theme.typ defines none (the Halbzeitbilanz theme).
DEFAULT_THEME = {"accent": "#17477e", "highlight": "#c8102e", "muted": "#56616e", "ink": "#1b1f24",
                 "tint": "#eaf0f7"}


def _field(paragraph, instruction: str, placeholder: str = "", dirty: bool = False) -> None:
    """A complex field (PAGE, TOC …) that Word computes; `placeholder` shows until it does."""
    dirty_attr = ' w:dirty="true"' if dirty else ""
    p = paragraph._p
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"{dirty_attr}/></w:r>'))
    instr = parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"></w:instrText></w:r>')
    instr[0].text = f" {instruction} "
    p.append(instr)
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    result = parse_xml(f'<w:r {nsdecls("w")}/>')
    for i, line in enumerate(placeholder.split("\n")):
        if i:
            result.append(parse_xml(f'<w:br {nsdecls("w")}/>'))
        t = parse_xml(f'<w:t {nsdecls("w")} xml:space="preserve"/>')
        t.text = line
        result.append(t)
    p.append(result)
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))


def text_width(docx) -> int:
    """The text width (EMU) of the reference document's page: its width less the side margins."""
    section = docx.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


class DocxWriter:
    def __init__(self, doc: Document, reference: Path, edition_folder: Path, artwork: Artwork | None = None,
                 toc_depth: int = 2, cover: dict | None = None):
        self.tree = doc
        self.folder = edition_folder
        self.artwork = artwork or Artwork(edition_folder)
        self.theme = {**DEFAULT_THEME, **self.artwork.theme}
        self.cover_layout = cover or {}
        self.labels = doc.labels
        self.docx = open_docx(str(reference))
        self.page = doc.meta.page  # the type's page design: columns, cover, chapter breaks
        # The type's page, not the reference's: the Word file follows template.yaml `page:` as
        # the PDF does (check warns where reference.docx was made for another page).
        follow_page(self.docx.sections[-1], self.page)
        if reference_columns(self.docx.sections[-1]) > 1:
            set_columns(self.docx.sections[-1], 1, self.page.column_gap_mm)  # each chapter sets its own below
        self.page_text_width = text_width(self.docx)
        self.text_width = self.page_text_width
        self.footnotes = self._footnotes_root()
        self.next_footnote = 1
        self.numbering = self.docx.part.numbering_part.element
        self.body = self.docx  # where blocks go: the document, or a table cell (boxes, cards)
        self.part = self.docx.part  # whose relationships hyperlinks use: the document's, or the footnotes'
        self._style_ids: dict[str, str | None] = {}
        self.missing_styles: list[str] = []  # styles the reference document lacked, added plain
        self.used_styles: list[str] = []  # every style the writer asked for, in order
        self.toc = Toc(doc, toc_depth)
        # With notes on (the Word round trip), each paragraph written for the tree is noted with
        # its node and its text in segments: (field, text) for what came from the node, (None,
        # text) for the type's own words. The DOCX bytes are the same either way.
        self.notes: dict | None = None
        self.custom: dict[str, str] = {}  # custom document properties (name → text)

    def _note(self, paragraph, node, *segments: tuple[str | None, str]) -> None:
        if self.notes is not None:
            self.notes[paragraph._p] = (node, tuple(seg for seg in segments if seg[1]))

    # -- styles ---------------------------------------------------------------------------
    def _style(self, item, name: str) -> None:
        """Give a paragraph or table a style of the reference document, by its id.

        python-docx's own setter compares with the default style by scanning every style on
        each call, which made styling most of the DOCX rendering time."""
        sid = self._style_ids.get(name)
        if sid is None:
            sid = self._style_ids[name] = self._style_id(name, "table" if isinstance(item, DocxTable) else "paragraph")
        if isinstance(item, DocxTable):
            item._tbl.tblPr.style = sid
            return
        # pStyle is the first child of pPr, which is the first of the paragraph: set them
        # directly, as python-docx's generic insert scans every possible successor per call
        p = item._p
        ppr = p.pPr
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        pstyle = ppr.find(qn("w:pStyle"))
        if pstyle is None:
            pstyle = OxmlElement("w:pStyle")
            ppr.insert(0, pstyle)
        pstyle.set(qn("w:val"), sid)

    def _style_id(self, name: str, kind: str) -> str:
        """The id of a style of the reference document; one it lacks (an older type's
        reference.docx) is added as a plain style of that KIND, based on the document's own
        defaults, and noted in `missing_styles` for the build's and check's findings."""
        self.used_styles.append(name)
        try:
            return self.docx.styles[name].style_id
        except KeyError:
            from docx.enum.style import WD_STYLE_TYPE
            kinds = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "table": WD_STYLE_TYPE.TABLE,
                     "character": WD_STYLE_TYPE.CHARACTER}
            style = self.docx.styles.add_style(name, kinds[kind])
            if kind == "paragraph" and name != "Normal":
                style.base_style = next((s for s in self.docx.styles if s.name == "Normal"), None)
            self.missing_styles.append(name)
            return style.style_id

    def _char_style(self, name: str) -> str:
        """The id of a character style (a plain one added where the reference document lacks it)."""
        if name not in self._style_ids:
            self._style_ids[name] = self._style_id(name, "character")
        return self._style_ids[name]

    def _styled_run(self, paragraph, style: str):
        """A run in a character style, by its cached id (python-docx looks the name up among
        every style on each call: seconds for a chapter with thousands of footnotes)."""
        run = paragraph.add_run()
        sid = self._char_style(style)
        if sid is not None:
            run._r.get_or_add_rPr().style = sid
        return run

    def _para(self, container, style: str, text: str = ""):
        paragraph = container.add_paragraph()
        self._style(paragraph, style)
        if text:
            self._text(paragraph, text)
        return paragraph

    # -- package parts --------------------------------------------------------------------
    def _footnotes_part(self):
        for rel in self.docx.part.rels.values():
            if rel.reltype == RT.FOOTNOTES:
                return rel.target_part
        return None

    def _footnotes_root(self):
        part = self._footnotes_part()
        return etree.fromstring(part.blob) if part is not None else None

    def _store_footnotes(self) -> None:
        part = self._footnotes_part()
        if part is not None:
            part._blob = etree.tostring(self.footnotes, xml_declaration=True, encoding="UTF-8", standalone=True)

    # -- inline ---------------------------------------------------------------------------
    def _text(self, paragraph, text: str, bold=False, italic=False, style: str | None = None):
        """Text as runs, line breaks as breaks, and every e-mail and web address as a link."""
        parts = text.split("\n")
        for i, part in enumerate(parts):
            for piece, uri in links.split(part):
                if uri is not None:
                    run = self._link(paragraph, piece, uri)
                elif style is None and "\t" not in piece and "\r" not in piece:
                    run = paragraph.add_run()
                    if piece:
                        run._r.add_t(piece)  # what run.text does for plain text, without its per-character loop
                else:
                    run = paragraph.add_run(piece, style=style)
                run.bold = bold or None
                run.italic = italic or None
            if i < len(parts) - 1:
                # the break goes into the last run, unless that run is a link's
                (run if uri is None else paragraph.add_run()).add_break(WD_BREAK.LINE)

    def _link(self, paragraph, text: str, uri: str) -> Run_:
        """A w:hyperlink to an external address holding one run in the Hyperlink style."""
        rid = self.part.relate_to(uri, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        r = OxmlElement("w:r")
        link.append(r)
        run = Run_(r, paragraph)
        style = self._char_style("Hyperlink")
        if style:
            r.get_or_add_rPr().style = style
        r.add_t(text)
        return run

    def _runs(self, paragraph, runs: list[Run]) -> None:
        for r in runs:
            if r.footnote is not None:
                self._footnote(paragraph, r.footnote)
            else:
                self._text(paragraph, r.text, r.bold, r.italic)

    def _footnote(self, paragraph, note: list[Run]) -> None:
        if self.footnotes is None:  # reference document without footnotes part: inline note
            self._text(paragraph, " (" + "".join(r.text for r in note) + ")")
            return
        fid = self.next_footnote
        self.next_footnote += 1
        ref = self._styled_run(paragraph, "Footnote Reference")
        ref._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{fid}"/>'))
        # Write the note's paragraph with python-docx, then move it into footnotes.xml.
        holder = self._para(self.docx, "Footnote Text")
        mark = self._styled_run(holder, "Footnote Reference")
        mark._r.append(parse_xml(f'<w:footnoteRef {nsdecls("w")}/>'))
        holder.add_run(" ")
        outer, self.part = self.part, self._footnotes_part()  # links in a note relate from footnotes.xml
        self._runs(holder, note)
        self.part = outer
        p = holder._p
        p.getparent().remove(p)
        note_el = parse_xml(f'<w:footnote {nsdecls("w")} w:id="{fid}"/>')
        note_el.append(p)
        self.footnotes.append(note_el)

    # -- blocks ---------------------------------------------------------------------------
    def _new_list_number(self, start: int) -> int | None:
        """A fresh numbering instance so each numbered list starts at its own number."""
        self._style_id("List Number", "paragraph")
        num_pr = self.docx.styles["List Number"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        nums = self.numbering.findall(qn("w:num"))
        num_id = int(num_pr.find(qn("w:numId")).get(qn("w:val"))) if num_pr is not None else None
        if not any(int(n.get(qn("w:numId"))) == num_id for n in nums):
            if "List Number" not in self.missing_styles:
                self.missing_styles.append("List Number")
            return None  # a reference document without list numbering: the items go unnumbered
        abstract = next(n for n in nums if int(n.get(qn("w:numId"))) == num_id).find(qn("w:abstractNumId"))
        new_id = max(int(n.get(qn("w:numId"))) for n in nums) + 1
        self.numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract.get(qn("w:val"))}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'))
        return new_id

    def _list(self, block: ListBlock) -> None:
        num_id = self._new_list_number(block.start) if block.ordered else None
        for item in block.items:
            base = "List Number" if block.ordered and item.level == 0 else "List Bullet"
            style = base if item.level == 0 else f"{base} {min(item.level + 1, 3)}"
            p = self._para(self.body, style)
            if num_id is not None and item.level == 0:
                ppr = p._p.get_or_add_pPr()
                ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
            self._runs(p, item.runs)
            self._note(p, item, ("runs", plain(item.runs)))

    def _quote(self, q: Quote) -> None:
        p = self._para(self.body, "Quote", f"„{q.text}“")
        self._note(p, q, (None, "„"), ("text", q.text), (None, "“"))
        p = self._para(self.body, "Quote Attribution")
        self._text(p, q.speaker, bold=True)
        self._text(p, "\n" + q.role)
        self._note(p, q, ("speaker", q.speaker), (None, "\n"), ("role", q.role))

    def _picture(self, block: Photo | Chart, title: str) -> bool:
        """The block's prepared image in its own paragraph, with alt text (descr) for screen readers."""
        # a chart is drawn at the width it gets here (a column's), not scaled down into it
        asset = self.artwork.picture(block, "docx", room_mm=self._width() / EMU_PER_MM)
        if asset is None:
            return False
        p = self.body.add_paragraph()
        p.paragraph_format.keep_with_next = True
        run = p.add_run()
        run.add_picture(io.BytesIO(asset.data), width=min(Cm(asset.width_mm / 10), self._width()))
        doc_pr = run._r.find(".//" + qn("wp:docPr"))
        doc_pr.set("descr", block.alt)
        doc_pr.set("title", title)
        self._note(p, block)  # no text of its own; its alt text is the picture's descr
        return True

    def _photo(self, photo: Photo) -> None:
        if not self._picture(photo, photo.caption):
            self._para(self.body, "Photo Placeholder", self.labels.get("photo_missing", "Foto folgt"))
        caption = photo.caption + (f" ({photo.credit})" if photo.credit else "")
        p = self._para(self.body, "Caption", caption)
        self._note(p, photo, ("caption", photo.caption), (None, f" ({photo.credit})" if photo.credit else ""))

    def _chart(self, chart: Chart) -> None:
        p = self._para(self.body, "Chart Title", chart.title)
        p.paragraph_format.keep_with_next = True
        self._note(p, chart, ("title", chart.title))
        self._picture(chart, chart.title)
        if chart.source:
            label = f"{self.labels.get('source', 'Quelle')}: "
            self._note(self._para(self.body, "Caption", label + chart.source), chart, (None, label), ("source", chart.source))
        if chart.note:
            self._note(self._para(self.body, "Caption", chart.note), chart, ("note", chart.note))

    def _contacts(self, block: Contacts) -> None:
        labels = self.labels
        for c in block.contacts:
            if c.group:
                self._note(self._para(self.body, "Contact Group", c.group), c, ("group", c.group))
            lines = list(c.lines)
            units: list[list[tuple[str | None, str]]] = [[("lines", line)] for line in c.lines]
            for key, value in (("phone", c.phone), ("fax", c.fax), ("email", c.email)):
                if value:
                    lines.append(f"{labels.get(key, key)}: {value}")
                    units.append([(None, f"{labels.get(key, key)}: "), (key, value)])
            if c.web:
                lines.append(c.web)
                units.append([("web", c.web)])
            p = self._para(self.body, "Contact")
            self._text(p, "\n".join(lines))
            self._note(p, c, *[seg for i, unit in enumerate(units) for seg in ([(None, "\n")] if i else []) + unit])

    def _figures(self, block: Figures) -> None:
        self._note(self._para(self.body, "Figures Title", block.title.upper()), block, (None, block.title.upper()))
        for f in block.figures:
            p = self._para(self.body, "Figures")
            self._text(p, f.value, bold=True)
            self._text(p, f" {f.label}" + (f" ({f.note})" if f.note else ""))
            self._note(p, f, ("value", f.value), (None, " "), ("label", f.label),
                       *([(None, " ("), ("note", f.note), (None, ")")] if f.note else []))
        if block.source:
            self._para(self.body, "Figures", f"{self.labels.get('source', 'Quelle')}: {block.source}")

    # -- tables and boxes: real Word tables ------------------------------------------------
    def _grid(self, rows: int, widths: list[float], style: str = "Table Grid"):
        table = self.body.add_table(rows=rows, cols=len(widths))
        self._style(table, style)
        table.autofit = False
        total = self._width()
        emu = [int(total * w) for w in widths]
        # Straight on the XML: python-docx's column.cells rebuilds the whole cell grid per call.
        for col, width in zip(table._tbl.tblGrid.gridCol_lst, emu):
            col.w = width
        for tr in table._tbl.tr_lst:
            for tc, width in zip(tr.tc_lst, emu):
                tc.width = width
        return table

    def _width(self) -> int:
        """The width (EMU) a table or picture may take where blocks go now."""
        return self.text_width if self.body is self.docx else self.text_width - NESTED_INSET

    @staticmethod
    def _row_paragraphs(table, row: int):
        """The first paragraph of each cell in a row (cheaper than python-docx's row.cells)."""
        return [_Cell(tc, table).paragraphs[0] for tc in table._tbl.tr_lst[row].tc_lst]

    def _table_widths(self, b: DataTable) -> list[float]:
        """The tree's widths, with each column at least as wide as its content needs in Word
        (docx_widths: header words, addresses and phone numbers whole)."""
        if not b.widths:
            return b.widths
        sizes = [self._font_pt(name) for name in ("Table Text", "Table Header")]
        return docx_widths.fit([plain(h) for h in b.header], [[plain(c) for c in row] for row in b.rows],
                               b.widths, self._width() / 12700, CELL_PADDING_PT, *sizes)

    def _font_pt(self, style_name: str, default: float = 9.0) -> float:
        try:
            style = self.docx.styles[style_name]
        except KeyError:
            return default
        while style is not None:
            if style.font.size is not None:
                return style.font.size.pt
            style = style.base_style
        return default

    def _cell(self, first, cell, runs: list[Run], node, key: str) -> None:
        """A table cell's text: each typed line a paragraph; lines beginning „- “ or „• “ (or
        numbered 1., 2. …) a real Word list, as in the body text. A paragraph holding an e-mail
        or web address or a phone number is not hyphenated."""
        paragraph, numbering = first, None
        for n, line in enumerate(_lines(runs)):
            text = plain(line)
            m = CELL_ITEM.match(text)
            kind = None if m is None else ("number" if m["n"] else "bullet")
            if n:
                paragraph = cell.add_paragraph()
            if kind is None:
                self._style(paragraph, "Table Text")
                numbering = None
            else:
                level = min(len(m["indent"].replace("  ", "\u2003")), 2)
                name = "Table Number" if kind == "number" else "Table Bullet"
                fallback = "List Number" if kind == "number" else "List Bullet"
                self._style(paragraph, name if self._has_style(name) else fallback)
                if kind == "number":
                    if numbering is None:
                        numbering = self._new_list_number(int(m["n"]))
                    if numbering is not None:
                        ppr = paragraph._p.get_or_add_pPr()
                        ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{numbering}"/>'
                                             '</w:numPr>'))
                else:
                    numbering = None
                if level:
                    paragraph.paragraph_format.left_indent = Cm(0.5 + 0.4 * level)
                line = _without_marker(line, m.end())
                text = plain(line)
            self._runs(paragraph, line)
            if any(uri for _, uri in links.split(text)) or docx_widths.PHONE.search(text):
                paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:suppressAutoHyphens {nsdecls("w")}/>'))
            self._note(paragraph, node, (key, text))

    def _has_style(self, name: str) -> bool:
        if name not in self._style_ids:
            try:
                self._style_ids[name] = self.docx.styles[name].style_id
            except KeyError:
                return False
        return True

    def _table(self, b: DataTable) -> None:
        head = 1 if b.header else 0
        table = self._grid(head + len(b.rows), self._table_widths(b))
        if head:
            row = table.rows[0]
            # Repeat the header row at the top of every page the table runs onto.
            row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
            for p, runs in zip(self._row_paragraphs(table, 0), b.header):
                self._style(p, "Table Header")
                self._runs(p, runs)
                self._note(p, b, ("header", plain(runs)))
        names = [plain(h) for h in b.header]
        for r, cells in enumerate(b.rows, start=head):
            tcs = table._tbl.tr_lst[r].tc_lst
            for c, (tc, runs) in enumerate(zip(tcs, cells)):
                cell = _Cell(tc, table)
                self._cell(cell.paragraphs[0], cell, runs, b, f"row {r - head}, {names[c] if c < len(names) else c}")
        self._para(self.body, "Table Spacer")

    def _box(self, b: Box) -> None:
        """A one-cell table; its blocks are drawn into the cell, whose first paragraph holds the
        title (or is dropped when the box has none)."""
        cell = self._grid(1, [1.0], style="Box").cell(0, 0)
        first = cell.paragraphs[0]
        if b.title:
            self._style(first, "Box Title")
            self._text(first, b.title)
            self._note(first, b, ("title", b.title))
        outer, self.body = self.body, cell
        for inner in b.blocks:
            self._block(inner)
        self.body = outer
        if not b.title and len(cell.paragraphs) > 1:
            first._p.getparent().remove(first._p)
        self._para(self.body, "Table Spacer")

    def _cards(self, b: Cards) -> None:
        rows = -(-len(b.cards) // b.columns)
        table = self._grid(rows, [1 / b.columns] * b.columns, style="Cards")
        for n, card in enumerate(b.cards):
            cell = table.cell(n // b.columns, n % b.columns)
            self._style(cell.paragraphs[0], "Card Title")
            self._text(cell.paragraphs[0], card.title)
            self._note(cell.paragraphs[0], card, ("title", card.title))
            for f in card.fields:
                self._note(self._para(cell, "Card Label", f.label), card, (None, f.label))
                value = self._para(cell, "Card Text")
                self._text(value, f.value)
                self._note(value, card, (f"field {f.label}", f.value))
        self._para(self.body, "Table Spacer")

    def _profile(self, b: Profile) -> None:
        table = self._grid(len(b.fields), [0.28, 0.72], style="Profile")
        for row, f in zip(table.rows, b.fields):
            label, value = row.cells
            self._style(label.paragraphs[0], "Profile Label")
            self._text(label.paragraphs[0], f.label)
            self._note(label.paragraphs[0], b, (None, f.label))
            self._style(value.paragraphs[0], "Table Text")
            self._text(value.paragraphs[0], f.value)
            self._note(value.paragraphs[0], b, (f"field {f.label}", f.value))
        self._para(self.body, "Table Spacer")

    def _block(self, b) -> None:
        if isinstance(b, Paragraph):
            p = self.body.add_paragraph()
            self._runs(p, b.runs)
            self._note(p, b, ("runs", plain(b.runs)))
        elif isinstance(b, ListBlock):
            self._list(b)
        elif isinstance(b, Quote):
            self._quote(b)
        elif isinstance(b, Photo):
            self._photo(b)
        elif isinstance(b, Chart):
            self._chart(b)
        elif isinstance(b, Contacts):
            self._contacts(b)
        elif isinstance(b, Figures):
            self._figures(b)
        elif isinstance(b, Signature):
            p = self._para(self.body, "Signature")
            if b.closing:
                self._text(p, b.closing + "\n\n")
            self._text(p, b.name, bold=True)
            if b.role:
                self._text(p, "\n" + b.role)
            self._note(p, b, ("closing", b.closing), (None, "\n\n" if b.closing else ""), ("name", b.name),
                       (None, "\n" if b.role else ""), ("role", b.role))
        elif isinstance(b, Lines):
            p = self._para(self.body, "Address")
            self._text(p, "\n".join(b.lines))
            self._note(p, b, *[seg for i, line in enumerate(b.lines)
                               for seg in ([(None, "\n")] if i else []) + [("lines", line)]])
        elif isinstance(b, Placeholder):
            missing = self._para(self.body, "Missing Section")
            self._note(missing, b, ("placeholder", b.text))
            run = missing.add_run(b.text)
            if b.comment:
                author = self.labels.get("comment_author", "brochure")
                comment = self.docx.add_comment(run, text=b.comment, initials=_initials(author), author=author)
                # python-docx stamps the current time; the edition's date keeps builds byte-identical
                comment._comment_elm.date = dt.datetime.fromisoformat(self.tree.meta.date).replace(
                    tzinfo=dt.timezone.utc)
        elif isinstance(b, DataTable):
            self._table(b)
        elif isinstance(b, Box):
            self._box(b)
        elif isinstance(b, Cards):
            self._cards(b)
        elif isinstance(b, Profile):
            self._profile(b)
        elif isinstance(b, Bibliography):
            for entry in b.entries:
                p = self._para(self.body, "Bibliography")
                self._runs(p, entry.runs)
                self._note(p, entry, ("runs", plain(entry.runs)))
        else:  # a new block type must be taught to every renderer
            raise TypeError(f"DOCX renderer does not know block type {type(b).__name__}")

    def _heading(self, level: int, title: str, node=None) -> None:
        p = self._para(self.docx, f"Heading {min(level, 9)}", title)
        self.toc.mark(p, level, title)
        self._note(p, node, ("title", title))

    def _section(self, s: Section) -> None:
        self._heading(s.level, s.title, s)
        for b in s.blocks:
            self._block(b)
        for sub in s.sections:
            self._section(sub)

    # -- pages ----------------------------------------------------------------------------
    def _cover(self) -> CoverWriter:
        cover = CoverWriter(self)
        cover.write()
        return cover

    def _columns(self, section, kind: str) -> None:
        """The chapter's columns (template.yaml `page.columns`), and the width its tables and
        pictures may take: one column's."""
        count = self.page.columns_of(kind)
        gap = Cm(self.page.column_gap_mm / 10)
        self.text_width = (self.page_text_width - (count - 1) * gap) // count
        if self.page.columns > 1:  # a one-column type's sections keep the reference's own w:cols
            set_columns(section, count, self.page.column_gap_mm)

    def _start_chapter(self, ch: Chapter, first: bool) -> None:
        section = self.docx.add_section(WD_SECTION.NEW_PAGE)
        self._columns(section, ch.kind)
        self._furniture(section, ch.running_head, first)

    def _furniture(self, section, running_head: str, first: bool) -> None:
        """Running head (not on the section's first page) and, for the first, the page number
        with the edition's footer line above it."""
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        hp = header.paragraphs[0]
        mark = self.labels.get("draft", "")  # a draft says so on every page, in Word too
        hp.text = f"{mark} · {running_head}" if mark else running_head
        self._style(hp, "Header")
        section.first_page_header.is_linked_to_previous = False
        if mark:
            first = section.first_page_header.paragraphs[0]
            first.text = mark
            self._style(first, "Header")
        if first:  # one footer definition; later chapters link to it
            line = self.tree.meta.footer  # edition.yaml `footer:`, plain text as in the PDF's footer
            for footer in (section.footer, section.first_page_footer):
                footer.is_linked_to_previous = False
                fp = footer.paragraphs[0]
                fp.alignment = 1
                _field(fp, "PAGE", "1")
                if line:
                    above = fp.insert_paragraph_before(line)
                    above.alignment = 1
                    self._style(above, "Footer")

    def _chapter(self, ch: Chapter) -> None:
        if ch.kind == "contents":
            self._para(self.docx, "TOC Heading", ch.title)
            self.toc.write(self.docx, self._style)
            if self.labels.get("toc_hint"):  # hidden by its style: on screen for editors, never printed
                self._para(self.docx, "TOC Hint", self.labels["toc_hint"])
            return
        self._heading(1, ch.title, ch)
        if ch.subtitle:
            self._note(self._para(self.docx, "Subtitle", ch.subtitle), ch, ("subtitle", ch.subtitle))
        for b in ch.blocks:
            self._block(b)
        for s in ch.sections:
            self._section(s)

    def _properties(self) -> None:
        m = self.tree.meta
        date = dt.datetime.fromisoformat(m.date).replace(tzinfo=dt.timezone.utc)
        cp = self.docx.core_properties
        cp.title = m.title
        cp.subject = m.subtitle
        cp.author = m.author
        cp.last_modified_by = m.author
        cp.language = m.language
        cp.keywords = m.subtitle
        cp.comments = ""
        cp.category = ""
        cp.created = date
        cp.modified = date
        cp.last_printed = date
        cp.revision = 1

    def _custom_properties(self) -> None:
        """Custom document properties (docProps/custom.xml): readers do not see them, Word and
        LibreOffice keep them. The round trip finds there which state of the sources a copy was
        built from."""
        if not self.custom:
            return
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part
        from xml.sax.saxutils import escape, quoteattr
        props = "".join(f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{n}" name={quoteattr(k)}>'
                        f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
                        for n, (k, v) in enumerate(sorted(self.custom.items()), start=2))
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
               'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
               f'officeDocument/2006/docPropsVTypes">{props}</Properties>')
        package = self.docx.part.package
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml.encode("utf-8"), package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)

    def _flowing(self) -> None:
        """A type without a cover, or whose chapters run on (`page.cover: false`,
        `page.chapter_break: none`): a title band at the top of the first page where the type
        has no cover; chapters one below the other, a section break (continuous) only where the
        number of columns changes. The running head is the edition's title."""
        page, chapters = self.page, self.tree.chapters
        if page.cover:
            cover = self._cover()
            section = self.docx.add_section(WD_SECTION.NEW_PAGE)
            cover.finish(self.docx.sections[0], DocxParagraph(
                self.docx.sections[0]._sectPr.getparent().getparent(), self.docx._body))
        else:
            CoverWriter(self).title_band()
            section = self.docx.sections[-1]
        flow = page.chapter_break == "none"
        self._furniture(section, self.tree.meta.title if flow else chapters[0].running_head if chapters else "",
                        first=True)
        columns = None
        for i, ch in enumerate(chapters):
            count = page.columns_of(ch.kind)
            if i and not flow and not (ch.run_on and chapters[i - 1].kind != "contents"):
                self._start_chapter(ch, first=False)
            elif count != columns and (i or not page.cover):  # the title band stays in one column
                self._columns(self.docx.add_section(WD_SECTION.CONTINUOUS), ch.kind)
                self.docx.sections[-1].different_first_page_header_footer = False
            elif count != columns:
                self._columns(self.docx.sections[-1], ch.kind)
            columns = count
            self._chapter(ch)

    def render(self) -> bytes:
        self._properties()
        self._custom_properties()
        if not self.page.cover or self.page.chapter_break == "none":
            self._flowing()
            return self._finish()
        cover = self._cover()
        for i, ch in enumerate(self.tree.chapters):
            if ch.run_on and i > 0 and self.tree.chapters[i - 1].kind != "contents":
                self._chapter(ch)  # on the page of the chapter before, as in the PDF
                continue
            self._start_chapter(ch, first=(i == 0))
            if i == 0:  # the cover's section now ends in a paragraph of its own
                sect = self.docx.sections[0]._sectPr
                cover.finish(self.docx.sections[0], DocxParagraph(sect.getparent().getparent(), self.docx._body))
            self._chapter(ch)
        return self._finish()

    def _finish(self) -> bytes:
        self._store_footnotes()
        embed_fonts(self.docx)
        return docx_package.package_bytes(self.docx)


CELL_PADDING_PT = 10.8  # a Word table cell's inset, left and right together (Table Grid: 0.19 cm each)
# A list line in a cell: „- “, „• “ … as typed, or as cell_lists.as_cell shows it („•\u00a0“, „2.\u00a0“,
# an em space per level); a number only in that form, so „1. Februar 2010 …“ stays text.
CELL_ITEM = re.compile(r"^(?P<indent>[\u2003 ]*)(?:[-–•*·▪][ \u00a0]+(?=\S)|(?P<n>\d{1,2})[.)]\u00a0(?=\S))")


def _lines(runs: list[Run]) -> list[list[Run]]:
    """RUNS split at their line breaks, each line its runs (formatting and footnotes kept)."""
    lines: list[list[Run]] = [[]]
    for r in runs:
        if r.footnote is not None or "\n" not in r.text:
            lines[-1].append(r)
            continue
        for i, part in enumerate(r.text.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append(dataclasses.replace(r, text=part))
    return lines


def _without_marker(line: list[Run], length: int) -> list[Run]:
    """LINE less its first LENGTH characters (a list marker)."""
    out = []
    for r in line:
        if length and r.footnote is None:
            cut = min(length, len(r.text))
            length -= cut
            if r.text[cut:]:
                out.append(dataclasses.replace(r, text=r.text[cut:]))
        else:
            out.append(r)
    return out


def _initials(author: str) -> str:
    """'Strategie-Entwurf' → 'SE': Word shows them on the comment."""
    return "".join(w[0] for w in re.split(r"[\s-]+", author) if w).upper()[:4] or "B"


def render_docx(doc: Document, reference: Path, edition_folder: Path, artwork: Artwork | None = None,
                toc_depth: int = 2, cover: dict | None = None, custom: dict[str, str] | None = None,
                missing: list[str] | None = None) -> bytes:
    """The content tree as DOCX. `toc_depth`: heading levels in the table of contents (as the
    type's PDF prints them); `cover`: the type's `docx_cover` layout from template.yaml;
    `custom`: custom document properties; MISSING, when given, gets the styles the writer
    used that the reference document lacks (each written as a plain style instead)."""
    writer = DocxWriter(doc, reference, edition_folder, artwork, toc_depth, cover)
    writer.custom = dict(custom or {})
    data = writer.render()
    if missing is not None:
        missing += [name for name in dict.fromkeys(writer.missing_styles) if name not in missing]
    return data


def style_findings(missing: list[str], reference: Path, type_name: str) -> list:
    """A warning for each style the DOCX writer needed that the type's reference.docx lacks."""
    from pipeline.errors import Location, warning
    from pipeline.load.type_folders import shown
    return [warning("W-DOCX-STYLE", Location(file=shown(reference)),
                    f"the reference document of type '{type_name}' has no style '{name}': the Word file uses a plain "
                    "style of that name instead", "add the style to reference.docx in Word (Formatvorlagen), or make a "
                    "new reference.docx from a shipped type's (docs/templates.md)", args={"style": name})
            for name in missing]


def render_docx_noted(doc: Document, reference: Path, edition_folder: Path, artwork: Artwork | None = None,
                      toc_depth: int = 2, cover: dict | None = None,
                      custom: dict[str, str] | None = None) -> tuple[bytes, list[tuple[object, tuple]]]:
    """The DOCX of render_docx (the same bytes) and, for every paragraph of its body in document
    order (table cells included), the tree node it was written for and its text in segments
    ((None, ()) for what the engine adds by itself: cover, contents, spacers)."""
    writer = DocxWriter(doc, reference, edition_folder, artwork, toc_depth, cover)
    writer.notes = {}
    writer.custom = dict(custom or {})
    data = writer.render()
    body = writer.docx.element.body
    return data, [writer.notes.get(p, (None, ())) for p in body.iter(qn("w:p"))]
