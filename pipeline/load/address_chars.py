"""Characters that make an address lead elsewhere than it reads.

An invisible character pasted into an address (a soft hyphen from Word, a zero-width space, a
bidi control) splits it: 'peggy.nie\u00adring@…' would link 'ring@…'. A look-alike (Cyrillic
'а' for Latin 'a', U+0261 'ɡ' for 'g', U+2215 '∕' for '/') links another host. Both are refused
where they stand, with the character's name and code point; never turned into a link.

Look-alikes follow Unicode TR 39 (confusables.txt and scripts, through confusable-homoglyphs):
each label of an address ('www', 'stadt-kassel', 'de', a path segment) must be written in one
script, and a Latin label must not hold a letter confusable with a plain ASCII one. An address
entirely in another script ('пример.рф') is fine, unless every such letter in it can pass for
Latin ('www.рс.de' reads as 'www.pc.de').
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


# Invisible, yet not format characters (category Cf, which holds the soft hyphen, the zero-width
# characters, the word joiner, the BOM and the bidi controls): fillers, the combining grapheme
# joiner and variation selectors.
_INVISIBLE_TOO = set("\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0") | {chr(c) for c in range(0xFE00, 0xFE10)}
# What looks like the start of an address once invisible characters are gone.
_ADDRESS_LIKE = re.compile(r"@|(?<!\w)(?:https?://|www\.|mailto:|tel:)", re.IGNORECASE)
# Quotes and brackets around an address in running text are not part of it.
_AROUND = "„“”‚‘’\"'«»()[]{}<>.,;:!?–—…*_"
_LABEL = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")  # runs between ASCII punctuation
_COMMON = {"COMMON", "INHERITED"}


@dataclass(frozen=True)
class Problem:
    code: str  # E-ADDRESS-INVISIBLE or E-ADDRESS-LOOKALIKE
    address: str  # as typed, its invisible characters shown as <U+00AD>
    char: str  # 'U+0261 (LATIN SMALL LETTER SCRIPT G)'
    position: int  # 1-based, in the text checked
    like: str  # the ASCII character it passes for, or ''

    @property
    def message(self) -> str:
        if self.code == "E-ADDRESS-INVISIBLE":
            return (f"the address '{self.address}' holds an invisible character, {self.char}, at position "
                    f"{self.position}: linked, copied or searched, it is another address")
        looks = f", which looks like '{self.like}' but is another character" if self.like else \
            ", which does not belong in an address"
        return f"the address '{self.address}' holds {self.char} at position {self.position}{looks}: its link would lead elsewhere"

    @property
    def hint(self) -> str:
        if self.code == "E-ADDRESS-INVISIBLE":
            return ("delete the address and type it again by hand (pasting from Word or a web page brings "
                    "invisible characters such as soft hyphens and zero-width spaces)")
        return ("type the address again by hand in plain letters a–z, digits, '.', '/' and '@'; an address in "
                "another script must be written wholly in that script")

    @property
    def args(self) -> dict[str, str]:
        return {"address": self.address, "char": self.char, "like": self.like}


def describe(ch: str) -> str:
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed character')})"


def invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or ch in _INVISIBLE_TOO


# A quick test for lines without any: the format characters (Cf) of Unicode 15 as ranges, and
# _INVISIBLE_TOO (tests/test_address_chars.py holds it to unicodedata's Cf).
_ANY_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")
_MARKS = ("@", "://", "www.", "mailto:", "tel:")


def _may_hold_address(text: str) -> bool:
    low = text.lower()
    return any(mark in low for mark in _MARKS)


def _shown(token: str) -> str:
    return "".join(f"<U+{ord(c):04X}>" if invisible(c) else c for c in token)


@lru_cache(maxsize=4096)
def _ascii_twin(ch: str) -> str:
    """The plain ASCII character CH passes for ('ɡ' → 'g', '∕' → '/'), or ''."""
    from confusable_homoglyphs import confusables  # loaded only for an address beyond ASCII
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and len(folded) == 1 and folded.isascii():
        return folded
    for found in confusables.is_confusable(ch, greedy=True, preferred_aliases=[]) or []:
        for glyph in found["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isprintable():
                return glyph["c"]
    return ""


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "COMMON"
    from confusable_homoglyphs import categories
    return categories.alias(ch) if ch.isalpha() else "COMMON"


def _lookalike(token: str) -> tuple[int, str] | None:
    """(index, ASCII twin) of the first look-alike character in an address, or None."""
    if token.isascii():
        return None
    for i, ch in enumerate(token):
        if ch.isascii():
            continue
        cat = unicodedata.category(ch)
        if unicodedata.normalize("NFKC", ch) != ch or not cat.startswith(("L", "M", "N")):
            return i, _ascii_twin(ch)  # fullwidth forms, '∕', '⁄', '。', '＠', mathematical letters
    for m in _LABEL.finditer(token):
        label = m.group()
        scripts = [_script(c) for c in label]
        used = {s for s in scripts if s not in _COMMON}
        if len(used) > 1:  # mixed scripts: point at the first letter outside the label's main one
            main = "LATIN" if "LATIN" in used else scripts[next(i for i, s in enumerate(scripts) if s not in _COMMON)]
            i = next(i for i, s in enumerate(scripts) if s not in _COMMON and s != main)
            return m.start() + i, _ascii_twin(label[i])
        if used == {"LATIN"}:  # one Latin letter that passes for another: 'ɡ', 'ı'
            for i, c in enumerate(label):
                if not c.isascii() and _ascii_twin(c):
                    return m.start() + i, _ascii_twin(c)
    # An address in another script whose every letter can pass for Latin ('www.рс.de')
    foreign = [i for i, c in enumerate(token) if c.isalpha() and not c.isascii() and _script(c) != "LATIN"]
    if foreign and all(_ascii_twin(token[i]) for i in foreign):
        return foreign[0], _ascii_twin(token[foreign[0]])
    return None


def problem(text: str, whole: bool = False, lookalikes: bool = True) -> Problem | None:
    """The first address in TEXT that holds an invisible or (with LOOKALIKES) a look-alike
    character. WHOLE: TEXT is an address cell (e-mail, web, phone), where every character counts."""
    if not whole and not _may_hold_address(text) and not _ANY_INVISIBLE.search(text) and (
            text.isascii() or not _may_hold_address(unicodedata.normalize("NFKC", text))):
        return None  # most text: no address in it at all
    for m in re.finditer(r"\S+", text) if not whole else [re.match(r"(?s).*", text)]:
        token, at = m.group(), m.start()
        bare = "".join(c for c in token if not invisible(c))
        # every address links.PATTERN finds has one of _ADDRESS_LIKE's marks
        if not whole and not (_ADDRESS_LIKE.search(bare) or (not bare.isascii() and _ADDRESS_LIKE.search(
                unicodedata.normalize("NFKC", bare)))):
            continue
        for i, ch in enumerate(token):
            if invisible(ch):
                return Problem("E-ADDRESS-INVISIBLE", _shown(token.strip(_AROUND)), describe(ch), at + i + 1, "")
        start = len(token) - len(token.lstrip(_AROUND))
        found = _lookalike(token.strip(_AROUND)) if lookalikes else None
        if found:
            i, twin = found
            ch = token[start + i]
            return Problem("E-ADDRESS-LOOKALIKE", token.strip(_AROUND), describe(ch), at + start + i + 1, twin)
    return None


def finding(found: Problem, where):
    from pipeline.errors import error
    return error(found.code, where, found.message, found.hint, args=found.args)


def refuse(text: str, where, whole: bool = False) -> None:
    """Raise the input error for the first address in TEXT with an invisible or look-alike character."""
    found = problem(text, whole)
    if found:
        from pipeline.errors import InputError
        raise InputError(finding(found, where))
