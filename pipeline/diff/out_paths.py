"""Output paths of `brochure diff` that would overwrite what it reads: an input file, a file in
an input folder, the other output; whatever the spelling (relative, absolute, `./`, `..`, a
symlink or a hard link)."""

from __future__ import annotations

import os
from pathlib import Path


def _real(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # a hard link, or a spelling realpath keeps apart
    except OSError:
        return False


def clash(out: Path, inputs: list[Path]) -> Path | None:
    """The input OUT would overwrite (or write into), None when it is safe. A symlink OUT counts
    as its target, since a reader opening OUT later would read the input."""
    target = _real(out)
    for given in inputs:
        real = _real(given)
        if target == real or _same_file(out, given) or (real.is_dir() and real in target.parents):
            return given
    return None


def refused_outputs(outputs: dict[str, Path | None], inputs: list[Path]) -> list[str]:
    """One message per output that must not be written: it is an input, lies in an input
    folder, or is the same file as another output."""
    out: list[str] = []
    given = {opt: path for opt, path in outputs.items() if path is not None}
    for opt, path in given.items():
        hit = clash(path, inputs)
        if hit is not None:
            where = "is" if _real(path) == _real(hit) or _same_file(path, hit) else "lies inside"
            out.append(f"{opt} {path}: refused, it {where} the input {hit}, which the diff reads; "
                       "choose an output path outside the compared files and folders")
    paths = list(given.items())
    for k, (opt, path) in enumerate(paths):
        for opt2, path2 in paths[k + 1:]:
            if _real(path) == _real(path2) or _same_file(path, path2):
                out.append(f"{opt} and {opt2} name the same file {path}; give each its own path")
    return out
