"""A photo or the logo uploaded by a town, checked and written again before it is kept.

Only JPEG and PNG are taken, recognised by their bytes (a renamed PDF or an SVG is refused,
whatever its name). The size in pixels is read from the header before anything is decoded,
so a decompression bomb (a small PNG of 50,000 × 50,000 pixels) is refused unopened. The
picture is then decoded once, turned upright (EXIF orientation), converted to sRGB and encoded
again by Pillow without any metadata: no EXIF (GPS position, camera, time), no XMP, no IPTC,
no comments, no text chunks. `clean_picture` runs in a process of its own (JobPool.run_once).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

MAX_PHOTO_BYTES = 10_000_000
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; far more than a printed page needs
MAX_SIDE = 12_000
MAX_TEXT = 400  # characters of a caption or an alt text

PROBLEMS = {
    "not-image": "Die Datei ist kein Foto im Format JPEG oder PNG (z. B. ein PDF oder eine SVG-Grafik, "
                 "auch wenn ihr Name auf .jpg oder .png endet).",
    "too-many-pixels": "Das Bild ist zu groß: höchstens {mp} Megapixel. Verkleinern Sie es in einem Bildprogramm.",
    "broken": "Das Bild kann nicht gelesen werden. Speichern Sie es in einem Bildprogramm neu als JPEG oder PNG.",
}


def clean_picture(path: str) -> dict:
    """The picture at PATH re-encoded without metadata: {"data": bytes, "ext": "jpg"|"png",
    "size": [w, h]}, or {"problem": kind} (a key of PROBLEMS)."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    from pipeline.render.images import _to_srgb
    data = Path(path).read_bytes()
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        return {"problem": "not-image"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as im:
                w, h = im.size
                if w * h > MAX_PIXELS or max(w, h) > MAX_SIDE:
                    return {"problem": "too-many-pixels"}
                fmt = im.format
                im.load()
                upright = ImageOps.exif_transpose(im)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own check, on open
            return {"problem": "too-many-pixels"}
        except UnidentifiedImageError:
            return {"problem": "not-image"}
        except (OSError, ValueError, SyntaxError):
            return {"problem": "broken"}
    alpha = fmt == "PNG" and ("A" in upright.getbands() or "transparency" in upright.info)
    clean = _to_srgb(upright, alpha)
    clean.info = {}  # PNG would otherwise carry the ICC profile, EXIF or text over from info
    out = io.BytesIO()
    if fmt == "PNG":
        clean.save(out, "PNG", optimize=False)  # no pnginfo: no text chunks, no EXIF, no time
        ext = "png"
    else:
        clean.save(out, "JPEG", quality=90, optimize=True)  # no exif=, no icc_profile=: nothing but pixels
        ext = "jpg"
    return {"data": out.getvalue(), "ext": ext, "size": list(clean.size)}
