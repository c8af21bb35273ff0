"""Markdown prose → content-tree sections and blocks.

CommonMark with HTML off, plus footnotes, pipe tables, fenced boxes (`::: name argument` …
`:::`) and citations (`[@key]`, `[vgl. @key, S. 16]`). What a box name or a citation key means
is the resolver's business (the assembler knows the tables); this module only reads syntax.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.errors import InputError, Location, error
from pipeline.load import address_chars, links
from pipeline.load.text import normalise, refuse_unprintable
from pipeline.sources import Place, SourceMap
from pipeline.tree import Block, Box, DataTable, ListBlock, ListItem, Paragraph, Run, Section

# HTML is off: '<b>' in an editor's text prints as '<b>'. No typographer: text stays as typed.
_MD = (MarkdownIt("commonmark", {"html": False, "typographer": False})
       .use(footnote_plugin).enable("table")
       .use(container_plugin, name="directive", validate=lambda params, markup: bool(params.strip())))
# A link's address prints as typed ('über-uns', 'münchen.de'), not as markdown-it escapes it
# ('%C3%BCber-uns', 'xn--mnchen-3ya.de'): the printed address is the link (links.target escapes it).
_MD.normalizeLink = lambda url: url


def link_address(href: str) -> str:
    """A Markdown link's address as printed: as typed; a plain 'mailto:info@stadt.de' as 'info@stadt.de'."""
    bare = href.removeprefix("mailto:")
    if bare != href and links.split(bare) == [(bare, href if href.isascii() else links.target(bare))]:
        return bare
    return href


def link_suffix(href: str, text: str) -> str:
    """What a Markdown link prints after its text: ' (address)', or nothing when the text is
    already that address. The address is content too: printed, never dropped, and it is what
    the outputs link (pipeline/load/links.py), so its link leads exactly to HREF."""
    if not href:
        return ""
    shown = link_address(href)
    text = text.strip()
    if text in (href, shown) or (text and links.split(text) == [(text, links.target(shown))]
                                 and links.split(shown)[0][1] == links.target(shown)):
        return ""
    return f" ({shown})"


def refuse_partial_link(href: str, where: Location) -> None:
    """A link's address the outputs would link only in part ('https://a.de/a b' → 'https://a.de/a')
    would lead elsewhere than typed: refused rather than linked."""
    shown = link_address(href)
    pieces = links.split(shown)
    if any(uri for _, uri in pieces) and pieces != [(shown, links.target(shown))]:
        linked = next(piece for piece, uri in pieces if uri)
        raise InputError(error("E-LINK-ADDRESS", where,
                               f"the link's address '{shown}' would be linked only as '{linked}', another address",
                               "write the address without spaces, quotes or brackets and without punctuation at "
                               "its end", args={"address": shown, "linked": linked}))


MAX_CHARS = 2_000_000  # per Markdown file
MAX_NESTING = 12  # quote and list levels; markdown-it drops text nested deeper than 20 without a word
_NESTING = re.compile(r"^((?:[ \t]*>)*)([ \t]*)")


def _depth(line: str) -> int:
    """How deeply a line is nested: its quote marks plus one level per two spaces of indent."""
    m = _NESTING.match(line)
    return m.group(1).count(">") + len(m.group(2).expandtabs(4)) // 2


# [@key], [@key, S. 16], [vgl. @key, S. 16], [@a; @b]
CITATION = re.compile(r"\[([^\[\]]*?(?<!\w)@[\w:.-]+[^\[\]]*)\]")
# '@' after a word character is an e-mail address ('[info@kassel.de]'); a prefix ending in ':' is
# a label before a handle ('[Twitter: @stadtkassel]'): neither is a citation.
_CITE_ITEM = re.compile(r"^\s*(?:(?P<prefix>[^@]*?[^@:\s])\s+)?@(?P<key>[\w:.-]+)\s*(?:,\s*(?P<locator>.*?))?\s*$")


@dataclass(frozen=True)
class Cite:
    key: str
    prefix: str = ""  # 'vgl.'
    locator: str = ""  # 'S. 16'


