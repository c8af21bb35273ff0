"""Draw the sample editions' images: graphics made by the project, not photos of events.

    .venv/bin/pip install -e '.[tools]'   # matplotlib, which only this tool needs
    .venv/bin/python tools/make_sample_images.py inputs/halbzeitbilanz-2012/images

Three files, in the three formats the pipeline accepts, so the samples exercise each path:
- wirkungsannahmen.png  the evaluation's diagram of measures → goals → intended effect (PNG)
- modellregionen.webp   where the six model regions lie in Hesse, schematic (WebP)
- zeitleiste.jpg        programme timeline 2009–2012, stored sideways with an EXIF
                        orientation tag as a phone camera would (JPEG)
Facts come from the 2012 mid-term review; the drawings are the project's own.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from PIL import Image

import importlib.resources
from functools import lru_cache

from matplotlib import font_manager


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    """The brochure's own font, from the pip package."""
    folder = importlib.resources.files("font_source_sans_pro") / "files"
    for name in ("SourceSansPro-Regular.ttf", "SourceSansPro-Semibold.ttf", "SourceSansPro-Bold.ttf"):
        font_manager.fontManager.addfont(str(folder / name))

ACCENT, HIGHLIGHT, TINT, INK, MUTED = "#17477e", "#c8102e", "#eaf0f7", "#1b1f24", "#56616e"
STYLE = {"font.family": "Source Sans Pro", "text.color": INK, "svg.hashsalt": "samples"}


def _png(fig: Figure, dpi: int) -> Image.Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _box(ax, x, y, w, h, text, fill, colour=INK, size=11, bold=False):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.01,rounding_size=0.015",
                                facecolor=fill, edgecolor=ACCENT, linewidth=1))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=colour,
            fontweight="bold" if bold else "normal", wrap=True)


def wirkungsannahmen() -> Image.Image:
    fig = Figure(figsize=(17.2 / 2.54, 9.5 / 2.54))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    columns = [
        ("Maßnahmen", ["Programmkoordination\nin den Modellregionen", "Integrationsworkshops", "Geförderte Projekte",
                       "Integrationsmonitoring"]),
        ("Ziele", ["Strukturelle Veränderungen\nvon Regelangeboten",
                   "Partizipation und Einbeziehen\nder Aufnahmegesellschaft", "Transparenz von Maßnahmen,\nTrägern und Daten", "Vernetzung in und zwischen\nden Modellregionen"]),
    ]
    xs = (0.03, 0.37)
    for (title, items), x in zip(columns, xs):
        ax.text(x + 0.14, 0.93, title, ha="center", fontsize=13, fontweight="bold", color=ACCENT)
        for i, item in enumerate(items):
            _box(ax, x, 0.7 - i * 0.2, 0.28, 0.15, item, TINT, size=9)
    ax.text(0.85, 0.93, "Angenommene Wirkung", ha="center", fontsize=13, fontweight="bold", color=ACCENT)
    _box(ax, 0.72, 0.37, 0.26, 0.28, "Gleichberechtigte\nTeilhabe und Integration\nvor Ort", ACCENT, "#ffffff",
         11, True)
    for i in range(4):
        for j in range(4):
            if i == j or (i, j) in ((0, 3), (2, 2), (1, 0)):
                ax.add_patch(FancyArrowPatch((0.31, 0.775 - i * 0.2), (0.37, 0.775 - j * 0.2), arrowstyle="-|>",
                                             mutation_scale=9, color=MUTED, linewidth=0.8))
        ax.add_patch(FancyArrowPatch((0.65, 0.775 - i * 0.2), (0.72, 0.51), arrowstyle="-|>", mutation_scale=10,
                                     color=HIGHLIGHT, linewidth=1.1))
    ax.text(0.5, 0.02, "Vereinfachte Darstellung nach der Rekonstruktion der Wirkungsannahmen durch das efms",
            ha="center", fontsize=8, color=MUTED)
    return _png(fig, 320)


