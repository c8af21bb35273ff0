"""The `brochure` command line."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import click

from pipeline import __version__
from pipeline.build_result import FORMATS
from pipeline.errors import Finding, InputError, Location, error, group_findings

TOOL_FAULT_EXIT = 3  # the files were written, but brochure's own output check found its own fault
INTERRUPTED_EXIT = 130  # Ctrl+C (128 + SIGINT), as shells report it

# Each command imports what it uses when it runs (lazy imports): `brochure diff` or `check` does
# not load Typst or python-docx, and a rebuild from the build cache loads none of them.

SHOWN_PER_CODE = 3
EDITION = click.Path(path_type=Path, file_okay=False, exists=True)


def _formats(ctx, param, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"use one or more of {', '.join(FORMATS)}, separated by commas")
    return chosen


def print_findings(findings: list[Finding], verbose: bool) -> None:
    """Short form for builds: the first few findings of each code."""
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for f in group_findings(findings):
        by_code[f.code].append(f)
    for code, items in by_code.items():
        shown = items if verbose else items[:SHOWN_PER_CODE]
        for f in shown:
            click.echo(str(f), err=True)
        if len(items) > len(shown):
            click.echo(f"  … and {len(items) - len(shown)} more {code} (use --verbose to list all)", err=True)


def print_report(name: str, findings: list[Finding]) -> None:
    """Long form for `check`: every finding, errors first, as a list to work through."""
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for title, group in (("Errors", errors), ("Warnings", warnings)):
        if not group:
            continue
        click.echo(f"{title} ({len(group)})")
        for f in group_findings(group):
            click.echo(f"  {f.code}  {f.location}")
            click.echo(f"      {f.message}")
            if f.hint:
                click.echo(f"      hint: {f.hint}")
        click.echo("")
    verdict = "clean" if not errors else "not ready"
    click.echo(f"{name}: {len(errors)} errors, {len(warnings)} warnings: {verdict}")
    _examples_left(warnings)


class _Commands(click.Group):
    """Input errors that escape a command (a broken brochure type found while it loads) are
    listed like any other, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            print_findings(exc.findings, verbose=True)
            click.echo(f"Stopped: {len(exc.findings)} error(s); nothing was written.", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: stopped at once. The output folder holds the files of the last "
                       "complete build, never a part of one.", err=True)
            _exit_now(INTERRUPTED_EXIT)


def _exit_now(code: int) -> None:
    """End the process without waiting for a Typst compile still running in a worker thread
    (it cannot be cancelled, and a normal exit joins the thread). The exit handlers (temporary
    font and compiler folders) run first; the written files are whole or untouched already."""
    import atexit
    import os
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
def main() -> None:
    """Assemble brochures from spreadsheets and Markdown into DOCX and PDF."""


@main.command("build")
@click.argument("edition", type=EDITION)
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder [default: outputs/<edition name>].")
@click.option("--format", "formats", default="docx,pdf", show_default=True, callback=_formats,
              help="Comma-separated output formats.")
@click.option("--allow-missing", is_flag=True,
              help="Build a draft even if required chapters, sections or contacts are missing; "
                   "each gap is printed as a visible placeholder.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not only the first of each kind.")
def build_command(edition: Path, out: Path | None, formats: tuple[str, ...], allow_missing: bool,
                  verbose: bool) -> None:
    """Check and build the brochure in EDITION (a folder with edition.yaml) as DOCX and PDF.

    Nothing is written when the input check finds errors. After writing, the files are read
    back and checked; problems found there are listed and make the exit status 1 (3 when they
    are faults of brochure itself, not of the inputs: please report those)."""
    from pipeline.build_cache import cached_build
    out = out or Path("outputs") / edition.resolve().name
    _build_and_report("Build", edition, lambda: cached_build(edition, out, formats, allow_missing), verbose)


