"""A town's name as `portal add-town` and the admin page take it, and the id of its space.

A name is refused when it hides a character (a bidi control, a zero-width space), holds a
letter that only looks like a Latin one inside a Latin word („Kаssel“ with a Cyrillic а) or a
compatibility form („Ｋassel“): the town's own workbook would name it so, and the draft could
never be built. Names in one other script (Львів, Αθήνα) are fine; their id is transliterated
(anyascii) and made unique against every folder in towns/, revoked towns' included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

from pipeline.load.glyphs import unprintable_character

MAX_ID = 48  # characters of an id's base: it names folders and the draft's files
# scripts whose letters look alike: one word mixing two of them is a look-alike
LOOK_ALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")
SCRIPT_DE = {"LATIN": "lateinischer", "CYRILLIC": "kyrillischer", "GREEK": "griechischer"}
# letters and symbols that print as nothing, though Unicode does not call them format characters
BLANK = {0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0, 0x180E, 0x034F}


class NameRefused(ValueError):
    """A name that cannot be a town's; .german is the admin page's text."""

    def __init__(self, english: str, german: str):
        super().__init__(english)
        self.german = german


def describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def normalise(name: str) -> str:
    """NFC, with runs of whitespace (no-break spaces too) as one space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    word = unicodedata.name(ch, "").split(" ")[0]
    return word if word in LOOK_ALIKE_SCRIPTS else None


def check(name: str) -> str:
    """NAME normalised, or NameRefused naming the first character that makes it unusable."""
    name = normalise(name)
    for n, ch in enumerate(name, start=1):
        category = unicodedata.category(ch)
        if category in ("Mn", "Me") and (n == 1 or _script(name[n - 2]) is not None):
            raise NameRefused(f"the name holds a combining mark, {describe(ch)}, at position {n}, that no letter "
                              "takes up: type the letter with its accent as one character",
                              f"Der Name enthält ein einzelnes Akzentzeichen ({describe(ch)}) an Stelle {n}. "
                              "Bitte tippen Sie den Buchstaben mit Akzent als ein Zeichen.")
        if category[0] in "CZ" and ch != " " or ord(ch) in BLANK:
            raise NameRefused(f"the name holds an invisible or control character, {describe(ch)}, at position {n}; "
                              "type the name again without it (it often comes with text copied from a web page)",
                              f"Der Name enthält ein unsichtbares Zeichen ({describe(ch)}) an Stelle {n}. "
                              "Bitte tippen Sie den Namen neu ein.")
        plain = unicodedata.normalize("NFKC", ch)
        if plain != ch and (ch.isalnum() or plain.isalnum()):
            raise NameRefused(f"the name holds {describe(ch)} at position {n}, a special form of '{plain}'; "
                              f"type the plain '{plain}' instead",
                              f"Der Name enthält {describe(ch)} an Stelle {n}, eine Sonderform von „{plain}“. "
                              f"Bitte tippen Sie „{plain}“.")
    for start, word in _words(name):
        scripts = [_script(ch) for ch in word]
        kinds = {s for s in scripts if s}
        if len(kinds) > 1:
            main = max(kinds, key=lambda k: (scripts.count(k), k == "LATIN"))
            at = next(i for i, s in enumerate(scripts) if s and s != main)
            ch = word[at]
            raise NameRefused(f"the word '{word}' mixes {main.title()} letters with {describe(ch)} at position "
                              f"{start + at + 1}, which only looks like a {main.title()} letter; type the word "
                              f"again in {main.title()} letters only",
                              f"Das Wort „{word}“ enthält an Stelle {start + at + 1} {describe(ch)}, das nur wie ein "
                              f"{SCRIPT_DE.get(main, main.title())} Buchstabe aussieht. Bitte tippen Sie das Wort neu ein.")
    if not name:
        raise NameRefused("give the municipality's name, e.g. \"Musterstadt\"",
                          "Bitte geben Sie den Namen der Kommune ein.")
    return name


def _words(name: str) -> list[tuple[int, str]]:
    """(offset, word) of each run of letters and marks."""
    out, start = [], None
    for i, ch in enumerate(name + " "):
        letter = ch.isalpha() or unicodedata.category(ch).startswith("M")
        if letter and start is None:
            start = i
        elif not letter and start is not None:
            out.append((start, name[start:i]))
            start = None
    return out


def town_id(name: str, taken: Callable[[str], bool]) -> str:
    """A URL- and file-safe id for NAME ([a-z0-9-]), transliterated where anyascii can, that
    TAKEN (a folder of towns/, revoked or not) says is free: with a suffix -2, -3 … if not."""
    text = name.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):  # as German ids always were
        text = text.replace(a, b)
    base = re.sub(r"[^a-z0-9]+", "-", anyascii(text).replace("'", "").lower()).strip("-")[:MAX_ID].strip("-")
    base = base or "kommune"
    town, n = base, 2
    while taken(town):
        town, n = f"{base}-{n}", n + 1
    return town


def printable_name(name: str) -> str:
    """The name as the brochure's fonts can print it: NAME itself, or its transliteration
    (Львів → Lviv) for the workbook's Kommune, so that the town's own workbook can be drafted."""
    if unprintable_character(name) is None:
        return name
    latin = normalise(anyascii(name).replace("'", ""))
    return latin if latin and unprintable_character(latin) is None else name
