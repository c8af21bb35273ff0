"""Per-row requirements of the brochure type (spec `records`), and photos fit for print."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Finding, error, warning
from pipeline.load.image_files import BadImage, TooLarge, decodes, effective_dpi, inspect
from pipeline.load.input_files import find_named
from pipeline.load.records import Record
from pipeline.load.spec import Spec


def check_records(records: dict[str, list[Record]], spec: Spec, labels: dict[str, str]) -> list[Finding]:
    findings: list[Finding] = []
    for table, rule in spec.records.items():
        for rec in records.get(table, []):
            engine_required = {c.name for c in rec.schema if c.required}  # already checked on reading
            for col in rule.required:
                if col not in engine_required and _empty(rec[col]):
                    findings.append(error("E-EMPTY-CELL", rec.cells[col], f"'{col}' is empty",
                                          f"fill in column '{col}': every {table} row needs it", args={"column": col}))
            for col in rule.recommended:
                if _empty(rec[col]):
                    findings.append(_recommended(table, col, rec, labels))
            for group in rule.one_of:
                if all(_empty(rec[col]) for col in group):
                    findings.append(error("E-NEED-ONE-OF", rec.cells[group[0]],
                                          f"needs at least one of: {', '.join(group)}",
                                          f"fill in {' or '.join(repr(c) for c in group)} in this row"))
    return findings


def _empty(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _recommended(table: str, col: str, rec: Record, labels: dict[str, str]) -> Finding:
    if table == "photos" and col == "file":
        missing = labels.get("photo_missing", "Foto folgt")
        return warning("W-EMPTY-CELL", rec.cells[col],
                       f"photo '{rec.id}' has no image yet; a framed placeholder „{missing}“ is printed",
                       "put the image into images/ and its file name into column 'file'")
    return warning("W-EMPTY-CELL", rec.cells[col], f"'{col}' is empty",
                   f"fill in column '{col}' before the final build")


MAX_PIXELS = 40_000_000  # larger images are decompression bombs or far beyond print needs


def _bad_image(rec: Record, file: str, exc: BadImage) -> Finding:
    return error("E-BAD-IMAGE", rec.cells["file"], f"'images/{file}' is {exc}", "save it again as JPEG, PNG or WebP")


def check_photos(records: dict[str, list[Record]], spec: Spec, edition: Path) -> list[Finding]:
    """Images that exist but cannot be read, are too large, or too coarse at their printed
    width (measured upright, after EXIF rotation); and a photo without alt text."""
    findings: list[Finding] = []
    for rec in records.get("photos", []):
        file = str(rec["file"])
        if not str(rec["alt_text"]).strip():  # the PDF/UA output needs it, and so do readers
            findings.append(error("E-ALT-TEXT", rec.cells["alt_text"], f"photo '{rec.id}' has no alt text",
                                  "describe in a sentence what the picture shows, for readers who cannot see it"))
        path = find_named(edition, f"images/{file}").resolve() if file else edition
        if not file or not path.is_relative_to((edition / "images").resolve()) or not path.is_file():
            continue  # no image yet, or reported as E-MISSING-FILE while assembling
        try:
            info = inspect(path)
        except TooLarge:
            findings.append(_too_large(rec, f"'images/{file}' has far more than {MAX_PIXELS // 1_000_000} megapixels"))
            continue
        except BadImage as exc:
            findings.append(_bad_image(rec, file, exc))
            continue
        if info.width * info.height > MAX_PIXELS:  # read from the header: nothing was decompressed
            findings.append(_too_large(rec, f"'images/{file}' has {info.width} × {info.height} pixels, more than "
                                            f"{MAX_PIXELS // 1_000_000} megapixels"))
            continue
        try:
            decodes(path)  # only now: a bomb is refused from its header above
        except BadImage as exc:
            findings.append(_bad_image(rec, file, exc))
            continue
        width_mm = spec.width_mm.get(str(rec["width"] or "column"))
        if spec.min_dpi and width_mm:
            dpi = effective_dpi(info, width_mm)
            if dpi < spec.min_dpi:
                need = round(spec.min_dpi * width_mm / 25.4)
                findings.append(warning(
                    "W-PHOTO-RESOLUTION", rec.cells["file"],
                    f"'images/{file}' is {info.width} px wide: {dpi:.0f} dpi at {width_mm:g} mm, "
                    f"print needs {spec.min_dpi} dpi",
                    f"use an image at least {need} px wide, or print it smaller"))
    return findings


def _too_large(rec: Record, message: str) -> Finding:
    return error("E-TOO-LARGE", rec.cells["file"], message,
                 "scale it down (a full A4 page at 300 dpi needs about 9 megapixels)")
