"""A second edited edition for `brochure diff`: kiv-handbuch-2020 with scripted edits of the kinds
the 2013 sample lacks (footnote, a section moved to another chapter, split, merge, reordered list
items, a removed quote, formatting inside a changed paragraph, a renamed parent heading, a new
section, a decimal), and an editor's own tracked changes put into a DOCX.

Each planted edit comes with the test a reported change must pass to count as naming it
correctly; `score` gives recall and precision of a comparison against them.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "inputs" / "kiv-handbuch-2020"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old[:60])
    path.write_text(text.replace(old, new), encoding="utf-8")


WIDERSTAENDE = "Wer eine Strategie erarbeitet, stellt Vertrautes und Bewährtes auf den Prüfstand."
SPLIT_AT = " Hierzu zählen etwa die WIR-Koordinatorinnen"
MERGE_FIRST_END = "an eine lebendige demokratische Debattenkultur."
LONG_URL = ("https://soziales.hessen.de/integration/landesprogramm-wir?dokument="
            "Foerderaufruf2021KommunaleVielfaltsUndIntegrationsstrategien"
            "FuerLandkreiseUndKommunenMitMehrAls50000Einwohnern")
NEW_SECTION = "## Neue Förderrunde 2021\n\nAb 2021 können sich auch Landkreise um eine Förderung bewerben.\n\n"


def built(root: Path, make=None) -> tuple[Path, Path]:
    """OLD and NEW input folders made under ROOT by MAKE (make_pair by default), built into
    ROOT/alt and ROOT/neu."""
    from pipeline.build import build
    old, new = (make or make_pair)(root / "in")
    build(old, root / "alt")
    build(new, root / "neu")
    return root / "alt", root / "neu"


def make_pair(dest: Path) -> tuple[Path, Path]:
    """Copies of the sample as OLD and NEW input folders under DEST, NEW with the edits."""
    old, new = dest / "kiv-alt", dest / "kiv-neu"
    for folder in (old, new):
        shutil.copytree(BASE, folder)
    t = new / "text"
    # 1 footnote text
    _replace(t / "02-kernelemente.md", "[^2]: DESI – Institut für Demokratische Entwicklung und Soziale Integration.",
             "[^2]: DESI – Institut für Demokratische Entwicklung und Soziale Integration, Berlin.")
    # 2 a section moved to another chapter (03 → Ausblick)
    strategien = (t / "03-strategien.md").read_text(encoding="utf-8")
    start = strategien.index("### Widerstände\n")
    end = strategien.index("### Vielfalt als Querschnittsaufgabe")
    moved = strategien[start:end]
    (t / "03-strategien.md").write_text(strategien[:start] + strategien[end:], encoding="utf-8")
    ausblick = (t / "ausblick.md").read_text(encoding="utf-8").rstrip("\n")
    # 10 a new section with its text, then the moved one
    (t / "ausblick.md").write_text(ausblick + "\n\n" + NEW_SECTION + moved.replace("### ", "## ", 1).rstrip("\n") + "\n",
                                   encoding="utf-8")
    # 3 split
    _replace(t / "einleitung.md", SPLIT_AT, "\n\n" + SPLIT_AT.lstrip())
    # 4 merge
    _replace(t / "vorwort.md", MERGE_FIRST_END + "\n\nHier setzt", MERGE_FIRST_END + " Hier setzt")
    # 5 reorder list items
    _replace(t / "02-kernelemente.md",
             "- Die Fähigkeit, auf komplexe Umweltbedingungen zu reagieren, verbessert sich,\n"
             "- alle Akteure erreichen ihre Ziele leichter,\n",
             "- alle Akteure erreichen ihre Ziele leichter,\n"
             "- Die Fähigkeit, auf komplexe Umweltbedingungen zu reagieren, verbessert sich,\n")
    # 6 a removed quote
    quotes = (new / "data" / "quotes.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (new / "data" / "quotes.csv").write_text("".join(q for q in quotes if not q.startswith("q-klotz;")),
                                             encoding="utf-8-sig")
    # 7 a word changed and another one made bold in a paragraph that has bold already
    _replace(t / "03-strategien.md", "eine längere Zeit der Entwicklung. Gesichert sein müssen der Rückhalt",
             "eine längere Phase der Entwicklung. Gesichert sein müssen der **Rückhalt**")
    # 11 formatting only: one word made italic in a paragraph whose text stays
    _replace(t / "04-erfolge.md", "verdient große Anerkennung.", "verdient *große* Anerkennung.")
    # 12 a long web address added to a paragraph (the report must not grow wider than the screen)
    _replace(t / "ausblick.md", "vielfaltsorientierten Stadtkultur vorangekommen.",
             f"vielfaltsorientierten Stadtkultur vorangekommen. Mehr dazu: {LONG_URL}")
    # 8 a decimal number
    _replace(t / "03-strategien.md", "| Zeit | mindestens 2,5 Std. |", "| Zeit | mindestens 3,5 Std. |")
    # 9 a renamed parent heading (its ### subsections stay)
    _replace(t / "03-strategien.md", "## Sinnvolle externe Prozessbegleitung\n",
             "## Sinnvolle externe Prozessbegleitung und Beratung\n")
    return old, new


# -- what counts as reported correctly -------------------------------------------------------------
def _inserted(c: dict) -> str:
    return "".join(t for op, t in c.get("words", []) if op == "insert")


def _deleted(c: dict) -> str:
    return "".join(t for op, t in c.get("words", []) if op == "delete")


def _squeezed(text: str) -> str:
    return re.sub(r"[\s-]", "", text)


@dataclass
class Edit:
    name: str
    named: Callable[[dict], bool]  # the change names this edit correctly


def _moved_across(c: dict) -> bool:
    return c["kind"] == "moved" and "Widerstände" in c["what"] and "Ausblick" in c["what"] \
        and "Erstellung kommunaler" in c["what"]


EDITS = [
    Edit("footnote", lambda c: "footnote" in c["what"] and "Berlin" in _inserted(c)),
    Edit("move across chapters", _moved_across),
    Edit("split", lambda c: c["kind"] == "split" and "Hierzu zählen" in c["new"]),
    Edit("merge", lambda c: c["kind"] == "merged" and "Hier setzt" in c["new"]),
    Edit("reorder", lambda c: c["kind"] == "moved" and "alle Akteure erreichen" in (c["new"] + c["old"])
         and c["area"] == "text"),
    Edit("removed quote", lambda c: c["kind"] in ("removed", "changed") and "Bernd Klotz" in (c["what"] + c["old"])
         and "Miteinander" in (c["what"] + c["old"])),
    Edit("changed word + bold", lambda c: c["kind"] == "changed" and _deleted(c).strip() == "Zeit"
         and _inserted(c).strip() == "Phase"),
    Edit("decimal", lambda c: c["kind"] == "changed" and _deleted(c) == "2,5" and _inserted(c) == "3,5"),
    Edit("renamed parent heading", lambda c: c["kind"] == "renamed" and "und Beratung" in c["what"]
         and c["area"] == "structure"),
    # a PDF breaks a long address over lines: its spaces and hyphens do not count
    Edit("long address", lambda c: c["kind"] == "changed" and _squeezed(LONG_URL) in _squeezed(_inserted(c))),
    Edit("formatting only", lambda c: c["kind"] == "changed" and "formatting" in c["what"] and "große" in c["new"]),
    Edit("added section with text", lambda c: c["kind"] == "added" and "Neue Förderrunde 2021" in c["what"]
         and "Landkreise" in c["new"]),
]


def consequence(c: dict) -> bool:
    """True reports that follow from the edits: page counts, the contents' entries of changed headings."""
    if c["area"] == "pages":
        return True
    text = c["what"] + c["old"] + c["new"] + c["where"]
    return c["where"].startswith("Inhalt") and any(h in text for h in ("Widerstände", "Neue Förderrunde",
                                                                      "Prozessbegleitung"))


