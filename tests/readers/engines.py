"""Text as four PDF engines readers use extract it: poppler (pdftotext, Linux viewers),
PDFium (Chrome, Edge), pypdf, and pdf.js (Firefox), the last through node.

Each returns the text of every page; `missing(engine)` says why one cannot run here."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
ENGINES = ("poppler", "pdfium", "pypdf", "pdfjs")


def missing(engine: str) -> str | None:
    if engine == "poppler" and not shutil.which("pdftotext"):
        return "poppler's pdftotext is not installed (Debian: poppler-utils)"
    if engine == "pdfjs":
        if not shutil.which("node") or not shutil.which("npm"):
            return "node and npm are needed to run pdf.js (Debian: nodejs npm)"
        if not (HERE / "node_modules" / "pdfjs-dist").is_dir():
            done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE,
                                  capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"npm ci in {HERE} failed: {done.stderr[-2000:]}")
    return None


_read: dict[tuple[str, str], list[str]] = {}


def pages(pdf: bytes, engine: str) -> list[str]:
    """The text of every page; each PDF is read once per engine and session (tests share samples)."""
    key = (hashlib.sha256(pdf).hexdigest(), engine)
    if key not in _read:
        _read[key] = _pages(pdf, engine)
    return list(_read[key])


def _pages(pdf: bytes, engine: str) -> list[str]:
    if engine == "poppler":
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
        return out.stdout.decode("utf-8").split("\f")[:-1] or [""]
    if engine == "pdfium":
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(pdf)
        try:
            return [page.get_textpage().get_text_range() for page in doc]
        finally:
            doc.close()
    if engine == "pypdf":
        from pypdf import PdfReader
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    if engine == "pdfjs":
        out = subprocess.run(["node", str(HERE / "pdfjs_text.mjs"), "-"], input=pdf, capture_output=True, check=True)
        return out.stdout.decode("utf-8").split("\f")
    raise ValueError(engine)


def text(pdf: bytes, engine: str) -> str:
    return "\n".join(pages(pdf, engine))
