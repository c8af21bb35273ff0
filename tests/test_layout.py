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
USERS = ["drafts", "diff", "absorb", "web", "bench"]
# What sits in pipeline/ itself: the shared contract (tree, errors) and what runs the stages.
TOP_MODULES = {"__init__", "tree", "sources", "errors", "build", "runner", "build_cache", "build_result", "write_outputs", "output_lock",
               "manifest", "source_history",
               "cli"}
SHARED = {"tree", "sources", "errors", "__init__"}


def _module_name(path: Path) -> str:
    """pipeline/diff/changes.py → pipeline.diff.changes; pipeline/diff/__init__.py → pipeline.diff"""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(path: Path) -> list[str]:
    """The dotted names a file imports, anywhere in it (at module level and inside functions):
    `from a.b import c` gives a.b and a.b.c; a relative import is made absolute."""
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]  # the package a module's relative imports start from
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names += [module] + [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def _imported_packages(path: Path) -> set[str]:
    """The pipeline subpackages or top-level modules a file imports (anywhere in it)."""
    found = set()
    for name in _imported_names(path):
        parts = name.split(".")
        if parts[0] == "pipeline" and len(parts) > 1 and \
                ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file()):
            found.add(parts[1])
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _lazy_exports(init: Path) -> dict[str, str]:
    """A package's `lazy_exports(__name__, {name: module})` table: name → the module it comes from."""
    for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_exports":
            return ast.literal_eval(node.args[1])
    return {}


LAZY = {name: _lazy_exports(path) for name, path in MODULES.items() if path.name == "__init__.py"}


def _imported_module(name: str) -> str | None:
    """The pipeline module an imported name loads: the module itself, or for `from package import
    name` the module that name is lazily exported from (else the package's __init__)."""
    if name in MODULES:
        return name
    package, _, attr = name.rpartition(".")
    if attr in LAZY.get(package, {}):
        return f"{package}.{LAZY[package][attr]}"
    return package if package in MODULES else None


def _import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = {_imported_module(n) for n in _imported_names(path) if n.split(".")[0] == "pipeline"}
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The groups of modules that import each other, directly or through others."""
    reach = {}
    for start in graph:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        reach[start] = seen
    groups = {frozenset({m} | {o for o in reach[m] if m in reach.get(o, ())}) for m in graph if m in reach[m]}
    return sorted(groups, key=sorted)


# Import circles left in place, each with why untying it would be a redesign: none now.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


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


@pytest.mark.parametrize("package", STAGES + ["diff", "drafts", "absorb"])
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


def test_no_pipeline_module_imports_itself_back_through_others():
    """A circle works only while every module in it happens to be imported in the right order,
    and a function-level import that dodges it still ties the modules together: both count."""
    cycles = _cycles(_import_graph())
    unknown = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert not unknown, f"import cycles among pipeline modules: {unknown}"
    assert set(KNOWN_CYCLES) <= set(cycles), "a known cycle is gone: take it off KNOWN_CYCLES"


def test_the_import_graph_follows_lazy_exports_and_finds_a_circle():
    """The graph the cycle test reads is the real one: every lazily exported name leads to a
    module that exists, imports inside functions count, and a circle closed by hand is found."""
    graph = _import_graph()
    assert set().union(*graph.values()) <= set(MODULES)
    assert any(LAZY.values())
    for package, names in LAZY.items():
        for name, module in names.items():
            assert _imported_module(f"{package}.{name}") in MODULES, (package, name, module)
    inner = [(name, n) for name, path in MODULES.items() for node in ast.walk(ast.parse(path.read_text("utf-8")))
             if isinstance(node, ast.FunctionDef)
             for sub in ast.walk(node) if isinstance(sub, ast.ImportFrom) and sub.module
             for n in [_imported_module(sub.module)] if n and n != name]
    assert inner and all(target in graph[source] for source, target in inner)
    source, target = next((s, t) for s, ts in sorted(graph.items()) for t in sorted(ts))
    closed = {**graph, target: graph[target] | {source}}
    assert frozenset({source, target}) <= next(c for c in _cycles(closed) if source in c)
