"""References between rows, and rows nothing prints.

A photo, quote, contact or link names the chapter it belongs to; a column declared with
`ref: <table>` names a row of that table. A name that is not there is E-UNKNOWN-REF, with the
closest one. A row of a table the edition prints from (by a named block or `kind: each`
chapters) that no block or chapter selected is lost: E-LOST-CONTENT (a key figure whose
`where:` matches no chapter, say). Rows already reported for a bad reference are not reported
again.
"""

from __future__ import annotations

from pipeline.errors import Finding, error, one_of
from pipeline.load.edition import Edition
from pipeline.load.records import Record
from pipeline.tree import Document

CHAPTER_TABLES = ("quotes", "photos", "contacts", "links")  # built-in tables whose rows name a chapter


def _bad_ref(rec: Record, column: str, known: set[str], what: str) -> Finding | None:
    ref = rec[column]
    if not ref or ref in known:
        return None
    return error("E-UNKNOWN-REF", rec.cells[column], f"'{ref}' is not one of the {what}",
                 one_of(str(ref), sorted(known), f"there are no {what} yet; add that row first"))


def check_references(edition: Edition, records: dict[str, list[Record]], document: Document) -> list[Finding]:
    found: list[Finding] = []
    bad_rows: set[tuple[str, int]] = set()

    def check(rec: Record, column: str, known: set[str], what: str) -> None:
        finding = _bad_ref(rec, column, known, what)
        if finding is not None:
            found.append(finding)
            bad_rows.add((rec.table, rec.row))

    chapter_ids = {c.id for c in document.chapters}
    for table in CHAPTER_TABLES:
        for rec in records.get(table, []):
            check(rec, "chapter", chapter_ids, "chapter ids")
    for table, schema in edition.template.schemas.items():
        for col in (c for c in schema if c.ref):
            known = {r.id for r in records.get(col.ref, [])}
            for rec in records.get(table, []):
                check(rec, col.name, known, f"ids in table '{col.ref}'")
    for table, rows in document.printed.items():
        for rec in records.get(table, []):
            if rec.row not in rows and (table, rec.row) not in bad_rows:
                found.append(error("E-LOST-CONTENT", rec.origin,
                                   f"row {rec.row} of table '{table}' is printed by no block or chapter",
                                   "check the columns the block's 'where:' selects by, or delete the row",
                                   args={"row": rec.row, "table": table}))
    return found