def citations(bracket: str) -> list[Cite] | None:
    """The citations inside one '[…]' (without the brackets), or None if it is not a citation."""
    items = []
    for part in bracket.split(";"):
        m = _CITE_ITEM.match(part)
        if not m:
            return None
        items.append(Cite(m["key"], m["prefix"] or "", m["locator"] or ""))
    return items


class Resolver(Protocol):
    """What the assembler answers while a Markdown file is read."""

    def cite(self, cites: list[Cite], where: Location) -> str: ...

    def directive(self, name: str, argument: str, blocks: list[Block], where: Location) -> list[Block]: ...


class Literal:
    """No tables to look things up in: citations print as typed, every box is a plain box."""

    def cite(self, cites: list[Cite], where: Location) -> str:
        return "(" + "; ".join(" ".join(x for x in (c.prefix, c.key, c.locator) if x) for c in cites) + ")"

    def directive(self, name: str, argument: str, blocks: list[Block], where: Location) -> list[Block]:
        return [Box(title=argument, blocks=blocks, kind=name)]

MAX_HEADING_LEVEL = 4


def slug(text: str) -> str:
    s = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "abschnitt"


class _Inline:
    """Turns one inline token stream into runs, resolving footnote references."""

    def __init__(self, notes: dict[int, list[Run]], resolver: Resolver | None = None, file: str = "",
                 chapter: str = ""):
        self.notes = notes
        self.resolver = resolver or Literal()
        self.file = file
        self.chapter = chapter

    def _text(self, text: str, token: Token, bold: bool, italic: bool) -> list[Run]:
        """Plain text, with citations replaced by what the resolver prints for them."""
        where = Location(file=self.file, row=(token.map or [0])[0] + 1, chapter=self.chapter)
        address_chars.refuse(text, where)  # as written with character codes ('&#x261;')
        _printable(text, where)
        out: list[Run] = []
        last = 0
        for m in CITATION.finditer(text):
            cites = citations(m.group(1))
            if cites is None:
                continue
            out.append(Run(text[last:m.start()], bold, italic))
            where = Location(file=self.file, row=(token.map or [0])[0] + 1, chapter=self.chapter)
            out.append(Run(self.resolver.cite(cites, where), bold, italic))
            last = m.end()
        out.append(Run(text[last:], bold, italic))
        return [r for r in out if r.text]

    def runs(self, token: Token) -> list[Run]:
        out: list[Run] = []
        bold = italic = False
        link, link_at = "", 0
        for child in token.children or []:
            t = child.type
            if t == "strong_open":
                bold = True
            elif t == "strong_close":
                bold = False
            elif t == "em_open":
                italic = True
            elif t == "em_close":
                italic = False
            elif t == "text":
                out.extend(self._text(child.content, token, bold, italic))
            elif t in ("code_inline", "html_inline"):
                out.append(Run(child.content, bold, italic))
            elif t == "softbreak":
                out.append(Run(" ", bold, italic))
            elif t == "hardbreak":
                out.append(Run("\n", bold, italic))
            elif t == "footnote_ref":
                note = self.notes.get(child.meta["id"], [])
                out.append(Run("", bold, italic, footnote=note))
            elif t == "link_close" and link_suffix(link, "".join(r.text for r in out[link_at:])):
                out.append(Run(link_suffix(link, "".join(r.text for r in out[link_at:])), bold, italic))
            elif t == "link_open":
                link, link_at = str(child.attrs.get("href", "")), len(out)
                where = Location(file=self.file, row=(token.map or [0])[0] + 1, chapter=self.chapter)
                address_chars.refuse(link, where, whole=True)
                refuse_partial_link(link, where)
            elif t == "image":
                raise InputError(error("E-MARKDOWN-IMAGE", Location(file=self.file, row=(token.map or [0])[0] + 1,
                                                                    chapter=self.chapter),
                                       f"'![{child.content}](…)' would place an image from the text",
                                       "add the photo as a row of the photos table (chapter, section, file, caption, "
                                       "alt text) and delete this line"))
        return _merge(out)


