"""Where brochure types live, and how findings name their files.

Types ship in templates/ next to the package. Whoever runs the engine may set BROCHURE_TEMPLATES
to a folder of further types outside the checkout (never an edition: a type's Typst code runs).
A name is looked up in that folder first, then in templates/, so an outside type may replace a
shipped one of the same name while the shipped types stay usable.

An outside type need not carry a copy of the shared Typst library: a `typst:` entry
`../common/<file>` that is not a file next to the type is the shipped templates/common/<file>
(a frozen copy is how an older type drifted from the library it was written against).

Findings name a shipped type's files `templates/<type>/…`, as the docs do, and an outside type's
by their real path: relative to the current directory when below it, else absolute.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_FILE = "template.yaml"
SHARED = "../common/"  # how a type's `typst:` names the shared library


def outside_root() -> Path | None:
    """The BROCHURE_TEMPLATES folder, unless it is unset or the shipped folder itself."""
    env = os.environ.get("BROCHURE_TEMPLATES")
    if not env:
        return None
    root = Path(env)
    return None if _same(root, SHIPPED) else root


def roots() -> list[Path]:
    """The folders a type name is looked up in, in order."""
    outside = outside_root()
    return [outside, SHIPPED] if outside else [SHIPPED]


def find(name: str) -> Path | None:
    """The folder of type NAME: the outside one wins over a shipped one of the same name."""
    for root in roots():
        if (root / name / TEMPLATE_FILE).is_file():
            return root / name
    return None


def known() -> list[str]:
    """Every type name either folder offers."""
    names = set()
    for root in roots():
        if root.is_dir():
            names.update(p.name for p in root.iterdir() if (p / TEMPLATE_FILE).is_file())
    return sorted(names)


def typst_file(folder: Path, entry: str) -> Path:
    """The file a `typst:` entry of the type in FOLDER names (see the module's docstring)."""
    own = folder / entry
    rest = entry[len(SHARED):] if entry.startswith(SHARED) else ""
    if own.is_file() or not rest or "/" in rest or rest in (".", ".."):
        return own
    shipped = SHIPPED / "common" / rest
    return shipped if shipped.is_file() else own


def leaves(folder: Path, entry: str, shared: bool = False) -> str | None:
    """Why file ENTRY of the type in FOLDER is not one of the type's own files, or None when it is.

    A type's files are read, printed and compiled, so each must lie in its folder after every
    `..` and symlink is followed: never an absolute path, a URL, a Windows path or a link out.
    With SHARED (a `typst:` entry), `../common/<file>` may also be a file of the shared library."""
    if "\\" in entry:
        return "uses backslashes; write paths with / (relative to the type's folder)"
    if _URL.match(entry) or entry.startswith("~"):
        return "is a URL or a home-folder path, not a file of the type's folder"
    if Path(entry).is_absolute() or _DRIVE.match(entry):
        return "is an absolute path; a type's files lie in its own folder"
    if "\0" in entry or any(len(part) > 255 for part in entry.split("/")) or len(entry) > 1000:
        return "is no usable file name (a NUL character, or too long)"
    try:
        target = typst_file(folder, entry) if shared else Path(folder) / entry
        real = target.resolve()
    except (OSError, RuntimeError):  # a path too long in all, or a symlink loop
        return "cannot be followed to a file (too long, or a loop of links)"
    allowed = [Path(folder)]
    if shared and entry.startswith(SHARED):
        allowed += [Path(folder).parent / "common", SHIPPED / "common"]
    if any(real.is_relative_to(Path(root).resolve()) for root in allowed):
        return None
    if target.is_symlink():
        return "is a link to a file outside the type's folder"
    return "leaves the type's folder" + (" (only ../common/<file> may: the shared library)" if shared else "")


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # file:///, http://, …
_DRIVE = re.compile(r"[A-Za-z]:")


def shipped(path: Path) -> bool:
    """Whether PATH is a file of the shipped templates/ (not of an outside type)."""
    outside = outside_root()
    return _below(path, SHIPPED) and not (outside and _below(path, outside))


def shown(path: Path) -> str:
    """How findings and hints name a type's file or folder (see the module's docstring)."""
    path = Path(path)
    if shipped(path):
        return "templates/" + path.resolve().relative_to(SHIPPED.resolve()).as_posix()
    real = path.resolve()
    try:
        return real.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):  # not below it, or the current folder is gone
        return real.as_posix()


def shown_file(name: str, file: str = TEMPLATE_FILE) -> str:
    """shown() for FILE of type NAME, or templates/NAME/FILE when no folder has that type."""
    folder = find(name)
    return shown(folder / file) if folder else f"templates/{name}/{file}"


def is_type_file(name: str) -> bool:
    """Whether a file as shown() names it belongs to a type (not to an edition, whose files are
    named from the edition's folder)."""
    if name.startswith("templates/"):
        return True
    outside = outside_root()
    return outside is not None and _below(Path(name), outside)  # a relative name: from the current folder


def type_argument(folder: Path) -> str:
    """What `brochure type … TYPE` takes for the type in FOLDER: its name when that name finds
    it, else its folder."""
    found = find(folder.name)
    return folder.name if found and _same(found, folder) else shown(folder)


def _below(path: Path, root: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def _same(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()
