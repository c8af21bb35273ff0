"""Make a brochure type's Word reference document (styles only, no content).

    brochure type reference-docx TYPE [TYPE …] [--keep-page]

The colours come from the type's `theme.typ` (`#let accent = rgb("#17477e")` …), the font is the
PDF's (Source Sans Pro, embedded into every DOCX by the renderer). The renderer opens this file
and writes content with its styles, so editors can restyle a brochure type in Word (Format →
Styles) and save the file back without touching Python.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import re
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
import yaml
from lxml import etree

from pipeline.render import docx_package
from pipeline.render.docx_page import set_page
from pipeline.load.edition import TEMPLATE_FILE, Template
from pipeline.load import type_folders
from pipeline.load.template_check import own_file_findings, template_files
from pipeline.errors import InputError
from pipeline.load.page import parse_page
from pipeline.tree import Page

# Defaults (the first shipped type's theme); `build` replaces them with the type's theme.typ colours.
BLUE = RGBColor(0x17, 0x47, 0x7E)  # accent (headings)
RED = RGBColor(0xC8, 0x10, 0x2E)  # highlight (rules, borders)
GREY = RGBColor(0x56, 0x61, 0x6E)  # muted
INK = RGBColor(0x1B, 0x1F, 0x24)
TINT = "EAF0F7"  # box and table shading
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
FONT = "Source Sans Pro"  # the PDF's font; the renderer embeds it, so Word shows it everywhere

# Children of w:pPr in the order of the schema (CT_PPrBase, ECMA-376 Part 1 §17.3.1.26): Word
# and validators reject a w:pBdr or w:shd after w:spacing.
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")


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


def _set_ppr(style, element) -> None:
    """Put `element` into the style's paragraph properties at its schema place, replacing one of
    the same kind."""
    ppr = style.element.get_or_add_pPr()
    name = etree.QName(element).localname
    for old in ppr.findall(qn(f"w:{name}")):
        ppr.remove(old)
    later = PPR_ORDER[PPR_ORDER.index(name) + 1:]
    ppr.insert_element_before(element, *(f"w:{n}" for n in later))


def _border(style, sides=("left",), color=None, size=18, dash=False):
    kind = "dashed" if dash else "single"
    inner = "".join(f'<w:{s} w:val="{kind}" w:sz="{size}" w:space="6" w:color="{color or RED}"/>' for s in sides)
    _set_ppr(style, parse_xml(f"<w:pBdr {nsdecls('w')}>{inner}</w:pBdr>"))


def _no_border(style):
    _set_ppr(style, parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="nil"/></w:pBdr>'))


def _shade(style, fill=None):
    _set_ppr(style, parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill or TINT}"/>'))


def _no_hyphens(style):
    """Headings, titles and labels are never hyphenated, as in the PDF."""
    _set_ppr(style, parse_xml(f'<w:suppressAutoHyphens {nsdecls("w")}/>'))


def _right_tab(style, pos_cm: float, leader: str = "dot"):
    """A right-aligned tab stop (with leader) for the page numbers of the table of contents."""
    twips = round(pos_cm / 2.54 * 1440)
    _set_ppr(style, parse_xml(f'<w:tabs {nsdecls("w")}><w:tab w:val="right" w:leader="{leader}" w:pos="{twips}"/></w:tabs>'))


def _builtin(doc, style_id: str, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base="Normal"):
    """A style Word knows by its built-in id ('CommentText', 'Hyperlink'), which python-docx would
    derive from the name otherwise ('annotationtext')."""
    for style in doc.styles:
        if style.style_id == style_id:
            return style
    style = doc.styles.add_style(name, kind)
    style.element.styleId = style_id
    style.base_style = doc.styles[base]
    return style


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


TEXT_WIDTH_CM = 16.6  # the page less its side margins; `build` sets it from the type's page
BODY_PT = 10.5  # the body text when the type's brochure.typ sets no size
_TEXT_SIZE = re.compile(r"^#set text\([^)\n]*\bsize:\s*([\d.]+)pt", re.M)
RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _theme_fonts(doc) -> None:
    """Headings and body font of the theme (what Word's font menu calls +Headings, +Body)."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.THEME)
    theme = etree.fromstring(part.blob)
    for scheme in ("majorFont", "minorFont"):
        theme.find(f".//{{{A}}}{scheme}/{{{A}}}latin").set("typeface", FONT)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cover_styles(doc) -> None:
    """The cover's lines: white on the accent band, the items on tinted tiles below it."""
    publisher = _style(doc, "Cover Publisher")
    _font(publisher, 12, bold=True, color=WHITE)
    publisher.font.all_caps = True
    _para(publisher, after=0)
    for name, size, bold, before in (("Cover Subtitle", 20, False, 4), ("Cover Programme", 14, True, 10),
                                     ("Cover Note", 10, False, 12)):
        style = _style(doc, name)
        _font(style, size, bold=bold, color=WHITE)
        _para(style, before=before, after=2)
    rule = _style(doc, "Cover Rule")  # a short bar in the highlight colour under the title
    _font(rule, 4)
    _para(rule, before=6, after=10)
    _border(rule, sides=("bottom",), size=24)
    rule.paragraph_format.right_indent = Cm(TEXT_WIDTH_CM - 4.5)
    item = _style(doc, "Cover Item")
    _font(item, 12, bold=True, color=BLUE)
    _para(item, after=0)
    date = _style(doc, "Cover Date")
    _font(date, 10, color=GREY)
    _para(date, before=18, after=0)
    for name in ("Cover Publisher", "Cover Subtitle", "Cover Programme", "Cover Note", "Cover Item", "Cover Date"):
        _no_hyphens(doc.styles[name])


def _hex(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def build(path: str, page: Page, body_pt: float = BODY_PT) -> None:
    """Write the reference document to PATH: the styles, and PAGE's size and margins (Word has no
    facing pages here: left is the inside margin, right the outside one); the body text BODY_PT
    points, as the type's PDF sets it."""
    global TEXT_WIDTH_CM
    TEXT_WIDTH_CM = page.text_width_mm / 10
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sec = doc.sections[0]
    set_page(sec, page)

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
    # The document default font too, so text without a style (and Word's new paragraphs) match.
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    _theme_fonts(doc)

    s = doc.styles
    _font(s["Normal"], body_pt)
    _para(s["Normal"], after=6, line=1.15)
    # The title stands on the cover's accent band (the renderer draws the band).
    _font(s["Title"], 32, bold=True, color=WHITE)
    _para(s["Title"], before=24, after=6)
    _no_border(s["Title"])  # Word's own title has a rule under it
    _font(s["Subtitle"], 13, italic=False, color=GREY)
    for level in range(1, 10):
        # each level its own look: 1–3 in the accent colour, falling in size; 4 and below in
        # the ink colour, italic (Heading 3 and 4 are never told apart by half a point alone)
        h = s[f"Heading {level}"]
        size = {1: 20, 2: 13, 3: 11}.get(level, 10.5)
        _font(h, size, bold=True, italic=level >= 4, color=BLUE if level < 4 else INK)
        _para(h, before=18 if level == 1 else 12 if level < 4 else 9, after=6 if level < 4 else 3, keep_next=True)
    for name in ("Title", "Subtitle", *(f"Heading {n}" for n in range(1, 10)), "TOC Heading"):
        _no_hyphens(s[name])
    _font(s["Quote"], 11.5, italic=True, color=BLUE)
    _para(s["Quote"], before=10, after=2, indent=0.5)
    _border(s["Quote"])
    _font(s["Caption"], 8.5, bold=False, italic=True, color=GREY)
    _para(s["Caption"], before=2, after=10)
    for name in ("List Bullet", "List Number"):
        _font(s[name], body_pt)
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
    _border(placeholder, sides=("top", "left", "bottom", "right"), color=str(GREY), size=6, dash=True)
    _shade(placeholder)

    missing = _style(doc, "Missing Section")
    _font(missing, 10.5, bold=True, color=RED)
    _border(missing, sides=("top", "left", "bottom", "right"), size=8, dash=True)

    signature = _style(doc, "Signature")
    _para(signature, before=12, after=0)
    lines = _style(doc, "Address")
    _para(lines, after=6)
    _cover_styles(doc)
    toc_hint = _style(doc, "TOC Hint")
    _font(toc_hint, 8.5, italic=True, color=GREY)
    toc_hint.font.hidden = True  # a note for editors on screen, never printed

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
    for name, base in (("Table Bullet", "List Bullet"), ("Table Number", "List Number")):  # „- “ lines in a cell
        item = _style(doc, name, base=base)
        _font(item, 9)
        _para(item, after=1)
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

    for level in (1, 2, 3, 4, 5):  # a plan with groups lists its fields of action at level 4
        toc = _builtin(doc, f"TOC{level}", f"toc {level}")  # Word's own name: its TOC field uses them
        _font(toc, 10.5 if level == 1 else 9.5, bold=level == 1)
        _para(toc, before=6 if level == 1 else 0, after=2, indent=0.6 * (level - 1))
        _right_tab(toc, TEXT_WIDTH_CM)
    hyperlink = _builtin(doc, "Hyperlink", "Hyperlink", WD_STYLE_TYPE.CHARACTER, base="Default Paragraph Font")
    hyperlink.font.color.rgb = BLUE
    hyperlink.font.underline = True
    hyperlink.hidden = False
    hyperlink.unhide_when_used = True
    # python-docx's comments use these; the stock template does not define them.
    comment_text = _builtin(doc, "CommentText", "annotation text")
    _font(comment_text, 10)
    _para(comment_text, after=0)
    _builtin(doc, "CommentReference", "annotation reference", WD_STYLE_TYPE.CHARACTER,
             base="Default Paragraph Font").font.size = Pt(8)
    # Table Header is hyphenated where a header word is wider than its column could be made
    # (never broken without a hyphen); the renderer makes each column as wide as its header words.
    for name in ("Box Title", "Card Title", "Card Label", "Chart Title", "Figures Title",
                 "Contact Group", "Profile Label", "Quote Attribution"):
        _no_hyphens(s[name])

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
    # stylesWithEffects.xml is Word 2010's stale copy of the stock styles; Word reads styles.xml.
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == RT_STYLES_WITH_EFFECTS:
            del doc.part.rels[rid]
    out = io.BytesIO()
    doc.save(out)
    Path(path).write_bytes(docx_package.normalise(out.getvalue()))  # same styles, same bytes


def _template(folder: Path) -> Template:
    """What this tool needs of a type (its Typst files for the colours, its page), read without
    load_template: that one refuses a type whose reference.docx does not exist yet."""
    rel = type_folders.shown(folder / TEMPLATE_FILE)
    if findings := own_file_findings(folder, type_folders.shown(folder)):
        raise InputError(findings)
    raw = yaml.safe_load((folder / TEMPLATE_FILE).read_text(encoding="utf-8")) or {}
    typst = raw.get("typst", "brochure.typ")
    # this tool writes reference_docx and reads the Typst files: both only inside the type's folder
    wanted = {"typst": typst, "reference_docx": raw.get("reference_docx", "reference.docx")}
    if findings := template_files(wanted, folder, rel, must_exist=False):
        raise InputError(findings)
    return Template(name=folder.name, folder=folder, labels={},
                    typst=[type_folders.typst_file(folder, t) for t in (typst if isinstance(typst, list) else [typst])],
                    reference_docx=folder / raw.get("reference_docx", "reference.docx"),
                    page=parse_page(raw.get("page"), rel))


def body_size(template: Template) -> float:
    """The body text size (pt) of the type's PDF: the first top-level `#set text(… size: …)`."""
    for path in template.typst:
        if path.is_file() and "common" not in path.parts and (m := _TEXT_SIZE.search(path.read_text(encoding="utf-8"))):
            return float(m.group(1))
    return BODY_PT


def kept_page(reference: Path, page: Page) -> tuple[Page, float]:
    """The page and body size of an existing reference document (`--keep-page`): a type whose
    Word margins differ from its PDF's on purpose keeps them when its styles are remade."""
    old = Document(str(reference))
    sec = old.sections[-1]
    kept = dataclasses.replace(page, width_mm=sec.page_width.mm, height_mm=sec.page_height.mm,
                               top_mm=sec.top_margin.mm, bottom_mm=sec.bottom_margin.mm,
                               inside_mm=sec.left_margin.mm, outside_mm=sec.right_margin.mm)
    size = old.styles["Normal"].font.size
    return kept, size.pt if size else BODY_PT


def make(folder: Path, keep_page: bool = False) -> Path:
    """Writes the reference.docx of the type in FOLDER from its theme, page and body size; with
    KEEP_PAGE the existing document's page, margins and body size stay (the styles are remade)."""
    global BLUE, RED, GREY, INK, TINT
    template = _template(folder.resolve())
    theme = template.theme
    BLUE, RED = _hex(theme.get("accent", str(BLUE))), _hex(theme.get("highlight", str(RED)))
    GREY, INK = _hex(theme.get("muted", str(GREY))), _hex(theme.get("ink", str(INK)))
    TINT = theme.get("tint", TINT).lstrip("#").upper()
    page, size = template.page, body_size(template)
    if keep_page and template.reference_docx.is_file():
        page, size = kept_page(template.reference_docx, page)
    build(str(template.reference_docx), page, size)
    return template.reference_docx


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("types", nargs="+", type=Path, help="brochure type folders, e.g. templates/<type>")
    args.add_argument("--keep-page", action="store_true",
                      help="keep the page, margins and body size of the existing reference.docx (remake the styles only)")
    parsed = args.parse_args(argv)
    for folder in parsed.types:
        print(f"wrote {make(folder, parsed.keep_page)}")
