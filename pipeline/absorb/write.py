"""Writing the changes into the user's sources without damage.

Only what changes is touched: in a Markdown file the changed characters (encoding, byte order
mark and line endings kept); in a CSV file the changed rows, written again in the file's own
dialect (separator, quoting, encoding), every other byte as it was; in a workbook the changed
cells, in the sheet's XML, every other part of the package copied as it was (styles, drop-downs,
comments, widths, hidden sheets); in edition.yaml the value on the key's line, comments and
order kept. Every new file is made in memory first: if anything fails, nothing is written.
Then a copy of each file to be changed goes to FOLDER/.absorb/<time>/ and all files are
replaced at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from pipeline.absorb.mapping import CellEdit, KeyEdit, TextEdit
from pipeline.errors import InputError, Location, error
from pipeline.load import yaml_load
from pipeline.load.sheets import decode_csv

BACKUPS = ".absorb"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _fail(file: str, message: str, hint: str) -> InputError:
    return InputError(error("E-ABSORB-WRITE", Location(file=file), message, hint))


def cell_form(raw: str, old: str, new: str) -> str | None:
    """The new value in the cell's own form: the cell printed as OLD holds RAW. None if the
    printed form cannot be turned back (a value made from several cells)."""
    if raw == old:
        return new
    if raw.casefold() == old.casefold():  # a drop-down value printed capitalised
        return new[:1].lower() + new[1:] if raw[:1].islower() and new[:1].isupper() else new
    inside = list(re.finditer(rf"(?<!\w){re.escape(old)}(?!\w)", raw)) if old.strip() else []
    if len(inside) == 1:  # one line of a cell typed on several lines (Alt+Enter)
        m = inside[0]
        return raw[:m.start()] + new + raw[m.end():]
    at = old.find(raw) if raw else -1
    if at >= 0:  # printed with a unit or label around it: '55,2 %' from '55,2'
        before, after = old[:at], old[at + len(raw):]
        if new.startswith(before) and new.endswith(after):
            return new[len(before):len(new) - len(after) if after else None]
    return None


# -- Markdown and other text files -------------------------------------------------------------

def _encoding(data: bytes) -> str:
    return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"


def apply_text(data: bytes | None, edits: list[TextEdit], file: str) -> bytes:
    if data is None:  # a new file (a typed-over placeholder)
        return "".join(e.new for e in edits).encode("utf-8")
    encoding = _encoding(data)
    text = data.decode(encoding)
    crlf = "\r\n" in text
    last = len(text) + 1
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last:
            raise _fail(file, "two changes overlap in one place", "absorb the edits one file at a time")
        new = e.new.replace("\r\n", "\n")
        text = text[:e.start] + (new.replace("\n", "\r\n") if crlf else new) + text[e.end:]
        last = e.start
    return text.encode(encoding)


# -- CSV ---------------------------------------------------------------------------------------

def apply_csv(data: bytes, edits: list[CellEdit], file: str) -> tuple[bytes, list[CellEdit]]:
    """The file with the edited cells; the edits that could not be written (another form)."""
    text = decode_csv(data, Location(file=file))
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _encoding(data) if _is_utf8(data) else "cp1252"
    lines = text.splitlines(keepends=True)
    first = lines[0] if lines else ""
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ";"
    ending = "\r\n" if first.endswith("\r\n") else "\n"
    spans, records = [], []
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar='"', strict=True)
    start = 0
    for record in reader:
        spans.append((start, reader.line_num))
        records.append(record)
        start = reader.line_num
    header = records[0] if records else []
    failed = []
    changed: dict[int, list[str]] = {}
    for e in edits:
        n = (e.place.row or 0) - 1
        if not 0 < n < len(records) or e.place.column not in header:
            failed.append(e)
            continue
        row = changed.setdefault(n, list(records[n]))
        col = header.index(e.place.column)
        row += [""] * (col + 1 - len(row))
        value = cell_form(row[col], e.old, e.new)
        if value is None:
            failed.append(e)
            continue
        row[col] = value
    out = list(lines)
    for n, row in sorted(changed.items(), reverse=True):
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, quotechar='"', lineterminator=ending).writerow(row)
        a, b = spans[n]
        keep_end = lines[b - 1][len(lines[b - 1].rstrip("\r\n")):]  # the last line's own ending
        new = buf.getvalue()
        if not keep_end:
            new = new[:-len(ending)]
        out[a:b] = [new]
    return "".join(out).encode(encoding), failed


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# -- workbooks ---------------------------------------------------------------------------------

def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = etree.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{S}t")) for si in root.iter(f"{S}si")]


def _cell_value(c, shared: list[str]) -> str:
    kind = c.get("t")
    if kind == "s":
        v = c.findtext(f"{S}v")
        return shared[int(v)] if v is not None else ""
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{S}t"))
    return c.findtext(f"{S}v") or ""


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part name in the package."""
    book = etree.fromstring(z.read("xl/workbook.xml"))
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(f"{S}sheet"):
        target = targets.get(sheet.get(f"{REL}id"), "")
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _heading_key(text: str) -> str:
    return " ".join(str(text).replace("*", " ").split()).casefold()


