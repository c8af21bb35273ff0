"""Typed hyphens survive in every reader (issue 29, 3): poppler, PDFium, pypdf and pdf.js give every
compound ('Main-Kinzig-Kreis') and every suspended compound ('Bildungs- und') with its hyphens,
also where the hyphen ends a line, and no hyphenation hyphen reads as a typed one.

Checked on the reader samples and on a generated corpus: a small edition whose body text and
table cells (narrow and wide columns) hold seeded random compounds."""

from __future__ import annotations

import json
import random
import re

import pytest

from conftest import READER_SAMPLES
from editions import TEXTS, write_edition
from readers import audit, engines

PIECES = ("Haupt", "Rechts", "Main", "Kinzig", "Kreis", "E", "Mail", "Bildungs", "Integrations", "Beauftragte",
          "Migrations", "Beirat", "Sozial", "Jugend", "Hilfe", "Netzwerk", "Stadt", "Teil", "Büro", "Lamboy",
          "Nord", "Projekt", "Leitung", "WIR", "Programm", "Familien", "Zentrum", "Sprach", "Kurs", "Eltern",
          "Begegnungs", "Ehrenamts", "Koordinations", "Stelle", "Arbeits", "Markt", "Kita", "Schul")
WORDS = "und die der mit für im am zum den ein eine das wird bei nach von".split()
CONJUNCTIONS = ("und", "oder", "bis", "sowie", "bzw.")


def compound(rnd: random.Random) -> str:
    return "-".join(rnd.choice(PIECES) for _ in range(rnd.choice((2, 2, 3))))


def phrase(rnd: random.Random) -> str:
    """A compound, or a suspended one: 'Bildungs- und Sozial-Arbeit'."""
    if rnd.random() < 0.25:
        return f"{rnd.choice(PIECES)}- {rnd.choice(CONJUNCTIONS)} {compound(rnd)}"
    return compound(rnd)


def sentence(rnd: random.Random, phrases: int) -> str:
    out = []
    for _ in range(phrases):
        out += [rnd.choice(WORDS) for _ in range(rnd.randint(0, 3))] + [phrase(rnd)]
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def corpus_texts(seed: int = 29) -> dict[str, str]:
    """Body text and pipe tables of compounds: a 6-column table (narrow cells) and a 2-column one."""
    rnd = random.Random(seed)
    body = "\n\n".join(sentence(rnd, 12) for _ in range(8))

    def table(columns: int, rows: int, phrases: int) -> str:
        head = "| " + " | ".join(f"Spalte {i + 1}" for i in range(columns)) + " |"
        rule = "|" + "|".join("---" for _ in range(columns)) + "|"
        lines = ["| " + " | ".join(" ".join(phrase(rnd) for _ in range(phrases)) for _ in range(columns)) + " |"
                 for _ in range(rows)]
        return "\n".join([head, rule, *lines])
    texts = dict(TEXTS)
    texts["text/konzeption.md"] = f"## Fließtext\n\n{body}\n\n## Schmale Spalten\n\n{table(6, 8, 2)}\n\n" \
                                  f"## Breite Spalten\n\n{table(2, 6, 4)}\n"
    return texts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from pipeline.build import build
    folder = write_edition(tmp_path_factory.mktemp("hyphens") / "ed", texts=corpus_texts())
    built = build(folder, folder.parent / "out")
    pdf = next(p for p in built.files if p.suffix == ".pdf")
    return pdf, json.loads((pdf.parent / "content.json").read_text("utf-8"))


def _assert_no_lost_hyphen(name: str, pdf, content: dict, engine: str) -> dict:
    result = audit.audit_text(engines.text(pdf.read_bytes(), engine), content)
    lost = {k: result[k][2] for k in audit.TYPED if result[k][2]}
    assert result["lost_typed_hyphens"] == 0, f"{name}, {engine}: typed hyphens lost: {lost}"
    assert not result["false_hyphens"], f"{name}, {engine}: {result['false_hyphens'][:5]}"
    return result


def test_the_corpus_keeps_every_typed_hyphen(corpus, engine):
    pdf, content = corpus
    result = _assert_no_lost_hyphen("corpus", pdf, content, engine)
    assert result["compound"][1] >= 200 and result["suspended"][1] >= 20, result


def test_the_corpus_breaks_lines_at_typed_hyphens_and_hyphenates(corpus):
    """The corpus puts typed hyphens at line ends (else the test above proves nothing), and a
    suspended compound of body text never ends a line with its hyphen (a narrow table cell may
    need the break)."""
    pdf, _ = corpus
    text = engines.text(pdf.read_bytes(), "pypdf")
    assert len(re.findall(r"\w\u2010[ \t]*\n", text)) >= 20, "too few typed hyphens at line ends"
    assert len(re.findall("\\w\u00ad[ \\t]*\n", text)) >= 20, "too few hyphenated line ends"
    text = text.split("Schmale Spalten")[0]
    conjunctions = "|".join(re.escape(c) for c in CONJUNCTIONS)
    broken = re.findall(rf"\w+[-\u2010\u2011]\s*\n\s*(?:{conjunctions})(?!\w)", text)
    assert not broken, broken[:5]


@pytest.mark.parametrize("name", READER_SAMPLES)
def test_the_samples_keep_every_typed_hyphen(name, reader_samples, engine):
    pdf = reader_samples[name]
    _assert_no_lost_hyphen(name, pdf, json.loads((pdf.parent / "content.json").read_text("utf-8")), engine)


def test_the_audit_counts_every_occurrence():
    """Two occurrences of one compound, one read without its hyphen: one lost, not zero."""
    content = {"document": {"cover": {}, "chapters": [{"text": "Main-Kinzig-Kreis und Main-Kinzig-Kreis"}]}}
    result = audit.audit_text("Main-Kinzig-Kreis und Main\nKinzig-Kreis", content)
    assert result["compound"][:2] == (1, 2) and result["lost_typed_hyphens"] == 1
    assert audit.audit_text("Main\u2010\nKinzig\u2010Kreis und Main-Kinzig-\nKreis", content)["lost_typed_hyphens"] == 0
