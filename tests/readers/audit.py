"""What a reader copies out of a built PDF, checked against the build's content.json.

Every occurrence counts, not only one per distinct item:

- every e-mail and web address and phone number of the content comes out exactly (a line break
  right after '@', '.', '/' or '-' inside it is allowed: that is where an address may wrap);
- every hyphenated compound of the content ('Main-Kinzig-Kreis') and every suspended one
  ('Bildungs- und') comes out with its hyphens: a typed hyphen may read as '-', U+2010 HYPHEN
  or U+2011 NON-BREAKING HYPHEN (the PDF gives body text's typed hyphens so, see
  docs/accessibility.md), at a line end too; a hyphen a reader drops there is a lost typed hyphen;
- no line ends in a hard hyphen unless the content has that compound (a hyphenation hyphen
  must not read as a typed one) and no soft hyphen shows inside a line.

Run as a script for a table: python -m tests.readers.audit outputs/*/*.pdf  (-v: the lost items)"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections import Counter
from pathlib import Path

from . import engines

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
WEB = re.compile(r"(?:https?://|www\.)[^\s<>\"„“”]*[^\s<>\"„“”.,;:!?)\]]")
PHONE = re.compile(r"(?<![\w/])0\d{2,5}(?:[ /-]+\d[\d -]*\d)")
COMPOUND = re.compile(r"(?<![\w-])\w+(?:-\w+)+(?![\w-])")
# 'Bildungs- und Sozialarbeit': the suspension hyphen with the word after it
SUSPENDED = re.compile(r"(?<![\w-])\w+- (?:und|oder|bzw\.|bis|sowie|als auch|wie)(?!\w)")
KINDS = ("email", "web", "phone", "compound", "suspended")
TYPED = ("compound", "suspended")  # the kinds whose hyphens are typed hyphens of the content
HYPHEN = "[-\u2010\u2011]"  # a typed hyphen reads as HYPHEN-MINUS, HYPHEN or NON-BREAKING HYPHEN


# Keys whose text is not printed as text: identifiers, alt texts, a chart's labels (drawn in its picture)
NOT_PRINTED = {"id", "record", "table", "source", "file", "template", "edition", "type", "kind", "style", "date",
               "language", "width", "alt", "categories", "series"}


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


def printed_text(content: dict) -> str:
    doc = content["document"]  # a soft hyphen typed in the content prints only at a line end
    return "\n".join(strings({"chapters": doc["chapters"], "cover": doc["cover"]})).replace("\u00ad", "")


def expected_counts(content: dict) -> dict[str, Counter]:
    """Each item of each kind with the number of times the content prints it."""
    text = printed_text(content)
    emails = Counter(EMAIL.findall(text))
    webs = Counter(WEB.findall(text))
    phones = Counter(p.strip() for p in PHONE.findall(text))
    addresses = [m.span() for pattern in (EMAIL, WEB) for m in pattern.finditer(text)]

    def outside(m):
        return not any(a <= m.start() < b for a, b in addresses)
    compounds = Counter(m.group(0) for m in COMPOUND.finditer(text) if outside(m) and not m.group(0)[0].isdigit())
    suspended = Counter(" ".join(m.group(0).split()) for m in SUSPENDED.finditer(text) if outside(m))
    return {"email": emails, "web": webs, "phone": phones, "compound": compounds, "suspended": suspended}


def expected(content: dict) -> dict[str, set[str]]:
    return {kind: set(items) for kind, items in expected_counts(content).items()}


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


_TURN = "(?:[ \\t]*\\r?\\n(?:[^\\n]{0,80}\\r?\\n){0,3}[ \\t]*)?"


@functools.lru_cache(maxsize=4096)
def _typed_pattern(item: str) -> re.Pattern:
    """An item as a reader's text may give it: a typed hyphen as '-' or U+2010, a space as any
    run of white space (a line end, a no-break space), a line break between any two letters."""
    pattern = ""
    for i, ch in enumerate(item):
        if ch == "-":  # a compound may go on in the next column or page, after its folio or running head
            pattern += HYPHEN + _TURN
            continue
        if i and item[i - 1] != "-":
            pattern += _WRAP
        pattern += "[\\s\\u00a0\\u202f]+" if ch == " " else re.escape(ch)
    return re.compile("(?<![\\w\\u2010\\u2011-])" + pattern + "(?![\\w\\u2010\\u2011-])")


def count(extracted: str, items: Counter, kind: str) -> Counter:
    """How many times each item comes out (at most as often as the content prints it)."""
    got = Counter()
    for item, want in items.items():
        if kind in TYPED:
            n = len(_typed_pattern(item).findall(extracted))
        else:
            n = len(re.findall(_WRAP.join(re.escape(ch) for ch in item), extracted))
        got[item] = min(want, n)
    return got


def false_hyphens(extracted: str, content_text: str) -> list[str]:
    """Line ends whose '-' is not a typed hyphen of the content, and soft hyphens mid-line."""
    bad = []
    for m in re.finditer(r"(\w+)-[ \t]*\r?\n[ \t]*(\w+)", extracted):  # U+2010 is typed by construction
        if f"{m.group(1)}-{m.group(2)}" not in content_text and f"{m.group(1)}- {m.group(2)}" not in content_text:
            bad.append(f"{m.group(1)}-⏎{m.group(2)}")
    bad += [f"…{m.group(0)}…" for m in re.finditer(r"\w\u00ad\w", extracted)]
    return bad


def audit_text(text: str, content: dict) -> dict:
    """kind → (occurrences found, occurrences printed, the lost items with how many times each);
    'lost_typed_hyphens': the occurrences of compounds a reader gets without their hyphen."""
    result = {}
    for kind, items in expected_counts(content).items():
        got = count(text, items, kind)
        lost = {item: n - got[item] for item, n in items.items() if got[item] < n}
        result[kind] = (sum(got.values()), sum(items.values()), lost)
    result["lost_typed_hyphens"] = sum(sum(result[k][2].values()) for k in TYPED)
    result["false_hyphens"] = false_hyphens(text, "\n".join(strings(content["document"])))
    return result


def audit(pdf: Path, engine: str) -> dict:
    content = json.loads((pdf.parent / "content.json").read_text("utf-8"))
    return audit_text(engines.text(pdf.read_bytes(), engine), content)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    lost_total = 0
    for name in [a for a in argv if a != "-v"]:
        for engine in engines.ENGINES:
            if engines.missing(engine):
                print(f"{name} {engine}: {engines.missing(engine)}")
                continue
            r = audit(Path(name), engine)
            cells = "  ".join(f"{k} {r[k][0]}/{r[k][1]}" for k in KINDS)
            label = "/".join(Path(name).parts[-2:])
            print(f"{label:40} {engine:7} {cells}  lost typed hyphens {r['lost_typed_hyphens']}"
                  f"  false hyphens {len(r['false_hyphens'])}")
            lost_total += r["lost_typed_hyphens"]
            if verbose:
                for k in KINDS:
                    if r[k][2]:
                        print(f"    {k} lost: {r[k][2]}")
                if r["false_hyphens"]:
                    print(f"    false hyphens: {r['false_hyphens']}")
    return 1 if lost_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
