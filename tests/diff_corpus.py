"""A corpus of edits for `brochure diff`: kinds of edits a reviewer meets, planted in copies of
two sample editions, each with the test a reported change must pass to name it. Edits are
grouped into pairs (OLD, NEW) that touch different places, so one build serves several kinds;
two more pairs must give no report at all: the same input built twice, and whitespace only.

    python -m tests.diff_corpus      # recall and false reports per mode (part of `make bench`)

Edits pick their targets by rule (the third body paragraph of a file, a phone number of a
contact), not by quoting the sample, so they stay meaningful when the samples' prose changes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
BASES = {"kiv": ROOT / "inputs" / "kiv-handbuch-2020", "hzb": ROOT / "inputs" / "halbzeitbilanz-2012",
         "draft": ROOT / "inputs" / "kommunen" / "rodgau"}
MODES = ("folder", "docx", "pdf")
ALL = frozenset(MODES)


# -- reading and editing the inputs --------------------------------------------------------------
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8", newline="")


def _sub(path: Path, old: str, new: str) -> None:
    text = _read(path)
    assert text.count(old) == 1, (path.name, old[:60], text.count(old))
    _write(path, text.replace(old, new))


BODY = re.compile(r"^(?![#\-*|>!\[:]|\d+\.\s|\s)")


def blocks(text: str) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]


def body(path: Path, k: int) -> str:
    """The K-th body paragraph of a Markdown file (no heading, list, table, note or box line)."""
    return [b for b in blocks(_read(path)) if BODY.match(b) and len(b) > 120 and "[^" not in b][k]


def sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[a-zäöüß][.!?])\s+(?=[A-ZÄÖÜ])", paragraph)


def long_word(text: str, k: int = 0) -> str:
    words = [w for w in re.findall(r"\b[a-zäöüß]{9,}\b", text) if text.count(w) == 1]
    return words[k]


def _csv_rows(path: Path) -> list[list[str]]:
    return [line.split(";") for line in _read(path).replace("\r\n", "\n").split("\n") if line]


def _csv_set(path: Path, row_id: str, column: str, value: str) -> str:
    """Sets one cell of a German Excel CSV (no quoted fields in the cells we touch); → the old value."""
    text = _read(path)
    nl = "\r\n" if "\r\n" in text else "\n"
    rows = _csv_rows(path)
    col = rows[0].index(column)
    row = next(r for r in rows[1:] if r[0] == row_id)
    old = row[col]
    row[col] = value
    _write(path, nl.join(";".join(r) for r in rows) + nl)
    return old


# -- what counts as naming an edit ---------------------------------------------------------------
def _sq(text: str) -> str:
    """Text compared without spaces, hyphens, quotes or Markdown emphasis: a PDF breaks lines and
    joins words."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011„“\"*_]", "", text)


def now_reads(c: dict, old: str, new: str) -> bool:
    """C is a change whose old text holds OLD and whose new text holds NEW (a value edited in
    place: the word diff shows only the characters that differ)."""
    return c["kind"] != "moved" and _sq(old) in _sq(c["old"] + c["what"]) and _sq(new) in _sq(c["new"] + c["what"]) \
        and _sq(c["old"]) != _sq(c["new"])


def inserted(c: dict) -> str:
    return "".join(t for op, t in c["words"] if op == "insert") or c["new"]


def deleted(c: dict) -> str:
    return "".join(t for op, t in c["words"] if op == "delete") or c["old"]


def shows(c: dict, old: str | None = None, new: str | None = None) -> bool:
    """C shows OLD as removed and NEW as added (either may be omitted)."""
    return (old is None or _sq(old) in _sq(deleted(c) + c["what"])) and \
        (new is None or _sq(new) in _sq(inserted(c) + c["what"]))


@dataclass
class Edit:
    name: str
    apply: Callable[[Path], Callable[[dict], bool]]  # edits NEW's folder; → the test of a change
    modes: frozenset = ALL  # the modes that can see it
    follows: Callable[[dict], bool] = lambda c: False  # true reports that follow from it


@dataclass
class Pair:
    name: str
    base: str
    edits: list[Edit] = field(default_factory=list)
    whitespace: Callable[[Path], None] | None = None  # for the pairs that must report nothing


