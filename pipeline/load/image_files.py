"""Photo files as the inputs name them: which format, how large, whether they decode at all.

Only headers are read (and, for the check, the whole file decoded once); preparing a photo for
print or Word is the renderer's job (render/images.py).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, UnidentifiedImageError

FORMATS = ("JPEG", "MPO", "PNG", "WEBP")  # MPO: a phone's JPEG with a second picture; the first is used
MM_PER_INCH = 25.4
ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


class BadImage(Exception):
    """The file is not a JPEG, PNG or WebP image Pillow can read (message says why)."""


class TooLarge(BadImage):
    """So many pixels that Pillow refuses to open it: a decompression bomb, or far beyond print."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int  # pixels as the photo is shown, after EXIF rotation
    height: int
    profile: str  # description of an embedded colour profile, '' if none


def inspect(path: Path) -> ImageInfo:
    """Read the header only: format, upright size and colour profile; nothing is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                supported_format(im)
                w, h = im.size
                orientation = im.getexif().get(0x0112, 1)
                return ImageInfo(im.format, *((h, w) if orientation in ROTATED else (w, h)),
                                 _profile_name(im.info.get("icc_profile")))
    except Image.DecompressionBombError:
        raise TooLarge("far too many pixels to be a photo") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadImage(f"not a readable image ({exc.__class__.__name__})") from None


def decodes(path: Path) -> None:
    """Decode the whole file (a JPEG at an eighth of its size, which still reads every byte), so
    a file cut off halfway is found by the check, not only by the build. Raises BadImage."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.format in ("JPEG", "MPO"):
                    im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
                im.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise BadImage(f"damaged: it cannot be decoded to the end ({exc})"[:160]) from None


def supported_format(im: Image.Image) -> str:
    if im.format not in FORMATS:
        raise BadImage(f"a {im.format} image; JPEG, PNG and WebP are supported")
    return im.format


def _profile_name(icc: bytes | None) -> str:
    if not icc:
        return ""
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except (OSError, ImageCms.PyCMSError):
        return "unreadable profile"


def effective_dpi(info: ImageInfo, width_mm: float) -> float:
    return info.width / (width_mm / MM_PER_INCH)
