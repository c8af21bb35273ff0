"""LibreOffice for the tests that read our files with it: one private profile per test session.

A new profile costs LibreOffice seconds at its first start; the session's profile is made once
and lies in the session's own folder (conftest.SESSION), never in the user's home."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import SESSION

PROFILE = SESSION / "libreoffice-profile"
DEBIAN_PYTHON = Path("/usr/bin/python3")  # the interpreter python3-uno belongs to


def soffice_missing() -> str | None:
    return None if shutil.which("soffice") else "LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)"


def uno_missing() -> str | None:
    """Why LibreOffice cannot be driven over UNO here, or None."""
    if soffice_missing() or not DEBIAN_PYTHON.exists() or subprocess.run(
            [str(DEBIAN_PYTHON), "-c", "import uno"], capture_output=True).returncode != 0:
        return "LibreOffice with its Python bridge is not installed (Debian: libreoffice-writer-nogui python3-uno)"
    return None


def convert(source: Path, to: str, outdir: Path, check: bool = False) -> Path | None:
    """`soffice --convert-to TO` with the session's profile; the converted file, or None."""
    subprocess.run(["soffice", f"-env:UserInstallation=file://{PROFILE}", "--headless", "--convert-to", to,
                    "--outdir", str(outdir), str(source)], capture_output=True, timeout=300, check=check)
    out = Path(outdir) / f"{Path(source).stem}.{to.split(':')[0]}"
    return out if out.is_file() else None
