"""Shared fixtures: the sample edition built once per test session, and small test editions."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.build import BuildResult, build, load
from pipeline.verify.read_back import DocxContent, PdfContent, read_docx, read_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "halbzeitbilanz-2012"


@dataclass
class Built:
    result: BuildResult
    docx_bytes: bytes
    pdf_bytes: bytes
    docx: DocxContent
    pdf: PdfContent


def build_and_read(edition: Path, out: Path) -> Built:
    result = build(edition, out)
    docx_bytes = (out / f"{edition.name}.docx").read_bytes()
    pdf_bytes = (out / f"{edition.name}.pdf").read_bytes()
    return Built(result, docx_bytes, pdf_bytes, read_docx(docx_bytes), read_pdf(pdf_bytes))


@pytest.fixture(scope="session")
def sample_built(tmp_path_factory) -> Built:
    return build_and_read(SAMPLE, tmp_path_factory.mktemp("sample-out"))


@pytest.fixture(scope="session")
def sample_loaded():
    return load(SAMPLE)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the sample edition that a test may break."""
    target = tmp_path / "halbzeitbilanz-2012"
    shutil.copytree(SAMPLE, target)
    return target


READER_SAMPLES = ("halbzeitbilanz-2012", "kiv-handbuch-2020", "kommunen/maintal")


@pytest.fixture(scope="session")
def reader_samples(tmp_path_factory) -> dict[str, Path]:
    """The two sample brochures and one strategy draft, built once: name → built PDF."""
    from pipeline.drafts.draft import build_draft

    built = {}
    for name in READER_SAMPLES:
        out = tmp_path_factory.mktemp(name.replace("/", "-"))
        folder = ROOT / "inputs" / name
        files = build_draft(folder, out).files if name.startswith("kommunen") else build(folder, out).files
        built[name] = next(p for p in files if p.suffix == ".pdf")
    return built