def _build_and_report(what: str, folder: Path, run, verbose: bool) -> None:
    """Run one build; input errors are listed (nothing was written), then the result."""
    try:
        result = run()
    except InputError as exc:
        print_findings(exc.findings, verbose=True)
        click.echo(f"{what} failed: {len(exc.findings)} error(s); nothing was written. "
                   f"Run 'brochure check {folder}' for the full list.", err=True)
        sys.exit(1)
    _print_build(result, verbose)


def _examples_left(warnings) -> None:
    """How many of a new strategy workbook's examples are left (none for an edition)."""
    examples = sum(f.code in ("W-EXAMPLE-ROW", "W-EXAMPLE-VALUE") for f in warnings)
    if examples:
        click.echo(f"  {examples} example{'s' if examples != 1 else ''} from the new workbook left (W-EXAMPLE-ROW, "
                   "W-EXAMPLE-VALUE): not printed as the town's; replace or delete them")


def _print_build(result, verbose: bool) -> None:
    print_findings(result.warnings, verbose)
    print_findings(result.output_errors, verbose=True)
    pages = f"{result.pages} pages, " if result.pages is not None else ""
    files = ", ".join(str(f) for f in result.files)
    click.echo(f"Built {result.edition}: {pages}{result.chapters} chapters, {len(result.files)} files written "
               f"({files}), {len(result.warnings)} warnings, {result.seconds:.1f} s"
               f"{' (inputs unchanged: the files of the last build)' if getattr(result, 'reused', False) else ''}")
    _examples_left(result.warnings)
    for note in result.layout_notes:
        click.echo(f"  layout: {note}")
    ours = [f for f in result.output_errors if f.tool_fault]
    if len(ours) < len(result.output_errors):
        click.echo(f"The built files failed {len(result.output_errors)} output check(s), listed above.", err=True)
        sys.exit(1)
    if ours:
        click.echo(f"The files were written, but brochure's own check found {len(ours)} fault(s) in what it made, "
                   "listed above: a bug in brochure, not in your inputs. Please report it (docs/contributing.md, "
                   "'Reporting a fault').", err=True)
        sys.exit(TOOL_FAULT_EXIT)


@main.command("preview")
@click.argument("edition", type=EDITION)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True,
              help="Port on 127.0.0.1 (the preview never listens on other addresses).")
def preview_command(edition: Path, port: int) -> None:
    """Rebuild EDITION's PDF on every save and show it with its findings at http://127.0.0.1:PORT/.

    The compiler and the prepared pictures stay warm, so an edited paragraph shows within a
    second. Input errors are listed on the page; the last good PDF stays shown. Nothing is
    written; 'brochure build' writes the files."""
    from pipeline.web.preview import serve
    serve(edition, port, echo=click.echo)  # returns once Ctrl+C (or SIGTERM) stopped the server
    click.echo("Preview ended.", err=True)
    _exit_now(0)  # not after a Typst compile of a build nobody will see


@main.command("init-draft")
@click.argument("municipality")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
def init_draft_command(municipality: str, folder: Path | None) -> None:
    """Create a workbook for MUNICIPALITY's strategy draft in FOLDER [default: ./<municipality>].

    The workbook explains itself (sheet 'Anleitung'); fill it in, then run 'brochure draft FOLDER'."""
    from pipeline.drafts.draft import draft_template
    from pipeline.load.markdown import slug
    from pipeline.drafts.scaffold import init_draft
    name = municipality.strip()
    if not name:
        raise click.BadParameter("give the municipality's name, e.g. \"Musterstadt\"", param_hint="MUNICIPALITY")
    folder = folder or Path(slug(name))
    _, layout = draft_template()
    try:
        path = init_draft(name, folder, layout)
    except FileExistsError:
        click.echo(f"{folder / layout.file} already exists; nothing was changed. "
                   "Choose another folder or delete the workbook first.", err=True)
        sys.exit(1)
    click.echo(f"Created {path} for {name}.\nFill it in (see the sheet 'Anleitung'), then run: "
               f"brochure draft {folder}")


