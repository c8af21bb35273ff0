"""How many rows printed lists may hold: one table or cards block, or one chapter's contacts and
links, and all of them in one edition together. Typst lays out such a list as one piece and keeps
every page in memory (about 0.1 to 0.25 MB a row, measured in issue 34): past these limits a build
is an E-TOO-LARGE finding at the first row too many, rather than a compiler that runs out of
memory without a word. Each `each` chapter is at least a page, so their number is held to the
page limit of an edition."""

from __future__ import annotations

from pipeline.errors import Report, error
from pipeline.load.records import Record

MAX_LIST_ROWS = 2_000  # one printed list
MAX_PRINTED_ROWS = 5_000  # all printed lists of an edition


class RowBudget:
    """The rows printed lists of one edition have used so far."""

    def __init__(self, report: Report):
        self.report = report
        self.used = 0

    def bounded(self, rows: list[Record], what: str) -> list[Record]:
        """ROWS, or as many as the limits leave, with an error at the first row past them (the rest
        is never typeset, so a preview stays quick; the error stops the build)."""
        room = min(MAX_LIST_ROWS, max(0, MAX_PRINTED_ROWS - self.used))
        if len(rows) > room:
            first = rows[room]
            files = sorted({str(r.origin.file) for r in rows if r.origin.file})
            of = ", ".join(files) or f"table {first.table}"
            if room < MAX_LIST_ROWS and len(rows) <= MAX_LIST_ROWS:
                message = (f"{what} prints {len(rows)} rows of {of}, after {self.used:,} rows of earlier lists; "
                           f"all printed lists of an edition hold at most {MAX_PRINTED_ROWS:,} rows")
            else:
                message = f"{what} prints {len(rows)} rows of {of}; one printed list holds at most {MAX_LIST_ROWS:,}"
            self.report.add(error("E-TOO-LARGE", first.origin, message,
                                  "split the rows over several chapters (column 'chapter'), blocks (`where:`) or "
                                  "editions, or publish the full list on the web and print its address",
                                  args={"form": "list-rows", "rows": len(rows), "max": room}))
            rows = rows[:room]
        self.used += len(rows)
        return rows


def bounded(rows: list[Record], what: str, report: Report) -> list[Record]:
    """One list on its own (see RowBudget.bounded)."""
    return RowBudget(report).bounded(rows, what)


def chapter_rows(rows: list[Record], table: str, report: Report) -> list[Record]:
    """The rows of a table a chapter is made from per row: each chapter takes a page at least,
    so past an edition's page limit (MAX_PAGES) the first row too many is an error."""
    from pipeline.load.edition import MAX_PAGES
    if len(rows) <= MAX_PAGES:
        return rows
    report.add(error("E-TOO-LARGE", rows[MAX_PAGES].origin,
                     f"table '{table}' has {len(rows):,} rows, a chapter of at least a page each; "
                     f"an edition has at most {MAX_PAGES:,} pages",
                     "make chapters from a shorter table, or split the edition into several",
                     args={"form": "list-rows", "rows": len(rows), "max": MAX_PAGES}))
    return rows[:MAX_PAGES]
