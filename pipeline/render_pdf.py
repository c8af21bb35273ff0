"""Content tree → PDF, typeset by the embedded Typst compiler.

The tree goes to Typst as JSON data (sys.inputs), so input text is never Typst markup. Fonts
come only from pip-installed font packages and the template folder; system fonts are ignored
and the timestamp is fixed, so the same inputs give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import os
from pathlib import Path

import typst

from .errors import InputError, Location, error
from .tree import Document, to_data

FONT_PACKAGES = ("font_source_sans_pro", "font_source_serif_pro")


def font_paths(template_folder: Path) -> list[str]:
    paths = [str(importlib.resources.files(pkg) / "files") for pkg in FONT_PACKAGES]
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


def render_pdf(doc: Document, typst_template: Path, edition_folder: Path) -> bytes:
    data = json.dumps(to_data(doc), ensure_ascii=False, sort_keys=True)
    try:
        return typst.compile(
            typst_template.read_bytes(),
            root=str(edition_folder.resolve()),
            font_paths=font_paths(typst_template.parent),
            ignore_system_fonts=True,
            sys_inputs={"content": data},
            pdf_standards=["ua-1"],
            timestamp=timestamp(doc),
        )
    except RuntimeError as exc:
        # Typst reports problems in the template or with an image; name them, don't trace.
        raise InputError(error("E-TYPESET", Location(file=str(typst_template.name)),
                               f"the PDF could not be typeset: {str(exc).strip()[:800]}",
                               "check the image files named above; if none is named, the template has a bug")) from None
