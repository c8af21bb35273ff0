"""The font copies Typst gets: a typed hyphen has a glyph of its own, nothing else changes, and
the copies are the same bytes wherever and however often they are made."""

from __future__ import annotations

import hashlib

from fontTools.ttLib import TTFont

from pipeline.render import fonts


def _ccmp_mapping(font: TTFont) -> dict[str, str]:
    gsub = font["GSUB"].table
    mapping: dict[str, str] = {}
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag != "ccmp":
            continue
        for index in record.Feature.LookupListIndex:
            lookup = gsub.LookupList.Lookup[index]
            if lookup.LookupType == 1:
                for sub in lookup.SubTable:
                    mapping.update(sub.mapping)
    return mapping


def test_a_typed_hyphen_becomes_its_own_identical_glyph(tmp_path):
    src = next(p for p in fonts.package_fonts() if p.name.endswith("SourceSansPro-Regular.ttf"))
    fonts.patch_font(src, tmp_path / src.name)
    original, copy = TTFont(str(src)), TTFont(str(tmp_path / src.name))
    hyphen = copy.getBestCmap()[0x2D]
    # the same characters, the same glyphs; and U+2010, U+2011 (which the original lacks) as hyphens
    assert copy.getBestCmap() == original.getBestCmap() | fonts.UNICODE_HYPHENS
    for glyph in fonts.UNICODE_HYPHENS.values():
        assert glyph not in original.getGlyphOrder()
        assert copy["hmtx"][glyph] == copy["hmtx"][hyphen]
        assert copy["glyf"][glyph].coordinates == copy["glyf"][hyphen].coordinates
    assert _ccmp_mapping(copy).get(hyphen) == fonts.TYPED
    assert fonts.TYPED not in original.getGlyphOrder()
    assert copy["hmtx"][fonts.TYPED] == copy["hmtx"][hyphen]
    assert copy["glyf"][fonts.TYPED].coordinates == copy["glyf"][hyphen].coordinates


def test_copies_are_deterministic(tmp_path):
    src = next(p for p in fonts.package_fonts() if p.name.endswith("SourceSansPro-Bold.ttf"))
    digests = set()
    for n in range(2):
        dest = tmp_path / f"{n}.ttf"
        fonts.patch_font(src, dest)
        digests.add(hashlib.sha256(dest.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_every_style_the_templates_use_is_copied():
    folder = fonts.typst_font_folder()
    names = {p.name for p in folder.glob("*.ttf")}
    for style in fonts.STYLES:
        assert f"SourceSansPro-{style}.ttf" in names
