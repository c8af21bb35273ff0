"""A comparison as a reviewer reads it: a terminal summary, JSON, or one self-contained HTML page.

All text from the editions is escaped for its target (ANSI styling wraps it, html.escape for
the page); the page loads nothing from elsewhere: no scripts, fonts or images from the network.
"""

from __future__ import annotations

import html
import json

import click

from pipeline.diff.comparison import Change, Comparison

AREAS = (("meta", "Edition"), ("structure", "Chapters and sections"), ("text", "Text"),
         ("records", "Records (rows of the tables)"), ("pages", "Pages"))


def _counts(c: Comparison) -> str:
    parts = [f"{sum(ch.area == a for ch in c.changes)} {a}" for a, _ in AREAS if any(ch.area == a for ch in c.changes)]
    return ", ".join(parts)


def _words_terminal(change: Change) -> str:
    out = []
    for op, text in change.words:
        if op == "equal":
            out.append(text if len(text) <= 60 else f"{text[:25]} … {text[-25:]}")
        elif op == "delete":
            out.append(click.style(f"[-{text}-]", fg="red"))
        elif op == "restyle":
            out.append(click.style(f"[~{text}~]", fg="yellow"))
        else:
            out.append(click.style(f"{{+{text}+}}", fg="green"))
    return "".join(out).replace("\n", " ⏎ ")


def terminal(c: Comparison) -> str:
    """Plain text; click adds colour on a terminal and strips it elsewhere."""
    if not c.changes:
        return f"{c.old} and {c.new}: no differences"
    lines = [click.style(f"{c.old} → {c.new}: {len(c.changes)} changes ({_counts(c)})", bold=True)]
    for area, title in AREAS:
        items = [ch for ch in c.changes if ch.area == area]
        if not items:
            continue
        lines += ["", click.style(title, bold=True, underline=True)]
        for ch in items:
            mark = {"added": "+", "removed": "-", "moved": "↕"}.get(ch.kind, "~")
            if area == "text":
                lines.append(f"  {mark} {ch.where}: {ch.what}" + (f" (page {ch.page})" if ch.page else ""))
                if ch.words:
                    lines.append(f"      {_words_terminal(ch)}")
                else:
                    lines.append(f"      {click.style((ch.old or ch.new)[:200], fg='red' if ch.old else 'green')}")
            elif ch.item in ("picture", "chart") and ch.page and f"page {ch.page}" not in ch.what:
                lines.append(f"  {mark} {ch.what} (page {ch.page})")
            else:
                lines.append(f"  {mark} {ch.what}")
    return "\n".join(lines)


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2)


CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f8}
header{background:#17477e;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px;overflow-wrap:anywhere}
main{display:grid;grid-template-columns:minmax(0,300px) minmax(0,1fr);gap:24px;padding:20px 28px}
nav{position:sticky;top:12px;align-self:start;background:#fff;border:1px solid #dde;padding:12px;font-size:13px;
max-height:90vh;overflow:auto;overflow-wrap:anywhere}nav ol{padding-left:18px;margin:4px 0 10px}
nav h2{font-size:14px;margin:8px 0 2px}nav li{margin-bottom:3px}.page{color:#56616e;white-space:nowrap}
section.area{background:#fff;border:1px solid #dde;padding:8px 18px 14px;margin-bottom:18px;min-width:0}
.change{border-top:1px solid #eee;padding:10px 0}.change h3{font-size:15px;margin:0;display:inline}
.where{font-size:13px;color:#56616e;overflow-wrap:anywhere}
.kind{display:inline-block;font-size:11px;text-transform:uppercase;border-radius:3px;padding:1px 6px;margin-right:6px;
color:#fff;background:#56616e}.added .kind{background:#2d7d46}.removed .kind{background:#c8102e}
.moved .kind,.renamed .kind,.split .kind,.merged .kind{background:#8a5c00}
.sides{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px;margin-top:6px}
.sides div{background:#fafafa;border:1px solid #eee;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;min-width:0}
.sides h4{margin:0 0 4px;font-size:12px;color:#56616e}
del{background:#ffd7d5;color:#82071e;text-decoration:line-through}ins{background:#ccffd8;color:#055d20;
text-decoration:none}mark{background:#fff3b0;color:#1b1f24}.empty{padding:30px;font-size:18px}
"""

# The page is German: the reviewers' language. Labels by (item, kind).
AREAS_DE = {"meta": "Ausgabe", "structure": "Kapitel und Abschnitte", "text": "Text",
            "records": "Datensätze (Kontakte, Zitate, Zahlen, Porträts …)", "pages": "Seiten"}
KINDS_DE = {"added": "neu", "removed": "entfernt", "changed": "geändert", "renamed": "umbenannt",
            "moved": "verschoben", "replaced": "ersetzt", "split": "geteilt", "merged": "zusammengeführt"}
ITEMS_DE = {"chapter": ("Kapitel", "n"), "section": ("Abschnitt", "m"), "paragraph": ("Absatz", "m"),
            "sentence": ("Satz", "m"), "footnote": ("Fußnote", "f"), "field": ("Feld", "n"), "record": ("Eintrag", "m"),
            "meta": ("Angabe", "f"), "pages": ("Seitenzahl", "f"), "formatting": ("Formatierung", "f"),
            "picture": ("Foto", "n"), "chart": ("Diagramm", "n"),
            "running head": ("Kolumnentitel", "m"), "heading level": ("Überschrift-Ebene", "f")}
STYLE_DE = {"+b": "jetzt fett", "-b": "nicht mehr fett", "+i": "jetzt kursiv", "-i": "nicht mehr kursiv"}
PLURAL_DE = {"paragraph": "Absätze", "sentence": "Sätze"}
# The built-in tables; a type's own tables name their rows in template.yaml (`noun:`).
TABLES_DE = {"quotes": "Zitat", "contacts": "Kontakt", "photos": "Foto", "links": "Link",
             "references": "Literaturangabe", "charts": "Diagramm"}
# Edition keys and the columns of the built-in tables and the usual ones of a type's tables (a
# type's blocks name its own columns: Change.column, Change.fields); never shown as the key itself.
META_DE = {"date": "Datum", "title": "Titel", "subtitle": "Untertitel", "author": "Verfasser", "publisher": "Herausgeber",
           "programme": "Programm", "language": "Sprache", "email": "E-Mail", "phone": "Telefon", "fax": "Fax",
           "label": "Bezeichnung", "value": "Wert", "name": "Name", "role": "Funktion", "text": "Text",
           "caption": "Bildunterschrift", "alt_text": "Alternativtext", "speaker": "Person", "group": "Gruppe",
           "url": "Adresse", "web": "Website", "address": "Anschrift", "unit": "Einheit", "source": "Quelle",
           "population": "Einwohnerzahl", "date_text": "Datum (gedruckt)", "cover_list": "Liste auf dem Titelblatt",
           "footer": "Fußzeile",
           "pages": "Seitenumfang", "template": "Broschürentyp", "id": "Kennung", "chapter": "Kapitel",
           "section": "Abschnitt", "organisation": "Organisation", "street": "Straße", "postcode": "PLZ",
           "city": "Ort", "file": "Datei", "credit": "Bildnachweis", "width": "Breite", "kind": "Art",
           "data": "Daten", "note": "Anmerkung", "classes": "Klassen", "reference": "Bezugswert",
           "reference_label": "Bezeichnung des Bezugswerts", "orientation": "Ausrichtung",
           "authors": "Verfasser", "editors": "Herausgeberschaft", "year": "Jahr", "place": "Ort",
           "region": "Region", "as_of": "Stand", "chapter_title": "Kapiteltitel", "project": "Projekt",
           "office": "Stelle", "contact": "Kontakt", "when": "Wann", "what": "Was", "municipality": "Kommune",
           "district": "Landkreis", "mayor": "Bürgermeister", "mayor_title": "Amtsbezeichnung"}
# The built-in tables' choices, as a layout setting reads in German.
CHOICES_DE = {"column": "Spaltenbreite", "full": "ganze Breite", "vertical": "senkrecht", "horizontal": "waagerecht",
              "bar": "Balken", "stacked_bar": "gestapelte Balken", "classes": "Karte mit Klassen"}
# A chart's change (chart_changes.py) by what in it changed.
CHART_DE = {"category added": "Kategorie neu", "category removed": "Kategorie entfernt",
            "category renamed": "Kategorie umbenannt", "series renamed": "Datenreihe umbenannt",
            "series added": "Datenreihe neu", "series removed": "Datenreihe entfernt", "image": "Grafik geändert",
            "alt_text": "Alternativtext geändert", "note": "Quelle oder Anmerkung geändert"}
SOURCES_DE = {"build": "Build-Ordner", "docx": "DOCX", "pdf": "PDF"}
NAV = 110  # characters of a sidebar entry (chapter, section and the places of a move)
CONTEXT = 240  # characters of unchanged text shown around a change before it is shortened


def column_de(name: str) -> str:
    """A column or edition key in German; an unknown one without its underscores."""
    return META_DE.get(name, name.replace("_", " "))


def label_de(ch: Change) -> str:
    """'Absatz geändert', 'Fußnote neu', 'Zitat entfernt' …"""
    if ch.sheet and ch.item == "field":  # a draft's cell, by its column heading in the workbook
        noun = f"Spalte „{ch.column}“" if ch.subject else f"Angabe „{ch.column}“"
    elif ch.sheet:
        noun = "Zeile"
    elif ch.item == "record":
        noun = ch.noun or TABLES_DE.get(ch.name, "Eintrag")  # never the table's id
    elif ch.item in ("field", "meta"):  # the field first: the label after it may be long
        noun = f"{ITEMS_DE[ch.item][0]} „{ch.column or column_de(ch.name)}“"
    elif ch.kind == "merged" and ch.item in PLURAL_DE:
        return f"{PLURAL_DE[ch.item]} zusammengeführt"
    else:
        noun = ITEMS_DE.get(ch.item, ("Änderung", "f"))[0]
    if ch.area == "text" and ch.kind in ("added", "removed") and ch.what[:1].isdigit() and ch.item in PLURAL_DE:
        noun = f"{ch.what.split()[0]} {PLURAL_DE[ch.item]}"
    return f"{noun} {KINDS_DE.get(ch.kind, ch.kind)}"


def subject_de(ch: Change) -> str:
    """What the change is about, in the edition's own words."""
    if ch.sheet:  # as the town knows it: sheet, row and the row's own words
        place = f"Blatt „{ch.sheet}“, Zeile {ch.row}" if ch.row else f"Blatt „{ch.sheet}“"
        return f"{place}: „{ch.subject}“" if ch.subject else place
    if ch.item == "chart":
        return _chart_de(ch)
    if ch.item == "heading level":  # '## X' now '### X'
        return f"{ch.where.rpartition(' > ')[2]} (Ebene {ch.old} → {ch.new})"
    if ch.item == "running head":
        return f"{ch.where} („{ch.old}“ → „{ch.new}“)"
    if ch.area == "structure":
        if ch.kind == "moved" and ch.old.isdigit():  # a chapter or section in another place of its list
            return f"{_last(ch)} ({_places_de(ch)})"
        if ch.kind in ("renamed",) or (ch.kind == "moved" and ch.old and ch.new):
            return f"{ch.old} → {ch.new}"
        return ch.where.rpartition(" > ")[2] if ch.item == "section" else ch.where
    if ch.item == "meta":
        return f"{ch.old} → {ch.new}"
    if ch.item == "record" and _value(ch):  # a key figure is its value
        return f"{ch.where}: {_value(ch)}"
    if ch.area == "pages":
        return f"{ch.where}: {ch.old} → {ch.new} Seiten" if ch.where else f"{ch.old} → {ch.new} Seiten"
    if ch.area == "text" and ch.kind == "moved" and ch.origin:  # from another section or chapter
        return f"{ch.where} (vorher: {ch.origin})"
    if ch.item == "formatting":
        restyled = [t for op, t in ch.words if op == "restyle"]
        said = [f"„{_short(t, 40)}“ " + ", ".join(STYLE_DE[c[k:k + 2]] for k in range(0, len(c), 2))
                for t, c in zip(restyled, ch.name.split())]
        return f"{ch.where} ({'; '.join(said)})"
    return ch.where


def _chart_de(ch: Change) -> str:
    """„Titel“ — 18 bis unter 30 Jahre, mit Migrationshintergrund: 38 → 40"""
    if ch.name == "title":
        return f"„{ch.old}“ → „{ch.new}“"
    if ch.name == "value":
        return f"„{ch.subject}“ — {ch.column}: {ch.old} → {ch.new}"
    if ch.name in CHART_DE and ch.name != "image":
        detail = f"{ch.old} → {ch.new}" if ch.old and ch.new else ch.old or ch.new
        return f"„{ch.subject}“ — {CHART_DE[ch.name]}: {detail}"
    return f"„{ch.subject}“" + (f" — {CHART_DE[ch.name]}" if ch.name in CHART_DE else "")


def _last(ch: Change) -> str:
    return ch.where.rpartition(" > ")[2]


def _places_de(ch: Change) -> str:
    """Where a moved chapter or section stood and stands: „von Stelle 3 nach 5, jetzt nach „X““."""
    after = f"jetzt nach „{ch.name}“" if ch.name else "jetzt an erster Stelle"
    return f"von Stelle {ch.old} nach {ch.new}, {after}"


def _value(ch: Change) -> str:
    """An added or removed record's value with its unit (a key figure's), when it has one."""
    got = dict(ch.fields)
    return " ".join(x for x in (got.get("value", ""), got.get("unit", "")) if x)


def short_titles(titles: list[str], limit: int = 30) -> dict[str, str]:
    """Each chapter title as short as the sidebar needs it: without the words it opens with like
    another title („Modellregion Integration Stadt A“ → „A“ next to „… Stadt B“),
    cut after a whole word. Six regions have sections of the same names: the chapter tells them apart."""
    split = [t.split() for t in titles]
    out = {}
    for title, words in zip(titles, split):
        common = max((_common(words, other) for other in split if other is not words), default=0)
        rest = words[common:]
        keep = rest if common and (rest[0][:1].isupper() or rest[0][:1].isdigit()) else words
        out[title] = _short(" ".join(keep), limit)
    return out


def _common(a: list[str], b: list[str]) -> int:
    """Leading words A and B share, leaving each at least one of its own."""
    n = 0
    while n < min(len(a), len(b)) - 1 and a[n] == b[n]:
        n += 1
    return n


def chapter_of(ch: Change, titles) -> tuple[str, str]:
    """(the chapter a change stands in, the rest of its `where`: section path or record name):
    the longest of TITLES its `where` begins with."""
    for title in sorted(titles, key=len, reverse=True):
        if ch.where == title:
            return title, ""
        if ch.where.startswith((f"{title} > ", f"{title} / ")):
            return title, ch.where[len(title) + 3:]
    if ch.area in ("text", "structure"):
        head, _, rest = ch.where.partition(" > ")
        return head, rest
    return "", ch.where


def nav_subject_de(ch: Change, shorts: dict[str, str] | None = None) -> str:
    """The subject as short as the contents needs it: the chapter in short and the section or
    record („A · Ausgangslage“), not the whole path."""
    shorts = shorts or {}
    if ch.item == "chart" and ch.name == "value":  # the values first: a chart's title is long
        return f"{ch.column}: {ch.old} → {ch.new} („{ch.subject}“)"
    if ch.sheet or ch.area in ("meta", "pages"):
        return subject_de(ch)
    chapter, rest = chapter_of(ch, shorts)
    short = shorts.get(chapter, chapter)
    if ch.area == "structure" and ch.kind == "moved" and ch.old.isdigit():
        return " · ".join(x for x in (short, _last(ch) if rest else "") if x) + f" (Stelle {ch.old} → {ch.new})"
    if ch.area == "structure" and ch.kind == "moved" and ch.old and ch.new:
        return f"{ch.new.rpartition(' > ')[2]} (nach {shorts.get(ch.new.partition(' > ')[0], chapter)})"
    if ch.item in ("chapter", "running head"):  # the chapter is the subject: in full
        return subject_de(ch)
    if ch.area == "text":
        return " · ".join(x for x in (short, rest.rpartition(" > ")[2]) if x)
    if ch.area == "structure":
        return " · ".join(x for x in (short, subject_de(ch)) if x)
    subject = f"{rest}: {_value(ch)}" if ch.item == "record" and _value(ch) else rest
    return " · ".join(x for x in (short, subject) if x)


def _short(text: str, limit: int = 90) -> str:
    """Cut at a word, never inside one."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]) + " …"


def _context(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Long unchanged text around the changes shortened to the sentences next to them."""
    out = []
    for n, (op, text) in enumerate(words):
        if op != "equal" or len(text) <= CONTEXT:
            out.append((op, text))
            continue
        first, last = n == 0, n == len(words) - 1
        head = "" if first else _sentence_head(text)
        tail = "" if last else _sentence_tail(text)
        out.append((op, head + " … " + tail if head or tail else text))
    if out and out[0][0] == "equal":
        out[0] = ("equal", out[0][1].lstrip(" "))
    if out and out[-1][0] == "equal":
        out[-1] = ("equal", out[-1][1].rstrip(" "))
    return out


def _sentence_head(text: str) -> str:
    """The start of TEXT up to its first sentence end (at most CONTEXT characters)."""
    end = next((m for m in (text.find(". "), text.find("\n")) if 0 <= m < CONTEXT), -1)
    return text[:end + 1] if end >= 0 else _short(text, CONTEXT // 2).removesuffix(" …")


def _sentence_tail(text: str) -> str:
    """The end of TEXT from its last sentence start (at most CONTEXT characters)."""
    window = text[-CONTEXT:]
    start = max(window.rfind(". "), window.rfind("\n"))
    if start >= 0:
        return window[start + 1:].lstrip()
    cut = window[CONTEXT // 2:] if len(window) > CONTEXT // 2 else window
    return cut.split(" ", 1)[-1]


def _side(change: Change, keep: str) -> str:
    """One side of a word diff: the old text with deletions marked, or the new with insertions."""
    parts = []
    codes = iter(change.name.split()) if change.item == "formatting" else iter(())
    for op, text in _context(change.words):
        if op == "equal":
            parts.append(html.escape(text))
        elif op == "restyle":  # the words in the formatting of this side
            code = next(codes, "")
            shown = html.escape(text)
            for style in ("b", "i"):
                if f"{'+' if keep == 'insert' else '-'}{style}" in code:
                    shown = f"<{style}>{shown}</{style}>"
            parts.append(f"<mark>{shown}</mark>")
        elif op == keep:
            tag = "del" if op == "delete" else "ins"
            shown = "¶" + text if not text.strip() and "\n" in text else text  # a paragraph break
            parts.append(f"<{tag}>{html.escape(shown)}</{tag}>")
    return "".join(parts)


def _page(ch: Change) -> str:
    return f' <span class="page">S. {ch.page}</span>' if ch.page else ""


def _sides(text: str, kind: str) -> str:
    """Added text on the right, removed text on the left."""
    shown = html.escape(text)
    old, new = (f"<del>{shown}</del>", "") if kind == "removed" else ("", f"<ins>{shown}</ins>")
    return f'<div class="sides"><div><h4>Vorher</h4>{old}</div><div><h4>Nachher</h4>{new}</div></div>'


def _change_html(n: int, ch: Change) -> str:
    head = (f'<div class="change {ch.kind}" id="c{n}"><span class="kind">{html.escape(KINDS_DE.get(ch.kind, ch.kind))}'
            f'</span><h3>{html.escape(label_de(ch))}: {html.escape(subject_de(ch))}</h3>{_page(ch)}')
    where = f'<div class="where">{html.escape(ch.where)}</div>' if ch.where and (ch.area == "text" or ch.item == "chart") \
        else ""
    return head + where + _body(ch) + "</div>"


def _body(ch: Change) -> str:
    """What the reviewer reads under a change's heading: the two sides, or nothing more to say."""
    if ch.words:
        return _pair("Vorher", _side(ch, "delete") or EMPTY, "Nachher", _side(ch, "insert") or EMPTY)
    if ch.fields and ch.kind in ("added", "removed"):  # the record as printed, each field named
        return _sides("\n".join(f"{column_de(k)}: {CHOICES_DE.get(v, v)}" for k, v in ch.fields), ch.kind)
    if ch.sheet and ch.kind in ("added", "removed"):  # the row as typed: what is new, what went
        return _sides(ch.old or ch.new, "removed" if ch.old else "added")
    if ch.area not in ("text", "structure") or not (ch.old or ch.new) or ch.kind not in ("added", "removed", "moved"):
        return ""
    if ch.kind != "moved":
        return _sides(ch.old or ch.new, "removed" if ch.old else "added")
    if ch.area == "text":  # the same text, at its old and its new place
        return _pair("Vorher (alte Stelle)", html.escape(ch.old or ch.new), "Nachher (neue Stelle)",
                     html.escape(ch.new or ch.old))
    if ch.old.isdigit():  # a place in its list: the heading says it
        return ""
    return _pair("Vorher", html.escape(ch.old), "Nachher", html.escape(ch.new))  # a section in another chapter


EMPTY = '<span class="page">(leer)</span>'  # a field filled or emptied: not an empty box


def _pair(left_title: str, left: str, right_title: str, right: str) -> str:
    return (f'<div class="sides"><div><h4>{left_title}</h4>{left}</div>'
            f'<div><h4>{right_title}</h4>{right}</div></div>')


def to_html(c: Comparison, names: tuple[str, str] | None = None) -> str:
    """The German report; NAMES are how the reader knows the two sides („Version 1 vom …“),
    instead of the editions' folder names and what was compared (the portal's versions)."""
    title = f"Änderungen: {names[0]} → {names[1]}" if names else f"Änderungen: {c.old} → {c.new}"
    numbered = list(enumerate(c.changes, start=1))
    shorts = short_titles(c.chapters or list(dict.fromkeys(chapter_of(ch, ())[0] for ch in c.changes)))
    nav, areas = [], []
    for area, _ in AREAS:
        items = [(n, ch) for n, ch in numbered if ch.area == area]
        if not items:
            continue
        label = AREAS_DE[area]
        if area == "records" and all(ch.sheet for _, ch in items):
            label = "Einträge der Arbeitsmappe"
        nav.append(f'<h2><a href="#{area}">{html.escape(label)}</a> ({len(items)})</h2><ol>' + "".join(
            f'<li><a href="#c{n}">{html.escape(_short(f"{label_de(ch)}: {nav_subject_de(ch, shorts)}", NAV))}</a>{_page(ch)}</li>'
            for n, ch in items) + "</ol>")
        areas.append(f'<section class="area" id="{area}"><h2>{html.escape(label)}</h2>'
                     + "".join(_change_html(n, ch) for n, ch in items) + "</section>")
    body = "".join(areas) or '<p class="empty">Keine Unterschiede.</p>'
    facts = [f"{len(c.changes)} Änderung{'en' if len(c.changes) != 1 else ''}"]
    if all(c.pages):
        facts.append(f"{c.pages[0]} → {c.pages[1]} Seiten")
    if not names:
        facts.append("verglichen: " + " / ".join(SOURCES_DE.get(s, s) for s in c.sources))
    return (f'<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{html.escape(title)}</h1><div>{html.escape(' · '.join(facts))}</div></header>"
            f'<main><nav aria-label="Änderungen">{"".join(nav) or "–"}</nav><div>{body}</div></main>'
            f"</body></html>\n")
