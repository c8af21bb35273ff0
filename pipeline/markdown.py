"""Markdown prose → content-tree sections and blocks (CommonMark, HTML off, footnotes on)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .errors import InputError, Location, error
from .text import invalid_character, normalise
from .tree import Block, ListBlock, ListItem, Paragraph, Run, Section

# HTML is off: '<b>' in an editor's text prints as '<b>'. No typographer: text stays as typed.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).use(footnote_plugin)

MAX_HEADING_LEVEL = 4


def slug(text: str) -> str:
    s = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "abschnitt"


class _Inline:
    """Turns one inline token stream into runs, resolving footnote references."""

    def __init__(self, notes: dict[int, list[Run]]):
        self.notes = notes

    def runs(self, token: Token) -> list[Run]:
        out: list[Run] = []
        bold = italic = False
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
            elif t in ("text", "code_inline", "html_inline"):
                out.append(Run(child.content, bold, italic))
            elif t == "softbreak":
                out.append(Run(" ", bold, italic))
            elif t == "hardbreak":
                out.append(Run("\n", bold, italic))
            elif t == "footnote_ref":
                note = self.notes.get(child.meta["id"], [])
                out.append(Run("", bold, italic, footnote=note))
        return _merge(out)


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for r in runs:
        if merged and r.footnote is None and merged[-1].footnote is None \
                and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic)
        else:
            merged.append(r)
    return merged


def _footnotes(tokens: list[Token]) -> dict[int, list[Run]]:
    notes: dict[int, list[Run]] = {}
    inline = _Inline({})
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


def parse(source: str, file: str, chapter: str) -> tuple[list[Block], list[Section]]:
    """Blocks before the first heading, and the sections (## …) with their subsections."""
    source = normalise(source)
    for number, line in enumerate(source.splitlines(), start=1):
        bad = invalid_character(line)
        if bad:
            raise InputError(error("E-INVALID-CHAR", Location(file=file, row=number),
                                   f"contains a control character that cannot be printed: {bad}",
                                   "delete the invisible character (often pasted from another program)"))
    tokens = _MD.parse(source)
    inline = _Inline(_footnotes(tokens))
    intro: list[Block] = []
    top: list[Section] = []
    stack: list[Section] = []
    lists: list[tuple[ListBlock, int]] = []  # open lists with their nesting depth
    used_ids: set[str] = set()
    in_note = 0

    def sink() -> list[Block]:
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
                    "E-HEADING-LEVEL", Location(file=file, row=(tok.map or [0])[0] + 1, chapter=chapter),
                    f"heading level {level} ('{title}') is not allowed here",
                    "the chapter title comes from edition.yaml; start sections with '## ' and subsections with '### '"))
            sid = slug(title)
            while sid in used_ids:
                sid += "-2"
            used_ids.add(sid)
            section = Section(id=sid, title=title, level=level)
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].sections if stack else top).append(section)
            stack.append(section)
            i += 3
            continue
        elif t in ("bullet_list_open", "ordered_list_open"):
            depth = len(lists)
            if depth == 0:
                start = int(tok.attrs.get("start", 1)) if tok.attrs else 1
                block = ListBlock(ordered=(t == "ordered_list_open"), items=[], start=start)
                sink().append(block)
            else:
                block = lists[-1][0]
            lists.append((block, depth))
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "inline" and lists:
            block, depth = lists[-1]
            block.items.append(ListItem(inline.runs(tok), level=depth))
        elif t == "inline" and tokens[i - 1].type == "paragraph_open":
            sink().append(Paragraph(inline.runs(tok)))
        elif t in ("fence", "code_block"):
            # Indented text is still the author's text: keep it, as a paragraph.
            sink().append(Paragraph([Run(tok.content.rstrip("\n"))]))
        i += 1
    return intro, top


def text_passages(source: str) -> list[tuple[int, list[str]]]:
    """Every paragraph, list item and footnote as (line number, text pieces).

    The pieces are split where a footnote reference sits, because a reader's copy prints a
    note number there. Used by the checks to find repeats and to find each passage in the outputs."""
    tokens = _MD.parse(normalise(source))
    passages: list[tuple[int, list[str]]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i and tokens[i - 1].type == "paragraph_open":
            pieces = [""]
            for child in tok.children or []:
                if child.type == "footnote_ref":
                    pieces.append("")
                elif child.type in ("softbreak", "hardbreak"):
                    pieces[-1] += " "
                else:
                    pieces[-1] += child.content
            passages.append(((tokens[i - 1].map or [0])[0] + 1, [p.strip() for p in pieces if p.strip()]))
        elif tok.type in ("fence", "code_block"):
            passages.append(((tok.map or [0])[0] + 1, [tok.content.strip()]))
    return [p for p in passages if p[1]]
