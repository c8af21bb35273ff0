"""Scale (issue 34): a printed list past MAX_LIST_ROWS and a typeset PDF past MAX_PAGES are each
one E-TOO-LARGE finding naming the file, never a compiler out of memory or a pypdf traceback.
Real editions copied into tmp_path, checked and built by the real code and CLI."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pypdf import PdfWriter

from pipeline.assemble.list_limits import MAX_LIST_ROWS, MAX_PRINTED_ROWS, RowBudget, bounded, chapter_rows
from pipeline.build import check
from pipeline.errors import Location, Report
from pipeline.load.edition import MAX_PAGES
from pipeline.load.records import Record
from pipeline.render.pdf_pages import page_limit_finding

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


def links_edition(tmp_path: Path, n: int) -> Path:
    ed = tmp_path / "links-ed"
    shutil.copytree(ROOT / "inputs" / "halbzeitbilanz-2012", ed)
    rows = ["id;chapter;label;url"] + [f"l-{i};kassel;Seite {i};www.beispiel-{i}.de/pfad" for i in range(n)]
    (ed / "data" / "links.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ed


def table_edition(tmp_path: Path, n: int) -> Path:
    ed = tmp_path / "table-ed"
    shutil.copytree(ROOT / "inputs" / "faktenblatt-2014", ed)
    rows = ["id;angebot;traeger;kontakt"] + [f"a-{i};Angebot {i};Träger {i} e. V.;info@beispiel-{i}.de" for i in range(n)]
    (ed / "data" / "angebote.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ed


def too_large(folder: Path) -> list:
    _, findings = check(folder)
    assert not [f for f in findings if f.code == "E-LOST-CONTENT"], findings
    return [f for f in findings if f.code == "E-TOO-LARGE"]


def test_a_contact_list_past_the_limit_names_the_links_file_and_its_count(tmp_path):
    contacts = sum(1 for ln in (ROOT / "inputs/halbzeitbilanz-2012/data/contacts.csv").read_text(encoding="utf-8-sig")
                   .splitlines()[1:] if ";kassel;" in ln)
    found = too_large(links_edition(tmp_path, MAX_LIST_ROWS + 5))
    assert len(found) == 1, found
    f = found[0]
    assert f.location.file == "data/links.csv" and f.location.row
    assert f"{MAX_LIST_ROWS + 5 + contacts} rows" in f.message and "kassel" in f.message and f.hint


def test_a_table_block_past_the_limit_names_its_file_and_first_row_too_many(tmp_path):
    found = too_large(table_edition(tmp_path, MAX_LIST_ROWS + 1))
    assert [(f.location.file, f.location.row) for f in found] == [("data/angebote.csv", MAX_LIST_ROWS + 2)]
    assert f"{MAX_LIST_ROWS + 1} rows" in found[0].message


def test_a_table_block_at_the_limit_is_fine(tmp_path):
    assert too_large(table_edition(tmp_path, MAX_LIST_ROWS)) == []


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(n=st.integers(0, MAX_LIST_ROWS + 50), start=st.integers(2, 9))
def test_bounded_keeps_every_row_up_to_the_limit_and_reports_past_it(n, start):
    rows = [Record(table="t", row=start + i, values={"id": f"r{i}"}, origin=Location(file="data/t.csv", row=start + i))
            for i in range(n)]
    report = Report()
    kept = bounded(rows, "block 'x'", report)
    assert kept == rows[:MAX_LIST_ROWS]
    assert [f.location.row for f in report.findings] == ([start + MAX_LIST_ROWS] if n > MAX_LIST_ROWS else [])


def blank_pdf(pages: int) -> bytes:
    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_the_page_limit_reads_only_the_page_count():
    assert page_limit_finding(blank_pdf(MAX_PAGES), "x.pdf", "x.pdf") is None
    f = page_limit_finding(blank_pdf(MAX_PAGES + 1), "x.pdf", "x.pdf")
    assert f.code == "E-TOO-LARGE" and f.location.file == "x.pdf" and f"{MAX_PAGES + 1:,} pages" in f.message


def run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


@pytest.mark.parametrize("loop", ["#for i in range({n}) {{ pagebreak(); [p] }}",
                                  "#for i in range({n}) {{ page[#i] }}"])
def test_a_type_that_makes_too_many_pages_is_a_finding_at_its_file_and_nothing_is_written(tmp_path, loop):
    types = tmp_path / "types"
    shutil.copytree(ROOT / "templates" / "faktenblatt", types / "big")
    with (types / "big" / "brochure.typ").open("a", encoding="utf-8") as f:
        f.write("\n" + loop.format(n=MAX_PAGES + 100) + "\n")
    ed = tmp_path / "ed"
    shutil.copytree(ROOT / "inputs" / "faktenblatt-2014", ed)
    text = (ed / "edition.yaml").read_text(encoding="utf-8")
    (ed / "edition.yaml").write_text(text.replace("template: faktenblatt", "template: big"), encoding="utf-8")
    done = run(["build", "--out", str(tmp_path / "out"), str(ed)], tmp_path, {"BROCHURE_TEMPLATES": str(types)})
    assert done.returncode == 1
    assert "E-TOO-LARGE" in done.stdout + done.stderr and "types/big/brochure.typ" in done.stdout + done.stderr
    assert not (tmp_path / "out").exists()


def test_check_of_a_built_pdf_past_the_limit_is_one_finding(tmp_path):
    ed = tmp_path / "ed"
    shutil.copytree(ROOT / "inputs" / "faktenblatt-2014", ed)
    out = tmp_path / "out"
    out.mkdir()
    (out / "ed.pdf").write_bytes(blank_pdf(MAX_PAGES + 1))
    done = run(["check", "--built", "--out", str(out), str(ed)], tmp_path)
    assert done.returncode == 1 and "E-TOO-LARGE" in done.stdout and "ed.pdf" in done.stdout, done.stdout


def records(n: int, file: str = "data/t.csv") -> list[Record]:
    return [Record(table="t", row=i + 2, values={"id": f"r{i}"}, origin=Location(file=file, row=i + 2)) for i in range(n)]


def test_all_printed_lists_of_an_edition_share_one_budget():
    report = Report()
    budget = RowBudget(report)
    for n in range(MAX_PRINTED_ROWS // MAX_LIST_ROWS):
        assert len(budget.bounded(records(MAX_LIST_ROWS, f"data/t{n}.csv"), f"block 'b{n}'")) == MAX_LIST_ROWS
    assert report.findings == []
    room = MAX_PRINTED_ROWS % MAX_LIST_ROWS
    kept = budget.bounded(records(MAX_LIST_ROWS, "data/last.csv"), "block 'last'")
    assert len(kept) == room
    [f] = report.findings
    assert (f.code, f.location.file, f.location.row) == ("E-TOO-LARGE", "data/last.csv", room + 2)
    assert f"{MAX_PRINTED_ROWS:,}" in f.message


def test_chapters_from_a_table_past_the_page_limit_are_an_error_at_the_first_row_too_many(tmp_path):
    report = Report()
    assert len(chapter_rows(records(MAX_PAGES), "t", report)) == MAX_PAGES and not report.findings
    assert len(chapter_rows(records(MAX_PAGES + 3, "data/regions.csv"), "regions", report)) == MAX_PAGES
    [f] = report.findings
    assert (f.location.file, f.location.row) == ("data/regions.csv", MAX_PAGES + 2) and "regions" in f.message
