"""The `brochure` command line."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import click

from . import __version__
from .build import FORMATS, build
from .errors import Finding, InputError

SHOWN_PER_CODE = 3


def _formats(ctx, param, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"use one or more of {', '.join(FORMATS)}, separated by commas")
    return chosen


def print_findings(findings: list[Finding], verbose: bool) -> None:
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_code[f.code].append(f)
    for code, items in by_code.items():
        shown = items if verbose else items[:SHOWN_PER_CODE]
        for f in shown:
            click.echo(str(f), err=True)
        if len(items) > len(shown):
            click.echo(f"  … and {len(items) - len(shown)} more {code} (use --verbose to list all)", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
def main() -> None:
    """Assemble brochures from spreadsheets and Markdown into DOCX and PDF."""


@main.command("build")
@click.argument("edition", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder [default: outputs/<edition name>].")
@click.option("--format", "formats", default="docx,pdf", show_default=True, callback=_formats,
              help="Comma-separated output formats.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not only the first of each kind.")
def build_command(edition: Path, out: Path | None, formats: tuple[str, ...], verbose: bool) -> None:
    """Build the brochure in EDITION (a folder with edition.yaml) as DOCX and PDF."""
    out = out or Path("outputs") / edition.resolve().name
    try:
        result = build(edition, out, formats)
    except InputError as exc:
        print_findings(exc.findings, verbose=True)
        click.echo(f"Build failed: {len(exc.findings)} error(s); nothing was written.", err=True)
        sys.exit(1)
    print_findings(result.warnings, verbose)
    pages = f"{result.pages} pages, " if result.pages is not None else ""
    files = ", ".join(str(f) for f in result.files)
    click.echo(f"Built {result.edition}: {pages}{result.chapters} chapters, {len(result.files)} files written "
               f"({files}), {len(result.warnings)} warnings, {result.seconds:.1f} s")


if __name__ == "__main__":
    main()
