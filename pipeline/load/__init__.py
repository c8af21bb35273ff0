"""Load: an edition folder → its settings, its brochure type and typed records.

Reads edition.yaml and templates/<type>/ (checked key by key when they load), the tables
(.xlsx or German-Excel .csv) and the Markdown chapters; nothing here lays anything out."""

from pipeline import lazy_exports

# Imported on first use, so loading one stage never loads another's libraries.
__getattr__, __all__ = lazy_exports(__name__, {
    "load_edition": "edition",
    "load_template": "edition",
    "read_tables": "sheets",
    "validate": "records",
})