@main.command("draft")
@click.argument("folder", type=EDITION)
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder [default: outputs/<folder name>]; a batch writes one subfolder per town.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Towns built at once in a batch [default: one per CPU core].")
@click.option("-v", "--verbose", is_flag=True, help="List every warning, not only the first of each kind.")
def draft_command(folder: Path, out: Path | None, jobs: int | None, verbose: bool) -> None:
    """Build the strategy draft in FOLDER (a folder with strategie.xlsx) as DOCX and PDF.

    Empty sections are printed as placeholders (with a Word comment in the DOCX) and listed
    as warnings. If FOLDER holds several municipality folders, all are built in parallel and a
    summary table follows; the exit status is 1 if any failed, 3 if brochure found a fault of its
    own making in a town's files (the town's draft is built; please report it)."""
    from pipeline.drafts.batch import default_jobs, find_drafts, run_batch, summary_table
    from pipeline.drafts.draft import build_draft, draft_template, is_draft
    out = out or Path("outputs") / folder.resolve().name
    _, layout = draft_template()
    if is_draft(folder, layout):
        _build_and_report("Draft", folder, lambda: build_draft(folder, out), verbose)
        return
    folders = find_drafts(folder, layout.file)
    if not folders:
        click.echo(f"No draft found in {folder}: it holds no {layout.file}, and no subfolder does. "
                   f"Create one with: brochure init-draft \"<Kommune>\" {folder}/<kommune>", err=True)
        sys.exit(2)
    outcomes = run_batch(folders, out, jobs or default_jobs())
    click.echo(summary_table(outcomes))
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        click.echo(f"\n{o.name} failed ({o.folder}):", err=True)
        for line in o.errors:
            click.echo("  " + line.replace("\n", "\n  "), err=True)
        if o.error_count > len(o.errors):
            click.echo(f"  … and {o.error_count - len(o.errors)} more; run 'brochure check {o.folder}'", err=True)
    for o in (o for o in outcomes if o.status == "tool fault"):
        click.echo(f"\n{o.name} was built, but brochure's own check found a fault of brochure in it "
                   f"(not of the workbook; please report it):", err=True)
        for line in o.errors:
            click.echo("  " + line.replace("\n", "\n  "), err=True)
    click.echo(f"Outputs in {out}/<municipality>/")
    sys.exit(1 if failed else TOOL_FAULT_EXIT if any(o.status == "tool fault" for o in outcomes) else 0)


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@click.option("--html", "html_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a self-contained side-by-side HTML report.")
@click.option("--docx", "docx_out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the new edition's DOCX with the changes as Word tracked changes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary for people or JSON for programs.")
def diff_command(old: Path, new: Path, html_out: Path | None, docx_out: Path | None, fmt: str) -> None:
    """Show what changed from OLD to NEW: two build folders (exact, from content.json), two DOCX
    or two PDF files (from the text read back).

    Exit status as diff(1): 0 no differences, 1 differences, 2 trouble."""
    from pipeline.diff.changes import compare
    from pipeline.diff.report import terminal, to_html, to_json
    from pipeline.diff.edition_view import docx_bytes, read_pair
    from pipeline.diff.out_paths import refused_outputs
    from pipeline.write_outputs import write_atomically
    outputs = {"--html": html_out, "--docx": docx_out}
    _refuse_outputs(refused_outputs(outputs, [old, new]))  # before reading: nothing is written
    try:
        views = read_pair(old, new)
    except InputError as exc:
        print_findings(exc.findings, verbose=True)
        sys.exit(2)
    # a build folder's manifest may name a DOCX or PDF elsewhere: that file is read as well
    _refuse_outputs(refused_outputs(outputs, [old, new, *(f for v in views for f in (v.docx, v.pdf) if f)]))
    for path, view in zip((old, new), views):
        if view.revisions:
            click.echo(f"note: {path} holds {view.revisions} tracked changes of its own; it is compared as if they "
                       "were accepted", err=True)
    result = compare(*views)
    trouble = False
    if html_out is not None:  # written whatever becomes of the redline
        write_atomically({html_out: to_html(result).encode("utf-8")})
    if docx_out is not None:
        try:
            if views[0].docx is None or views[1].docx is None:
                click.echo("--docx needs the DOCX of both editions: give two build folders or two .docx files; "
                           "no redline written.", err=True)
                trouble = True
            else:
                from pipeline.diff.word_redline import redline  # python-docx and the redline only for --docx
                from pipeline.diff.alt_chunks import alt_chunks
                pasted = [str(v.docx) for v in views if alt_chunks(docx_bytes(v.docx))]
                if pasted:
                    raise InputError(error("E-DIFF-INPUT", Location(file=pasted[0]), "holds pasted content (an "
                                           "altChunk) that Word tracked changes cannot show; no redline written",
                                           "open it in Word and save it again, then compare"))
                write_atomically({docx_out: redline(docx_bytes(views[0].docx), docx_bytes(views[1].docx),
                                                    (str(views[0].docx), str(views[1].docx)))})
        except InputError as exc:
            print_findings(exc.findings, verbose=True)
            trouble = True
    click.echo(to_json(result) if fmt == "json" else terminal(result))
    sys.exit(2 if trouble else 1 if result.changes else 0)


