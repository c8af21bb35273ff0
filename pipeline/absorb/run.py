"""`brochure absorb`: edited copies of a built DOCX → the changes of the sources they mean.

The sources are loaded as a build loads them, and the DOCX is rendered again with notes (the
same bytes the build wrote). Each edited copy is paired with it paragraph by paragraph; what
changed goes to the place the source map names. Several copies (several reviewers) are merged:
the same change from two copies is one change, different changes to one place are a conflict,
listed, and the sources keep theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.absorb.edited import Docx, canonical, read_docx, read_file
from pipeline.absorb.mapping import NotTaken, Plan, TextEdit, edit_key, plan
from pipeline.errors import InputError, Location, error


@dataclass
class Absorbed:
    folder: Path
    files: list[Path]
    plan: Plan
    written: dict[str, bytes] = field(default_factory=dict)  # relative path → new bytes (with --apply)
    backup: Path | None = None

    @property
    def complete(self) -> bool:
        return not self.plan.not_taken and not self.plan.conflicts


def load(folder: Path):
    """The runner's Source for FOLDER, an edition or a draft; its input errors stop absorb."""
    from pipeline.build import load_source
    if (folder / "edition.yaml").is_file():  # an edition loads neither openpyxl nor the draft machinery
        source = load_source(folder)
    else:
        from pipeline.drafts.draft import is_draft, load_draft
        if not is_draft(folder):
            raise InputError(error("E-ABSORB-SOURCES", Location(file=str(folder)),
                                   "this folder holds neither an edition (edition.yaml) nor a draft workbook",
                                   "give the folder the DOCX was built from: an edition folder, or one town's "
                                   "draft folder"))
        source = load_draft(folder)
    if source.report.errors:
        raise InputError([error("E-ABSORB-SOURCES", Location(file=str(folder)),
                                f"the sources have {len(source.report.errors)} error(s), so the DOCX built from them "
                                "cannot be made again to compare with", f"fix them first: run 'brochure check {folder}'",
                                args={"errors": len(source.report.errors)})]
                         + source.report.errors[:5])
    return source


def built(source) -> tuple[Docx, list]:
    """The DOCX as the build made it, read like an edited copy, each paragraph with its note."""
    from pipeline.render import render_docx_noted
    from pipeline.runner import job_for
    job = job_for(source)
    data, notes = render_docx_noted(source.document, job.template.reference_docx, job.folder, job.artwork,
                                    job.toc_depth, job.template.docx_cover)
    docx = read_docx(data)
    if len(notes) != len(docx.paragraphs):
        raise RuntimeError("the noted paragraphs and the paragraphs read back differ in number")
    return docx, [(p, node, segments) for p, (node, segments) in zip(docx.paragraphs, notes)]


def absorb(folder: Path, docx_files: list[Path], apply: bool = False,
           sources_of: Callable[[str], Path | None] | None = None) -> Absorbed:
    """The changes in DOCX_FILES, edited copies of FOLDER's built DOCX, as a plan; with APPLY
    written into FOLDER. A copy built from an earlier state of the sources is merged three ways
    with the sources of that state: SOURCES_OF(state) gives the folder that holds them (by
    default those kept at each build, pipeline/source_history.py), or None if they are not kept."""
    folder = Path(folder)
    source = load(folder)
    from pipeline.source_history import keep
    keep(folder, source.state)  # so that a copy of these sources can be absorbed again after --apply
    original, noted = built(source)
    plans = []
    for path in docx_files:
        edited = read_docx(read_file(Path(path)), Path(path))
        # A copy that names the state of the sources it was built from is one of these sources'
        # (the state hashes them all) if that state is theirs now or kept; one that names none
        # (built before the DOCX said, or its properties removed) must look like the built file.
        if edited.state and edited.state != source.state:
            plans.append(_three_way(folder, source, original, edited, Path(path), sources_of))
        elif edited.state or _same_document(original, edited):
            plans.append(plan(source, noted, edited, original.comments))
        else:
            raise _other_document(folder, original, edited, Path(path))
    merged = merge(plans, [Path(p).name for p in docx_files])
    result = Absorbed(folder, [Path(p) for p in docx_files], merged)
    files = _prepared(folder, merged, len(source.report.errors))
    if apply:
        from pipeline.absorb import write
        result.written = files
        result.backup = write.write(folder, files)
    return result


