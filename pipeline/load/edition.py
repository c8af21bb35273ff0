"""Load an edition folder's metadata (edition.yaml) and its brochure type (templates/<type>/)."""

from __future__ import annotations

import datetime as dt  # noqa: F401  (Edition.date)
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.load.type_migrations import migration_findings
from pipeline.load import template_check, type_folders
from pipeline.load import yaml_load
from pipeline.errors import InputError, Location, error
from pipeline.load.footer import footer_line
from pipeline.load.german import parse_date
from pipeline.load.input_files import read_bytes
from pipeline.load import address_chars
from pipeline.load.text import refuse_unprintable
from pipeline.load.records import SCHEMAS, Column, TableInfo, parse_schemas, parse_table_info
from pipeline.load.page import parse_page
from pipeline.load.spec import Spec, load_spec
from pipeline.tree import Page

EDITION_FILE = "edition.yaml"
TEMPLATE_FILE = "template.yaml"
_THEME_COLOUR = re.compile(r'#let\s+([a-z-]+)\s*=\s*rgb\("(#[0-9a-fA-F]{6})"\)')
_OUTLINE_DEPTH = re.compile(r"#outline\([^)]*depth:\s*(\d+)")
CHAPTER_KINDS = ("foreword", "contents", "prose", "each", "bibliography", "imprint")
MAX_PAGES = 2_000  # per edition or chapter: Typst would try to allocate them all
MAX_TITLE = 300  # characters of a title, subtitle or running head


@dataclass
class Template:
    name: str
    folder: Path
    labels: dict[str, str]
    typst: list[Path]  # Typst source files, joined in this order (a shared library first)
    reference_docx: Path
    spec: Spec = field(default_factory=Spec)
    raw: dict = field(default_factory=dict)
    schemas: dict[str, tuple[Column, ...]] = field(default_factory=lambda: dict(SCHEMAS))
    blocks: dict[str, dict] = field(default_factory=dict)  # named generated blocks (boxes, cards, tables)
    tables: dict[str, TableInfo] = field(default_factory=dict)  # how the diff names a declared table's rows
    page: Page = field(default_factory=Page)  # template.yaml `page:` (size and margins, mm)

    @property
    def theme(self) -> dict[str, str]:
        """The colours the type's Typst files define (`#let accent = rgb("#17477e")`), for charts."""
        found: dict[str, str] = {}
        for path in self.typst:
            if path.is_file():
                found.update(_THEME_COLOUR.findall(path.read_text(encoding="utf-8")))
        return found

    @property
    def toc_depth(self) -> int:
        """How many heading levels the printed contents lists (`#outline(depth: 2)` in the
        type's Typst files), so the Word contents lists the same; 2 when none is given."""
        for path in self.typst:
            if path.is_file() and (m := _OUTLINE_DEPTH.search(path.read_text(encoding="utf-8"))):
                return int(m.group(1))
        return 2

    def shown(self, file: str = TEMPLATE_FILE) -> str:
        """How findings name FILE of this type: templates/<type>/…, or an outside type's real path."""
        return type_folders.shown(self.folder / file)

    @property
    def docx_cover(self) -> dict:
        """The Word cover's layout (template.yaml `docx_cover`; docs/templates.md)."""
        return dict(self.raw.get("docx_cover") or {})

    def figure_width_mm(self, width: str) -> float:
        """Printed width of a photo or chart placed 'column' or 'full' (spec.yaml photos.width_mm);
        the page's text width when the spec gives none."""
        return float(self.spec.width_mm.get(width) or self.page.text_width_mm)

    def chart_width_mm(self, width: str, kind: str) -> float:
        """Width a chart placed WIDTH is drawn at in a chapter of KIND: a 'column' chart in a
        chapter of several columns is drawn at the column's width, so its text keeps its size."""
        return chart_width_mm(self.page, self.figure_width_mm(width), width, kind)