def _refuse_outputs(messages: list[str]) -> None:
    for message in messages:
        click.echo(f"error: {message}", err=True)
    if messages:
        sys.exit(2)


@main.command("check")
@click.argument("edition", type=EDITION)
@click.option("--built", is_flag=True, help="Also check the built DOCX and PDF against the inputs.")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False),
              help="Where the built files are [default: outputs/<edition name>].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report as text for people or JSON for programs.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check_command(edition: Path, built: bool, out: Path | None, fmt: str, strict: bool) -> None:
    """Check the inputs in EDITION against its brochure type, without building. EDITION may also
    be a strategy draft folder, or a folder of them (each town is reported in turn).

    Exit status: 0 clean (warnings allowed), 1 errors found, 2 usage error."""
    from pipeline.drafts.workbook_layout import draft_template, is_draft
    from pipeline.load.edition import EDITION_FILE
    if out is not None and not built:
        raise click.UsageError("--out only makes sense with --built")
    out = out or Path("outputs") / edition.resolve().name
    towns = []
    try:
        layout = None if (edition / EDITION_FILE).is_file() else draft_template()[1]  # an edition needs no draft layout
    except InputError as exc:  # the draft type itself is broken: its findings are the report
        layout, broken = None, exc.findings
    else:
        broken = []
    if layout is not None and not is_draft(edition, layout):
        from pipeline.drafts.batch import find_drafts
        towns = find_drafts(edition, layout.file)
    batch = bool(towns)
    folders = towns if batch else [edition]
    reports = []
    for folder in folders:
        target = (out / folder.name if batch else out) if built else None
        findings = broken or _check_one(folder, target, layout is not None and is_draft(folder, layout))
        if strict:
            findings = [replace(f, severity="error") for f in findings]
        findings = [f for f in findings if f.severity == "error"] + [f for f in findings if f.severity == "warning"]
        reports.append((folder.resolve().name, findings))
    errors = sum(1 for _, findings in reports for f in findings if f.severity == "error")
    if fmt == "json":
        data = [{"edition": name, "built": built, "strict": strict,
                 "errors": sum(f.severity == "error" for f in findings),
                 "warnings": sum(f.severity == "warning" for f in findings),
                 "findings": [f.to_dict() for f in findings]} for name, findings in reports]
        click.echo(json.dumps(data if batch else data[0], ensure_ascii=False, indent=2))
    else:
        for n, (name, findings) in enumerate(reports):
            if n:
                click.echo("")
            print_report(name, findings)
    sys.exit(1 if errors else 0)