# -- the edits -----------------------------------------------------------------------------------
KIV_T = Path("text")


def word_replaced(new: Path):
    p = body(new / KIV_T / "01-foerderung.md", 1)
    w = long_word(p, 1)
    _sub(new / KIV_T / "01-foerderung.md", p, p.replace(w, "Gemeinschaftsaufgabe", 1))
    return lambda c: shows(c, w, "Gemeinschaftsaufgabe")


def sentence_added(new: Path):
    p = body(new / KIV_T / "einleitung.md", 0)
    _sub(new / KIV_T / "einleitung.md", p, p + " Die Landkreise sollen ab dem kommenden Jahr ebenfalls teilnehmen.")
    return lambda c: shows(c, new="Die Landkreise sollen ab dem kommenden Jahr")


def sentence_removed(new: Path):
    p = body(new / KIV_T / "ausblick.md", 1)
    s = sentences(p)[1]
    _sub(new / KIV_T / "ausblick.md", p, p.replace(" " + s, "", 1))
    return lambda c: shows(c, old=s[:60])


def paragraph_added(new: Path):
    p = body(new / KIV_T / "ausblick.md", 3)
    added = "Ein neuer Absatz beschreibt die Vernetzung der Beratungsstellen in allen beteiligten Städten."
    _sub(new / KIV_T / "ausblick.md", p, p + "\n\n" + added)
    return lambda c: c["kind"] in ("added", "changed") and shows(c, new=added)


def paragraph_removed(new: Path):
    p = body(new / KIV_T / "03-strategien.md", 6)
    _sub(new / KIV_T / "03-strategien.md", p + "\n\n", "")
    return lambda c: c["kind"] in ("removed", "changed") and shows(c, old=p[:80])


def paragraph_split(new: Path):
    p = body(new / KIV_T / "04-erfolge.md", 1)
    s = sentences(p)
    _sub(new / KIV_T / "04-erfolge.md", p, s[0] + "\n\n" + " ".join(s[1:]))
    return lambda c: c["kind"] == "split" and _sq(s[1][:40]) in _sq(c["new"])


def paragraphs_merged(new: Path):
    a, b = body(new / KIV_T / "vorwort.md", 0), body(new / KIV_T / "vorwort.md", 1)
    _sub(new / KIV_T / "vorwort.md", a + "\n\n" + b, a + " " + b)
    return lambda c: c["kind"] == "merged" and _sq(b[:40]) in _sq(c["new"])


def footnote_changed(new: Path):
    _sub(new / KIV_T / "einleitung.md", "Förderauftrag „Kommunale", "Förderaufruf „Kommunale")
    return lambda c: "footnote" in c["item"] and shows(c, "Förderauftrag", "Förderaufruf")


def footnote_added(new: Path):
    p = body(new / KIV_T / "01-foerderung.md", 2)
    first = sentences(p)[0]
    _sub(new / KIV_T / "01-foerderung.md", first, first + "[^neu]")
    path = new / KIV_T / "01-foerderung.md"
    _write(path, _read(path).rstrip("\n") + "\n\n[^neu]: Vgl. die Förderrichtlinie des Landes vom Juni 2019.\n")
    return lambda c: shows(c, new="Förderrichtlinie des Landes vom Juni 2019")


def _list_items(path: Path) -> list[str]:
    return [line for line in _read(path).split("\n") if line.startswith("- ")]


def list_reordered(new: Path):
    path = new / KIV_T / "03-strategien.md"
    items = _list_items(path)
    a, b = next((x, y) for x, y in zip(items, items[1:]) if len(x) > 30 and len(y) > 30 and "\n" not in x)
    _sub(path, a + "\n" + b + "\n", b + "\n" + a + "\n")
    return lambda c: c["kind"] == "moved" and (_sq(a[2:40]) in _sq(c["old"] + c["new"] + c["what"])
                                              or _sq(b[2:40]) in _sq(c["old"] + c["new"] + c["what"]))


def list_item_added(new: Path):
    path = new / KIV_T / "02-kernelemente.md"
    item = _list_items(path)[3]
    _sub(path, item + "\n", item + "\n- die Beteiligung von Vereinen und Initiativen wird verbindlich geregelt,\n")
    return lambda c: shows(c, new="die Beteiligung von Vereinen und Initiativen")


