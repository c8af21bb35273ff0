"""The Word round trip (`brochure absorb`): edits made to a built DOCX in LibreOffice (over
UNO, tracked and untracked) and by a script (python-docx) go back into the sources they came
from; what cannot is listed with the reason; untouched files stay byte-identical; a rebuild
carries every edit, and absorbing the same file again finds nothing to do."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from docx import Document as open_docx

import office
from conftest import ROOT
from pipeline.absorb.edited import canonical
from pipeline.absorb.run import absorb
from pipeline.build import build
from pipeline.cli import main
from pipeline.drafts.draft import build_draft
from pipeline.verify.read_back import read_docx

REVIEW = ROOT / "inputs" / "halbzeitbilanz-2012"

# -- the corpus: edits a person makes in LibreOffice Writer ------------------------------------------
# (edit as lo_edit.py takes it, the source file it must land in, text the rebuilt DOCX must hold,
#  text it must no longer hold)
LO_EDITS = [
    ({"replace": "muss Integration Chefsache sein", "by": "muss Integration Sache der Spitze sein", "track": True},
     "text/konzeption.md", "muss Integration Sache der Spitze sein", "Chefsache sein"),
    ({"replace": "zu einem neuen Verständnis von Integration", "by": "zu einem ganz neuen Verständnis von Integration",
      "track": False}, "text/perspektiven.md", "ganz neuen Verständnis", None),
    ({"replace": "als erfolgreich bewerten lässt.", "by": "als erfolgreich bewerten lässt. Daten helfen dabei.",
      "track": True}, "text/evaluation.md", "bewerten lässt. Daten helfen dabei.", None),
    ({"after": "Dabei legen wir großen Wert", "insert": "Ein neuer Absatz aus LibreOffice.", "track": True},
     "text/konzeption.md", "Ein neuer Absatz aus LibreOffice.", None),
    ({"delete": "Diese Kernanforderungen waren schon", "track": True},
     "text/konzeption.md", None, "Diese Kernanforderungen waren schon"),
    ({"split": "nicht nur die Zugewanderten.", "track": False}, "text/perspektiven.md", None, None),
    ({"merge": "Hessen blickt auf eine lange Zuwanderungs", "track": True}, "text/monitoring.md", None, None),
    ({"bold": "großen Zukunftsfragen", "track": False}, "text/vorwort.md", None, None),
    ({"plain": "partizipativen Ansatz", "track": True}, "text/evaluation.md", None, None),
    ({"italic": "industrielle Entwicklung", "track": False}, "text/regionen/wetzlar.md", None, None),
    ({"replace": "Aufbau von nachhaltigen Beteiligungsstrukturen", "by": "Aufbau von dauerhaften Beteiligungsstrukturen",
      "track": True}, "text/konzeption.md", "dauerhaften Beteiligungsstrukturen", None),
    ({"after": "Schaffung von Transparenz über die bestehenden Angebote", "insert": "Ein vierter Schwerpunkt.",
      "track": False}, "text/konzeption.md", "Ein vierter Schwerpunkt.", None),
    ({"heading": "Strukturelle Veränderungen in den bestehenden Institutionen und Angeboten",
      "by": "Strukturelle Veränderungen in Institutionen und Angeboten", "track": True},
     "text/konzeption.md", "Strukturelle Veränderungen in Institutionen und Angeboten", None),
    ({"after": "In einem intensiven, partizipativen Verfahren", "insert": "Neue Wege", "style": "Heading 2",
      "track": False}, "text/perspektiven.md", "Neue Wege", None),
    ({"replace": "Dr. Uta George", "by": "Dr. Uta George-Meier", "track": True}, "data/contacts.csv",
     "Dr. Uta George-Meier", None),
    ({"replace": "uta.george@hochtaunuskreis.de", "by": "u.george@hochtaunuskreis.de", "track": False},
     "data/contacts.csv", "u.george@hochtaunuskreis.de", "uta.george@"),
    ({"replace": "06172 - 999-42 16", "by": "06172 - 999-42 99", "track": True}, "data/contacts.csv",
     "06172 - 999-42 99", "06172 - 999-42 16"),
    ({"replace": "Vielfalt ist für uns eine Bereicherung", "by": "Vielfalt ist für uns eine große Bereicherung",
      "track": True}, "data/quotes.csv", "eine große Bereicherung", None),
    ({"replace": "Erster Stadtrat Oberursel (Taunus)", "by": "Erster Stadtrat von Oberursel (Taunus)", "track": False},
     "data/quotes.csv", "Erster Stadtrat von Oberursel", None),
    ({"replace": "eine Einrichtung zur Teilhabe am Arbeitsleben", "by": "eine anerkannte Einrichtung zur Teilhabe am "
      "Arbeitsleben", "track": True}, "text/portraets/treff-offenbach.md", "eine anerkannte Einrichtung", None),
    ({"replace": "Staatsminister Hahn im Gespräch", "by": "Staatsminister Hahn im Gespräch mit Gästen", "track": False},
     "data/photos.csv", "Staatsminister Hahn im Gespräch mit Gästen", None),
    ({"replace": "Arbeitslosenquote (hessenweit niedrigste)", "by": "Arbeitslosenquote (die niedrigste in Hessen)",
      "track": True}, "data/figures.csv", "Arbeitslosenquote (die niedrigste in Hessen)", None),
    ({"replace": "3,9\u202f%", "by": "4,1\u202f%", "track": False}, "data/figures.csv", "4,1\u202f%", None),
    ({"replace": "Vielfalt ist Hessens Zukunft!", "by": "Vielfalt ist Hessens Zukunft", "track": True},
     "edition.yaml", None, None),
    ({"replace": "Januar 2012", "by": "Februar 2012", "track": False}, "edition.yaml", "Februar 2012", None),
]
# edits nobody can take over, each with the words of its reason
LO_NOT_MAPPED = [
    ({"replace": "Telefon: 06172 - 999-42 15", "by": "Tel.: 06172 - 999-42 15", "track": False}, "label"),
    ({"heading": "Perspektiven", "by": "Perspektiven und Ausblick", "track": True}, "fail their check"),
]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".absorb" not in p.parts}


@pytest.fixture(scope="module")
def review(tmp_path_factory, samples) -> Path:
    """The 2012 review's sources and the DOCX the session built from them."""
    return samples.file(REVIEW.name, ".docx")


