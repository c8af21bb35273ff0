"""Write small but real edition folders for tests: CSV (UTF-8 or Windows-1252) or .xlsx."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import yaml

EDITION = {
    "template": "halbzeitbilanz",
    "title": "Testausgabe",
    "subtitle": "Halbzeitbilanz",
    "programme": "Modellregionen Integration",
    "publisher": "Hessisches Ministerium",
    "date": "2012-01-01",
    "language": "de-DE",
    "cover_list": "regions",
    "chapters": [
        {"kind": "foreword", "id": "vorwort", "title": "Vorwort", "text": "text/vorwort.md",
         "signature": {"closing": "Ihr", "name": "Jörg-Uwe Hahn", "role": "Staatsminister"}},
        {"kind": "contents", "id": "inhalt", "title": "Inhalt"},
        {"kind": "prose", "id": "konzeption", "title": "Konzeption", "text": "text/konzeption.md"},
        {"kind": "each", "table": "regions", "style": "region", "title": "{chapter_title}",
         "text": "text/regionen/{id}.md", "blocks": ["kennzahlen"]},
        {"kind": "each", "table": "portraits", "style": "portrait", "title": "{title}",
         "running_head": "Projektporträts", "text": "text/portraets/{id}.md"},
        *({"kind": "prose", "id": cid, "title": title, "text": f"text/{cid}.md"}
          for cid, title in (("monitoring", "Monitoring"), ("evaluation", "Evaluation"),
                             ("perspektiven", "Perspektiven des Programms"))),
        {"kind": "imprint", "id": "impressum", "title": "Impressum"},
    ],
    "imprint": [{"heading": "Herausgeber", "lines": ["Hessisches Ministerium", "65183 Wiesbaden"]}],
}

TABLES = {
    "regions": [
        {"id": "kassel", "name": "Stadt Kassel", "kind": "Stadt",
         "chapter_title": "Modellregion Integration Stadt Kassel", "web": "www.stadt-kassel.de"},
        {"id": "offenbach", "name": "Stadt Offenbach", "kind": "Stadt",
         "chapter_title": "Modellregion Integration Stadt Offenbach", "web": ""},
    ],
    "figures": [
        {"region": "offenbach", "label": "Anteil mit Migrationshintergrund", "value": "55,2", "unit": "%",
         "as_of": "31.12.2010", "source": "Melderegister, MigraPro"},
        {"region": "kassel", "label": "Einwohner*innen", "value": "13.300", "unit": "", "as_of": "", "source": ""},
    ],
    "quotes": [
        {"id": "q-kassel", "chapter": "kassel", "section": "Ausgangslage", "speaker": "Bertram Hilgen",
         "role": "Oberbürgermeister", "text": "Kassel ist bunt und lebt Vielfalt."},
    ],
    "contacts": [
        {"id": "c-kassel", "chapter": "kassel", "group": "Programmkoordination", "name": "Peggy Niering",
         "role": "", "organisation": "Zukunftsbüro", "street": "", "postcode": "34117", "city": "Kassel",
         "phone": "0561 - 787-21 32", "fax": "", "email": "peggy.niering@stadt-kassel.de", "web": ""},
        {"id": "c-offenbach", "chapter": "offenbach", "group": "Kontakt", "name": "Ana-Violeta Sacaliuc",
         "role": "", "organisation": "", "street": "Berliner Str. 100", "postcode": "63065",
         "city": "Offenbach am Main", "phone": "069 - 80 65 20 27", "fax": "",
         "email": "Ana-Violeta.Sacaliuc@offenbach.de", "web": ""},
        {"id": "c-lotsen", "chapter": "lotsen", "group": "Ansprechpartner", "name": "Atila Karabörklü",
         "role": "", "organisation": "Türkische Gemeinde Rhein-Main", "street": "", "postcode": "",
         "city": "Frankfurt am Main", "phone": "", "fax": "", "email": "", "web": "www.tg-hessen.de"},
    ],
    "portraits": [
        {"id": "lotsen", "title": "Integrationslotsen im Raum Frankfurt", "subtitle": "",
         "organisation": "Türkische Gemeinde Rhein-Main", "region": "offenbach"},
    ],
    "photos": [
        {"id": "p-kassel", "chapter": "kassel", "section": "Perspektiven", "file": "",
         "caption": "Projektmarktplatz, August 2011", "alt_text": "Menschen an Ständen", "credit": "",
         "width": "column"},
    ],
}

SECTIONS = ("Ausgangslage", "Konzeption und Umsetzung", "Handlungsfelder und Vernetzung", "Perspektiven")

TEXTS = {
    "text/vorwort.md": "Sehr geehrte Damen und Herren,\n\nIntegration ist ein Zukunftsthema.\n",
    **{f"text/{cid}.md": f"Der Text des Kapitels {cid} steht hier.\n"
       for cid in ("konzeption", "monitoring", "evaluation", "perspektiven")},
    "text/portraets/lotsen.md": "Lotsen begleiten Zugewanderte zu Ämtern und Beratungsstellen.\n",
    **{f"text/regionen/{rid}.md": "".join(f"## {s}\n\nText zu {s} in {rid}.\n\n" for s in SECTIONS)
       for rid in ("kassel", "offenbach")},
}


def write_edition(folder: Path, tables: dict | None = None, texts: dict | None = None,
                  edition: dict | None = None, fmt: str = "csv") -> Path:
    """fmt: 'csv' (UTF-8 with BOM), 'cp1252' (German Excel's ANSI CSV) or 'xlsx'."""
    tables = TABLES if tables is None else tables
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "edition.yaml").write_text(yaml.safe_dump(edition or EDITION, allow_unicode=True), encoding="utf-8")
    for rel, text in (TEXTS if texts is None else texts).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    data = folder / "data"
    data.mkdir(exist_ok=True)
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows in tables.items():
            ws = wb.create_sheet(name)
            header = list(rows[0]) if rows else []
            ws.append(header)
            for row in rows:
                ws.append([row.get(h, "") for h in header])
        wb.save(data / "workbook.xlsx")
    else:
        for name, rows in tables.items():
            write_csv(data / f"{name}.csv", rows, "cp1252" if fmt == "cp1252" else "utf-8-sig")
    return folder


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8-sig") -> None:
    buf = io.StringIO()
    header = list(rows[0]) if rows else []
    writer = csv.DictWriter(buf, header, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
