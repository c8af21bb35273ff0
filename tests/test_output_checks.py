"""Output checks on real built files, and the source's own defects found by `check`."""

from __future__ import annotations

import ast
import copy
import io
import json
import re

from click.testing import CliRunner
from docx import Document as open_docx
from pypdf import PdfReader, PdfWriter

from conftest import ROOT, SAMPLE
from editions import TABLES, TEXTS, write_edition
from pipeline.build import build, check
from pipeline.verify.outputs import check_outputs, expected_of
from pipeline.cli import main
from pipeline.render.pdf import render_pdf
from pipeline.tree import Quote, walk_sections
from pipeline.verify.read_back import read_docx, read_pdf


def _codes(findings):
    return {(f.code, f.location.chapter, f.location.section) for f in findings}


def test_sample_outputs_pass_every_output_check(sample_built, sample_loaded):
    ed = sample_loaded.edition
    assert check_outputs(expected_of(ed, sample_loaded.records, sample_loaded.document), sample_loaded.document,
                         sample_built.docx_bytes, sample_built.pdf_bytes) == []
    assert sample_built.result.output_errors == []


def test_docx_with_a_heading_removed_and_a_quote_dropped_is_caught(sample_built, sample_loaded):
    doc = open_docx(io.BytesIO(sample_built.docx_bytes))
    quote = next(r for r in sample_loaded.records["quotes"] if r["chapter"] == "kassel")
    in_kassel = False
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            in_kassel = "Kassel" in p.text
        if in_kassel and p.style.name == "Heading 2" and p.text == "Perspektiven":
            p._element.getparent().remove(p._element)
        elif str(quote["text"])[:40] in p.text:
            p._element.getparent().remove(p._element)
    buf = io.BytesIO()
    doc.save(buf)
    found = check_outputs(expected_of(sample_loaded.edition, sample_loaded.records, sample_loaded.document), sample_loaded.document, buf.getvalue(), None)
    assert ("E-OUTPUT-HEADING", "kassel", "Perspektiven") in _codes(found)
    lost = [f for f in found if f.code == "E-LOST-CONTENT"]
    assert [(f.location.file, f.location.row, f.location.column) for f in lost] == \
        [("data/quotes.csv", quote.row, "text")]
    assert {f.code for f in found} == {"E-OUTPUT-HEADING", "E-LOST-CONTENT"}


def test_pdf_rendered_without_a_quote_and_a_heading_is_caught(sample_loaded):
    doc = copy.deepcopy(sample_loaded.document)
    chapter = next(c for c in doc.chapters if c.id == "wetzlar")
    section = next(s for s in walk_sections(chapter.sections) if s.title == "Ausgangslage")
    dropped = next(b for b in section.blocks if isinstance(b, Quote))
    section.blocks.remove(dropped)
    chapter.sections.remove(next(s for s in chapter.sections if s.title == "Perspektiven"))
    ed = sample_loaded.edition
    pdf = render_pdf(doc, ed.template.typst, ed.folder, ed.pages, ed.template.spec.multiple_of)
    found = check_outputs(expected_of(ed, sample_loaded.records, sample_loaded.document), sample_loaded.document, None, pdf)
    assert ("E-OUTPUT-HEADING", "wetzlar", "Perspektiven") in _codes(found)
    lost = {(f.location.file, f.location.column) for f in found if f.code == "E-LOST-CONTENT"}
    assert ("data/quotes.csv", "text") in lost  # the dropped quote
    assert ("text/regionen/wetzlar.md", None) in lost  # the Perspektiven paragraphs went with the heading