def made_bold(new: Path):
    p = body(new / KIV_T / "04-erfolge.md", 0)
    w = long_word(p, 2)
    _sub(new / KIV_T / "04-erfolge.md", p, p.replace(w, f"**{w}**", 1))
    return lambda c: c["item"] == "formatting" and w in c["what"]


def heading_renamed(new: Path):
    _sub(new / KIV_T / "03-strategien.md", "\n### Kommunikation\n", "\n### Kommunikation nach außen\n")
    return lambda c: c["kind"] == "renamed" and "nach außen" in c["what"]


def heading_level(new: Path):
    _sub(new / KIV_T / "03-strategien.md", "\n### Nachhaltigkeit\n", "\n#### Nachhaltigkeit\n")
    return lambda c: c["item"] == "heading level" and "Nachhaltigkeit" in c["what"]


def sections_swapped(new: Path):
    path = new / "text/kommunen/bischofsheim.md"
    text = _read(path)
    a, b = text.index("## Erfolge des Prozesses"), text.index("## Ausblick")
    _write(path, text[:a] + text[b:].rstrip("\n") + "\n\n" + text[a:b].rstrip("\n") + "\n")
    return lambda c: c["kind"] == "moved" and c["item"] == "section" and ("Ausblick" in c["what"]
                                                                        or "Erfolge des Prozesses" in c["what"])


def paragraph_to_other_chapter(new: Path):
    src, dst = new / KIV_T / "02-kernelemente.md", new / KIV_T / "ausblick.md"
    p = body(src, 3)
    _sub(src, p + "\n\n", "")
    _write(dst, _read(dst).rstrip("\n") + "\n\n" + p + "\n")
    return lambda c: c["kind"] == "moved" and _sq(p[:50]) in _sq(c["old"] + c["new"] + c["what"]) \
        and "Ausblick" in c["where"] + c["what"]


def table_number(new: Path):
    _sub(new / KIV_T / "03-strategien.md", "| Zeit | mindestens 2,5 Std. |", "| Zeit | mindestens 3 Std. |")
    return lambda c: shows(c, "2,5", "3")


def link_added(new: Path):
    p = body(new / KIV_T / "02-kernelemente.md", 4)
    _sub(new / KIV_T / "02-kernelemente.md", p, p + " Mehr dazu [im Integrationsportal](https://integrationskompass.hessen.de/).")
    return lambda c: shows(c, new="im Integrationsportal")


def quote_removed(new: Path):
    path = new / "data/quotes.csv"
    rows = _read(path).split("\n")
    gone = next(r for r in rows if r.startswith("q-foraci-bargon;"))
    _write(path, "\n".join(r for r in rows if r is not gone))
    return lambda c: c["kind"] in ("removed", "changed") and ("Foraci" in c["what"] + c["old"]
                                                              or "Ausländerbeirat" in deleted(c))


def quote_changed(new: Path):
    _sub(new / "data/quotes.csv", "braucht eine unverrückbare Grundhaltung", "braucht eine feste Grundhaltung")
    return lambda c: shows(c, "unverrückbare", "feste")


def population_changed(new: Path):
    old = _csv_set(new / "data/municipalities.csv", "gernsheim", "population", "10900")
    return lambda c: shows(c, old[:2], "10900") or shows(c, None, "10.900")


def email_changed(new: Path):
    old = _csv_set(new / "data/municipalities.csv", "hainburg", "email", "integration@hainburg.de")
    return lambda c: now_reads(c, old, "integration@hainburg.de")


def reference_year(new: Path):
    _csv_set(new / "data/references.csv", "buettner2001", "year", "2002")
    return lambda c: now_reads(c, "2001", "2002")


def title_changed(new: Path):
    _sub(new / "edition.yaml", "subtitle: am Beispiel hessischer Städte", "subtitle: am Beispiel hessischer Städte und Gemeinden")
    return lambda c: shows(c, new="und Gemeinden")


def running_head_changed(new: Path):
    _sub(new / "edition.yaml", "running_head: Förderung\n", "running_head: Förderprogramm\n")
    return lambda c: c["item"] == "running head" and "Förderprogramm" in c["what"]


def chapter_renamed(new: Path):
    _sub(new / "edition.yaml", "    title: Ausblick\n", "    title: Ausblick und Dank\n")
    return lambda c: c["kind"] == "renamed" and c["item"] == "chapter" and "Ausblick und Dank" in c["what"]