def _other_document(folder: Path, original: Docx, edited: Docx, path: Path) -> InputError:
    return InputError(error("E-ABSORB-INPUT", Location(file=str(path)),
                            f"this DOCX was built from another edition ('{edited.title or 'no title'}'), not from "
                            f"{folder} ('{original.title}')", "give the folder the DOCX was built from",
                            args={"form": "other-document", "title": edited.title, "expected": original.title}))


def _three_way(folder: Path, source, original: Docx, edited: Docx, path: Path, sources_of=None) -> Plan:
    """A copy built from older sources: its edits are found against the sources it was built from
    (kept at each build, pipeline/source_history.py) and moved onto the sources as they are now;
    where both changed, a conflict."""
    import os
    import shutil
    import tempfile

    from pipeline.absorb.rebase import DONE, Rebase
    from pipeline.source_history import find
    kept = sources_of(edited.state) if sources_of is not None else find(edited.state)
    if kept is None and not _same_document(original, edited):
        raise _other_document(folder, original, edited, path)
    if kept is None:
        raise InputError(error("E-ABSORB-INPUT", Location(file=str(path)),
                               "this DOCX was built from an earlier state of the sources, which is not kept on this "
                               "machine, so its edits cannot be told from the changes made to the sources since",
                               "absorb it where it was built, or make the edits in a DOCX built from the sources as "
                               "they are now", args={"form": "sources-not-kept"}))
    with tempfile.TemporaryDirectory(prefix="absorb-base-") as tmp:
        base_folder = Path(tmp) / folder.name
        shutil.copytree(kept, base_folder)
        if (folder / "images").is_dir():  # pictures are not kept: the current ones stand in
            shutil.copytree(folder / "images", base_folder / "images", copy_function=os.link)
        base = load(base_folder)
        base_docx, base_noted = built(base)
        if not _same_document(original, base_docx, titles=False):  # kept sources, but of another edition
            raise _other_document(folder, original, edited, path)
        found = plan(base, base_noted, edited, base_docx.comments)
        moved = Rebase(base_folder, folder, found.edits)
        for t in list(found.taken):
            edits = [moved.edit(e) for e in t.edits]
            if all(e is DONE for e in edits):
                found.taken.remove(t)  # absorbed before: nothing to do
                continue
            edits = [e for e in edits if e is not DONE]
            if any(e is None for e in edits):
                found.taken.remove(t)
                found.conflicts.append(NotTaken(t.where, t.change, f"{t.place}: changed in the sources too since "
                                                "this copy was built; the sources keep theirs", kind="changed-since"))
            else:
                t.edits = edits
    return found


def _prepared(folder: Path, merged: Plan, errors_before: int) -> dict[str, bytes]:
    """The new bytes of every file to change, after two proofs: each edit can be written in its
    cell's own form, and the sources so changed still pass their checks (a renamed heading the
    brochure type requires would not). An edit that fails either is listed, not written."""
    from pipeline.absorb import write
    files, failed = write.prepare(folder, merged.edits)
    for e in failed:
        _drop(merged, lambda t, e=e: e in t.edits, "the cell holds this value in another form than it is printed "
              "(made from several cells, or a formula): change it in the table", kind="cell-form")
    for _ in range(3):
        findings = _trial(folder, files)
        if len([f for f in findings if f.severity == "error"]) <= errors_before:
            return files
        for f in (f for f in findings if f.severity == "error"):
            _drop(merged, lambda t, f=f: any(_file_of(e) == f.location.file for e in t.edits),
                  f"the sources would then fail their check: {f.message}", kind="fails-check", args={"finding": f.to_dict()})
        files, _ = write.prepare(folder, merged.edits)
    raise InputError(error("E-ABSORB-CHECK", Location(file=str(folder)), "the changes would leave the sources with "
                           "errors that no single change explains", "absorb the copies one at a time, or edit the "
                           "sources directly"))


