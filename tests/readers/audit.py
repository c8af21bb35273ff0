"""What a reader copies out of a built PDF, checked against the build's content.json.

- every e-mail and web address and phone number of the content comes out exactly (a line break
  right after '@', '.', '/' or '-' inside it is allowed: that is where an address may wrap);
- every hyphenated compound of the content ('Main-Kinzig-Kreis') comes out with its hyphens;
- no line ends in a hard hyphen unless the content has that compound (a hyphenation hyphen
  must not read as a typed one) and no soft hyphen shows inside a line.

Run as a script for a table: python -m tests.readers.audit outputs/*/*.pdf"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import engines

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
WEB = re.compile(r"(?:https?://|www\.)[^\s<>\"„“”]*[^\s<>\"„“”.,;:!?)\]]")
PHONE = re.compile(r"(?<![\w/])0\d{2,5}(?:[ /-]+\d[\d -]*\d)")
COMPOUND = re.compile(r"\b\w+(?:-\w+)+\b")


NOT_PRINTED = {"id", "record", "table", "source", "file", "template", "edition", "type", "kind", "style", "date",
               "language", "width", "alt"}


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in NOT_PRINTED:
                yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def expected(content: dict) -> dict[str, set[str]]:
    doc = content["document"]
    text = "\n".join(strings({"chapters": doc["chapters"], "cover": doc["cover"]}))
    emails = set(EMAIL.findall(text))
    webs = {w for w in WEB.findall(text)}
    phones = {p.strip() for p in PHONE.findall(text)}
    in_address = "\n".join(emails | webs)
    compounds = {c for c in COMPOUND.findall(text) if c not in in_address and not c[0].isdigit()}
    return {"email": emails, "web": webs, "phone": phones, "compound": compounds}


# A line break inside an item, with or without the soft hyphen some engines report there
# (U+00AD; PDFium: U+FFFE); never a hard hyphen the reader would have to guess away.
_WRAP = "(?:[\\u00ad\\ufffe]|[\\u00ad\\ufffe]?[ \\t]*\\r?\\n[ \\t]*)?"


def found(extracted: str, items: set[str]) -> set[str]:
    """The items that come out exactly, allowing a line break between any two characters."""
    flat = re.sub(r"[ \t]+", " ", extracted)
    hits = set()
    for item in items:
        if item in flat or re.search(_WRAP.join(re.escape(ch) for ch in item), flat):
            hits.add(item)
    return hits


def false_hyphens(extracted: str, content_text: str) -> list[str]:
    """Line ends whose '-' is not a typed hyphen of the content, and soft hyphens mid-line."""
    bad = []
    for m in re.finditer(r"(\w+)-[ \t]*\r?\n[ \t]*(\w+)", extracted):
        if f"{m.group(1)}-{m.group(2)}" not in content_text and f"{m.group(1)}- {m.group(2)}" not in content_text:
            bad.append(f"{m.group(1)}-⏎{m.group(2)}")
    bad += [f"…{m.group(0)}…" for m in re.finditer(r"\w\u00ad\w", extracted)]
    return bad


def audit(pdf: Path, engine: str) -> dict:
    content = json.loads((pdf.parent / "content.json").read_text("utf-8"))
    want = expected(content)
    text = engines.text(pdf.read_bytes(), engine)
    content_text = "\n".join(strings(content["document"]))
    result = {kind: (len(found(text, items)), len(items), sorted(items - found(text, items)))
              for kind, items in want.items()}
    result["false_hyphens"] = false_hyphens(text, content_text)
    return result


if __name__ == "__main__":
    for name in sys.argv[1:]:
        for engine in engines.ENGINES:
            if engines.missing(engine):
                print(f"{name} {engine}: {engines.missing(engine)}")
                continue
            r = audit(Path(name), engine)
            cells = "  ".join(f"{k} {r[k][0]}/{r[k][1]}" for k in ("email", "web", "phone", "compound"))
            print(f"{Path(name).name:34} {engine:7} {cells}  false hyphens {len(r['false_hyphens'])}")
            if "-v" in sys.argv[0:1] or False:
                print(r)