def _contents_follow(c: dict) -> bool:
    return c["where"].startswith("Inhalt") or "Inhalt" in c["what"]


def chapters_reordered(new: Path):
    path = new / "edition.yaml"
    text = _read(path)
    start = text.index("  - kind: prose\n    id: ausblick")
    end = text.index("  - kind: bibliography")
    moved = text[start:end]
    text = text[:start] + text[end:]
    at = text.index("  - kind: prose\n    id: einleitung")
    _write(path, text[:at] + moved + text[at:])
    return lambda c: c["kind"] == "moved" and c["item"] == "chapter" and "Ausblick" in c["what"]


def word_in_moved_chapter(new: Path):
    p = body(new / KIV_T / "ausblick.md", 2)
    w = long_word(p, 0)
    _sub(new / KIV_T / "ausblick.md", p, p.replace(w, "Herausforderung", 1))
    return lambda c: shows(c, w, "Herausforderung")


HZB_D = Path("data")


def photo_replaced(new: Path):
    path = new / "images/zeitleiste.jpg"
    with Image.open(path) as im:
        ImageOps.mirror(im.convert("RGB")).save(path, quality=90)
    return lambda c: c["item"] in ("picture", "photo") and c["kind"] in ("changed", "replaced") and \
        "Stationen des Landesprogramms" in c["what"] + c["where"] + c["new"]


def alt_text_changed(new: Path):
    path = new / HZB_D / "photos.csv"
    old = next(r for r in _csv_rows(path) if r[0] == "p-evaluation-wirkungsannahmen")
    col = _csv_rows(path)[0].index("alt_text")
    text = old[col] or "x"
    _csv_set(path, "p-evaluation-wirkungsannahmen", "alt_text", text.rstrip(".") + ", dargestellt als Pfeildiagramm.")
    return lambda c: shows(c, new="dargestellt als Pfeildiagramm")


def caption_changed(new: Path):
    _sub(new / HZB_D / "photos.csv", "Die sechs Modellregionen Integration in Hessen (schematische Darstellung)",
         "Die sechs Modellregionen Integration in Hessen (Karte)")
    return lambda c: shows(c, "schematische Darstellung", "Karte")


def chart_value(new: Path):
    _sub(new / HZB_D / "kassel_altersgruppen.csv", "18 bis unter 30 Jahre;38;62", "18 bis unter 30 Jahre;40;60")
    return lambda c: c["item"] == "chart" and (shows(c, "38", "40") or shows(c, "62", "60")) and "Altersgruppen" in c["what"]


def chart_title(new: Path):
    _sub(new / HZB_D / "charts.csv", "Verteilung nach Altersgruppen in Prozent", "Verteilung nach Altersgruppen (in Prozent)")
    return lambda c: now_reads(c, "Altersgruppen in Prozent", "Altersgruppen (in Prozent)")


def key_figure(new: Path):
    _sub(new / HZB_D / "figures.csv", "hochtaunuskreis;Familien im Case-Management;31;", "hochtaunuskreis;Familien im Case-Management;34;")
    return lambda c: shows(c, "31", "34")


def phone_changed(new: Path):
    _csv_set(new / HZB_D / "contacts.csv", "c-kassel-bieker", "phone", "0561 - 787-21 99")
    return lambda c: now_reads(c, "0561 - 787-21 87", "0561 - 787-21 99")


def contact_added(new: Path):
    path = new / HZB_D / "contacts.csv"
    text = _read(path)
    nl = "\r\n" if "\r\n" in text else "\n"
    _write(path, text.rstrip("\r\n") + nl + "c-kassel-neu;kassel;Koordination;Jana Beispiel;;;;;;0561 - 787-30 00;;"
           "jana.beispiel@example.org;" + nl)
    return lambda c: shows(c, new="Jana Beispiel") or shows(c, new="jana.beispiel@example.org")


def region_text(new: Path):
    p = body(new / "text/regionen/wetzlar.md", 0)
    w = long_word(p, 0)
    _sub(new / "text/regionen/wetzlar.md", p, p.replace(w, "Stadtgesellschaft", 1))
    return lambda c: shows(c, w, "Stadtgesellschaft")


