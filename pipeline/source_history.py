"""The sources as they were at each build, kept so the Word round trip can merge three ways.

A DOCX handed out today may come back edited in a month, after the sources have changed. Its
custom property names the state of the sources it was built from (runner.source_state); with that
state kept here, absorb can tell the reviewer's edits from the changes made to the sources since
(pipeline/absorb/rebase.py). Kept in the user's cache, not in the folder: the text sources only
(pictures are not needed to compare text), by the state's hash (so a copy of the folder elsewhere
finds them too), the newest KEEP states. With caching off
(BROCHURE_CACHE=off) nothing is kept, and a copy of older sources cannot be merged.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipeline.render.fonts import cache_root, caching_off
from pipeline.sources import input_files

KEEP = 100
SKIP = ("images",)  # pictures: large, and not what a reviewer edits in the text


def _root() -> Path:
    return cache_root() / "sources"


def keep(folder: Path, state: str) -> None:
    """Keep FOLDER's text sources as STATE (once; a full or read-only cache only costs the merge)."""
    if caching_off():
        return
    target = _root() / state
    if target.is_dir():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".new-", dir=target.parent))
        for rel, path in input_files(folder):
            if rel.split("/")[0] in SKIP:
                continue
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, work / rel)
        work.rename(target)
        states = sorted((p for p in target.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.stat().st_mtime)
        for old in states[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass


def find(state: str) -> Path | None:
    """The sources kept in STATE (wherever their folder lay), or None."""
    if caching_off() or not state:
        return None
    kept = _root() / state
    return kept if kept.is_dir() else None
