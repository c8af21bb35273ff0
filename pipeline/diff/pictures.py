"""The pictures of an edition, compared by content: a photo replaced by another image under the
same file name is a change although its record, caption and file name stay. A picture's content
is the hash of its decoded pixels (so a re-saved file with the same pixels is no change), and
its alt text is the picture's description (`descr` of wp:docPr in a DOCX)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_PIXELS = 200_000_000


@dataclass
class PictureView:
    key: str  # a photo record's id, or the picture's place among the document's pictures
    caption: str  # its caption (a DOCX picture's title)
    alt: str  # its alt text (a DOCX picture's descr)
    digest: str  # the hash of its decoded pixels; of its bytes where they cannot be decoded
    chapter: str = ""  # the chapter it stands in, when known
    page: int | None = None  # its page, when read from a PDF
    chart: bool = False  # a chart's drawing (under its „Chart Title“ paragraph), compared by charts.py


def pixel_digest(data: bytes) -> str:
    """The hash of an image's decoded pixels, with its size and mode."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ValueError("too large")
            im.load()
            return hashlib.sha256(f"{im.mode} {im.size}".encode() + im.tobytes()).hexdigest()
    except Exception:  # not an image Pillow reads (EMF, SVG …): its bytes stand for it
        return "bytes:" + hashlib.sha256(data).hexdigest()


SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"


def blips(drawing) -> list[str]:
    """The relationship ids of the images a w:drawing shows: its bitmap and, where it has one,
    the SVG it is the fallback of."""
    return [b.get(f"{R}embed") for b in drawing.iter(f"{A}blip", SVG_BLIP) if b.get(f"{R}embed")]


def _under_chart_title(drawing) -> bool:
    """Whether the paragraph holding DRAWING follows a chart's title (the renderer's „Chart
    Title“ paragraph): the drawing is a chart."""
    p = next((a for a in drawing.iterancestors(f"{W}p")), None)
    before = p.getprevious() if p is not None else None
    style = before.find(f"{W}pPr/{W}pStyle") if before is not None and before.tag == f"{W}p" else None
    return style is not None and style.get(f"{W}val") == "ChartTitle"


