"""Whether an uploaded workbook is the uploading town's own: the Kommune in sheet Stammdaten.

A town that uploads another town's workbook (Eschwege uploading Musterhausen's) would get a
draft whose cover names the other town. The portal refuses such an upload with the cell that
names the other town, unless the town confirms it means to use it. Names are compared as
people write them: „Stadt Eschwege“, „Eschwege, Stadt“ and „ESCHWEGE“ are Eschwege;
„Groß-Neudorf“ is „Gross Neudorf“; „Neustadt“ is „Neustadt am Main“.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from anyascii import anyascii

from pipeline.errors import Finding, Location, error
from pipeline.load.input_files import is_zip_bomb
from pipeline.load.ooxml_kind import transitional
from pipeline.load.sheets import MAX_RATIO, MAX_UNPACKED

KINDS = ("stadt", "gemeinde", "kreisstadt", "grosse kreisstadt", "landkreis", "kreis", "markt", "marktgemeinde",
         "flecken", "universitaetsstadt", "hansestadt", "kreisfreie stadt", "samtgemeinde", "verbandsgemeinde")
FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
CONFIRM = "andere_kommune"  # the upload form's field confirming another town's workbook
MAX_ROWS = 200  # Stammdaten has about 15 rows; a few hundred are read at most


def words(name: str) -> list[str]:
    """A municipality's name as comparable words: case, umlauts, hyphens, its kind („Stadt“)
    and an added note („(Hessen)“, „, Stadt“) set aside."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().translate(FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = anyascii(text).replace("'", "").lower()  # Львів is Lviv (the soft sign as nothing): other scripts compare by their letters
    text = re.sub(r"\([^)]*\)", " ", text).split(",")[0]
    tokens = re.findall(r"[a-z0-9]+", text)
    for kind in sorted(KINDS, key=len, reverse=True):  # „Große Kreisstadt“ before „Kreisstadt“
        k = kind.split()
        if tokens[:len(k)] == k and len(tokens) > len(k):
            tokens = tokens[len(k):]
            break
    return tokens


def same_town(a: str, b: str) -> bool:
    x, y = words(a), words(b)
    if not x or not y:
        return True  # nothing to compare: an empty Kommune is the check's finding, not this one
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return long[:len(short)] == short


def stammdaten_town(data: bytes, layout) -> tuple[str, Location] | None:
    """The Kommune typed in the workbook's master sheet and its cell, or None if the file cannot
    be read this way (then the usual checks report it)."""
    master = layout.by_role("master")
    if master is None:
        return None
    header = next((c.header for c in master.columns if c.name == "municipality"), None)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if is_zip_bomb(sum(i.file_size for i in infos), max(1, sum(i.compress_size for i in infos)),
                           MAX_UNPACKED, MAX_RATIO):
                return None
        from openpyxl import load_workbook
        data = transitional(data) or data  # a 'Strict Open XML' workbook: the usual namespaces
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook: precheck and the reader say so in their words
        return None
    try:
        sheet = next((book[n] for n in book.sheetnames if _key(n) == _key(master.title)), None)
        if sheet is None or header is None:
            return None
        rows = sheet.iter_rows(min_row=1, max_row=MAX_ROWS, values_only=True)
        first = next(rows, ())
        head = [_key(v) for v in first]
        if "angabe" not in head or "wert" not in head:
            return None
        label_at, value_at = head.index("angabe"), head.index("wert")
        for number, row in enumerate(rows, start=2):
            if len(row) > max(label_at, value_at) and _key(row[label_at]) == _key(header):
                value = row[value_at]
                text = "" if value is None else str(value).strip()
                return text, Location(file="strategie.xlsx", sheet=sheet.title, row=number,
                                      column=str(first[value_at]).strip())
        return None
    finally:
        book.close()


def _key(text: object) -> str:
    return " ".join(str(text or "").replace("*", " ").split()).casefold()


def other_town(data: bytes, town: str, layout) -> Finding | None:
    """E-OTHER-TOWN if the workbook's Kommune names another town than TOWN."""
    found = stammdaten_town(data, layout)
    if found is None or same_town(found[0], town):
        return None
    name, where = found
    return error("E-OTHER-TOWN", where,
                 f"the workbook belongs to '{name}', not to {town}: its Kommune in sheet '{where.sheet}' names "
                 "another town", f"upload {town}'s own workbook, or correct the name in that cell if it is yours",
                 args={"kommune": name, "town": town})