def decimal_in_text(new: Path):
    _sub(new / "text/kommunen/hainburg.md", "29,7 Prozent", "31,2 Prozent")
    return lambda c: shows(c, "29,7", "31,2")


def list_item_removed(new: Path):
    _sub(new / "text/kommunen/hainburg.md", "- drei Workshops,\n", "")
    return lambda c: shows(c, old="drei Workshops")


def comma_added(new: Path):
    p = body(new / "text/kommunen/hofheim.md", 0)
    words = p.split(" ")
    k = next(n for n, w in enumerate(words[3:], 3) if w.isalpha() and words[n + 1][:1].islower())
    _sub(new / "text/kommunen/hofheim.md", p, " ".join(words[:k] + [words[k] + ","] + words[k + 1:]))
    return lambda c: c["kind"] == "changed" and [w for w in c["words"] if w[0] != "equal"] == [("insert", ",")]


def signature_changed(new: Path):
    _sub(new / "edition.yaml", "      name: Kai Klose\n", "      name: Kai Klose (in Vertretung)\n")
    return lambda c: shows(c, new="in Vertretung")


def imprint_line(new: Path):
    _sub(new / "edition.yaml", "      - JVA Darmstadt, Marienburgstraße 74, 64297 Darmstadt",
         "      - Druckerei am Markt, Marktplatz 1, 64283 Darmstadt")
    return lambda c: shows(c, "JVA", "Druckerei am Markt")


def profile_field(new: Path):
    old = _csv_set(new / "data/municipalities.csv", "rodgau", "project", "Rodgau gemeinsam gestalten")
    return lambda c: now_reads(c, old, "Rodgau gemeinsam gestalten")


def web_address(new: Path):
    _sub(new / HZB_D / "links.csv", ";www.zukunft-in-kassel.de", ";www.zukunftsbuero-kassel.de")
    return lambda c: now_reads(c, "www.zukunft-in-kassel.de", "www.zukunftsbuero-kassel.de")


def photo_removed(new: Path):
    _csv_set(new / HZB_D / "photos.csv", "p-konzeption-modellregionen", "file", "")
    return lambda c: c["item"] in ("picture", "photo") and c["kind"] in ("removed", "replaced", "changed") \
        and "Modellregionen" in c["what"] + c["where"] + c["old"]


# a town's strategy draft: its workbook edited as the town would, in Excel
def _cell(new: Path, sheet: str, row: int, header: str, value=None) -> str:
    """Sets (or, without VALUE, reads) a cell of the draft's workbook by its sheet, row and column
    heading; → its old text."""
    import openpyxl
    path = new / "strategie.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = next(c for c in range(1, ws.max_column + 1) if str(ws.cell(1, c).value or "").rstrip(" *") == header)
    old = str(ws.cell(row, col).value or "")
    if value is not None:
        ws.cell(row, col).value = value
        wb.save(path)
    return old


def measure_text(new: Path):
    old = _cell(new, "Maßnahmen", 2, "Maßnahme")
    w = max(re.findall(r"\w+", old), key=len)
    _cell(new, "Maßnahmen", 2, "Maßnahme", old.replace(w, "Wanderausstellung", 1))
    return lambda c: shows(c, w, "Wanderausstellung")


def measure_owner(new: Path):
    _cell(new, "Maßnahmen", 3, "Verantwortlich", "Fachdienst Soziales")
    return lambda c: shows(c, new="Fachdienst Soziales")


def measure_added(new: Path):
    _cell(new, "Maßnahmen", 4, "Handlungsfeld Nr.", 2)
    _cell(new, "Maßnahmen", 4, "Maßnahme", "Sprechstunde des Ausländerbeirats im Rathaus")
    _cell(new, "Maßnahmen", 4, "Zeithorizont", "kurzfristig")
    return lambda c: shows(c, new="Sprechstunde des Ausländerbeirats")


def population_figure(new: Path):
    _cell(new, "Bevölkerung", 2, "Wert", 46500)
    return lambda c: shows(c, "46", "46.500") or now_reads(c, "46000", "46500") or now_reads(c, "46.000", "46.500")