def _check_one(folder: Path, target: Path | None, draft: bool) -> list:
    """One edition's or one draft's findings; openpyxl and the draft assembler load only for a draft."""
    if draft:
        from pipeline.drafts.draft import check_draft
        return check_draft(folder, target)
    from pipeline.build import check
    return check(folder, target)[1]


@main.command("absorb")
@click.argument("folder", type=EDITION)
@click.argument("edited", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--apply", "apply", is_flag=True, help="Write the changes into the sources (a copy of every changed "
              "file is kept in FOLDER/.absorb/<time>/).")
@click.option("--report", "report", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write a German HTML report: what was taken over, what not, conflicts, comments.")
def absorb_command(folder: Path, edited: tuple[Path, ...], apply: bool, report: Path | None) -> None:
    """Take edits and comments made in Word or LibreOffice in a DOCX built from FOLDER back into
    its sources (Markdown, tables, workbook, edition.yaml). Without --apply, only show them.

    Exit status: 0 every edit taken over, 1 some could not be (listed), 2 unusable input."""
    from pipeline.absorb.report import terminal, to_html
    from pipeline.absorb.run import absorb
    from pipeline.write_outputs import write_atomically
    try:
        result = absorb(folder, list(edited), apply=apply)
    except InputError as exc:
        print_findings(exc.findings, verbose=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(2)
    click.echo(terminal(result, apply))
    if report is not None:
        write_atomically({report: to_html(result, apply).encode("utf-8")})
    sys.exit(0 if result.complete else 1)


DATA = click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False), default=Path("portal-data"),
                    show_default=True, help="Folder holding every town's files.")


@main.command("serve")
@DATA
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local behind a proxy).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Draft worker processes [default: one per CPU core].")
@click.option("--job-timeout", type=click.FloatRange(min=1), default=None, help="Seconds a draft may take [default: 120].")
@click.option("--base-url", default=None, help="The portal's public address behind a reverse proxy, e.g. "
              "https://strategie.example.de [default: http://HOST:PORT]; recorded in DIR for the printed links.")
@click.option("--time-zone", default="Europe/Berlin", show_default=True,
              help="Time zone of the times the pages show (an IANA name).")
def serve_command(data: Path, host: str, port: int, workers: int | None, job_timeout: float | None,
                  base_url: str | None, time_zone: str) -> None:
    """Run the web portal through which municipalities draft their strategy (docs/portal.md)."""
    from pipeline.drafts.batch import default_jobs
    from pipeline.web.portal.address import check_base_url
    from pipeline.web.portal.app import serve
    from pipeline.web.portal.clock import zone
    from pipeline.web.portal.legal import LegalError
    try:
        base_url = check_base_url(base_url) if base_url else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    try:
        zone(time_zone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--time-zone") from None
    from pipeline.web.portal.ops import prepare_or_exit
    prepare_or_exit(data, click.echo)
    try:
        serve(data, host, port, workers or default_jobs(), job_timeout, echo=click.echo, base_url=base_url,
              time_zone=time_zone)
    except LegalError as exc:
        click.echo(f"The legal pages' file has mistakes; nothing was started.\n{exc}", err=True)
        sys.exit(2)
    except RuntimeError as exc:  # another serve on DATA
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.group("type")
def type_group() -> None:
    """Work on brochure types (docs/templates.md)."""


@type_group.command("reference-docx")
@click.argument("types", nargs=-1, required=True)
@click.option("--keep-page", is_flag=True, help="Keep the page, margins and body size of the existing reference.docx "
              "(remake the styles only).")
def type_reference_docx(types: tuple[str, ...], keep_page: bool) -> None:
    """Make the Word reference document (reference.docx: the styles, page and margins) of each
    brochure type TYPE, a name under the types' folder or a type's folder, from its theme.typ and
    template.yaml `page:`."""
    from pipeline.load import type_folders
    from pipeline.load.edition import TEMPLATE_FILE
    from pipeline.render.reference_docx import make
    for given in types:
        folder = Path(given) if Path(given).is_dir() else type_folders.find(given) or Path(given)
        if not (folder / TEMPLATE_FILE).is_file():
            known = type_folders.known()
            click.echo(f"No brochure type '{given}' (no {TEMPLATE_FILE}); use a folder or one of: {', '.join(known)}",
                       err=True)
            sys.exit(2)
        try:
            click.echo(f"wrote {type_folders.shown(make(folder, keep_page))}")
        except InputError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)


