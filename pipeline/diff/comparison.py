"""What `brochure diff` finds: a Comparison of two editions, a list of Changes. changes.py makes
it, change_pages.py adds the new PDF's page to each change, report.py and the portal show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Change:
    area: str  # meta | structure | text | records | pages
    kind: str  # added | removed | renamed | moved | changed | split | merged
    where: str  # chapter / section path, or the record's label
    what: str  # one line a reviewer reads
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)  # (equal | delete | insert, text)
    item: str = ""  # chapter | section | paragraph | sentence | footnote | field | record | meta | pages
    name: str = ""  # the field, edition key or table the change is of
    noun: str = ""  # a record's table in German, as its template.yaml says ("Region")
    page: int | None = None  # the page of the new PDF it is on, when known
    # a draft's record as the town knows it: the workbook's sheet, row and column heading, and
    # the row's own words (its measure, goal …); empty for an edition's tables
    sheet: str = ""
    row: int | None = None
    column: str = ""
    subject: str = ""
    # an added or removed record's values, (column, value) for each filled column, as printed
    fields: list[tuple[str, str]] = field(default_factory=list)
    origin: str = ""  # where moved text stood before (chapter > section), when it left its section


@dataclass
class Comparison:
    old: str
    new: str
    sources: tuple[str, str]
    changes: list[Change]
    pages: tuple[int | None, int | None]
    chapters: list[str] = field(default_factory=list)  # both editions' chapter titles, to shorten them

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "sources": list(self.sources), "pages": list(self.pages),
                "chapters": self.chapters,
                "changes": [asdict(c) for c in self.changes]}
