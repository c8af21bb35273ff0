"""The pictures of an edition, compared by content: a photo replaced by another image under the
same file name is a change although its record, caption and file name stay. A picture's content
is the hash of its decoded pixels (so a re-saved file with the same pixels is no change), and
its alt text is the picture's description (`descr` of wp:docPr in a DOCX)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

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
    """By key (record id, or title and number); then the same pixels and alt text; then, within
    a chapter (the picture of a removed chapter is not „replaced“ by one of an added chapter),
    the same caption, the same pixels, the same alt text; the rest by place, where a chapter
    lost as many pictures as it gained."""
    by_key = {p.key: p for p in new if not p.key.startswith("#")}
    pairs = [(o, by_key[o.key]) for o in old if o.key in by_key]
    paired = {id(x) for pair in pairs for x in pair}
    a, b = [o for o in old if id(o) not in paired], [n for n in new if id(n) not in paired]
    sames = (lambda p: (p.digest, p.alt, p.caption), lambda p: (p.chapter, p.caption) if p.caption else None,
             lambda p: (p.chapter, p.digest), lambda p: (p.chapter, p.alt) if p.alt else None)
    for same in sames:
        waiting: dict = {}
        for n in b:
            waiting.setdefault(same(n), []).append(n)
        for o in list(a):
            found = waiting.get(same(o)) if same(o) is not None else None
            if found:
                n = found.pop(0)
                pairs.append((o, n))
                a.remove(o)
                b.remove(n)
    for chapter in {o.chapter for o in a}:
        left, right = [o for o in a if o.chapter == chapter], [n for n in b if n.chapter == chapter]
        if len(left) == len(right):
            pairs += list(zip(left, right))
    return pairs


def pdf_pictures(data: bytes, chapters: list) -> list[PictureView]:
    """The image objects of a PDF's pages in page order, each with the alt text of the tagged
    Figure that holds it (by its marked-content id) and that figure's caption (the short
    paragraph tagged right after it), its page and chapter (by the chapters' page spans)."""
    import pypdfium2.raw as raw

    from pipeline.render.pdf_pages import pdfium
    pdf = pdfium().PdfDocument(data)
    out: list[PictureView] = []

    def chapter(page: int) -> str:
        return next((c.title for c in reversed(chapters) if c.pages and c.pages[0] <= page), "")
    try:
        for n, page in enumerate(pdf, 1):
            images = [o for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=8)]
            if not images:
                continue
            figures = _page_figures(page, raw)
            for obj in images:
                w, h = obj.get_px_size()
                digest = hashlib.sha256(f"{w}x{h} ".encode() + bytes(obj.get_data(decode_simple=False))).hexdigest()
                alt, caption = figures.get(raw.FPDFPageObj_GetMarkedContentID(obj.raw), ("", ""))
                out.append(PictureView(f"#{len(out) + 1}", caption, alt, digest, chapter(n), n))
    finally:
        pdf.close()
    return out


def _utf16(fn, *args) -> str:
    import ctypes
    size = fn(*args, None, 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    fn(*args, buf, size)
    return buf.raw[:size].decode("utf-16-le", "replace").rstrip("\x00")


def _page_figures(page, raw) -> dict[int, tuple[str, str]]:
    """(alt text, caption) of each tagged Figure on PAGE, by the marked-content ids it holds."""
    import ctypes
    tree = raw.FPDF_StructTree_GetForPage(page.raw)
    if not tree:
        return {}
    out: dict[int, tuple[str, str]] = {}
    texts: dict[int, str] | None = None

    def mcids(el) -> list[int]:
        return [raw.FPDF_StructElement_GetMarkedContentIdAtIndex(el, i)
                for i in range(raw.FPDF_StructElement_GetMarkedContentIdCount(el))]

    def kids(el) -> list:
        found = (raw.FPDF_StructElement_GetChildAtIndex(el, i) for i in range(raw.FPDF_StructElement_CountChildren(el)))
        return [c for c in found if c]

    def walk(siblings: list, depth: int) -> None:
        nonlocal texts
        for k, el in enumerate(siblings):
            if _utf16(raw.FPDF_StructElement_GetType, el) == "Figure":
                caption = ""
                after = siblings[k + 1] if k + 1 < len(siblings) else None
                if after is not None and _utf16(raw.FPDF_StructElement_GetType, after) in ("P", "Caption"):
                    texts = texts if texts is not None else _mcid_texts(page, raw, ctypes)
                    caption = " ".join(texts.get(m, "") for m in mcids(after))
                    caption = " ".join(re.sub(r"\s*[\x02\ufffe\u00ad]\s*", "", caption).split())  # hyphenation breaks
                    caption = caption if len(caption) <= 250 else ""
                for m in mcids(el):
                    out[m] = (_utf16(raw.FPDF_StructElement_GetAltText, el), caption)
            if depth < 50:
                walk(kids(el), depth + 1)
    try:
        walk([raw.FPDF_StructTree_GetChildAtIndex(tree, i) for i in range(raw.FPDF_StructTree_CountChildren(tree))], 0)
    finally:
        raw.FPDF_StructTree_Close(tree)
    return out


def _mcid_texts(page, raw, ctypes) -> dict[int, str]:
    """The text of each marked-content id on PAGE."""
    textpage = page.get_textpage()
    out: dict[int, str] = {}
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
        size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buf = (ctypes.c_ushort * max(size // 2, 1))()
        raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buf, size)
        text = bytes(buf).decode("utf-16-le", "replace").rstrip("\x00")
        m = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
        out[m] = out.get(m, "") + (" " if out.get(m) else "") + text
    return out


def compare_pictures(comparer) -> None:
    """„Foto ersetzt“ for each picture whose pixels changed, „Foto entfernt / neu“ for a picture
    gone or added where its record stays (an added or removed record says so itself); from a
    DOCX or PDF also its changed alt text (a build folder's alt text is a field of its photo
    record, compared with the records)."""
    old, new = comparer.old, comparer.new
    pixels: list[dict[str, str]] | None = None
    pairs = _pairs(old.pictures, new.pictures)
    for o, n in pairs:
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
    paired = {id(x) for pair in pairs for x in pair}
    for kind, side, other in (("removed", old, new), ("added", new, old)):
        for p in side.pictures:
            if id(p) in paired or (side.source == "build" and p.key not in other.records.get("photos", {})):
                continue
            chapter = comparer.titles.get(p.chapter, p.chapter)
            name = p.caption or (f"picture on page {p.page}" if p.page else f"picture {p.key}")
            where = f"{chapter} / {name}" if chapter else name
            comparer.add("records", kind, where, f"photo {kind}: {name}", p.caption if kind == "removed" else "",
                         p.caption if kind == "added" else "", item="picture", name="image",
                         page=p.page if kind == "added" else None)