@main.group("portal")
def portal_group() -> None:
    """Manage the portal's towns and links (docs/portal.md)."""


def _store(data: Path):
    from pipeline.web.portal.ops import prepare_or_exit
    from pipeline.web.portal.store import Store
    prepare_or_exit(data, click.echo)
    return Store(data)


def _town_or_exit(store, name: str):
    town = store.find(name)
    if town is None:
        click.echo(f"No town '{name}' in {store.root}; see 'brochure portal list'.", err=True)
        sys.exit(1)
    return town


def _base_url(store, given: str | None) -> str:
    """The address printed links start with: --base-url, else what serve recorded in DIR."""
    from pipeline.web.portal.address import base_url
    try:
        url, note = base_url(store.root, given)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    if note:
        click.echo(note, err=True)
    return url


@portal_group.command("add-town")
@click.argument("name")
@DATA
@click.option("--base-url", default=None, help="The portal's public address [default: the one the last "
              "'brochure serve' on DIR recorded].")
def add_town_command(name: str, data: Path, base_url: str | None) -> None:
    """Create NAME's space (or a new link for a revoked town) and print its private link."""
    store = _store(data)
    base_url = _base_url(store, base_url)
    try:
        town, token = store.add_town(name)
    except (ValueError, FileExistsError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"{town.name}: {base_url}/t/{token}/")
    click.echo("Send this link to the town only; it is shown once and stored hashed.")
    from pipeline.load.glyphs import unprintable_character
    from pipeline.web.portal.town_names import printable_name
    if printable_name(town.name) != town.name:
        click.echo(f"Note: the brochure's fonts cannot print {unprintable_character(town.name)}; the town's workbook "
                   f"names it '{printable_name(town.name)}' (its space is {town.id}).", err=True)


@portal_group.command("list")
@DATA
def list_command(data: Path) -> None:
    """Every town with its link's state and its latest version."""
    store = _store(data)
    for town in store.towns():
        versions = store.versions(town)
        latest = _latest_state(versions[-1]) if versions else ""
        click.echo(f"{town.name}\t{town.id}\t{'revoked' if town.revoked else 'active'}\t"
                   f"{len(versions)} versions{f' (latest: {latest})' if latest else ''}")


def _latest_state(version) -> str:
    """A version's state as `portal list` shows it: a finished job is 'draft ready' only if
    it made a draft; one whose workbook had errors says so."""
    state = version.job().get("state", "unknown")
    if state != "done":
        return state
    result = version.result() or {}
    if result.get("outcome") == "ready":
        return "draft ready"
    errors = result.get("errors", 0)
    return f"{errors} error{'s' if errors != 1 else ''}, no draft"


@portal_group.command("revoke")
@click.argument("town")
@DATA
def revoke_command(town: str, data: Path) -> None:
    """Make TOWN's link stop working at once (its files stay; 'add-town' issues a new link)."""
    store = _store(data)
    found = _town_or_exit(store, town)
    store.revoke(found)
    click.echo(f"Revoked the link of {found.name}.")


@portal_group.command("admin-link")
@DATA
@click.option("--base-url", default=None, help="The portal's public address [default: the one the last "
              "'brochure serve' on DIR recorded].")
