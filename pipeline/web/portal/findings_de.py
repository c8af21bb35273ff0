"""German wording of the findings for the portal's pages, by finding code and form.

The checks write their messages in English (the CLI, the JSON report and the tests read them)
and give each finding the values its message names as `args` (errors.Finding), with a `form`
where one code has several kinds of message. Here each code has a German text per form, filled
from those args, so the English wording can change without the German. A finding without args
(or without an arg its text needs) gets the code's general German text; an unknown code gets a
general text and keeps the English original beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import Finding


@dataclass(frozen=True)
class Text:
    message: str  # German; {name} is the finding's arg of that name
    hint: str = ""


@dataclass(frozen=True)
class German:
    message: str
    hint: str
    known: bool  # False: no German text for this code, the English original is shown too


# The keys of a code's texts: a form (the finding's args["form"]), None for args without a form,
# and GENERAL for a finding without (usable) args; only a general text may quote the English
# {message}, as it has nothing else.
GENERAL = "*"

REOPEN = "Öffnen Sie die Datei in Excel oder LibreOffice Calc und speichern Sie sie erneut als Excel-Arbeitsmappe (.xlsx)."
DATE_FORMS = ("Schreiben Sie z. B. 12.04.2011, 5./6. Februar 2010, April 2011, Frühjahr 2012, 2. Halbjahr 2013, "
              "2010–2013 oder seit 2010.")
REPORT = "Bitte melden Sie das dem Ministerium."

ONE_FILE = Text("Bitte wählen Sie nur eine Datei aus: in ein Feld kann nur eine Datei hochgeladen werden.",
                "Laden Sie weitere Dateien nacheinander hoch.")

CATALOGUE: dict[str, dict[str | None, Text]] = {
    "E-EMPTY-CELL": {
        "required-entry": Text("Die Angabe „{column}“ fehlt.",
                               "Tragen Sie sie in der Zeile „{column}“ in die Spalte „Wert“ ein. Diese Zeile wird "
                               "gebraucht; wurde sie gelöscht, fügen Sie sie wieder ein."),
        None: Text("Pflichtangabe „{column}“ fehlt.",
                   "Füllen Sie die Spalte „{column}“ in dieser Zeile aus oder löschen Sie die Zeile."),
        GENERAL: Text("Eine Pflichtangabe fehlt.", "Füllen Sie die Zelle aus oder löschen Sie die Zeile."),
    },
    "W-EMPTY-CELL": {GENERAL: Text("Eine Zelle ist leer.", "Ergänzen Sie den Wert, wenn er gedruckt werden soll.")},
    "E-BAD-VALUE": {
        "photo-section": Text("„{value}“ ist kein Abschnitt des Entwurfs.", "Wählen Sie einen dieser Abschnitte: {known}."),
        # dates (when.py, german.parse_date)
        "end-before-start": Text("„{value}“: Das Ende liegt vor dem Anfang.",
                                 "Schreiben Sie das frühere Datum zuerst, z. B. 2010–2013."),
        "no-such-day": Text("„{value}“ gibt es nicht: Der Monat {month}/{year} hat keinen {day}. Tag.",
                            "Prüfen Sie das Datum."),
        "no-such-month": Text("„{value}“ gibt es nicht: Es gibt keinen Monat {month}.", "Prüfen Sie das Datum."),
        "year-out-of-range": Text("„{value}“: Das Jahr {year} liegt nicht zwischen {first} und {last}.",
                                  "Prüfen Sie die Jahreszahl."),
        "days-not-consecutive": Text("„{value}“: Die Tage vor und nach „/“ müssen aufeinander folgen (5./6.).",
                                     "Schreiben Sie einen Zeitraum mit Bindestrich, z. B. 5.–7. Februar 2010."),
        "years-not-consecutive": Text("„{value}“: Die Jahre vor und nach „/“ müssen aufeinander folgen ({pair}).",
                                      "Schreiben Sie einen Zeitraum mit Bindestrich, z. B. {span}."),
        "ambiguous": Text("„{value}“ ist nicht eindeutig.", "Schreiben Sie {one} oder {other}."),
        "not-a-date": Text("„{value}“ ist keine Datumsangabe, die der Entwurf lesen kann.", DATE_FORMS),
        "year-not-date": Text("„{value}“ ist eine Jahreszahl, kein Datum.",
                              "Schreiben Sie das ganze Datum, z. B. 31.12.{value}."),
        "not-a-day": Text("„{value}“ ist kein Datum.", "Schreiben Sie Datumsangaben wie 31.12.2019."),
        # field numbers (outline.py)
        "not-a-field-number": Text("„{value}“ ist keine Nummer eines Handlungsfelds.",
                                   "Nummerieren Sie 1, 2, 3 oder mit Gruppen 8, 8.1, 8.1.1."),
        "decimal-field-number": Text(
            "„{value}“ ist eine Dezimalzahl; Excel kann 8.1 nicht von 8.10 unterscheiden.",
            "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie die Nummer erneut ein."),
        "too-deep": Text("„{value}“ hat mehr als {levels} Ebenen.",
                         "Fassen Sie die Gliederung auf höchstens {levels} Ebenen zusammen (z. B. 8.1.1.1)."),
        # numbers (german.parse_number)
        "not-a-number": Text("„{value}“ ist keine Zahl.",
                             "Tragen Sie eine Zahl ein, z. B. 55,2, oder lassen Sie die Zelle leer."),
        "number-too-large": Text("„{value}“ ist eine zu große Zahl.",
                                 "Prüfen Sie den Wert: Zahlen mit mehr als {digits} Stellen druckt keine Broschüre."),
        "not-german-number": Text("„{value}“ ist keine Zahl in deutscher Schreibweise.",
                                  "Schreiben Sie Zahlen wie 55,2 oder 120.000."),
        # cells (sheets.py, records.py, charts.py)
        "excel-error": Text("Die Zelle zeigt Excels Fehlerwert {value}.",
                            "Korrigieren Sie die Formel oder tragen Sie den Wert ein; ein Fehlerwert wird nie gedruckt."),
        "not-a-choice": Text("„{value}“ ist keiner der erlaubten Werte.",
                             "Wählen Sie einen Wert aus der Auswahlliste der Zelle (kleiner Pfeil rechts)."),
        "outside-classes": Text("{value} liegt außerhalb der Klassen des Diagramms.",
                                "Korrigieren Sie den Wert oder die Klassengrenzen."),
        GENERAL: Text("Der Wert ist ungültig: {message}",
                      "Schreiben Sie Zahlen wie 55,2 oder 120.000 und Datumsangaben wie 31.12.2019."),
    },
    "E-UNKNOWN-REF": {
        None: Text("Es gibt kein Handlungsfeld {number}.",
                   "Wählen Sie eine Nummer aus dem Blatt „Handlungsfelder“ oder legen Sie das Handlungsfeld dort an."),
        GENERAL: Text("Der Verweis zeigt auf einen Eintrag, den es nicht gibt.",
                      "Wählen Sie einen vorhandenen Eintrag aus der Auswahlliste."),
    },
    "E-DUPLICATE-ID": {
        "field": Text("Das Handlungsfeld {number} ist schon in Zeile {row} vergeben.",
                      "Geben Sie jedem Handlungsfeld eine eigene Nummer."),
        "id": Text("„{id}“ ist schon in Zeile {row} vergeben.", "Jede Zeile braucht eine eigene Kennung."),
        GENERAL: Text("Eine Nummer oder Kennung ist doppelt vergeben.", "Vergeben Sie jede nur einmal."),
    },
    "E-BAD-EMAIL": {
        None: Text("„{value}“ ist keine gültige E-Mail-Adresse.",
                   "Schreiben Sie die Adresse wie name@beispiel.de, ohne „mailto:“ und ohne Leerzeichen."),
        GENERAL: Text("Eine E-Mail-Adresse ist ungültig.", "Schreiben Sie die Adresse wie name@beispiel.de."),
    },
    "E-BAD-PHONE": {
        None: Text("„{value}“ ist keine gültige Telefonnummer.",
                   "Schreiben Sie die Nummer mit Vorwahl, z. B. 0611 - 32 20 14 oder +49 611 32 20 14."),
        GENERAL: Text("Eine Telefonnummer ist ungültig.", "Schreiben Sie die Nummer mit Vorwahl."),
    },
    "E-BAD-URL": {
        None: Text("„{value}“ ist keine gültige Internetadresse.",
                   "Schreiben Sie sie wie www.beispiel.de oder https://www.beispiel.de/seite."),
        GENERAL: Text("Eine Internetadresse ist ungültig.", "Schreiben Sie sie wie www.beispiel.de."),
    },
    "E-BAD-ID": {None: Text("„{value}“ ist keine gültige Kennung.",
                            "Verwenden Sie nur Kleinbuchstaben, Ziffern, „-“ und „_“.")},
    "W-EMPTY-SECTION": {
        "empty-contact": Text("Der Abschnitt „{section}“ ist noch leer; im Entwurf steht ein Platzhalter.",
                              "Füllen Sie im Blatt „Stammdaten“ die Zeilen „Verantwortliche Stelle“, "
                              "„Ansprechperson“, „E-Mail“ und „Telefon“ aus."),
        None: Text("Der Abschnitt „{section}“ ist noch leer; im Entwurf steht ein Platzhalter.",
                   "Füllen Sie das genannte Blatt aus oder schreiben Sie den Text des Abschnitts in das Blatt „Texte“."),
        GENERAL: Text("Ein Abschnitt ist noch leer; im Entwurf steht ein Platzhalter.", "Füllen Sie das genannte Blatt aus."),
    },
    "W-EXAMPLE-VALUE": {
        None: Text("„{column}“ enthält noch den Beispielwert „{value}“ aus der leeren Arbeitsmappe; er erscheint "
                   "nicht im Entwurf.",
                   "Überschreiben Sie ihn mit Ihrem eigenen Wert oder leeren Sie die Zelle."),
        "marked": Text("„{column}“ enthält noch den Beispielwert „{value}“ aus der leeren Arbeitsmappe; im Entwurf "
                       "steht er als Beispiel markiert.",
                       "Überschreiben Sie ihn mit Ihrem eigenen Wert."),
        GENERAL: Text("Eine Zelle enthält noch den Beispielwert aus der leeren Arbeitsmappe.",
                      "Überschreiben Sie ihn mit Ihrem eigenen Wert oder leeren Sie die Zelle."),
    },
    "E-EXCEL-DATE": {
        None: Text("Excel hat aus der Eingabe (vermutlich „{typed}“) das Datum {date} gemacht.",
                   "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie „{typed}“ erneut ein. "
                   "In einer neuen Arbeitsmappe ist die Spalte schon als Text formatiert."),
        GENERAL: Text("Excel hat aus der Eingabe ein Datum gemacht.",
                      "Formatieren Sie die Spalte als Text (Zellen formatieren → Text) und tragen Sie den Wert erneut ein."),
    },
    "E-DUPLICATE-NUMBER": {
        None: Text("Die Überschrift „{title}“ trägt die Nummer {number}, wie schon „{other}“. Ein Verweis wie "
                   "„({number})“ wäre nicht eindeutig.",
                   "Geben Sie jeder Überschrift eine eigene Nummer: einem Kapitel im Blatt „Texte“, Spalte „Nr.“ "
                   "(z. B. 10 und 11 nach den Handlungsfeldern 8 und 9 Ihres Plans), einem Handlungsfeld im "
                   "Blatt „Handlungsfelder“."),
    },
    "W-NUMBER-ORDER": {
        None: Text("Die Überschrift „{title}“ ({number}) folgt auf „{other}“: Die Nummern laufen rückwärts.",
                   "Nummerieren Sie die Kapitel im Blatt „Texte“, Spalte „Nr.“, so, dass sie nach den "
                   "Handlungsfeldern Ihres Plans weiterzählen."),
    },
    "W-MISSING-GROUP": {
        None: Text("Für die Gruppe {group} (über {below}) gibt es keine Zeile; ihre Überschrift fehlt im Entwurf.",
                   "Legen Sie im Blatt „Handlungsfelder“ eine Zeile mit der Nr. {group} und dem Titel der Gruppe an."),
    },
    "W-EXAMPLE-ROW": {GENERAL: Text("Diese Zeile ist noch das Beispiel aus der leeren Arbeitsmappe; sie erscheint "
                                    "nicht im Entwurf.",
                                    "Überschreiben Sie sie mit Ihrem eigenen Eintrag oder löschen Sie die Zeile.")},
    "W-MISSING-SHEET": {
        None: Text("Das Blatt „{sheet}“ fehlt; sein Abschnitt erscheint als Platzhalter.",
                   "Kopieren Sie das Blatt aus einer neuen Arbeitsmappe (Schritt 1 auf der Startseite)."),
        GENERAL: Text("Ein Blatt fehlt.", "Kopieren Sie das Blatt aus einer neuen Arbeitsmappe."),
    },
    "E-MISSING-SHEET": {GENERAL: Text("Ein benötigtes Blatt fehlt oder ist leer.",
                                      "Verwenden Sie die Arbeitsmappe von der Startseite und füllen Sie das Blatt aus.")},
    "W-UNKNOWN-TABLE": {
        None: Text("Das Blatt „{sheet}“ gehört nicht zur Arbeitsmappe und wird nicht gedruckt.",
                   "Löschen Sie das Blatt oder übertragen Sie seine Angaben in die vorgesehenen Blätter."),
        GENERAL: Text("Ein Blatt gehört nicht zur Arbeitsmappe und wird nicht gedruckt.", ""),
    },
    "W-UNKNOWN-COLUMN": {
        "entry": Text("„{label}“ ist keine bekannte Angabe und wird nicht verwendet.",
                      "Verwenden Sie die Bezeichnungen aus der leeren Arbeitsmappe."),
        "column": Text("Die Spalte „{column}“ ist unbekannt und wird nicht verwendet.",
                       "Verwenden Sie die Spaltenüberschriften aus der leeren Arbeitsmappe."),
        GENERAL: Text("Eine Spalte oder Angabe ist unbekannt und wird nicht verwendet.", ""),
    },
    "E-MISSING-COLUMN": {
        None: Text("Die Spalte „{column}“ fehlt.",
                   "Ändern Sie die Überschriften in Zeile 1 nicht; kopieren Sie sie aus einer neuen Arbeitsmappe."),
        GENERAL: Text("Eine Spalte fehlt.", "Kopieren Sie die Überschriften aus einer neuen Arbeitsmappe."),
    },
    "W-HIDDEN-SHEET": {None: Text("Das Blatt „{sheet}“ ist ausgeblendet; seine Zeilen werden trotzdem verwendet.",
                                  "Blenden Sie es ein (Rechtsklick auf einen Blattnamen → Einblenden) und prüfen Sie es.")},
    "E-MERGED-CELLS": {None: Text("Die Zellen {cells} sind verbunden; nur die erste enthält einen Wert.",
                                  "Heben Sie die Verbindung auf (Start → Verbinden und zentrieren) "
                                  "und füllen Sie jede Zeile aus.")},
    "E-FORMULA": {None: Text("Die Formel {formula} hat kein gespeichertes Ergebnis.",
                             "Öffnen Sie die Arbeitsmappe in Excel oder LibreOffice und speichern Sie sie, "
                             "damit das Ergebnis gespeichert wird.")},
    "E-TOO-LARGE": {
        "rows": Text("Das Blatt hat {rows} Zeilen; höchstens {max} werden gelesen.",
                     "Löschen Sie Zeilen, die nicht in die Strategie gehören."),
        "columns": Text("Das Blatt hat {columns} Spalten; höchstens {max} werden gelesen.",
                        "Löschen Sie Spalten, die nicht in die Strategie gehören."),
        "cell-length": Text("Die Zelle enthält {length} Zeichen; erlaubt sind höchstens {max}.", "Kürzen Sie den Text."),
        "title-length": Text("Der Kapiteltitel aus dieser Zeile hat {length} Zeichen; erlaubt sind höchstens {max}.",
                             "Kürzen Sie den Titel; der Rest gehört in den Text des Kapitels."),
        "pages": Text("Das PDF hätte {pages} Seiten; eine Ausgabe hat höchstens {max}.", REPORT),
        "list-rows": Text("Diese Liste hätte {rows} Zeilen; eine gedruckte Liste fasst höchstens {max}.",
                          "Verteilen Sie die Zeilen auf mehrere Kapitel oder veröffentlichen Sie die ganze Liste im "
                          "Internet und nennen Sie deren Adresse."),
        "unpacked": Text("Die Datei würde entpackt {mb} MB groß ({ratio}-mal so groß wie die Datei). "
                         "Das ist keine gewöhnliche Arbeitsmappe.",
                         "Speichern Sie die Angaben erneut aus Excel oder LibreOffice, in der Arbeitsmappe von der Startseite."),
        GENERAL: Text("Die Datei ist zu groß.", "Verwenden Sie die Arbeitsmappe von der Startseite."),
    },
    "E-UNREADABLE": {GENERAL: Text("Die Datei lässt sich nicht als Excel-Arbeitsmappe öffnen.", REOPEN)},
    "E-NOT-WORKBOOK": {GENERAL: Text("Die Datei ist keine Excel-Arbeitsmappe (.xlsx).", REOPEN)},
    "E-UPLOAD-SIZE": {None: Text("Die Datei ist zu groß: erlaubt sind höchstens {mb} MB.",
                                 "Eine ausgefüllte Arbeitsmappe ist meist kleiner als 1 MB. "
                                 "Laden Sie die Arbeitsmappe von der Startseite.")},
    "E-UPLOAD-NAME": {GENERAL: Text("Bitte laden Sie die Arbeitsmappe (Endung .xlsx) oder den bearbeiteten Entwurf "
                                    "(Endung .docx) hoch.",
                                    "Speichern Sie die Arbeitsmappe in Excel als „Excel-Arbeitsmappe (*.xlsx)“ und den "
                                    "Entwurf in Word als „Word-Dokument (*.docx)“.")},
    "E-OTHER-TOWN": {
        None: Text("Diese Arbeitsmappe gehört zu „{kommune}“, nicht zu {town}: Bei „Kommune“ steht „{kommune}“. "
                   "Der Entwurf trüge den Namen der anderen Kommune; er wurde nicht erstellt.",
                   "Laden Sie die Arbeitsmappe von {town} hoch (Schritt 1: Arbeitsmappe herunterladen). Ist es doch "
                   "Ihre, tragen Sie in dieser Zelle den Namen Ihrer Kommune ein, oder bestätigen Sie unten, dass Sie "
                   "sie trotzdem für {town} verwenden wollen."),
        GENERAL: Text("Diese Arbeitsmappe gehört zu einer anderen Kommune.",
                      "Laden Sie die Arbeitsmappe Ihrer Kommune hoch."),
    },
    "E-UPLOAD-MANY": {GENERAL: ONE_FILE},
    "E-ENCRYPTED": {GENERAL: Text("Die Arbeitsmappe ist mit einem Kennwort geschützt (verschlüsselt) und lässt sich "
                                  "deshalb nicht lesen.",
                                  "Öffnen Sie sie in Excel, entfernen Sie das Kennwort (Datei → Informationen → "
                                  "Arbeitsmappe schützen → Mit Kennwort verschlüsseln: Feld leeren) und speichern Sie "
                                  "sie erneut als „Excel-Arbeitsmappe (*.xlsx)“.")},
    "E-UPLOAD-EMPTY": {GENERAL: Text("Es wurde keine Datei ausgewählt oder die Datei ist leer.",
                                     "Wählen Sie die ausgefüllte Arbeitsmappe aus und laden Sie sie hoch.")},
    "E-UPLOAD-NO-DRAFT": {GENERAL: Text("Es gibt noch keine Version, in die ein bearbeiteter Entwurf übernommen "
                                        "werden kann.",
                                        "Laden Sie zuerst die ausgefüllte Arbeitsmappe hoch. Den Entwurf, den das Portal "
                                        "daraus erstellt, können Sie in Word bearbeiten und hier wieder hochladen.")},
    "E-UPLOAD-TIME": {GENERAL: Text("Die Word-Datei konnte nicht in der vorgesehenen Zeit gelesen werden.",
                                    "Laden Sie den Entwurf so hoch, wie Sie ihn hier heruntergeladen und in Word "
                                    "bearbeitet haben. Bleibt der Fehler, melden Sie ihn bitte dem Ministerium.")},
    # An edited draft (.docx) taken back into the workbook (pipeline/absorb)
    "E-ABSORB-INPUT": {
        "word-97": Text("Die Datei ist ein Word-Dokument im alten Format (.doc, Word 97–2003) oder mit einem Kennwort "
                        "geschützt.",
                        "Öffnen Sie sie in Word oder LibreOffice, entfernen Sie ein Kennwort und speichern Sie sie als "
                        "„Word-Dokument (*.docx)“."),
        "not-docx": Text("Die Datei ist kein Word-Dokument (.docx).",
                         "Laden Sie die Word-Datei des Entwurfs hoch, die Sie hier heruntergeladen und bearbeitet "
                         "haben, oder die Arbeitsmappe (.xlsx)."),
        "docx-broken": Text("Die Word-Datei lässt sich nicht öffnen.",
                            "Öffnen Sie sie in Word oder LibreOffice und speichern Sie sie erneut als "
                            "„Word-Dokument (*.docx)“."),
        "docx-too-large": Text("Die Datei würde entpackt {mb} MB groß ({ratio}-mal so groß wie die Datei). Das ist kein "
                               "gewöhnliches Word-Dokument.",
                               "Speichern Sie den Entwurf erneut aus Word oder LibreOffice."),
        "docx-missing": Text("Die Word-Datei wurde nicht gefunden.", "Wählen Sie den bearbeiteten Entwurf aus."),
        "other-document": Text("Diese Word-Datei ist nicht aus Ihrem Entwurf „{expected}“ entstanden, sondern aus "
                               "einem anderen Dokument.",
                               "Laden Sie den Entwurf hoch, den das Portal für Ihre Kommune erstellt hat und den Sie "
                               "in Word bearbeitet haben."),
        "sources-not-kept": Text("Diese Word-Datei wurde aus Angaben erstellt, die keine Ihrer Versionen enthält. Ihre "
                                 "Änderungen lassen sich daher nicht von späteren Änderungen unterscheiden.",
                                 "Laden Sie den Entwurf der neuesten Version herunter, übertragen Sie Ihre Änderungen "
                                 "dorthin und laden Sie ihn wieder hoch."),
        GENERAL: Text("Die Word-Datei kann nicht übernommen werden.",
                      "Laden Sie den Entwurf hoch, den das Portal für Ihre Kommune erstellt hat und den Sie in Word "
                      "bearbeitet haben."),
    },
    "E-ABSORB-SOURCES": {
        None: Text("Die neueste Version enthält {errors} Fehler. Aus ihr lässt sich der Entwurf nicht erneut erstellen, "
                   "um ihn mit Ihrer Word-Datei zu vergleichen.",
                   "Korrigieren Sie zuerst die unten genannten Fehler in der Arbeitsmappe und laden Sie sie hoch; "
                   "laden Sie danach die Word-Datei erneut hoch."),
        GENERAL: Text("Die neueste Version enthält Fehler. Aus ihr lässt sich der Entwurf nicht erneut erstellen, um "
                      "ihn mit Ihrer Word-Datei zu vergleichen.",
                      "Korrigieren Sie zuerst die Fehler in der Arbeitsmappe und laden Sie sie hoch; laden Sie danach "
                      "die Word-Datei erneut hoch."),
    },
    "E-ABSORB-CHECK": {GENERAL: Text("Ihre Änderungen würden die Arbeitsmappe fehlerhaft machen, ohne dass eine "
                                     "einzelne Änderung das erklärt. Es wurde nichts übernommen.",
                                     "Tragen Sie die Änderungen direkt in die Arbeitsmappe ein und laden Sie sie hoch.")},
    "E-ABSORB-WRITE": {GENERAL: Text("Ihre Änderungen konnten nicht in die Arbeitsmappe geschrieben werden. Es wurde "
                                     "nichts geändert.", REPORT)},
    "E-MISSING-FILE": {GENERAL: Text("Die Arbeitsmappe fehlt.", "Laden Sie die ausgefüllte Arbeitsmappe hoch."),
                       "photo": Text("Das Foto „{file}“ fehlt.", "Laden Sie das Foto noch einmal hoch.")},
    "E-ALT-TEXT": {None: Text("Das Foto „{photo}“ hat keinen Alternativtext.",
                              "Beschreiben Sie in einem Satz, was das Foto zeigt, für Menschen, die es nicht sehen.")},
    "E-INVALID-CHAR": {None: Text("Der Text enthält ein unsichtbares Steuerzeichen: {char}.",
                                  "Löschen Sie das Zeichen (oft aus einem anderen Programm mit eingefügt).")},
    "E-ADDRESS-INVISIBLE": {
        None: Text("Die Adresse „{address}“ enthält ein unsichtbares Zeichen: {char}. Als Link, kopiert oder "
                   "gesucht wäre sie eine andere Adresse.",
                   "Löschen Sie die Adresse und tippen Sie sie neu ein. Beim Einfügen aus Word oder einer Webseite "
                   "kommen oft unsichtbare Zeichen wie weiche Trennstriche mit."),
        GENERAL: Text("Eine Adresse enthält ein unsichtbares Zeichen.", "Tippen Sie die Adresse neu ein.")},
    "E-ADDRESS-LOOKALIKE": {
        None: Text("Die Adresse „{address}“ enthält das Zeichen {char}. Es sieht nur aus wie ein gewöhnliches "
                   "Zeichen; ihr Link würde woandershin führen.",
                   "Tippen Sie die Adresse von Hand neu ein: mit den Buchstaben a–z, Ziffern, „.“, „/“ und „@“. "
                   "Eine Adresse in einer anderen Schrift schreiben Sie ganz in dieser Schrift."),
        GENERAL: Text("Eine Adresse enthält ein Zeichen, das nur so aussieht wie ein gewöhnliches.",
                      "Tippen Sie die Adresse neu ein.")},
    "E-LINK-ADDRESS": {
        None: Text("Die Adresse „{address}“ eines Links würde nur als „{linked}“ verlinkt, also eine andere Adresse.",
                   "Schreiben Sie die Adresse ohne Leerzeichen, Anführungszeichen oder Klammern und ohne Satzzeichen "
                   "am Ende."),
        GENERAL: Text("Die Adresse eines Links würde nur zum Teil verlinkt.", "Schreiben Sie die Adresse ohne "
                      "Leerzeichen und ohne Satzzeichen am Ende.")},
    "E-UNPRINTABLE-CHAR": {None: Text("Der Text enthält ein Zeichen, das die Schrift nicht drucken kann: {char}.",
                                      "Ersetzen Sie das Zeichen, z. B. ein Emoji durch Worte.")},
    "E-PLACEHOLDER": {None: Text("Ein Platzhalter ist stehen geblieben: „{mark}“.",
                                 "Ersetzen Sie ihn durch den endgültigen Text.")},
    "E-MOJIBAKE": {None: Text("„{sample}“ sieht nach falsch kodiertem Text aus.",
                              "Kopieren Sie den Text noch einmal aus dem Original.")},
    "E-DUPLICATE-PARAGRAPH": {GENERAL: Text("Ein Absatz steht doppelt im Text.", "Löschen Sie die Wiederholung.")},
    "W-NAME-VARIANT": {
        "two-spellings": Text("„{name}“ und „{other}“ sehen nach zwei Schreibweisen desselben Namens aus.",
                              "Schreiben Sie den Namen überall gleich."),
        "misspelling": Text("„{word}“ sieht nach einem Tippfehler für „{near}“ aus.",
                            "Schreiben Sie „{near}“, wenn das gemeint ist."),
    },
    "E-CHART-DATA": {GENERAL: Text("Die Zahlen für ein Diagramm passen nicht.",
                                   "Prüfen Sie die Zeilen im Blatt „Bevölkerung“: Werte in % je Gruppe.")},
    "W-CHART-FIT": {GENERAL: Text("Ein Diagramm ist für seine Spalte zu dicht: seine Beschriftung passt dort nicht.",
                                  "Zeigen Sie weniger Kategorien oder kürzere Namen, wählen Sie ein waagerechtes "
                                  "Balkendiagramm (orientation: horizontal) oder die volle Breite (width: full).")},
    "E-ENCODING": {GENERAL: Text("Eine Textdatei ist nicht als UTF-8 gespeichert.", "Speichern Sie sie als UTF-8.")},
    "E-HEADING-LEVEL": {GENERAL: Text("Eine Überschrift hat die falsche Ebene.", "Beginnen Sie Unterabschnitte mit „## “.")},
    "E-LOST-CONTENT": {
        None: Text("Zeile {row} der Tabelle „{table}“ wird nirgends gedruckt.",
                   "Prüfen Sie die Spalten, nach denen ausgewählt wird, oder löschen Sie die Zeile."),
        GENERAL: Text("Ein Text fehlt in der erzeugten Datei.",
                      "Laden Sie die Arbeitsmappe erneut hoch; bleibt der Fehler, melden Sie ihn bitte dem Ministerium."),
    },
    "E-OUTPUT-HEADING": {GENERAL: Text("Eine Überschrift fehlt in der erzeugten Datei.", REPORT)},
    "E-ACCESSIBILITY": {GENERAL: Text("Die erzeugte Datei erfüllt eine Anforderung der Barrierefreiheit nicht.", REPORT)},
    "E-TYPESET": {GENERAL: Text("Der Satz des PDF ist fehlgeschlagen.", REPORT)},
    "E-TEMPLATE": {GENERAL: Text("Die Vorlage des Portals ist fehlerhaft.", REPORT)},
    # The template checks: a municipality sees them only if the portal's own template is broken.
    "E-TEMPLATE-FILE": {GENERAL: Text("Die Vorlage des Portals ist unvollständig.", REPORT)},
    "E-UNKNOWN-KEY": {GENERAL: Text("Die Vorlage des Portals enthält eine unbekannte Einstellung.", REPORT)},
    "E-UNKNOWN-FIELD": {GENERAL: Text("Die Vorlage des Portals verweist auf eine Spalte, die es nicht gibt.", REPORT)},
    "E-DUPLICATE-FIELD": {None: Text("„{label}“ steht zweimal im Blatt (Zeilen {first} und {second}).",
                                     "Löschen Sie eine der beiden Zeilen: nur ein Wert kann gedruckt werden.")},
    "E-DUPLICATE-SHEET": {GENERAL: Text("Zwei Blätter haben denselben Namen (eines mit Leerzeichen am Rand).",
                                        "Benennen Sie eines um oder löschen Sie es: nur eines kann gelesen werden.")},
    "E-DUPLICATE-COLUMN": {None: Text("Die Überschrift „{heading}“ steht in den Spalten {first} und {second}.",
                                      "Benennen Sie eine der Spalten um oder löschen Sie sie: nur eine kann gelesen werden.")},
    "E-LONG-WORD": {GENERAL: Text("Ein Wort ohne Leerzeichen ist zu lang für jede Zeile der Broschüre.",
                                  "Fügen Sie Leerzeichen ein oder kürzen Sie den Text.")},
    "E-INTERNAL": {GENERAL: Text("Beim Erstellen des Entwurfs ist ein interner Fehler aufgetreten.",
                                 "Ihre Datei ist gespeichert. Bitte melden Sie den Fehler dem Ministerium.")},
}
# An output check the files fail although the workbook was valid: the program's fault, said so.
TOOL_FAULT = ("Beim Erzeugen der Dateien ist dem Programm ein Fehler unterlaufen. Ihre Angaben sind nicht die Ursache.",
              "Der Entwurf wurde trotzdem erstellt. Bitte melden Sie den Fehler dem Ministerium, damit er behoben wird.")
FALLBACK = ("Hinweis der Prüfung ({code}).", "Die Meldung liegt nur auf Englisch vor (siehe unten).")


def german(f: Finding) -> German:
    """The German message and hint for a finding: its form's text filled from its args, else
    the code's general text."""
    if f.tool_fault:
        return German(*TOOL_FAULT, True)
    texts = CATALOGUE.get(f.code, {})
    args = f.args_dict
    text = texts.get(args.get("form")) if args else None
    if text is not None:
        try:
            return German(text.message.format(**args), text.hint.format(**args), True)
        except (KeyError, IndexError):
            pass  # an arg the text needs is missing: the general text, as without args
    general = texts.get(GENERAL)
    if general is not None:
        return German(general.message.format(message=f.message), general.hint.format(message=f.message), True)
    msg, hint = FALLBACK
    return German(msg.format(code=f.code), hint, False)


SEVERITY = {"error": "Fehler", "warning": "Hinweis", "fault": "Programmfehler"}