def find_cell(sheet, shared: list[str], row: int, column: str):
    """The <c> element of a sheet's XML at ROW in the column headed COLUMN (row 1 holds the
    headings); in a key/value sheet (Angabe | Wert) the row whose label is COLUMN, its value."""
    rows = {int(r.get("r")): r for r in sheet.iter(f"{S}row")}
    headings = {}
    for c in rows.get(1, ()):
        ref = re.match(r"([A-Z]+)", c.get("r") or "")
        if ref:
            headings[_heading_key(_cell_value(c, shared))] = ref.group(1)
    cells = {c.get("r"): c for c in rows.get(row, ())}
    letters = headings.get(_heading_key(column))
    if letters is None:
        first = cells.get(f"A{row}")
        if first is None or _heading_key(_cell_value(first, shared)) != _heading_key(column):
            return None
        letters = headings.get("wert", "B")
    return cells.get(f"{letters}{row}")


def apply_xlsx(data: bytes, edits: list[CellEdit], file: str) -> tuple[bytes, list[CellEdit]]:
    """The workbook with the edited cells written into their sheets' XML; every other part of
    the package is copied byte for byte."""
    failed: list[CellEdit] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        shared = _shared_strings(z)
        parts = _sheet_parts(z)
        new_parts: dict[str, bytes] = {}
        by_sheet: dict[str, list[CellEdit]] = {}
        for e in edits:
            by_sheet.setdefault(e.place.sheet or "", []).append(e)
        for sheet, sheet_edits in by_sheet.items():
            part = next((p for name, p in parts.items() if _heading_key(name) == _heading_key(sheet)), None)
            if part is None:
                failed += sheet_edits
                continue
            root = etree.fromstring(z.read(part))
            for e in sheet_edits:
                cell = find_cell(root, shared, e.place.row or 0, e.place.column or "")
                if cell is None:
                    failed.append(e)
                    continue
                value = cell_form(_cell_value(cell, shared), e.old, e.new)
                if value is None:
                    value = _number_form(cell, e.new)
                if value is None:
                    failed.append(e)
                    continue
                _set_cell(cell, value)
            new_parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in z.infolist():
                target.writestr(info, new_parts.get(info.filename, z.read(info.filename)))
    return out.getvalue(), failed


def _number_form(cell, printed: str) -> str | None:
    """A number cell printed the German way ('13.300', '55,2 %'): the number it holds now."""
    if cell.get("t") not in (None, "n"):
        return None
    m = re.search(r"-?[\d.]*\d(,\d+)?", printed)
    if not m:
        return None
    try:
        return format(Decimal(m.group(0).replace(".", "").replace(",", ".")), "f")
    except InvalidOperation:
        return None


def _set_cell(cell, value: str) -> None:
    """The cell holds VALUE: a number stays a number, text becomes an inline string; its style
    (the s attribute: format, drop-down look) is kept."""
    for child in list(cell):
        cell.remove(child)
    if cell.get("t") in (None, "n") and re.fullmatch(r"-?\d+(\.\d+)?", value):
        v = etree.SubElement(cell, f"{S}v")
        v.text = value
        return
    cell.set("t", "inlineStr")
    is_ = etree.SubElement(cell, f"{S}is")
    t = etree.SubElement(is_, f"{S}t")
    t.text = value
    if value != value.strip() or "\n" in value:
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


# -- YAML --------------------------------------------------------------------------------------