def guideline_word(new: Path):
    old = _cell(new, "Leitlinien", 3, "Text")
    w = long_word(old, 0)
    _cell(new, "Leitlinien", 3, "Text", old.replace(w, "Selbstverständlichkeit", 1))
    return lambda c: shows(c, w, "Selbstverständlichkeit")


def network_contact(new: Path):
    old = _cell(new, "Netzwerke und Akteure", 2, "Kontakt")
    _cell(new, "Netzwerke und Akteure", 2, "Kontakt", old.replace("vielfalt@", "teilhabe@"))
    return lambda c: shows(c, new="teilhabe")


def meeting_date(new: Path):
    _cell(new, "Beteiligung", 3, "Datum", "16.09.2019")
    return lambda c: now_reads(c, "9. September 2019", "16. September 2019") or now_reads(c, "09.09.2019", "16.09.2019")


def section_text(new: Path):
    old = _cell(new, "Texte", 3, "Text")
    _cell(new, "Texte", 3, "Text", old + " Dafür lädt die Stadt jedes Jahr zu einem Fest der Kulturen ein.")
    return lambda c: shows(c, new="Fest der Kulturen")


def whitespace_only(folder: Path) -> None:
    """Lines of a paragraph rewrapped, double spaces, trailing spaces, CRLF line ends, blank lines."""
    path = folder / KIV_T / "ausblick.md"
    text = _read(path)
    p = body(path, 0)
    words = p.split(" ")
    rewrapped = "\n".join(" ".join(words[k:k + 9]) for k in range(0, len(words), 9))
    text = text.replace(p, rewrapped.replace(" ", "  ", 2) + "   ", 1)
    _write(path, text.replace("\n\n", "\n\n\n"))
    vorwort = folder / KIV_T / "vorwort.md"
    _write(vorwort, _read(vorwort).replace("\n", "\r\n"))


PAIRS = [
    Pair("identical", "kiv"),
    Pair("whitespace", "kiv", whitespace=whitespace_only),
    Pair("text", "kiv", [
        Edit("word replaced", word_replaced), Edit("sentence added", sentence_added),
        Edit("sentence removed", sentence_removed), Edit("paragraph added", paragraph_added),
        Edit("paragraph removed", paragraph_removed), Edit("paragraph split", paragraph_split),
        Edit("paragraphs merged", paragraphs_merged), Edit("footnote changed", footnote_changed),
        Edit("footnote added", footnote_added), Edit("list items reordered", list_reordered),
        Edit("list item added", list_item_added), Edit("word made bold", made_bold),
        Edit("heading renamed", heading_renamed, follows=_contents_follow),
        Edit("heading level changed", heading_level, follows=_contents_follow),
        Edit("sections swapped", sections_swapped, follows=_contents_follow),
        Edit("paragraph moved to another chapter", paragraph_to_other_chapter),
        Edit("number in a table", table_number), Edit("link added", link_added),
    ]),
    Pair("records", "kiv", [
        Edit("quote removed", quote_removed), Edit("quote changed", quote_changed),
        Edit("population changed", population_changed), Edit("e-mail changed", email_changed),
        Edit("reference year changed", reference_year), Edit("subtitle changed", title_changed),
        Edit("running head changed", running_head_changed),
        Edit("chapter renamed", chapter_renamed, follows=_contents_follow),
        Edit("decimal in running text", decimal_in_text), Edit("list item removed", list_item_removed),
        Edit("comma added", comma_added), Edit("signature changed", signature_changed),
        Edit("imprint line changed", imprint_line), Edit("profile field changed", profile_field),
    ]),
    Pair("reordered", "kiv", [
        Edit("chapters reordered", chapters_reordered, follows=_contents_follow),
        Edit("word in a moved chapter", word_in_moved_chapter),
    ]),
    Pair("pictures and data", "hzb", [
        Edit("photo replaced, same file name", photo_replaced), Edit("alt text changed", alt_text_changed),
        Edit("caption changed", caption_changed), Edit("chart value changed", chart_value),
        Edit("chart title changed", chart_title), Edit("key figure changed", key_figure),
        Edit("phone number changed", phone_changed),
        Edit("contact added", contact_added, follows=lambda c: c["kind"] == "added" and c["new"] == "Koordination"),
        Edit("word in a region's text", region_text), Edit("web address changed", web_address),
        Edit("photo removed", photo_removed, follows=lambda c: c["new"] == "Foto folgt"),  # its placeholder
    ]),
]


