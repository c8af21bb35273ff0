"""Shared fixtures: a hermetic session, the sample edition built once per test session, and
small test editions.

Hermetic: before anything of the product is imported, HOME, the XDG folders and BROCHURE_CACHE
point into one fresh folder of this session, so no test reads or writes the machine's own cache,
profile or home, and the suite passes the same whatever ran before it. The font copies (seconds
of work) are made once per session there; each test gets a build cache of its own, in which the
content-keyed caches (fonts, pictures, paddings) are the session's, linked."""

from __future__ import annotations

import multiprocessing.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SESSION = Path(tempfile.mkdtemp(prefix="brochure-tests-"))
for _var, _sub in (("HOME", "home"), ("XDG_CACHE_HOME", "home/.cache"), ("XDG_CONFIG_HOME", "home/.config"),
                   ("XDG_DATA_HOME", "home/.local/share"), ("BROCHURE_CACHE", "cache")):
    os.environ[_var] = str(SESSION / _sub)
    (SESSION / _sub).mkdir(parents=True, exist_ok=True)
os.environ.pop("BROCHURE_TEMPLATES", None)
# Scratch folders (the product's, the tests', pytest's own) go into the session folder too, and
# are removed with it: a test run leaves nothing behind in /tmp.
(SESSION / "tmp").mkdir()
os.environ["TMPDIR"] = tempfile.tempdir = str(SESSION / "tmp")
SHARED_CACHES = ("artwork", "docx-fonts", "pads", "sources")  # keyed by content: sharing them changes no byte

from pipeline.build import BuildResult, build, load
from pipeline.verify.read_back import DocxContent, PdfContent, read_docx, read_pdf
from readers import engines as reader_engines  # noqa: E402 (after the hermetic set-up above)

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


# The session folder goes when the process ends, after multiprocessing has removed its own
# scratch folders in it (they are removed at exit with priority -100; this runs after them).
multiprocessing.util.Finalize(None, shutil.rmtree, args=(str(SESSION),), kwargs={"ignore_errors": True},
                              exitpriority=-101)


@pytest.fixture(scope="session")
def session_cache() -> Path:
    """The session's cache, with the font copies made once."""
    from pipeline.render.fonts import cache_root, typst_font_folder
    typst_font_folder()
    root = cache_root()
    for name in SHARED_CACHES:
        (root / name).mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(autouse=True)
def own_build_cache(session_cache, tmp_path_factory, monkeypatch) -> Path:
    """A build cache of this test's own: a build it did not make itself is never 'unchanged'."""
    base = tmp_path_factory.mktemp("cache", numbered=True)
    root = base / session_cache.name
    root.mkdir()
    for entry in session_cache.iterdir():
        if entry.name.startswith("fonts-") or entry.name in SHARED_CACHES:
            (root / entry.name).symlink_to(entry)
    monkeypatch.setenv("BROCHURE_CACHE", str(base))
    return root


class Samples:
    """The samples under inputs/ (editions and drafts), each built once per session when a test
    first asks for it, into ROOT/<name> (drafts: kommunen/<town>). Tests read them, never change them."""

    def __init__(self, root: Path):
        self.root = root
        self._built: dict[str, BuildResult] = {}

    def result(self, name: str) -> BuildResult:
        if name not in self._built:
            from pipeline.drafts.draft import build_draft
            folder = ROOT / "inputs" / name
            run = build if (folder / "edition.yaml").is_file() else build_draft
            self._built[name] = run(folder, self.root / name)
            if name in READER_SAMPLES:
                _start_struct_tree(self.file(name, ".pdf"))
        return self._built[name]

    def out(self, name: str) -> Path:
        self.result(name)
        return self.root / name

    def file(self, name: str, suffix: str) -> Path:
        return next(p for p in self.result(name).files if p.suffix == suffix)

    def read(self, name: str) -> Built:
        docx, pdf = self.file(name, ".docx").read_bytes(), self.file(name, ".pdf").read_bytes()
        return Built(self.result(name), docx, pdf, read_docx(docx), read_pdf(pdf))


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Samples:
    return Samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def sample_built(samples) -> Built:
    return samples.read(SAMPLE.name)


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
STRUCT_TREES: dict[str, tuple] = {}  # PDF path → (pdfinfo process, its output file)


def _start_struct_tree(pdf: Path) -> None:
    """poppler's structure tree of a reader sample, started as soon as the sample is built: it takes
    poppler many seconds a brochure, which the other tests spend meanwhile (test_readers reads it)."""
    import subprocess
    if shutil.which("pdfinfo") and str(pdf) not in STRUCT_TREES:
        out = open(SESSION / f"struct-{len(STRUCT_TREES)}.txt", "wb")  # noqa: SIM115 (closed by the reader)
        STRUCT_TREES[str(pdf)] = (subprocess.Popen(["pdfinfo", "-struct-text", str(pdf)], stdout=out,
                                                   stderr=subprocess.DEVNULL), out)


@pytest.fixture(scope="session")
def reader_samples(samples) -> dict[str, Path]:
    """The two sample brochures and one strategy draft: name → built PDF."""
    return {name: samples.file(name, ".pdf") for name in READER_SAMPLES}


@pytest.fixture(params=reader_engines.ENGINES)
def engine(request):
    """Each PDF engine readers use (tests/readers/engines.py), skipped with its reason where absent."""
    why = reader_engines.missing(request.param)
    if why:
        pytest.skip(why)
    return request.param