def apply_yaml(data: bytes, edits: list[KeyEdit], file: str) -> tuple[bytes, list[KeyEdit]]:
    """Each key's value replaced on its own line; comments, order and every other line kept."""
    encoding = _encoding(data)
    text = data.decode(encoding)
    lines = text.splitlines(keepends=True)
    where = yaml_load.key_lines(text)
    failed = []
    for e in edits:
        path = _key_path(e.place.key or "")
        line = where.get(path)
        if line is None:
            failed.append(e)
            continue
        old = lines[line - 1]
        m = re.match(r"^(\s*(?:- )?(?:[^:#\n]+:\s*)?)(.*?)(\s+#.*)?(\r?\n)?$", old)
        if not m or not m.group(2) or m.group(2).startswith(("|", ">", "[", "{")):
            failed.append(e)
            continue
        value = yaml_value(m.group(2), e.new)
        if value is None:
            failed.append(e)
            continue
        lines[line - 1] = m.group(1) + value + (m.group(3) or "") + (m.group(4) or "")
    return "".join(lines).encode(encoding), failed


_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember")


def yaml_value(raw: str, printed: str) -> str | None:
    """What a scalar written as RAW becomes when it is printed as PRINTED now: a date stays a date,
    text becomes a double-quoted string; None if it cannot be written back."""
    value = _iso_date(raw, printed)
    if value == "":
        return None
    return value if value is not None else json.dumps(printed, ensure_ascii=False)


def _iso_date(raw: str, printed: str) -> str | None:
    """A date key (2012-01-01) printed as „Januar 2012“: the new month and year as a date, its day
    kept. None if RAW is no such date; '' if the printed text is no month and year."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw.strip().strip("'\""))
    if not m:
        return None
    p = re.fullmatch(r"\s*(\w+)\s+(\d{4})\s*", printed)
    if not p or p.group(1) not in _MONTHS:
        return ""
    return f"{p.group(2)}-{_MONTHS.index(p.group(1)) + 1:02d}-{m.group(3)}"


def _key_path(key: str) -> tuple:
    out: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key):
        out.append(int(index) - 1 if index else name)
    return tuple(out)


# -- all files at once ---------------------------------------------------------------------------

def prepare(folder: Path, edits: list) -> tuple[dict[str, bytes], list]:
    """Every changed file's new bytes (relative path → bytes), and the edits that could not be
    written in the cell's or key's own form. Nothing is written here."""
    by_file: dict[str, list] = {}
    for e in edits:
        by_file.setdefault(e.file if isinstance(e, TextEdit) else e.place.file, []).append(e)
    out, failed = {}, []
    for rel, file_edits in sorted(by_file.items()):
        path = folder / rel
        if not path.resolve().is_relative_to(folder.resolve()):
            raise _fail(rel, "the file lies outside the folder", "absorb writes only inside FOLDER")
        data = path.read_bytes() if path.is_file() else None
        if isinstance(file_edits[0], TextEdit):
            out[rel] = apply_text(data, file_edits, rel)
            continue
        if data is None:
            raise _fail(rel, "the file is gone", "build again, then absorb")
        if rel.endswith(".csv"):
            new, bad = apply_csv(data, file_edits, rel)
        elif rel.endswith(".xlsx"):
            new, bad = apply_xlsx(data, file_edits, rel)
        elif rel.endswith((".yaml", ".yml")):
            new, bad = apply_yaml(data, file_edits, rel)
        else:
            new, bad = data, file_edits
        failed += bad
        if new != data:
            out[rel] = new
    return out, failed


def write(folder: Path, files: dict[str, bytes], now: dt.datetime | None = None) -> Path | None:
    """Keep a copy of every file about to change, then replace them all together."""
    from pipeline.write_outputs import write_atomically
    if not files:
        return None
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H-%M-%S")
    backup = folder / BACKUPS / stamp
    n = 1
    while backup.exists():
        n += 1
        backup = folder / BACKUPS / f"{stamp}-{n}"
    existed = []
    for rel in files:
        if (folder / rel).is_file():
            (backup / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / rel, backup / rel)
            existed.append(rel)
    try:
        write_atomically({folder / rel: data for rel, data in files.items()})
    except (InputError, OSError) as exc:
        # some files may be in place already: the copies go back, new files go, the sources are as before
        for rel in files:
            if rel in existed:
                shutil.copy2(backup / rel, folder / rel)
            else:
                (folder / rel).unlink(missing_ok=True)
        why = exc.findings[0].message if isinstance(exc, InputError) else str(exc)
        raise _fail(str(folder), f"the changed sources could not be written ({why}); every file is as it was",
                    "free space or permissions, then absorb again") from None
    return backup
