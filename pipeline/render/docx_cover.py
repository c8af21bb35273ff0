"""The Word file's cover, laid out like the PDF's (templates/<type>/brochure.typ `cover`).

An accent-coloured band from the top of the page (the whole page, or part of it) holds the
cover's lines in white, in the order the type's template.yaml gives under `docx_cover`:

    docx_cover:
      band: 62%                  # of the page height; 100% fills the page (the default)
      inset_mm: {x: 22, top: 34} # text inset in the band (default 24 and 40, as the PDFs)
      lines: [publisher, title, rule, programme, subtitle]
      # cover items not among the lines are drawn as tinted tiles under the band

The band is a one-cell table with an exact row height and cell shading, in a cover section
without margins: Word and LibreOffice both lay that out the same, and it stays text (no picture
needing alt text). The colours are the type's `theme.typ`, as for the PDF and the charts.
"""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from pipeline.load.template_check import COVER_LINES

DATE_ROW_MM = 40.0  # the band's bottom row holding the date, 30 mm above the page's edge as in the PDF
TILE_MM, GAP_MM, TILE_ROW_MM = 52.0, 5.0, 20.0  # tiles narrow on a page too small for three of them
BAND_PT = {"Title": 22, "Cover Subtitle": 13, "Cover Programme": 10, "Cover Publisher": 9}  # the title band's sizes
DEFAULT_LINES = list(COVER_LINES)  # the order, when template.yaml gives none (check_template vets a given one)
STYLES = {"publisher": "Cover Publisher", "title": "Title", "rule": "Cover Rule", "subtitle": "Cover Subtitle",
          "programme": "Cover Programme"}


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _percent(value, default: float) -> float:
    if value is None:
        return default
    text = str(value).strip().rstrip("%")
    return max(10.0, min(100.0, float(text))) / 100


def _table(rows: list[tuple[float, list[tuple[float, str]]]], indent_mm: float = 0, caption: str = "") -> str:
    """A borderless layout table: rows of (exact height mm, or 0 for as high as its text;
    [(cell width mm, cell tcPr extras)])."""
    widths = [w for w, _ in rows[0][1]]
    grid = "".join(f'<w:gridCol w:w="{_twips(w)}"/>' for w in widths)
    body = ""
    for height, cells in rows:
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{_twips(w)}" w:type="dxa"/>{extra}</w:tcPr></w:tc>'
                      for w, extra in cells)
        size = f'<w:trHeight w:val="{_twips(height)}" w:hRule="exact"/>' if height else ""
        body += f'<w:tr><w:trPr><w:cantSplit/>{size}</w:trPr>{tcs}</w:tr>'
    none = "".join(f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    caption_xml = f'<w:tblCaption w:val="{caption}"/>' if caption else ""
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{_twips(sum(widths))}" w:type="dxa"/>'
            f'<w:tblInd w:w="{_twips(indent_mm)}" w:type="dxa"/><w:tblBorders>{none}</w:tblBorders>'
            f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
            f'<w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
            f'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>{caption_xml}</w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>')


