"""The brochure fonts as Typst gets them: copies in which a typed hyphen has a glyph of its own.

Typst draws a hyphenation hyphen with the font's glyph for '-' and marks it as U+00AD; a typed
hyphen ('E-Mail', 'Main-Kinzig-Kreis') is the same glyph marked '-'. A PDF maps each glyph to
one text, so Typst covers the second meaning with /ActualText, which pdf.js and pypdf ignore:
they read 'E\u00adMail', or line-end hyphens as hard ones. In the copy, an always-on substitution
(`ccmp`) turns every typed hyphen into an identical glyph `hyphen.typed`, so each glyph has one
meaning and every reader extracts the same text. Kerning is copied from the original glyph.

poppler and PDFium drop a '-' that ends a line (they take it for a hyphenation), typed or not.
So the template prints a typed hyphen of body text as U+2010 HYPHEN, which no reader drops, and
the hyphen of a suspended compound as U+2011 NON-BREAKING HYPHEN (see docs/accessibility.md,
„Hyphens“). The fonts have no glyph for either; the copy adds `hyphen.u2010` and `hyphen.u2011`,
again identical to the hyphen and kerned like it. They are glyphs of their own, not `hyphen.typed`:
a PDF font maps a glyph to one text, and the '-' of addresses keeps reading as '-'.

The copies are made once per font version into a cache folder (never committed: the fonts'
licence reserves their names for unmodified versions) and written atomically.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import os
import tempfile
from pathlib import Path

# The body font every template uses is copied; other packaged families are given as they are.
PATCHED_PACKAGES = ("font_source_sans_pro",)
# Noto Sans stands in where Source Sans Pro has no glyph (Greek and Cyrillic italics): Typst
# takes it through the font list `body-fonts` and cuts the variable font's weights itself.
OTHER_PACKAGES = ("font_source_serif_pro", "fontpkg_noto_sans")
STYLES = ("Regular", "It", "Bold", "BoldIt", "Semibold", "SemiboldIt")
TYPED = "hyphen.typed"
UNICODE_HYPHENS = {0x2010: "hyphen.u2010", 0x2011: "hyphen.u2011"}
PATCH_VERSION = "5"  # bump when the patch below changes: the cache key includes it


def package_fonts() -> list[Path]:
    """The original TrueType files of the styles the templates use."""
    found = []
    for pkg in PATCHED_PACKAGES:
        folder = Path(str(importlib.resources.files(pkg) / "files"))
        prefix = next((p.name.split("-")[0] for p in folder.glob("*-Regular.ttf")), None)
        if prefix:
            found += [folder / f"{prefix}-{style}.ttf" for style in STYLES if (folder / f"{prefix}-{style}.ttf").is_file()]
    return found


def caching_off() -> bool:
    """BROCHURE_CACHE=off: nothing is kept between runs."""
    return os.environ.get("BROCHURE_CACHE", "").lower() == "off"


def cache_root() -> Path:
    """Where fonts prepared for Typst and Word are kept between runs; with caching off, a
    folder of this process's own that is removed when it ends."""
    if caching_off():
        return _private_root()
    base = os.environ.get("BROCHURE_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "brochure-pipeline"


@functools.cache
def _private_root() -> Path:
    import atexit
    import shutil
    folder = Path(tempfile.mkdtemp(prefix="brochure-nocache-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder / "brochure-pipeline"


def put_cached(path: Path, data: bytes) -> None:
    """Write one cache file atomically (readers see the old file or the whole new one). A
    read-only or full cache raises nothing: it only costs the work again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


def _key(sources: list[Path]) -> str:
    h = hashlib.sha256(PATCH_VERSION.encode())
    import fontTools
    h.update(fontTools.version.encode())
    for src in sources:
        h.update(src.name.encode())
        h.update(hashlib.sha256(src.read_bytes()).digest())
    return h.hexdigest()[:16]


def _add_lookup_to_ccmp(gsub, lookup_index: int) -> None:
    """Append the lookup to every language system's `ccmp` feature. Shapers use only the first
    feature of a tag in a language system, so the lookup joins the existing features."""
    records = gsub.FeatureList.FeatureRecord
    ccmp = {i for i, r in enumerate(records) if r.FeatureTag == "ccmp"}
    if not ccmp:
        raise ValueError("the font has no ccmp feature to extend")
    for i in ccmp:
        feature = records[i].Feature
        feature.LookupListIndex = sorted(set(feature.LookupListIndex) | {lookup_index})
        feature.LookupCount = len(feature.LookupListIndex)


def _copy_kerning(gpos, source: str, copy: str) -> None:
    for lookup in gpos.LookupList.Lookup:
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:
                sub = sub.ExtSubTable
            if type(sub).__name__ != "PairPos":
                continue
            if sub.Format == 2:
                if source in sub.Coverage.glyphs:
                    sub.Coverage.glyphs.append(copy)
                    if source in sub.ClassDef1.classDefs:
                        sub.ClassDef1.classDefs[copy] = sub.ClassDef1.classDefs[source]
                if source in sub.ClassDef2.classDefs:
                    sub.ClassDef2.classDefs[copy] = sub.ClassDef2.classDefs[source]
            elif sub.Format == 1:
                import copy as copying
                for pair_set in sub.PairSet:
                    extra = [copying.deepcopy(r) for r in pair_set.PairValueRecord if r.SecondGlyph == source]
                    for r in extra:
                        r.SecondGlyph = copy
                    pair_set.PairValueRecord += extra
                    pair_set.PairValueCount = len(pair_set.PairValueRecord)
                if source in sub.Coverage.glyphs:
                    at = sub.Coverage.glyphs.index(source)
                    sub.Coverage.glyphs.append(copy)
                    sub.PairSet.append(copying.deepcopy(sub.PairSet[at]))
                    sub.PairSetCount = len(sub.PairSet)


def patch_font(src: Path, dest: Path) -> None:
    """Write a copy of `src` whose typed hyphen is the glyph `hyphen.typed` and whose U+2010 and
    U+2011 are the glyphs `hyphen.u2010` and `hyphen.u2011`, all drawn and kerned as the hyphen."""
    from fontTools.otlLib import builder
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False)
    hyphen = font.getBestCmap()[0x2D]
    copies = [TYPED, *UNICODE_HYPHENS.values()]
    order = font.getGlyphOrder() + copies
    for name in copies:
        font["glyf"][name] = font["glyf"][hyphen]
        font["hmtx"][name] = font["hmtx"][hyphen]
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    font["maxp"].numGlyphs = len(order)
    if "post" in font and hasattr(font["post"], "extraNames"):
        font["post"].glyphOrder = order
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef:
        defs = font["GDEF"].table.GlyphClassDef.classDefs
        if hyphen in defs:
            for name in copies:
                defs[name] = defs[hyphen]
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(UNICODE_HYPHENS)

    gsub = font["GSUB"].table
    lookup = builder.buildLookup([builder.buildSingleSubstSubtable({hyphen: TYPED})])
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    _add_lookup_to_ccmp(gsub, len(gsub.LookupList.Lookup) - 1)
    if "GPOS" in font:
        for name in copies:
            _copy_kerning(font["GPOS"].table, hyphen, name)
    if "DSIG" in font:
        del font["DSIG"]  # the signature no longer matches
    font.save(str(dest))


def typst_font_paths() -> list[str]:
    """Where Typst looks for fonts: the patched copies, then the other packaged families."""
    return [str(typst_font_folder())] + [str(importlib.resources.files(pkg) / "files") for pkg in OTHER_PACKAGES]


@functools.cache
def typst_font_folder() -> Path:
    """A folder holding the patched copies, made on first use and reused while the fonts
    and the patch are unchanged."""
    sources = package_fonts()
    folder = cache_root() / f"fonts-{_key(sources)}"
    if folder.is_dir():
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".fonts-", dir=folder.parent))
    except OSError:  # no writable cache: a private folder for this process
        folder = Path(tempfile.mkdtemp(prefix="brochure-fonts-"))
        work = folder
    for src in sources:
        patch_font(src, work / src.name)
    if work != folder:
        try:
            work.rename(folder)
        except OSError:  # another process finished first: use its copy
            for f in work.iterdir():
                f.unlink()
            work.rmdir()
    return folder


def scratch_root(owner: object, prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder for a Typst compiler's root, removed with OWNER or when the process
    ends. Worker processes end without atexit; multiprocessing runs this finalizer there too."""
    import multiprocessing.util
    folder = tempfile.TemporaryDirectory(prefix=prefix)
    multiprocessing.util.Finalize(owner, folder.cleanup, exitpriority=0)
    return folder
