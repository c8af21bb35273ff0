"""Block drawers: a type restyles one block by overriding its entry in blocks.typ's `drawers`
dictionary, nested blocks use the same dictionary, an unknown block type is a clear finding;
docs/typst-data.md is what the tool generates from tree.py now."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from pipeline.build import load
from pipeline.errors import InputError
from pipeline.render.pdf import render_pdf
from pipeline.tree import Box, Card, Cards, Field, Paragraph, Run, chapter_blocks
from pipeline.verify.read_back import chapter_spans, read_pdf

ROOT = Path(__file__).resolve().parent.parent
TYPE = "kiv-handbuch"  # the shipped type with a cards overview
EDITION = ROOT / "inputs" / "kiv-handbuch-2020"

spec = importlib.util.spec_from_file_location("make_typst_data_reference",
                                              ROOT / "tools" / "make_typst_data_reference.py")
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)

# The override a type would write at the top of its brochure.typ (joined after blocks.typ).
KARTE = """\
#let drawers = drawers + (cards: (b, ctx) => for c in b.cards { par[KARTE: #c.title] })
#let chapter-body = chapter-body.with(drawers: drawers)
"""
WITHOUT_CARDS = """\
#let drawers = { let d = drawers; let _ = d.remove("cards"); d }
#let chapter-body = chapter-body.with(drawers: drawers)
"""


def typst_files(tmp: Path, prelude: str) -> list[Path]:
    """The type's Typst files copied to tmp, its brochure.typ starting with `prelude`."""
    for name in (TYPE, "common"):
        shutil.copytree(ROOT / "templates" / name, tmp / "templates" / name)
    own = tmp / "templates" / TYPE
    (own / "brochure.typ").write_text(prelude + (own / "brochure.typ").read_text(encoding="utf-8"), encoding="utf-8")
    original = [ROOT / "templates" / TYPE / p for p in ("theme.typ", "../common/blocks.typ", "brochure.typ")]
    return [own / p.relative_to(ROOT / "templates" / TYPE) for p in original]


@pytest.fixture(scope="module")
def loaded_with_nested_cards():
    """The handbook with a box holding a card added to the chapter with the cards overview."""
    loaded = load(EDITION)
    doc = loaded.document
    host = next(c for c in doc.chapters if any(isinstance(b, Cards) for b in chapter_blocks(c)))
    host.blocks.append(Box(title="Kasten mit Karte", blocks=[
        Paragraph([Run("Ein Absatz im Kasten.")]),
        Cards([Card("Verschachtelte Karte", [Field("Ort", "Musterstadt")])], columns=1)]))
    return loaded


def cards_of(doc) -> list[Card]:
    return [c for ch in doc.chapters for b in chapter_blocks(ch) if isinstance(b, Cards) for c in b.cards]


def test_one_overridden_drawer_draws_every_card_and_nothing_else(tmp_path, loaded_with_nested_cards):
    doc, folder = loaded_with_nested_cards.document, loaded_with_nested_cards.edition.folder
    shipped = read_pdf(render_pdf(doc, loaded_with_nested_cards.edition.template.typst, folder))
    restyled = read_pdf(render_pdf(doc, typst_files(tmp_path, KARTE), folder))

    cards = cards_of(doc)
    assert len(cards) > 2 and "Verschachtelte Karte" in [c.title for c in cards]
    assert "KARTE:" not in shipped.text
    drawn = re.findall(r"KARTE: ([^\n]+)", "\n".join(restyled.raw_pages))
    assert [t.strip() for t in drawn] == [c.title for c in cards]  # nested card included, in order
    # the shipped drawer's field labels are gone from the restyled cards; the box around the nested one stays
    assert "Musterstadt" in shipped.text and "Musterstadt" not in restyled.text
    assert "Ein Absatz im Kasten." in restyled.text

    # every chapter without cards reads the same (page numbers aside: the overview got shorter)
    ids = [c.id for c in doc.chapters]
    spans = {s["id"]: s for s in chapter_spans(shipped, ids)}, {s["id"]: s for s in chapter_spans(restyled, ids)}
    compared = 0
    for ch in doc.chapters:
        if any(isinstance(b, Cards) for b in chapter_blocks(ch)):
            continue
        texts = [[re.sub(r"\d+", "#", t) for t in pdf.page_texts[s[ch.id]["start"] - 1:s[ch.id]["end"]]]
                 for pdf, s in zip((shipped, restyled), spans)]
        assert texts[0] == texts[1], ch.id
        compared += 1
    assert compared >= len(doc.chapters) - 2


def test_a_block_type_without_a_drawer_is_a_typeset_error_naming_it(tmp_path, loaded_with_nested_cards):
    doc, folder = loaded_with_nested_cards.document, loaded_with_nested_cards.edition.folder
    with pytest.raises(InputError) as caught:
        render_pdf(doc, typst_files(tmp_path, WITHOUT_CARDS), folder)
    finding = caught.value.findings[0]
    assert finding.code == "E-TYPESET"
    assert "no drawer for block type 'cards'" in finding.message
    known = re.search(r"this template draws: ([a-z, ]+)", finding.message).group(1).split(", ")
    assert "cards" not in known and {"paragraph", "box", "profile"} <= set(known)


def test_every_block_type_in_the_tree_has_exactly_one_drawer():
    types = [reference.block_type(c) for c in reference.block_classes()]
    drawers = reference.drawers()
    assert len(types) == len(set(types)) > 10
    assert sorted(drawers) == sorted(types)


def test_the_data_reference_is_what_the_tool_generates_now():
    committed = (ROOT / "docs" / "typst-data.md").read_text(encoding="utf-8")
    assert committed == reference.generate(), "docs/typst-data.md is stale: run tools/make_typst_data_reference.py"
    for cls in reference.block_classes():
        assert f"### {reference.block_type(cls)}\n" in committed


def test_the_override_in_docs_templates_md_builds(tmp_path, loaded_with_nested_cards):
    guide = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    example = re.search(r"## Restyling one block\n.*?```typ\n(.*?)```", guide, re.S).group(1)
    doc, folder = loaded_with_nested_cards.document, loaded_with_nested_cards.edition.folder
    restyled = read_pdf(render_pdf(doc, typst_files(tmp_path, example), folder))
    lines = {line.strip() for page in restyled.raw_pages for line in page.splitlines()}
    assert all(card.title in lines for card in cards_of(doc))  # each a list item of its own line
    assert "Musterstadt" not in restyled.text  # the card's fields are no longer drawn


def test_an_empty_drawers_dictionary_says_so_rather_than_listing_nothing(tmp_path, loaded_with_nested_cards):
    doc, folder = loaded_with_nested_cards.document, loaded_with_nested_cards.edition.folder
    with pytest.raises(InputError) as caught:
        render_pdf(doc, typst_files(tmp_path, "#let chapter-body = chapter-body.with(drawers: (:))\n"), folder)
    finding = caught.value.findings[0]
    assert finding.code == "E-TYPESET"
    assert re.search(r"no drawer for block type '\w+'; this template draws: no block type", finding.message)
