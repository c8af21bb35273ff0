"""Records + edition + brochure type → one content tree (chapters, sections, blocks).

Every quote, photo, contact and figure is placed in exactly one chapter; one that points
nowhere is an error, so nothing given is silently lost.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from pipeline.load import german
from pipeline.load import markdown
from pipeline.assemble.bibliography import Bibliographer
from pipeline.assemble.charts import chart_from_rows, unknown_data
from pipeline.assemble.list_limits import RowBudget, chapter_rows
from pipeline.load.edition import EDITION_FILE, MAX_TITLE, Edition
from pipeline.errors import InputError, Location, Report, did_you_mean, error, one_of
from pipeline.load.input_files import MAX_TEXT_BYTES, find_named, inside, read_bytes
from pipeline.load.records import Record
from pipeline.load.template_keys import BLOCK_KEYS, FIELD_PATTERN
from pipeline.load.when import When
from pipeline.sources import Place, SourceMap
from pipeline.tree import (
    Block,
    Box,
    Card,
    Cards,
    Chapter,
    Chart,
    Contact,
    Contacts,
    Cover,
    DataTable,
    Document,
    Field,
    Figure,
    Figures,
    Lines,
    Meta,
    Paragraph,
    Photo,
    Profile,
    Quote,
    Run,
    Section,
    Signature,
    section_titled,
    walk_sections,
)

_CREDIT_KIND = re.compile(r"^[A-ZÄÖÜ][\w-]{1,20}:\s")  # "Grafik: …", "Foto: …", "Illustration: …"
BLOCK_TYPES = tuple(BLOCK_KEYS)  # the named block types, as template.yaml may declare them


def cell_text(value: object) -> str:
    """A cell as printed: numbers and dates the German way, everything else as typed."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return german.number(value)
    if isinstance(value, dt.date):
        return german.day_month_year(value)
    if isinstance(value, When):
        return value.text
    return "" if value is None else str(value)


def fill(pattern: str, record: Record) -> str:
    """Put record values into a pattern like 'text/regionen/{id}.md'. Values are inserted as
    they are, never parsed again, so a cell containing '{x}' stays '{x}'."""
    return FIELD_PATTERN.sub(lambda m: cell_text(record[m.group(1)]), pattern)


def fill_lines(pattern: object, record: Record) -> str:
    """A field value from one pattern or a list of line patterns. A line whose fields are all
    empty is left out, so 'E-Mail: {email}' disappears for a row without an e-mail address."""
    lines = pattern if isinstance(pattern, list) else [pattern]
    out = []
    for line in map(str, lines):
        names = FIELD_PATTERN.findall(line)
        if names and all(cell_text(record[n]).strip() == "" for n in names):
            continue
        out.append(fill(line, record))
    return "\n".join(out)


