"""The package layout follows the stages: load → assemble → check → render → verify, each a
subpackage that imports only from the stages before it; the users of the stages (drafts, diff,
web) and the few modules that run them sit beside them."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
STAGES = ["load", "assemble", "check", "render", "verify"]
USERS = ["drafts", "diff", "web", "bench"]
# What sits in pipeline/ itself: the shared contract (tree, errors) and what runs the stages.
TOP_MODULES = {"__init__", "tree", "errors", "build", "build_cache", "build_result", "write_outputs", "manifest",
               "cli"}
SHARED = {"tree", "errors", "__init__"}


def _imported_packages(path: Path) -> set[str]:
    """The pipeline subpackages or top-level modules a file imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pipeline" and len(parts) > 1 and \
                    ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()):
                found.add(parts[1])
    return found


def test_pipeline_holds_only_the_stage_packages_and_the_modules_that_run_them():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert modules == TOP_MODULES
    assert packages == set(STAGES + USERS)


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_from_the_stages_before_it(stage):
    allowed = set(STAGES[:STAGES.index(stage) + 1]) | SHARED
    for path in (PACKAGE / stage).rglob("*.py"):
        wrong = _imported_packages(path) - allowed
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, a later stage or a user of the stages"


def test_the_shared_modules_import_no_stage():
    for name in SHARED - {"__init__"}:
        assert not _imported_packages(PACKAGE / f"{name}.py") & set(STAGES + USERS), name


@pytest.mark.parametrize("package", STAGES + ["diff", "drafts"])
def test_each_stage_names_its_public_functions_in_its_init(package):
    module = importlib.import_module(f"pipeline.{package}")
    assert module.__all__, package
    for name in module.__all__:
        value = getattr(module, name)
        assert callable(value) and value.__module__.startswith(f"pipeline.{package}."), (package, name)
        assert value.__name__ == name


def test_importing_the_checks_loads_neither_renderer_nor_reader():
    code = ("import sys, pipeline.build, pipeline.check, pipeline.load, pipeline.assemble; "
            "print(sorted(m for m in ('docx', 'typst', 'pypdf', 'pypdfium2', 'fontTools.subset') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
