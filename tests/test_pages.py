"""The page-level checker (tests/pages.py) on every page of every built sample, and on a small
PDF made to hold one fault of each kind, so the checker is seen to find them."""

from __future__ import annotations

import pytest
import typst

from conftest import ROOT
from pages import KINDS, faults
from pipeline.drafts.workbook_layout import draft_template

SAMPLES = sorted([p.parent.name for p in (ROOT / "inputs").glob("*/edition.yaml")]
                 + [p.parent.relative_to(ROOT / "inputs").as_posix()
                    for p in (ROOT / "inputs").rglob(draft_template()[1].file)])
_found: dict[str, list] = {}


def _faults(samples, name: str) -> list:
    if name not in _found:
        _found[name] = faults(samples.file(name, ".pdf"), samples.out(name) / "content.json")
    return _found[name]


def test_the_samples_are_found():
    assert len(SAMPLES) >= 8


@pytest.mark.parametrize("kind", KINDS)
def test_no_page_of_a_sample_has_a_fault(samples, kind):
    found = [str(f) for name in SAMPLES for f in _faults(samples, name) if f.kind == kind]
    assert not found, "\n".join(found)


FAULTY = """
#set document(title: "Seitenfehler")
#set text(lang: "de", size: 11pt)
#set page(width: 150mm, height: 120mm, margin: (top: 20mm, bottom: 20mm, inside: 20mm, outside: 20mm),
  header: context [Kopf #counter(page).display()], footer: context counter(page).display())
= Kapitel
#table(columns: (20mm, 1fr), [#box("Integrationsbeauftragte@beispiel-stadt.de")], [b])
#box(width: 150mm)[links #h(1fr) rechts]
#v(1fr)
Ein Absatz.
== Allein am Fuß
#pagebreak()
Der Text des Abschnitts.
#pagebreak()
#pagebreak()
= Zweites Kapitel
Eine Zeile.

Noch eine Zeile.
#pagebreak()
#v(62mm)
#table(columns: 2, table.header([Kopf A], [Kopf B]), ..range(6).map(i => ([Zeile #i], [x])).flatten())
"""
PAGE = {"width_mm": 150, "height_mm": 120, "top_mm": 20, "bottom_mm": 20, "inside_mm": 20, "outside_mm": 20}


def test_the_checker_finds_each_kind_of_fault_where_it_is(tmp_path):
    (tmp_path / "faulty.typ").write_text(FAULTY, encoding="utf-8")
    pdf = tmp_path / "faulty.pdf"
    pdf.write_bytes(typst.compile(str(tmp_path / "faulty.typ"), pdf_standards=["ua-1"]))
    found = {(f.kind, f.page) for f in faults(pdf, {"meta": {"page": PAGE}})}
    assert found == {("outside-cell", 1), ("outside-type-area", 1), ("stranded-heading", 1),
                     ("furniture-on-blank-page", 3), ("single-row", 5)}
    assert {kind for kind, _ in found} == set(KINDS)
