"""The references table → citation labels ('Handschuck/Schröer 2012') and a sorted bibliography.

One style for every entry, German conventions:
    Handschuck, Sabine/Schröer, Hubertus (2012): *Interkulturelle Orientierung und Öffnung.*
    ZIEL Verlag, Augsburg.
Entries are sorted by authors, year and title as a German index is (DIN 5007, ä = a); two works
with the same authors and year get 2017a, 2017b in that order.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from pipeline.load.records import Record
from pipeline.tree import Bibliography, Reference, Run

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "a", "Ö": "o", "Ü": "u", "ß": "ss"})


def sort_key(text: str) -> str:
    return text.casefold().translate(_FOLD)


def _authors(rec: Record) -> list[str]:
    return [a.strip() for a in re.split(r"[/;]", str(rec["authors"])) if a.strip()]


def _surname(author: str) -> str:
    return author.split(",")[0].strip()  # 'Carnau, Peter' → 'Carnau'; an organisation stays whole


class Bibliographer:
    def __init__(self, records: list[Record], labels: dict[str, str]):
        self.labels = labels
        self.entries = sorted(records, key=lambda r: (sort_key(str(r["authors"])), str(r["year"]), sort_key(str(r["title"]))))
        self.years = self._years()

    def _names(self, rec: Record) -> str:
        if str(rec["label"]).strip():
            return str(rec["label"]).strip()
        names = [_surname(a) for a in _authors(rec)]
        if len(names) > 2:
            return f"{names[0]} {self.labels.get('et_al', 'u. a.')}"
        return "/".join(names)

    def _years(self) -> dict[str, str]:
        groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for rec in self.entries:
            groups[(self._names(rec), str(rec["year"]))].append(rec)
        years = {}
        for (_, year), recs in groups.items():
            plain = year or self.labels.get("no_year", "o. J.")
            for n, rec in enumerate(recs):
                years[rec.id] = plain + ("abcdefghijklmnopqrstuvwxyz"[n] if len(recs) > 1 and n < 26 else "")
        return years

    def _record(self, key: str) -> Record | None:
        return next((r for r in self.entries if r.id == key), None)

    def label(self, key: str) -> str | None:
        """What '[@key]' prints inside its parentheses, or None for an unknown key."""
        rec = self._record(key)
        return None if rec is None else f"{self._names(rec)} {self.years[rec.id]}"

    def hint(self, key: str) -> str:
        ids = [r.id for r in self.entries]
        close = difflib.get_close_matches(key, ids, n=1)
        if close:
            return f"did you mean '@{close[0]}'? Otherwise add a row with id '{key}' to the references table"
        return f"add a row with id '{key}' to the references table (data/references.csv)"

    def entry(self, rec: Record) -> list[Run]:
        authors = "/".join(_authors(rec))
        year = str(rec["year"]).strip() and self.years[rec.id]
        editors = self.labels.get("editors", "Hrsg.") if rec["editors"] == "ja" else ""
        when = ", ".join(x for x in (editors, year) if x)
        title = str(rec["title"]).strip()
        runs = [Run(f"{authors} ({when}): " if when else f"{authors}: "), Run(title, italic=True)]
        tail = ""
        if str(rec["note"]).strip():
            tail += f" {str(rec['note']).strip()}"
        if not (title + tail).endswith((".", "?", "!")):
            tail += "."
        where = ", ".join(x for x in (str(rec["publisher"]).strip(), str(rec["place"]).strip()) if x)
        if where:
            tail += f" {where}."
        if str(rec["url"]).strip():
            tail += f" URL: {str(rec['url']).strip()}"
        runs.append(Run(tail))
        return runs

    def block(self) -> Bibliography:
        return Bibliography(entries=[Reference(id=r.id, label=self.label(r.id) or r.id, runs=self.entry(r))
                                     for r in self.entries])
