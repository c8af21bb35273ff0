"""One build at a time per output folder: an OS file lock (flock) beside the folder.

Two builds writing into one folder at the same moment would each clear the other's staging
folder (write_outputs), and a reader of the built files could find the other build's set
swapped in under it. The lock file lies beside the folder, not in it (the folder itself is
exchanged whole), as `.NAME.lock`; it is never deleted, since deleting a lock file another
process waits on would let a third one in. The system drops the lock when its holder ends,
however it ends. Where the lock cannot be taken (no flock, a read-only parent), the build goes
on unlocked, as before.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None

_local = threading.local()  # the lock paths this thread holds (re-entrant); other threads open their own


def lock_path(folder: Path) -> Path:
    folder = Path(os.path.abspath(folder))
    return folder.parent / f".{folder.name}.lock"


@contextmanager
def output_lock(folder: Path, say=None) -> Iterator[None]:
    """Hold FOLDER's lock for the block; wait (saying so once) while another build holds it."""
    path = lock_path(folder)
    held = _local.__dict__.setdefault("held", set())
    if str(path) in held:
        yield
        return
    fd = _open(path)
    try:
        if fd is not None:
            _take(fd, folder, say)
        held.add(str(path))
        try:
            yield
        finally:
            held.discard(str(path))
    finally:
        if fd is not None:
            os.close(fd)  # closing drops the lock


def _open(path: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        return None  # the write that follows names the real problem


def _take(fd: int, folder: Path, say) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    except OSError:
        return  # a file system without locks
    (say or _stderr)(f"The output folder {folder} is in use by another build: waiting for it to finish …")
    fcntl.flock(fd, fcntl.LOCK_EX)


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