PAIRS.append(Pair("draft", "draft", [
    Edit("measure reworded", measure_text), Edit("measure's owner changed", measure_owner),
    Edit("measure added", measure_added, follows=lambda c: "noch keine Maßnahmen" in c["old"]  # its placeholder,
         or c["new"].startswith("Maßnahme | Zeithorizont")),  # the new table's header row Edit("population figure changed", population_figure),
    Edit("guideline reworded", guideline_word), Edit("network contact changed", network_contact),
    Edit("meeting date changed", meeting_date), Edit("section text extended", section_text),
]))


def kinds() -> list[str]:
    return [e.name for p in PAIRS for e in p.edits]


# -- building and scoring ------------------------------------------------------------------------
def make_inputs(pair: Pair, root: Path) -> tuple[Path, Path, dict[str, Callable]]:
    old, new = root / "in" / "alt", root / "in" / "neu"
    for folder in (old, new):
        if not folder.exists():
            shutil.copytree(BASES[pair.base], folder)
    tests = {e.name: e.apply(new) for e in pair.edits}
    if pair.whitespace:
        pair.whitespace(new)
    return old, new, tests


def build_pair(pair: Pair, root: Path):
    """OLD and NEW built under ROOT; → (old folder, new folder, tests by edit name)."""
    from pipeline.build import build
    from pipeline.drafts.draft import build_draft
    old, new, tests = make_inputs(pair, root)
    built = []
    for side, src in (("alt", old), ("neu", new)):
        result = (build_draft if pair.base == "draft" else build)(src, root / side)
        assert not result.output_errors, (pair.name, side, result.output_errors)
        built.append(root / side)
    return built[0], built[1], tests


def files(a: Path, b: Path, mode: str) -> tuple[Path, Path]:
    if mode == "folder":
        return a, b
    return next(a.glob(f"*.{mode}")), next(b.glob(f"*.{mode}"))


def changes(a: Path, b: Path, mode: str) -> list[dict]:
    from pipeline.diff.changes import compare
    from pipeline.diff.edition_view import read_pair
    return [asdict(c) for c in compare(*read_pair(*files(a, b, mode))).changes]


@dataclass
class Score:
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    reports: int = 0
    false: list[dict] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.found += other.found
        self.missed += other.missed
        self.reports += other.reports
        self.false += other.false

    @property
    def recall(self) -> float:
        n = len(self.found) + len(self.missed)
        return len(self.found) / n if n else 1.0

    @property
    def false_share(self) -> float:
        return len(self.false) / self.reports if self.reports else 0.0


def score(pair: Pair, tests: dict[str, Callable], found: list[dict], mode: str) -> Score:
    s = Score(reports=len([c for c in found if c["area"] != "pages"]))
    for e in pair.edits:
        if mode not in e.modes:
            continue
        (s.found if any(tests[e.name](c) for c in found) else s.missed).append(e.name)
    for c in found:
        if c["area"] == "pages":
            continue
        if not any(tests[e.name](c) or e.follows(c) for e in pair.edits):
            s.false.append(c)
    return s


def run(root: Path) -> dict[str, Score]:
    totals = {m: Score() for m in MODES}
    for k, pair in enumerate(PAIRS):
        a, b, tests = build_pair(pair, root / f"pair{k}")
        for mode in MODES:
            totals[mode].add(score(pair, tests, changes(a, b, mode), mode))
    return totals


def main() -> None:
    import tempfile
    with tempfile.TemporaryDirectory(prefix="diff-corpus-") as tmp:
        totals = run(Path(tmp))
    print(f"diff corpus: {len(kinds())} kinds of edits in {len(PAIRS)} pairs (2 of them must report nothing)")
    for mode, s in totals.items():
        print(f"  {mode:6}: recall {s.recall:6.1%} ({len(s.found)}/{len(s.found) + len(s.missed)}) | "
              f"false reports {s.false_share:5.1%} ({len(s.false)}/{s.reports})"
              + (f" | missed: {', '.join(s.missed)}" if s.missed else ""))
        for c in s.false[:12]:
            print(f"      false: {c['kind']} {c['item']} @ {c['where'][:50]}: {c['what'][:90]}")


if __name__ == "__main__":
    main()
