"""What a build reports (kept apart from build.py so a cached rebuild need not import the renderers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Finding

FORMATS = ("docx", "pdf")


@dataclass
class BuildResult:
    edition: str
    files: list[Path]
    pages: int | None
    chapters: int
    seconds: float
    warnings: list[Finding] = field(default_factory=list)
    output_errors: list[Finding] = field(default_factory=list)  # from reading the files back
    layout_notes: list[str] = field(default_factory=list)  # pages the layout could not fill (verify/page_fill.py)
    reused: bool = False  # the files came from the build cache (build_cache.py)
