"""Embed the brochure font in a DOCX, so Word and LibreOffice show Source Sans Pro without it
being installed (ECMA-376 Part 1 §17.8: embedded fonts).

Each style (regular, bold, italic, bold italic) is a part `word/fonts/fontN.odttf` related from
`fontTable.xml` (`w:embedRegular` …), obfuscated as §17.8.1 prescribes: the first 32 bytes are
XORed with the reversed bytes of the part's `w:fontKey` GUID. The key is derived from the font
bytes, so the same inputs give the same DOCX bytes.

The fonts are the original TrueType files of the pip font package, subset with fontTools to the
Latin characters the pipeline can print (`glyphs.printable` less Greek and Cyrillic) plus any
other character of the document: about a third of the full size, and still every character an
editor can type in a German text.
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from pipeline.render.fonts import cache_root, package_fonts, put_cached
from pipeline.load.glyphs import printable, script_name

FAMILY = "Source Sans Pro"
# Word's four embedding slots and the package file of each.
SLOTS = (("embedRegular", "SourceSansPro-Regular.ttf"), ("embedBold", "SourceSansPro-Bold.ttf"),
         ("embedItalic", "SourceSansPro-It.ttf"), ("embedBoldItalic", "SourceSansPro-BoldIt.ttf"))
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
SUBSET_VERSION = "1"  # bump when the subset options change: the cache key includes it
KEY_NAMESPACE = uuid.UUID("5b0c3a52-8f0e-4d8a-9a55-6b8d1e4f2c17")  # this project's, for uuid5 keys
# Children of w:settings that the schema puts before w:embedTrueTypeFonts (CT_Settings).
SETTINGS_BEFORE = {qn(f"w:{n}") for n in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData")}


def font_key(font: bytes) -> str:
    """The GUID a font part is obfuscated with, derived from its bytes: '{XXXXXXXX-…}'."""
    return "{" + str(uuid.uuid5(KEY_NAMESPACE, hashlib.sha256(font).hexdigest())).upper() + "}"


def _key_bytes(key: str) -> bytes:
    return bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]


def obfuscate(font: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key (§17.8.1); the same call deobfuscates."""
    k = _key_bytes(key)
    head = bytes(b ^ k[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


@functools.cache
def latin() -> frozenset[int]:
    """The printable characters but Greek and Cyrillic: what every Word file carries (a document
    in another script adds its own characters)."""
    return frozenset(c for c in printable() if script_name(chr(c)) not in ("Greek", "Cyrillic"))


def _cache_file(path: Path, extra: frozenset[int]) -> Path | None:
    """Where the subset of `path` is kept between runs (subsetting four styles takes seconds);
    None for a document with characters beyond the printable set, which is subset anew."""
    if extra:
        return None
    import fontTools

    h = hashlib.sha256(f"{SUBSET_VERSION}/{fontTools.version}/".encode())
    h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(",".join(map(str, sorted(latin()))).encode())
    return cache_root() / "docx-fonts" / f"{path.stem}-{h.hexdigest()[:16]}.ttf"


@functools.cache
def subset_font(path: Path, extra: frozenset[int] = frozenset()) -> bytes:
    """The font reduced to the printable characters (and `extra`), hinting and OpenType
    features kept. fontTools is deterministic for a given version (pinned) and the head table
    keeps the original's timestamp, so a cached subset is the same bytes as a new one."""
    cached = _cache_file(path, extra)
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    data = _subset(path, latin() | extra)
    if cached is not None:
        put_cached(cached, data)  # no writable cache: subset again next time
    return data


def _subset(path: Path, unicodes: set[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_files() -> dict[str, Path]:
    files = {p.name: p for p in package_fonts()}
    return {slot: files[name] for slot, name in SLOTS if name in files}


def _font_element(regular: Path):
    """The fontTable entry, with the metrics Word uses to pick a substitute (panose, Unicode and
    code page ranges) read from the font."""
    from fontTools.ttLib import TTFont

    os2 = TTFont(str(regular), lazy=True)["OS/2"]
    p = os2.panose
    panose = "".join(f"{v:02X}" for v in (p.bFamilyType, p.bSerifStyle, p.bWeight, p.bProportion, p.bContrast,
                                          p.bStrokeVariation, p.bArmStyle, p.bLetterForm, p.bMidline, p.bXHeight))
    usb = [os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4]
    csb = [os2.ulCodePageRange1, os2.ulCodePageRange2]
    sig = " ".join(f'w:usb{i}="{v:08X}"' for i, v in enumerate(usb)) + " " + \
        " ".join(f'w:csb{i}="{v:08X}"' for i, v in enumerate(csb))
    return parse_xml(f'<w:font {nsdecls("w")} w:name="{FAMILY}"><w:panose1 w:val="{panose}"/>'
                     f'<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>'
                     f'<w:sig {sig}/></w:font>')


def _document_characters(docx) -> frozenset[int]:
    chars: set[int] = set()
    for part in docx.part.package.iter_parts():
        if part.partname.endswith(".xml") and "/word/" in part.partname:
            root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
            for t in root.iter(qn("w:t")):
                chars.update(map(ord, t.text or ""))
    return frozenset(chars)


def embed_fonts(docx) -> None:
    """Embed the brochure font's four styles into a python-docx Document before it is saved."""
    files = _font_files()
    if not files:
        return
    table_part = next(rel.target_part for rel in docx.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    table = etree.fromstring(table_part.blob)
    for old in table.findall(qn("w:font")):
        if old.get(qn("w:name")) == FAMILY:
            table.remove(old)
    entry = _font_element(files.get("embedRegular", next(iter(files.values()))))
    extra = _document_characters(docx) - latin()
    package = docx.part.package
    for n, (slot, path) in enumerate(files.items(), start=1):
        data = subset_font(path, extra)
        key = font_key(data)
        part = Part(PackURI(f"/word/fonts/font{n}.odttf"), CONTENT_TYPE, obfuscate(data, key), package)
        rid = table_part.relate_to(part, RT.FONT)
        entry.append(parse_xml(f'<w:{slot} {nsdecls("w", "r")} r:id="{rid}" w:fontKey="{key}"/>'))
    table.append(entry)
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    _embed_setting(docx.settings.element)


def _embed_setting(settings) -> None:
    """w:embedTrueTypeFonts: Word keeps the fonts when it saves the file again."""
    if settings.find(qn("w:embedTrueTypeFonts")) is not None:
        return
    flag = parse_xml(f'<w:embedTrueTypeFonts {nsdecls("w")}/>')
    after = next((c for c in settings if c.tag not in SETTINGS_BEFORE), None)
    if after is not None:
        after.addprevious(flag)
    else:
        settings.append(flag)


def embedded_fonts(data: bytes) -> list[tuple[str, str, bytes]]:
    """(slot, font name, deobfuscated font bytes) of every font embedded in a DOCX: the reading
    side of `embed_fonts`, for tests and checks."""
    import posixpath
    import zipfile

    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        if "word/fontTable.xml" not in names:
            return found
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels_name = "word/_rels/fontTable.xml.rels"
        rels = etree.fromstring(z.read(rels_name)) if rels_name in names else None
        targets = {r.get("Id"): r.get("Target") for r in rels} if rels is not None else {}
        for font in table.findall(qn("w:font")):
            for el in font:
                slot = etree.QName(el).localname
                if not slot.startswith("embed"):
                    continue
                target = posixpath.normpath(posixpath.join("word", targets[el.get(qn("r:id"))]))
                found.append((slot, font.get(qn("w:name")), obfuscate(z.read(target), el.get(qn("w:fontKey")))))
    return found
