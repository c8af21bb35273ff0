"""What readers get out of the PDFs, read with the engines they use: poppler (Linux viewers),
PDFium (Chrome, Edge), pypdf and pdf.js (Firefox, run with node). Every e-mail and web address
and phone number comes out exactly; every address is a link; contact blocks and quotes reach a
screen reader line by line, in order. Typed and hyphenation hyphens: test_typed_hyphens.py."""

from __future__ import annotations

import functools
import io
import json
import re
from pathlib import Path
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import READER_SAMPLES, STRUCT_TREES
from pipeline.load import links
from readers import audit, engines


@pytest.fixture(params=READER_SAMPLES)
def sample(request, reader_samples):
    pdf = reader_samples[request.param]
    content = json.loads((pdf.parent / "content.json").read_text("utf-8"))
    return request.param, pdf, content


def _records(content: dict) -> dict[str, set[str]]:
    """E-mail and web addresses of the contacts, links, municipalities and references tables."""
    emails, webs = set(), set()
    for table in ("contacts", "links", "municipalities", "references"):
        for row in content["records"].get(table, []):
            fields = row.get("values", row)
            for key, value in fields.items():
                value = str(value or "").strip()
                if key == "email" and value:
                    emails.add(value)
                elif key in ("web", "url") and value:
                    webs.add(value)
    return {"email": emails, "web": webs}


@pytest.mark.parametrize("name", [n for n in READER_SAMPLES if not n.startswith("kommunen")])
def test_the_records_hold_addresses(name, reader_samples):
    """A brochure's tables hold the addresses the other tests look for (a draft has no such
    tables: its addresses come from the document alone)."""
    pdf = reader_samples[name]
    content = json.loads((pdf.parent / "content.json").read_text("utf-8"))
    found = _records(content)
    assert len(found["email"]) >= 10 and len(found["web"]) >= 1, found


def test_every_address_and_phone_number_comes_out_exactly(sample, engine):
    name, pdf, content = sample
    text = engines.text(pdf.read_bytes(), engine)
    want = audit.expected(content)
    for kind in ("email", "web"):
        want[kind] |= _records(content)[kind]
    assert want["email"], "the sample should hold e-mail addresses"
    for kind in ("email", "web", "phone"):
        missing = want[kind] - audit.found(text, want[kind])
        assert not missing, f"{name}, {engine}: {kind} not extracted exactly: {sorted(missing)}"


