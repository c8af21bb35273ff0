"""A DOCX read for the round trip: every paragraph of the body in document order (table cells
included) with its style, its text as Word shows it with tracked changes accepted, where its runs
are bold or italic, and the comments anchored in it.

The file the product built and the file a person edited are read by the same function, so what
Word or LibreOffice changes on saving without anyone editing (curly quotes stay, soft hyphens,
no-break spaces, field results) compares equal (see `same_text`)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.errors import InputError, Location, error
from pipeline.load.input_files import is_zip_bomb, read_bytes, zip_sizes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MAX_DOCX = 200_000_000
_TEXT = {f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"}
_SKIP = {f"{W}del", f"{W}moveFrom", f"{W}instrText", f"{W}delText"}  # deleted text, field codes


@dataclass
class Para:
    text: str
    style: str
    bold: tuple[tuple[int, int], ...] = ()  # character spans of bold runs
    italic: tuple[tuple[int, int], ...] = ()
    comments: list[int] = field(default_factory=list)  # ids of comments anchored here
    direct: bool = False  # runs carry direct formatting beyond bold and italic (font, colour, size)
    pictures: tuple[str, ...] = ()  # sha256 of each picture shown in it
    alts: tuple[str, ...] = ()  # each picture's alt text (descr)
    notes: tuple[str, ...] = ()  # the text of each footnote it references
    in_table: bool = False


@dataclass
class Comment:
    id: int
    author: str
    date: str
    text: str
    paragraph: int | None = None  # index of the paragraph it is anchored in


@dataclass
class Docx:
    paragraphs: list[Para]
    comments: list[Comment]
    title: str  # core properties: which edition it was built from
    revisions: int  # tracked changes it holds (accepted in the text above)
    tables: int = 0  # tables in the body
    state: str = ""  # the state of the sources it was built from (custom property), if it says


def _problem(path: Path, message: str, hint: str, args: dict | None = None) -> InputError:
    return InputError(error("E-ABSORB-INPUT", Location(file=str(path)), message, hint, args=args))


def read_file(path: Path) -> bytes:
    """The bytes of an edited DOCX, refused with one clear finding if it is none."""
    data = read_bytes(path, Location(file=str(path)), path.name, MAX_DOCX)
    if data is None:
        raise _problem(path, "file not found", "give the path of the edited .docx", {"form": "docx-missing"})
    check_bytes(data, path)
    return data


def check_bytes(data: bytes, path: Path, limit: int = MAX_DOCX, ratio: int = 100) -> None:
    """Refuse, with one clear finding, bytes that are no DOCX to open: a Word 97–2003 file, a
    password-protected one, any other kind of file, a zip that would unpack to more than LIMIT
    (or, above 10 MB, to more than RATIO times its size). Nothing is unpacked here."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE file: Word 97–2003, or an encrypted DOCX
        raise _problem(path, "this is a Word 97–2003 document (.doc) or a password-protected file",
                       "open it in Word or LibreOffice, remove any password and save it as .docx (Word document)",
                       {"form": "word-97"})
    if data[:4] != b"PK\x03\x04":
        raise _problem(path, "this is not a Word document (.docx)",
                       "give the .docx that brochure built and someone edited in Word or LibreOffice", {"form": "not-docx"})
    try:
        total, packed = zip_sizes(data)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _problem(path, f"cannot open the DOCX: it is not a readable zip package ({exc})",
                       "give the .docx as Word or LibreOffice saved it", {"form": "docx-broken"}) from None
    if is_zip_bomb(total, packed, limit, ratio):
        mb, times = f"{total / 1e6:.0f}", f"{total / packed:.0f}"
        raise _problem(path, f"cannot open the DOCX: it would unpack to {mb} MB ({times} times its size)",
                       "give the .docx as Word or LibreOffice saved it", {"form": "docx-too-large", "mb": mb, "ratio": times})


def _styles(z: zipfile.ZipFile) -> tuple[dict[str, str], str]:
    from docx.styles import BabelFish
    names, default = {}, ""
    if "word/styles.xml" not in z.namelist():
        return names, default
    for st in etree.fromstring(z.read("word/styles.xml")).iter(f"{W}style"):
        name_el = st.find(f"{W}name")
        name = BabelFish.internal2ui(name_el.get(f"{W}val")) if name_el is not None else ""
        names[st.get(f"{W}styleId")] = name
        if st.get(f"{W}type") == "paragraph" and st.get(f"{W}default") in ("1", "true"):
            default = name
    return names, default


def _on(rpr, tag: str) -> bool:
    el = rpr.find(f"{W}{tag}") if rpr is not None else None
    return el is not None and el.get(f"{W}val") not in ("0", "false", "none")


# Direct formatting a person chose (editors add font names to runs they touch on their own)
_DIRECT = ("color", "sz", "highlight", "u", "strike", "shd")


def _paragraph(p, names: dict[str, str], default: str, media: dict[str, str] | None = None,
               notes: dict[str, str] | None = None) -> Para:
    style_el = p.find(f"{W}pPr/{W}pStyle")
    style = names.get(style_el.get(f"{W}val"), "") if style_el is not None else default
    text: list[str] = []
    bold, italic = [], []
    direct = False
    for r in p.iter(f"{W}r"):
        if any(a.tag in _SKIP for a in r.iterancestors()) or r.getparent().tag in _SKIP:
            continue
        piece = "".join((el.text or "") if el.tag == f"{W}t" else "\t" if el.tag == f"{W}tab" else "\n"
                        for el in r if el.tag in _TEXT)
        start = sum(len(t) for t in text)
        text.append(piece)
        rpr = r.find(f"{W}rPr")
        if piece and _on(rpr, "b"):
            bold.append((start, start + len(piece)))
        if piece and _on(rpr, "i"):
            italic.append((start, start + len(piece)))
        if piece.strip() and rpr is not None and any(rpr.find(f"{W}{t}") is not None for t in _DIRECT) \
                and rpr.find(f"{W}rStyle") is None:
            direct = True
    pictures = tuple(media.get(b.get(f"{R}embed"), "?") for b in p.iter(f"{A}blip")) if media is not None else ()
    alts = tuple(d.get("descr") or "" for d in p.iter(f"{WP}docPr"))
    refs = tuple(notes.get(r.get(f"{W}id"), "") for r in p.iter(f"{W}footnoteReference")) if notes is not None else ()
    in_table = any(a.tag == f"{W}tc" for a in p.iterancestors())
    return Para("".join(text), style, _merge(bold), _merge(italic), direct=direct, pictures=pictures, notes=refs,
                in_table=in_table, alts=alts)


def _join(first: Para, second: Para) -> Para:
    at = len(first.text)
    shift = lambda spans: tuple((a + at, b + at) for a, b in spans)  # noqa: E731
    return Para(first.text + second.text, first.style, _merge([*first.bold, *shift(second.bold)]),
                _merge([*first.italic, *shift(second.italic)]), comments=first.comments + second.comments,
                direct=first.direct or second.direct, pictures=first.pictures + second.pictures,
                alts=first.alts + second.alts, notes=first.notes + second.notes, in_table=first.in_table)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def read_docx(data: bytes, path: Path | None = None) -> Docx:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            doc = etree.fromstring(z.read("word/document.xml"))
            names, default = _styles(z)
            comments_xml = etree.fromstring(z.read("word/comments.xml")) if "word/comments.xml" in z.namelist() else None
            core = etree.fromstring(z.read("docProps/core.xml")) if "docProps/core.xml" in z.namelist() else None
            media = _media(z)
            notes = _footnotes(z)
            state = _custom_property(z, "brochure-sources")
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise _problem(path or Path("?"), f"cannot open the DOCX: {exc}", "save it again as .docx in Word or LibreOffice",
                       {"form": "docx-broken"}) from None
    body = doc.find(f"{W}body")
    paragraphs, anchors = [], {}
    joined = False  # the paragraph before ended in a deleted paragraph mark: this one continues it
    for p in body.iter(f"{W}p"):
        para = _paragraph(p, names, default, media, notes)
        if joined:
            para = _join(paragraphs.pop(), para)
        n = len(paragraphs)
        for mark in p.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            cid = int(mark.get(f"{W}id"))
            if cid not in anchors:
                anchors[cid] = n
                para.comments.append(cid)
        paragraphs.append(para)
        joined = p.find(f"{W}pPr/{W}rPr/{W}del") is not None  # a tracked merge of two paragraphs
    comments = []
    for c in comments_xml.iter(f"{W}comment") if comments_xml is not None else ():
        cid = int(c.get(f"{W}id"))
        text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in c.iter(f"{W}p"))
        comments.append(Comment(cid, c.get(f"{W}author") or "", (c.get(f"{W}date") or "")[:10], text.strip(),
                                anchors.get(cid)))
    title = core.findtext("{http://purl.org/dc/elements/1.1/}title") if core is not None else ""
    revisions = sum(1 for _ in body.iter(*(f"{W}{t}" for t in ("ins", "del", "moveFrom", "moveTo"))))
    return Docx(paragraphs, comments, title or "", revisions, sum(1 for _ in body.iter(f"{W}tbl")), state)


def _custom_property(z: zipfile.ZipFile, name: str) -> str:
    if "docProps/custom.xml" not in z.namelist():
        return ""
    for prop in etree.fromstring(z.read("docProps/custom.xml")):
        if prop.get("name") == name:
            return "".join(prop.itertext()).strip()
    return ""


def _media(z: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → sha256 of the picture it points to (document.xml's relationships)."""
    import hashlib
    if "word/_rels/document.xml.rels" not in z.namelist():
        return {}
    out = {}
    for rel in etree.fromstring(z.read("word/_rels/document.xml.rels")):
        target = rel.get("Target") or ""
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        if rel.get("Type", "").endswith("/image") and name in z.namelist():
            out[rel.get("Id")] = hashlib.sha256(z.read(name)).hexdigest()
    return out


def _footnotes(z: zipfile.ZipFile) -> dict[str, str]:
    if "word/footnotes.xml" not in z.namelist():
        return {}
    root = etree.fromstring(z.read("word/footnotes.xml"))
    return {n.get(f"{W}id"): canonical(" ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in n.iter(f"{W}p")))
            for n in root.iter(f"{W}footnote")}


_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")


def canonical(text: str) -> str:
    """Text as a reader compares it: NFC, without soft hyphens and zero-width marks, every run of
    spaces (no-break spaces included) one space, ends trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip()


def same_text(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)
