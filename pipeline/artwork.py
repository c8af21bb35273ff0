"""Every picture of a document, prepared for one output: charts drawn, photos made print-ready.

The PDF gets charts as vector SVG and photos at up to PRINT_DPI; the DOCX gets charts as PNG
and photos at up to WORD_DPI at their placed width, so the editable file stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .edition import FIGURE_WIDTH_MM
from .errors import InputError, Location, error
from .images import BadImage, prepare
from .tree import Chart, Document, Photo, chapter_blocks

PRINT_DPI = 450
WORD_DPI = 300


@dataclass(frozen=True)
class Asset:
    data: bytes
    ext: str  # svg | png | jpg
    width_mm: float


def key(block: Photo | Chart) -> str:
    return f"{block.type}:{block.id}"


class Artwork:
    def __init__(self, folder: Path, theme: dict[str, str] | None = None, widths: dict[str, float] | None = None):
        self.folder = folder
        self.theme = theme or {}
        self.widths = widths or dict(FIGURE_WIDTH_MM)

    @classmethod
    def of(cls, folder: Path, template) -> "Artwork":
        return cls(folder, template.theme, {w: template.figure_width_mm(w) for w in ("column", "full")})

    def width_mm(self, width: str) -> float:
        return self.widths.get(width, self.widths["column"])

    def picture(self, block: Photo | Chart, target: str) -> Asset | None:
        """The block's image for 'pdf' or 'docx'; None for a photo still to come."""
        width = self.width_mm(block.width)
        if isinstance(block, Chart):
            # matplotlib loads only when a document has a chart
            from .chart_draw import draw
            fmt = "svg" if target == "pdf" else "png"
            return Asset(draw(block, fmt, width, self.theme), fmt, width)
        if not block.file:
            return None
        try:
            data, ext = prepare(self.folder / block.file, width, PRINT_DPI if target == "pdf" else WORD_DPI)
        except (BadImage, OSError) as exc:
            raise InputError(error("E-BAD-IMAGE", Location(file=block.file), str(exc),
                                   "save it again as JPEG, PNG or WebP")) from None
        return Asset(data, ext, width)

    def all(self, doc: Document, target: str) -> dict[str, Asset]:
        out: dict[str, Asset] = {}
        for chapter in doc.chapters:
            for block in chapter_blocks(chapter):
                if isinstance(block, (Photo, Chart)):
                    asset = self.picture(block, target)
                    if asset is not None:
                        out[key(block)] = asset
        return out