def docx_pictures(data: bytes) -> list[PictureView]:
    """The pictures of a DOCX's body in reading order, each with its title, description and
    the hash of its image's pixels; the chapter is the last Heading 1 before it."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        body = etree.fromstring(z.read("word/document.xml"))
        rels_name = "word/_rels/document.xml.rels"
        rels = etree.fromstring(z.read(rels_name)) if rels_name in names else None
        targets = {r.get("Id"): r.get("Target") for r in (rels.iter(f"{REL}Relationship") if rels is not None else ())}
        out: list[PictureView] = []
        chapter = ""
        seen: dict[str, int] = {}
        for el in body.iter(f"{W}p", f"{WP}docPr"):
            if el.tag == f"{W}p":
                style = el.find(f"{W}pPr/{W}pStyle")
                if style is not None and style.get(f"{W}val", "").replace(" ", "").lower() in ("heading1", "berschrift1"):
                    chapter = "".join(t.text or "" for t in el.iter(f"{W}t")).strip()
                continue
            drawing = el.getparent()
            digests = []
            for rid in blips(drawing):
                target = (targets.get(rid) or "").lstrip("/")
                part = target if target.startswith("word/") else f"word/{target}"
                digests.append(pixel_digest(z.read(part)) if part in names else "")
            title = el.get("title", "")
            n = seen[title] = seen.get(title, 0) + 1
            out.append(PictureView(f"{title} #{n}", title, el.get("descr", ""), " ".join(digests), chapter,
                                   chart=_under_chart_title(drawing)))
    return out


def build_pictures(content: dict, manifest: dict) -> list[PictureView]:
    """A build folder's photos, by record id, each with its input file's hash from the
    manifest (its pixels are read from the folder's DOCX only when the hashes differ)."""
    inputs = {i["path"]: i.get("sha256", "") for i in manifest.get("inputs", [])}
    out = []
    for row in content["records"].get("photos", []):
        v = row["values"]
        file = str(v.get("file") or "")
        if file:
            digest = inputs.get(f"images/{file}") or next((h for p, h in inputs.items() if p.endswith(f"/{file}")), "")
            out.append(PictureView(row["id"], str(v.get("caption") or ""), str(v.get("alt_text") or ""),
                                   f"file:{digest}", str(v.get("chapter") or "")))
    return out


def _pixels_by_caption(view) -> dict[str, str]:
    if view.docx is None:
        return {}
    try:
        return {p.caption: p.digest for p in reversed(docx_pictures(view.docx.read_bytes()))}
    except Exception:  # an unreadable DOCX: the input files' hashes stand
        return {}


def _pairs(old: list[PictureView], new: list[PictureView]) -> list[tuple[PictureView, PictureView]]:
    """By key (record id, or title and number); the rest in order: the same pixels and alt
    text first, then the pictures standing in the same place of a stretch that differs (one
    added picture does not shift the others), in the same chapter (the picture of a removed
    chapter is not „replaced“ by one of an added chapter)."""
    by_key = {p.key: p for p in new if not p.key.startswith("#")}
    pairs = [(o, by_key[o.key]) for o in old if o.key in by_key]
    paired = {id(x) for pair in pairs for x in pair}
    a, b = [o for o in old if id(o) not in paired], [n for n in new if id(n) not in paired]
    matcher = SequenceMatcher(None, [(p.digest, p.alt) for p in a], [(p.digest, p.alt) for p in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):  # not across chapters: a chapter's
            pairs += [(o, n) for o, n in zip(a[i1:i2], b[j1:j2]) if o.chapter == n.chapter]  # own pictures
    return pairs


def pdf_pictures(data: bytes, chapters: list, reader=None) -> list[PictureView]:
    """The image XObjects of a PDF's pages in page order, each with the alt text of the tagged
    Figure in the same place of the structure tree (when the figures and images are as many),
    its page and chapter (by the chapters' page spans)."""
    from pypdf import PdfReader
    reader = reader or PdfReader(io.BytesIO(data))  # one already open has its objects resolved
    images: list[tuple[int, str]] = []
    for n, page in enumerate(reader.pages, 1):
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for name in sorted(xobjects.get_object()) if xobjects is not None else ():
            obj = xobjects.get_object()[name].get_object()
            if obj.get("/Subtype") == "/Image":
                head = f"{obj.get('/Width')}x{obj.get('/Height')} {obj.get('/BitsPerComponent')} ".encode()
                images.append((n, hashlib.sha256(head + obj.get_data()).hexdigest()))
    figures: list[str] = []

    def walk(el, depth: int = 0) -> None:
        el = el.get_object()
        if depth > 200:
            return
        if isinstance(el, list):
            for child in el:
                walk(child, depth + 1)
        elif isinstance(el, dict):
            if el.get("/S") == "/Figure":
                figures.append(str(el.get("/Alt", "")))
            if el.get("/K") is not None:
                walk(el["/K"], depth + 1)
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is not None:
        walk(root)
    alts = figures if len(figures) == len(images) else [""] * len(images)

    def chapter(page: int) -> str:
        return next((c.title for c in reversed(chapters) if c.pages and c.pages[0] <= page), "")
    return [PictureView(f"#{k}", "", alt, digest, chapter(page), page)
            for k, ((page, digest), alt) in enumerate(zip(images, alts), 1)]


def compare_pictures(comparer) -> None:
    """„Foto ersetzt“ for each picture whose pixels changed; from a DOCX also its changed alt
    text (a build folder's alt text is a field of its photo record, compared with the records)."""
    old, new = comparer.old, comparer.new
    pixels: list[dict[str, str]] | None = None
    for o, n in _pairs(old.pictures, new.pictures):
        chapter = comparer.titles.get(n.chapter, n.chapter)
        name = n.caption or (f"picture on page {n.page}" if n.page else f"picture {n.key}")
        where = f"{chapter} / {name}" if chapter else name
        changed = o.digest != n.digest
        if changed and o.digest.startswith("file:") and n.digest.startswith("file:"):
            pixels = pixels if pixels is not None else [_pixels_by_caption(old), _pixels_by_caption(new)]
            a, b = pixels[0].get(o.caption), pixels[1].get(n.caption)
            changed = not (a and b and a == b)  # the same pixels in another file: no change
        if changed:
            comparer.add("records", "replaced", where, f"photo replaced: {name}", o.caption, n.caption,
                         item="picture", name="image", page=n.page)
        if "build" not in (old.source, new.source) and o.alt != n.alt:
            comparer.add("records", "changed", where, f"{where}: alt text {o.alt or '(empty)'} → {n.alt or '(empty)'}",
                         o.alt, n.alt, [(op, t) for op, t in (("delete", o.alt), ("insert", n.alt)) if t],
                         item="field", name="alt_text", page=n.page)
