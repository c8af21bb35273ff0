"""Missing pieces: required chapters, sections, text and contacts of the brochure type's spec.

Each gap is reported as a finding and knows how to fill itself with a visible placeholder, so
`build --allow-missing` can circulate a draft that shows exactly what is still missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.load.edition import EDITION_FILE, Edition
from pipeline.errors import Finding, Location, error
from pipeline.load.spec import ChapterRule
from pipeline.tree import (
    Chapter,
    Contacts,
    Document,
    ListBlock,
    Paragraph,
    Placeholder,
    Section,
    chapter_blocks,
    section_titled,
    walk_sections,
)

# Codes that --allow-missing turns into warnings (a placeholder is printed instead).
GAP_CODES = frozenset({"E-MISSING-CHAPTER", "E-MISSING-TEXT", "E-EMPTY-CHAPTER", "E-MISSING-SECTION",
                       "E-EMPTY-SECTION", "E-MISSING-CONTACT"})


@dataclass
class Gap:
    finding: Finding | None  # None when another finding already covers it (text file missing)
    fill: Callable[[], None]


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _has_text(blocks) -> bool:
    return any(isinstance(b, (Paragraph, ListBlock)) for b in blocks)


def _section_has_text(section: Section) -> bool:
    return _has_text(section.blocks) or any(_section_has_text(s) for s in section.sections)


class _Finder:
    def __init__(self, edition: Edition, document: Document):
        self.ed = edition
        self.doc = document
        self.labels = document.labels
        self.gaps: list[Gap] = []
        self.contacts_at = Location()

    def label(self, key: str, default: str, name: str = "") -> str:
        return self.labels.get(key, default).replace("{name}", name)

    def where(self, chapter: Chapter, section: str | None = None) -> Location:
        return Location(file=chapter.source or EDITION_FILE, chapter=chapter.id, section=section)

    def add(self, code: str, where: Location, message: str, hint: str, fill: Callable[[], None],
            reported: bool = True) -> None:
        self.gaps.append(Gap(error(code, where, message, hint) if reported else None, fill))

    # ------------------------------------------------------------------ chapters
    def run(self) -> list[Gap]:
        previous: str | None = None
        for rule in self.ed.template.spec.chapters:
            matched = [c for c in self.doc.chapters if rule.matches(c.id, c.table)]
            if not matched and not (rule.table and self._table_entry(rule.table)):
                self._missing_chapter(rule, previous)
            for chapter in matched:
                self._chapter(chapter, rule)
            if matched:
                previous = matched[-1].id
        for chapter in self.doc.chapters:
            if not any(r.matches(chapter.id, chapter.table) for r in self.ed.template.spec.chapters):
                self._text_file(chapter)
        return self.gaps

    def _table_entry(self, table: str) -> bool:
        """An `each` chapter entry exists; an empty table is reported where the rows are read."""
        return any(e.get("kind") == "each" and e.get("table") == table for e in self.ed.chapters)

    def _missing_chapter(self, rule: ChapterRule, after: str | None) -> None:
        def fill() -> None:
            title = rule.title or rule.name
            chapter = Chapter(id=rule.id or f"fehlt-{rule.table}", kind="prose", title=title,
                              running_head=title, style="prose",
                              blocks=[Placeholder(self.label("missing_chapter", "Kapitel fehlt: {name}", title))])
            ids = [c.id for c in self.doc.chapters]
            at = ids.index(after) + 1 if after in ids else 0
            self.doc.chapters.insert(at, chapter)

        what = f"chapters for table '{rule.table}'" if rule.table else f"chapter '{rule.id}'"
        hint = (f"add '- kind: each' with 'table: {rule.table}' to the chapters in {EDITION_FILE}" if rule.table
                else f"add a chapter with 'id: {rule.id}' to the chapters in {EDITION_FILE}")
        self.add("E-MISSING-CHAPTER", Location(file=EDITION_FILE, column="chapters", chapter=rule.id),
                 f"the brochure type requires {what} ({rule.title})", hint, fill)

    def _text_file(self, chapter: Chapter) -> bool:
        """Report a text file that does not exist; True if it is missing."""
        if not chapter.source or (self.ed.folder / chapter.source).is_file():
            return False

        def fill() -> None:
            chapter.blocks.insert(0, Placeholder(self.label("missing_text", "Text fehlt")))

        self.add("E-MISSING-TEXT", Location(file=chapter.source, chapter=chapter.id), "text file not found",
                 f"create {chapter.source} with the chapter's text (Markdown), or correct the path in "
                 f"{EDITION_FILE}", fill)
        return True

    def _chapter(self, chapter: Chapter, rule: ChapterRule) -> None:
        file_missing = self._text_file(chapter)
        if rule.text and not file_missing and not _has_text(chapter_blocks(chapter)):
            def fill() -> None:
                chapter.blocks.insert(0, Placeholder(self.label("missing_text", "Text fehlt")))

            self.add("E-EMPTY-CHAPTER", self.where(chapter), f"chapter '{chapter.title}' has no text",
                     f"write the chapter's text into {chapter.source or 'a Markdown file named in ' + EDITION_FILE}",
                     fill)
        present = {_key(s.title): s for s in walk_sections(chapter.sections)}
        for name in rule.sections:
            section = present.get(_key(name))
            if section is None:
                self._missing_section(chapter, name, reported=not file_missing)
            elif not _section_has_text(section):
                def fill(section=section, name=name) -> None:
                    section.blocks.append(Placeholder(self.label("missing_section", "Abschnitt fehlt: {name}", name)))

                self.add("E-EMPTY-SECTION", self.where(chapter, name), f"section '{name}' has no text",
                         f"write the text under '## {name}' in {chapter.source}", fill)
        found = sum(1 for b in chapter_blocks(chapter) if isinstance(b, Contacts) for c in b.contacts if c.lines)
        if found < rule.contacts:
            self._missing_contact(chapter, rule.contacts, found)

    def _missing_section(self, chapter: Chapter, name: str, reported: bool) -> None:
        def fill() -> None:
            placeholder = Placeholder(self.label("missing_section", "Abschnitt fehlt: {name}", name))
            section = Section(id=f"fehlt-{len(chapter.sections)}", title=name, level=2, blocks=[placeholder])
            # keep the "Ansprechpartner" block last
            last = chapter.sections[-1] if chapter.sections else None
            ends_with_contacts = last is not None and any(isinstance(b, Contacts) for b in last.blocks)
            at = len(chapter.sections) - (1 if ends_with_contacts else 0)
            chapter.sections.insert(at, section)

        self.add("E-MISSING-SECTION", self.where(chapter, name),
                 f"chapter '{chapter.title}' has no section '{name}'",
                 f"add a heading '## {name}' with its text to {chapter.source}", fill, reported)

    def _missing_contact(self, chapter: Chapter, wanted: int, found: int) -> None:
        title = self.labels.get("contacts", "Ansprechpartner")

        def fill() -> None:
            placeholder = Placeholder(self.label("missing_contact", "Ansprechpartner fehlt"))
            own = section_titled(chapter.sections, title)  # under the author's own heading, as contacts go
            if own is not None:
                own.blocks.append(placeholder)
            else:
                chapter.sections.append(Section(id="kontakt-fehlt", title=title, level=2, blocks=[placeholder]))

        self.add("E-MISSING-CONTACT", replace(self.contacts_at, chapter=chapter.id),
                 f"chapter '{chapter.title}' needs at least {wanted} contact(s) ({title}), found {found}",
                 f"add a row to the contacts table with chapter '{chapter.id}', a name and a phone or e-mail",
                 fill)


def find_gaps(edition: Edition, document: Document, contacts_at: Location | None = None) -> list[Gap]:
    """contacts_at: where the contacts table lives, to point a missing contact there."""
    finder = _Finder(edition, document)
    finder.contacts_at = contacts_at or Location(file="data/", sheet="contacts")
    return finder.run()
