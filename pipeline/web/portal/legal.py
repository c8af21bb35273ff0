"""The portal's legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit
after BITV 2.0 § 7) and its help page, filled in by the ministry from ONE file in the data
folder: DIR/rechtliches.toml.

Every key has a German default (DEFAULTS, also what `brochure portal legal-file` writes). The
file overrides keys; a key it does not know, a value of the wrong type, an e-mail address
without @ or an address that is not http(s) is an error when `serve` starts (LegalError), so a
typo never silently shows the default. Values are plain text: the pages print them through
Jinja's autoescaping, line breaks kept by CSS, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

FILE = "rechtliches.toml"
PLACEHOLDER = "["  # a default still to be filled in starts with '[' (shown as such, listed at start)

DEFAULTS = '''\
# Die Angaben der Rechtsseiten des Strategie-Portals (Impressum, Datenschutz,
# Barrierefreiheit, Hilfe). Werte in eckigen Klammern sind noch auszufüllen.
# Mehrzeilige Werte in dreifachen Anführungszeichen: """Zeile 1
# Zeile 2""". Nach einer Änderung `brochure serve` neu starten.

[betreiber]
name = "[Name des Ministeriums]"
anschrift = """[Straße und Hausnummer]
[PLZ Ort]"""
telefon = "[Telefonnummer]"
email = "[poststelle@ministerium.example]"
vertreten_durch = "[Die Ministerin / Der Minister, vertreten durch die Leitung der Abteilung …]"

[impressum]
verantwortlich = "[Name, Anschrift der oder des inhaltlich Verantwortlichen nach § 18 Abs. 2 MStV]"
umsatzsteuer_id = ""
zusatz = ""

[datenschutz]
beauftragte = """[Die oder der behördliche Datenschutzbeauftragte
Anschrift, E-Mail]"""
aufsichtsbehoerde = """[Die zuständige Datenschutz-Aufsichtsbehörde des Landes
Anschrift, Website]"""
speicherdauer = "[Hochgeladene Arbeitsmappen, Entwürfe und ihre Versionen werden gespeichert, bis … Die Protokolle des Servers werden nach … Tagen gelöscht.]"
zusatz = ""

[barrierefreiheit]
stand = 2026-12-07
methode = "Selbstbewertung"
# vollständig | teilweise | nicht (vereinbar mit BITV 2.0)
vereinbarkeit = "vollständig"
nicht_barrierefrei = []
begruendung = ""
kontakt = """[Stelle für Rückmeldungen zur Barrierefreiheit
Anschrift]"""
kontakt_email = "[barrierefreiheit@ministerium.example]"
kontakt_telefon = ""
schlichtungsstelle = """Schlichtungsstelle nach § 16 BGG
bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen
Mauerstraße 53
10117 Berlin"""
schlichtungsstelle_email = "info@schlichtungsstelle-bgg.de"
schlichtungsstelle_website = "https://www.schlichtungsstelle-bgg.de"

[hilfe]
stelle = "[Referat …, Ansprechpartnerin oder Ansprechpartner]"
email = "[strategie@ministerium.example]"
telefon = "[Telefonnummer]"
erreichbar = "[Montag bis Freitag, 9 bis 15 Uhr]"
zusatz = ""
'''

VEREINBARKEIT = ("vollständig", "teilweise", "nicht")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s\"'<>]+$")


class LegalError(ValueError):
    """What is wrong in DIR/rechtliches.toml, every problem in one message."""


def _defaults() -> dict:
    return tomllib.loads(DEFAULTS)


def _kind(key: str, default) -> str:
    if isinstance(default, list):
        return "list"
    if isinstance(default, dt.date):
        return "date"
    if key.endswith("email"):
        return "email"
    if key.endswith("website"):
        return "url"
    return "text"


def _check(key: str, kind: str, value) -> str | None:
    """None when VALUE fits KIND, else what is wrong (in English, for the operator)."""
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of texts, e.g. [\"PDF-Vorschau der Seiten\"]"
        return None
    if kind == "date":
        return None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else \
            "must be a date written as 2026-12-07 (no quotes)"
    if not isinstance(value, str):
        return "must be a text in quotes"
    if value and not value.startswith(PLACEHOLDER):
        if kind == "email" and not EMAIL.match(value.strip()):
            return f"{value!r} is not an e-mail address"
        if kind == "url" and not URL.match(value.strip()):
            return f"{value!r} must start with https:// or http://"
    return None


def load(folder: Path) -> dict:
    """The legal texts: DEFAULTS with DIR/rechtliches.toml laid over them, checked."""
    texts = _defaults()
    path = Path(folder) / FILE
    if not path.is_file():
        return texts
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LegalError(f"{path}: cannot be read as TOML (UTF-8): {exc}") from None
    problems = []
    for section, values in given.items():
        if section not in texts:
            problems.append(f"[{section}] is not a known section (known: {', '.join(texts)})")
            continue
        if not isinstance(values, dict):
            problems.append(f"{section} must be a section [{section}] with keys")
            continue
        for key, value in values.items():
            if key not in texts[section]:
                problems.append(f"[{section}] {key} is not a known key (known: {', '.join(texts[section])})")
                continue
            wrong = _check(key, _kind(key, texts[section][key]), value)
            if wrong:
                problems.append(f"[{section}] {key} {wrong}")
            else:
                texts[section][key] = value.strip() if isinstance(value, str) else value
    if problems:
        raise LegalError(f"{path}:\n  " + "\n  ".join(problems))
    return texts


def unfilled(texts: dict) -> list[str]:
    """The keys still holding a '[…]' default: named when `serve` starts."""
    return [f"{section}.{key}" for section, values in texts.items() for key, value in values.items()
            if isinstance(value, str) and value.startswith(PLACEHOLDER)]


def write_template(folder: Path) -> Path:
    """DIR/rechtliches.toml with the defaults, to fill in (never over an existing file)."""
    path = Path(folder) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(DEFAULTS)
    return path


PAGES = {  # route → template and title; linked in this order from every page's footer
    "/impressum": ("impressum.html", "Impressum"),
    "/datenschutz": ("datenschutz.html", "Datenschutzerklärung"),
    "/barrierefreiheit": ("barrierefreiheit.html", "Erklärung zur Barrierefreiheit"),
    "/hilfe": ("hilfe.html", "Hilfe und Kontakt"),
}
FOOTER_LINKS = [("/impressum", "Impressum"), ("/datenschutz", "Datenschutz"),
                ("/barrierefreiheit", "Barrierefreiheit"), ("/hilfe", "Hilfe und Kontakt")]


def footer_html() -> str:
    """The footer's links for pages not made from base.html (the comparison report)."""
    links = " ".join(f'<a href="{href}">{label}</a>' for href, label in FOOTER_LINKS)
    return f'<footer class="portal-footer" lang="de"><nav aria-label="Rechtliches und Hilfe">{links}</nav></footer>'
