"""`brochure portal backup DEST` and `restore SRC`: a consistent copy of the data folder, taken
while the server runs.

Every file in the data folder is written to a temporary name and renamed (store.py), so a copy
of one file is always a whole file. What a plain copy can still get wrong is a version caught
between two of its files, e.g. a job.json saying "done" copied before its result.json existed.
So the copy is taken one version at a time, and checked:

- A version is copied, then its job.json is read again; if the job moved on meanwhile (state or
  times changed), that version is copied again (up to ATTEMPTS times).
- A version whose job is still queued or running is kept as *queued*: its draft may be half
  written in the copy, and a server started on the restored folder builds it again (the same
  recovery as after a restart). Its upload is complete: upload.json is written after it.
- A version folder without upload.json is still being made by an upload; it is left out.
- A version deleted while the copy runs is left out.
- tokens/ is written from the towns' own town.json (the hash of their active link), so a link
  and its town always agree in the copy, whatever was added or revoked meanwhile.
- The server's lock, temporary files, scratch folders and DIR/upgrade-backups are not copied.

The copy is made in DEST.partial-… beside DEST and renamed to DEST when it is complete, with
backup.json (time, format, towns, versions) in it. `restore` copies such a folder into a data
folder that no server is using (a folder in use is refused), and the next start upgrades it if
it is of an older format.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.web.portal.folder import exclusive, folder_format
from pipeline.web.portal.store import now, read_json, write_bytes, write_json

ATTEMPTS = 5
MANIFEST = "backup.json"
SKIP_ROOT = {"serve.lock", "upgrade-backups", MANIFEST}


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".")}  # temporary files, scratch folders


def _job_key(version: Path) -> tuple:
    job = read_json(version / "job.json") or {}
    return (job.get("state"), job.get("started"), job.get("finished"), job.get("attempts"),
            (version / "job.json").exists(), (version / "result.json").exists())


def _copy_version(src: Path, dest: Path) -> bool:
    """Copy one version folder so that its files belong together; False if it is left out."""
    if _copy_version_once(src, dest):
        return True
    shutil.rmtree(dest, ignore_errors=True)  # nothing half of a version left out
    return False


def _copy_version_once(src: Path, dest: Path) -> bool:
    settled = copied = False
    for _ in range(ATTEMPTS):
        if not (src / "upload.json").is_file():
            return False  # still being made (or deleted meanwhile)
        before = _job_key(src)
        shutil.rmtree(dest, ignore_errors=True)
        try:
            shutil.copytree(src, dest, ignore=_ignore)
            copied = True
        except (shutil.Error, FileNotFoundError):
            copied = False
            if not src.is_dir():
                return False  # deleted while copied
            time.sleep(0.05)
            continue
        if _job_key(src) == before:
            settled = True
            break
        time.sleep(0.05)
    if not copied or not src.is_dir() or not (dest / "upload.json").is_file():
        return False
    job = read_json(dest / "job.json")
    if not settled or job is None or job.get("state") in ("queued", "running"):
        # caught in between (or its job kept moving): the upload is whole, the draft is built again
        job = job or {"attempts": 0}
        if job.get("state") == "running":  # the copy interrupted it, not a restart of the server
            job["attempts"] = max(0, job.get("attempts", 1) - 1)
        elif job.get("state") in ("done", "failed"):  # finished while copied: built afresh
            job["attempts"] = 0
        job.update(state="queued", queued=job.get("queued") or now(), restored_from_backup=True)
        write_json(dest / "job.json", job)
    return True


def _copy_town(src: Path, dest: Path) -> int:
    dest.mkdir(parents=True)
    for entry in sorted(src.iterdir()):
        if entry.name.startswith(".") or entry.name == "versions":
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, ignore=_ignore)
        elif entry.is_file():
            shutil.copy2(entry, dest / entry.name)
    kept = 0
    if (src / "versions").is_dir():
        (dest / "versions").mkdir()
        for version in sorted((src / "versions").iterdir(), key=lambda p: p.name):
            if version.name.isdigit() and version.is_dir():
                kept += _copy_version(version, dest / "versions" / version.name)
    return kept


def snapshot(root: Path, dest: Path) -> dict:
    """Copy the data folder ROOT into DEST (which must not exist yet); return what was copied."""
    root, dest = Path(root).resolve(), Path(dest).resolve()
    towns = versions = 0
    dest.mkdir(parents=True)
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name.startswith(".") or name in SKIP_ROOT or name in ("towns", "tokens"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / name, ignore=_ignore)
        elif entry.is_file():
            shutil.copy2(entry, dest / name)
    (dest / "towns").mkdir()
    (dest / "tokens").mkdir()
    for town in sorted((root / "towns").iterdir()) if (root / "towns").is_dir() else []:
        if town.name.startswith(".") or not (town / "town.json").is_file():
            continue
        versions += _copy_town(town, dest / "towns" / town.name)
        towns += 1
        data = read_json(dest / "towns" / town.name / "town.json") or {}
        digest = data.get("token_sha256")
        if digest and not data.get("revoked") and all(c in "0123456789abcdef" for c in digest):
            write_bytes(dest / "tokens" / digest, town.name.encode())
    summary = {"taken": now(), "source": str(root), "format": folder_format(root), "towns": towns, "versions": versions}
    write_json(dest / MANIFEST, summary)
    return summary


def backup(root: Path, dest: Path) -> dict:
    """A consistent copy of the data folder ROOT as the folder DEST, made beside it and renamed
    into place when complete (DEST must not exist)."""
    root, dest = Path(root).resolve(), Path(dest).resolve()
    if not (root / "towns").is_dir():
        raise FileNotFoundError(f"{root} is no portal data folder (no towns/ in it)")
    if dest.exists():
        raise FileExistsError(f"{dest} exists; give a new folder")
    if dest == root or root in dest.parents and dest.parts[len(root.parts)] != "upgrade-backups":
        raise ValueError("the backup cannot go inside the data folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        summary = snapshot(root, work / "copy")
        os.chmod(work / "copy", 0o700)
        os.replace(work / "copy", dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def restore(src: Path, root: Path, replace: bool = False) -> dict:
    """Put the backup SRC in place as the data folder ROOT. ROOT must be empty or absent, or
    REPLACE given: then the folder there is kept beside it as ROOT.before-restore-<time>.
    Refused while a server uses ROOT."""
    src, root = Path(src).resolve(), Path(root).resolve()
    summary = read_json(src / MANIFEST)
    if summary is None or not (src / "towns").is_dir():
        raise FileNotFoundError(f"{src} is no portal backup (no {MANIFEST} in it)")
    in_use = root.exists() and any(p.name != "serve.lock" for p in root.iterdir())
    if in_use and not replace:
        raise FileExistsError(f"{root} is not empty; give --replace to set it aside and restore in its place")
    root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{root.name}.restore-", dir=root.parent))
    try:
        shutil.copytree(src, work / "data", ignore=lambda d, names: {MANIFEST} & set(names) if d == str(src) else set())
        os.chmod(work / "data", 0o700)
        if root.exists():
            with exclusive(root):
                aside = root.with_name(f"{root.name}.before-restore-{now().replace(':', '')}")
                os.replace(root, aside) if in_use else shutil.rmtree(root)
                summary["set_aside"] = str(aside) if in_use else None
        os.replace(work / "data", root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary
