"""Every spreadsheet form we accept gives the same content tree; bad cells are named exactly."""

from __future__ import annotations

import copy
import shutil

import openpyxl
import pytest

from conftest import SAMPLE
from editions import TABLES, write_csv, write_edition
from pipeline.build import load
from pipeline.errors import InputError
from pipeline.tree import to_data


def _tree(folder):
    data = to_data(load(folder).document)
    data["meta"]["edition"] = None
    return data


@pytest.mark.parametrize("fmt", ["xlsx", "cp1252"])
def test_xlsx_and_windows_1252_csv_give_the_same_tree_as_utf8_csv(tmp_path, fmt):
    reference = _tree(write_edition(tmp_path / "utf8"))
    assert _tree(write_edition(tmp_path / fmt, fmt=fmt)) == reference


def test_sample_edition_as_xlsx_workbook_gives_the_same_tree(tmp_path):
    """The whole sample converted to one workbook with real number cells."""
    target = tmp_path / "halbzeitbilanz-2012"
    shutil.copytree(SAMPLE, target)
    loaded = load(SAMPLE)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    import csv
    for path in sorted((target / "data").glob("*.csv")):
        ws = wb.create_sheet(path.stem)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for i, row in enumerate(csv.reader(fh, delimiter=";")):
                if path.stem == "figures" and i > 0 and row[2]:
                    row[2] = float(row[2].replace(".", "").replace(",", "."))  # a real number cell
                ws.append(row)
        path.unlink()
    wb.save(target / "data" / "workbook.xlsx")
    assert to_data(load(target).document) == to_data(loaded.document)


def test_german_numbers_are_formatted_the_german_way(tmp_path):
    doc = load(write_edition(tmp_path / "ed")).document
    boxes = {ch.id: ch.blocks[0] for ch in doc.chapters if ch.blocks and ch.blocks[0].type == "figures"}
    offenbach = boxes["offenbach"].figures[0]
    assert (offenbach.value, offenbach.note) == ("55,2\u202f%", "Stand: 31.12.2010")
    assert boxes["offenbach"].source == "Melderegister, MigraPro"
    assert boxes["kassel"].figures[0].value == "13.300"


def _errors(folder):
    with pytest.raises(InputError) as exc:
        load(folder)
    return exc.value.findings


def _with(tmp_path, mutate, fmt="csv"):
    tables = copy.deepcopy(TABLES)
    mutate(tables)
    return write_edition(tmp_path / "ed", tables=tables, fmt=fmt)


def test_empty_required_cell_names_file_row_and_column(tmp_path):
    folder = _with(tmp_path, lambda t: t["quotes"][0].update(speaker=""))
    [f] = _errors(folder)
    assert (f.code, f.location.file, f.location.row, f.location.column) == ("E-EMPTY-CELL", "data/quotes.csv", 2, "speaker")
    assert f.hint


def test_errors_in_a_workbook_name_the_sheet(tmp_path):
    folder = _with(tmp_path, lambda t: t["contacts"][1].update(email="kein-at-zeichen"), fmt="xlsx")
    [f] = _errors(folder)
    assert (f.code, f.location.file, f.location.sheet, f.location.row, f.location.column) == \
        ("E-BAD-EMAIL", "data/workbook.xlsx", "contacts", 3, "email")


def test_bad_number_duplicate_id_unknown_reference_reported_together(tmp_path):
    def mutate(t):
        t["figures"][0]["value"] = "55.2.1"
        t["quotes"].append(dict(t["quotes"][0]))
        t["photos"][0]["chapter"] = "kasel"
    found = {(f.code, f.location.file, f.location.row, f.location.column) for f in _errors(_with(tmp_path, mutate))}
    assert found == {("E-BAD-VALUE", "data/figures.csv", 2, "value"),
                     ("E-DUPLICATE-ID", "data/quotes.csv", 3, "id"),
                     ("E-UNKNOWN-REF", "data/photos.csv", 2, "chapter")}


def test_missing_required_column(tmp_path):
    def mutate(t):
        for row in t["quotes"]:
            del row["text"]
    [f] = _errors(_with(tmp_path, mutate))
    assert (f.code, f.location.file, f.location.column) == ("E-MISSING-COLUMN", "data/quotes.csv", None)
    assert "text" in f.message


def test_control_character_is_an_input_error_naming_the_character(tmp_path):
    [f] = _errors(_with(tmp_path, lambda t: t["quotes"][0].update(text="Text\x07mit Klingel")))
    assert f.code == "E-INVALID-CHAR" and "U+0007" in f.message and f.location.column == "text"


def test_undecodable_csv_is_reported(tmp_path):
    folder = write_edition(tmp_path / "ed")
    (folder / "data" / "quotes.csv").write_bytes(b"id;chapter\r\nq\x81\x8d\x8f\x90\x9d;kassel\r\n")
    [f] = _errors(folder)
    assert f.code == "E-ENCODING" and f.location.file == "data/quotes.csv"


def test_comma_separated_csv_is_reported(tmp_path):
    folder = write_edition(tmp_path / "ed")
    (folder / "data" / "quotes.csv").write_text("id,chapter,speaker\nq,kassel,X\n", encoding="utf-8")
    [f] = _errors(folder)
    assert f.code == "E-CSV-DELIMITER"


def test_unknown_section_placement(tmp_path):
    [f] = _errors(_with(tmp_path, lambda t: t["quotes"][0].update(section="Ausgangslagen")))
    assert f.code == "E-UNKNOWN-SECTION" and "Ausgangslage" in f.hint


def test_empty_rows_are_skipped_and_row_numbers_stay_true(tmp_path):
    folder = write_edition(tmp_path / "ed")
    rows = copy.deepcopy(TABLES["contacts"])
    rows.insert(1, {k: "" for k in rows[0]})
    rows[2]["email"] = "falsch"
    write_csv(folder / "data" / "contacts.csv", rows)
    [f] = _errors(folder)
    assert (f.location.row, f.location.column) == (4, "email")


def test_workbook_and_csv_together_is_refused(tmp_path):
    folder = write_edition(tmp_path / "ed", fmt="xlsx")
    write_csv(folder / "data" / "quotes.csv", TABLES["quotes"])
    [f] = _errors(folder)
    assert f.code == "E-MIXED-SOURCES"


def test_photo_path_outside_the_edition_is_refused(tmp_path):
    [f] = _errors(_with(tmp_path, lambda t: t["photos"][0].update(file="../../etc/passwd")))
    assert f.code == "E-PATH-OUTSIDE" and f.location.column == "file"


def test_photo_without_file_is_a_warning_not_an_error(tmp_path):
    loaded = load(write_edition(tmp_path / "ed"))
    assert [(w.code, w.location.column) for w in loaded.report.warnings] == [("W-EMPTY-CELL", "file")]
