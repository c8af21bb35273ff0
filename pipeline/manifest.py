"""What a build writes next to its documents: content.json and manifest.json.

content.json is the assembled content tree (chapters, sections, blocks) plus every record with
its id, so `brochure diff` can compare two editions by meaning rather than by bytes.
manifest.json lists every input with its sha256, the versions of the pipeline and of the
libraries that shaped the output, and every output with its sha256 (and the PDF's pages per
chapter). Neither holds a timestamp: the same inputs give the same manifest, which proves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipeline import __version__
from pipeline.load import type_folders
from pipeline.load.records import Record
from pipeline.load.when import When
from pipeline.sources import input_files
from pipeline.tree import Document, to_data
from pipeline.verify.read_back import chapter_spans, page_count

CONTENT = "content.json"
MANIFEST = "manifest.json"
# The packages whose versions change the bytes or the reading of what is built.
LIBRARIES = ("typst", "python-docx", "lxml", "pypdf", "pypdfium2", "markdown-it-py", "mdit-py-plugins", "babel",
             "openpyxl", "font-source-sans-pro", "font-source-serif-pro")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, When):
        return value.text  # as printed: '5./6. Februar 2010'
    return value


def record_key(rec: Record) -> str:
    """A record's identity across editions: its id, or its row for tables without ids."""
    return rec.id or f"row {rec.row}"


def content_json(document: Document, records: dict[str, list[Record]]) -> bytes:
    data = {
        "format": 1,
        "document": to_data(document),
        "records": {table: [{"id": record_key(r), "row": r.row, "values": {k: _plain(v) for k, v in r.values.items()}}
                            for r in rows]
                    for table, rows in sorted(records.items()) if rows},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _files(root: Path, base: Path, read: dict[str, bytes] | None = None) -> list[dict]:
    """Every file below ROOT with its sha256; a file the loaders READ is hashed from those bytes."""
    out = []
    for rel, path in input_files(root, base):
        if read is not None and rel in read:
            out.append({"path": rel, "sha256": sha256(read[rel])})
            continue
        with open(path, "rb") as fh:  # streamed: an unused 3 GB file must not be read into memory
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        out.append({"path": rel, "sha256": digest})
    return out


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def manifest_json(edition_folder: Path, template_folder: Path, document: Document,
                  outputs: dict[Path, bytes], read: dict[str, bytes] | None = None,
                  typst: list[Path] | None = None) -> bytes:
    """The manifest for OUTPUTS (documents and content.json), all written into one folder."""
    listed = []
    for path, data in sorted(outputs.items(), key=lambda kv: kv[0].name):
        entry: dict = {"path": path.name, "sha256": sha256(data), "bytes": len(data)}
        if path.suffix == ".pdf":
            entry["pages"] = page_count(data)
            spans = chapter_spans(data, [c.id for c in document.chapters]) or []
            titles = {c.id: c.title for c in document.chapters}
            entry["chapters"] = [{"id": s["id"], "title": titles[s["id"]], "start": s["start"], "end": s["end"]}
                                 for s in spans]
        listed.append(entry)
    data = {
        "manifest": 1,
        "edition": edition_folder.resolve().name,
        "pipeline": {"name": "brochure-pipeline", "version": __version__},
        "libraries": {name: _version(name) for name in LIBRARIES},
        "template": {"name": template_folder.name, "files": _template_files(template_folder, typst or [])},
        "inputs": _files(edition_folder, edition_folder, read),
        "outputs": listed,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _template_files(template_folder: Path, typst: list[Path]) -> list[dict]:
    """The type's own files and the Typst files it joins from elsewhere (the shared library: for
    a type outside the checkout, maybe the shipped one). Each is named within its folder of
    types, `templates/…` in the shipped one, so the manifest is the same on every machine."""
    paths = [path for _, path in input_files(template_folder)]
    paths += [p for p in typst if p.is_file() and not p.resolve().is_relative_to(template_folder.resolve())]
    out = []
    for path in paths:
        with open(path, "rb") as fh:
            out.append({"path": _named(path), "sha256": hashlib.file_digest(fh, "sha256").hexdigest()})
    return out


def _named(path: Path) -> str:
    if type_folders.shipped(path):
        return "templates/" + path.resolve().relative_to(type_folders.SHIPPED.resolve()).as_posix()
    outside = type_folders.outside_root()
    if outside and path.resolve().is_relative_to(outside.resolve()):
        return path.resolve().relative_to(outside.resolve()).as_posix()
    return f"{path.parent.name}/{path.name}"


def with_manifest(edition_folder: Path, template_folder: Path, document: Document,
                  records: dict[str, list[Record]], files: dict[Path, bytes],
                  read: dict[str, bytes] | None = None, typst: list[Path] | None = None) -> dict[Path, bytes]:
    """FILES plus content.json and manifest.json in the same folder; READ: the inputs as the
    loaders read them (hashed from those bytes); TYPST: the type's Typst files as joined."""
    out = next(iter(files)).parent
    files = {**files, out / CONTENT: content_json(document, records)}
    files[out / MANIFEST] = manifest_json(edition_folder, template_folder, document, files, read, typst)
    return files