def _printable(text: str, where: Location) -> None:
    """A character the outputs cannot carry, typed or written as an entity ('&#7;', '&#128512;')."""
    refuse_unprintable(text, where, " or its &#…; code")


_ENTITY = re.compile(r"&#([0-9]{1,7}|[xX][0-9a-fA-F]{1,6});")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_LINK_DEF = re.compile(r"^ {0,3}\[([^\]^][^\]]*)\]:\s*(\S+)")


def _definitions(lines: list[str], file: str, chapter: str, tokens: list[Token]) -> None:
    """Footnotes and link definitions that would vanish: defined twice, or never used."""
    notes: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        m = _FOOTNOTE_DEF.match(line)
        if not m:
            continue
        where = Location(file=file, row=number, chapter=chapter)
        if m.group(1) in notes:
            raise InputError(error("E-FOOTNOTE", where, f"footnote [^{m.group(1)}] is defined twice "
                                   f"(lines {notes[m.group(1)]} and {number}); only one text can be printed",
                                   "give the second footnote its own label, e.g. [^2]"))
        notes[m.group(1)] = number
    body = "\n".join(line for line in lines if not _FOOTNOTE_DEF.match(line))
    for label, number in notes.items():
        if f"[^{label}]" not in body:
            raise InputError(error("E-FOOTNOTE", Location(file=file, row=number, chapter=chapter),
                                   f"footnote [^{label}] is never referenced, so its text would not be printed",
                                   f"put [^{label}] where the note belongs, or delete the footnote"))
    used = {str(t.attrs.get("href", "")) for tok in tokens for t in (tok.children or []) if t.type == "link_open"}
    for number, line in enumerate(lines, start=1):
        m = _LINK_DEF.match(line)
        if m and m.group(2).strip("<>") not in used and not any(m.group(2) in u for u in used):
            raise InputError(error("E-UNUSED-LINK", Location(file=file, row=number, chapter=chapter),
                                   f"the link definition [{m.group(1)}] is used by no link, so '{m.group(2)}' would "
                                   "not be printed", f"write the address in the text, or refer to it as [text][{m.group(1)}]"))


def _cell_count(line: str) -> int:
    """Cells of a pipe-table row as typed ('\\|' is a character, not a separator)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return len(re.split(r"(?<!\\)\|", inner))


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for r in runs:
        if merged and r.footnote is None and merged[-1].footnote is None \
                and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic)
        else:
            merged.append(r)
    return merged


def _footnotes(tokens: list[Token], resolver: Resolver | None, file: str, chapter: str) -> dict[int, list[Run]]:
    notes: dict[int, list[Run]] = {}
    inline = _Inline({}, resolver, file, chapter)
    current: int | None = None
    for tok in tokens:
        if tok.type == "footnote_open":
            current = tok.meta["id"]
            notes[current] = []
        elif tok.type == "footnote_close":
            current = None
        elif current is not None and tok.type == "inline":
            if notes[current]:
                notes[current].append(Run(" "))
            notes[current].extend(inline.runs(tok))
    return notes


def _widths(line: str, columns: int) -> list[float]:
    """Relative column widths from a pipe table's delimiter row: '|--|------|' gives 1:3."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    dashes = [max(1, c.count("-")) for c in cells][:columns]
    dashes += [3] * (columns - len(dashes))
    total = sum(dashes)
    return [round(d / total, 4) for d in dashes]


def _table(tokens: list[Token], i: int, lines: list[str], inline: _Inline) -> tuple[DataTable, int]:
    """Read one table starting at tokens[i] (table_open); return it and the index after it."""
    start = (tokens[i].map or [0])[0]
    first = i
    header: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    in_head = False
    i += 1
    while tokens[i].type != "table_close":
        t = tokens[i].type
        if t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open" and not in_head:
            rows.append([])
        elif t == "inline":
            cell = inline.runs(tokens[i])
            (header if in_head else rows[-1]).append(cell)
        i += 1
    columns = len(header)
    for tok in tokens[first:i]:
        if tok.type == "tr_open" and tok.map and tok.map[0] > start + 1:
            line = lines[tok.map[0]]
            if _cell_count(line) > columns:
                raise InputError(error("E-TABLE-CELLS", Location(file=inline.file, row=tok.map[0] + 1, chapter=inline.chapter),
                                       f"the table row has {_cell_count(line)} cells but the header only {columns}; "
                                       "the extra cells would not be printed",
                                       "add a column to the header row, or join the cells"))
    rows = [r + [[] for _ in range(columns - len(r))] for r in rows]
    delimiter = lines[start + 1] if start + 1 < len(lines) else ""
    return DataTable(header=header, rows=rows, widths=_widths(delimiter, columns)), i + 1


