"""Running the portal: the data folder's format version and its upgrades, and the health check.

The data folder carries its format in DIR/format.json ({"format": N}). A folder without that
file but with towns or a secret in it was written before formats were numbered: format 1.
`prepare()` runs on `brochure serve` and on every `brochure portal …` command: a folder of an
older format is first backed up (DIR/upgrade-backups/format-<old>-<time>/, by the same
consistent copy as `brochure portal backup`), then upgraded one step at a time; a folder of a
newer format than this program knows is refused, so an old program never writes into it.

Format 2 (this one) differs from format 1 in:
- DIR/format.json exists;
- every town.json has "id" and "notify" ({"email": null}: where a finished draft is announced,
  see mail.py), so the ministry edits one place per town;
- no leftovers of interrupted work (`.*.tmp` files, `.entwurf-*` scratch folders, `.geloescht-*`
  folders of a deletion) remain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.web.portal.backup import backup
from pipeline.web.portal.folder import FORMAT, FORMAT_FILE, FormatError, exclusive, folder_format
from pipeline.web.portal.store import now, read_json, write_json

UPGRADE_BACKUPS = "upgrade-backups"
__all__ = ["FORMAT", "FormatError", "exclusive", "folder_format", "prepare", "prepare_or_exit", "healthy"]


def _to_2(root: Path) -> None:
    for town_json in sorted((root / "towns").glob("*/town.json")):
        data = read_json(town_json)
        if data is None:
            continue
        data.setdefault("id", town_json.parent.name)
        notify = data.get("notify")
        data["notify"] = notify if isinstance(notify, dict) else {"email": None}
        write_json(town_json, data)
    for leftover in sorted(root.rglob(".*.tmp")):
        if leftover.is_file() and UPGRADE_BACKUPS not in leftover.relative_to(root).parts:
            leftover.unlink()
    for scratch in sorted([*(root / "towns").glob("*/.entwurf-*"), *(root / "towns").glob("*/.geloescht-*")]):
        shutil.rmtree(scratch, ignore_errors=True)


# format N → N + 1
MIGRATIONS = {1: _to_2}


def prepare(root: Path, echo=print) -> int:
    """Make the data folder at ROOT current: stamp a new one, back up and upgrade an old one,
    refuse a newer one. Returns the format found before."""
    root = Path(root)
    found = folder_format(root)
    if found == FORMAT:
        return found
    if found is not None and found > FORMAT:
        raise FormatError(f"{root} has data format {found}, but this brochure knows formats up to {FORMAT}: "
                          "install the newer brochure that wrote it")
    root.mkdir(parents=True, exist_ok=True)
    if found is None:
        write_json(root / FORMAT_FILE, {"format": FORMAT, "created": now()})
        return FORMAT
    with exclusive(root):
        stamp = now().replace(":", "").replace("+", "p")
        saved = root / UPGRADE_BACKUPS / f"format-{found}-{stamp}"
        backup(root, saved)
        echo(f"Data folder {root} has format {found}; backed up to {saved} before the upgrade.")
        steps = []
        for n in range(found, FORMAT):
            MIGRATIONS[n](root)
            steps.append(f"{n}→{n + 1}")
        history = (read_json(root / FORMAT_FILE) or {}).get("upgrades", [])
        write_json(root / FORMAT_FILE, {"format": FORMAT, "upgrades": history + [{"from": found, "at": now(),
                                                                                "backup": str(saved)}]})
        echo(f"Upgraded {root} to data format {FORMAT} ({', '.join(steps)}).")
    return found


def prepare_or_exit(root: Path, echo=print) -> None:
    """prepare() for the command line: a refusal is a message and exit status 1."""
    import sys
    try:
        prepare(root, echo)
    except (FormatError, RuntimeError) as exc:
        echo(f"Error: {exc}")
        sys.exit(1)


# -- health ------------------------------------------------------------------------------------
def healthy(portal) -> bool:
    """True when the data folder can be read and the draft workers run: the dispatcher thread is
    alive and so is every worker process (warming up counts as alive). Says nothing else."""
    root = portal.store.root
    try:
        (root / "towns").stat()
        next(iter((root / "towns").iterdir()), None)
        if folder_format(root) != FORMAT:
            return False
    except (OSError, FormatError):
        return False
    pool = portal.pool
    thread = getattr(pool, "_thread", None)
    if thread is None or not thread.is_alive() or pool._stop.is_set() or not pool.workers:
        return False
    return all(w.process.is_alive() for w in list(pool.workers))
