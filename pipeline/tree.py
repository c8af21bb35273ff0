"""The content tree: what every renderer draws, and nothing about where it came from.

Loaders and the assembler build it; renderers (DOCX, Typst) and the verifier read it. It
serialises to plain JSON (``to_data``), which is also what the Typst template consumes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    footnote: list["Run"] | None = None  # a footnote reference carries its note's text


@dataclass
class Paragraph:
    runs: list[Run]
    type: str = "paragraph"


@dataclass
class ListItem:
    runs: list[Run]
    level: int = 0


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem]
    start: int = 1
    type: str = "list"


@dataclass
class Quote:
    id: str
    text: str
    speaker: str
    role: str
    type: str = "quote"


@dataclass
class Photo:
    id: str
    file: str | None  # path relative to the edition folder; None → placeholder
    caption: str
    alt: str
    credit: str = ""  # the whole credit line: 'Foto: Anna Muster', 'Grafik: Projektteam'
    width: str = "column"
    type: str = "photo"


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Chart:
    """A chart drawn from a data table; the renderers draw it (vector for print, PNG for Word)."""

    id: str
    kind: str  # bar | stacked_bar | classes
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""  # '%' → values print as '55,2 %'
    source: str = ""  # printed under the chart as 'Quelle: …'
    note: str = ""  # a definition or remark printed under the source
    alt: str = ""  # generated from the data unless the editors wrote their own
    classes: list[float] = field(default_factory=list)  # class bounds for kind 'classes': 30, 40, … 75
    reference: float | None = None  # a marked value, e.g. the average
    reference_label: str = ""  # 'Durchschnitt'
    horizontal: bool = False
    width: str = "column"  # column | full
    type: str = "chart"


@dataclass
class Contact:
    id: str
    group: str
    lines: list[str]  # name, role, organisation, street, postcode + city
    phone: str = ""
    fax: str = ""
    email: str = ""
    web: str = ""


@dataclass
class Contacts:
    contacts: list[Contact]
    type: str = "contacts"


@dataclass
class Figure:
    label: str
    value: str  # already formatted the German way: '55,2 %'
    note: str = ""  # 'Stand: 31.12.2010'


@dataclass
class Figures:
    title: str
    figures: list[Figure]
    source: str = ""
    type: str = "figures"


@dataclass
class Signature:
    closing: str
    name: str
    role: str
    type: str = "signature"


@dataclass
class Lines:
    """An address-like block: lines printed one under another."""

    lines: list[str]
    type: str = "lines"


@dataclass
class Placeholder:
    text: str
    comment: str = ""  # a note to the author: a Word comment in the DOCX
    type: str = "placeholder"


@dataclass
class DataTable:
    """A real table: from a Markdown pipe table or built from a sheet's rows."""

    header: list[list[Run]]  # one cell per column; [] when the table has no header row
    rows: list[list[list[Run]]]  # rows of cells; a cell is a list of runs
    widths: list[float]  # relative column widths, summing to 1
    table: str = ""  # the sheet it was built from ("" for a Markdown table)
    type: str = "table"


@dataclass
class Field:
    label: str
    value: str  # may hold line breaks ("\n")


@dataclass
class Card:
    title: str
    fields: list[Field]
    record: str = ""  # "table:id" of the row it shows


@dataclass
class Cards:
    """An overview grid: one card per row of a table."""

    cards: list[Card]
    columns: int = 3
    type: str = "cards"


@dataclass
class Profile:
    """A two-column key/value header (label | value), e.g. at the top of a profile page."""

    fields: list[Field]
    record: str = ""
    type: str = "profile"


@dataclass
class Box:
    """A callout box with a title around ordinary blocks."""

    title: str
    blocks: list["Block"]
    kind: str = "box"  # the template's name for this kind of box: it may style kinds differently
    record: str = ""  # "table:id" when the box refers to a row
    type: str = "box"


@dataclass
class Reference:
    id: str
    label: str  # what a citation prints: 'Carnau 2011'
    runs: list[Run]  # the formatted entry


@dataclass
class Bibliography:
    entries: list[Reference]
    type: str = "bibliography"


Block = (Paragraph | ListBlock | Quote | Photo | Chart | Contacts | Figures | Signature | Lines | Placeholder
         | DataTable | Cards | Profile | Box | Bibliography)


@dataclass
class Section:
    id: str
    title: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)
    sections: list["Section"] = field(default_factory=list)


@dataclass
class Chapter:
    id: str
    kind: str  # as edition.yaml says: foreword | contents | prose | each (one chapter per row) | bibliography | imprint
    title: str
    running_head: str
    style: str = "prose"  # look chosen by the template: prose, region, portrait, imprint …
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    source: str = ""  # the Markdown file, relative to the edition folder ("" if none)
    table: str = ""  # for chapters made one per row: the table they come from
    pages: int | None = None  # page budget (the PDF is padded to it; the check reports overruns)
    run_on: bool = False  # may start below the chapter before it (a short placeholder); never after the contents


@dataclass
class Cover:
    title: str
    subtitle: str
    programme: str
    items: list[str]
    publisher: str
    date_text: str


@dataclass
class Page:
    """The type's page in millimetres (template.yaml `page:`); inside/outside mirror on facing pages."""
    width_mm: float = 210.0
    height_mm: float = 297.0
    top_mm: float = 25.0
    bottom_mm: float = 25.0
    inside_mm: float = 25.0
    outside_mm: float = 25.0
    columns: int = 1  # text columns of a chapter's pages
    column_gap_mm: float = 8.0  # the gap between two columns
    single_column: list[str] = field(default_factory=list)  # chapter kinds set in one column all the same
    cover: bool = True  # the type opens with a cover page
    chapter_break: str = "page"  # 'page': each chapter starts a new page; 'none': chapters run on

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.inside_mm - self.outside_mm

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm

    def columns_of(self, kind: str) -> int:
        """How many columns a chapter of KIND is set in (the contents always in one)."""
        return 1 if kind == "contents" or kind in self.single_column else self.columns

    @property
    def column_width_mm(self) -> float:
        return (self.text_width_mm - (self.columns - 1) * self.column_gap_mm) / self.columns


@dataclass
class Meta:
    title: str
    subtitle: str
    author: str
    publisher: str
    date: str  # ISO date of the edition
    date_text: str  # 'Januar 2012'
    language: str  # 'de-DE'
    template: str
    edition: str
    toc_depth: int = 0  # heading levels the contents lists; 0: as the template's Typst says
    page: Page = field(default_factory=Page)  # size and margins of the type's pages
    footer: str = ""  # edition.yaml `footer:`: plain text in every page footer, never a link (an artifact)


@dataclass
class Document:
    meta: Meta
    cover: Cover
    chapters: list[Chapter]
    labels: dict[str, str] = field(default_factory=dict)
    # table → rows a named block or chapter printed, for the check stage; not drawn, not in content.json
    printed: dict[str, set[int]] = field(default_factory=dict, metadata={"data": False})


def to_data(obj):
    """Plain JSON-ready data (dicts, lists, strings) from any tree node."""
    if is_dataclass(obj):
        return {f.name: to_data(getattr(obj, f.name)) for f in fields(obj) if f.metadata.get("data", True)}
    if isinstance(obj, list):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


def walk_sections(sections: list[Section]):
    """Every section and subsection, depth first, in reading order."""
    for s in sections:
        yield s
        yield from walk_sections(s.sections)


def section_titled(sections: list[Section], title: str) -> Section | None:
    """The first section (or subsection) headed TITLE, case and spacing aside: an author's own
    „## Kontakt“ is the one the engine's contacts go under."""
    key = " ".join(title.split()).casefold()
    return next((s for s in walk_sections(sections) if " ".join(s.title.split()).casefold() == key), None)


def chapter_blocks(chapter: Chapter):
    """Every block of a chapter, in reading order, including those inside boxes."""
    def flat(blocks):
        for b in blocks:
            yield b
            if isinstance(b, Box):
                yield from flat(b.blocks)
    yield from flat(chapter.blocks)
    for s in walk_sections(chapter.sections):
        yield from flat(s.blocks)


def plain(runs: list[Run]) -> str:
    return "".join(r.text for r in runs)
