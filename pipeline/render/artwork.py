"""Every picture of a document, prepared for one output: charts drawn, photos made print-ready.

The PDF gets charts as vector SVG and photos at up to PRINT_DPI; the DOCX gets charts as PNG
and photos at up to WORD_DPI at their placed width, so the editable file stays small.

Prepared pictures are kept in a content-addressed cache (`<cache root>/artwork/`, see
fonts.cache_root): the key is a hash of everything the picture's bytes depend on — the chart's
data and look, or the photo file's bytes, the size and resolution asked for, the versions of the
libraries that draw them and the source of the modules that do. So a picture is redrawn exactly
when one of those changes, and a cached picture has the bytes a fresh drawing has.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pipeline.errors import InputError, Location, error
from pipeline.load.edition import chart_width_mm
from pipeline.render.fonts import cache_root, caching_off, put_cached
from pipeline.render.images import BadImage, prepare
from pipeline.tree import Chart, Document, Page, Photo, chapter_blocks, to_data

PRINT_DPI = 450
WORD_DPI = 300


@dataclass(frozen=True)
class Asset:
    data: bytes
    ext: str  # svg | png | jpg
    width_mm: float


def key(block: Photo | Chart) -> str:
    return f"{block.type}:{block.id}"


# What draws the pictures: its versions and source are part of every cache key.
DRAWING_PACKAGES = ("typst", "pillow", "fonttools", "font-source-sans-pro")
DRAWING_MODULES = ("render/chart_draw.py", "render/chart.typ", "assemble/charts.py", "render/images.py",
                   "render/artwork.py", "render/fonts.py")


@functools.cache
def renderer_versions() -> str:
    """The versions of the drawing libraries and a hash of our drawing code, as one string."""
    here = Path(__file__).parents[1]  # the package root
    parts = [f"{p}={metadata.version(p)}" for p in DRAWING_PACKAGES]
    parts += [f"{m}={hashlib.sha256((here / m).read_bytes()).hexdigest()[:16]}" for m in DRAWING_MODULES]
    return ";".join(parts)


def cache_folder() -> Path | None:
    """Where prepared pictures are kept; None when caching is switched off (BROCHURE_CACHE=off)."""
    if caching_off():
        return None
    return cache_root() / "artwork"


class PictureCache:
    """Prepared pictures by key, on disk (written atomically, shared by every process) and in
    memory for this process."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.memory: dict[tuple[str, str], bytes] = {}
        self.drawn = 0  # pictures made (not found) since this cache was opened; the tests count them

    def _path(self, k: str, ext: str) -> Path:
        return self.folder / k[:2] / f"{k}.{ext}"

    def get(self, k: str, exts: tuple[str, ...]) -> tuple[bytes, str] | None:
        for ext in exts:
            if (k, ext) in self.memory:
                return self.memory[(k, ext)], ext
            if self.folder is not None:
                try:
                    data = self._path(k, ext).read_bytes()
                except OSError:
                    continue
                self.memory[(k, ext)] = data
                return data, ext
        return None

    def put(self, k: str, ext: str, data: bytes) -> None:
        self.drawn += 1
        self.memory[(k, ext)] = data
        if self.folder is not None:
            put_cached(self._path(k, ext), data)


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:40]


LOGO_MM = 45.0


class Artwork:
    def __init__(self, folder: Path, theme: dict[str, str] | None = None, widths: dict[str, float] | None = None,
                 cache: PictureCache | None = None, page: Page | None = None):
        self.folder = folder
        self.theme = theme or {}
        self.widths = widths or dict.fromkeys(("column", "full"), Page().text_width_mm)
        self.cache = cache if cache is not None else PictureCache(cache_folder())
        self.page = page or Page()  # its columns narrow the charts of a chapter set in several

    @classmethod
    def of(cls, folder: Path, template, cache: PictureCache | None = None) -> "Artwork":
        return cls(folder, template.theme, {w: template.figure_width_mm(w) for w in ("column", "full")}, cache,
                   template.page)

    def width_mm(self, width: str) -> float:
        """Printed width of a picture placed WIDTH: 'column', 'full', or 'logo' (a draft's logo,
        LOGO_MM wide at most)."""
        if width == "logo":
            return min(LOGO_MM, self.widths["column"])
        return self.widths.get(width, self.widths["column"])

    def picture(self, block: Photo | Chart, target: str, kind: str = "", room_mm: float | None = None) -> Asset | None:
        """The block's image for 'pdf' or 'docx'; None for a photo still to come. A chart is
        drawn at the width it is printed at — its column's in a chapter of KIND set in several
        columns, at most ROOM_MM — so its text is never scaled below the size it was drawn at."""
        width = self.width_mm(block.width)
        if isinstance(block, Chart):
            width = chart_width_mm(self.page, width, block.width, kind)
            if room_mm is not None:
                width = min(width, room_mm)
            fmt = "svg" if target == "pdf" else "png"
            k = _digest("chart", to_data(block), fmt, width, self.theme, renderer_versions())
            found = self.cache.get(k, (fmt,))
            if found is None:
                from pipeline.render.chart_draw import draw
                found = draw(block, fmt, width, self.theme), fmt
                self.cache.put(k, fmt, found[0])
            return Asset(found[0], fmt, width)
        if not block.file:
            return None
        path = self.folder / block.file
        try:
            k = _digest("photo", hashlib.sha256(path.read_bytes()).hexdigest(), width,
                        PRINT_DPI if target == "pdf" else WORD_DPI, renderer_versions())
            found = self.cache.get(k, ("jpg", "png"))
            if found is None:
                found = prepare(path, width, PRINT_DPI if target == "pdf" else WORD_DPI)
                self.cache.put(k, found[1], found[0])
        except (BadImage, OSError) as exc:
            raise InputError(error("E-BAD-IMAGE", Location(file=block.file), str(exc),
                                   "save it again as JPEG, PNG or WebP")) from None
        return Asset(found[0], found[1], width)

    def all(self, doc: Document, target: str) -> dict[str, Asset]:
        out: dict[str, Asset] = {}
        for chapter in doc.chapters:
            for block in chapter_blocks(chapter):
                if isinstance(block, (Photo, Chart)):
                    asset = self.picture(block, target, chapter.kind)
                    if asset is not None:
                        out[key(block)] = asset
        return out
