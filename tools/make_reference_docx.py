"""Regenerate a brochure type's Word reference document (styles only, no content).

    python tools/make_reference_docx.py templates/halbzeitbilanz/reference.docx
    python tools/make_reference_docx.py templates/kiv-handbuch/reference.docx --accent 00586F --highlight E2761B --tint E8F2F4

The renderer opens this file and writes content with its styles, so editors can restyle a
brochure type in Word (Format → Styles) and save the file back without touching Python.
"""

from __future__ import annotations

import argparse

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

BLUE = RGBColor(0x17, 0x47, 0x7E)  # accent (headings), overridable with --accent
RED = RGBColor(0xC8, 0x10, 0x2E)  # highlight (rules, borders), --highlight
GREY = RGBColor(0x56, 0x61, 0x6E)
TINT = "EAF0F7"  # box and table shading, --tint
FONT = "Arial"  # present on every Word installation; the PDF uses Source Sans Pro


def _font(style, size=None, bold=None, italic=None, color=None, name=FONT):
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color


def _para(style, before=0, after=6, keep_next=False, indent=None, align=None, line=None):
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    if indent is not None:
        pf.left_indent = Cm(indent)
    if align is not None:
        pf.alignment = align
    if line is not None:
        pf.line_spacing = line


def _style(doc, name, base="Normal", kind=WD_STYLE_TYPE.PARAGRAPH):
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, kind)
        style.base_style = doc.styles[base]
        style.quick_style = True
        return style


def _border(style, sides=("left",), color="C8102E", size=18, dash=False):
    ppr = style.element.get_or_add_pPr()
    kind = "dashed" if dash else "single"
    inner = "".join(f'<w:{s} w:val="{kind}" w:sz="{size}" w:space="6" w:color="{color}"/>' for s in sides)
    ppr.append(parse_xml(f"<w:pBdr {nsdecls('w')}>{inner}</w:pBdr>"))


def _shade(style, fill=None):
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill or TINT}"/>'))


def _table_style(doc, name, borders="", fill=None, left=None):
    """A table style: outer/inner borders ('' = none), cell shading and margins."""
    style = _style(doc, name, base="Normal Table", kind=WD_STYLE_TYPE.TABLE)
    sides = {"": "", "grid": "top left bottom right insideH insideV", "rows": "top bottom insideH"}[borders]
    lines = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="A0A8B0"/>' for s in sides.split())
    if left:
        lines = f'<w:left w:val="single" w:sz="24" w:space="0" w:color="{left}"/>' + lines
    tbl = (f'<w:tblPr {nsdecls("w")}><w:tblBorders>{lines}</w:tblBorders>'
           '<w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="120" w:type="dxa"/>'
           '<w:bottom w:w="80" w:type="dxa"/><w:right w:w="120" w:type="dxa"/></w:tblCellMar></w:tblPr>')
    style.element.append(parse_xml(tbl))
    if fill:
        style.element.append(parse_xml(
            f'<w:tcPr {nsdecls("w")}><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr>'))
    return style


FOOTNOTES = f"""<w:footnotes {nsdecls('w')}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
</w:footnotes>"""