def _same_document(built: Docx, edited: Docx, titles: bool = True) -> bool:
    """Whether EDITED is a copy of BUILT: its title (core properties) is the same, and most of
    the built paragraphs are still in it word for word (a reviewer edits some, never most;
    another edition shares few). Two drafts of one type share much of their text, so the title
    (which names the town) tells them apart. Without TITLES, the paragraphs alone (two states of
    one edition, whose title may have been edited)."""
    if titles and built.title and edited.title and canonical(built.title) != canonical(edited.title):
        return False
    kept = {canonical(p.text) for p in edited.paragraphs}
    texts = [canonical(p.text) for p in built.paragraphs if len(canonical(p.text)) > 20]
    return bool(texts) and sum(t in kept for t in texts) >= 0.3 * len(texts)


def _file_of(edit) -> str:
    return edit.file if isinstance(edit, TextEdit) else edit.place.file


def _drop(merged: Plan, which, why: str, kind: str, args: dict | None = None) -> None:
    for t in [t for t in merged.taken if which(t)]:
        merged.taken.remove(t)
        merged.not_taken.append(NotTaken(t.where, t.change, why, kind, dict(args or {})))


def _trial(folder: Path, files: dict[str, bytes]) -> list:
    """The input findings of FOLDER with FILES changed, in a scratch copy (hard links where the
    file stays: nothing is copied that need not be)."""
    import os
    import shutil
    import tempfile

    from pipeline.build import check
    if not files:
        return []

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    with tempfile.TemporaryDirectory(prefix="absorb-trial-") as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".absorb"), copy_function=link)
        for rel, data in files.items():
            target = copy / rel
            if target.exists():
                target.unlink()  # a hard link: never write through it into the user's file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if (copy / "edition.yaml").is_file():
            return check(copy)[1]
        from pipeline.drafts.draft import check_draft
        return check_draft(copy)




def merge(plans: list[Plan], names: list[str]) -> Plan:
    """One plan from several copies: a change made in two copies once; different changes to one
    place a conflict, and neither is taken."""
    if len(plans) == 1:
        return plans[0]
    out = Plan()
    seen: dict[object, tuple] = {}

    def overlaps(e) -> list:
        """Earlier edits of the same place, or of text overlapping E's, that differ from E."""
        found = [seen[edit_key(e)][0]] if edit_key(e) in seen and seen[edit_key(e)][0] != e else []
        if isinstance(e, TextEdit):
            found += [o for o, *_ in seen.values() if isinstance(o, TextEdit) and o.file == e.file and o != e
                      and o.start < max(e.end, e.start + 1) and e.start < max(o.end, o.start + 1)]
        return found
    for name, p in zip(names, plans):
        for t in p.taken:
            clash = [e for e in t.edits if overlaps(e)]
            if clash:
                first = overlaps(clash[0])[0]
                other = seen[edit_key(first)]
                out.conflicts.append(NotTaken(f"{other[1]} ({other[2]}) / {t.where} ({name})",
                                              f"{getattr(other[0], 'new', '')} ≠ {getattr(clash[0], 'new', '')}",
                                              f"{t.place}: two copies change it differently", kind="copies-differ"))
                out.taken = [x for x in out.taken if not any(edit_key(e) == edit_key(first) for e in x.edits)]
                continue
            if all(edit_key(e) in seen for e in t.edits) and t.edits:
                continue  # the same change from another copy
            for e in t.edits:
                seen[edit_key(e)] = (e, t.where, name)
            out.taken.append(t)
        out.not_taken += [replace(n, where=f"{n.where} ({name})") for n in p.not_taken]
        out.conflicts += p.conflicts
        out.comments += p.comments
    return out
