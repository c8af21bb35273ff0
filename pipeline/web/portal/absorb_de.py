"""German wording of what an uploaded draft brought back (absorb.json), for the version page.

absorb lists each change it did not take over with a reason in English (the CLI prints it) and a
short stable `kind` (pipeline/absorb/mapping.py, run.py) with the values it names in `args`
(a source place, a finding). Here each kind has a German text filled from those args, so the
English wording can change without the German. A kind without a German text shows a general
line with the English beside it; test_portal checks that every kind absorb makes has a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import Finding
from pipeline.web.portal.findings_de import german
from pipeline.web.portal.store import WORKBOOK


@dataclass(frozen=True)
class Why:
    text: str  # German; {place} is the source place the reason names
    without_place: str = ""  # the text when the reason names no place (empty: the same text)


TABLE_ROW = "Tragen Sie die Zeile in das Blatt der Arbeitsmappe ein, das die Tabelle zeigt."
KEEPS = "Die Angaben behalten ihren Text."

WHY: dict[str, Why] = {
    # pipeline/absorb/mapping.py: what has no place in the sources
    "picture": Why("Ein in Word ersetztes Bild wird nicht übernommen: Bilder und Diagramme entstehen aus den "
                   "Angaben (ein Diagramm aus seinen Zahlen)."),
    "footnote": Why("Diese Fußnote lässt sich nicht zurückführen: Ändern Sie ihren Text in {place}.",
                    "Diese Fußnote lässt sich nicht zurückführen: Ändern Sie ihren Text in der Textdatei."),
    "alt-from-data": Why("Der Alternativtext dieses Diagramms entsteht aus seinen Zahlen und wird nicht übernommen."),
    "chapter-added": Why("Ein in Word hinzugefügtes Kapitel wird nicht übernommen: Die Kapitel legt die Vorlage fest."),
    "direct-formatting": Why("Schriftart, Farbe und Schriftgröße werden nicht übernommen: Das Aussehen legt die Vorlage "
                             "fest. Fett und kursiv sind möglich."),
    "label": Why("Eine feste Beschriftung der Vorlage wurde geändert (z. B. „Telefon:“, „Quelle:“ oder "
                 "Anführungszeichen). Sie gehört zu keiner Angabe: Ändern Sie nur den Text daneben."),
    "contents": Why("Das Inhaltsverzeichnis entsteht aus den Überschriften: Ändern Sie die Überschrift selbst."),
    "running-head": Why("Kopf- und Fußzeilen und Seitenzahlen werden beim Erstellen erzeugt."),
    "between-blocks": Why("Text zwischen zwei Teilen eines Abschnitts hat keinen Platz in den Angaben: Schreiben Sie "
                          "ihn in einen Absatz des Textes."),
    "made-by-type": Why("Dieser Text wird von der Vorlage erzeugt (Titelseite, Beschriftungen) und kann im Entwurf "
                        "nicht geändert werden."),
    "type-label": Why("Diese Beschriftung gehört zur Vorlage und kann im Entwurf nicht geändert werden."),
    "several-cells": Why("Dieser Text wird aus mehreren Zellen zusammengesetzt ({place}) und lässt sich nicht auf sie "
                         "zurück verteilen: Ändern Sie die Zellen dort.",
                         "Dieser Text wird aus mehreren Zellen zusammengesetzt und lässt sich nicht auf sie zurück "
                         "verteilen: Ändern Sie die Zellen in der Arbeitsmappe."),
    "no-single-cell": Why("Keine einzelne Zelle enthält diesen Text (er entsteht aus {place}): Ändern Sie ihn dort.",
                          "Keine einzelne Zelle enthält diesen Text: Ändern Sie ihn in der Arbeitsmappe."),
    "not-read": Why("{place} wurde für diesen Entwurf nicht gelesen.",
                    "Die Datei wurde für diesen Entwurf nicht gelesen."),
    "markup": Why("Der Text in {place} enthält Auszeichnungen (z. B. fett, kursiv, Links), denen die Übernahme hier "
                  "nicht folgen kann.",
                  "Der Text enthält Auszeichnungen (z. B. fett, kursiv, Links), denen die Übernahme hier nicht folgen kann."),
    "table-heading": Why("Die Überschriftenzeile einer Tabelle wird nicht übernommen: Ändern Sie sie in {place}.",
                         "Die Überschriftenzeile einer Tabelle wird nicht übernommen."),
    "formatting-not-markdown": Why("Fett und kursiv werden nur in Texten aus einer Textdatei übernommen; dieser Text "
                                   "stammt aus {place}.",
                                   "Fett und kursiv werden nur in Texten aus einer Textdatei übernommen; dieser Text "
                                   "stammt aus der Vorlage."),
    "table-added": Why("Eine in Word hinzugefügte Tabelle oder Tabellenzeile wird nicht übernommen. " + TABLE_ROW),
    "before-first-chapter": Why("Text vor dem ersten Abschnitt hat keinen Platz in den Angaben."),
    "no-file": Why("Ein hier eingefügter Absatz hat keinen Platz in den Angaben (er folgt auf Text aus einer Tabelle "
                   "oder der Vorlage): Ergänzen Sie ihn in der Arbeitsmappe."),
    "generated": Why("Dieser Text wird erzeugt: Er erscheint im nächsten Entwurf wieder."),
    "delete-in-source": Why("Der Text stammt aus {place}: Löschen Sie ihn dort (eine Zeile einer Tabelle löschen Sie "
                            "im Blatt).",
                            "Der Text stammt aus der Vorlage und kann nicht gelöscht werden."),
    "table-section": Why("Dieser Abschnitt ist eine Tabelle: Füllen Sie ihn in {place} aus.",
                         "Dieser Abschnitt ist eine Tabelle: Füllen Sie ihn in der Arbeitsmappe aus."),
    "edited-twice": Why("Dieselbe Angabe steht an zwei Stellen des Entwurfs und wurde dort verschieden geändert. " + KEEPS),
    # pipeline/absorb/run.py: what the checks, the writer or the merge refused
    "changed-since": Why("Diese Stelle wurde auch in einer neueren Version geändert, seit der bearbeitete Entwurf "
                         "erstellt wurde. Die neuere Fassung bleibt."),
    "cell-form": Why("Die Zelle enthält den Wert in einer anderen Form, als er gedruckt wird (aus mehreren Zellen "
                     "zusammengesetzt oder eine Formel): Ändern Sie ihn in der Arbeitsmappe."),
    "fails-check": Why("Mit dieser Änderung hätte die Arbeitsmappe einen Fehler: {finding}"),
    "copies-differ": Why("Zwei bearbeitete Entwürfe ändern diese Stelle verschieden. " + KEEPS),
}
UNKNOWN = "Diese Änderung wurde nicht übernommen."

# The few changes absorb names in words rather than as a word diff
CHANGES = {"picture replaced": "Bild ersetzt", "bold/italic changed": "fett/kursiv geändert",
           "bold added": "fett hinzugefügt", "bold removed": "fett entfernt",
           "italic added": "kursiv hinzugefügt", "italic removed": "kursiv entfernt"}


def place_de(place: dict) -> str:
    """A source place in the words of the page: „Arbeitsmappe, Blatt „Maßnahmen“, Zeile 2, „Maßnahme““."""
    file = place.get("file", "")
    if place.get("key"):
        return f"{file}, Eintrag „{place['key']}“"
    if file.endswith((".md", ".markdown", ".txt")):
        out = f"Textdatei {file}" + (" (neu angelegt)" if place.get("new") else "")
        return out + (f", Zeile {place['line']}" if place.get("line") else "")
    parts = ["Arbeitsmappe" if file == WORKBOOK else file]
    if place.get("sheet"):
        parts.append(f"Blatt „{place['sheet']}“")
    if place.get("row"):
        parts.append(f"Zeile {place['row']}")
    if place.get("column"):
        parts.append(f"„{place['column']}“")
    return ", ".join(p for p in parts if p)


def why_de(item: dict) -> tuple[str, bool]:
    """The German reason of a change not taken over, and whether there is one (else the
    general line: the page shows the English beside it)."""
    why = WHY.get(item.get("kind", ""))
    if why is None:
        return UNKNOWN, False
    args = item.get("args") or {}
    fill = {"place": place_de(args["place"]) if args.get("place") else "", "finding": ""}
    if args.get("finding"):
        fill["finding"] = german(Finding.from_dict(args["finding"])).message
    text = why.text if fill["place"] or not why.without_place else why.without_place
    return text.format(**fill), True


_MARKS = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)


def change_parts(change: str) -> list[dict]:
    """A word diff ('… [-alt-]{+neu+} …') as parts: kept ('same'), removed ('del'), added ('ins')."""
    if change in CHANGES:
        return [{"kind": "same", "text": CHANGES[change]}]
    out, at = [], 0
    for m in _MARKS.finditer(change):
        if m.start() > at:
            out.append({"kind": "same", "text": change[at:m.start()]})
        out.append({"kind": "del", "text": m.group(1)} if m.group(1) is not None else {"kind": "ins", "text": m.group(2)})
        at = m.end()
    if at < len(change):
        out.append({"kind": "same", "text": change[at:]})
    return out


def _date(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m.group(3)}.{m.group(2)}.{m.group(1)}" if m else (iso or "")


def view(data: dict | None) -> dict | None:
    """absorb.json as the version page shows it, in German."""
    if data is None:
        return None

    def refused(n: dict) -> dict:
        text, known = why_de(n)
        return {"where": n.get("where", ""), "change": change_parts(n.get("change", "")), "why": text, "known": known,
                "english": n.get("why", "")}
    return {
        "taken": [{"where": t.get("where", ""), "change": change_parts(t.get("change", "")),
                   "places": [place_de(p) for p in t.get("sources", [])] or [t.get("place", "")]}
                  for t in data.get("taken", [])],
        "not_taken": [refused(n) for n in data.get("not_taken", [])],
        "conflicts": [refused(c) for c in data.get("conflicts", [])],
        "comments": [{"author": c.get("author") or "unbekannt", "date": _date(c.get("date", "")), "text": c.get("text", ""),
                      "where": "" if c.get("where") == "(not anchored)" else c.get("where", ""),
                      "commented": c.get("commented", "")}
                     for c in data.get("comments", [])],
        "workbook_changed": WORKBOOK in data.get("written", []),
        "texts": [w for w in data.get("written", []) if w != WORKBOOK],
    }
