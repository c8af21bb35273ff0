"""A draft folder's photos: `fotos.yaml` names each picture in `fotos/`, the section it belongs
to, its caption and its alt text.

    # fotos.yaml, next to strategie.xlsx
    - datei: rathaus.jpg            # in the folder fotos/
      abschnitt: vorwort            # a section by its text file's name (vorwort, aufgabe, …)
      bildunterschrift: Das Rathaus am Marktplatz
      alternativtext: Das Rathaus, ein Fachwerkhaus mit Uhrturm, von der Straße aus gesehen
    - datei: logo.png
      abschnitt: logo               # the town's logo: at the top of the contact page, 45 mm wide
      alternativtext: Wappen der Stadt Musterstadt

The portal writes the same file when a town uploads a photo. A photo goes after the text of
its section (before the signature of the introductory words).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, Location, Report, error
from pipeline.load import yaml_load
from pipeline.load.input_files import inside, read_bytes, regular_file

PHOTOS_FILE = "fotos.yaml"
LOGO = "logo"  # abschnitt: logo is the town's logo, printed at the top of the contact page
PHOTOS_DIR = "fotos"
KEYS = ("datei", "abschnitt", "bildunterschrift", "alternativtext")


@dataclass
class DraftPhoto:
    index: int  # its place in fotos.yaml, from 0
    file: str  # relative to the draft folder: fotos/<datei>
    section: str  # the section's text file name without .md ('vorwort')
    caption: str
    alt: str

    @property
    def key(self) -> str:
        """Its key path in fotos.yaml, counted from 1 as absorb's YAML writer reads it ('[1]')."""
        return f"[{self.index + 1}]"


def read_photos(folder: Path, sections: list[str], report: Report) -> list[DraftPhoto]:
    """The photos fotos.yaml lists (none without the file); SECTIONS are the names a photo's
    abschnitt may give, besides LOGO. A photo whose file is missing, whose section is unknown
    or that has no alt text is an error naming its entry."""
    sections = [*sections, LOGO]
    where = Location(file=PHOTOS_FILE)
    data = read_bytes(inside(folder, PHOTOS_FILE, where), where, PHOTOS_FILE, yaml_load.MAX_BYTES)
    if data is None:
        return []
    try:
        entries = yaml_load.load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(error("E-ENCODING", where, "file is not UTF-8", "save it as UTF-8 in your editor")) from None
    except yaml_load.YamlProblem as exc:
        raise InputError(error("E-YAML", Location(file=PHOTOS_FILE, row=exc.line), exc.message,
                               "write one entry per photo: '- datei: …' with abschnitt, bildunterschrift "
                               "and alternativtext")) from None
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(error("E-YAML", where, "fotos.yaml must be a list of photos, one '- datei: …' each",
                               "write one entry per photo: '- datei: …' with abschnitt, bildunterschrift "
                               "and alternativtext"))
    photos = []
    for i, entry in enumerate(entries):
        n = i + 1  # entries are named from 1, as in the key paths: '[1].alternativtext'
        at = Location(file=PHOTOS_FILE, column=f"[{n}]")
        values = {k: " ".join(str(entry.get(k) or "").split()) for k in KEYS}
        name, section = values["datei"], values["abschnitt"].removesuffix(".md")
        if section not in sections:
            report.add(error("E-BAD-VALUE", Location(file=PHOTOS_FILE, column=f"[{n}].abschnitt"),
                             f"'{section}' is not a section", "give one of: " + ", ".join(sections),
                             args={"form": "photo-section", "value": section, "known": ", ".join(sections)}))
            continue
        if not values["alternativtext"]:
            report.add(error("E-ALT-TEXT", Location(file=PHOTOS_FILE, column=f"[{n}].alternativtext"),
                             f"photo '{name}' has no alt text",
                             "describe in one sentence what the photo shows, for readers who cannot see it",
                             args={"photo": name}))
            continue
        rel = f"{PHOTOS_DIR}/{name}"
        path = inside(folder, rel, at) if name and "/" not in name and "\\" not in name else None
        if path is None or regular_file(path, at, rel) is None:
            report.add(error("E-MISSING-FILE", Location(file=PHOTOS_FILE, column=f"[{n}].datei"),
                             f"image '{rel}' not found", f"put the photo into the folder {PHOTOS_DIR}/ "
                             "next to the workbook, or correct the file name", args={"form": "photo", "file": rel}))
            continue
        photos.append(DraftPhoto(i, rel, section, values["bildunterschrift"], values["alternativtext"]))
    return photos