class Assembler:
    def __init__(self, edition: Edition, records: dict[str, list[Record]], report: Report,
                 places: SourceMap | None = None):
        self.ed = edition
        self.places = places if places is not None else SourceMap()
        self.records = records
        self.report = report
        self.labels = edition.template.labels
        self.chapter_ids: set[str] = set()
        self.blocks = {**edition.template.blocks, **edition.blocks}
        self.bib = Bibliographer(records.get("references", []), self.labels)
        self.printed: dict[str, set[int]] = {}  # table → rows a named block or chapter printed
        self.budget = RowBudget(report)  # rows printed lists may still take (list_limits)

    # -- what Markdown refers to: citations and named blocks --------------------------------
    def cite(self, cites: list[markdown.Cite], where: Location) -> str:
        parts = []
        for c in cites:
            label = self.bib.label(c.key)
            if label is None:
                self.report.add(error("E-UNKNOWN-CITATION", where, f"citation '@{c.key}' has no entry in the references table",
                                      self.bib.hint(c.key)))
                label = c.key
            parts.append(" ".join(x for x in (c.prefix, label) if x) + (f", {c.locator}" if c.locator else ""))
        return "(" + "; ".join(parts) + ")"

    def directive(self, name: str, argument: str, blocks: list[Block], where: Location,
                  context: Record | None = None) -> list[Block]:
        """A named block; `context` is the row its `where:` patterns are filled from (a chapter's
        row), else the row a fence's argument names (`::: kennzahlen kassel`, see _fence_row)."""
        if name == "box":
            return [Box(title=argument, blocks=blocks)]
        spec = self.blocks.get(name)
        if spec is None:
            names = ["box", *sorted(self.blocks)]
            self.report.add(error("E-UNKNOWN-BLOCK", where, f"there is no block '{name}'",
                                  did_you_mean(name, names)
                                  + f"use one of: {', '.join(names)}; a box with its own title is '::: box Titel'"))
            return [Box(title=argument, blocks=blocks, kind=name)]
        if context is None:
            context = self._fence_row(name, spec, argument, where)
        return self.named_block(name, spec, argument, where, blocks, context)

    def _fence_row(self, name: str, spec: dict, argument: str, where: Location) -> Record:
        """The row a fence's argument names: in the table a `where:` column refers to (`ref:`),
        so the title can print its name; an id that table lacks is an error at the fence."""
        schema = {c.name: c for c in self.ed.template.schemas.get(str(spec.get("table")), ())}
        refs = [schema[c].ref for c in dict(spec.get("where") or {}) if c in schema and schema[c].ref]
        if argument and refs:
            rows = self.records.get(refs[0], [])
            rec = next((r for r in rows if r.id == argument), None)
            if rec is not None:
                return rec
            self.report.add(error("E-UNKNOWN-REF", where, f"block '{name}' refers to '{argument}', which is not an id in table '{refs[0]}'",
                                  one_of(argument, [r.id for r in rows], f"table '{refs[0]}' has no rows yet")))
        return Record(table="", row=0, values={"id": argument}, origin=where)

    def named_block(self, name: str, spec: dict, argument: str, where: Location, blocks: list[Block],
                    context: Record | None = None) -> list[Block]:
        """A block the brochure type (template.yaml `blocks:`) or edition defines by name."""
        kind = spec.get("type")
        table = spec.get("table")
        rows = self.records.get(table, []) if table else []
        if kind not in BLOCK_TYPES or (table and table not in self.ed.template.schemas):  # a declared table may have no sheet
            raise InputError(error("E-TEMPLATE", Location(file=self.ed.template.shown(),
                                                         column=f"blocks.{name}"),
                                   f"block '{name}' needs a type ({', '.join(BLOCK_TYPES)}) and a known table",
                                   "see docs/templates.md"))
        if kind == "box":
            if not argument or not table:
                return [Box(title=str(spec.get("untitled") or argument or ""), blocks=blocks, kind=name)]
            rec = next((r for r in rows if r.id == argument), None)
            if rec is None:
                self.report.add(error("E-UNKNOWN-REF", where, f"box '{name}' refers to '{argument}', which is not an id in table '{table}'",
                                      one_of(argument, [r.id for r in rows],
                                             f"table '{table}' has no rows yet: add one with id '{argument}'")))
                return [Box(title=argument, blocks=blocks, kind=name)]
            self._printed(table, [rec])
            return [self.places.note(Box(title=fill(str(spec.get("title", "{id}")), rec), blocks=blocks, kind=name,
                                         record=f"{table}:{rec.id}"), Place.of(rec.origin),
                                     _cells({"title": spec.get("title", "{id}")}, rec))]
        if kind == "figures":
            if not isinstance(spec.get("where") or {}, dict):
                origin = EDITION_FILE if name in self.ed.blocks else self.ed.template.shown()
                raise InputError(error("E-TEMPLATE", Location(file=origin, column=f"blocks.{name}.where"),
                                       f"block '{name}': 'where' must map columns to values",
                                       'write e.g. where: {region: "{id}"}'))
            box = self._figures(spec, rows, context)
            return ([box] if box else []) + blocks
        fields = dict(spec.get("fields") or spec.get("columns") or {})
        self._printed(table, rows)  # rows past the limit are its finding's, not lost content's
        rows = self.budget.bounded(rows, f"block '{name}'")
        if kind == "cards":
            cards = [self.places.note(Card(title=fill(str(spec.get("title", "{id}")), r),
                                           fields=[Field(label, fill_lines(pattern, r)) for label, pattern in fields.items()],
                                           record=f"{table}:{r.id}"), Place.of(r.origin),
                                      _cells({"title": spec.get("title", "{id}"),
                                              **{f"field {k}": v for k, v in fields.items()}}, r)) for r in rows]
            generated: list[Block] = [self.places.note(Cards(cards=cards, columns=int(spec.get("columns_per_row", 3))),
                                                       self.places.place(cards[0]) if cards else None)]
        else:
            widths = [float(w) for w in spec.get("widths") or [1] * len(fields)]
            generated = [self.places.note(
                DataTable(header=[[Run(str(h))] for h in fields],
                          rows=[[[Run(fill_lines(p, r))] for p in fields.values()] for r in rows],
                          widths=[round(w / sum(widths), 4) for w in widths], table=table),
                Place.of(rows[0].origin) if rows else None,
                {key: place for n, r in enumerate(rows)  # each body cell ← its sheet cell, where one column fills it
                 for key, place in _cells({f"row {n}, {h}": pattern for h, pattern in fields.items()}, r).items()})]
        return generated + blocks  # text written inside the fence is kept, after the block

    # -- text -----------------------------------------------------------------------------
    def _markdown(self, rel: str, chapter: str, where: Location):
        path = inside(self.ed.folder, rel, where)
        data = read_bytes(path, where, rel, MAX_TEXT_BYTES)
        if data is None:
            return [], []  # reported by the structure check, which can also fill the gap
        self.ed.files[rel] = data  # the checks and the manifest use these bytes
        try:
            source = data.decode("utf-8-sig")  # a byte order mark, as Windows editors write it, is no text
        except UnicodeDecodeError:
            raise InputError(error("E-ENCODING", Location(file=rel), "file is not UTF-8",
                                   "save it as UTF-8 in your editor")) from None
        return markdown.parse(source, rel, chapter, resolver=self, places=self.places)

    # -- chapters -------------------------------------------------------------------------
    def build(self) -> Document:
        chapters: list[Chapter] = []
        for n, entry in enumerate(self.ed.chapters, start=1):
            where = Location(file=EDITION_FILE, column=f"chapters[{n}]")
            kind = entry["kind"]
            if not isinstance(entry.get("blocks") or [], list):
                raise InputError(error("E-BAD-VALUE", Location(file=EDITION_FILE, column=f"chapters[{n}].blocks"),
                                       "'blocks' must be a list of block names", "write e.g. blocks: [kennzahlen]"))
            if kind == "each":
                chapters.extend(self._each(entry, where))
            else:
                chapters.append(getattr(self, f"_{kind}")(entry, where))
        self.chapter_ids = {c.id for c in chapters}
        for chapter in chapters:
            self._place(chapter)
        return Document(meta=self._meta(), cover=self._cover(), chapters=chapters, labels=self.labels,
                        printed=self.printed)

    def _title_fits(self, ch: Chapter, entry: dict, rec: Record) -> None:
        """A title or running head filled from a row is held to edition.yaml's limit: a longer
        one cannot print as a heading, a contents line or a running head."""
        for key, value in (("title", ch.title), ("running_head", ch.running_head)):
            if len(value) > MAX_TITLE and (key == "title" or value != ch.title):  # one finding for one text
                column = _first_field(entry.get(key, entry.get("title", "{id}")))
                self.report.add(error("E-TOO-LARGE", rec.cells.get(column, rec.origin),
                                      f"the chapter {key.replace('_', ' ')} made from this row has {len(value)} "
                                      f"characters; at most {MAX_TITLE}",
                                      "shorten it; put the rest into the chapter's text",
                                      args={"form": "title-length", "length": len(value), "max": MAX_TITLE}))

    def _chapter(self, entry: dict, where: Location, cid: str, title: str, kind: str,
                 text: str | None, subtitle: str = "", context: Record | None = None) -> Chapter:
        blocks, sections = self._markdown(text, cid, where) if text else ([], [])
        top: list[Block] = []
        for name in entry.get("blocks") or []:  # named blocks at the chapter's top, filled from its row
            top += self.directive(str(name), cid, [], where, context)
        blocks = top + blocks
        table = str(entry.get("table", "")) if kind == "each" else ""
        chapter = Chapter(id=cid, kind=kind, title=title, subtitle=subtitle,
                          running_head=entry.get("running_head") or title,
                          style=entry.get("style", kind), blocks=blocks, sections=sections,
                          source=text or "", table=table, pages=entry.get("pages") or self._budget(cid, table))
        fields = {"title": Place.of(context.cells[_first_field(entry.get("title", "{id}"))])} \
            if context is not None and _first_field(entry.get("title", "{id}")) in context.cells \
            else {"title": Place(EDITION_FILE, key=f"{where.column}.title")}
        return self.places.note(chapter, Place.of(where), fields)

    def _budget(self, cid: str, table: str) -> int | None:
        """Page budget from the brochure type's spec, unless edition.yaml gives one."""
        for rule in self.ed.template.spec.chapters:
            if rule.matches(cid, table):
                return rule.pages
        return None

    def _entry_id(self, entry: dict, where: Location) -> str:
        cid = entry.get("id")
        if not cid:
            raise InputError(error("E-MISSING-KEY", where, "chapter has no 'id'",
                                   "give every chapter an id such as 'vorwort'"))
        return str(cid)

    def _foreword(self, entry: dict, where: Location) -> Chapter:
        ch = self._chapter(entry, where, self._entry_id(entry, where), entry.get("title", "Vorwort"),
                           "foreword", entry.get("text"))
        sig = entry.get("signature") or {}
        if sig:
            target = ch.sections[-1].blocks if ch.sections else ch.blocks
            key = f"{where.column}.signature"
            target.append(self.places.note(
                Signature(closing=str(sig.get("closing", "")), name=str(sig.get("name", "")), role=str(sig.get("role", ""))),
                Place(EDITION_FILE, key=key), {k: Place(EDITION_FILE, key=f"{key}.{k}") for k in ("closing", "name", "role")}))
        return ch

    def _contents(self, entry: dict, where: Location) -> Chapter:
        title = entry.get("title", self.labels.get("contents", "Inhalt"))
        return Chapter(id=entry.get("id", "inhalt"), kind="contents", title=title, running_head=title,
                       style="contents", pages=entry.get("pages"))

    def _prose(self, entry: dict, where: Location) -> Chapter:
        return self._chapter(entry, where, self._entry_id(entry, where), str(entry.get("title", "")),
                             "prose", entry.get("text"))

    def _imprint(self, entry: dict, where: Location) -> Chapter:
        ch = self._chapter(entry, where, self._entry_id(entry, where), entry.get("title", "Impressum"),
                           "imprint", entry.get("text"))
        for n, item in enumerate(self.ed.imprint, start=1):
            heading = str(item.get("heading", ""))
            key = f"imprint[{n}]"
            section = self.places.note(Section(id=markdown.slug(heading), title=heading, level=2),
                                       Place(EDITION_FILE, key=f"{key}.heading"))
            if item.get("lines"):
                section.blocks.append(self.places.note(Lines([str(x) for x in item["lines"]]), Place(EDITION_FILE, key=f"{key}.lines")))
            if item.get("text"):
                section.blocks.append(self.places.note(Paragraph([Run(str(item["text"]))]), Place(EDITION_FILE, key=f"{key}.text")))
            if item.get("block"):
                section.blocks.extend(self.directive(str(item["block"]), "", [], where))
            ch.sections.append(section)
        return ch

    def _bibliography(self, entry: dict, where: Location) -> Chapter:
        ch = self._chapter(entry, where, self._entry_id(entry, where), entry.get("title", "Literaturverzeichnis"),
                           "bibliography", entry.get("text"))
        block = self.bib.block()
        rows = {r.id: r for r in self.records.get("references", [])}
        for entry in block.entries:
            if entry.id in rows:
                self.places.note(entry, Place.of(rows[entry.id].origin))
        ch.blocks.append(self.places.note(block, self.places.place(block.entries[0]) if block.entries else None))
        return ch

    def _each(self, entry: dict, where: Location) -> list[Chapter]:
        table = entry.get("table")
        if table not in self.records:
            raise InputError(error("E-BAD-CHAPTER", where, f"table '{table}' is unknown",
                                   "use one of the tables: " + ", ".join(sorted(self.ed.template.schemas))))
        rows = self.records[table]
        if not rows:
            self.report.add(error("E-MISSING-SHEET", Location(file="data/", sheet=table),
                                  f"table '{table}' is missing or empty, so its chapters cannot be built",
                                  f"add the sheet '{table}' (or data/{table}.csv) with one row per chapter"))
        chapters = []
        self._printed(table, rows)
        for rec in chapter_rows(rows, table, self.report):
            ch = self._chapter(entry, rec.origin, rec.id, fill(entry.get("title", "{id}"), rec), "each",
                               fill(entry["text"], rec) if entry.get("text") else None,
                               subtitle=fill(entry.get("subtitle", ""), rec), context=rec)
            ch.running_head = fill(entry.get("running_head", ch.title), rec)
            self._title_fits(ch, entry, rec)
            if entry.get("profile"):
                fields = [Field(str(label), fill_lines(pattern, rec)) for label, pattern in dict(entry["profile"]).items()]
                ch.blocks.insert(0, self.places.note(Profile(fields=[f for f in fields if f.value], record=f"{table}:{rec.id}"),
                                                     Place.of(rec.origin),
                                                     _cells({f"field {k}": v for k, v in dict(entry["profile"]).items()}, rec)))
            chapters.append(ch)
        return chapters

    # -- records --------------------------------------------------------------------------
    def _figures(self, spec: dict, rows: list[Record], context: Record | None) -> Figures | None:
        """Key figures (`type: figures`): one per selected row whose value is not empty. `where:`
        keeps the rows whose columns equal its patterns filled from the context row."""
        wanted = {str(c): fill(str(p), context) if context else str(p) for c, p in dict(spec.get("where") or {}).items()}
        chosen = [r for r in rows if all(cell_text(r[c]) == v for c, v in wanted.items())]
        figures, sources = [], []
        self._printed(str(spec.get("table")), chosen)  # a row without a value is left out on purpose
        for r in chosen:
            value = fill_lines(str(spec.get("value", "{value}")), r)
            if not value.strip():
                continue
            figure = Figure(label=fill_lines(str(spec.get("label", "{label}")), r),
                            value=german.with_unit(value, fill_lines(str(spec.get("unit", "")), r)),
                            note=fill_lines(str(spec.get("note", "")), r))
            # each printed field from the first column its pattern names (the value: '{value}')
            cells = {k: _first_field(spec.get(k, default)) for k, default in
                     (("label", "{label}"), ("value", "{value}"), ("note", ""))}
            figures.append(self.places.note(figure, Place.of(r.origin),
                                            {k: Place.of(r.cells[c]) for k, c in cells.items() if c in r.cells}))
            sources.append(fill_lines(str(spec.get("source", "")), r))
        if not figures:
            return None
        title = fill(str(spec.get("title") or self.labels.get("figures", "Zahlen und Fakten")), context) \
            if context else str(spec.get("title") or self.labels.get("figures", "Zahlen und Fakten"))
        return self.places.note(Figures(title=title, figures=figures, source="; ".join(dict.fromkeys(s for s in sources if s))),
                                self.places.place(figures[0]))  # each figure carries its own row

    def _printed(self, table: str | None, rows: list[Record]) -> None:
        if table:
            self.printed.setdefault(table, set()).update(r.row for r in rows)

    def _place(self, chapter: Chapter) -> None:
        quotes_at: dict[int, int] = {}  # blocks list → where its next quote goes (sheet order, linear time)
        for rec in self.records.get("quotes", []):
            if rec["chapter"] == chapter.id:
                quote = self._noted(Quote(id=rec.id, text=str(rec["text"]), speaker=str(rec["speaker"]), role=str(rec["role"])),
                                    rec, ("text", "speaker", "role", "section"))
                self._insert(chapter, rec, quote, quotes_at)
        for rec in self.records.get("photos", []):
            if rec["chapter"] == chapter.id:
                self._insert(chapter, rec, self._noted(self._photo(rec), rec, ("caption", "alt_text", "credit", "file", "section")))
        for rec in self.records.get("charts", []):
            if rec["chapter"] == chapter.id:
                chart = self._chart(rec)
                if chart is not None:
                    self._insert(chapter, rec, self._noted(chart, rec, ("title", "source", "note", "alt_text", "section")))
        listed = self.budget.bounded([r for t in ("contacts", "links") for r in self.records.get(t, [])
                                      if r["chapter"] == chapter.id], f"the contact list of chapter '{chapter.id}'")
        contacts = [self._noted(self._contact(r), r, ("group", "name", "role", "organisation", "street", "postcode",
                                                      "city", "phone", "fax", "email", "web"))
                    for r in listed if r.table == "contacts"]
        contacts += [self._noted(Contact(id=r.id, group=str(r["label"]), lines=[], web=str(r["url"])), r, ("label", "url"))
                     for r in listed if r.table == "links"]
        if contacts:
            title = self.labels.get("contacts", "Ansprechpartner")
            first = self.places.place(contacts[0])  # the group's children carry their own rows
            block = self.places.note(Contacts(contacts), first)
            # The author's own „## Kontakt“ takes them: a second heading of that name would repeat it.
            own = section_titled(chapter.sections, title)
            if own is not None:
                own.blocks.append(block)
            else:
                chapter.sections.append(self.places.note(Section(id="kontakt", title=title, level=2, blocks=[block]), first))

    def _noted(self, node, rec: Record, columns: tuple[str, ...]):
        """NODE made from REC: its place is the row, each field's place its cell."""
        return self.places.note(node, Place.of(rec.origin), {c: Place.of(rec.cells[c]) for c in columns if c in rec.cells})

    def _insert(self, chapter: Chapter, rec: Record, block: Block, quotes_at: dict[int, int] | None = None) -> None:
        """Append BLOCK to its section; a quote (QUOTES_AT given) goes after the first paragraph,
        behind the quotes placed there before it."""
        wanted = str(rec["section"])
        if wanted:
            section = next((s for s in walk_sections(chapter.sections)
                            if s.title.casefold() == wanted.casefold()), None)
            if section is None:
                names = ", ".join(s.title for s in walk_sections(chapter.sections)) or "(none)"
                self.report.add(error("E-UNKNOWN-SECTION", rec.cells["section"],
                                      f"chapter '{chapter.id}' has no section '{wanted}'",
                                      f"use one of its headings: {names}"))
                return
            blocks = section.blocks
        else:
            blocks = chapter.sections[-1].blocks if chapter.sections else chapter.blocks
        if quotes_at is not None:
            at = quotes_at.get(id(blocks))
            if at is None:
                at = next((i + 1 for i, b in enumerate(blocks) if isinstance(b, Paragraph)), len(blocks))
                while at < len(blocks) and isinstance(blocks[at], Quote):
                    at += 1
            blocks.insert(at, block)
            quotes_at[id(blocks)] = at + 1
        else:
            blocks.append(block)

    def _photo(self, rec: Record) -> Photo:
        file = str(rec["file"])
        if file and (Path(file).is_absolute() or file.startswith(("/", "\\"))):
            self.report.add(error("E-PATH-OUTSIDE", rec.cells["file"], f"'{file}' is an absolute path",
                                  "give the file name inside the edition's images/ folder, e.g. foto.jpg"))
            file = ""
        if file:
            rel = find_named(self.ed.folder, f"images/{file}").relative_to(self.ed.folder).as_posix()
            path = inside(self.ed.folder, rel, rec.cells["file"])
            if not path.is_file():
                self.report.add(error("E-MISSING-FILE", rec.cells["file"], f"image '{rel}' not found",
                                      "put the image into the edition's images/ folder or correct the file name"))
                file = ""
            else:
                file = rel
        return Photo(id=rec.id, file=file or None, caption=str(rec["caption"]), alt=str(rec["alt_text"]),
                     credit=self._credit(str(rec["credit"])), width=str(rec["width"] or "column"))

    def _credit(self, credit: str) -> str:
        """'Foto: Anna Muster' from 'Anna Muster'; a credit with its own kind ('Grafik: …') stays."""
        if not credit or _CREDIT_KIND.match(credit):
            return credit
        return f"{self.labels.get('credit', 'Foto')}: {credit}"

    def _chart(self, rec: Record) -> Chart | None:
        name = str(rec["data"])
        if name not in self.records or name in self.ed.template.schemas:
            tables = [t for t in self.records if t not in self.ed.template.schemas]
            unknown_data(rec, tables, self.report)
            return None
        rows = self.records[name]
        columns = [c.name for c in rows[0].schema] if rows else []
        return chart_from_rows(rec, rows, columns, self.report)

    @staticmethod
    def _contact(rec: Record) -> Contact:
        place = " ".join(x for x in (str(rec["postcode"]), str(rec["city"])) if x)
        lines = [str(rec[k]) for k in ("name", "role", "organisation", "street") if rec[k]]
        if place:
            lines.append(place)
        return Contact(id=rec.id, group=str(rec["group"]), lines=lines, phone=str(rec["phone"]),
                       fax=str(rec["fax"]), email=str(rec["email"]), web=str(rec["web"]))

    # -- document -------------------------------------------------------------------------
    def _meta(self) -> Meta:
        ed = self.ed
        return Meta(title=ed.title, subtitle=ed.subtitle, author=ed.author, publisher=ed.publisher,
                    date=ed.date.isoformat(), date_text=self._date_text(), language=ed.language,
                    template=ed.template.name, edition=ed.name, page=ed.template.page,
                    footer=ed.footer)

    def _cover(self) -> Cover:
        items = [str(r["name"]) for r in self.records.get(self.ed.cover_list, [])] if self.ed.cover_list else []
        cover = Cover(title=self.ed.title, subtitle=self.ed.subtitle, programme=self.ed.programme, items=items,
                      publisher=self.ed.publisher, date_text=self._date_text())
        fields = {k: Place(EDITION_FILE, key=k) for k in ("title", "subtitle", "programme", "publisher")}
        fields["date_text"] = Place(EDITION_FILE, key="date_text" if self.ed.date_text else "date")
        return self.places.note(cover, Place(EDITION_FILE, key="title"), fields)

    def _date_text(self) -> str:
        """'Januar 2012', or the edition's own wording (`date_text: "2020"`) when only the year is known."""
        return self.ed.date_text or german.month_year(self.ed.date)


def assemble(edition: Edition, records: dict[str, list[Record]], report: Report,
             places: SourceMap | None = None) -> Document:
    """The content tree; with PLACES, where each chapter, section and block came from is noted there."""
    return Assembler(edition, records, report, places).build()


def _cells(patterns: dict, rec: Record) -> dict[str, Place]:
    """For each printed field whose pattern names one column („{name}“, „ca. {population}“), the
    place of that column's cell in REC: where an edit of the printed text belongs."""
    out = {}
    for key, pattern in patterns.items():
        names = FIELD_PATTERN.findall(pattern) if isinstance(pattern, str) else []
        if len(names) == 1 and names[0] in rec.cells:
            out[key] = Place.of(rec.cells[names[0]])
    return out


def _first_field(pattern: object) -> str:
    """The first {column} of a pattern ('{chapter_title}' → 'chapter_title'), or ''."""
    m = FIELD_PATTERN.search(str(pattern))
    return m.group(1) if m else ""
