"""The fallback font for what the body font lacks, as Typst gets it: Noto Sans (from the
fontpkg-noto-sans package) for Greek and Cyrillic in italic, where Source Sans Pro's italics stop
at Latin, and for the rarer letters of the Latin, Greek and Cyrillic extensions.

The package ships a variable font. Typst does not pick a variable font's instance by weight, so
static Regular, Bold, Italic and Bold Italic are cut from it with fontTools' instancer, keeping
only the characters of glyphs.FALLBACK_RANGES the body font's style lacks (Typst takes a
character from the first font of `body-fonts` that has it): a few seconds, once per font cache.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from pipeline.load.glyphs import FALLBACK_PACKAGE, FALLBACK_RANGES

WEIGHTS = {"Regular": 400, "Bold": 700}


def sources() -> list[Path]:
    """The package's variable font files, in a fixed order (the cache key reads them)."""
    return sorted(Path(str(importlib.resources.files(FALLBACK_PACKAGE) / "files")).glob("*.ttf"))


def write_static(folder: Path, body: dict[bool, set[int]]) -> None:
    """Write Noto Sans in four static styles into FOLDER. BODY: the characters the body font has
    in every upright (False) and every italic (True) style."""
    for src in sources():
        italic = "Italic" in src.name
        for style, weight in WEIGHTS.items():
            name = ("Bold" if weight == 700 else "") + ("Italic" if italic else "") or style
            _instance(src, weight, body[italic]).save(str(folder / f"NotoSans-{name}.ttf"))


def _instance(src: Path, weight: int, leave_out: set[int]):
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer
    font = TTFont(str(src), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs, options.name_languages, options.notdef_outline = ["*"], ["*"], True
    keep = subset.Subsetter(options)
    keep.populate(unicodes={c for c in set(font.getBestCmap()) - leave_out
                            if any(a <= c <= b for a, b in FALLBACK_RANGES)})
    keep.subset(font)
    font = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, updateFontNames=True)
    font["OS/2"].usWeightClass = weight
    if "DSIG" in font:
        del font["DSIG"]
    return font