def parse(source: str, file: str, chapter: str, resolver: Resolver | None = None,
          places: SourceMap | None = None) -> tuple[list[Block], list[Section]]:
    """Blocks before the first heading, and the sections (## …) with their subsections. With
    PLACES, every block, list item and section is noted with its lines in FILE."""
    source = normalise(source)
    if len(source) > MAX_CHARS:
        raise InputError(error("E-TOO-LARGE", Location(file=file), f"the text has {len(source)} characters; at most "
                               f"{MAX_CHARS} are read", "split the chapter into several files"))
    lines = source.splitlines()
    for number, line in enumerate(lines, start=1):
        depth = _depth(line)
        if depth > MAX_NESTING:
            raise InputError(error("E-TOO-DEEP", Location(file=file, row=number),
                                   f"quotes or lists are nested {depth} levels deep; at most {MAX_NESTING} are printed",
                                   "remove '>' marks or indentation; a brochure never needs such depth"))
        # before a zero-width space is called unprintable; '&#xAD;' counts as the character it stands for
        address_chars.refuse(html.unescape(line), Location(file=file, row=number))
        for m in _ENTITY.finditer(line):  # markdown-it would turn '&#7;' into U+FFFD unseen
            code = int(m.group(1)[1:], 16) if m.group(1)[0] in "xX" else int(m.group(1))
            ch = chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\x00"
            try:
                _printable(ch, Location(file=file, row=number))
            except InputError as exc:
                f = exc.findings[0]
                raise InputError(replace(f, message=f"the character code {m.group(0)} stands for "
                                         + f.message.removeprefix("contains "))) from None
        refuse_unprintable(line, Location(file=file, row=number))
    resolver = resolver or Literal()
    tokens = _MD.parse(source)
    _definitions(lines, file, chapter, tokens)
    inline = _Inline(_footnotes(tokens, resolver, file, chapter), resolver, file, chapter)
    intro: list[Block] = []
    top: list[Section] = []
    stack: list[Section] = []
    boxes: list[tuple[str, str, Location, list[Block]]] = []  # open '::: name argument' fences
    lists: list[tuple[ListBlock, int]] = []  # open lists with their nesting depth
    used_ids: set[str] = set()
    in_note = 0

    def where(tok: Token) -> Location:
        return Location(file=file, row=(tok.map or [0])[0] + 1, chapter=chapter)

    def noted(node, tok: Token):
        if places is not None and tok.map:
            places.note(node, Place(file, line=tok.map[0] + 1, end=tok.map[1]))
        return node

    def sink() -> list[Block]:
        if boxes:
            return boxes[-1][3]
        return stack[-1].blocks if stack else intro

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t == "footnote_block_open":
            in_note += 1
        elif t == "footnote_block_close":
            in_note -= 1
        elif in_note:
            pass
        elif t == "heading_open":
            level = int(tok.tag[1])
            title = "".join(r.text for r in inline.runs(tokens[i + 1])).strip()
            if level == 1 or level > MAX_HEADING_LEVEL:
                raise InputError(error(
                    "E-HEADING-LEVEL", where(tok),
                    f"heading level {level} ('{title}') is not allowed here",
                    "the chapter title comes from edition.yaml; start sections with '## ' and subsections with '### '"))
            if boxes:
                raise InputError(error(
                    "E-HEADING-IN-BOX", where(tok), f"heading '{title}' is inside the box opened in line {boxes[-1][2].row}",
                    "close the box with a line ':::' before the heading, or write the line in **bold** instead"))
            sid = slug(title)
            while sid in used_ids:
                sid += "-2"
            used_ids.add(sid)
            section = noted(Section(id=sid, title=title, level=level), tok)
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].sections if stack else top).append(section)
            stack.append(section)
            i += 3
            continue
        elif t == "container_directive_open":
            name, _, argument = tok.info.strip().partition(" ")
            boxes.append((name, argument.strip(), where(tok), []))
        elif t == "container_directive_close":
            name, argument, at, blocks = boxes.pop()
            sink().extend(_fenced(resolver.directive(name, argument, blocks, at), at, places))
        elif t == "table_open":
            table, next_i = _table(tokens, i, lines, inline)
            sink().append(noted(table, tok))
            i = next_i
            continue
        elif t in ("bullet_list_open", "ordered_list_open"):
            depth = len(lists)
            if depth == 0:
                start = int(tok.attrs.get("start", 1)) if tok.attrs else 1
                block = noted(ListBlock(ordered=(t == "ordered_list_open"), items=[], start=start), tok)
                sink().append(block)
            else:
                block = lists[-1][0]
            lists.append((block, depth))
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "inline" and lists:
            block, depth = lists[-1]
            block.items.append(noted(ListItem(inline.runs(tok), level=depth), tokens[i - 1]))
        elif t == "inline" and tokens[i - 1].type == "paragraph_open":
            sink().append(noted(Paragraph(inline.runs(tok)), tokens[i - 1]))
        elif t in ("fence", "code_block"):
            # Indented text is still the author's text: keep it, as a paragraph.
            sink().append(noted(Paragraph([Run(tok.content.rstrip("\n"))]), tok))
        i += 1
    while boxes:  # a box left open runs to the end of the file, like an unclosed fence
        name, argument, at, blocks = boxes.pop()
        sink().extend(_fenced(resolver.directive(name, argument, blocks, at), at, places))
    return intro, top


