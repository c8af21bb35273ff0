"""German wording of the findings for the portal's pages, keyed by finding code.

The checks write their messages in English (the CLI, the JSON report and the tests read them).
For the municipalities' pages each code has a German message and hint here. Where the English
message quotes values (a heading, a cell's text, a number), a rule's pattern picks them out and
the German text reuses them. A message no rule of its code matches gets the code's general
German text; an unknown code gets a general text and keeps the English original beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import Finding


@dataclass(frozen=True)
class Rule:
    pattern: str | None  # regex on the English message; None: the code's general text
    message: str  # German, may use the pattern's named groups
    hint: str = ""


@dataclass(frozen=True)
class German:
    message: str
    hint: str
    known: bool  # False: no German text for this code, the English original is shown too


Q = r"'(?P<{}>[^']*)'"  # a quoted value in an English message


def q(name: str) -> str:
    return Q.format(name)


REOPEN = "Öffnen Sie die Datei in Excel oder LibreOffice Calc und speichern Sie sie erneut als Excel-Arbeitsmappe (.xlsx)."

CATALOGUE: dict[str, list[Rule]] = {
    "E-EMPTY-CELL": [
        Rule(rf"required value {q('column')} is empty", "Pflichtangabe „{column}“ fehlt.",
             "Füllen Sie die Spalte „{column}“ in dieser Zeile aus oder löschen Sie die Zeile."),
        Rule(None, "Eine Pflichtangabe fehlt.", "Füllen Sie die Zelle aus oder löschen Sie die Zeile."),
    ],
    "W-EMPTY-CELL": [Rule(None, "Eine Zelle ist leer.", "Ergänzen Sie den Wert, wenn er gedruckt werden soll.")],
    "E-BAD-VALUE": [
        Rule(rf"{q('value')} is not a date range: the end is before the start",
             "„{value}“: Das Ende liegt vor dem Anfang.", "Schreiben Sie das frühere Datum zuerst, z. B. 2010–2013."),
        Rule(rf"{q('value')} is not a date: month (?P<month>\d+) of (?P<year>\d+) has no day (?P<day>\d+)",
             "„{value}“ gibt es nicht: Der Monat {month}/{year} hat keinen {day}. Tag.", "Prüfen Sie das Datum."),
        Rule(rf"{q('value')} is ambiguous: write (?P<a>.+?) or (?P<b>.+)$", "„{value}“ ist nicht eindeutig.",
             "Schreiben Sie {a} oder {b}."),
        Rule(rf"{q('value')} is not a date: write e\.g\.",
             "„{value}“ ist keine Datumsangabe, die der Entwurf lesen kann.",
             "Schreiben Sie z. B. 12.04.2011, 5./6. Februar 2010, April 2011, Frühjahr 2012, 2. Halbjahr 2013, "
             "2010–2013 oder seit 2010."),
        Rule(rf"{q('value')} is not a field number", "„{value}“ ist keine Nummer eines Handlungsfelds.",
             "Nummerieren Sie 1, 2, 3 oder mit Gruppen 8, 8.1, 8.1.1."),
        Rule(rf"{q('value')} is a decimal number, not a field number",
             "„{value}“ ist eine Dezimalzahl; Excel kann 8.1 nicht von 8.10 unterscheiden.",
             "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie die Nummer erneut ein."),
        Rule(rf"{q('value')} has more than (?P<n>\d+) levels", "„{value}“ hat mehr als {n} Ebenen.",
             "Fassen Sie die Gliederung auf höchstens {n} Ebenen zusammen (z. B. 8.1.1.1)."),
        Rule(rf"{q('value')} is not a number \(NaN or infinity\)", "„{value}“ ist keine Zahl.",
             "Tragen Sie eine Zahl ein, z. B. 55,2, oder lassen Sie die Zelle leer."),
        Rule(rf"{q('value')} is too large a number", "„{value}“ ist eine zu große Zahl.",
             "Prüfen Sie den Wert: Zahlen mit mehr als 15 Stellen druckt keine Broschüre."),
        Rule(rf"{q('value')} is not a number in German notation", "„{value}“ ist keine Zahl in deutscher Schreibweise.",
             "Schreiben Sie Zahlen wie 55,2 oder 120.000."),
        Rule(rf"{q('value')} is a year, not a date", "„{value}“ ist eine Jahreszahl, kein Datum.",
             "Schreiben Sie das ganze Datum, z. B. 31.12.{value}."),
        Rule(rf"{q('value')} is a number, not a date", "„{value}“ ist kein Datum.",
             "Schreiben Sie Datumsangaben wie 31.12.2019."),
        Rule(r"the cell shows Excel's error value (?P<value>\S+)", "Die Zelle zeigt Excels Fehlerwert {value}.",
             "Korrigieren Sie die Formel oder tragen Sie den Wert ein; ein Fehlerwert wird nie gedruckt."),
        Rule(rf"{q('value')} is not one of the allowed values", "„{value}“ ist keiner der erlaubten Werte.",
             "Wählen Sie einen Wert aus der Auswahlliste der Zelle (kleiner Pfeil rechts)."),
        Rule(rf"{q('value')} is not a field number", "„{value}“ ist keine gültige Nummer eines Handlungsfelds.",
             "Nummerieren Sie die Handlungsfelder mit 1, 2, 3, …"),
        Rule(r"(?P<value>.+?) lies outside the classes", "{value} liegt außerhalb der Klassen des Diagramms.",
             "Korrigieren Sie den Wert oder die Klassengrenzen."),
        Rule(r"(?i).*\bdate\b.*", "Das Datum ist ungültig: {0}",
             "Schreiben Sie Datumsangaben wie 31.12.2019."),
        Rule(None, "Der Wert ist ungültig: {0}",
             "Schreiben Sie Zahlen wie 55,2 oder 120.000 und Datumsangaben wie 31.12.2019."),
    ],
    "E-UNKNOWN-REF": [
        Rule(r"there is no field of action (?P<number>\S+)", "Es gibt kein Handlungsfeld {number}.",
             "Wählen Sie eine Nummer aus dem Blatt „Handlungsfelder“ oder legen Sie das Handlungsfeld dort an."),
        Rule(None, "Der Verweis zeigt auf einen Eintrag, den es nicht gibt.",
             "Wählen Sie einen vorhandenen Eintrag aus der Auswahlliste."),
    ],
    "E-DUPLICATE-ID": [
        Rule(r"field of action (?P<number>\S+) is already used in row (?P<row>\d+)",
             "Das Handlungsfeld {number} ist schon in Zeile {row} vergeben.",
             "Geben Sie jedem Handlungsfeld eine eigene Nummer."),
        Rule(rf"id {q('id')} is already used in row (?P<row>\d+)", "„{id}“ ist schon in Zeile {row} vergeben.",
             "Jede Zeile braucht eine eigene Kennung."),
        Rule(None, "Eine Nummer oder Kennung ist doppelt vergeben.", "Vergeben Sie jede nur einmal."),
    ],
    "E-BAD-EMAIL": [
        Rule(rf"{q('value')} is not an e-mail address", "„{value}“ ist keine gültige E-Mail-Adresse.",
             "Schreiben Sie die Adresse wie name@beispiel.de, ohne „mailto:“ und ohne Leerzeichen."),
        Rule(None, "Eine E-Mail-Adresse ist ungültig.", "Schreiben Sie die Adresse wie name@beispiel.de."),
    ],
    "E-BAD-PHONE": [
        Rule(rf"{q('value')} is not a telephone number", "„{value}“ ist keine gültige Telefonnummer.",
             "Schreiben Sie die Nummer mit Vorwahl, z. B. 0611 - 32 20 14 oder +49 611 32 20 14."),
        Rule(None, "Eine Telefonnummer ist ungültig.", "Schreiben Sie die Nummer mit Vorwahl."),
    ],
    "E-BAD-URL": [
        Rule(rf"{q('value')} is not a web address", "„{value}“ ist keine gültige Internetadresse.",
             "Schreiben Sie sie wie www.beispiel.de oder https://www.beispiel.de/seite."),
        Rule(None, "Eine Internetadresse ist ungültig.", "Schreiben Sie sie wie www.beispiel.de."),
    ],
    "E-BAD-ID": [Rule(rf"{q('value')} is not a valid id", "„{value}“ ist keine gültige Kennung.",
                      "Verwenden Sie nur Kleinbuchstaben, Ziffern, „-“ und „_“.")],
    "W-EMPTY-SECTION": [
        Rule(rf"{q('section')} is empty", "Der Abschnitt „{section}“ ist noch leer; im Entwurf steht ein Platzhalter.",
             "Füllen Sie das genannte Blatt aus oder schreiben Sie den Text des Abschnitts in das Blatt „Texte“."),
        Rule(None, "Ein Abschnitt ist noch leer; im Entwurf steht ein Platzhalter.",
             "Füllen Sie das genannte Blatt aus."),
    ],
    "W-EXAMPLE-VALUE": [
        Rule(rf"{q('column')} still holds the example {q('value')}",
             "„{column}“ enthält noch den Beispielwert „{value}“ aus der leeren Arbeitsmappe; er wird gedruckt.",
             "Überschreiben Sie ihn mit Ihrem eigenen Wert oder leeren Sie die Zelle."),
        Rule(None, "Eine Zelle enthält noch den Beispielwert aus der leeren Arbeitsmappe.",
             "Überschreiben Sie ihn mit Ihrem eigenen Wert oder leeren Sie die Zelle."),
    ],
    "E-EXCEL-DATE": [
        Rule(rf"{q('date')} is a date Excel made out of what was typed \(probably {q('typed')}\)",
             "Excel hat aus der Eingabe (vermutlich „{typed}“) das Datum {date} gemacht.",
             "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie „{typed}“ erneut ein. "
             "In einer neuen Arbeitsmappe ist die Spalte schon als Text formatiert."),
        Rule(None, "Excel hat aus der Eingabe ein Datum gemacht.",
             "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie den Wert erneut ein."),
    ],
    "W-MISSING-GROUP": [
        Rule(r"there is no row for group (?P<group>\S+) above (?P<below>.+?):",
             "Für die Gruppe {group} (über {below}) gibt es keine Zeile; ihre Überschrift fehlt im Entwurf.",
             "Legen Sie im Blatt „Handlungsfelder“ eine Zeile mit der Nr. {group} und dem Titel der Gruppe an."),
    ],
    "W-EXAMPLE-ROW": [Rule(None, "Diese Zeile ist noch das Beispiel aus der leeren Arbeitsmappe.",
                           "Überschreiben Sie sie mit Ihrem eigenen Eintrag oder löschen Sie die Zeile.")],
    "W-MISSING-SHEET": [
        Rule(rf"sheet {q('sheet')} is missing", "Das Blatt „{sheet}“ fehlt; sein Abschnitt erscheint als Platzhalter.",
             "Kopieren Sie das Blatt aus einer neuen Arbeitsmappe (Schritt 1 auf der Startseite)."),
        Rule(None, "Ein Blatt fehlt.", "Kopieren Sie das Blatt aus einer neuen Arbeitsmappe."),
    ],
    "E-MISSING-SHEET": [Rule(None, "Ein benötigtes Blatt fehlt oder ist leer.",
                             "Verwenden Sie die Arbeitsmappe von der Startseite und füllen Sie das Blatt aus.")],
    "W-UNKNOWN-TABLE": [
        Rule(rf"sheet {q('sheet')} is not part", "Das Blatt „{sheet}“ gehört nicht zur Arbeitsmappe und wird nicht gedruckt.",
             "Löschen Sie das Blatt oder übertragen Sie seine Angaben in die vorgesehenen Blätter."),
        Rule(None, "Ein Blatt gehört nicht zur Arbeitsmappe und wird nicht gedruckt.", ""),
    ],
    "W-UNKNOWN-COLUMN": [
        Rule(rf"{q('label')} is not a known entry", "„{label}“ ist keine bekannte Angabe und wird nicht verwendet.",
             "Verwenden Sie die Bezeichnungen aus der leeren Arbeitsmappe."),
        Rule(rf"column {q('column')} is not known", "Die Spalte „{column}“ ist unbekannt und wird nicht verwendet.",
             "Verwenden Sie die Spaltenüberschriften aus der leeren Arbeitsmappe."),
        Rule(None, "Eine Spalte oder Angabe ist unbekannt und wird nicht verwendet.", ""),
    ],
    "E-MISSING-COLUMN": [
        Rule(rf"(required )?column {q('column')} is missing", "Die Spalte „{column}“ fehlt.",
             "Ändern Sie die Überschriften in Zeile 1 nicht; kopieren Sie sie aus einer neuen Arbeitsmappe."),
        Rule(None, "Eine Spalte fehlt.", "Kopieren Sie die Überschriften aus einer neuen Arbeitsmappe."),
    ],
    "W-HIDDEN-SHEET": [Rule(rf"sheet {q('sheet')} is hidden", "Das Blatt „{sheet}“ ist ausgeblendet; seine Zeilen werden trotzdem verwendet.",
                            "Blenden Sie es ein (Rechtsklick auf einen Blattnamen → Einblenden) und prüfen Sie es.")],
    "E-MERGED-CELLS": [Rule(r"cells (?P<cells>\S+) are merged", "Die Zellen {cells} sind verbunden; nur die erste enthält einen Wert.",
                            "Heben Sie die Verbindung auf (Start → Verbinden und zentrieren) und füllen Sie jede Zeile aus.")],
    "E-FORMULA": [Rule(r"the formula (?P<formula>.+) has no saved result", "Die Formel {formula} hat kein gespeichertes Ergebnis.",
                       "Öffnen Sie die Arbeitsmappe in Excel oder LibreOffice und speichern Sie sie, damit das Ergebnis gespeichert wird.")],
    "E-TOO-LARGE": [
        Rule(r"(?P<rows>\d+) rows; at most (?P<max>\d+) are read", "Das Blatt hat {rows} Zeilen; höchstens {max} werden gelesen.",
             "Löschen Sie Zeilen, die nicht in die Strategie gehören."),
        Rule(r"the cell holds (?P<length>\d+) characters; at most (?P<max>\d+)",
             "Die Zelle enthält {length} Zeichen; erlaubt sind höchstens {max}.",
             "Kürzen Sie den Text."),
        Rule(r"would unpack to (?P<mb>\d+) MB \((?P<ratio>\d+) times",
             "Die Datei würde entpackt {mb} MB groß ({ratio}-mal so groß wie die Datei). Das ist keine gewöhnliche Arbeitsmappe.",
             "Speichern Sie die Angaben erneut aus Excel oder LibreOffice, in der Arbeitsmappe von der Startseite."),
        Rule(None, "Die Datei ist zu groß.", "Verwenden Sie die Arbeitsmappe von der Startseite."),
    ],
    "E-UNREADABLE": [Rule(None, "Die Datei lässt sich nicht als Excel-Arbeitsmappe öffnen.", REOPEN)],
    "E-NOT-WORKBOOK": [Rule(None, "Die Datei ist keine Excel-Arbeitsmappe (.xlsx).", REOPEN)],
    "E-UPLOAD-SIZE": [Rule(r"at most (?P<mb>[\d.]+) MB", "Die Datei ist zu groß: erlaubt sind höchstens {mb} MB.",
                           "Eine ausgefüllte Arbeitsmappe ist meist kleiner als 1 MB. Laden Sie die Arbeitsmappe von der Startseite.")],
    "E-UPLOAD-NAME": [Rule(None, "Bitte laden Sie eine Datei mit der Endung .xlsx hoch.",
                           "Speichern Sie die Arbeitsmappe in Excel als „Excel-Arbeitsmappe (*.xlsx)“.")],
    "E-UPLOAD-EMPTY": [Rule(None, "Es wurde keine Datei ausgewählt oder die Datei ist leer.",
                            "Wählen Sie die ausgefüllte Arbeitsmappe aus und laden Sie sie hoch.")],
    "E-MISSING-FILE": [Rule(None, "Die Arbeitsmappe fehlt.", "Laden Sie die ausgefüllte Arbeitsmappe hoch.")],
    "E-INVALID-CHAR": [Rule(r"cannot be printed: (?P<char>.+)", "Der Text enthält ein unsichtbares Steuerzeichen: {char}.",
                            "Löschen Sie das Zeichen (oft aus einem anderen Programm mit eingefügt).")],
    "E-UNPRINTABLE-CHAR": [Rule(r"cannot print: (?P<char>.+)", "Der Text enthält ein Zeichen, das die Schrift nicht drucken kann: {char}.",
                                "Ersetzen Sie das Zeichen, z. B. ein Emoji durch Worte.")],
    "E-PLACEHOLDER": [Rule(rf"placeholder {q('mark')}", "Ein Platzhalter ist stehen geblieben: „{mark}“.",
                           "Ersetzen Sie ihn durch den endgültigen Text.")],
    "E-MOJIBAKE": [Rule(rf"{q('sample')} looks like text", "„{sample}“ sieht nach falsch kodiertem Text aus.",
                        "Kopieren Sie den Text noch einmal aus dem Original.")],
    "E-DUPLICATE-PARAGRAPH": [Rule(None, "Ein Absatz steht doppelt im Text.", "Löschen Sie die Wiederholung.")],
    "W-NAME-VARIANT": [
        Rule(rf"{q('b')} and {q('a')} .*look like two spellings", "„{b}“ und „{a}“ sehen nach zwei Schreibweisen desselben Namens aus.",
             "Schreiben Sie den Namen überall gleich."),
        Rule(rf"{q('word')} looks like a misspelling of {q('near')}", "„{word}“ sieht nach einem Tippfehler für „{near}“ aus.",
             "Schreiben Sie „{near}“, wenn das gemeint ist."),
    ],
    "E-CHART-DATA": [Rule(None, "Die Zahlen für ein Diagramm passen nicht.",
                          "Prüfen Sie die Zeilen im Blatt „Bevölkerung“: Werte in % je Gruppe.")],
    "E-ENCODING": [Rule(None, "Eine Textdatei ist nicht als UTF-8 gespeichert.", "Speichern Sie sie als UTF-8.")],
    "E-HEADING-LEVEL": [Rule(None, "Eine Überschrift hat die falsche Ebene.", "Beginnen Sie Unterabschnitte mit „## “.")],
    "E-LOST-CONTENT": [Rule(rf"row (?P<row>\d+) of table {q('table')} is printed by no block or chapter",
                            "Zeile {row} der Tabelle „{table}“ wird nirgends gedruckt.",
                            "Prüfen Sie die Spalten, nach denen ausgewählt wird, oder löschen Sie die Zeile."),
                       Rule(None, "Ein Text fehlt in der erzeugten Datei.",
                            "Laden Sie die Arbeitsmappe erneut hoch; bleibt der Fehler, melden Sie ihn bitte dem Ministerium.")],
    "E-OUTPUT-HEADING": [Rule(None, "Eine Überschrift fehlt in der erzeugten Datei.",
                              "Bitte melden Sie das dem Ministerium.")],
    "E-ACCESSIBILITY": [Rule(None, "Die erzeugte Datei erfüllt eine Anforderung der Barrierefreiheit nicht.",
                             "Bitte melden Sie das dem Ministerium.")],
    "E-TYPESET": [Rule(None, "Der Satz des PDF ist fehlgeschlagen.", "Bitte melden Sie das dem Ministerium.")],
    "E-TEMPLATE": [Rule(None, "Die Vorlage des Portals ist fehlerhaft.", "Bitte melden Sie das dem Ministerium.")],
    # The template checks: a municipality sees them only if the portal's own template is broken.
    "E-TEMPLATE-FILE": [Rule(None, "Die Vorlage des Portals ist unvollständig.", "Bitte melden Sie das dem Ministerium.")],
    "E-UNKNOWN-KEY": [Rule(None, "Die Vorlage des Portals enthält eine unbekannte Einstellung.",
                           "Bitte melden Sie das dem Ministerium.")],
    "E-UNKNOWN-FIELD": [Rule(None, "Die Vorlage des Portals verweist auf eine Spalte, die es nicht gibt.",
                             "Bitte melden Sie das dem Ministerium.")],
    "E-DUPLICATE-FIELD": [Rule(rf"{q('label')} is given twice \(rows (?P<a>\d+) and (?P<b>\d+)\)",
                                "„{label}“ steht zweimal im Blatt (Zeilen {a} und {b}).",
                                "Löschen Sie eine der beiden Zeilen: nur ein Wert kann gedruckt werden.")],
    "E-DUPLICATE-SHEET": [Rule(None, "Zwei Blätter haben denselben Namen (eines mit Leerzeichen am Rand).",
                               "Benennen Sie eines um oder löschen Sie es: nur eines kann gelesen werden.")],
    "E-DUPLICATE-COLUMN": [Rule(rf"the heading {q('heading')} is in columns (?P<a>\w+) and (?P<b>\w+)",
                                "Die Überschrift „{heading}“ steht in den Spalten {a} und {b}.",
                                "Benennen Sie eine der Spalten um oder löschen Sie sie: nur eine kann gelesen werden.")],
    "E-LONG-WORD": [Rule(None, "Ein Wort ohne Leerzeichen ist zu lang für jede Zeile der Broschüre.",
                         "Fügen Sie Leerzeichen ein oder kürzen Sie den Text.")],
    "E-INTERNAL": [Rule(None, "Beim Erstellen des Entwurfs ist ein interner Fehler aufgetreten.",
                        "Ihre Datei ist gespeichert. Bitte melden Sie den Fehler dem Ministerium.")],
}
FALLBACK = ("Hinweis der Prüfung ({code}).", "Die Meldung liegt nur auf Englisch vor (siehe unten).")


def german(f: Finding) -> German:
    """The German message and hint for a finding; values are taken from the English message."""
    for rule in CATALOGUE.get(f.code, []):
        if rule.pattern is None:
            return German(rule.message.format(f.message), rule.hint.format(f.message), True)
        m = re.search(rule.pattern, f.message)
        if m:
            values = {k: (v or "").strip() for k, v in m.groupdict().items()}
            try:
                return German(rule.message.format(f.message, **values), rule.hint.format(f.message, **values), True)
            except (KeyError, IndexError):
                break
    msg, hint = FALLBACK
    return German(msg.format(code=f.code), hint, False)


SEVERITY = {"error": "Fehler", "warning": "Hinweis"}
