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

from . import german, markdown
from .assemble import cell_text
from .charts import alt_text
from .check_output import Passage
from .errors import InputError, Location, Report, error, warning
from .input_files import MAX_TEXT_BYTES, inside, read_bytes
from .records import Record
from .tree import (
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
    Paragraph,
    Placeholder,
    Run,
    Section,
    Series,
    Signature,
)
from .workbook_layout import DraftSection, Layout

HORIZONS = ("kurzfristig", "mittelfristig", "langfristig")
GOAL_LEVELS = ("Vision", "strategisches Ziel", "operatives Ziel")
# Which sheet a section's content comes from, so a finding can send the author there.
CONTENT_SHEETS = {"text": "texte", "foreword": "texte", "population": "bevoelkerung",
                  "participation": "beteiligung", "principles": "leitlinien", "fields": "handlungsfelder",
                  "goals": "ziele", "evaluation": "evaluation", "networks": "netzwerke"}
FALLBACK_DATE = dt.date(2000, 1, 1)  # PDF/DOCX timestamp when the workbook gives no 'Stand'


@dataclass
class Draft:
    document: Document
    passages: list[Passage] = field(default_factory=list)  # typed text the files must contain
    placeholders: int = 0


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


class DraftAssembler:
    def __init__(self, folder: Path, layout: Layout, labels: dict[str, str], template: str,
                 records: dict[str, list[Record]], report: Report):
        self.folder = folder
        self.layout = layout
        self.labels = labels
        self.template = template
        self.records = records
        self.report = report
        self.base = (records.get("stammdaten") or [None])[0]
        self.passages: list[Passage] = []
        self.placeholders = 0
        self.fields = self._fields()

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
    def _fields(self) -> dict[int, Record]:
        out: dict[int, Record] = {}
        for rec in self.records.get("handlungsfelder", []):
            number = rec["number"]
            if number is None:
                continue
            if number != int(number) or number < 1:
                self.report.add(error("E-BAD-VALUE", rec.cells["number"], f"'{german.number(number)}' is not a field number",
                                      "number the fields of action 1, 2, 3, …"))
                continue
            if int(number) in out:
                self.report.add(error("E-DUPLICATE-ID", rec.cells["number"],
                                      f"field of action {int(number)} is already used in row {out[int(number)].row}",
                                      "give every field of action its own number"))
                continue
            out[int(number)] = rec
        for table in ("ziele", "massnahmen"):
            for rec in self.records.get(table, []):
                if rec["field"] is not None and int(rec["field"]) not in out:
                    known = ", ".join(str(n) for n in sorted(out)) or "(none yet)"
                    self.report.add(error("E-UNKNOWN-REF", rec.cells["field"],
                                          f"there is no field of action {german.number(rec['field'])}",
                                          f"use a number from sheet '{self.layout.sheet('handlungsfelder').title}': {known}"))
        return dict(sorted(out.items()))

    def field_title(self, number: int) -> str:
        return f"{self.label('field')} {number}: {_text(self.fields[number]['title'])}"

    # -- text of a section -----------------------------------------------------------------
    def _section_text(self, section: DraftSection) -> tuple[list[Block], list[Section], str]:
        blocks: list[Block] = []
        for rec in self.records.get("texte", []):
            if _text(rec["section"]) == section.title:
                for line in _text(rec["text"]).splitlines():
                    if line.strip():
                        blocks.append(Paragraph([Run(self._keep("text", line.strip(), rec.cells["text"]))]))
        sections: list[Section] = []
        source = ""
        where = Location(file=section.file)
        data = read_bytes(inside(self.folder, section.file, where), where, section.file, MAX_TEXT_BYTES) \
            if section.file else None
        if data is not None:
            source = section.file
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError(error("E-ENCODING", Location(file=section.file), "file is not UTF-8",
                                       "save it as UTF-8 in your editor")) from None
            md_blocks, sections = markdown.parse(text, section.file, section.id)
            blocks += md_blocks
        return blocks, sections, source

    def _placeholder(self, hint: str, where: Location, name: str) -> Placeholder:
        self.placeholders += 1
        self.report.add(warning("E-EMPTY-SECTION", where, f"'{name}' is empty (placeholder printed)",
                                "fill in the sheet named here, or write the section's text in sheet 'Texte' "
                                "or a Markdown file next to the workbook"))
        return Placeholder(text=hint, comment=f"{self.label('missing_section', name=name)}. {hint}")

    # -- what each kind of section adds from its sheet ---------------------------------------
    def _table(self, sheet_key: str, columns: dict[str, str], rows: list[Record], widths: list[float]) -> DataTable:
        """A table of the sheet's rows; columns nobody filled in are left out."""
        sheet = self.layout.sheet(sheet_key)
        used = [(name, w) for name, w in zip(columns, widths) if any(_cell(r[name]) for r in rows)]
        total = sum(w for _, w in used)
        return DataTable(header=[[Run(columns[name] or sheet.header(name))] for name, _ in used],
                         rows=[[[Run(_cell(r[name]))] for name, _ in used] for r in rows],
                         widths=[round(w / total, 4) for _, w in used], table=sheet_key)

    def content_foreword(self) -> list[Block]:
        return []  # the signature is added once the section has text

    def content_text(self) -> list[Block]:
        return []

    def content_population(self) -> list[Block]:
        rows = self.records.get("bevoelkerung", [])
        if not rows:
            return []
        sheet = self.layout.sheet("bevoelkerung")
        table = DataTable(header=[[Run(sheet.header(c))] for c in ("group", "label", "value", "as_of")],
                          rows=[[[Run(_text(r["group"]))], [Run(_text(r["label"]))],
                                 [Run(german.quantity(r["value"], _text(r["unit"])) if r["value"] is not None else "")],
                                 [Run(_cell(r["as_of"]))]] for r in rows],
                          widths=[0.22, 0.44, 0.17, 0.17], table="bevoelkerung")
        blocks: list[Block] = [table]
        sources = list(dict.fromkeys(_text(r["source"]) for r in rows if _text(r["source"])))
        if sources:
            line = f"{self.label('source')}: {'; '.join(sources)}"
            blocks.append(Paragraph([Run(line, italic=True)]))
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
            charts.append(chart)
        return charts

    def content_participation(self) -> list[Block]:
        rows = sorted(self.records.get("beteiligung", []), key=lambda r: (r["date"] or dt.date.max, r.row))
        if not rows:
            return []
        return [self._table("beteiligung", {"date": "", "format": "", "place": "", "participants": "", "results": ""},
                            rows, [1.3, 2, 1.6, 1.3, 3.8])]

    def content_principles(self) -> list[Block]:
        rows = self.records.get("leitlinien", [])
        blocks: list[Block] = []
        for r in (r for r in rows if r["kind"] == "Vision"):
            title = _text(r["title"]) or self.label("vision")
            body = [Paragraph([Run(self._keep("vision", _text(r["text"]), r.cells["text"]))])]
            blocks.append(Box(title=self._keep("vision title", title, r.cells["title"]), blocks=body, kind="vision"))
        items = []
        for r in (r for r in rows if r["kind"] != "Vision"):
            runs = []
            if _text(r["title"]):
                runs.append(Run(self._keep("principle title", _text(r["title"]), r.cells["title"]) + ": ", bold=True))
            runs.append(Run(self._keep("principle", _text(r["text"]), r.cells["text"])))
            items.append(ListItem(runs))
        if items:
            blocks.append(ListBlock(ordered=True, items=items))
        return blocks

    def content_fields(self) -> tuple[list[Block], list[Section]]:
        sections = []
        measures = self.records.get("massnahmen", [])
        for number, rec in self.fields.items():
            title = self.field_title(number)
            self._keep("field of action", _text(rec["title"]), rec.cells["title"])
            s = Section(id=f"handlungsfeld-{number}", title=title, level=2)
            kind = ", ".join(x for x in (_text(rec["type"]), _text(rec["scope"])) if x)
            if kind:
                s.blocks.append(Paragraph([Run(kind, italic=True)]))
            for line in _text(rec["text"]).splitlines():
                if line.strip():
                    s.blocks.append(Paragraph([Run(self._keep("field description", line.strip(), rec.cells["text"]))]))
            mine = [m for m in measures if m["field"] is not None and int(m["field"]) == number]
            if not mine:
                s.blocks.append(self._placeholder(self.label("no_measures") + " " + self.label("no_measures_hint"),
                                                  self._where("massnahmen"), title))
            for horizon in HORIZONS:
                rows = [m for m in mine if m["horizon"] == horizon]
                if rows:
                    sub = Section(id=f"handlungsfeld-{number}-{horizon}", title=self.label(f"horizon_{horizon}"),
                                  level=3)
                    sub.blocks.append(self._table("massnahmen", {"text": "", "responsible": "", "indicator": ""},
                                                  rows, [4, 2, 3]))
                    s.sections.append(sub)
            sections.append(s)
        return [], sections

    def content_goals(self) -> tuple[list[Block], list[Section]]:
        goals = self.records.get("ziele", [])
        if not goals:
            return [], []
        sections = []
        for number in self.fields:
            title = self.field_title(number)
            s = Section(id=f"ziele-{number}", title=title, level=2)
            mine = [g for g in goals if g["field"] is not None and int(g["field"]) == number]
            mine.sort(key=lambda g: (GOAL_LEVELS.index(g["level"]) if g["level"] in GOAL_LEVELS else 9, g.row))
            if mine:
                s.blocks.append(self._table("ziele", {"level": "", "text": "", "indicator": ""}, mine, [1.6, 4, 3]))
            else:
                s.blocks.append(self._placeholder(self.label("no_goals"), self._where("ziele"), title))
            sections.append(s)
        return [], sections

    def content_evaluation(self) -> list[Block]:
        rows = self.records.get("evaluation", [])
        return [self._table("evaluation", {"kind": "", "subject": "", "method": "", "interval": "", "responsible": ""},
                            rows, [1.3, 3, 3, 1.3, 1.8])] if rows else []

    def content_networks(self) -> list[Block]:
        rows = self.records.get("netzwerke", [])
        return [self._table("netzwerke", {"name": "", "kind": "", "role": "", "contact": ""}, rows,
                            [2.5, 1.6, 3.5, 2.4])] if rows else []

    # -- chapters ---------------------------------------------------------------------------
    def _chapter(self, n: int, section: DraftSection) -> Chapter:
        builder: Callable = getattr(self, f"content_{section.content}", None)
        if builder is None:
            raise InputError(error("E-TEMPLATE", Location(file=f"templates/{self.template}/template.yaml",
                                                         column=f"sections[{n}].content"),
                                   f"section content '{section.content}' is unknown",
                                   "use one of: " + ", ".join(CONTENT_SHEETS)))
        title = f"{n}. {section.title}"
        text, md_sections, source = self._section_text(section)
        made = builder()
        blocks, sections = made if isinstance(made, tuple) else (made, [])
        ch = Chapter(id=section.id, kind="prose", title=title, running_head=section.title, style="draft",
                     source=source)
        has_content = bool(text or md_sections or blocks or sections)
        if section.content == "population":
            figures = self._key_figures()
            if figures:
                blocks.insert(0, figures)
        if not has_content:
            sheet = CONTENT_SHEETS.get(section.content, "texte")
            ch.blocks.append(self._placeholder(section.hint, self._where(sheet), section.title))
            ch.blocks += blocks
            return ch
        ch.blocks = text + blocks
        ch.sections = md_sections + sections
        if section.content == "foreword" and _text(self.base_value("mayor")):
            signature = Signature(closing="", name=_text(self.base_value("mayor")),
                                  role=" ".join(x for x in (_text(self.base_value("mayor_title")),
                                                            self._of()) if x))
            (ch.sections[-1].blocks if ch.sections else ch.blocks).append(signature)
        return ch

    def _key_figures(self) -> Figures | None:
        population = self.base_value("population")
        if population in (None, ""):
            return None
        figures = [Figure(label=self.label("population"), value=german.number(population))]
        if _text(self.base_value("district")):
            figures.append(Figure(label=self.layout.sheet("stammdaten").header("district"),
                                  value=_text(self.base_value("district"))))
        return Figures(title=_text(self.base_value("municipality")), figures=figures, source="")

    def _of(self) -> str:
        return f"{self.label('of_' + _text(self.base_value('kind')))} {_text(self.base_value('municipality'))}".strip()

    def _contact(self) -> Chapter:
        lines = [_text(self.base_value(k)) for k in ("office", "contact") if _text(self.base_value(k))]
        for key, label in (("email", "E-Mail"), ("phone", "Telefon")):
            if _text(self.base_value(key)):
                lines.append(f"{label}: {_text(self.base_value(key))}")
        for key in ("office", "contact", "email", "phone"):
            if _text(self.base_value(key)) and self.base:
                self._keep(key, _text(self.base_value(key)), self.base.cells[key])
        blocks: list[Block] = [Lines(lines)] if lines else []
        decision = self.base_value("council_decision")
        if decision:
            council = _text(self.base_value("council")) or "—"
            blocks.append(Paragraph([Run(self.label("decision", council=council,
                                                    date=german.day_month_year(decision)))]))
        title = self.label("contact_chapter")
        return Chapter(id="kontakt", kind="imprint", title=title, running_head=title, style="imprint",
                       blocks=blocks)

    def build(self) -> Document:
        municipality = _text(self.base_value("municipality"))
        as_of = self.base_value("as_of") or None
        title = _text(self.base_value("strategy_title")) or self.label("title")
        of = self._of()
        date_text = f"{self.label('as_of')}: {german.day_month_year(as_of)}" if as_of else ""
        chapters = [Chapter(id="inhalt", kind="contents", title=self.label("contents"),
                            running_head=self.label("contents"), style="contents")]
        chapters += [self._chapter(n, s) for n, s in enumerate(self.layout.sections, start=1)]
        chapters.append(self._contact())
        publisher = " ".join(x for x in (_text(self.base_value("kind")), municipality) if x)  # 'Stadt Musterstadt'
        meta = Meta(title=f"{title} – {of}" if of else title, subtitle=self.label("draft_note"),
                    author=publisher, publisher=publisher, date=(as_of or FALLBACK_DATE).isoformat(),
                    date_text=date_text, language="de-DE", template=self.template, edition=municipality)
        cover = Cover(title=title, subtitle=of, programme=self.label("draft"), items=[], publisher=publisher,
                      date_text=date_text)
        return Document(meta=meta, cover=cover, chapters=chapters, labels=self.labels)


def _cell(value: object) -> str:
    return cell_text(value).strip()


def assemble_draft(folder: Path, layout: Layout, labels: dict[str, str], template: str,
                   records: dict[str, list[Record]], report: Report) -> Draft:
    a = DraftAssembler(folder, layout, labels, template, records, report)
    document = a.build()
    return Draft(document=document, passages=a.passages, placeholders=a.placeholders)
