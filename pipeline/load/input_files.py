"""Reading an input file safely: inside its folder, a regular file, bounded in size.

A FIFO where a text file should be would block for ever, a directory or a symlink loop would
raise from deep inside the standard library, and a huge file would be read whole. Each is an
input error naming the file instead."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import zipfile
from pathlib import Path

from pipeline.errors import InputError, Location, error

MAX_TEXT_BYTES = 8_000_000  # a Markdown chapter: its own limit (2 million characters) is checked after decoding


def inside(folder: Path, rel: str, where: Location) -> Path:
    """Resolve a path from the inputs, refusing anything that leaves the folder."""
    root = folder.resolve()
    try:
        path = (folder / rel).resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise InputError(error("E-NOT-A-FILE", where, f"'{rel}' is a symbolic link that points to itself",
                               "replace the link with the file itself")) from None
    if Path(rel).is_absolute() or not path.is_relative_to(root):
        raise InputError(error("E-PATH-OUTSIDE", where, f"'{rel}' points outside the edition folder",
                               "give a path relative to the edition folder, e.g. images/foto.jpg"))
    return path


def regular_file(path: Path, where: Location, shown: str) -> os.stat_result | None:
    """The file's status if it is a regular file, None if it does not exist; otherwise an error."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(error("E-NOT-A-FILE", where, f"'{shown}' cannot be opened: {exc.strerror}",
                               "replace it with an ordinary file")) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe or device, not a file"
        raise InputError(error("E-NOT-A-FILE", where, f"'{shown}' is {kind}",
                               "give the path of an ordinary file (a .md, .csv or image file)"))
    return st


def read_bytes(path: Path, where: Location, shown: str, limit: int) -> bytes | None:
    """The file's bytes, or None if it does not exist. Opened without blocking, checked again
    after opening (the name could have been swapped), never read beyond `limit`."""
    st = regular_file(path, where, shown)
    if st is None:
        return None
    if st.st_size > limit:
        raise InputError(error("E-TOO-LARGE", where, f"'{shown}' has {st.st_size / 1e6:.0f} MB; at most "
                               f"{limit / 1e6:.0f} MB are read", "split it into several files"))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(error("E-NOT-A-FILE", where, f"'{shown}' is not an ordinary file",
                                   "give the path of an ordinary file"))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(error("E-TOO-LARGE", where, f"'{shown}' is larger than {limit / 1e6:.0f} MB",
                               "split it into several files"))
    return data


def find_named(folder: Path, name: str) -> Path:
    """`folder/name`, or the file whose name is the same text in another Unicode form: macOS
    writes 'Grüße.png' decomposed (NFD), a cell holds it composed (NFC)."""
    path = folder / name
    if path.exists() or not folder.is_dir():
        return path
    wanted = unicodedata.normalize("NFC", name)
    parent = path.parent
    if parent.is_dir():
        for candidate in parent.iterdir():
            if unicodedata.normalize("NFC", candidate.name) == unicodedata.normalize("NFC", path.name):
                return candidate
    return folder / wanted


def zip_sizes(source) -> tuple[int, int]:
    """What a zip package (a path or its bytes) unpacks to, and its packed size, read from its
    directory before a byte is decompressed. Raises zipfile.BadZipFile or OSError."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
        infos = z.infolist()
        return sum(i.file_size for i in infos), max(1, sum(i.compress_size for i in infos))


def is_zip_bomb(total: int, packed: int, limit: int, ratio: int = 100) -> bool:
    """Over `limit` unpacked, or (above 10 MB) over `ratio` times its packed size."""
    return total > limit or (total > 10_000_000 and total / packed > ratio)


def zip_too_large(data: bytes, limit: int) -> str | None:
    """Why a zip package (a DOCX) must not be unpacked, or None."""
    try:
        total, packed = zip_sizes(data)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"it is not a readable zip package ({exc})"
    if is_zip_bomb(total, packed, limit):
        return f"it would unpack to {total / 1e6:.0f} MB ({total / packed:.0f} times its size)"
    return None
