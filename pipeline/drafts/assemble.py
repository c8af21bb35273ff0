"""A municipality's records → the strategy draft's content tree, in the layout's nine sections.

Each section takes its text (sheet „Texte“ and/or a Markdown file next to the workbook) and
what its sheet holds. A section left empty gets a placeholder with the layout's hint, which
the DOCX also carries as a Word comment, and a finding, so `brochure check` lists it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.load import cell_lists
from pipeline.load import german
from pipeline.load import markdown
from pipeline.load import outline
from pipeline.assemble.document import cell_text
from pipeline.assemble.charts import alt_text
from pipeline.check.numbers import check_heading_numbers
from pipeline.verify.outputs import Passage
from pipeline.errors import InputError, Location, Report, error, warning
from pipeline.sources import Place, SourceMap
from pipeline.load.edition import MAX_TITLE
from pipeline.load.input_files import MAX_TEXT_BYTES, inside, read_bytes
from pipeline.load.records import Record
from pipeline.load.type_folders import shown_file
from pipeline.tree import (
    Block,
    Box,
    Chapter,
    Chart,
    Cover,
    DataTable,
    Document,
    Figure,
    Figures,
    Lines,
    ListBlock,
    ListItem,
    Meta,
    Page,
    Paragraph,
    Photo,
    Placeholder,
    Run,
    Section,
    Series,
    Signature,
    walk_sections,
)
from pipeline.assemble.table_widths import fit_widths, line_for
from pipeline.drafts.photos import LOGO, PHOTOS_FILE, read_photos
from pipeline.drafts.workbook_layout import CONTENTS, ROLES, DraftSection, Layout

HORIZONS = ("kurzfristig", "mittelfristig", "langfristig")
GOAL_LEVELS = ("Vision", "strategisches Ziel", "operatives Ziel")
FALLBACK_DATE = dt.date(2000, 1, 1)  # PDF/DOCX timestamp when the workbook gives no 'Stand'


@dataclass
class Draft:
    document: Document
    passages: list[Passage] = field(default_factory=list)  # typed text the files must contain
    placeholders: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # the Markdown files as read (path → bytes)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


class DraftAssembler:
    def __init__(self, folder: Path, layout: Layout, labels: dict[str, str], template: str,
                 records: dict[str, list[Record]], report: Report, page: Page | None = None,
                 places: SourceMap | None = None):
        self.folder = folder
        self.places = places if places is not None else SourceMap()
        self.page = page or Page()
        self.layout = layout
        self.labels = labels
        self.template = template
        self.records = records
        self.report = report
        self.k = {role: layout.key(role) for role in ROLES}  # role → table key, as the type names its sheets
        self.base = (records.get(self.k["master"]) or [None])[0]
        self.passages: list[Passage] = []
        self.placeholders = 0
        self.files: dict[str, bytes] = {}
        self.field_depth = 0  # heading level of the deepest field of action
        self.number_at: dict[int, Location] = {}  # id(heading) → the cell that gives its number
        self.fields = self._fields()
        self.own = self._own_chapters()
        self.photos = read_photos(folder, [section_name(s) for s in layout.sections], report)

    def label(self, key: str, **values: str) -> str:
        text = self.labels.get(key, key)
        for k, v in values.items():
            text = text.replace("{" + k + "}", v)
        return text

    def base_value(self, key: str) -> object:
        return self.base[key] if self.base else ""

    def _where(self, sheet_key: str, row: int | None = None, column: str | None = None) -> Location:
        sheet = next((s for s in self.layout.sheets if s.key == sheet_key), None)
        return Location(file=self.layout.file, sheet=sheet.title if sheet else sheet_key, row=row,
                        column=sheet.header(column) if sheet and column else column)

    def _keep(self, what: str, text: str, where: Location) -> str:
        """Remember typed text so the output check can find it in both files."""
        if text.strip():
            self.passages.append(Passage(what, text, where))
        return text

    # -- the fields of action, checked once: everything else refers to their numbers --------
    def _fields(self) -> dict[str, Record]:
        """Every row of sheet Handlungsfelder by its number, in plan order (8.2 before 8.10).
        A number with rows below it (8.1 above 8.1.1) is a group, printed as a heading."""
        out: dict[str, Record] = {}
        for rec in self.records.get(self.k["fields"], []):
            number = rec["number"]
            if not number:
                continue
            if number in out:
                self.report.add(error("E-DUPLICATE-ID", rec.cells["number"],
                                      f"field of action {number} is already used in row {out[number].row}",
                                      "give every field of action its own number",
                                      args={"form": "field", "number": number, "row": out[number].row}))
                continue
            out[number] = rec
        out = dict(sorted(out.items(), key=lambda item: outline.parts(item[0])))
        # each row is printed below its nearest ancestor that has a row ('' for the top)
        self.below: dict[str, list[str]] = {}
        missing: dict[str, list[str]] = {}
        for number in out:
            up = outline.parent(number)
            while up and up not in out:
                missing.setdefault(up, []).append(number)
                up = outline.parent(up)
            self.below.setdefault(up, []).append(number)
        for group, below in missing.items():
            self.report.add(warning("W-MISSING-GROUP", self._where(self.k["fields"], column="number"),
                                    f"there is no row for group {group} above {', '.join(below)}: "
                                    "no heading is printed for it",
                                    f"add a row with Nr. {group} and the group's title, e.g. "
                                    "„Stadtweite Handlungsfelder“", args={"group": group, "below": ", ".join(below)}))
        for table in (self.k["goals"], self.k["measures"]):
            for rec in self.records.get(table, []):
                if rec["field"] and rec["field"] not in out:
                    known = ", ".join(out) or "(none yet)"
                    self.report.add(error("E-UNKNOWN-REF", rec.cells["field"],
                                          f"there is no field of action {rec['field']}",
                                          f"use a number from sheet '{self.layout.by_role('fields').title}': {known}",
                                          args={"number": rec["field"]}))
        return out

    def _own_chapters(self) -> dict[str, dict[str, tuple[str, Location]]]:
        """The numbers and titles the town gives the draft's chapters (sheet Texte, columns Nr.
        and Überschrift), by section title: column → (value, its cell)."""
        own: dict[str, dict[str, tuple[str, Location]]] = {}
        for rec in self.records.get(self.k["texts"], []):
            section = _text(rec["section"])
            for column in ("number", "title"):
                if column not in rec.cells or not _text(rec.values.get(column)):
                    continue
                given = own.setdefault(section, {})
                if column in given:
                    label = f"{section} – {self.layout.sheet(self.k['texts']).header(column)}"
                    self.report.add(error("E-DUPLICATE-FIELD", rec.cells[column],
                                          f"'{label}' is given twice (rows {given[column][1].row} and {rec.row})",
                                          "delete one of the two: a chapter has one number and one heading",
                                          args={"label": label, "first": given[column][1].row, "second": rec.row}))
                    continue
                given[column] = (_text(rec.values.get(column)), rec.cells[column])
        return own

    @property
    def hierarchical(self) -> bool:
        return any("." in n for n in self.fields)

    def children(self, number: str) -> list[str]:
        """The rows printed directly below NUMBER ('' for the top; see W-MISSING-GROUP)."""
        return self.below.get(number, [])

    def field_title(self, number: str) -> str:
        title = _text(self.fields[number]["title"])
        return f"{number} {title}" if self.hierarchical else f"{self.label('field')} {number}: {title}"

    def goals_title(self, number: str) -> str:
        """A field's heading in the chapter of goals: its title with a reference to the field
        („Sprache und Bildung (8.2.2)“), so no number heads two headings."""
        ref = number if self.hierarchical else f"{self.label('field')} {number}"
        return self.label("goals_heading", title=_text(self.fields[number]["title"]), number=ref)

    def _field_tree(self, prefix: str, fill: Callable[[str, Section], None], number: str = "",
                    level: int = 2, title: Callable[[str], str] | None = None) -> list[Section]:
        """A section per row of Handlungsfelder below NUMBER, nested as the plan numbers them."""
        out = []
        for n in self.children(number):
            s = Section(id=f"{prefix}-{n.replace('.', '-')}", title=(title or self.field_title)(n), level=level)
            self.places.note(s, Place.of(self.fields[n].cells["title"]))
            self.number_at[id(s)] = self.fields[n].cells["number"]
            fill(n, s)
            s.sections = self._field_tree(prefix, fill, n, level + 1, title)
            out.append(s)
        return out

    def rows_for(self, table: str, number: str) -> list[Record]:
        return [r for r in self.records.get(table, []) if r["field"] == number]

    def is_group(self, number: str) -> bool:
        return number in self.below

    # -- text of a section -----------------------------------------------------------------
    def _section_text(self, section: DraftSection) -> tuple[list[Block], list[Section], str]:
        blocks: list[Block] = []
        for rec in self.records.get(self.k["texts"], []):
            if _text(rec["section"]) == section.title:
                blocks += self._cell_blocks("text", rec, "text")
        sections: list[Section] = []
        source = ""
        where = Location(file=section.file)
        data = read_bytes(inside(self.folder, section.file, where), where, section.file, MAX_TEXT_BYTES) \
            if section.file else None
        if data is not None:
            self.files[section.file] = data
            source = section.file
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError(error("E-ENCODING", Location(file=section.file), "file is not UTF-8",
                                       "save it as UTF-8 in your editor")) from None
            md_blocks, sections = markdown.parse(text, section.file, section.id, places=self.places)
            blocks += md_blocks
        return blocks, sections, source

    def _placeholder(self, hint: str, where: Location, name: str, fix: str = "", args: dict | None = None) -> Placeholder:
        self.placeholders += 1
        self.report.add(warning("W-EMPTY-SECTION", where, f"'{name}' is empty (placeholder printed)",
                                fix or "fill in the sheet named here, or write the section's text in sheet "
                                "'Texte' or a Markdown file next to the workbook", args={"section": name, **(args or {})}))
        # its place: the sheet to fill in (what is typed over it in Word belongs there)
        return self.places.note(Placeholder(text=hint, comment=f"{self.label('missing_section', name=name)}. {hint}"),
                                Place.of(where))

    def _cell_blocks(self, what: str, rec: Record, column: str) -> list[Block]:
        """A text cell as paragraphs and lists, the way it was typed (Alt+Enter, „- “, „1.“)."""
        out: list[Block] = []
        for kind, items in cell_lists.groups(cell_lists.lines(_text(rec[column]))):
            for item in items:
                self._keep(what, item.text, rec.cells[column])
            if kind == "text":
                out.append(Paragraph([Run(items[0].text)]))
            else:
                out.append(ListBlock(ordered=kind == "number", start=items[0].number or 1,
                                     items=[ListItem([Run(i.text)], level=i.level) for i in items]))
            self.places.note(out[-1], Place.of(rec.cells[column]))
        return out

    # -- what each kind of section adds from its sheet ---------------------------------------
    def _table(self, sheet_key: str, columns: list[str], rows: list[Record],
               shown: dict[str, Callable[[Record], str]] | None = None, unbroken: tuple[str, ...] = ()) -> DataTable:
        """A table of the sheet's rows, each column as wide as its content needs; columns
        nobody filled in are left out. Text typed on several lines keeps its lines and bullets."""
        sheet = self.layout.sheet(sheet_key)
        shown = shown or {}

        def text(r: Record, name: str) -> str:
            return shown[name](r) if name in shown else cell_lists.as_cell(_cell(r[name]))
        cells = {name: [text(r, name) for r in rows] for name in columns}
        used = [name for name in columns if any(cells[name])]
        header = [sheet.header(name) for name in used]
        body = [[cells[name][i] for name in used] for i in range(len(rows))]
        for r in rows:
            for name in used:
                if name not in shown and isinstance(r[name], str):
                    for line in cell_lists.lines(r[name]):
                        self._keep(f"{sheet.title} {sheet.header(name)}", line.text, r.cells[name])
        table = DataTable(header=[[Run(h)] for h in header], rows=[[[Run(c)] for c in row] for row in body],
                          widths=fit_widths(header, body, line_for(self.page.text_width_mm), unbroken=frozenset(
                              i for i, name in enumerate(used) if name in unbroken)), table=sheet_key)
        # the table's place is its sheet; each cell's, its row and column ('row 0, Maßnahme')
        return self.places.note(table, Place.of(self._where(sheet_key)), {
            f"row {n}, {sheet.header(name)}": Place.of(r.cells[name])
            for n, r in enumerate(rows) for name in used if name in r.cells})

    def content_foreword(self) -> list[Block]:
        return []  # the signature is added to the section's text (or its placeholder)

    def content_text(self) -> list[Block]:
        return []

    def content_population(self) -> list[Block]:
        rows = self.records.get(self.k["population"], [])
        if not rows:
            return []
        table = self._table(self.k["population"], ["group", "label", "value", "as_of"], rows, {
            "value": lambda r: german.quantity(r["value"], _text(r["unit"])) if r["value"] is not None else ""},
            unbroken=("value", "as_of"))
        blocks: list[Block] = [table]
        sources = list(dict.fromkeys(_text(r["source"]) for r in rows if _text(r["source"])))
        if sources:
            line = f"{self.label('source')}: {'; '.join(sources)}"
            first = next(r for r in rows if _text(r["source"]))
            blocks.append(self.places.note(Paragraph([Run(line, italic=True)]), Place.of(first.cells["source"])))
        return blocks + self._population_charts(rows)

    def _population_charts(self, rows: list[Record]) -> list[Block]:
        """A bar chart per group that the template titles (label 'chart_<group>') and that has
        at least two per-cent rows: the draft's picture of its population."""
        charts: list[Block] = []
        groups = dict.fromkeys(_text(r["group"]) for r in rows)
        for group in groups:
            title = self.labels.get(f"chart_{group}")
            shares = [r for r in rows
                      if _text(r["group"]) == group and _text(r["unit"]) == "%" and r["value"] is not None]
            if not title or len(shares) < 2:
                continue
            sources = "; ".join(dict.fromkeys(_text(r["source"]) for r in shares if _text(r["source"])))
            dates = sorted({r["as_of"] for r in shares if r["as_of"]})
            note = f"{self.label('as_of')}: {german.day_month_year(dates[-1])}" if dates else ""
            chart = Chart(id=f"bevoelkerung-{markdown.slug(group)}", kind="bar", title=title,
                          categories=[_text(r["label"]) for r in shares],
                          series=[Series(name=self.label("share"), values=[float(r["value"]) for r in shares])],
                          unit="%", source=sources, note=note, horizontal=True)
            chart.alt = alt_text(chart)
            charts.append(self.places.note(chart, Place.of(shares[0].origin)))
        return charts

    def content_participation(self) -> list[Block]:
        """The process in time order. Dates may be approximate („Frühjahr 2012“, „seit 2010“);
        a step without a date keeps its place after the step above it in the sheet."""
        rows = self.records.get(self.k["participation"], [])
        if not rows:
            return []
        keys, last = [], ()
        for r in rows:
            last = r["date"].key if r["date"] else last
            keys.append((last, r.row))
        rows = [r for _, r in sorted(zip(keys, rows), key=lambda pair: pair[0])]
        return [self._table(self.k["participation"], ["date", "strand", "format", "place", "participants", "results"],
                            rows, {"date": lambda r: r["date"].text if r["date"] else ""}, unbroken=("date",))]

    def content_principles(self) -> list[Block]:
        rows = self.records.get(self.k["principles"], [])
        blocks: list[Block] = []
        for r in (r for r in rows if r["kind"] == "Vision"):
            title = _text(r["title"]) or self.label("vision")
            blocks.append(self.places.note(Box(title=self._keep("vision title", title, r.cells["title"]),
                                               blocks=self._cell_blocks("vision", r, "text"), kind="vision"),
                                           Place.of(r.origin), {"title": Place.of(r.cells["title"])}))
        items = []
        for r in (r for r in rows if r["kind"] != "Vision"):
            runs = []
            if _text(r["title"]):
                runs.append(Run(self._keep("principle title", _text(r["title"]), r.cells["title"]) + ": ", bold=True))
            text = " ".join(line.text for line in cell_lists.lines(_text(r["text"])))
            runs.append(Run(self._keep("principle", text, r.cells["text"])))
            items.append(self.places.note(ListItem(runs), Place.of(r.origin),
                                          {c: Place.of(r.cells[c]) for c in ("title", "text")}))
        if items:
            blocks.append(self.places.note(ListBlock(ordered=True, items=items), self.places.place(items[0])))
        return blocks

    def _field_head(self, number: str, s: Section) -> None:
        rec = self.fields[number]
        self._keep("field of action", _text(rec["title"]), rec.cells["title"])
        kind = ", ".join(x for x in (_text(rec["type"]), _text(rec["scope"])) if x)
        if kind:
            s.blocks.append(self.places.note(Paragraph([Run(kind, italic=True)]), Place.of(rec.origin),
                                             {c: Place.of(rec.cells[c]) for c in ("type", "scope")}))
        s.blocks += self._cell_blocks("field description", rec, "text")

    def content_fields(self) -> tuple[list[Block], list[Section]]:
        """A section per field of action (groups as headings above them), each with one table
        of its measures, short-term first."""
        def fill(number: str, s: Section) -> None:
            self._field_head(number, s)
            mine = sorted(self.rows_for(self.k["measures"], number),
                          key=lambda m: (HORIZONS.index(m["horizon"]) if m["horizon"] in HORIZONS else 9, m.row))
            if mine:
                s.blocks.append(self._table(self.k["measures"], ["text", "horizon", "responsible", "indicator"], mine,
                                            {"horizon": lambda m: self.label(f"horizon_{m['horizon']}")
                                             if m["horizon"] else ""}, unbroken=("horizon",)))
            elif not self.is_group(number):
                s.blocks.append(self._placeholder(self.label("no_measures") + " " + self.label("no_measures_hint"),
                                                  self._where(self.k["measures"]), s.title))
        sections = self._field_tree("handlungsfeld", fill)
        self.field_depth = max((s.level for s in walk_sections(sections)), default=0)
        return [], sections

    def content_goals(self) -> tuple[list[Block], list[Section]]:
        if not self.records.get(self.k["goals"]):
            return [], []

        def fill(number: str, s: Section) -> None:
            mine = sorted(self.rows_for(self.k["goals"], number),
                          key=lambda g: (GOAL_LEVELS.index(g["level"]) if g["level"] in GOAL_LEVELS else 9, g.row))
            if mine:
                s.blocks.append(self._table(self.k["goals"], ["level", "text", "indicator"], mine))
            elif not self.is_group(number):
                s.blocks.append(self._placeholder(self.label("no_goals"), self._where(self.k["goals"]), s.title))
        return [], self._field_tree(self.k["goals"], fill, title=self.goals_title)

    def content_evaluation(self) -> list[Block]:
        rows = self.records.get(self.k["evaluation"], [])
        return [self._table(self.k["evaluation"], ["kind", "subject", "method", "interval", "responsible"], rows)] \
            if rows else []

    def content_networks(self) -> list[Block]:
        rows = self.records.get(self.k["networks"], [])
        return [self._table(self.k["networks"], ["name", "kind", "role", "contact"], rows)] if rows else []

    # -- chapters ---------------------------------------------------------------------------
    def _chapter(self, n: int, section: DraftSection) -> Chapter:
        builder: Callable = getattr(self, f"content_{section.content}")  # known: workbook_layout.CONTENTS
        own = self.own.get(section.title, {})
        number = own["number"][0] if "number" in own else str(n)
        heading = self._keep("chapter title", own["title"][0], own["title"][1]) if "title" in own else section.title
        if "title" in own and len(heading) > MAX_TITLE:  # it could print as no heading, contents line or running head
            self.report.add(error("E-TOO-LARGE", own["title"][1],
                                  f"the chapter title has {len(heading)} characters; at most {MAX_TITLE}",
                                  "shorten it; put the rest into the chapter's text",
                                  args={"form": "title-length", "length": len(heading), "max": MAX_TITLE}))
        title = f"{number}. {heading}" if "." not in number else f"{number} {heading}"
        text, md_sections, source = self._section_text(section)
        made = builder()
        blocks, sections = made if isinstance(made, tuple) else (made, [])
        ch = Chapter(id=section.id, kind="prose", title=title, running_head=heading, style="draft",
                     source=source)
        if "title" in own:  # the town's heading
            self.places.note(ch, Place.of(own["title"][1]))
        else:
            self.places.note(ch, Place(shown_file(self.template), key=f"sections[{n}].title"))  # the type's
        row = next((r.row for r in self.records.get(self.k["texts"], []) if _text(r["section"]) == section.title), None)
        self.number_at[id(ch)] = own["number"][1] if "number" in own else self._where(self.k["texts"], row, "number")
        has_content = bool(text or md_sections or blocks or sections)
        if section.content == "population":
            figures = self._key_figures()
            if figures:
                blocks.insert(0, figures)
        if not has_content:
            sheet = self.k[CONTENTS.get(section.content, "texts")]
            placeholder = self._placeholder(section.hint, self._where(sheet), section.title)
            if section.file and CONTENTS.get(section.content) == "texts":  # text typed over it belongs in its file
                self.places.note(placeholder, Place(section.file))
            ch.blocks.append(placeholder)
            ch.blocks += blocks
            ch.run_on = True  # a framed hint needs no page of its own
        else:
            ch.blocks = text + blocks
            ch.sections = md_sections + sections
        for photo in (p for p in self.photos if p.section == section_name(section)):
            block = Photo(id=f"foto-{photo.index + 1}", file=photo.file, caption=photo.caption, alt=photo.alt)
            self._keep("photo caption", photo.caption, Location(file=PHOTOS_FILE, column=f"{photo.key}.bildunterschrift"))
            at = Place(PHOTOS_FILE, key=photo.key)
            (ch.sections[-1].blocks if ch.sections else ch.blocks).append(self.places.note(block, at, {
                "caption": Place(PHOTOS_FILE, key=f"{photo.key}.bildunterschrift"),
                "alt": Place(PHOTOS_FILE, key=f"{photo.key}.alternativtext")}))
        if section.content == "foreword" and _text(self.base_value("mayor")):
            signature = Signature(closing="", name=self._keep("mayor", _text(self.base_value("mayor")),
                                                              self.base.cells["mayor"]),
                                  role=" ".join(x for x in (_text(self.base_value("mayor_title")),
                                                            self._of()) if x))
            self.places.note(signature, Place.of(self.base.cells["mayor"]),
                             {"name": Place.of(self.base.cells["mayor"]), "role": Place.of(self.base.cells["mayor_title"])})
            (ch.sections[-1].blocks if ch.sections else ch.blocks).append(signature)
        return ch

    def _key_figures(self) -> Figures | None:
        figures = []
        population = self.base_value("population")
        if population not in (None, ""):
            figures.append(self.places.note(Figure(label=self.label("population"), value=german.number(population)),
                                            Place.of(self.base.cells["population"])))
        if _text(self.base_value("district")):
            figures.append(self.places.note(Figure(label=self.layout.by_role("master").header("district"),
                                                   value=self._keep("district", _text(self.base_value("district")),
                                                                    self.base.cells["district"])),
                                            Place.of(self.base.cells["district"])))
        if not figures:
            return None
        return self.places.note(Figures(title=_text(self.base_value("municipality")), figures=figures, source=""),
                                Place.of(self.base.cells["municipality"]), {"title": Place.of(self.base.cells["municipality"])})

    def _of(self) -> str:
        return f"{self.label('of_' + _text(self.base_value('kind')))} {_text(self.base_value('municipality'))}".strip()

    def _council(self) -> list[Block]:
        """The council's part, as far as the sheet gives it: decided, presented or planned,
        with or without a date."""
        council, when = _text(self.base_value("council")), self.base_value("council_decision")
        step = _text(self.base_value("council_step")) or ("beschlossen" if when else "vorgestellt" if council else "")
        if not (council or when):
            return []
        key = f"council_{step}" + ("" if council else "_nobody") + ("" if when else "_undated")
        if council:
            self._keep("council", council, self.base.cells["council"])
        cell = self.base.cells["council" if council else "council_decision"]
        return [self.places.note(Paragraph([Run(self.label(key, council=council, date=when.text if when else ""))]),
                                 Place.of(cell))]

    def _contact(self) -> Chapter:
        lines = [_text(self.base_value(k)) for k in ("office", "contact") if _text(self.base_value(k))]
        for key, label in (("email", "E-Mail"), ("phone", "Telefon")):
            if _text(self.base_value(key)):
                lines.append(f"{label}: {_text(self.base_value(key))}")
        for key in ("office", "contact", "email", "phone"):
            if _text(self.base_value(key)) and self.base:
                self._keep(key, _text(self.base_value(key)), self.base.cells[key])
        title = self.label("contact_chapter")
        shown = [k for k in ("office", "contact", "email", "phone") if _text(self.base_value(k))]
        blocks: list[Block] = [self.places.note(Lines(lines), Place.of(self.base.cells[shown[0]]),
                                                {k: Place.of(self.base.cells[k]) for k in shown})] if lines else [
            self._placeholder(self.label("contact_hint"), self._where(self.k["master"], column="contact"), title,
                              "fill in Verantwortliche Stelle, Ansprechperson, E-Mail and Telefon in sheet "
                              "'Stammdaten'", args={"form": "empty-contact"})]
        blocks += self._council()
        logo = next((p for p in reversed(self.photos) if p.section == LOGO), None)  # the last one given
        if logo is not None:
            blocks.insert(0, self.places.note(Photo(id="logo", file=logo.file, caption=logo.caption, alt=logo.alt,
                                                    width="logo"), Place(PHOTOS_FILE, key=logo.key)))
            self._keep("logo caption", logo.caption, Location(file=PHOTOS_FILE, column=f"{logo.key}.bildunterschrift"))
        chapter = Chapter(id="kontakt", kind="imprint", title=title, running_head=title, style="imprint", blocks=blocks)
        return self.places.note(chapter, Place(shown_file(self.template), key="labels.contact_chapter"))

    def _titles(self, municipality: str) -> tuple[str, str]:
        """The cover's title and the line under it: „… der Stadt Musterstadt“ unless the
        strategy's own title already names the town („Mein Musterstadt ist …“)."""
        own = _text(self.base_value("strategy_title"))
        if own:
            self._keep("strategy title", own, self.base.cells["strategy_title"])
        title = own or self.label("title")
        named = municipality and municipality.casefold() in title.casefold()
        return title, "" if named else self._of()

    def build(self) -> Document:
        municipality = _text(self.base_value("municipality"))
        as_of = self.base_value("as_of") or None
        title, of = self._titles(municipality)
        date_text = f"{self.label('as_of')}: {german.long_date(as_of)}" if as_of else ""
        chapters = [Chapter(id="inhalt", kind="contents", title=self.label("contents"),
                            running_head=self.label("contents"), style="contents")]
        chapters += [self._chapter(n, s) for n, s in enumerate(self.layout.sections, start=1)]
        chapters.append(self._contact())
        publisher = " ".join(x for x in (_text(self.base_value("kind")), municipality) if x)  # 'Stadt Musterstadt'
        meta = Meta(title=f"{title} – {of}" if of else title, subtitle=self.label("draft_note"),
                    author=publisher, publisher=publisher, date=(as_of or FALLBACK_DATE).isoformat(),
                    date_text=date_text, language="de-DE", template=self.template, edition=municipality,
                    toc_depth=self.field_depth, page=self.page)  # the contents lists every field of action
        cover = Cover(title=title, subtitle=of, programme=self.label("draft"), items=[], publisher=publisher,
                      date_text=date_text)
        doc = Document(meta=meta, cover=cover, chapters=chapters, labels=self.labels)
        texts = self.layout.sheet(self.k["texts"]).title if self.k["texts"] else "Texte"
        fields = self.layout.by_role("fields").title if self.layout.by_role("fields") else "Handlungsfelder"
        self.report.extend(check_heading_numbers(doc, self._number_place, (
            f"give each heading its own number: a chapter's in sheet '{texts}', column 'Nr.' of its row "
            f"(e.g. 10 and 11 after a plan's fields of action 8 and 9), a field of action's in sheet '{fields}'")))
        return doc

    def _number_place(self, node: Chapter | Section) -> Location:
        """The cell that gives a heading its number; for a heading from a Markdown file, its line."""
        if id(node) in self.number_at:
            return self.number_at[id(node)]
        place = self.places.place(node)
        return Location(file=place.file, row=place.line) if place is not None else Location(file=self.layout.file)


def section_name(section: DraftSection) -> str:
    """How fotos.yaml names a section: its text file's name without .md ('vorwort')."""
    return section.file.removesuffix(".md") if section.file else section.id


def _cell(value: object) -> str:
    return cell_text(value).strip()


def assemble_draft(folder: Path, layout: Layout, labels: dict[str, str], template: str,
                   records: dict[str, list[Record]], report: Report, page: Page | None = None,
                   places: SourceMap | None = None) -> Draft:
    """The draft's content tree; with PLACES, where each part came from is noted there."""
    a = DraftAssembler(folder, layout, labels, template, records, report, page, places)
    document = a.build()
    return Draft(document=document, passages=a.passages, placeholders=a.placeholders, files=a.files)