def _fenced(blocks: list[Block], at: Location, places: SourceMap | None) -> list[Block]:
    """A fence's blocks: those the resolver did not place (a box around the text) are noted at
    the fence's line."""
    if places is not None:
        for b in blocks:
            if b not in places:
                places.note(b, Place(at.file or "", line=at.row))
    return blocks


def _split_citations(text: str) -> list[str]:
    """Text around citations: the reader's copy prints a formatted label in their place."""
    pieces, last = [], 0
    for m in CITATION.finditer(text):
        if citations(m.group(1)) is not None:
            pieces.append(text[last:m.start()])
            last = m.end()
    return pieces + [text[last:]]


def text_passages(source: str, table_cells: bool = True) -> list[tuple[int, list[str]]]:
    """Every paragraph, list item, table cell (unless not TABLE_CELLS) and footnote as (line
    number, text pieces).

    The pieces are split where a footnote reference or a citation sits, because a reader's copy
    prints a note number or a formatted label there. Used by the checks to find repeats and to
    find each passage in the outputs."""
    tokens = _MD.parse(normalise(source))
    passages: list[tuple[int, list[str]]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i and tokens[i - 1].type in (
                ("paragraph_open", "th_open", "td_open") if table_cells else ("paragraph_open",)):
            pieces = [""]
            href, href_at = "", 0
            for child in tok.children or []:
                if child.type == "link_open":
                    href, href_at = str(child.attrs.get("href", "")), len(pieces[-1])
                elif child.type == "link_close":  # the address as the outputs print it (Renderer.runs)
                    pieces[-1] += link_suffix(href, pieces[-1][href_at:])
                elif child.type == "footnote_ref":
                    pieces.append("")
                elif child.type in ("softbreak", "hardbreak"):
                    pieces[-1] += " "
                elif child.type == "text":
                    first, *rest = _split_citations(child.content)
                    pieces[-1] += first
                    pieces.extend(rest)
                else:
                    pieces[-1] += child.content
            line = (tok.map or tokens[i - 1].map or [0])[0] + 1
            passages.append((line, [p.strip() for p in pieces if p.strip()]))
        elif tok.type in ("fence", "code_block"):
            passages.append(((tok.map or [0])[0] + 1, [tok.content.strip()]))
    return [p for p in passages if p[1]]