def build(path: str) -> None:
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin, sec.bottom_margin = Cm(2.4), Cm(2.2)

    # German document defaults: language for spell check and hyphenation.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f'<w:lang {nsdecls("w")}/>')
        rpr.append(lang)
    lang.set(qn("w:val"), "de-DE")
    lang.set(qn("w:eastAsia"), "de-DE")
    lang.set(qn("w:bidi"), "ar-SA")

    s = doc.styles
    _font(s["Normal"], 10.5)
    _para(s["Normal"], after=6, line=1.15)
    _font(s["Title"], 30, bold=True, color=BLUE)
    _para(s["Title"], before=60, after=12)
    s["Title"].element.get_or_add_pPr()  # keep Word's own title border off
    _font(s["Subtitle"], 18, italic=False, color=GREY)
    for level, size in ((1, 20), (2, 13), (3, 11)):
        h = s[f"Heading {level}"]
        _font(h, size, bold=True, italic=False, color=BLUE if level < 3 else RGBColor(0x1B, 0x1F, 0x24))
        _para(h, before=18 if level == 1 else 12, after=6, keep_next=True)
    _font(s["Quote"], 11.5, italic=True, color=BLUE)
    _para(s["Quote"], before=10, after=2, indent=0.5)
    _border(s["Quote"])
    _font(s["Caption"], 8.5, bold=False, italic=True, color=GREY)
    _para(s["Caption"], before=2, after=10)
    for name in ("List Bullet", "List Number"):
        _font(s[name], 10.5)
        _para(s[name], after=3)

    attribution = _style(doc, "Quote Attribution")
    _font(attribution, 9, color=GREY)
    _para(attribution, after=12, indent=0.5)
    _border(attribution)

    group = _style(doc, "Contact Group")
    _font(group, 8.5, bold=True, color=BLUE)
    _para(group, before=6, after=0, keep_next=True)
    _shade(group)
    contact = _style(doc, "Contact")
    _font(contact, 9.5)
    _para(contact, after=6)
    _shade(contact)

    box_title = _style(doc, "Figures Title")
    _font(box_title, 9, bold=True, color=BLUE)
    _para(box_title, after=2, keep_next=True)
    _shade(box_title)
    box = _style(doc, "Figures")
    _font(box, 9.5)
    _para(box, after=2)
    _shade(box)

    chart_title = _style(doc, "Chart Title")
    _font(chart_title, 9, bold=True, color=BLUE)
    _para(chart_title, before=10, after=2, keep_next=True)

    placeholder = _style(doc, "Photo Placeholder")
    _font(placeholder, 9, color=GREY)
    _para(placeholder, before=10, after=0, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    _border(placeholder, sides=("top", "left", "bottom", "right"), color="56616E", size=6, dash=True)
    _shade(placeholder)

    missing = _style(doc, "Missing Section")
    _font(missing, 10.5, bold=True, color=RED)
    _border(missing, sides=("top", "left", "bottom", "right"), color="C8102E", size=8, dash=True)

    signature = _style(doc, "Signature")
    _para(signature, before=12, after=0)
    lines = _style(doc, "Address")
    _para(lines, after=6)
    cover = _style(doc, "Cover Item")
    _font(cover, 13, bold=True, color=BLUE)
    _para(cover, after=4)
    toc_hint = _style(doc, "TOC Hint")
    _font(toc_hint, 8.5, italic=True, color=GREY)

    fn_text = _style(doc, "Footnote Text")
    _font(fn_text, 8)
    _para(fn_text, after=0)
    fn_ref = _style(doc, "Footnote Reference", base="Default Paragraph Font", kind=WD_STYLE_TYPE.CHARACTER)
    fn_ref.font.superscript = True

    # Tables, boxes, overview cards, profile headers and the bibliography.
    header = _style(doc, "Table Header")
    _font(header, 9, bold=True, color=BLUE)
    _para(header, after=0, keep_next=True)
    cell = _style(doc, "Table Text")
    _font(cell, 9)
    _para(cell, after=2)
    spacer = _style(doc, "Table Spacer")
    _font(spacer, 4)
    _para(spacer, after=0)
    box_title = _style(doc, "Box Title")
    _font(box_title, 10.5, bold=True, color=BLUE)
    _para(box_title, after=4, keep_next=True)
    card_title = _style(doc, "Card Title")
    _font(card_title, 10.5, bold=True, color=BLUE)
    _para(card_title, after=2, keep_next=True)
    card_label = _style(doc, "Card Label")
    _font(card_label, 7.5, color=GREY)
    _para(card_label, before=3, after=0, keep_next=True)
    card_text = _style(doc, "Card Text")
    _font(card_text, 8.5)
    _para(card_text, after=0)
    profile_label = _style(doc, "Profile Label")
    _font(profile_label, 9, bold=True, color=BLUE)
    _para(profile_label, after=2)
    bib = _style(doc, "Bibliography")
    _para(bib, after=6)
    bib.paragraph_format.left_indent = Cm(0.6)
    bib.paragraph_format.first_line_indent = Cm(-0.6)
    _table_style(doc, "Box", fill=TINT, left=str(RED))
    _table_style(doc, "Cards", borders="grid", fill=TINT)
    _table_style(doc, "Profile", borders="rows")

    for level in (1, 2):
        toc = _style(doc, f"TOC {level}")
        _para(toc, after=4, indent=0.4 * (level - 1))

    # Footnotes part, so the renderer can add real Word footnotes.
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)

    # Ask Word to refresh the TOC and page fields on opening; hyphenate automatically.
    # Word validates the order of settings children, so insert at the schema's places.
    settings = doc.settings.element
    settings.find(qn("w:defaultTabStop")).addnext(
        parse_xml(f'<w:autoHyphenation {nsdecls("w")} w:val="true"/>'))
    settings.find(qn("w:compat")).addprevious(
        parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))

    # Drop the stock thumbnail: it would show python-docx's sample page in file browsers.
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]
    doc.save(path)


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("path")
    args.add_argument("--accent", help="heading colour, RRGGBB")
    args.add_argument("--highlight", help="rule and border colour, RRGGBB")
    args.add_argument("--tint", help="box and table shading, RRGGBB")
    opts = args.parse_args()
    if opts.accent:
        BLUE = RGBColor.from_string(opts.accent)
    if opts.highlight:
        RED = RGBColor.from_string(opts.highlight)
    if opts.tint:
        TINT = opts.tint
    build(opts.path)
