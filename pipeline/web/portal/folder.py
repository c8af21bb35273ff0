"""The data folder as a whole: its format number (DIR/format.json) and the lock `serve` holds."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from pipeline.web.portal.store import DATA_FORMAT, read_json

FORMAT = DATA_FORMAT
FORMAT_FILE = "format.json"
LOCK = "serve.lock"


class FormatError(RuntimeError):
    pass


def folder_format(root: Path) -> int | None:
    """The format of the data folder at ROOT; None for a folder that holds no portal yet. A
    folder with towns or a secret but no format.json was written before formats were numbered:
    format 1."""
    root = Path(root)
    data = read_json(root / FORMAT_FILE)
    if data is not None:
        value = data.get("format")
        if not isinstance(value, int) or value < 1:
            raise FormatError(f"{root / FORMAT_FILE} holds no format number")
        return value
    if (root / "towns").is_dir() or (root / "secret").is_file():
        return 1
    return None


@contextmanager
def exclusive(root: Path):
    """The lock `brochure serve` holds on its data folder, for work that no running server may
    see half done (an upgrade, a restore). Raises RuntimeError if a server holds it."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RuntimeError(f"a 'brochure serve' is running on {root}; stop it first") from None
        yield
    finally:
        os.close(fd)