def chart_width_mm(page: Page, figure_mm: float, width: str, kind: str) -> float:
    """FIGURE_MM (the type's width for pictures placed WIDTH), narrowed to one column where a
    'column' chart stands in a chapter of KIND set in several columns."""
    if width == "full" or page.columns_of(kind) == 1:
        return figure_mm
    return min(figure_mm, page.column_width_mm)


@dataclass
class Edition:
    folder: Path
    name: str
    template: Template
    title: str
    subtitle: str
    programme: str
    publisher: str
    author: str
    date: dt.date
    language: str
    cover_list: str
    chapters: list[dict]
    imprint: list[dict]
    pages: int | None = None  # exact page count required for this edition (print planning)
    blocks: dict[str, dict] = field(default_factory=dict)  # named blocks of this edition (over the type's)
    date_text: str = ""  # printed instead of 'Monat Jahr' when set
    footer: str = ""  # one line of plain text in every page footer, beside the page number (footer.py)
    source_file: str = EDITION_FILE  # where findings about generated content point (a draft: its workbook)
    # The text inputs as the loaders read them (path in the folder → bytes): the checks and the
    # manifest use these bytes instead of reading the files again.
    files: dict[str, bytes] = field(default_factory=dict)


def _yaml(path: Path, rel: str, keep: dict[str, bytes] | None = None) -> dict:
    where = Location(file=rel)
    data = read_bytes(path, where, rel, yaml_load.MAX_BYTES)
    if data is None:
        raise InputError(error("E-MISSING-FILE", where, "file not found", f"create {rel}; see docs/inputs.md"))
    if keep is not None:
        keep[rel] = data
    try:
        data = yaml_load.load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(error("E-ENCODING", where, "file is not UTF-8",
                               "save it as UTF-8 in your editor")) from None
    except yaml_load.YamlProblem as exc:
        code = "E-TOO-LARGE" if exc.too_large else "E-YAML"
        raise InputError(error(code, Location(file=rel, row=exc.line), f"refused: {exc.message}",
                               "write plain keys and values as in docs/inputs.md")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(error("E-YAML", Location(file=rel, row=mark.line + 1 if mark else None),
                               f"not valid YAML: {getattr(exc, 'problem', exc)}",
                               "check indentation and put texts containing ':' in quotes")) from None
    if not isinstance(data, dict):
        raise InputError(error("E-YAML", Location(file=rel), "expected a mapping of keys to values",
                               "see docs/inputs.md for the structure"))
    return data


def _check_strings(node: object, key: str) -> None:
    """Every text of edition.yaml must be printable, like every cell and Markdown line."""
    if isinstance(node, dict):
        for k, v in node.items():
            _check_strings(v, f"{key}.{k}" if key else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node, start=1):
            _check_strings(v, f"{key}[{n}]")
    elif isinstance(node, str):
        address_chars.refuse(node, Location(file=EDITION_FILE, column=key))
        refuse_unprintable(node, Location(file=EDITION_FILE, column=key))


def _shape(data: dict) -> None:
    """The structure docs/inputs.md describes: lists where lists belong, mappings in them."""
    def bad(key: str, want: str, got: object) -> InputError:
        kind = {list: "list", dict: "mapping", str: "text"}.get(type(got), type(got).__name__)
        return InputError(error("E-BAD-VALUE", Location(file=EDITION_FILE, column=key),
                                f"'{key}' must be {want}, not a {kind}", "see docs/inputs.md for its form"))
    imprint = data.get("imprint")
    if imprint is not None and not isinstance(imprint, list):
        raise bad("imprint", "a list of entries (- heading: …, lines: […])", imprint)
    for n, item in enumerate(imprint or [], start=1):
        if not isinstance(item, dict):
            raise bad(f"imprint[{n}]", "an entry with heading and lines", item)
        if item.get("lines") is not None and not isinstance(item["lines"], list):
            raise bad(f"imprint[{n}].lines", "a list of lines", item["lines"])
        for k in ("heading", "text", "block"):
            if isinstance(item.get(k), (list, dict)):
                raise bad(f"imprint[{n}].{k}", "a text", item[k])
    if data.get("blocks") is not None and not isinstance(data["blocks"], dict):
        raise bad("blocks", "a mapping of block names", data["blocks"])
    chapters = data.get("chapters")
    if chapters is not None and not isinstance(chapters, list):
        raise InputError(error("E-BAD-CHAPTER", Location(file=EDITION_FILE, column="chapters"),
                               f"'chapters' must be a list of chapters, not {chapters!r}"[:200],
                               "write one '- kind: …' entry per chapter; see docs/inputs.md"))
    seen: dict[str, int] = {}
    for n, ch in enumerate(chapters or [], start=1):
        if not isinstance(ch, dict):
            continue  # reported with its kind below
        if ch.get("signature") is not None and not isinstance(ch["signature"], dict):
            raise bad(f"chapters[{n}].signature", "an entry with closing, name and role", ch["signature"])
        for k in ("title", "running_head", "subtitle"):
            value = ch.get(k)
            if isinstance(value, (list, dict)):
                raise bad(f"chapters[{n}].{k}", "a text", value)
            if value is not None and len(str(value)) > MAX_TITLE:
                raise InputError(error("E-TOO-LARGE", Location(file=EDITION_FILE, column=f"chapters[{n}].{k}"),
                                       f"the {k.replace('_', ' ')} has {len(str(value))} characters; at most {MAX_TITLE}",
                                       "shorten it; put the rest into the chapter's text"))
        cid = ch.get("id")
        if cid is not None:
            if str(cid) in seen:
                raise InputError(error("E-DUPLICATE-ID", Location(file=EDITION_FILE, column=f"chapters[{n}].id"),
                                       f"chapter id '{cid}' is used by chapters {seen[str(cid)]} and {n}",
                                       "give every chapter its own id"))
            seen[str(cid)] = n


def load_template(name: str) -> Template:
    """Type NAME: from the BROCHURE_TEMPLATES folder if it has one of that name, else the shipped one."""
    # a plain name only: the type's Typst files run, so they must come from a types' folder, not from an edition
    folder = type_folders.find(name) if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) else None
    if folder is None:
        raise InputError(error("E-UNKNOWN-TEMPLATE", Location(file=EDITION_FILE, column="template"),
                               f"brochure type '{name}' does not exist",
                               "use one of: " + ", ".join(type_folders.known())))
    rel = type_folders.shown(folder)
    with template_check.lines_for({f"{rel}/{TEMPLATE_FILE}": folder / TEMPLATE_FILE, f"{rel}/spec.yaml": folder / "spec.yaml"}):
        return _load_template(name, folder, rel)


