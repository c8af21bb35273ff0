"""Writing the built files: all or nothing, at any moment, with the modes colleagues need.

A build's files belong together (the DOCX, the PDF and the manifest that names their hashes),
so a reader must never find the new DOCX beside the old manifest. When the output folder holds
only files of a build, the new set is written into a sibling folder and the two folders are
exchanged in one step (Linux `renameat2(RENAME_EXCHANGE)`): killed at any moment, the folder
holds the complete old set or the complete new one. Elsewhere (another system, a folder with
other files in it) each file is renamed into place; a failure before the renames still leaves
the old files untouched.

Write failures (a full disk, a read-only folder, a file where a folder should be) become one
input-style error naming the path, and no temporary file is left behind. Two builds into one
folder take turns (output_lock: an OS file lock beside the folder)."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import InputError, Location, error
from pipeline.output_lock import output_lock

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGE, _OLD = ".new-", ".old-"


def new_file_mode() -> int:
    """The mode `open()` gives a new file under the current umask (0666 & ~umask): a built file
    must be readable by whoever may read the folder, not only by its builder."""
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def _hint(exc: OSError) -> str:
    return {
        errno.ENOSPC: "the disk is full: free some space, or write to another folder with --out",
        errno.EDQUOT: "your disk quota is used up: free some space, or write to another folder with --out",
        errno.EROFS: "the folder is on a read-only drive: choose another folder with --out",
        errno.EACCES: "you may not write there: choose another folder with --out",
        errno.EPERM: "you may not write there: choose another folder with --out",
        errno.ENOTDIR: "a file has the name of a folder on that path: rename it, or choose another --out",
        errno.EEXIST: "a file has the name of a folder on that path: rename it, or choose another --out",
    }.get(exc.errno, "check the output folder, or choose another one with --out")


def _failed(path: Path, exc: OSError) -> InputError:
    return InputError(error("E-CANNOT-WRITE", Location(file=str(path)),
                            f"cannot write the output: {exc.strerror or exc}", _hint(exc)))


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl+C during the few renames that put a set in place takes effect after them: a set is
    then in place whole (the old one, or the new one), never half of each."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if caught:
            if callable(old):
                old(signal.SIGINT, caught[0])
            elif old == signal.SIG_DFL:
                raise KeyboardInterrupt


def _write(path: Path, data: bytes, mode: int) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)


@functools.cache
def _libc():
    """The C library, looked up once (find_library runs ldconfig), or None off POSIX."""
    name = ctypes.util.find_library("c") if os.name == "posix" else None
    return ctypes.CDLL(name, use_errno=True) if name else None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system or file system cannot."""
    libc = _libc()
    if libc is None or not hasattr(libc, "renameat2"):
        return False
    done = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _leftovers(folder: Path) -> None:
    """Remove what an interrupted earlier write left beside the folder."""
    parent = folder.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith(f".{folder.name}{_STAGE}") or entry.name.startswith(f".{folder.name}{_OLD}"):
            shutil.rmtree(entry, ignore_errors=True)


def write_set(folder: Path, files: dict[str, bytes]) -> None:
    """Write one build's files (name → bytes) into `folder`, all or nothing."""
    with output_lock(folder):
        _write_set(folder, files)


def _write_set(folder: Path, files: dict[str, bytes]) -> None:
    mode = new_file_mode()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _leftovers(folder)
        others = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        if all(name in files for name in others):
            stage = folder.parent / f".{folder.name}{_STAGE}{secrets.token_hex(4)}"
            try:
                stage.mkdir()
                for name, data in files.items():
                    _write(stage / name, data, mode)
                if not folder.exists():
                    os.rename(stage, folder)
                    return
                os.chmod(stage, stat.S_IMODE(folder.stat().st_mode))  # keep the permissions someone gave it
                with _uninterrupted():
                    exchanged = _exchange(stage, folder)
                if exchanged:
                    shutil.rmtree(stage, ignore_errors=True)  # it now holds the old set
                    return
            finally:
                if stage.exists():
                    shutil.rmtree(stage, ignore_errors=True)
        write_atomically({folder / name: data for name, data in files.items()})
    except OSError as exc:
        raise _failed(folder, exc) from None


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name first, then move all into place.

    A failure while writing leaves the previous files untouched and no temporary file behind.
    The temporary files are private (mkstemp: 0600) while written and get the umask's mode
    before they are moved."""
    staged: list[tuple[Path, Path]] = []
    mode = new_file_mode()
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                os.fchmod(fh.fileno(), mode)
        with _uninterrupted():
            for tmp, target in staged:
                os.replace(tmp, target)
    except OSError as exc:
        raise _failed(next(iter(files), Path(".")), exc) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def write_built(out: Path, files: dict[Path, bytes]) -> None:
    """One build's files into `out`, all or nothing."""
    if all(p.parent == out for p in files):
        write_set(out, {p.name: data for p, data in files.items()})
    else:
        write_atomically(files)
