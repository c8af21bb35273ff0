"""How many rows one printed list may hold: a table or cards block, or one chapter's contacts
and links. Typst lays out such a list as one piece, and its memory grows with it (about 0.1 to
0.25 MB a row, measured in issue 34): past this limit a build is an E-TOO-LARGE finding at the
first row too many, rather than a compiler that runs out of memory without a word."""

from __future__ import annotations

from pipeline.errors import Report, error
from pipeline.load.records import Record

MAX_LIST_ROWS = 2_000


def bounded(rows: list[Record], what: str, report: Report) -> list[Record]:
    """ROWS, or their first MAX_LIST_ROWS with an error naming the first row past the limit (the
    rest is never typeset, so a preview stays quick; the error stops the build)."""
    if len(rows) <= MAX_LIST_ROWS:
        return rows
    first = rows[MAX_LIST_ROWS]
    files = sorted({str(r.origin.file) for r in rows if r.origin.file})
    report.add(error("E-TOO-LARGE", first.origin,
                     f"{what} prints {len(rows)} rows of {', '.join(files) or 'table ' + first.table}; "
                     f"one printed list holds at most {MAX_LIST_ROWS:,}",
                     "split the rows over several chapters (column 'chapter') or blocks (`where:`), "
                     "or publish the full list on the web and print its address",
                     args={"form": "list-rows", "rows": len(rows), "max": MAX_LIST_ROWS}))
    return rows[:MAX_LIST_ROWS]