def test_pdf_with_a_page_missing_fails_toc_budget_and_count(sample_built, sample_loaded):
    reader = PdfReader(io.BytesIO(sample_built.pdf_bytes))
    writer = PdfWriter(clone_from=reader)
    writer.remove_page(13)  # page 14, inside the Kassel chapter
    buf = io.BytesIO()
    writer.write(buf)
    found = check_outputs(expected_of(sample_loaded.edition, sample_loaded.records, sample_loaded.document), sample_loaded.document, None, buf.getvalue())
    codes = {f.code for f in found}
    assert {"E-TOC-PAGE", "E-PAGE-COUNT"} <= codes
    toc = [f for f in found if f.code == "E-TOC-PAGE"]
    assert toc[0].location.chapter == "main-kinzig-kreis-hanau"  # the first chapter after the gap
    assert "says page 16" in toc[0].message and "starts on page 15" in toc[0].message


def test_chapter_over_its_page_budget_is_an_output_error(tmp_path):
    texts = dict(TEXTS)
    long = "Ein langer Absatz über die Arbeit vor Ort, der immer weiter geht. " * 60
    texts["text/regionen/kassel.md"] += "".join(f"{long}{i}\n\n" for i in range(8))
    folder = write_edition(tmp_path / "ed", texts=texts)
    result = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "E-PAGE-BUDGET" in result.output and "kassel" in result.output
    assert (tmp_path / "out" / "ed.pdf").is_file()  # the draft is there to see what to cut


def test_source_defects_reinstated_are_reported_exactly(sample_copy):
    """The three defects of the printed original, and nothing else."""
    konzeption = sample_copy / "text" / "konzeption.md"
    konzeption.write_text(konzeption.read_text(encoding="utf-8").replace("Offenbach", "Ofenbach", 1), encoding="utf-8")
    mkk = sample_copy / "text" / "regionen" / "main-kinzig-kreis-hanau.md"
    head, tail = mkk.read_text(encoding="utf-8").split("## Perspektiven\n\n")
    first = tail.split("\n\n")[0]
    mkk.write_text(head + "## Perspektiven\n\n" + first + "\n\n" + tail, encoding="utf-8")
    contacts = sample_copy / "data" / "contacts.csv"
    lines = contacts.read_bytes().split(b"\r\n")
    contacts.write_bytes(b"\r\n".join(line for line in lines if not line.startswith(b"c-wiesbaden-")))

    _, baseline = check(SAMPLE)
    _, broken = check(sample_copy)
    new = [f for f in broken if f not in baseline]
    assert sorted((f.code, f.location.file, f.location.chapter) for f in new) == [
        ("E-DUPLICATE-PARAGRAPH", "text/regionen/main-kinzig-kreis-hanau.md", "main-kinzig-kreis-hanau"),
        ("E-MISSING-CONTACT", "data/contacts.csv", "wiesbaden"),
        ("W-NAME-VARIANT", "text/konzeption.md", "konzeption"),
    ]
    assert "'Ofenbach'" in next(f.message for f in new if f.code == "W-NAME-VARIANT")


def test_sample_checks_clean_and_strict_counts_warnings(sample_built):
    runner = CliRunner()
    sample = "inputs/halbzeitbilanz-2012"
    plain = runner.invoke(main, ["check", sample])
    assert plain.exit_code == 0 and "0 errors" in plain.output
    strict = runner.invoke(main, ["check", sample, "--strict", "--format", "json"])
    report = json.loads(strict.output)
    assert strict.exit_code == 1 and report["errors"] == len(report["findings"]) > 0
    assert {f["severity"] for f in report["findings"]} == {"error"}
    built = runner.invoke(main, ["check", sample, "--built", "--out", str(sample_built.result.files[0].parent),
                                 "--format", "json"])
    assert built.exit_code == 0 and json.loads(built.output)["errors"] == 0, built.output
    usage = runner.invoke(main, ["check", sample, "--format", "xml"])
    assert usage.exit_code == 2


def test_check_built_without_outputs_says_to_build_first(tmp_path):
    folder = write_edition(tmp_path / "ed")
    result = CliRunner().invoke(main, ["check", str(folder), "--built", "--out", str(tmp_path / "none")])
    assert result.exit_code == 1 and "E-MISSING-OUTPUT" in result.output and "brochure build" in result.output