def _load_template(name: str, folder: Path, type_rel: str) -> Template:
    rel = f"{type_rel}/{TEMPLATE_FILE}"
    if findings := template_check.own_file_findings(folder, type_rel):
        raise InputError(findings)  # read nothing a link out of the type's folder points to
    raw = _yaml(folder / TEMPLATE_FILE, rel)
    if findings := migration_findings(raw, folder, rel):
        raise InputError(findings)  # an older type: what replaced what, before any other complaint
    if findings := template_check.template_keys(raw, folder / TEMPLATE_FILE, rel):
        raise InputError(findings)  # before the tables are read: a misspelt column key is named with its line
    schemas = {**SCHEMAS, **parse_schemas(raw.get("tables"), rel)}
    if findings := template_check.check_template(raw, folder, rel, schemas):
        raise InputError(findings)
    typst = raw.get("typst", "brochure.typ")
    return Template(name=name, folder=folder, labels=dict(raw.get("labels", {})),
                    typst=[type_folders.typst_file(folder, t) for t in (typst if isinstance(typst, list) else [typst])],
                    reference_docx=folder / raw.get("reference_docx", "reference.docx"),
                    spec=load_spec(folder, schemas), raw=raw, schemas=schemas,
                    blocks=dict(raw.get("blocks") or {}), tables=parse_table_info(raw.get("tables")),
                    page=parse_page(raw.get("page"), rel))