def _lo(jobs: list[dict], work: Path) -> None:
    if office.uno_missing():
        pytest.skip(office.uno_missing())
    (work / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([str(office.DEBIAN_PYTHON), str(Path(__file__).parent / "lo_edit.py"), str(office.PROFILE),
                           str(work / "jobs.json")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def lo_round(review, tmp_path_factory):
    """The corpus made in one LibreOffice run, absorbed with --apply into a copy of the sources,
    and built again."""
    work = tmp_path_factory.mktemp("lo-round")
    folder = work / REVIEW.name
    shutil.copytree(REVIEW, folder)
    _lo([{"in": str(review), "out": str(work / "edited.docx"), "edits": [e for e, *_ in LO_EDITS]},
         {"in": str(review), "out": str(work / "kept.docx"), "edits": []},
         {"in": str(review), "out": str(work / "label.docx"), "edits": [e for e, _ in LO_NOT_MAPPED]}], work)
    before = _hashes(folder)
    dry = absorb(folder, [work / "edited.docx"])
    assert _hashes(folder) == before  # without --apply nothing is written
    result = absorb(folder, [work / "edited.docx"], apply=True)
    rebuilt = build(folder, work / "out")
    return work, folder, before, result, rebuilt, dry


def test_the_corpus_has_twenty_edits_half_of_them_tracked():
    assert len(LO_EDITS) >= 20
    assert sum(1 for e, *_ in LO_EDITS if e["track"]) >= len(LO_EDITS) / 2


def test_an_untouched_docx_and_a_libreoffice_save_report_nothing(lo_round, review):
    work, *_ = lo_round
    for docx in (review, work / "kept.docx"):
        result = absorb(REVIEW, [docx])
        assert (result.plan.taken, result.plan.not_taken, result.plan.comments) == ([], [], []), docx


def test_every_edit_lands_in_its_source_and_nothing_else_changes(lo_round):
    work, folder, before, result, _, dry = lo_round
    assert result.plan.not_taken == [] and result.plan.conflicts == []
    assert [t.place for t in dry.plan.taken] == [t.place for t in result.plan.taken]
    after = _hashes(folder)
    changed = {f for f in after if after[f] != before.get(f)}
    expected = {file for _, file, *_ in LO_EDITS if file} | {"data/photos.csv"}  # the renamed heading's photos
    assert changed == expected
    assert set(before) == set(after)  # no file lost, none made
    taken_files = {t.place.split(":")[0].split(",")[0].removesuffix(" (new)") for t in result.plan.taken}
    assert expected <= taken_files


def test_the_rebuild_carries_every_edit(lo_round):
    _, folder, _, _, rebuilt, _ = lo_round
    assert rebuilt.output_errors == []
    text = canonical(read_docx(next(p for p in rebuilt.files if p.suffix == ".docx").read_bytes()).text)
    for edit, _, present, gone in LO_EDITS:
        if present:
            assert canonical(present) in text, edit
        if gone:
            assert canonical(gone) not in text, edit


def test_markup_and_structure_edits_are_markdown(lo_round):
    _, folder, *_ = lo_round
    read = {rel: (folder / rel).read_text(encoding="utf-8-sig") for rel in
            ("text/vorwort.md", "text/evaluation.md", "text/regionen/wetzlar.md", "text/konzeption.md",
             "text/regionen/hochtaunuskreis.md", "text/monitoring.md")}
    assert "**großen Zukunftsfragen**" in read["text/vorwort.md"]
    assert "**partizipativen Ansatz**" not in read["text/evaluation.md"] and "partizipativen Ansatz" in read["text/evaluation.md"]
    assert "*industrielle Entwicklung*" in read["text/regionen/wetzlar.md"]
    assert "- Ein vierter Schwerpunkt." in read["text/konzeption.md"]
    assert "### Strukturelle Veränderungen in Institutionen und Angeboten\n" in read["text/konzeption.md"]
    merged = next(line for line in read["text/monitoring.md"].splitlines() if "Hessen blickt auf eine lange" in line)
    assert "Um zu erkennen, ob und in welchen Bereichen" in merged  # the next paragraph joined this one
    perspektiven = (folder / "text" / "perspektiven.md").read_text(encoding="utf-8")
    assert "nicht nur die Zugewanderten.\n\nSie ist eine zentrale" in perspektiven  # split in two
    assert "\n## Neue Wege\n" in perspektiven
    photos = (folder / "data" / "photos.csv").read_text(encoding="utf-8-sig")
    assert photos.count(";konzeption;Strukturelle Veränderungen in Institutionen und Angeboten;") == 2  # they follow


def test_cells_keep_their_own_form_and_the_file_its_dialect(lo_round):
    _, folder, *_ = lo_round
    raw = (folder / "data" / "figures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte order mark stays
    line = next(x for x in raw.decode("utf-8-sig").splitlines() if x.startswith("hochtaunuskreis;Arbeitslosenquote"))
    assert line == "hochtaunuskreis;Arbeitslosenquote (die niedrigste in Hessen);4,1;%;;"  # the number without its unit
    original = (REVIEW / "data" / "contacts.csv").read_bytes().splitlines(keepends=True)
    edited = (folder / "data" / "contacts.csv").read_bytes().splitlines(keepends=True)
    assert len(original) == len(edited)
    assert sum(a != b for a, b in zip(original, edited)) == 2  # the two contacts edited, every other row as it was


def test_edition_yaml_keeps_its_comments_and_order(lo_round):
    _, folder, *_ = lo_round
    old = (REVIEW / "edition.yaml").read_text(encoding="utf-8").splitlines()
    new = (folder / "edition.yaml").read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(old, new) if a != b] == [
        ('title: "Vielfalt ist Hessens Zukunft!"', 'title: "Vielfalt ist Hessens Zukunft"'),
        ('date: 2012-01-01          # printed as "Januar 2012"', 'date: 2012-02-01          # printed as "Januar 2012"')]


def test_a_second_absorb_of_the_same_file_finds_nothing(lo_round):
    work, folder, *_ = lo_round
    again = absorb(folder, [work / "edited.docx"])
    assert again.plan.taken == [] and again.plan.conflicts == []


def test_a_changed_label_is_listed_with_its_reason_and_nothing_is_written(lo_round):
    work, *_ = lo_round
    folder = work / "label-copy"
    shutil.copytree(REVIEW, folder)
    before = _hashes(folder)
    result = absorb(folder, [work / "label.docx"], apply=True)
    assert result.plan.taken == [] and len(result.plan.not_taken) == len(LO_NOT_MAPPED)
    for (_, why), listed in zip(LO_NOT_MAPPED, sorted(result.plan.not_taken, key=lambda n: "Perspektiven" in n.where)):
        assert why in listed.why, listed
    assert _hashes(folder) == before


def test_backups_of_every_changed_file(lo_round):
    _, folder, before, result, *_ = lo_round
    assert result.backup is not None and result.backup.parent == folder / ".absorb"
    for rel in result.written:
        assert hashlib.sha256((result.backup / rel).read_bytes()).hexdigest() == before[rel]


# -- a script's edits (python-docx), comments, and what cannot map -----------------------------------

def _edit_with_python_docx(src: Path, dst: Path) -> None:
    d = open_docx(str(src))

    def para(start: str):
        return next(p for p in d.paragraphs if p.text.startswith(start))
    target = para("Damit diese wichtigen Veränderungen")
    d.add_comment(target.runs[0], text="Bitte mit der Pressestelle abstimmen.", author="Regina Prüfer", initials="RP")
    toc = next(p for p in d.paragraphs if p.style.name.lower().startswith("toc") and p.runs)
    toc.runs[-1].text += " (neu)"
    d.save(str(dst))


def test_comments_are_listed_with_author_and_source_and_generated_text_is_reported(review, tmp_path):
    edited = tmp_path / "kommentiert.docx"
    _edit_with_python_docx(review, edited)
    result = absorb(REVIEW, [edited])
    assert [(c.author, c.text, c.place) for c in result.plan.comments] == [
        ("Regina Prüfer", "Bitte mit der Pressestelle abstimmen.", "text/konzeption.md, line 7")]
    assert result.plan.comments[0].where.startswith("Konzeption")
    assert [n.why.split(":")[0] for n in result.plan.not_taken] == ["the table of contents is generated from the headings"]


def test_the_cli_prints_source_by_source_and_writes_a_german_report(review, tmp_path):
    edited = tmp_path / "kommentiert.docx"
    _edit_with_python_docx(review, edited)
    report = tmp_path / "bericht.html"
    out = CliRunner().invoke(main, ["absorb", str(REVIEW), str(edited), "--report", str(report)])
    assert out.exit_code == 1, out.output  # the contents entry cannot be taken over
    assert "Not taken over (1)" in out.output and "Comments (1)" in out.output
    assert "Nothing was written" not in out.output  # nothing to write: no changes
    html = report.read_text(encoding="utf-8")
    assert '<html lang="de">' in html and "Regina Prüfer" in html and "Nicht übernommen (1)" in html
    assert "Inhaltsverzeichnis" in html and "table of contents" not in html  # the reason in German


@pytest.mark.parametrize("make, why", [
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "Word 97–2003"),
    (lambda p: p.write_bytes(b"%PDF-1.7\n"), "not a Word document"),
    (lambda p: shutil.copy(ROOT / "templates" / "kiv-handbuch" / "reference.docx", p), "another edition"),
])
def test_unusable_input_is_exit_2_with_one_clear_message(make, why, tmp_path):
    edited = tmp_path / "edited.docx"
    make(edited)
    out = CliRunner().invoke(main, ["absorb", str(REVIEW), str(edited), "--apply"])
    assert out.exit_code == 2 and why in out.output and "Traceback" not in out.output
    assert "E-ABSORB-INPUT" in out.output


def test_a_docx_of_another_edition_names_it(samples, tmp_path):
    out = CliRunner().invoke(main, ["absorb", str(REVIEW), str(samples.file("kiv-handbuch-2020", ".docx"))])
    assert out.exit_code == 2 and "Vielfalts- und Integrationsstrategien" in out.output


# -- drafts: the workbook -----------------------------------------------------------------------------

def _without_comments(src: Path, dst: Path) -> None:
    """LibreOffice 7.4 aborts over UNO when it stores a DOCX holding comments: the draft's own
    notes are taken out before it is edited there (absorb ignores them anyway)."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "word/comments.xml":
                continue
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:commentRange(Start|End) [^>]*/>", b"", data)
                data = re.sub(rb"<w:r>(?:(?!</w:r>).)*?<w:commentReference [^>]*/></w:r>", b"", data, flags=re.S)
            elif info.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb"<Relationship [^>]*Target=\"comments.xml\"/>", b"", data)
            elif info.filename == "[Content_Types].xml":
                data = re.sub(rb"<Override PartName=\"/word/comments.xml\"[^>]*/>", b"", data)
            out.writestr(info, data)


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_a_draft_edited_in_libreoffice_goes_back_into_its_workbook(samples, tmp_path):
    town = tmp_path / "rodgau"
    shutil.copytree(ROOT / "inputs" / "kommunen" / "rodgau", town)
    built = samples.file("kommunen/rodgau", ".docx")
    # LibreOffice's own open-and-save (the product's comments kept) changes nothing
    kept = office.convert(built, "docx", tmp_path / "kept") if not office.soffice_missing() else None
    if kept is not None:
        assert absorb(town, [kept]).plan.taken == []
    plain = tmp_path / "ohne-kommentare.docx"
    _without_comments(built, plain)
    _lo([{"in": str(plain), "out": str(tmp_path / "edited.docx"), "edits": [
        {"replace": "Hier spricht die Verwaltungsspitze: Warum ist Vielfalt und Integration Chefsache?",
         "by": "Liebe Rodgauerinnen und Rodgauer, Vielfalt ist unsere Stärke.", "track": True},
        {"replace": "Fotoausstellung zum Thema", "by": "Große Fotoausstellung zum Thema", "track": True},
        {"replace": "Vanessa Holly", "by": "Vanessa Holly-Berg", "track": False}]}], tmp_path)
    workbook_before = _xlsx_parts(town / "strategie.xlsx")
    result = absorb(town, [tmp_path / "edited.docx"], apply=True)
    assert result.plan.not_taken == [], result.plan.not_taken
    assert sorted(result.written) == ["strategie.xlsx", "vorwort.md"]
    assert (town / "vorwort.md").read_text(encoding="utf-8").startswith("Liebe Rodgauerinnen und Rodgauer")
    after = _xlsx_parts(town / "strategie.xlsx")
    changed = {n for n in after if after[n] != workbook_before.get(n)}
    assert changed and all(n.startswith("xl/worksheets/sheet") for n in changed)  # styles, lists, validations kept
    assert set(after) == set(workbook_before)
    rebuilt = build_draft(town, tmp_path / "out")
    text = read_docx(next(p for p in rebuilt.files if p.suffix == ".docx").read_bytes()).text
    assert "Große Fotoausstellung zum Thema" in text and "Vanessa Holly-Berg" in text
    assert "Liebe Rodgauerinnen und Rodgauer" in text and rebuilt.output_errors == []
    assert absorb(town, [tmp_path / "edited.docx"]).plan.taken == []


# -- several reviewers, and what a script may do that no source holds --------------------------------

def _set(paragraph, text: str) -> None:
    for r in paragraph.runs[1:]:
        r._r.getparent().remove(r._r)
    paragraph.runs[0].text = text


def _copy_with(review: Path, dst: Path, edits: dict[str, str]) -> Path:
    """A copy of the built DOCX whose paragraphs starting with each key read as its value."""
    d = open_docx(str(review))
    for start, text in edits.items():
        _set(next(p for p in d.paragraphs if p.text.startswith(start)), text)
    d.save(str(dst))
    return dst


def test_two_reviewers_the_same_change_once_different_changes_a_conflict(review, tmp_path):
    konzeption = "Damit diese wichtigen Veränderungen"
    old = next(p.text for p in open_docx(str(review)).paragraphs if p.text.startswith(konzeption))
    shared = "Für die Verwaltungen des Landes"
    shared_old = next(p.text for p in open_docx(str(review)).paragraphs if p.text.startswith(shared))
    a = _copy_with(review, tmp_path / "a.docx", {konzeption: old.replace("Chefsache", "Sache der Spitze"),
                                                 shared: shared_old.replace("großer Deutlichkeit", "aller Deutlichkeit")})
    b = _copy_with(review, tmp_path / "b.docx", {konzeption: old.replace("Chefsache", "Sache aller"),
                                                 shared: shared_old.replace("großer Deutlichkeit", "aller Deutlichkeit")})
    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    result = absorb(folder, [a, b], apply=True)
    assert len(result.plan.conflicts) == 1 and "Sache der Spitze" in result.plan.conflicts[0].change \
        and "Sache aller" in result.plan.conflicts[0].change
    text = (folder / "text" / "konzeption.md").read_text(encoding="utf-8")
    assert "Chefsache" in text  # the sources keep theirs
    assert text.count("aller Deutlichkeit") == 1  # the change both made, once


def test_a_replaced_picture_and_an_added_table_are_listed_a_footnote_taken(review, tmp_path):
    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    d = open_docx(str(review))
    picture = next(p for p in d.paragraphs if p._p.findall(".//" + blip))
    rid = picture._p.findall(".//" + blip)[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    part = d.part.related_parts[rid]
    part._blob = part.blob + b"\0"  # another image in its place
    d.add_table(rows=1, cols=2).cell(0, 0).text = "Neue Tabelle"
    d.save(str(tmp_path / "edited.docx"))
    with zipfile.ZipFile(tmp_path / "edited.docx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert "besseren Lesbarkeit".encode() in parts["word/footnotes.xml"]
    parts["word/footnotes.xml"] = parts["word/footnotes.xml"].replace("besseren Lesbarkeit".encode(),
                                                                      "guten Lesbarkeit".encode(), 1)
    with zipfile.ZipFile(tmp_path / "edited2.docx", "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result = absorb(REVIEW, [tmp_path / "edited2.docx"])
    whys = " | ".join(n.why for n in result.plan.not_taken)
    assert "picture replaced in Word" in whys and "table" in whys, whys
    assert [t.place for t in result.plan.taken] == ["text/evaluation.md:7"]  # the footnote's definition line
    assert "[-besseren-]{+guten+}" in result.plan.taken[0].change


def test_nothing_is_written_when_writing_fails_half_way(review, tmp_path, monkeypatch):
    """The second of two files cannot be put in place: the first is restored, so the sources are
    as before (and the copies in .absorb/ hold them too)."""
    from pipeline import write_outputs
    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    konzeption = "Damit diese wichtigen Veränderungen"
    d = open_docx(str(review))
    konz = next(p for p in d.paragraphs if p.text.startswith(konzeption))
    _set(konz, konz.text.replace("Chefsache", "Sache der Spitze"))
    run = next(r for p in d.paragraphs for r in p.runs if "06172 - 999-42 16" in r.text)
    run.text = run.text.replace("42 16", "42 99")
    edited = tmp_path / "e.docx"
    d.save(str(edited))
    before = _hashes(folder)
    calls = []
    real = write_outputs.os.replace

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)
    monkeypatch.setattr(write_outputs.os, "replace", failing)
    out = CliRunner().invoke(main, ["absorb", str(folder), str(edited), "--apply"])
    monkeypatch.undo()
    assert out.exit_code == 2 and "Traceback" not in out.output and "E-ABSORB-WRITE" in out.output, out.output
    assert len(calls) >= 2 and _hashes(folder) == before


# -- any word edit in the running text: a property ----------------------------------------------------

FLYER = ROOT / "inputs" / "programmflyer-2014"
# letters, umlauts, and what is markup in Markdown or starts a list: each must come back as typed
EDIT_ALPHABET = list("abcdefghijklmnopqrstuvwxyzäöüßÄÖÜ") + list("*_#[]`<>\\&$@-+.=1) ")


_FLYER_DOCX: list[bytes] = []


@pytest.fixture(scope="module")
def flyer_built(samples) -> None:
    """The flyer's DOCX, kept outside the property's arguments (Hypothesis prints those)."""
    _FLYER_DOCX[:] = [samples.file(FLYER.name, ".docx").read_bytes()]


@settings(max_examples=max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20), deadline=None, derandomize=True,
          database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_word_edit_in_the_running_text_comes_back_exactly(flyer_built, data):
    """Words of one to three paragraphs replaced by any text (markup characters, list markers): the
    sources, loaded again, print exactly the edited paragraphs and pass their checks; an edit the
    checks refuse (text that looks like a wrong encoding) is listed with that reason instead."""
    import io
    import tempfile

    from pipeline.build import load_source
    from pipeline.tree import Paragraph as TreeParagraph, chapter_blocks
    d = open_docx(io.BytesIO(_FLYER_DOCX[0]))
    plain = [p for p in d.paragraphs if p.style.name == "Normal" and len(p.runs) == 1 and len(p.text.split()) > 3]
    chosen = data.draw(st.lists(st.sampled_from(range(len(plain))), min_size=1, max_size=3, unique=True))
    wanted = []
    for n in chosen:
        run = plain[n].runs[0]
        words = run.text.split(" ")
        at = data.draw(st.integers(0, len(words) - 1))
        words[at] = data.draw(st.text(alphabet=EDIT_ALPHABET, min_size=1, max_size=10).filter(lambda w: w.strip()))
        run.text = " ".join(words)
        wanted.append(canonical(run.text))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / FLYER.name
        shutil.copytree(FLYER, folder)
        edited = Path(tmp) / "edited.docx"
        d.save(str(edited))
        result = absorb(folder, [edited], apply=True)
        assert all("fail their check" in n.why for n in result.plan.not_taken), result.plan.not_taken
        refused = {canonical(n.where) for n in result.plan.not_taken}
        source = load_source(folder)
        assert source.report.errors == []
        printed = {canonical("".join(r.text for r in b.runs)) for ch in source.document.chapters
                   for b in chapter_blocks(ch) if isinstance(b, TreeParagraph)}
        for text in wanted:
            assert text in printed or any(" ".join(text.split()[:3]) in w for w in refused), text


# -- a copy built from older sources: three ways ------------------------------------------------------

def test_a_stale_copy_merges_three_ways(tmp_path):
    """The sources changed after the build: the reviewer's edits to places the sources left alone
    land (a table row found by its id though a row was added above it), a place changed on both
    sides is a conflict, and no change made to the sources since is undone."""
    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    built = build(folder, tmp_path / "out")
    docx = next(p for p in built.files if p.suffix == ".docx")
    # the editorial team works on the sources meanwhile
    konzeption = folder / "text" / "konzeption.md"
    text = konzeption.read_text(encoding="utf-8")
    konzeption.write_text(text.replace("Für die Verwaltungen des Landes", "Für alle Verwaltungen des Landes"),
                          encoding="utf-8")
    contacts = folder / "data" / "contacts.csv"
    rows = contacts.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    rows[1] = rows[1].replace("06172 - 999-42 16", "06172 - 999-42 00")  # Özge Erkaner's phone, by the team
    rows.insert(1, "c-neu;hochtaunuskreis;Neu;Nora Neu;;;;;;06172 - 1;;nora.neu@hochtaunuskreis.de;\r\n")
    contacts.write_bytes(("\ufeff" + "".join(rows)).encode("utf-8"))
    # meanwhile the region edits the DOCX it was sent
    d = open_docx(str(docx))
    for t in d.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        for old, new in (("muss Integration Chefsache", "muss Integration Sache der Spitze"),
                         ("06172 - 999-42 16", "06172 - 999-42 99"), ("uta.george@", "u.george@")):
            if old in (t.text or ""):  # links included: their text is a run inside the hyperlink
                t.text = t.text.replace(old, new)
    edited = tmp_path / "edited.docx"
    d.save(str(edited))
    result = absorb(folder, [edited], apply=True)
    assert [c.why.split(":")[0] for c in result.plan.conflicts] == ["data/contacts.csv, row 2, column 'phone'"]
    assert sorted(t.place.split(",")[0].split(":")[0] for t in result.plan.taken) == ["data/contacts.csv",
                                                                                   "text/konzeption.md"]
    text = konzeption.read_text(encoding="utf-8")
    assert "Für alle Verwaltungen des Landes" in text and "Sache der Spitze" in text  # both sides kept
    csv_text = contacts.read_text(encoding="utf-8-sig")
    assert "06172 - 999-42 00" in csv_text and "06172 - 999-42 99" not in csv_text  # the sources keep theirs
    assert "u.george@hochtaunuskreis.de" in csv_text and "nora.neu@" in csv_text


def test_a_stale_copy_whose_sources_are_not_kept_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    monkeypatch.setenv("BROCHURE_CACHE", "off")  # nothing is kept
    docx = next(p for p in build(folder, tmp_path / "out").files if p.suffix == ".docx")
    (folder / "text" / "vorwort.md").write_text("Sehr geehrte Damen und Herren,\n\nneu.\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["absorb", str(folder), str(docx)])
    assert out.exit_code == 2 and "earlier state of the sources" in out.output


def test_a_scaffolded_workbook_saved_by_libreoffice_keeps_everything_but_the_edited_cell(tmp_path):
    """The workbook a town gets (init-draft), filled in and saved by LibreOffice Calc, then its
    draft edited in Word: the cell changes, and its drop-downs, hidden list sheet, widths and
    styles stay as they were."""
    from openpyxl import load_workbook

    from pipeline.drafts.scaffold import init_draft
    from pipeline.drafts.workbook_fill import fill_workbook
    from pipeline.drafts.workbook_layout import draft_template
    if office.soffice_missing():
        pytest.skip(office.soffice_missing())
    _, layout = draft_template()
    town = tmp_path / "musterstadt"
    init_draft("Musterstadt", town, layout)
    fill_workbook(town / layout.file, layout, {
        "handlungsfelder": [{"number": 1, "title": "Bildung und Sprache"}],
        "massnahmen": [{"field": 1, "text": "Sprachcafé im Stadtteilzentrum einrichten", "horizon": "kurzfristig"}]})
    saved = office.convert(town / layout.file, "xlsx", tmp_path / "calc")
    assert saved is not None, "LibreOffice Calc could not save the workbook"
    shutil.copy(saved, town / layout.file)
    built = next(p for p in build_draft(town, tmp_path / "out").files if p.suffix == ".docx")
    d = open_docx(str(built))
    cell = next(c for t in d.tables for row in t.rows for c in row.cells if "Sprachcafé" in c.text)
    _set(cell.paragraphs[0], "Sprachcafé im Stadtteilzentrum und in der Bibliothek einrichten")
    d.save(str(tmp_path / "edited.docx"))

    def shape(path: Path) -> dict:
        book = load_workbook(path)
        return {ws.title: (ws.sheet_state, len(ws.data_validations.dataValidation),
                           {k: v.width for k, v in ws.column_dimensions.items()}) for ws in book.worksheets}
    before = shape(town / layout.file)
    parts_before = _xlsx_parts(town / layout.file)
    result = absorb(town, [tmp_path / "edited.docx"], apply=True)
    assert [t.place.split(",")[:2] for t in result.plan.taken] == [["strategie.xlsx", " sheet 'Maßnahmen'"]]
    assert shape(town / layout.file) == before
    parts_after = _xlsx_parts(town / layout.file)
    assert [n for n in parts_after if parts_after[n] != parts_before[n]] == [
        next(n for n in parts_after if parts_after[n] != parts_before[n])]  # one sheet's XML, nothing else
    book = load_workbook(town / layout.file)
    assert any(c.value == "Sprachcafé im Stadtteilzentrum und in der Bibliothek einrichten"
               for row in book["Maßnahmen"].iter_rows() for c in row)


def test_an_alt_text_changed_in_word_goes_to_its_cell(review, tmp_path):
    doc_pr = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    d = open_docx(str(review))
    pictures = [el for el in d.element.body.iter(doc_pr)]
    assert pictures
    pictures[0].set("descr", "Balkendiagramm: Altersgruppen in Kassel, neu beschrieben")
    d.save(str(tmp_path / "alt.docx"))
    folder = tmp_path / REVIEW.name
    shutil.copytree(REVIEW, folder)
    result = absorb(folder, [tmp_path / "alt.docx"], apply=True)
    assert result.plan.not_taken == [] and len(result.plan.taken) == 1
    table = result.plan.taken[0].place.split(",")[0]
    assert table in ("data/photos.csv", "data/charts.csv") and "alt_text" in result.plan.taken[0].place
    assert "Balkendiagramm: Altersgruppen in Kassel, neu beschrieben" in (folder / table).read_text(encoding="utf-8-sig")


def test_the_rebuilt_docx_equals_the_edited_one_in_text_and_inline_formatting(lo_round):
    """Paragraph by paragraph, the DOCX built from the absorbed sources reads as the edited copy
    with its changes accepted: same text, same bold and italic (generated parts aside: the
    contents, which the renamed heading changes)."""
    from pipeline.absorb.align import align
    from pipeline.absorb.edited import read_docx as read_for_absorb
    work, _, _, _, rebuilt, _ = lo_round
    edited = read_for_absorb((work / "edited.docx").read_bytes()).paragraphs
    again = read_for_absorb(next(p for p in rebuilt.files if p.suffix == ".docx").read_bytes()).paragraphs

    def kept(paras):
        return [p for p in paras if not p.style.lower().startswith("toc") and p.text.strip()]
    edited, again = kept(edited), kept(again)
    pairs = align([p.text for p in edited], [p.text for p in again])
    unpaired = [(edited[i].text if i is not None else None, again[j].text if j is not None else None)
                for i, j in pairs if i is None or j is None]
    assert unpaired == []
    differ = [(edited[i].text, again[j].text) for i, j in pairs
              if canonical(edited[i].text) != canonical(again[j].text)]
    assert differ == []
    formatting = [edited[i].text[:50] for i, j in pairs
                  if (edited[i].bold, edited[i].italic) != (again[j].bold, again[j].italic)]
    assert formatting == []


def test_a_markdown_table_cell_and_reordered_list_items_come_back(samples, tmp_path):
    """In the handbook: a word in a cell of a Markdown table, and two items of a bulleted list
    swapped in Word (the moved item keeps its bold lead-in)."""
    from pipeline.build import load_source
    kiv = ROOT / "inputs" / "kiv-handbuch-2020"
    d = open_docx(str(samples.file(kiv.name, ".docx")))
    cell = next(c for t in d.tables for row in t.rows for c in row.cells
                if c.text.startswith("Damit sich die Strategie an dem ausrichtet"))
    run = next(r for r in cell.paragraphs[0].runs if "tatsächlich" in r.text)
    run.text = run.text.replace("tatsächlich", "wirklich")
    first = next(p for p in d.paragraphs if p.text.startswith("Vielfaltsorientiertes Integrationsverständnis:"))
    second = next(p for p in d.paragraphs if p.text.startswith("Managementansatz:"))
    first._p.addprevious(second._p)  # Managementansatz now comes first
    d.save(str(tmp_path / "edited.docx"))
    folder = tmp_path / kiv.name
    shutil.copytree(kiv, folder)
    result = absorb(folder, [tmp_path / "edited.docx"], apply=True)
    assert result.plan.not_taken == [] and result.plan.conflicts == []
    text = (folder / "text" / "03-strategien.md").read_text(encoding="utf-8")
    assert "wird diese an entscheidenden" in text and "was die Bevölkerung wirklich interessiert" in text
    assert text.index("- **Managementansatz:**") < text.index("**Vielfaltsorientiertes Integrationsverständnis:**")
    source = load_source(folder)
    assert source.report.errors == []
    again = absorb(folder, [tmp_path / "edited.docx"])
    assert again.plan.taken == [] and again.plan.conflicts == []


def test_a_folder_that_is_no_edition_and_no_draft_is_exit_2(review, tmp_path):
    out = CliRunner().invoke(main, ["absorb", str(ROOT / "inputs" / "kommunen"), str(review)])
    assert out.exit_code == 2 and "E-ABSORB-SOURCES" in out.output and "neither an edition" in out.output


def test_one_source_printed_in_two_places(samples, tmp_path):
    """A municipality's project is printed on its overview card and on its profile page: an edit
    in one place is taken over; different edits in both are a conflict and neither is written."""
    kiv = ROOT / "inputs" / "kiv-handbuch-2020"
    built = samples.file(kiv.name, ".docx")
    d = open_docx(str(built))
    w_t = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
    project = next(t.text for t in d.element.body.iter(w_t) if t.text and t.text.startswith("Maintal"))
    assert project

    def edited(path: Path, card: str | None, profile: str | None) -> Path:
        doc = open_docx(str(built))
        cells = [c for t in doc.tables for row in t.rows for c in row.cells]
        card_cell = next(c for c in cells if c.paragraphs and any(p.style.name == "Card Text" for p in c.paragraphs)
                         and "Maintal" in c.text)
        texts = [p for p in card_cell.paragraphs if p.style.name == "Card Text"]
        target_card = texts[1]  # Projektname
        profile_cell = next(c for c in cells if c.text == target_card.text and c is not card_cell)
        if card:
            _set(target_card, card)
        if profile:
            _set(profile_cell.paragraphs[0], profile)
        doc.save(str(path))
        return path
    folder = tmp_path / kiv.name
    shutil.copytree(kiv, folder)
    one = absorb(folder, [edited(tmp_path / "one.docx", "Maintal zeigt Vielfalt", None)])
    assert [t.place.split(",")[0] for t in one.plan.taken] == ["data/municipalities.csv"] and not one.plan.conflicts
    both = absorb(folder, [edited(tmp_path / "both.docx", "Maintal zeigt Vielfalt", "Maintal lebt Vielfalt")])
    assert both.plan.taken == [] and len(both.plan.conflicts) == 1


# -- the writers, on files as people's editors save them -------------------------------------------

def test_markdown_with_crlf_and_a_byte_order_mark_keeps_both():
    from pipeline.absorb.mapping import TextEdit
    from pipeline.absorb.write import apply_text
    data = "\ufeffErste Zeile.\r\n\r\nZweite Zeile mit Wort.\r\n".encode("utf-8")
    text = data.decode("utf-8-sig")
    at = text.index("Wort")
    out = apply_text(data, [TextEdit("x.md", at, at + 4, "Satz\nneu")], "x.md")
    assert out == "\ufeffErste Zeile.\r\n\r\nZweite Zeile mit Satz\r\nneu.\r\n".encode("utf-8")


def test_a_german_excel_csv_keeps_its_encoding_quoting_and_other_rows():
    from pipeline.absorb.mapping import CellEdit
    from pipeline.absorb.write import apply_csv
    from pipeline.sources import Place
    rows = ['id;name;text\r\n', 'a;Müller;"eins; zwei"\r\n', 'b;Groß;"Zeile 1\r\nZeile 2"\r\n', 'c;Weiß;drei\r\n']
    data = "".join(rows).encode("cp1252")
    edit = CellEdit(Place("data/x.csv", row=4, column="name"), "Weiß", "Weiß-Öz")
    out, failed = apply_csv(data, [edit], "data/x.csv")
    assert failed == []
    assert out == "".join(rows[:3] + ['c;Weiß-Öz;drei\r\n']).encode("cp1252")  # rows with ; and line breaks as they were
    edit = CellEdit(Place("data/x.csv", row=2, column="text"), "eins; zwei", "eins; zwei; drei")
    out, _ = apply_csv(data, [edit], "data/x.csv")
    assert out.decode("cp1252").splitlines(keepends=True)[1] == 'a;Müller;"eins; zwei; drei"\r\n'