def admin_link_command(data: Path, base_url: str | None) -> None:
    """Print a new link to the ministry's overview (the old one stops working)."""
    store = _store(data)
    base_url = _base_url(store, base_url)
    token = store.new_admin_token()
    click.echo(f"{base_url}/admin/{token}/")


@portal_group.command("legal-file")
@DATA
def legal_file_command(data: Path) -> None:
    """Write DIR/rechtliches.toml with the German defaults of the legal and help pages, to fill in."""
    from pipeline.web.portal.legal import write_template
    try:
        path = write_template(data)
    except FileExistsError:
        click.echo(f"{data / 'rechtliches.toml'} exists already; edit it.", err=True)
        sys.exit(1)
    click.echo(f"Wrote {path}; fill in the values in [brackets], then restart 'brochure serve'.")



@portal_group.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@DATA
def backup_command(dest: Path, data: Path) -> None:
    """Copy the data folder to the new folder DEST, consistently, also while 'serve' runs."""
    from pipeline.web.portal.backup import backup
    try:  # as it is, of whatever format: a restore upgrades it on the next start
        summary = backup(data, dest)
    except (FileExistsError, FileNotFoundError, ValueError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Backed up {summary['towns']} towns, {summary['versions']} versions to {Path(dest).resolve()}.")


@portal_group.command("restore")
@click.argument("src", type=click.Path(path_type=Path, file_okay=False, exists=True))
@DATA
@click.option("--replace", is_flag=True, help="Set a non-empty data folder aside (DIR.before-restore-<time>) first.")
def restore_command(src: Path, data: Path, replace: bool) -> None:
    """Make the backup SRC the data folder (no server may be running on it)."""
    from pipeline.web.portal.backup import restore
    try:
        summary = restore(src, data, replace)
    except (FileExistsError, FileNotFoundError, RuntimeError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if summary.get("set_aside"):
        click.echo(f"The folder that was there is kept as {summary['set_aside']}.")
    _store(data)  # upgrades a backup of an older format at once
    click.echo(f"Restored {summary['towns']} towns, {summary['versions']} versions (backup of {summary['taken']}) "
               f"into {Path(data).resolve()}.")


@portal_group.command("notify")
@click.argument("town")
@DATA
@click.option("--email", default=None, help="Where to announce the town's finished drafts.")
@click.option("--off", is_flag=True, help="Send the town no more mail.")
def notify_command(town: str, data: Path, email: str | None, off: bool) -> None:
    """Set or clear the address to which TOWN's finished drafts are announced (DIR/mail.toml configures SMTP)."""
    from pipeline.web.portal.mail import set_town_address, town_address
    store = _store(data)
    found = _town_or_exit(store, town)
    if email or off:
        try:
            set_town_address(store, found, None if off else email.strip())
        except ValueError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
    now_set = town_address(store, found)
    click.echo(f"{found.name}: {'mail to ' + now_set if now_set else 'no mail'}")


@portal_group.command("mail-test")
@click.argument("address")
@DATA
def mail_test_command(address: str, data: Path) -> None:
    """Send a test mail to ADDRESS with the SMTP settings in DIR/mail.toml."""
    from email.message import EmailMessage
    from pipeline.web.portal.mail import SETTINGS, load_settings, send
    store = _store(data)
    try:
        settings = load_settings(store.root)
        if settings is None:
            click.echo(f"No {store.root / SETTINGS}: the portal sends no mail.", err=True)
            sys.exit(1)
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = settings.sender, address, "Testnachricht des Strategie-Portals"
        msg.set_content("Diese Testnachricht bestätigt, dass das Strategie-Portal E-Mails versenden kann.\n")
        send(settings, msg)
    except Exception as exc:  # shown to the ministry's staff: what failed, not a traceback
        click.echo(f"Mail not sent: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Sent a test mail to {address} via {settings.host}:{settings.port} ({settings.security}).")


if __name__ == "__main__":
    main()