def score(changes: list[dict]) -> tuple[float, float, list[str]]:
    """(recall, precision, names of the edits missed)."""
    found = [e.name for e in EDITS if any(e.named(c) for c in changes)]
    right = [c for c in changes if consequence(c) or any(e.named(c) for e in EDITS)]
    missed = [e.name for e in EDITS if e.name not in found]
    return len(found) / len(EDITS), (len(right) / len(changes) if changes else 1.0), missed


# -- a DOCX holding an editor's tracked changes ------------------------------------------------------
def with_tracked_changes(docx: bytes) -> bytes:
    """The DOCX with one word of its first long body paragraph deleted and one inserted, as Word's
    track changes writes them."""
    z = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(z.read("word/document.xml"))
    p = next(p for p in root.iter(f"{W}p") if len("".join(t.text or "" for t in p.iter(f"{W}t"))) > 300)
    run = next(r for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None)
    ins = etree.Element(f"{W}ins", {f"{W}id": "1", f"{W}author": "Redaktion", f"{W}date": "2021-01-01T00:00:00Z"})
    new_run = etree.SubElement(ins, f"{W}r")
    etree.SubElement(new_run, f"{W}t").text = "Neu: "
    run.addprevious(ins)
    dele = etree.Element(f"{W}del", {f"{W}id": "2", f"{W}author": "Redaktion", f"{W}date": "2021-01-01T00:00:00Z"})
    old_run = etree.SubElement(dele, f"{W}r")
    etree.SubElement(old_run, f"{W}delText").text = "Alt "
    ins.addnext(dele)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            data = z.read(item.filename)
            w.writestr(item, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                       if item.filename == "word/document.xml" else data)
    return out.getvalue()