class CoverWriter:
    def __init__(self, writer):
        self.w = writer
        self.cover = writer.tree.cover
        layout = writer.cover_layout or {}
        self.band = _percent(layout.get("band"), 1.0)
        inset = layout.get("inset_mm") or {}
        self.inset_x = float(inset.get("x", 24))
        self.inset_top = float(inset.get("top", 40))
        self.lines = list(layout.get("lines") or DEFAULT_LINES)
        self.theme = writer.theme
        section = writer.docx.sections[-1]  # the reference document's page, before any section is added
        self.page_mm = (round(section.page_width.mm, 1), round(section.page_height.mm, 1))

    @property
    def full_page(self) -> bool:
        return self.band >= 0.999

    def _add(self, xml: str) -> Table:
        tbl = parse_xml(xml)
        body = self.w.docx.element.body
        body.find(qn("w:sectPr")).addprevious(tbl)
        return Table(tbl, self.w.docx._body)

    def _line_texts(self) -> list[tuple[str, str]]:
        c, labels = self.cover, self.w.labels
        values = {"publisher": c.publisher, "title": c.title, "rule": "", "subtitle": c.subtitle,
                  "programme": c.programme, "items": " · ".join(c.items)}
        out = []
        for name in self.lines:
            text = values.get(name, labels.get(name, ""))
            if text or name == "rule":
                out.append((STYLES.get(name, "Cover Note"), text, name if name in values else None))
        return out

    def _band(self) -> None:
        accent = _hex(self.theme["accent"])
        fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{accent}"/>'
        margins = (f'<w:tcMar><w:top w:w="{_twips(self.inset_top)}" w:type="dxa"/>'
                   f'<w:left w:w="{_twips(self.inset_x)}" w:type="dxa"/>'
                   f'<w:right w:w="{_twips(self.inset_x)}" w:type="dxa"/></w:tcMar>')
        width, height = self.page_mm
        if self.full_page:
            date_margins = (f'<w:tcMar><w:left w:w="{_twips(self.inset_x)}" w:type="dxa"/>'
                            f'<w:bottom w:w="{_twips(30)}" w:type="dxa"/>'
                            f'<w:right w:w="{_twips(self.inset_x)}" w:type="dxa"/></w:tcMar><w:vAlign w:val="bottom"/>')
            # 2 mm short of the page: the section's closing paragraph must still fit on it
            rows = [(height - DATE_ROW_MM - 2, [(width, fill + margins)]),
                    (DATE_ROW_MM, [(width, fill + date_margins)])]
        else:
            rows = [(height * self.band, [(width, fill + margins)])]
        table = self._add(_table(rows, caption=self.w.labels.get("cover", "Titelseite")))
        cell = _Cell(table._tbl.tr_lst[0].tc_lst[0], table)
        for style, text, name in self._line_texts():
            self.w._note(self.w._para(cell, style, text), self.cover, (name, text))
        if self.full_page:
            date_cell = _Cell(table._tbl.tr_lst[1].tc_lst[0], table)
            p = self.w._para(date_cell, "Cover Date", self.cover.date_text)
            self.w._note(p, self.cover, ("date_text", self.cover.date_text))
            p.paragraph_format.space_before = 0
            _white(p)

    def _tiles(self, items: list[str]) -> None:
        tint, highlight = _hex(self.theme["tint"]), _hex(self.theme["highlight"])
        tile = (f'<w:tcBorders><w:top w:val="single" w:sz="20" w:space="0" w:color="{highlight}"/></w:tcBorders>'
                f'<w:shd w:val="clear" w:color="auto" w:fill="{tint}"/>'
                f'<w:tcMar><w:left w:w="{_twips(3)}" w:type="dxa"/><w:right w:w="{_twips(3)}" w:type="dxa"/></w:tcMar>'
                '<w:vAlign w:val="center"/>')
        # three tiles a row, leaving on the right at least the inset (20 mm at most)
        size = min(TILE_MM, (self.page_mm[0] - self.inset_x - min(self.inset_x, 20.0) - 2 * GAP_MM) / 3)
        rows = []
        for start in range(0, len(items), 3):
            if start:
                rows.append((GAP_MM, [(size, ""), (GAP_MM, ""), (size, ""), (GAP_MM, ""), (size, "")]))
            cells = []
            for n in range(3):
                cells += ([(GAP_MM, "")] if n else []) + [(size, tile if start + n < len(items) else "")]
            rows.append((TILE_ROW_MM, cells))
        table = self._add(_table(rows, indent_mm=self.inset_x))
        for r, tr in enumerate(table._tbl.tr_lst):
            for c, tc in enumerate(tr.tc_lst):
                cell = _Cell(tc, table)
                index = (r // 2) * 3 + c // 2
                if r % 2 == 0 and c % 2 == 0 and index < len(items):
                    self.w._para(cell, "Cover Item", items[index])
                else:
                    cell.add_paragraph()  # a cell must hold a paragraph

    def title_band(self) -> None:
        """For a type without a cover page (`page.cover: false`): the cover's lines in a band of
        the accent colour across the text width at the top of the first page, as high as they
        need, followed by the date; the chapters start below it."""
        accent = _hex(self.theme["accent"])
        width = self.w.page_text_width / 36000  # EMU → mm
        margins = (f'<w:tcMar><w:top w:w="{_twips(4)}" w:type="dxa"/><w:left w:w="{_twips(8)}" w:type="dxa"/>'
                   f'<w:bottom w:w="{_twips(5)}" w:type="dxa"/><w:right w:w="{_twips(8)}" w:type="dxa"/></w:tcMar>')
        table = self._add(_table([(0, [(width, f'<w:shd w:val="clear" w:color="auto" w:fill="{accent}"/>' + margins)])],
                                 caption=self.w.labels.get("cover", "Titelseite")))
        cell = _Cell(table._tbl.tr_lst[0].tc_lst[0], table)
        lines = [line for line in self._line_texts() if line[2] != "rule"]
        for n, (style, text, name) in enumerate(lines):
            p = self.w._para(cell, style, text)
            self.w._note(p, self.cover, (name, text))
            p.paragraph_format.space_before = Mm(1) if n else 0
            p.paragraph_format.space_after = 0
            if style in BAND_PT:  # a band, not a cover page: its lines as large as in the PDF's band
                for run in p.runs:
                    run.font.size = Pt(BAND_PT[style])
        date = self.w._para(cell, "Cover Note", self.cover.date_text)
        date.paragraph_format.space_before = Mm(1)
        self.w._note(date, self.cover, ("date_text", self.cover.date_text))
        gap = self.w.docx.add_paragraph()  # keeps the band apart from a table that follows
        _tiny(gap)
        gap.paragraph_format.space_after = Mm(6)

    def write(self) -> None:
        self._band()
        items = [] if "items" in self.lines else self.cover.items
        if not self.full_page:
            gap = self.w.docx.add_paragraph()  # two tables in a row would merge into one
            _tiny(gap)
            gap.paragraph_format.space_after = Mm(12)
            if items:
                self._tiles(items)
            date = self.w._para(self.w.docx, "Cover Date", self.cover.date_text)
            date.paragraph_format.left_indent = Mm(self.inset_x)
            self.w._note(date, self.cover, ("date_text", self.cover.date_text))

    def finish(self, section, closing_paragraph) -> None:
        """The cover section without margins; its closing paragraph (holding the section break)
        as small as possible and, on a full-page band, in the band's colour."""
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = 0
        section.header_distance = section.footer_distance = 0
        _tiny(closing_paragraph)
        if self.full_page:
            ppr = closing_paragraph._p.get_or_add_pPr()
            shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{_hex(self.theme["accent"])}"/>')
            spacing = ppr.find(qn("w:spacing"))
            spacing.addprevious(shd)


def _tiny(paragraph) -> None:
    """A paragraph one point high: it only separates tables or ends the cover section."""
    pf = paragraph.paragraph_format
    pf.space_before = pf.space_after = 0
    pf.line_spacing = Mm(0.35)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/></w:rPr>'))
    sect = ppr.find(qn("w:sectPr"))
    if sect is not None:  # rPr comes before sectPr in pPr
        sect.addprevious(ppr.find(qn("w:rPr")))


def _white(paragraph) -> None:
    from docx.shared import RGBColor
    for run in paragraph.runs:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
