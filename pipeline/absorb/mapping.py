"""From an edited DOCX to changes of the sources: each paragraph of the built file is paired
with its edited self, and what changed in it is taken back to the place the source map names.

The built file is rendered again from the sources with notes (render_docx_noted): for each of
its paragraphs the tree node it shows and its text in segments, the node's fields apart from the
type's labels. A changed field goes to its place: a Markdown file's lines, a table's cell, a key
of edition.yaml. What has no place (the contents, running heads, the type's labels, a picture)
is listed with the reason, never dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.absorb.align import align, segment_values, word_changes, word_diff
from pipeline.absorb.edited import Comment, Docx, Para, canonical, same_text
from pipeline.assemble.document import cell_text
from pipeline.load.type_folders import is_type_file
from pipeline.sources import Place
from pipeline.tree import Chapter, DataTable, Lines, ListItem, Paragraph, Placeholder, Section


@dataclass(frozen=True)
class TextEdit:
    """Characters START:END of a text file's (decoded) text become NEW."""
    file: str
    start: int
    end: int
    new: str


@dataclass(frozen=True)
class CellEdit:
    """A table cell printed as OLD is now printed as NEW; the writer keeps the cell's own form."""
    place: Place
    old: str
    new: str


@dataclass(frozen=True)
class KeyEdit:
    """A scalar of a YAML file, by key path."""
    place: Place
    old: str
    new: str


@dataclass
class Taken:
    place: str  # 'text/konzeption.md:14', 'data/contacts.csv, row 5, column phone'
    change: str  # the words, old → new
    where: str  # chapter › section › first words
    edits: list = field(default_factory=list)


@dataclass
class NotTaken:
    where: str
    change: str
    why: str  # for people, in English (the CLI)
    kind: str = ""  # which reason, short and stable: the portal words it in German by this
    args: dict = field(default_factory=dict)  # what the reason names: 'place' (Place.to_dict()), 'finding', …


@dataclass
class Noted:
    """A reviewer's comment, where it is in the DOCX and which source place it concerns."""
    author: str
    date: str
    text: str
    where: str
    commented: str
    place: str


@dataclass
class Plan:
    taken: list[Taken] = field(default_factory=list)
    not_taken: list[NotTaken] = field(default_factory=list)
    conflicts: list[NotTaken] = field(default_factory=list)
    comments: list[Noted] = field(default_factory=list)

    @property
    def edits(self) -> list:
        """Every edit once (two copies, or two places showing one source, may propose the same)."""
        return list(dict.fromkeys(e for t in self.taken for e in t.edits))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_inline(para: Para) -> str:
    """A Word paragraph as Markdown with its bold and italic: **…** and *…* around its spans."""
    text = para.text
    marks: dict[int, list[str]] = {}
    for spans, mark in ((para.bold, "**"), (para.italic, "*")):
        for a, b in spans:
            while a < b and text[a].isspace():  # Markdown emphasis must not start or end on a space
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                marks.setdefault(a, []).append(("open", mark))
                marks.setdefault(b, []).append(("close", mark))
    out, at = [], 0
    for pos in sorted(marks):
        out.append(md_text(text[at:pos]))
        closing = [m for kind, m in marks[pos] if kind == "close"]
        opening = [m for kind, m in marks[pos] if kind == "open"]
        out.append("".join(sorted(closing, key=len)) + "".join(sorted(opening, key=len, reverse=True)))
        at = pos
    out.append(md_text(text[at:]))
    return "".join(out).strip()


