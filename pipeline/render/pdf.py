"""Content tree → PDF, typeset by the embedded Typst compiler.

The tree goes to Typst as a JSON file, `/content.json` in the compiler's root (a scratch folder),
which the template reads with `json()` and prints as strings, so input text is never Typst markup.
The root holds nothing else but the prepared pictures, named by content hash, and the small data
files beside them (`assets.json`, `pads.json`, `links.txt`, `phones.txt`, `uris.json`); `sys.inputs` stays empty (Typesetter
says why). Fonts come only from pip-installed font packages and the template folder; system fonts
are ignored and the timestamp is fixed, so the same inputs give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from pathlib import Path

import typst

from pipeline.render.artwork import Artwork, Asset
from pipeline.load import links
from pipeline.render.fonts import put_cached, scratch_root, typst_font_paths
from pipeline.errors import InputError
from pipeline.tree import Document, to_data
from pipeline.render.typst_errors import typeset_findings
from pipeline.render.pdf_pages import chapter_spans, page_limit_finding
from pipeline.load import type_folders

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


def _unpadded(spans: list[dict], pads: dict[str, int]) -> list[dict]:
    """The chapter spans the PDF would have without the blank pages `pads` added."""
    out, shift = [], 0
    for span in spans:
        start = span["start"] - shift
        shift += pads.get(span["id"], 0)
        out.append({**span, "start": start, "end": span["end"] - shift})
    return out


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def typst_source(files: list[Path]) -> bytes:
    """The template's Typst files joined in order: a shared block library, then the type's look.

    Joining (rather than #import) keeps a scratch folder of prepared pictures the compiler's only root, so a
    document can read its own images and nothing else."""
    return b"\n".join(f.read_bytes() for f in files)


class Typesetter:
    """One warm Typst compiler over one scratch root, for one template.

    Everything the document reads comes from files in the root (`content.json`, `assets.json`,
    `pads.json`, the pictures by content hash), never from `sys.inputs`: a changed `sys.inputs`
    value throws away all of Typst's memoised work, while a changed file invalidates only what
    reads it. So the padding pass after the first costs a fraction of it, and a process that
    lives on (the preview, a batch worker, the portal's workers) re-typesets an edit in the
    time the pages it touches take. The bytes are those of a fresh compiler."""

    def __init__(self, typst_files: list[Path]):
        self.files = list(typst_files)
        self._dir = scratch_root(self, "brochure-typst-")
        self.root = Path(self._dir.name)
        self.compiler = typst.Compiler(root=str(self.root), font_paths=font_paths(self.files[-1].parent),
                                       ignore_system_fonts=True)
        self._written: dict[str, bytes] = {}
        self._pads: dict[str, dict[str, int]] = {}  # last padding per document (title, chapters, template)
        self.lock = threading.Lock()  # one document at a time in a root

    def put(self, name: str, data: bytes) -> None:
        """A file in the root; rewritten only when its bytes change."""
        if self._written.get(name) != data:
            Path(self.root, name).write_bytes(data)
            self._written[name] = data

    def typeset(self, doc: Document, assets: dict[str, Asset], total_pages: int | None = None,
                multiple_of: int | None = None) -> bytes:
        index = {}
        for name, asset in assets.items():
            file = f"{hashlib.sha256(asset.data).hexdigest()[:20]}.{asset.ext}"
            self.put(file, asset.data)
            index[name] = {"file": file, "width_mm": asset.width_mm}
        data = to_data(doc)
        self.put("content.json", json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
        self.put("uris.json", json.dumps(links.non_ascii_targets(_strings(data)), sort_keys=True).encode())
        self.put("assets.json", json.dumps(index, sort_keys=True).encode())
        self.put("links.txt", links.PATTERN.encode())
        self.put("phones.txt", links.PHONE.encode())
        options = {"input": typst_source(self.files), "pdf_standards": ["ua-1"], "timestamp": timestamp(doc),
                   "sys_inputs": {}}
        budgets = {c.id: c.pages for c in doc.chapters if c.pages}
        ids = [c.id for c in doc.chapters]
        try:
            if not (budgets or total_pages or multiple_of):  # only then can blank pages be needed
                return self._compile({}, options)
            # Start from the padding this document had last time: if the edit moved no chapter
            # end, that one pass is the PDF that an unpadded pass and a padded one give (blank
            # pages only follow a chapter's text), and it is checked to be so.
            key = hashlib.sha256(json.dumps([doc.meta.title, ids, str(self.files)]).encode()).hexdigest()[:24]
            guess = self._pads.get(key) or _stored_pads(key)
            for _ in range(2 if guess else 0):  # the guess, then what its pass says is needed
                pdf = self._compile(guess, options)
                spans = chapter_spans(pdf, ids)
                needed = _padding(_unpadded(spans, guess), budgets, total_pages, multiple_of) if spans else None
                if needed == guess:
                    if self._pads.get(key) != guess:
                        self._pads[key] = guess
                        _store_pads(key, guess)
                    return pdf
                if not needed:
                    break
                guess = needed
            pdf = self._compile({}, options)
            spans = chapter_spans(pdf, ids)
            pads = _padding(spans, budgets, total_pages, multiple_of) if spans else {}
            self._pads[key] = pads
            _store_pads(key, pads)
            return self._compile(pads, options) if pads else pdf
        except RuntimeError as exc:
            # Typst reports problems in the template or with an image; name file and line, don't trace.
            raise InputError(typeset_findings(exc, self.files)) from None

    def _compile(self, pads: dict[str, int], options: dict) -> bytes:
        self.put("pads.json", json.dumps(pads, sort_keys=True).encode())
        pdf = self.compiler.compile(**options)
        # every later step reads the pages: a runaway type is stopped here, at its file
        if found := page_limit_finding(pdf, type_folders.shown(self.files[-1]), "the typeset PDF"):
            raise InputError(found)
        return pdf

    def close(self) -> None:
        self._dir.cleanup()


def _pads_file(key: str) -> Path | None:
    from pipeline.render.artwork import cache_folder
    folder = cache_folder()
    return None if folder is None else folder.parent / "pads" / f"{key}.json"


def _stored_pads(key: str) -> dict[str, int]:
    """The padding a document had in an earlier process: only a first guess, checked as above."""
    path = _pads_file(key)
    try:
        pads = json.loads(path.read_text()) if path else {}
    except (OSError, ValueError):
        return {}
    return pads if isinstance(pads, dict) and all(isinstance(v, int) for v in pads.values()) else {}


def _store_pads(key: str, pads: dict[str, int]) -> None:
    path = _pads_file(key)
    if path is not None:
        put_cached(path, json.dumps(pads, sort_keys=True).encode())  # only a guess for the next process


_warm: dict[tuple, Typesetter] = {}
_warm_lock = threading.Lock()


def typesetter(typst_files: list[Path]) -> Typesetter:
    """This process's warm typesetter for a template (made on first use)."""
    key = tuple(str(f) for f in typst_files) + tuple(font_paths(typst_files[-1].parent))
    with _warm_lock:
        if key not in _warm:
            _warm[key] = Typesetter(typst_files)
        return _warm[key]


def render_pdf(doc: Document, typst_files: list[Path], edition_folder: Path, total_pages: int | None = None,
               multiple_of: int | None = None, artwork: Artwork | None = None) -> bytes:
    """Typeset the tree; a second pass adds the blank pages that page budgets call for.

    The compiler's root is a scratch folder holding only the content and its small data files as
    JSON and the prepared pictures (charts as SVG, photos upright in sRGB), named by content hash,
    so the document can read nothing else."""
    artwork = artwork or Artwork(edition_folder)
    setter = typesetter(typst_files)
    with setter.lock:
        return setter.typeset(doc, artwork.all(doc, "pdf"), total_pages, multiple_of)
