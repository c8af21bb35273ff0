"""Content tree → PDF, typeset by the embedded Typst compiler.

The tree goes to Typst as JSON data (sys.inputs), so input text is never Typst markup. Fonts
come only from pip-installed font packages and the template folder; system fonts are ignored
and the timestamp is fixed, so the same inputs give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path

import typst

from .artwork import Artwork
from . import links
from .fonts import typst_font_paths
from .errors import InputError, Location, error
from .tree import Document, to_data
from .verify import chapter_spans

def font_paths(template_folder: Path) -> list[str]:
    paths = typst_font_paths()
    own = template_folder / "fonts"
    if own.is_dir():
        paths.append(str(own))
    return paths


def timestamp(doc: Document) -> int:
    """SOURCE_DATE_EPOCH if set (reproducible-builds convention), else the edition date."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    date = dt.date.fromisoformat(doc.meta.date)
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())


def _padding(spans: list[dict], budgets: dict[str, int], total: int | None, multiple_of: int | None) -> dict[str, int]:
    """Blank pages per chapter: fill each chapter's page budget, then bring the whole brochure
    to the required page count (or the next multiple for the binding) before its last chapter."""
    pads: dict[str, int] = {}
    for span in spans:
        used = span["end"] - span["start"] + 1
        budget = budgets.get(span["id"])
        if budget and used < budget:
            pads[span["id"]] = budget - used
    if len(spans) >= 2:
        pages = spans[-1]["end"] + sum(pads.values())
        extra = 0
        if total:
            extra = max(0, total - pages)  # an overrun is the check's to report, not to pad
        elif multiple_of and pages % multiple_of:
            extra = multiple_of - pages % multiple_of
        if extra:
            before_last = spans[-2]["id"]
            pads[before_last] = pads.get(before_last, 0) + extra
    return pads


def typst_source(files: list[Path]) -> bytes:
    """The template's Typst files joined in order: a shared block library, then the type's look.

    Joining (rather than #import) keeps a scratch folder of prepared pictures the compiler's only root, so a
    document can read its own images and nothing else."""
    return b"\n".join(f.read_bytes() for f in files)


def render_pdf(doc: Document, typst_files: list[Path], edition_folder: Path, total_pages: int | None = None,
               multiple_of: int | None = None, artwork: Artwork | None = None) -> bytes:
    """Typeset the tree; a second pass adds the blank pages that page budgets call for.

    The compiler's root is a scratch folder holding only the prepared pictures (charts as SVG,
    photos upright in sRGB), named by content hash, so the document can read nothing else."""
    artwork = artwork or Artwork(edition_folder)
    with tempfile.TemporaryDirectory(prefix="brochure-typst-") as root:
        assets = {}
        for name, asset in artwork.all(doc, "pdf").items():
            file = f"{hashlib.sha256(asset.data).hexdigest()[:20]}.{asset.ext}"
            Path(root, file).write_bytes(asset.data)
            assets[name] = {"file": file, "width_mm": asset.width_mm}
        return _typeset(doc, typst_files, Path(root), assets, total_pages, multiple_of)


def _typeset(doc: Document, typst_files: list[Path], root: Path, assets: dict, total_pages: int | None,
             multiple_of: int | None) -> bytes:
    data = json.dumps(to_data(doc), ensure_ascii=False, sort_keys=True)
    inputs = {"content": data, "assets": json.dumps(assets, sort_keys=True), "links": links.PATTERN}
    main = typst_files[-1]
    try:
        compiler = typst.Compiler(
            root=str(root),
            font_paths=font_paths(main.parent),
            ignore_system_fonts=True,
        )
        options = {"input": typst_source(typst_files), "pdf_standards": ["ua-1"], "timestamp": timestamp(doc)}
        pdf = compiler.compile(sys_inputs=inputs, **options)
        budgets = {c.id: c.pages for c in doc.chapters if c.pages}
        pads: dict[str, int] = {}
        if budgets or total_pages or multiple_of:  # only then can blank pages be needed
            spans = chapter_spans(pdf, [c.id for c in doc.chapters])
            pads = _padding(spans, budgets, total_pages, multiple_of) if spans else {}
        if pads:
            pdf = compiler.compile(sys_inputs={**inputs, "pads": json.dumps(pads, sort_keys=True)}, **options)
        return pdf
    except RuntimeError as exc:
        # Typst reports problems in the template or with an image; name them, don't trace.
        raise InputError(error("E-TYPESET", Location(file=str(main.name)),
                               f"the PDF could not be typeset: {str(exc).strip()[:800]}",
                               "check the image files named above; if none is named, the template has a bug")) from None