REGIONS = [  # name, longitude, latitude of the seat of the administration, where the label goes
    ("Kassel", 9.49, 51.31, "right"), ("Wetzlar", 8.50, 50.56, "left"), ("Hochtaunuskreis", 8.62, 50.23, "above"),
    ("Wiesbaden", 8.24, 50.08, "left"), ("Offenbach am Main", 8.77, 50.10, "below"),
    ("Main-Kinzig-Kreis/Hanau", 9.05, 50.17, "right"),
]
LABEL = {"right": (0.08, 0, "left", "center"), "left": (-0.08, 0, "right", "center"),
         "above": (0, 0.07, "center", "bottom"), "below": (0, -0.07, "center", "top")}


def modellregionen() -> Image.Image:
    fig = Figure(figsize=(8.2 / 2.54, 9 / 2.54))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_xlim(7.5, 10.3)
    ax.set_ylim(49.8, 51.6)
    ax.set_aspect(1 / 0.64)  # a degree of longitude is about 0.64 of a degree of latitude at 50° N
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((7.55, 49.85), 2.7, 1.7, boxstyle="round,pad=0,rounding_size=0.08",
                                facecolor=TINT, edgecolor="none"))
    for name, lon, lat, where in REGIONS:
        ax.plot(lon, lat, "o", markersize=9, color=ACCENT, markeredgecolor="white", markeredgewidth=1.2)
        dx, dy, ha, va = LABEL[where]
        ax.text(lon + dx, lat + dy, name.replace("/", "/\n") if where == "right" and "/" in name else name,
                ha=ha, va=va, fontsize=8, color=INK)
    fig.text(0.5, 0.955, "Die sechs Modellregionen Integration", ha="center", fontsize=10, fontweight="bold",
             color=ACCENT)
    ax.text(7.6, 49.9, "schematisch, ohne Landes- und Kreisgrenzen", fontsize=6.5, color=MUTED)
    return _png(fig, 320)


EVENTS = [
    (2009.55, "Sommer 2009", "Bewerbung der Kommunen"),
    (2009.95, "Ende 2009 / Anfang 2010", "Integrationsworkshops zum Auftakt"),
    (2010.45, "Juni 2010", "1. Zukunftskonferenz"),
    (2010.92, "3.12.2010", "Landespressekonferenz"),
    (2011.45, "Juni 2011", "2. Zukunftskonferenz"),
    (2011.62, "August 2011", "Projektmarktplatz Kassel"),
    (2012.0, "Januar 2012", "Halbzeitbilanz"),
]


def zeitleiste() -> Image.Image:
    fig = Figure(figsize=(17.2 / 2.54, 5.2 / 2.54))
    ax = fig.add_axes((0.03, 0.05, 0.94, 0.9))
    ax.set_xlim(2009.3, 2012.25)
    ax.set_ylim(-1.25, 1.25)
    ax.axis("off")
    ax.plot([2009.35, 2012.2], [0, 0], color=ACCENT, linewidth=2)
    for year in (2010, 2011, 2012):
        ax.text(year, -0.16, str(year), ha="center", va="top", fontsize=8, color=MUTED)
        ax.plot([year, year], [-0.06, 0.06], color=ACCENT, linewidth=1.2)
    for i, (x, when, what) in enumerate(EVENTS):
        up = 1 if i % 2 == 0 else -1
        ax.plot([x, x], [0, 0.42 * up], color=MUTED, linewidth=0.7)
        ax.plot(x, 0, "o", markersize=5, color=HIGHLIGHT)
        ax.text(x, 0.48 * up, f"{when}\n{what}", ha="center", va="bottom" if up > 0 else "top", fontsize=7.2,
                color=INK, linespacing=1.25)
    return _png(fig, 320)


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _register_fonts()
    with matplotlib.rc_context(STYLE):
        wirkungsannahmen().save(folder / "wirkungsannahmen.png", optimize=False, compress_level=9)
        modellregionen().save(folder / "modellregionen.webp", lossless=True, quality=80, method=4)
        upright = zeitleiste()
        exif = Image.Exif()
        exif[0x0112] = 6  # "rotate 90° clockwise to display": the pixels are stored turned left
        upright.transpose(Image.Transpose.ROTATE_90).save(folder / "zeitleiste.jpg", quality=88, exif=exif.tobytes())


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "inputs/halbzeitbilanz-2012/images"))
