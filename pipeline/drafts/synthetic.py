"""Synthetic municipalities for the benchmark and the batch tests: varied sizes, umlauts, long
texts and empty sections, from a seeded generator (same seed, same towns)."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.drafts.scaffold import init_draft
from pipeline.drafts.workbook_fill import fill_workbook
from pipeline.drafts.workbook_layout import Layout

WORDS = ("Teilhabe Vielfalt Integration Begegnung Stadtgesellschaft Quartier Sprachförderung Ehrenamt "
         "Übergänge Schulsozialarbeit Willkommenskultur Beratung Netzwerk Öffentlichkeit Jugendförderung "
         "Gemeinwesen Familienzentrum Arbeitsmarkt Wohnungsmarkt Gesundheitsförderung Mehrsprachigkeit "
         "Verwaltung Bürgerbeteiligung Kulturarbeit Sportvereine Nachbarschaft Älterwerden Gleichstellung").split()
PLACES = ("Ober-Ähringen", "Großöhlbach", "Süßenfeld", "Neu-Übach", "Bad Hünstein", "Weißenrode", "Kleinsteinau")
FIELDS = ("Sprache und Bildung", "Arbeit und Wirtschaft", "Wohnen und Quartier", "Gesundheit und Pflege",
          "Kultur, Sport und Freizeit", "Interkulturelle Öffnung der Verwaltung", "Teilhabe und Engagement",
          "Kinder, Jugend und Familie", "Interreligiöser Dialog", "Antidiskriminierung")
# Sections whose text the synthetic towns write (by content kind, as template.yaml `sections:` has it).
TEXT_CONTENTS = ("foreword", "text", "population", "participation", "evaluation")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int, long: bool) -> str:
    return "\n\n".join(" ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 9 if long else 5)))
                       for _ in range(count))


def town_data(n: int, rng: random.Random, text_sections: list[str]) -> dict:
    """One town's entries by sheet role (ROLES); roughly one in five leaves some sections empty."""
    name = f"{rng.choice(PLACES)} {n}"
    sparse = rng.random() < 0.2
    fields = rng.sample(FIELDS, rng.randint(1, 3) if sparse else rng.randint(3, 9))
    long = rng.random() < 0.3
    data: dict = {
        "master": {"municipality": name, "kind": rng.choice(["Stadt", "Gemeinde"]), "district": "Kreis Beispiel",
                       "population": rng.randint(4000, 180000), "office": "Fachdienst Integration",
                       "contact": "Jördis Müßig-Öztürk", "email": f"integration{n}@beispiel.de",
                       "phone": "06123 - 45 67 89", "mayor": "Björn Weiß", "mayor_title": "Bürgermeister",
                       "as_of": "30.11.2026"},
        "fields": [{"number": i, "title": f, "type": rng.choice(["strukturell", "thematisch"]),
                             "scope": rng.choice(["stadtweit", "verwaltungsintern"]),
                             "text": _paragraphs(rng, 1, long)} for i, f in enumerate(fields, start=1)],
        "measures": [{"field": i, "text": _sentence(rng, rng.randint(4, 12)),
                        "horizon": rng.choice(["kurzfristig", "mittelfristig", "langfristig"]),
                        "responsible": rng.choice(["Integrationsbüro", "Volkshochschule", "Jugendamt", "Bauamt"]),
                        "indicator": _sentence(rng, 5)}
                       for i in range(1, len(fields) + 1) for _ in range(rng.randint(0 if sparse else 1, 6))],
        "goals": [] if sparse else [{"field": i, "level": lvl, "text": _sentence(rng, 10), "indicator": _sentence(rng, 6)}
                                    for i in range(1, len(fields) + 1)
                                    for lvl in ("strategisches Ziel", "operatives Ziel")],
        "principles": [{"kind": "Vision", "title": "", "text": _sentence(rng, 20)}] +
                      [{"kind": "Leitlinie", "title": rng.choice(WORDS), "text": _sentence(rng, 16)}
                       for _ in range(rng.randint(2, 7))],
        "population": [] if sparse else [
            {"group": "Altersgruppe", "label": g, "value": round(rng.uniform(5, 30), 1), "unit": "%",
             "as_of": "31.12.2025", "source": "Beispielwerte (illustrativ)"}
            for g in ("unter 18 Jahre", "18 bis 64 Jahre", "65 Jahre und älter")],
        "participation": [{"date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025",
                         "format": rng.choice(["Workshop", "Bürgerforum", "Online-Umfrage"]),
                         "place": "Rathaus", "participants": f"ca. {rng.randint(10, 200)}",
                         "results": _sentence(rng, 12)} for _ in range(rng.randint(0, 5))],
        "networks": [{"name": f"Netzwerk {w}", "kind": "Netzwerk", "role": _sentence(rng, 8), "contact": ""}
                      for w in rng.sample(WORDS, rng.randint(0, 5))],
        "evaluation": [] if sparse else [{"kind": "Monitoring", "subject": _sentence(rng, 6),
                                          "method": _sentence(rng, 8), "interval": "jährlich",
                                          "responsible": "Integrationsbüro"}],
        "texts": {sid: _paragraphs(rng, rng.randint(1, 4), long)
                  for sid in text_sections
                  if not (sparse and rng.random() < 0.5)},
    }
    return data


def make_towns(root: Path, layout: Layout, count: int, seed: int = 5) -> list[Path]:
    rng = random.Random(seed)
    folders = []
    for n in range(1, count + 1):
        by_role = town_data(n, rng, [s.id for s in layout.sections if s.content in TEXT_CONTENTS])
        data = {layout.key(role): entries for role, entries in by_role.items() if layout.key(role)}
        folder = root / f"kommune-{n:04d}"
        fill_workbook(init_draft(by_role["master"]["municipality"], folder, layout), layout, data)
        folders.append(folder)
    return folders