def _required(data: dict, key: str) -> object:
    value = data.get(key)
    if value in (None, "", []):
        raise InputError(error("E-MISSING-KEY", Location(file=EDITION_FILE, column=key),
                               f"'{key}' is missing", f"add '{key}: …' to {EDITION_FILE}; see docs/inputs.md"))
    return value


def _text(data: dict, key: str, required: bool = False) -> str:
    """A text value of edition.yaml; a list or mapping there is a mistake, not text."""
    value = _required(data, key) if required else data.get(key)
    if isinstance(value, (list, dict)):
        raise InputError(error("E-BAD-VALUE", Location(file=EDITION_FILE, column=key),
                               f"'{key}' must be a text, not a {'list' if isinstance(value, list) else 'mapping'}",
                               f"write it on one line: {key}: …; put it in quotes if it contains ':'"))
    return "" if value is None else str(value)


def load_edition(folder: Path) -> Edition:
    folder = Path(folder)
    with template_check.lines_for({EDITION_FILE: folder / EDITION_FILE}):
        return _load_edition(folder)


def _load_edition(folder: Path) -> Edition:
    if not folder.is_dir():
        raise InputError(error("E-NO-EDITION", Location(file=str(folder)), "edition folder not found",
                               "pass the folder that contains edition.yaml, e.g. inputs/halbzeitbilanz-2012"))
    files: dict[str, bytes] = {}
    data = _yaml(folder / EDITION_FILE, EDITION_FILE, files)
    if findings := template_check.edition_keys(data, folder / EDITION_FILE, EDITION_FILE):
        raise InputError(findings)
    _check_strings(data, "")
    _shape(data)
    for key in ("title", "subtitle", "programme"):
        if data.get(key) is not None and len(str(data[key])) > MAX_TITLE:
            raise InputError(error("E-TOO-LARGE", Location(file=EDITION_FILE, column=key),
                                   f"'{key}' has {len(str(data[key]))} characters; at most {MAX_TITLE}", "shorten it"))
    try:
        date = parse_date(_required(data, "date"))
    except ValueError:
        raise InputError(error("E-BAD-VALUE", Location(file=EDITION_FILE, column="date"),
                               f"'{data['date']}' is not a date", "write the date as 2012-01-31",
                               args={"form": "not-a-day", "value": data["date"]})) from None
    chapters = _required(data, "chapters")
    for n, ch in enumerate(chapters, start=1):
        kind = ch.get("kind") if isinstance(ch, dict) else None
        if kind not in CHAPTER_KINDS:
            raise InputError(error("E-BAD-CHAPTER", Location(file=EDITION_FILE, column=f"chapters[{n}]"),
                                   f"chapter {n} has no valid 'kind' (got {kind!r})",
                                   "use one of: " + ", ".join(CHAPTER_KINDS)))
        _page_count(ch.get("pages"), f"chapters[{n}].pages")
    template = load_template(_text(data, "template", True))
    if findings := template_check.check_edition(data, folder / EDITION_FILE, EDITION_FILE, template.schemas,
                                                      template.blocks, type_folders.shown(template.folder / TEMPLATE_FILE)):
        raise InputError(findings)
    return Edition(
        folder=folder, name=folder.name,
        template=template,
        title=_text(data, "title", True), subtitle=_text(data, "subtitle"),
        programme=_text(data, "programme"), publisher=_text(data, "publisher", True),
        author=_text(data, "author") or _text(data, "publisher"), date=date,
        language=_text(data, "language") or "de-DE", cover_list=_text(data, "cover_list"),
        chapters=chapters, imprint=list(data.get("imprint", [])),
        pages=_page_count(data.get("pages"), "pages"), blocks=dict(data.get("blocks") or {}),
        date_text=str(data.get("date_text") or ""), footer=footer_line(data, EDITION_FILE), files=files,
    )


def _page_count(value: object, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
        raise InputError(error("E-BAD-VALUE", Location(file=EDITION_FILE, column=key),
                               f"'{key}' must be a whole number of pages from 1 to {MAX_PAGES}, got {value!r}"[:200],
                               "write e.g. 'pages: 4', or delete the line"))
    return value
