"""Brochure pipeline: spreadsheets and Markdown in, checked DOCX and PDF brochures out.

Data flows one way, and each stage is a subpackage: load → assemble → check → render → verify
(docs/architecture.md opens with the map). drafts, diff and web use the stages; build.py and
cli.py run them.
"""

from importlib import import_module

__version__ = "0.1.0"


def lazy_exports(package: str, names: dict[str, str]):
    """A stage's public names, each imported from its module on first use (PEP 562): importing
    `pipeline.render` for its artwork does not load python-docx and Typst."""
    def __getattr__(name: str):
        if name in names:
            return getattr(import_module(f"{package}.{names[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__, sorted(names)