_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """Text typed in Word as Markdown that prints it as typed: markup characters escaped (and what
    would start a list or an underline at the start of a line), a line break (Shift+Enter) a hard
    break."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1) + "\\", text)
    return text.replace("\n", "\\\n")


def edit_key(e) -> object:
    """What an edit changes: a span of a text file, or a cell or key. Two edits with one key, or
    overlapping spans, touch the same place."""
    return (e.file, e.start, e.end) if isinstance(e, TextEdit) else e.place


class Mapper:
    def __init__(self, source, original: list[tuple[Para, object, tuple]], edited: Docx,
                 built_comments: list[Comment]):
        self.built_comments = built_comments  # the build's own (a draft's notes on empty sections)
        self.source = source
        self.places = source.places
        self.original = original
        self.edited = edited
        self.texts = {rel: data.decode("utf-8-sig") for rel, data in source.files.items()}
        self.plan = Plan()
        self.values = {}  # cell place → its current value, for edits a paragraph shows with others
        for rows in source.records.values():
            for rec in rows:
                for col, loc in rec.cells.items():
                    self.values[Place.of(loc)] = cell_text(rec[col]) if col in rec.values else ""
        self.wheres = self._wheres([p for p, _, _ in original])
        self.new_wheres = self._wheres(edited.paragraphs)
        self.chapter_of: dict[int, Chapter] = {}
        chapter = None
        for n, (_, node, _) in enumerate(original):
            if isinstance(node, Chapter):
                chapter = node
            self.chapter_of[n] = chapter
        self.targets: dict[object, list] = {}  # place → edits proposed for it (conflicts)
        self.new_files: dict[str, tuple[str, list[str]]] = {}  # typed over a placeholder: file → (where, paragraphs)

    # -- where a paragraph is, as a person finds it in the DOCX --------------------------------
    @staticmethod
    def _wheres(paras: list[Para]) -> list[str]:
        out, chapter, section = [], "", ""
        for p in paras:
            if p.style.startswith("Heading 1") or p.style == "TOC Heading":
                chapter, section = p.text.strip(), ""
            elif re.fullmatch(r"Heading [2-9]", p.style):
                section = p.text.strip()
            first = " ".join(p.text.split()[:6])
            out.append(" › ".join(x for x in (chapter or "(Titelseite)", section, f"„{first} …“" if first else "")
                                  if x))
        return out

    # -- the plan ---------------------------------------------------------------------------
    def run(self) -> Plan:
        old_texts = [p.text for p, _, _ in self.original]
        new_paras = self.edited.paragraphs
        last_old: int | None = None
        self.pairs = align(old_texts, [p.text for p in new_paras], [p.style for p, _, _ in self.original],
                           [p.style for p in new_paras])
        for n, (i, j) in enumerate(self.pairs):
            if i is not None and j is not None:
                self._changed(i, new_paras[j], j)
                last_old = i
            elif i is not None:
                self._deleted(i)  # text added next goes after the paragraph before it, which stays
            else:
                self._inserted(last_old, new_paras[j], j, n)
        self._comments()
        self._conflicts()
        self._flush_new_files()
        return self.plan

    def _not(self, where: str, change: str, why: str, kind: str, place: Place | None = None) -> None:
        args = {"place": place.to_dict()} if place is not None else {}
        self.plan.not_taken.append(NotTaken(where, change, why, kind, args))

    def _take(self, place: str, change: str, where: str, *edits) -> None:
        self.plan.taken.append(Taken(place, change, where, list(edits)))
        for e in edits:
            key = edit_key(e)
            self.targets.setdefault(key, []).append((e, where))

    # -- one paragraph, edited -------------------------------------------------------------
    def _changed(self, i: int, new: Para, j: int) -> None:
        old, node, segments = self.original[i]
        where = self.new_wheres[j]
        if old.pictures != new.pictures and len(old.pictures) == len(new.pictures):
            self._not(where, "picture replaced", "a picture replaced in Word is not taken over: put the new image into "
                      "the folder's images/ and name it in the photos table (a chart is drawn from its data table)",
                      kind="picture")
        if old.notes != new.notes and len(old.notes) == len(new.notes):
            for n, (was, now) in enumerate(zip(old.notes, new.notes)):
                if was != now:
                    self._footnote(node, n, was, now, where)
        if old.alts != new.alts and len(old.alts) == len(new.alts):
            for was, now in zip(old.alts, new.alts):
                if was != now:
                    self._alt(node, was, now, where)
        text_same = same_text(old.text, new.text)
        if text_same and node is None:
            return  # how an editor saves the generated parts (contents, cover) is no edit of anyone's
        if new.direct and not old.direct:
            self._not(where, "", "direct formatting (font, colour, size) is not taken over: the brochure type decides "
                      "the look; use bold or italic, or change the type's styles", kind="direct-formatting")
        if text_same:
            if (old.bold, old.italic) != (new.bold, new.italic) and old.text == new.text:
                self._formatting(i, old, new, where)
            return
        change = word_diff(old.text, new.text)
        reason = self._unmapped_reason(old, node, segments)
        if reason:
            return self._not(where, change, **reason)
        values = segment_values(segments, new.text)
        if values is None:
            return self._not(where, change, "a label of the brochure type was changed („Telefon: “, quotation marks, "
                             "„Quelle: “): it is not part of any source; change only the text beside it", kind="label")
        for (key, was), now in zip(segments, values):
            if key is None or now == was or same_text(now, was):
                continue
            self._field(i, node, key, was, now, where, segments)

    def _footnote(self, node, n: int, was: str, now: str, where: str) -> None:
        """The N-th footnote of a Markdown paragraph: its definition line ([^label]: …) in the file."""
        place = self.places.place(node)
        if place is None or place.line is None or place.file not in self.texts:
            return self._not(where, word_diff(was, now), "this footnote is not written in a Markdown file",
                             kind="footnote", place=place)
        text = self.texts[place.file]
        a, b = self._region(place)
        labels = re.findall(r"\[\^([^\]\s]+)\]", text[a:b])
        if n >= len(labels):
            return self._not(where, word_diff(was, now), f"the footnote's mark is not found in {place.file}",
                             kind="footnote", place=place)
        lines = text.splitlines()
        line = next((k + 1 for k, l in enumerate(lines) if re.match(rf" {{0,3}}\[\^{re.escape(labels[n])}\]:", l)), None)
        if line is None or (line < len(lines) and lines[line].startswith((" ", "\t")) and lines[line].strip()):
            return self._not(where, word_diff(was, now), f"footnote [^{labels[n]}] in {place.file} spans several "
                             "lines: change it there", kind="footnote", place=place)
        self._markdown(None, Place(place.file, line=line, end=line), was, now, where + " (footnote)")

    def _alt(self, node, was: str, now: str, where: str) -> None:
        """A picture's alt text changed in Word (Format → Alt Text): its photo's or chart's cell."""
        cell = self.places.fields(node).get("alt_text")
        if cell is None:
            return self._not(where, word_diff(was, now), "this picture's alt text is written from its data: give "
                             "the chart its own alt_text in the charts table", kind="alt-from-data")
        current = self.values.get(cell, "")  # empty: the alt text was written from the data, now the editors' own
        self._take(str(cell), word_diff(was, now), where + " (alt text)", CellEdit(cell, current or "", now))

    def _unmapped_reason(self, para: Para, node, segments: tuple = ("-",)) -> dict:
        """Why (and its kind) no source holds a paragraph; empty if one does."""
        if node is None or not segments:
            style = para.style
            if style.startswith("TOC") or style.lower().startswith("toc"):
                return dict(kind="contents", why="the table of contents is generated from the headings: change a "
                            "heading where its text is")
            if style in ("Header", "Footer"):
                return dict(kind="running-head", why="running heads and page numbers are generated")
            if style in ("Table Spacer", ""):
                return dict(kind="between-blocks", why="text added between the blocks has no source: write it into a "
                            "paragraph of the text")
            return dict(kind="made-by-type", why="this text is made by the brochure type (cover, labels): the cover "
                        "shows edition.yaml's title, subtitle, publisher and date; change them there")
        return {}

    def _field(self, i: int, node, key: str, was: str, now: str, where: str, segments: tuple) -> None:
        if key in ("runs", "title"):
            now = now.strip()  # a paragraph split in Word keeps the space before the new paragraph's first word
        change = word_diff(was, now)
        place = self.places.place(node)
        fields = self.places.fields(node)
        if key in ("runs", "title") and place is not None and place.line is not None and place.file.endswith(".md"):
            extra = self._references(self.chapter_of[i].id, was, now) \
                if isinstance(node, Section) and self.chapter_of.get(i) is not None else []
            return self._markdown(node, place, was, now, where, extra)
        if isinstance(node, DataTable) and place is not None and place.file.endswith(".md"):
            return self._markdown_table_cell(node, place, key, was, now, where)
        target = fields.get(key)
        if target is None and key == "placeholder" and place is not None:
            return self._placeholder(node, place, now, where)
        if target is None:  # the field's cell by its value: equal, else the one value the text holds
            same = {p for p in fields.values() if canonical(self.values.get(p) or "\0") == canonical(was)}
            if not same:
                same = {p for p in fields.values() if len(self.values.get(p) or "") > 2
                        and canonical(self.values[p]) in canonical(was)}
            target = same.pop() if len(same) == 1 else None
        if target is None and place is not None and place.key and isinstance(node, Lines):
            index = sum(1 for k, _ in segments[:segments.index((key, was))] if k == key)
            target = Place(place.file, key=f"{place.key}[{index + 1}]")
        if target is None and place is not None and not fields and key in ("runs", "title") \
                and (place.key or place.row is not None):
            target = place  # text typed in one cell (a line of it) or given under one key
        if target is None or is_type_file(target.file):
            if target is not None or place is None or is_type_file(place.file):
                return self._not(where, change, "this label belongs to the brochure type", kind="type-label")
            return self._not(where, change, f"this text is made from several cells of {place.file} and cannot be split "
                             "back: change them there", kind="several-cells", place=Place(place.file, sheet=place.sheet))
        if target.key is not None:
            return self._take(f"{target.file}, key {target.key}", change, where, KeyEdit(target, was, now))
        if target.row is not None:
            return self._take(str(target), change, where, CellEdit(target, was, now))
        self._not(where, change, f"no single cell holds this text (it is made from {target})", kind="no-single-cell",
                  place=target)

    # -- Markdown --------------------------------------------------------------------------
    def _region(self, place: Place) -> tuple[int, int]:
        text = self.texts[place.file]
        starts = [0]
        for line in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        a = starts[min(place.line - 1, len(starts) - 1)]
        b = starts[min(place.end if place.end is not None else place.line, len(starts) - 1)]
        while b > a and text[b - 1] in "\r\n":
            b -= 1
        return a, b

    def _mapper(self, plain: str, region: str):
        ops = SequenceMatcher(None, plain, region, autojunk=False).get_opcodes()

        def at(pos: int) -> int | None:
            for op, i1, i2, j1, _j2 in ops:
                if op == "equal" and i1 <= pos < i2:
                    return j1 + pos - i1
            return None
        return at

    def _markdown(self, node, place: Place, was: str, now: str, where: str, extra: list = ()) -> None:
        if place.file not in self.texts:
            return self._not(where, word_diff(was, now), f"{place.file} was not read by this build", kind="not-read",
                             place=Place(place.file))
        a, b = self._region(place)
        region = self.texts[place.file][a:b]
        at = self._mapper(was, region)
        edits = []
        for s, e, repl in word_changes(was, now):
            if e > s:
                start, last = at(s), at(e - 1)
                end = None if last is None else last + 1
            else:
                before = at(s - 1) if s > 0 else None
                start = end = (before + 1) if before is not None else at(s)
            if start is None or end is None:
                return self._not(where, word_diff(was, now), f"the text in {place.file} at line {place.line} is "
                                 "written with markup absorb cannot follow here: change it in the file", kind="markup",
                                 place=Place(place.file, line=place.line))
            edits.append(TextEdit(place.file, a + start, a + end, md_text(repl)))
        self._take(f"{place.file}:{place.line}", word_diff(was, now), where, *edits, *extra)

    def _markdown_table_cell(self, node: DataTable, place: Place, key: str, was: str, now: str, where: str) -> None:
        m = re.fullmatch(r"row (\d+), .*", key)
        if not m:
            return self._not(where, word_diff(was, now), "a table's heading row: change it in " + place.file,
                             kind="table-heading", place=Place(place.file, line=place.line))
        line = place.line + (2 if node.header else 0) + int(m.group(1))
        self._markdown(node, Place(place.file, line=line, end=line), was, now, where)

    def _references(self, chapter: str, was: str, now: str) -> list[CellEdit]:
        """A renamed heading: the quotes, photos and charts its chapter places under it follow it
        (their `section` cell names it), or the next build would not find their section. They are
        one change with the heading: taken, or left, together."""
        return [CellEdit(Place.of(rec.cells["section"]), str(rec["section"]), now)
                for table in ("quotes", "photos", "charts") for rec in self.source.records.get(table, [])
                if "section" in rec.cells and str(rec["chapter"]) == chapter
                and canonical(str(rec["section"])).casefold() == canonical(was).casefold()]

    def _formatting(self, i: int, old: Para, new: Para, where: str) -> None:
        _, node, segments = self.original[i]
        place = self.places.place(node)
        if not (isinstance(node, (Paragraph, ListItem)) and place and place.line and place.file.endswith(".md")):
            return self._not(where, "bold/italic changed", "bold and italic are taken over only in text from a "
                             "Markdown file; this text comes from " + (place.file if place else "the brochure type"),
                             kind="formatting-not-markdown", place=place)
        a, b = self._region(place)
        region = self.texts[place.file][a:b]
        at = self._mapper(old.text, region)
        edits = []
        for kind, mark, before, after in (("bold", "**", old.bold, new.bold), ("italic", "*", old.italic, new.italic)):
            for s, e in set(after) - set(before):
                start, last = at(s), at(e - 1)
                if start is None or last is None:
                    return self._not(where, f"{kind} added", "the markup around it is more than absorb can follow",
                                     kind="markup", place=Place(place.file, line=place.line))
                edits += [TextEdit(place.file, a + start, a + start, mark), TextEdit(place.file, a + last + 1, a + last + 1, mark)]
            for s, e in set(before) - set(after):
                start, last = at(s), at(e - 1)
                n = len(mark)
                if start is None or last is None or region[start - n:start] != mark or region[last + 1:last + 1 + n] != mark:
                    return self._not(where, f"{kind} removed", "the markup around it is more than absorb can follow",
                                     kind="markup", place=Place(place.file, line=place.line))
                edits += [TextEdit(place.file, a + start - n, a + start, ""), TextEdit(place.file, a + last + 1, a + last + 1 + n, "")]
        if edits:
            self._take(f"{place.file}:{place.line}", "bold/italic changed", where, *edits)

    # -- paragraphs added and removed -------------------------------------------------------
    def _moved_under(self, n: int, title: str) -> list[CellEdit]:
        """A heading added in Word: the quotes, photos and charts that now follow it (up to the next
        heading) are placed under it, so their `section` cells name it."""
        edits, seen = [], set()
        for i, j in self.pairs[n + 1:]:
            if j is not None and self.edited.paragraphs[j].style.startswith(("Heading", "TOC Heading")):
                break
            node = self.original[i][1] if i is not None else None
            cell = self.places.fields(node).get("section") if node is not None else None
            if cell is not None and id(node) not in seen:
                seen.add(id(node))
                edits.append(CellEdit(cell, self.values.get(cell, ""), title))
        return edits

    def _inserted(self, after: int | None, new: Para, j: int, n: int = 0) -> None:
        where = self.new_wheres[j]
        if not new.text.strip():
            return
        if new.in_table:
            return self._not(where, "{+" + new.text + "+}", "a table or table row added in Word is not taken over: "
                             "write the table in the Markdown text (| … | … |), or add the row to the sheet it shows",
                             kind="table-added")
        if new.style in ("Heading 1", "Title"):
            return self._not(where, "{+" + new.text + "+}", "a chapter added in Word is not taken over: chapters are "
                             "listed in edition.yaml (or the draft type); add it there with its text file",
                             kind="chapter-added")
        if after is None:
            return self._not(where, "{+" + new.text + "+}", "text added before the first chapter has no source",
                             kind="before-first-chapter")
        _, node, _ = self.original[after]
        place = self.places.place(node)
        if isinstance(node, Placeholder) and place is not None and place.file in self.new_files:
            self.new_files[place.file][1].append(self._md_block(new))
            return
        if place is None or place.line is None or not place.file.endswith(".md") or place.file not in self.texts:
            return self._not(where, "{+" + new.text + "+}", "a paragraph added here has no file to go to (it follows "
                             "text from a table or the brochure type): add it to the Markdown text or the table",
                             kind="no-file")
        a, b = self._region(place)
        text = self.texts[place.file]
        if isinstance(node, ListItem) and new.style.startswith("List"):
            marker = re.match(r"\s*([-*+]|\d+[.)])\s+", text[a:b])
            block = "\n" + (marker.group(0) if marker else "- ") + md_inline(new)
        else:
            block = "\n\n" + self._md_block(new)
        moved = self._moved_under(n, new.text.strip()) if re.fullmatch(r"Heading [2-6]", new.style) else []
        self._take(f"{place.file}:{place.end or place.line}", "{+" + new.text + "+}", where,
                   TextEdit(place.file, b, b, block), *moved)

    @staticmethod
    def _md_block(para: Para) -> str:
        """A paragraph typed in Word as Markdown (a chapter heading never gets here: see _inserted)."""
        level = re.fullmatch(r"Heading ([2-6])", para.style)
        if level:
            return "#" * int(level.group(1)) + " " + md_text(para.text.strip())
        if para.style.startswith("List"):
            return "- " + md_inline(para)
        return md_inline(para)

    def _deleted(self, i: int) -> None:
        old, node, _ = self.original[i]
        where = self.wheres[i]
        if not old.text.strip():
            return
        place = self.places.place(node)
        if isinstance(node, (Paragraph, ListItem)) and place and place.line and place.file.endswith(".md") \
                and place.file in self.texts:
            a, b = self._region(place)
            text = self.texts[place.file]
            end = b
            while end < len(text) and text[end] in "\r\n":
                end += 1
            return self._take(f"{place.file}:{place.line}", "[-" + old.text + "-]", where,
                              TextEdit(place.file, a, end, ""))
        if node is None:
            return self._not(where, "[-" + old.text + "-]", "this text is generated: it comes back with the next build",
                             kind="generated")
        self._not(where, "[-" + old.text + "-]", f"it comes from {place or 'the brochure type'}: delete it there "
                  "(a row of a table is deleted in the table)", kind="delete-in-source", place=place)

    def _placeholder(self, node: Placeholder, place: Place, now: str, where: str) -> None:
        """Text typed over a „Noch offen“ placeholder belongs to the section's own Markdown file
        (a text section) — a table's section is filled in its sheet."""
        if place.file.endswith(".md"):
            self.new_files[place.file] = (where, [md_text(now.strip())])
            return
        self._not(where, "{+" + now + "+}", f"this section is a table: fill it in {place}", kind="table-section",
                  place=place)

    def _flush_new_files(self) -> None:
        for rel, (where, blocks) in self.new_files.items():
            old = self.texts.get(rel)
            body = "\n\n".join(blocks) + "\n"
            if old is not None and old.strip():
                continue  # the file exists and has text: the placeholder would not have been printed
            self.plan.taken.append(Taken(f"{rel} (new)", "{+" + body.strip() + "+}", where,
                                         [TextEdit(rel, 0, len(old or ""), body)]))

    # -- comments and conflicts ------------------------------------------------------------
    def _comments(self) -> None:
        built = {(c.author, c.text) for c in self.built_comments}
        pairs = {j: i for i, j in self.pairs if i is not None and j is not None}
        for c in self.edited.comments:
            if (c.author, c.text) in built:
                continue  # the draft's own notes on empty sections
            j = c.paragraph
            where = self.new_wheres[j] if j is not None else "(not anchored)"
            i = pairs.get(j) if j is not None else None
            node = self.original[i][1] if i is not None else None
            place = self.places.place(node) if node is not None else None
            self.plan.comments.append(Noted(c.author, c.date, c.text, where,
                                            self.edited.paragraphs[j].text if j is not None else "",
                                            str(place) if place else "(generated text)"))


    def _conflicts(self) -> None:
        """One source printed in two places and edited differently in each: neither is taken."""
        for key, proposed in self.targets.items():
            news = {e.new for e, _ in proposed}
            if len(news) > 1:
                for t in list(self.plan.taken):
                    if any(edit_key(e) == key for e in t.edits):
                        self.plan.taken.remove(t)
                self.plan.conflicts.append(NotTaken(" / ".join(w for _, w in proposed),
                                                    " ≠ ".join(sorted(news)), f"{key}: edited differently in two places",
                                                    kind="edited-twice"))


def plan(source, original: list[tuple[Para, object, tuple]], edited: Docx, built_comments: list[Comment]) -> Plan:
    return Mapper(source, original, edited, built_comments).run()

