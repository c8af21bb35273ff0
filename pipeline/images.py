"""Photos ready for print and for Word: upright, sRGB, no larger than the placed size needs.

Every photo is decoded and written again, so EXIF orientation is applied to the pixels, colour
profiles are converted to sRGB, and camera metadata (GPS position, serial numbers) does not
travel into a published brochure. Pillow's encoders are deterministic: same file, same bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "MPO", "PNG", "WEBP")  # MPO: a phone's JPEG with a second picture; the first is used
MM_PER_INCH = 25.4
ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
JPEG_QUALITY = 90
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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
                _supported(im)
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


def _supported(im: Image.Image) -> str:
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


def _to_srgb(im: Image.Image, alpha: bool) -> Image.Image:
    icc = im.info.get("icc_profile")
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        im = im.convert("I").point(lambda v: v / 256).convert("L")  # 16-bit greyscale → 8 bit
    mode = "RGBA" if alpha else "RGB"
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            space = source.profile.xcolor_space.strip()
            if space == "RGB":
                im = im.convert(mode)
            if (space, im.mode) in (("RGB", mode), ("CMYK", "CMYK"), ("GRAY", "L")):
                return ImageCms.profileToProfile(im, source, _SRGB, outputMode=mode)
        except (OSError, ImageCms.PyCMSError, ValueError):
            pass  # a broken profile: read the numbers as sRGB
    return im.convert(mode)


@lru_cache(maxsize=64)
def _prepared(path: Path, stamp: tuple[int, int], max_px: int) -> tuple[bytes, str]:
    try:
        with Image.open(path) as src:
            fmt = _supported(src)
            icc = src.info.get("icc_profile")
            im = ImageOps.exif_transpose(src)
            if icc:
                im.info["icc_profile"] = icc
            alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
            im = _to_srgb(im, alpha)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise BadImage(f"not a readable image ({exc.__class__.__name__})") from None
    if im.width > max_px:
        im = im.resize((max_px, max(1, round(im.height * max_px / im.width))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if alpha or fmt == "PNG":  # graphics and transparency stay lossless
        im.save(out, "PNG", compress_level=6)  # level 9: 4× the time for 2 % smaller files
        return out.getvalue(), "png"
    im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), "jpg"


def prepare(path: Path, width_mm: float, max_dpi: int) -> tuple[bytes, str]:
    """The photo as PNG or JPEG bytes (and that extension), upright and in sRGB, at most
    max_dpi at its printed width. Raises BadImage."""
    st = path.stat()
    max_px = max(1, round(max_dpi * width_mm / MM_PER_INCH))
    return _prepared(path.resolve(), (st.st_mtime_ns, st.st_size), max_px)


def effective_dpi(info: ImageInfo, width_mm: float) -> float:
    return info.width / (width_mm / MM_PER_INCH)
