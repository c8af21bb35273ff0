"""`brochure absorb`: edited copies of a built DOCX → the changes of the sources they mean.

The sources are loaded as a build loads them, and the DOCX is rendered again with notes (the
same bytes the build wrote). Each edited copy is paired with it paragraph by paragraph; what
changed goes to the place the source map names. Several copies (several reviewers) are merged:
the same change from two copies is one change, different changes to one place are a conflict,
listed, and the sources keep theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.absorb.edited import Docx, canonical, read_docx, read_file
from pipeline.absorb.mapping import NotTaken, Plan, TextEdit, plan
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
    from pipeline.drafts.draft import load_draft, is_draft
    source = load_source(folder) if (folder / "edition.yaml").is_file() or not is_draft(folder) else load_draft(folder)
    if source.report.errors:
        raise InputError([error("E-ABSORB-SOURCES", Location(file=str(folder)),
                                f"the sources have {len(source.report.errors)} error(s), so the DOCX built from them "
                                "cannot be made again to compare with", f"fix them first: run 'brochure check {folder}'")]
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


def absorb(folder: Path, docx_files: list[Path], apply: bool = False) -> Absorbed:
    folder = Path(folder)
    source = load(folder)
    original, noted = built(source)
    plans = []
    for path in docx_files:
        edited = read_docx(read_file(Path(path)), Path(path))
        if canonical(edited.title) != canonical(original.title):
            raise InputError(error("E-ABSORB-INPUT", Location(file=str(path)),
                                   f"this DOCX was built from another edition ('{edited.title}'), not from {folder} "
                                   f"('{original.title}')", "give the folder the DOCX was built from"))
        plans.append(plan(source, noted, edited, original.comments))
    merged = merge(plans, [Path(p).name for p in docx_files])
    result = Absorbed(folder, [Path(p) for p in docx_files], merged)
    if apply:
        from pipeline.absorb import write
        files, failed = write.prepare(folder, merged.edits)
        for e in failed:
            merged.not_taken.append(NotTaken(str(e.place), f"{e.old} → {e.new}",
                                             "the cell holds this value in another form than it is printed (made from "
                                             "several cells, or a formula): change it in the table"))
            merged.taken = [t for t in merged.taken if e not in t.edits]
        result.written = files
        result.backup = write.write(folder, files)
    return result


def _key(edit) -> object:
    return (edit.file, edit.start, edit.end) if isinstance(edit, TextEdit) else edit.place


def merge(plans: list[Plan], names: list[str]) -> Plan:
    """One plan from several copies: a change made in two copies once; different changes to one
    place a conflict, and neither is taken."""
    if len(plans) == 1:
        return plans[0]
    out = Plan()
    seen: dict[object, tuple] = {}
    for name, p in zip(names, plans):
        for t in p.taken:
            clash = [e for e in t.edits if _key(e) in seen and seen[_key(e)][0] != e]
            if clash:
                other = seen[_key(clash[0])]
                out.conflicts.append(NotTaken(f"{other[1]} ({other[2]}) / {t.where} ({name})",
                                              f"{getattr(other[0], 'new', '')} ≠ {getattr(clash[0], 'new', '')}",
                                              f"{t.place}: two copies change it differently"))
                out.taken = [x for x in out.taken if not any(_key(e) == _key(clash[0]) for e in x.edits)]
                continue
            if all(_key(e) in seen for e in t.edits) and t.edits:
                continue  # the same change from another copy
            for e in t.edits:
                seen[_key(e)] = (e, t.where, name)
            out.taken.append(t)
        out.not_taken += [NotTaken(f"{n.where} ({name})", n.change, n.why) for n in p.not_taken]
        out.conflicts += p.conflicts
        out.comments += p.comments
    return out