def _uris(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action is not None and "/URI" in action.get_object():
                uri = str(action.get_object()["/URI"])
                # PDF/UA: a link annotation carries its alternate description and is tagged
                assert uri.split(":", 1)[-1].lstrip("/") in str(annot.get("/Contents", "")), (uri, annot.get("/Contents"))
                assert "/StructParent" in annot, uri
                uris.append(uri)
    return uris


def test_every_address_is_a_link(sample):
    name, pdf, content = sample
    uris = set(_uris(pdf.read_bytes()))
    want = audit.expected(content)
    for kind in ("email", "web"):
        want[kind] |= _records(content)[kind]
    expected = {links.target(a) for a in want["email"] | want["web"]}
    assert expected, name
    assert expected <= uris, f"{name}: addresses without a link: {sorted(expected - uris)}"
    assert all(u.startswith(("mailto:", "https://", "http://")) for u in uris), uris


def test_the_link_targets_of_addresses():
    assert links.target("a.b@stadt-kassel.de") == "mailto:a.b@stadt-kassel.de"
    assert links.target("www.wetzlar.de") == "https://www.wetzlar.de"
    assert links.target("http://x.de/a") == "http://x.de/a"
    pieces = links.split("Mehr: www.wetzlar.de/Leben_in_Wetzlar. Oder an info@wetzlar.de, (www.a-b.de).")
    assert [p for p, uri in pieces if uri] == ["www.wetzlar.de/Leben_in_Wetzlar", "info@wetzlar.de", "www.a-b.de"]
    assert "".join(p for p, _ in pieces) == "Mehr: www.wetzlar.de/Leben_in_Wetzlar. Oder an info@wetzlar.de, (www.a-b.de)."
    assert links.split("@integration_hessen folgen") == [("@integration_hessen folgen", None)]


# ---------------------------------------------------------------------------- structure tree

def _struct_tree(pdf_path) -> list:
    """poppler's structure tree with text: nested [type, [children]]; text leaves are strings."""
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler's pdfinfo is not installed (Debian: poppler-utils)")
    return _read_struct_tree(str(pdf_path))


@functools.cache  # seconds per brochure; the session's samples are built once and never change
def _read_struct_tree(pdf_path: str) -> list:
    if pdf_path in STRUCT_TREES:  # started when the sample was built (conftest)
        process, file = STRUCT_TREES[pdf_path]
        assert process.wait(timeout=600) == 0, f"pdfinfo -struct-text {pdf_path} failed"
        file.close()
        out = Path(file.name).read_bytes()
    else:
        out = subprocess.run(["pdfinfo", "-struct-text", str(pdf_path)], capture_output=True, check=True).stdout
    root: list = ["Document", []]
    stack = [(-1, root)]
    for line in out.decode("utf-8", "replace").splitlines():
        if not line.strip() or line.strip().startswith("/"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        if body.startswith('"'):
            stack[-1][1][1].append(body[1:-1])
        else:
            node = [re.split(r"[ :(]", body)[0], []]
            stack[-1][1][1].append(node)
            stack.append((depth, node))
    return root[1]


def _text(node) -> str:
    return node if isinstance(node, str) else "".join(_text(k) for k in node[1])


def _find(nodes, kind: str, contains: str):
    for n in nodes:
        if isinstance(n, list):
            if n[0] == kind and contains in _text(n):
                yield n
            yield from _find(n[1], kind, contains)


def _kids(node) -> list[tuple[str, str]]:
    return [(k[0], _text(k)) for k in node[1] if isinstance(k, list)]


def test_a_contact_block_reads_line_by_line(reader_samples):
    tree = _struct_tree(reader_samples["halbzeitbilanz-2012"])
    # The Kassel contacts: the group label as a heading, then name, phone and e-mail, each its own P.
    heading = next(_find(tree, "H3", "Programmkoordination"))
    flat = []

    def walk(nodes):
        for n in nodes:
            if isinstance(n, list):
                flat.append(n)
                walk(n[1])
    walk(tree)
    at = next(i for i, n in enumerate(flat) if n is heading)
    following = [(n[0], _text(n)) for n in flat[at + 1:] if n[0] in ("P", "H3", "Link")][:4]
    assert following == [("P", "Peggy Niering"), ("P", "Telefon: 0561 - 787-21 32"),
                         ("P", "E-Mail: peggy.niering@stadt-kassel.de"), ("Link", "peggy.niering@stadt-kassel.de")], following


def test_a_pull_quote_holds_its_speaker_and_role(reader_samples):
    tree = _struct_tree(reader_samples["halbzeitbilanz-2012"])
    quote = next(_find(tree, "BlockQuote", "Das Landesprogramm gibt uns den Spielraum"))
    kids = _kids(quote)
    assert [k for k, _ in kids] == ["P", "P", "P"], kids
    assert kids[0][1].startswith("„Das Landesprogramm gibt uns den Spielraum")
    assert kids[1:] == [("P", "Bertram Hilgen"), ("P", "Oberbürgermeister")]


def test_a_chart_title_is_its_caption(reader_samples):
    tree = _struct_tree(reader_samples["halbzeitbilanz-2012"])
    caption = next(_find(tree, "Caption", "Verteilung nach Altersgruppen in Prozent"))
    assert _text(caption) == "Verteilung nach Altersgruppen in Prozent"


def test_list_bullets_are_not_read_aloud(reader_samples):
    tree = _struct_tree(reader_samples["kiv-handbuch-2020"])
    labels = [_text(n) for n in _find(tree, "Lbl", "")]
    assert labels, "the handbook has bulleted lists"
    assert not any("■" in t for t in labels), labels[:5]


def test_the_builds_own_check_notices_an_address_that_is_no_link_or_reads_wrong(sample_built, sample_loaded):
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    from pipeline.verify.addresses import document_addresses, pdf_address_problems
    from pipeline.verify.read_back import read_pdf

    document = sample_loaded.document
    assert "peggy.niering@stadt-kassel.de" in document_addresses(document)
    assert pdf_address_problems(document, read_pdf(sample_built.pdf_bytes)) == []
    writer = PdfWriter(clone_from=io.BytesIO(sample_built.pdf_bytes))
    for page in writer.pages:
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    buffer = io.BytesIO()
    writer.write(buffer)
    stripped = read_pdf(buffer.getvalue())
    problems = pdf_address_problems(document, stripped)
    assert "'peggy.niering@stadt-kassel.de' is not a link in the PDF" in problems
    # the same text read as a reader that drops a line-end hyphen would: 'stadt-kassel' → 'stadtkassel'
    stripped.raw_pages = [t.replace("stadt-kassel.de", "stadtkassel.de") for t in stripped.raw_pages]
    assert any("does not come out of the PDF's text exactly" in p and "stadt-kassel" in p
               for p in pdf_address_problems(document, stripped))


def test_a_social_media_handle_prints_and_a_broken_address_is_still_refused(tmp_path):
    from editions import TEXTS, write_edition
    from pipeline.build import build, check
    from pipeline.verify.read_back import read_pdf

    texts = dict(TEXTS)
    texts["text/konzeption.md"] = ("Folgen Sie uns unter @integration_hessen oder schreiben Sie an "
                                   "info@integration-hessen.de.\n")
    folder = write_edition(tmp_path / "ed", texts=texts)
    _, findings = check(folder)
    assert not [f for f in findings if f.code == "E-BAD-EMAIL"], findings
    built = build(folder, tmp_path / "out")
    pdf = read_pdf(next(p for p in built.files if p.suffix == ".pdf").read_bytes())
    assert "@integration_hessen" in pdf.text
    assert "mailto:info@integration-hessen.de" in _uris(pdf.data)

    texts["text/konzeption.md"] = "Schreiben Sie an info@integration-hessen oder @stadt.de.\n"
    _, findings = check(write_edition(tmp_path / "ed2", texts=texts))
    bad = sorted(f.message for f in findings if f.code == "E-BAD-EMAIL")
    assert bad == ["'@stadt.de' is not an e-mail address", "'info@integration-hessen' is not an e-mail address"], bad


def test_a_closing_signature_never_stands_alone_on_a_page(reader_samples):
    from pipeline.verify.read_back import page_texts_of_pdf

    pages = page_texts_of_pdf(reader_samples["kiv-handbuch-2020"].read_bytes())
    page = next(t for t in pages if "Kai Klose" in t)
    body = [line for line in page.split("\n") if line.strip() and "Kai Klose" not in line
            and "Minister" not in line and not line.strip().isdigit() and line.strip() != "Vorwort"]
    last = (Path(__file__).parent.parent / "inputs/kiv-handbuch-2020/text/vorwort.md").read_text("utf-8").split("\n\n")[-1]
    assert body and body[-1].strip() in " ".join(last.split()), page
