"""Rebuilds that reuse what did not change: a build whose inputs are all unchanged is not
rendered again, its files come from the last build of the same edition folder.

The key is a hash of everything the files' bytes and the build's findings depend on: every file
of the edition folder (path and bytes), every file under templates/ and under the
BROCHURE_TEMPLATES folder, the pipeline's own source, the versions of the installed libraries and of Python, SOURCE_DATE_EPOCH, and the options (formats,
--allow-missing). Any change to one of them is a different key, and the build runs in full. The
cached files are the bytes that build wrote, so a cached rebuild and a cold build give identical
files (tests/test_build_speed.py). One entry per edition folder is kept, so the cache does not
grow with the number of rebuilds.

This module imports nothing heavy: a rebuild that hits the cache loads neither Typst, python-docx
nor the readers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pipeline.build_result import BuildResult
from pipeline.errors import Finding
from pipeline.render.fonts import cache_root, caching_off

FORMAT = "brochure-build-cache-1"
PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"


def _tree_digest(h, root: Path, base: Path) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        with open(path, "rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())


@functools.cache
def _code_digest(outside: str) -> str:
    """The pipeline's source, the types' folders and every installed library version: fixed for
    a process and a BROCHURE_TEMPLATES (OUTSIDE)."""
    h = hashlib.sha256(FORMAT.encode())
    _tree_digest(h, PACKAGE, PACKAGE)
    # Both folders a type may come from (pipeline/load/type_folders.py): an outside type may use
    # the shipped shared library, so a change to either is a different key.
    _tree_digest(h, TEMPLATES, TEMPLATES)
    if outside and Path(outside).is_dir() and Path(outside).resolve() != TEMPLATES.resolve():
        h.update(b"outside\0")
        _tree_digest(h, Path(outside), Path(outside))
    h.update(sys.version.encode())
    h.update(";".join(_installed()).encode())
    return h.hexdigest()


def _installed() -> list[str]:
    """Every installed distribution as its metadata folder's name ('lxml-6.0.2.dist-info'):
    name and version without parsing each METADATA file (that costs a third of a second)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def build_key(folder: Path, formats: tuple[str, ...], allow_missing: bool) -> str:
    h = hashlib.sha256(_code_digest(os.environ.get("BROCHURE_TEMPLATES", "")).encode())
    folder = Path(folder).resolve()
    h.update(json.dumps([folder.name, list(formats), allow_missing, os.environ.get("SOURCE_DATE_EPOCH", "")]).encode())
    _tree_digest(h, folder, folder)
    return h.hexdigest()


def _entry(folder: Path) -> Path | None:
    if caching_off():
        return None
    where = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:24]
    return cache_root() / "builds" / where


def lookup(folder: Path, key: str) -> tuple[dict[str, bytes], dict] | None:
    """The files (by name) and the result of the last build of FOLDER, if its key is KEY."""
    entry = _entry(folder)
    if entry is None:
        return None
    try:
        meta = json.loads((entry / "result.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        files = {name: (entry / "files" / name).read_bytes() for name in meta["files"]}
    except (OSError, ValueError, KeyError):
        return None
    if any(hashlib.sha256(data).hexdigest() != meta["files"][name] for name, data in files.items()):
        return None  # a damaged entry: build again
    meta["warnings"] = [Finding.from_dict(f) for f in meta["warnings"]]
    meta["output_errors"] = [Finding.from_dict(f) for f in meta["output_errors"]]
    return files, meta


def store(folder: Path, key: str, files: dict[str, bytes], result: dict) -> None:
    """Keep this build's files and result as FOLDER's entry (replacing the previous one)."""
    entry = _entry(folder)
    if entry is None:
        return
    meta = {**result, "key": key, "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
            "warnings": [f.to_dict() for f in result["warnings"]],
            "output_errors": [f.to_dict() for f in result["output_errors"]]}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".new-", dir=entry.parent))
        (work / "files").mkdir()
        for name, data in files.items():
            (work / "files" / name).write_bytes(data)
        (work / "result.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        old = entry.with_name(entry.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if entry.exists():
            entry.rename(old)
        work.rename(entry)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a read-only or full cache, or another build of the folder at the same moment: only costs time


def cached_build(folder: Path, out: Path, formats: tuple[str, ...], allow_missing: bool = False):
    """`brochure build`: the files of the last build when nothing it depends on changed, else a
    full build (whose files and result are then kept). Builds into one OUT take turns: the files
    kept are the ones this build wrote."""
    from pipeline.output_lock import output_lock
    with output_lock(out):
        return _cached_build(folder, out, formats, allow_missing)


def _cached_build(folder: Path, out: Path, formats: tuple[str, ...], allow_missing: bool):
    start = time.perf_counter()
    key = build_key(folder, formats, allow_missing)
    hit = lookup(folder, key)
    if hit is not None:
        files, meta = hit
        from pipeline.write_outputs import write_set
        write_set(Path(out), files)
        return BuildResult(edition=meta["edition"], files=[Path(out) / n for n in meta["outputs"]],
                           pages=meta["pages"], chapters=meta["chapters"], seconds=time.perf_counter() - start,
                           warnings=meta["warnings"], output_errors=meta["output_errors"],
                           layout_notes=meta.get("layout_notes", []), reused=True)
    from pipeline.build import build
    result = build(folder, out, formats, allow_missing)
    written = sorted(p.name for p in Path(out).iterdir() if p.is_file() and p.name in _written_names(result))
    store(folder, key, {n: (Path(out) / n).read_bytes() for n in written},
          {"edition": result.edition, "outputs": [p.name for p in result.files], "pages": result.pages,
           "chapters": result.chapters, "warnings": result.warnings, "output_errors": result.output_errors,
           "layout_notes": result.layout_notes})
    return result


def _written_names(result: BuildResult) -> set[str]:
    """The documents plus the manifest and content files written beside them."""
    return {p.name for p in result.files} | {"manifest.json", "content.json"}
