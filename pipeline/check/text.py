"""Text that is not ready for print: drafting marks, a paragraph printed twice, text read in the
wrong encoding ("FÃ¼r" for "Für"), and e-mail addresses in prose that cannot work."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ftfy import fix_encoding
from ftfy.badness import is_bad

from pipeline.load.edition import EDITION_FILE
from pipeline.errors import Finding, Location, error
from pipeline.load.markdown import CITATION, text_passages
from pipeline.load.records import Record
from pipeline.load.spec import Spec

# A DOS (code page 850) file read as Windows-1252 puts quote signs inside words: "Bev”lkerung".
_DOS_UMLAUT = re.compile(r"[a-zäöü][„”‚÷¡¤][a-zäöüß]")
# Characters without a space. Typst hyphenates a long word of letters across lines, but a run
# with digits or signs (the longest address is ~150) can only break where an address may: longer
# ones run off the page. Nothing longer than MAX_ANY_WORD is text at all.
MAX_WORD = 300
MAX_ANY_WORD = 2_000
_EMAIL_LIKE = re.compile(r"[\w.+-]*@[\w.-]*")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}$")


@dataclass
class Source:
    """A text file of the edition, read once."""

    file: str
    chapter: str | None
    text: str

    def lines(self):
        """(line number, line) of everything that can be printed; YAML comments never are."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if not (self.file == EDITION_FILE and line.lstrip().startswith("#")):
                yield number, line


def _mojibake(text: str) -> bool:
    return is_bad(text) or bool(_DOS_UMLAUT.search(text))


def _placeholder(text: str, spec: Spec) -> str | None:
    for pattern in spec.placeholders:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return None


def _cells(records: dict[str, list[Record]]):
    for rows in records.values():
        for rec in rows:
            for col, value in rec.values.items():
                if isinstance(value, str) and value:
                    yield rec.cells[col], value


def check_text(sources: list[Source], records: dict[str, list[Record]], spec: Spec) -> list[Finding]:
    findings: list[Finding] = []
    for src in sources:
        for number, line in src.lines():
            where = Location(file=src.file, row=number, chapter=src.chapter)
            findings.extend(_line_findings(line, where, spec, prose=True))
    for where, value in _cells(records):
        findings.extend(_line_findings(value, where, spec, prose=False))
    findings.extend(_duplicates([s for s in sources if s.file != EDITION_FILE], spec.duplicate_min_words))
    return findings


def _line_findings(text: str, where: Location, spec: Spec, prose: bool) -> list[Finding]:
    found: list[Finding] = []
    mark = _placeholder(text, spec)
    if mark:
        found.append(error("E-PLACEHOLDER", where, f"left-over placeholder '{mark}'",
                           "replace it with the final text before printing", args={"mark": mark}))
    if _mojibake(text):
        sample = next((w for w in text.split() if _mojibake(w)), text[:40])
        fixed = fix_encoding(sample)
        found.append(error("E-MOJIBAKE", where, f"'{sample}' looks like text read in the wrong encoding"
                           + (f" (meant: '{fixed}'?)" if fixed != sample else ""),
                           "save the file as UTF-8 (Excel: 'CSV UTF-8') and copy the text again from the original",
                           args={"sample": sample}))
    long_word = next((w for w in text.split() if len(w) > MAX_ANY_WORD
                      or (len(w) > MAX_WORD and not w.replace("-", "").isalpha())), None)
    if long_word:
        found.append(error("E-LONG-WORD", where, f"'{long_word[:40]}…' is one word of {len(long_word)} characters "
                           "without a space, which no line of the brochure can hold",
                           "add spaces, or shorten it; a web address this long belongs on a web page, not in print"))
    if prose:
        for m in _EMAIL_LIKE.finditer(CITATION.sub(" ", text)):  # '[@carnau2011]' is a citation
            address = m.group(0).rstrip(".")
            local, _, domain = address.partition("@")
            # '@integration_hessen' is a social-media handle, not an attempted address.
            attempted = bool(local) or "." in domain
            if attempted and len(address) > 1 and not _EMAIL.match(address):
                found.append(error("E-BAD-EMAIL", where, f"'{address}' is not an e-mail address",
                                   "write it as name@example.de", args={"value": address}))
    return found


def _duplicates(sources: list[Source], min_words: int) -> list[Finding]:
    seen: dict[str, tuple[str, int]] = {}
    found: list[Finding] = []
    for src in sources:
        # a table may well say the same in two rows ('Integrationsbüro'); a repeated paragraph is a copy
        for line, pieces in text_passages(src.text, table_cells=False):
            text = " ".join(" ".join(pieces).split())
            if len(text.split()) < min_words:
                continue
            key = text.casefold()
            if key in seen:
                first_file, first_line = seen[key]
                same = "above" if first_file == src.file else f"in {first_file}"
                found.append(error("E-DUPLICATE-PARAGRAPH", Location(file=src.file, row=line, chapter=src.chapter),
                                   f"this paragraph repeats line {first_line} {same} word for word",
                                   "delete one of the two copies"))
            else:
                seen[key] = (src.file, line)
    return found
