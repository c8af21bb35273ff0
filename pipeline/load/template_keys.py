"""The keys template.yaml and edition.yaml may hold, in one place (see yaml_keys for the notation).

A new setting is added here, or the loader reports it as E-UNKNOWN-KEY (docs/checks.md)."""

from __future__ import annotations

import re

from pipeline.load.yaml_keys import ANY, Choose, Items, ListOr, Named

# A `{column}` in a pattern of template.yaml or edition.yaml: filled by assemble.fill, checked by
# template_check, read by the diff for row labels.
FIELD_PATTERN = re.compile(r"\{(\w+)\}")

# Named blocks (template.yaml and edition.yaml `blocks:`), by their `type`.
BLOCK_KEYS: dict[str, dict] = {
    "box": {"type": ANY, "table": ANY, "title": ANY, "untitled": ANY},
    "cards": {"type": ANY, "table": ANY, "title": ANY, "columns_per_row": ANY, "fields": ANY, "columns": ANY},
    "table": {"type": ANY, "table": ANY, "widths": ANY, "columns": ANY, "fields": ANY},
    "figures": {"type": ANY, "table": ANY, "where": ANY, "title": ANY, "label": ANY, "value": ANY,
                "unit": ANY, "note": ANY, "source": ANY},
}
BLOCK = Choose("type", BLOCK_KEYS)
# The keys of a block whose values are not `{column}` patterns of its table's rows (`where`
# names the table's columns as keys; its values are filled from the chapter's row).
BLOCK_NOT_PATTERNS = ("type", "table", "where", "widths", "columns_per_row")

COLUMN = {"name": ANY, "required": ANY, "kind": ANY, "choices": ANY, "entity": ANY, "ref": ANY}
# A table: its list of columns, or the long form with how the diff names a row.
TABLE = ListOr(COLUMN, {"label": ANY, "noun": ANY, "columns": Items(COLUMN)})
MARGIN = {"top": ANY, "bottom": ANY, "inside": ANY, "outside": ANY}  # as pipeline/load/page.py MARGINS

TEMPLATE_KEYS: dict[str, object] = {
    "format": ANY,  # the type format it is written for (type_migrations.FORMAT)
    "name": ANY,
    "description": ANY,
    "typst": ANY,
    "reference_docx": ANY,
    "page": {"size": ANY, "width": ANY, "height": ANY, "orientation": ANY, "margin": MARGIN, "columns": ANY,
             "column_gap": ANY, "single_column": ANY, "cover": ANY, "chapter_break": ANY},
    "docx_cover": {"band": ANY, "inset_mm": {"x": ANY, "top": ANY}, "lines": ANY},
    "tables": Named(TABLE),
    "blocks": Named(BLOCK),
    "labels": ANY,  # open: a type's brochure.typ may print labels of its own
    "workbook": {
        "file": ANY, "title": ANY, "instructions": ANY, "instructions_cli": ANY, "instructions_portal": ANY,
        "sheets": Items({"key": ANY, "sheet": ANY, "role": ANY, "layout": ANY, "columns": Items({
            "name": ANY, "header": ANY, "required": ANY, "kind": ANY, "choices": ANY, "entity": ANY,
            "example": ANY, "help": ANY, "width": ANY, "list": ANY})}),
    },
    "sections": Items({"id": ANY, "title": ANY, "content": ANY, "hint": ANY, "file": ANY}),
}

# The labels (template.yaml `labels:`) the engine prints by itself; every other label is the
# type's own, read by its Typst files (`L.name`). tests/test_type_mistakes.py holds this list to
# the names the code reads.
ENGINE_LABELS = (
    "as_of", "comment_author", "contact_chapter", "contact_hint", "contacts", "contents", "cover", "credit",
    "draft", "draft_note", "editors", "email", "et_al", "example_mark", "fax", "field", "figures",
    "goals_heading", "missing_chapter", "missing_contact", "missing_section", "missing_text", "no_goals",
    "no_measures", "no_measures_hint", "no_year", "page", "phone", "photo_missing", "population", "share",
    "source", "title", "toc_hint", "vision", "web",
)

# The files template.yaml names, by key: each must exist in the type's folder.
TEMPLATE_FILES = ("typst", "reference_docx")

CHAPTER = {
    "kind": ANY, "id": ANY, "title": ANY, "running_head": ANY, "subtitle": ANY, "text": ANY,
    "pages": ANY, "style": ANY, "table": ANY, "blocks": ANY,
    "profile": ANY,  # labels of the profile header, chosen by the edition
    "signature": {"closing": ANY, "name": ANY, "role": ANY},
}

EDITION_KEYS: dict[str, object] = {
    "template": ANY, "title": ANY, "subtitle": ANY, "programme": ANY, "publisher": ANY, "author": ANY,
    "date": ANY, "date_text": ANY, "language": ANY, "cover_list": ANY, "pages": ANY,
    "footer": ANY,
    "chapters": Items(CHAPTER),
    "imprint": Items({"heading": ANY, "lines": ANY, "text": ANY, "block": ANY}),
    "blocks": Named(BLOCK),
}
