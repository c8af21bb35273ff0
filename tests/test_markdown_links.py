"""Issue 34, class 1: Markdown links of every shape. A short paragraph with a link builds without
an output-check finding; the link text is in both files; the address is printed as typed (never
percent-encoded or in Punycode) and is a link, in the Word file and in the PDF, to exactly the
address typed."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pipeline.build import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = max(5, int(os.environ.get("CI_EXAMPLES", "200")) // 20)


def built(tmp: Path, paragraphs: list[str]):
    """A programme flyer whose appointments chapter starts with PARAGRAPHS: (result, DOCX, PDF)."""
    if tmp.exists():
        shutil.rmtree(tmp)
    folder = Path(shutil.copytree(ROOT / "inputs" / "programmflyer-2014", tmp / "ed"))
    (folder / "text" / "termine.md").write_text("\n\n".join(paragraphs) + "\n\n::: termine\n:::\n", encoding="utf-8")
    result = build(folder, tmp / "out")
    return result, (tmp / "out" / "ed.docx").read_bytes(), (tmp / "out" / "ed.pdf").read_bytes()


def docx_read(data: bytes) -> tuple[str, set[str]]:
    doc = open_docx(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    return text, {r.target_ref for r in doc.part.rels.values() if r.reltype == RT.HYPERLINK}


def pdf_read(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\u2010", "-").replace("\u2011", "-")
    targets = {str(a.get_object()["/A"]["/URI"]) for p in reader.pages for a in p.get("/Annots") or []
               if a.get_object().get("/Subtype") == "/Link" and "/A" in a.get_object()}
    return text, targets


def as_typed(uri: str) -> str:
    """A link's URI read back as a person types it: escapes and Punycode undone."""
    if uri.startswith("mailto:"):
        address, mark, query = uri[len("mailto:"):].partition("?")
        local, _, domain = address.rpartition("@")
        return f"mailto:{unquote(local)}@{domain.encode().decode('idna')}{mark}{unquote(query)}"
    if uri.startswith("tel:"):
        return uri
    parts = urlsplit(uri)
    out = f"{parts.scheme}://{parts.netloc.encode().decode('idna')}{unquote(parts.path)}"
    return out + (f"?{unquote(parts.query)}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed(href: str) -> str:
    """How the brochure prints HREF: as typed; a plain e-mail address without 'mailto:'."""
    bare = href.removeprefix("mailto:")
    return bare if bare != href and "?" not in bare and re.fullmatch(r"[^@]+@[^@]+\.[A-Za-z]{2,}", bare) else href


def assert_linked(paragraphs: list[tuple[str, str, str]], tmp: Path) -> None:
    """PARAGRAPHS: (Markdown paragraph, link text as read, href typed)."""
    result, docx, pdf = built(tmp, [p for p, _, _ in paragraphs])
    assert [f for f in result.output_errors + result.warnings if f.code.startswith("E")] == []
    for name, (text, targets) in (("docx", docx_read(docx)), ("pdf", pdf_read(pdf))):
        typed_targets = {as_typed(t) for t in targets}
        for source, label, href in paragraphs:
            assert squeezed(label) in squeezed(text), (name, source)
            assert squeezed(printed(href)) in squeezed(text), (name, source, "address not printed as typed")
            assert href in typed_targets, (name, source, sorted(typed_targets))
            assert all(t.isascii() for t in targets)
        if not any("%" in href or "xn--" in href for _, _, href in paragraphs):
            assert "%" not in text and "xn--" not in text, name


def test_the_issue_examples(tmp_path):
    assert_linked([
        ("Siehe [die Seite](https://www.hessen.de/integration) dazu.", "die Seite", "https://www.hessen.de/integration"),
        ("[Schreiben Sie uns](mailto:info@stadt.de?subject=Frage)", "Schreiben Sie uns", "mailto:info@stadt.de?subject=Frage"),
        ("Mehr unter [www.a.de](https://www.b.de/x) und dort.", "www.a.de", "https://www.b.de/x"),
        ("Wir: [über uns](https://www.stadt.de/über-uns) hier.", "über uns", "https://www.stadt.de/über-uns"),
        ("Ruf an: [**die Zentrale**](tel:+4961814000) bitte.", "die Zentrale", "tel:+4961814000"),
        ("Lies [Kassel](https://de.wikipedia.org/wiki/Kassel_(Stadt)).", "Kassel", "https://de.wikipedia.org/wiki/Kassel_(Stadt)"),
    ], tmp_path)


WORDS = st.sampled_from(["Seite", "Anmeldung", "Bürgerbüro", "hier", "Straße", "Öffnungszeiten", "die Beratung"])
HOSTS = st.sampled_from(["www.hessen.de", "hessen.de", "www.stadt-kassel.de", "münchen.de", "www.bürgerbüro.de",
                         "köln-bonn.de", "sub.domain.example.org"])  # the fonts print no Cyrillic
SEGMENTS = st.lists(st.sampled_from(["integration", "über-uns", "Kassel_(Stadt)", "a.pdf", "2024", "straße",
                                     "index.html", "Öffnungszeiten"]), max_size=3).map("/".join)
WEB = st.builds(lambda scheme, host, path, tail: f"{scheme}{host}{'/' + path if path else ''}{tail}",
                st.sampled_from(["https://", "http://"]), HOSTS, SEGMENTS,
                st.sampled_from(["", "?id=5", "?a=1&b=zwei", "#anker", "?q=Öl", "/"]))
MAILTO = st.builds(lambda local, host, query: f"mailto:{local}@{host.removeprefix('www.')}{query}",
                   st.sampled_from(["info", "peggy.niering", "a+b", "bürger", "x_y"]), HOSTS,
                   st.sampled_from(["", "?subject=Frage", "?subject=Frage&body=Hallo", "?cc=b@stadt.de"]))
TEL = st.builds(lambda digits: f"tel:+49{digits}", st.from_regex(r"[1-9][0-9]{5,10}", fullmatch=True))
HREFS = st.one_of(WEB, MAILTO, TEL)


@st.composite
def paragraphs(draw):
    href = draw(HREFS)
    kind = draw(st.sampled_from(["words", "bold", "other address", "same address"]))
    if kind == "other address":
        label = draw(st.sampled_from(["www.a.de", "info@a.de", "https://www.example.org/x"]))
    elif kind == "same address":
        label = printed(href)
    else:
        label = draw(WORDS)
    shown = f"**{label}**" if kind == "bold" else label
    link = f"[{shown}]({href})"
    before, after = draw(WORDS), draw(WORDS)
    punct = draw(st.sampled_from(["", ".", ",", "!", "?", ":", ";"]))
    source = draw(st.sampled_from([f"{before} {link}{punct} {after}.", f"{before} ({link}){punct}",
                                   f"{link}{punct}", f"{before}: {link} {after}{punct}"]))
    return source, label, href


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(paragraphs(), min_size=1, max_size=3))
def test_links_of_every_shape(tmp_path, items):
    assert_linked(items, tmp_path / "e")


def test_a_link_the_outputs_would_link_only_in_part_is_refused_with_its_line():
    import pytest

    from pipeline.errors import InputError
    from pipeline.load.markdown import parse

    for href in ("<https://a.de/a b>", "https://a.de/x.", "https://www.a.de/x!", "mailto:info@a.de;",
                 "<https://a.de/a\"b>", "https://a.de/x?", "tel:+49611-"):
        with pytest.raises(InputError) as exc:
            parse(f"Erster Absatz.\n\nSiehe [hier]({href}) dazu.\n", "text/a.md", "a")
        [f] = exc.value.findings
        assert (f.code, f.location.file, f.location.row) == ("E-LINK-ADDRESS", "text/a.md", 3), href
    for href in ("#oben", "seite.html", "https://a.de/K_(S)", "mailto:a@b.de?subject=Frage", "tel:+496111234"):
        parse(f"Siehe [hier]({href}) dazu.\n", "text/a.md", "a")