def test_allow_missing_builds_a_draft_with_visible_placeholders(tmp_path):
    tables = copy.deepcopy(TABLES)
    tables["contacts"].pop(1)  # Offenbach loses its contact
    tables["quotes"][0]["section"] = ""
    tables["photos"][0]["section"] = ""
    texts = dict(TEXTS)
    texts["text/regionen/kassel.md"] = texts["text/regionen/kassel.md"].replace(
        "## Perspektiven\n\nText zu Perspektiven in kassel.\n\n", "")
    folder = write_edition(tmp_path / "ed", tables=tables, texts=texts)
    refused = CliRunner().invoke(main, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert refused.exit_code == 1 and "E-MISSING-SECTION" in refused.output and "E-MISSING-CONTACT" in refused.output
    assert not (tmp_path / "out").exists()

    result = build(folder, tmp_path / "draft", allow_missing=True)
    assert {w.code for w in result.warnings} >= {"W-MISSING-SECTION", "W-MISSING-CONTACT"}
    assert all(w.severity == "warning" for w in result.warnings)
    docx = read_docx((tmp_path / "draft" / "ed.docx").read_bytes())
    pdf = read_pdf((tmp_path / "draft" / "ed.pdf").read_bytes())
    for text in ("Abschnitt fehlt: Perspektiven", "Ansprechpartner fehlt"):
        assert text in docx.text and pdf.contains(text), text
    assert (2, "Perspektiven") in docx.headings
    assert result.output_errors == []


CODE = re.compile(r"[EW]-[A-Z0-9]+(?:-[A-Z0-9]+)*")
CHECKS_MD = ROOT / "docs" / "checks.md"
PORTAL_WORDING = ROOT / "pipeline" / "web" / "portal" / "findings_de.py"


def _code_strings(tree: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and CODE.fullmatch(n.value)}


def _emitted_codes() -> set[str]:
    """Every finding code a pipeline module writes (error("E-…"), warning("W-…"), a gap's
    self.add("E-…"), a code passed on), as any string literal: the portal's German wording is left
    out, it translates codes and emits none."""
    return {code for path in (ROOT / "pipeline").rglob("*.py") if path != PORTAL_WORDING
            for code in _code_strings(ast.parse(path.read_text(encoding="utf-8")))}


def _documented_rows() -> list[tuple[str, bool]]:
    """(code, marked ✱) of each row of the tables in docs/checks.md."""
    return [(code, bool(star)) for code, star in
            re.findall(r"^\| `([EW]-[A-Z0-9-]+)`( ✱)?", CHECKS_MD.read_text(encoding="utf-8"), re.MULTILINE)]


def test_every_finding_code_is_documented_in_one_line():
    """Each code a row of its own (E-DUPLICATE-ID has two: chapters and table rows)."""
    emitted = _emitted_codes()
    documented = [code for code, _ in _documented_rows()]
    assert len(emitted) > 50 and {"E-MISSING-SECTION", "W-PHOTO-RESOLUTION"} <= emitted  # the scan sees codes
    assert sorted(emitted - set(documented)) == [], "emitted but not in docs/checks.md"
    assert sorted(set(documented) - emitted) == [], "in docs/checks.md but emitted nowhere"


def test_the_portal_words_only_documented_codes():
    worded = _code_strings(ast.parse(PORTAL_WORDING.read_text(encoding="utf-8")))
    assert worded and worded <= {code for code, _ in _documented_rows()}


def test_the_codes_marked_for_allow_missing_are_the_gaps_check_reports():
    """✱ in docs/checks.md: --allow-missing prints a placeholder instead. Those are the findings
    check/structure.py reports as gaps (each with its fill), the first argument of its self.add."""
    tree = ast.parse((ROOT / "pipeline" / "check" / "structure.py").read_text(encoding="utf-8"))
    gaps = {call.args[0].value for call in ast.walk(tree) if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute) and call.func.attr == "add"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"
            and call.args and isinstance(call.args[0], ast.Constant)}
    assert len(gaps) >= 5
    assert {code for code, star in _documented_rows() if star} == gaps
