"""A town's edited draft (.docx) taken back into its workbook: `brochure absorb`, for the portal.

The draft folder of the town's newest version is copied beside its versions, and the edits of
the uploaded draft are written into the copy (absorb with apply); the copy then becomes the next
version (store.new_edited_version) and is built like an uploaded workbook. The version before
keeps its files. A draft built from an older version is merged three ways with that version's
draft folder: the portal keeps every version, so it needs no cache for that.

`absorb_upload` runs in a process of its own (JobPool.run_once): a hostile file costs that
process and the time limit, never the server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.errors import InputError


def absorb_upload(folder: str, edited: str, versions: list[str]) -> dict:
    """Write the edits of the draft EDITED into the draft folder FOLDER; VERSIONS are the town's
    own draft folders, newest last, among which the one the draft was built from is found by
    its state. {"plan": …} (plan_data), or {"findings": […]} if the draft cannot be used."""
    from pipeline.absorb.run import absorb
    from pipeline.runner import source_state

    def sources_of(state: str) -> Path | None:
        return next((Path(v) for v in reversed(versions) if Path(v).is_dir() and source_state(Path(v)) == state), None)
    existed = {p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()}
    try:
        result = absorb(Path(folder), [Path(edited)], apply=True, sources_of=sources_of)
    except InputError as exc:
        return {"findings": [f.to_dict() for f in exc.findings]}
    shutil.rmtree(Path(folder) / ".absorb", ignore_errors=True)  # the version before is the copy to go back to
    return {"plan": plan_data(result, existed)}


def _sources(edits: list, existed: set[str]) -> list[dict]:
    """The places an item's edits change (a cell, a key, a text file), each once; a text file
    that did not exist before is marked new."""
    from pipeline.absorb.mapping import TextEdit
    out: list[dict] = []
    for e in edits:
        if isinstance(e, TextEdit):
            place = {"file": e.file, **({} if e.file in existed else {"new": True})}
        else:
            place = e.place.to_dict()
        if place not in out:
            out.append(place)
    return out


def plan_data(result, existed: set[str] = frozenset()) -> dict:
    """What absorb found, as kept in a version's absorb.json: plain data, the reasons by kind
    (the page words them in German, absorb_de.py), the English kept beside them."""
    plan = result.plan

    def not_taken(n) -> dict:
        return {"where": n.where, "change": n.change, "why": n.why, "kind": n.kind, "args": n.args}
    return {
        "taken": [{"place": t.place, "change": t.change, "where": t.where, "sources": _sources(t.edits, existed)}
                  for t in plan.taken],
        "not_taken": [not_taken(n) for n in plan.not_taken],
        "conflicts": [not_taken(c) for c in plan.conflicts],
        "comments": [{"author": c.author, "date": c.date, "text": c.text, "where": c.where, "commented": c.commented}
                     for c in plan.comments],
        "written": sorted(result.written),
    }
