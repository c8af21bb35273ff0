"""One entity, two spellings: "Neustadt" / "Neustadt am Main" across sheets, "Ofenbach" in the text.

Names come from the spec's `names` list and from the place and organisation columns of the
tables. A difference of one letter, or a place name that is the start of another, is reported
as a warning: it is very likely a slip, but only an editor can say which spelling is right.
"""

from __future__ import annotations

import re
from itertools import combinations

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from pipeline.errors import Finding, Location, warning
from pipeline.load.records import Record
from pipeline.load.spec import Spec

# Administrative words in front of a place name do not make it another name: "Stadt Kassel" = "Kassel".
_ADMIN = re.compile(r"^(Stadt|Landeshauptstadt|Landkreis|Kreis|Gemeinde|Kommune)\s+")
_WORD = re.compile(r"[A-ZÄÖÜ][\w]*(?:-[A-ZÄÖÜ]?[\w]+)*")
MIN_LENGTH = 7  # shorter words are too often ordinary German words one letter apart
_INFLECTIONS = ("s", "es", "er", "ern", "ers", "n", "en")


def _squash(name: str) -> str:
    return re.sub(r"[\s\-.]+", "", name).casefold()


def _entities(records: dict[str, list[Record]], kind: str) -> list[tuple[str, Location]]:
    found: dict[str, Location] = {}
    for rows in records.values():
        for rec in rows:
            for col in (c.name for c in rec.schema if c.entity == kind):
                value = _ADMIN.sub("", str(rec[col]).strip())
                if value and value not in found:
                    found[value] = rec.cells[col]
    return list(found.items())


def _variant(a: str, b: str, prefix_rule: bool) -> bool:
    if _squash(a) == _squash(b):
        return True
    if prefix_rule and (b.startswith(a + " ") or a.startswith(b + " ")):
        return True
    return min(len(a), len(b)) >= MIN_LENGTH and OSA.distance(a, b) == 1


def _where(loc: Location) -> str:
    return " ".join(x for x in (loc.file, f"sheet '{loc.sheet}'" if loc.sheet else "",
                                f"row {loc.row}" if loc.row else "") if x)


def check_cells(records: dict[str, list[Record]]) -> list[Finding]:
    """The same place or organisation written two ways in the tables."""
    findings: list[Finding] = []
    for kind in ("place", "region", "organisation"):
        for (a, loc_a), (b, loc_b) in combinations(_entities(records, kind), 2):
            if _variant(a, b, prefix_rule=kind != "organisation"):
                findings.append(warning(
                    "W-NAME-VARIANT", loc_b,
                    f"'{b}' and '{a}' ({_where(loc_a)}) look like two spellings of one {'place' if kind == 'region' else kind}",
                    "write the name the same way everywhere", args={"form": "two-spellings", "name": b, "other": a}))
    return findings


def known_words(records: dict[str, list[Record]], spec: Spec) -> set[str]:
    names = list(spec.names) + [n for kind in ("place", "region") for n, _ in _entities(records, kind)]
    return {w for name in names for w in _WORD.findall(name) if len(w) >= MIN_LENGTH}


def check_words(lines: list[tuple[Location, str]], known: set[str]) -> list[Finding]:
    """A word one letter away from a known place name ('Ofenbach' for 'Offenbach')."""
    findings: list[Finding] = []
    verdict: dict[str, str | None] = {}
    choices = sorted(known)
    for where, line in lines:
        for word in _WORD.findall(line):
            if len(word) < MIN_LENGTH or word in known:
                continue
            if word not in verdict:
                verdict[word] = _near(word, choices)
            near = verdict[word]
            if near:
                findings.append(warning("W-NAME-VARIANT", where, f"'{word}' looks like a misspelling of '{near}'",
                                        f"write '{near}', or add '{word}' to the names in the template's spec.yaml",
                                        args={"form": "misspelling", "word": word, "near": near}))
    return findings


def _near(word: str, choices: list[str]) -> str | None:
    if not choices:
        return None
    best = extractOne(word, choices, scorer=OSA.distance, score_cutoff=1)
    if best is None:
        return None
    name = best[0]
    if word.startswith(name) and word[len(name):] in _INFLECTIONS:
        return None  # "Kassels", "Wetzlarer" are the name, inflected
    return name
