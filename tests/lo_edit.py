"""Run by the system's python3 (it has LibreOffice's `uno`): edit DOCX files the way a person
does in LibreOffice Writer, with change tracking on or off, and save them as DOCX.

    python3 lo_edit.py PROFILE_DIR JOBS.json

JOBS.json: a list of {"in": path, "out": path, "edits": [...]}; an edit is one of
    {"replace": old, "by": new, "track": bool}      the first occurrence of OLD becomes NEW
    {"after": text, "insert": new, "track": bool}   a new paragraph after the one holding TEXT
    {"delete": text, "track": bool}                 the paragraph holding TEXT removed
    {"split": text, "track": bool}                  a new paragraph starts after TEXT
    {"merge": text, "track": bool}                  the paragraph holding TEXT joined with the next
    {"bold" | "italic" | "plain": text, "track": bool}   TEXT made bold, italic, or neither
    {"heading": old, "by": new, "track": bool}      a heading's text (found by its style) changed
    "style": name, with "after": the new paragraph gets this paragraph style (e.g. "Heading 2")
An empty list of edits opens and saves the file unchanged.
"""

import json
import sys

import uno

from lo_uno import office, prop

PARAGRAPH_BREAK = 0


def _find(doc, text):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found in the document: {text!r}")
    return found


def edit(doc, e) -> None:
    doc.RecordChanges = bool(e.get("track"))
    if "replace" in e:
        _find(doc, e["replace"]).setString(e["by"])
    elif "after" in e:
        found = _find(doc, e["after"])
        text = found.getText()
        cursor = text.createTextCursorByRange(found.getEnd())
        cursor.gotoEndOfParagraph(False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        if e.get("style"):
            cursor.ParaStyleName = e["style"]
        text.insertString(cursor, e["insert"], False)
    elif "split" in e:
        found = _find(doc, e["split"])
        found.getText().insertControlCharacter(found.getEnd(), PARAGRAPH_BREAK, False)
    elif "merge" in e:
        found = _find(doc, e["merge"])
        cursor = found.getText().createTextCursorByRange(found.getEnd())
        cursor.gotoEndOfParagraph(False)
        cursor.goRight(1, True)
        cursor.setString(" ")
    elif "bold" in e:
        _find(doc, e["bold"]).CharWeight = 150.0
    elif "italic" in e:
        _find(doc, e["italic"]).CharPosture = 2  # ITALIC
    elif "plain" in e:
        found = _find(doc, e["plain"])
        found.CharWeight, found.CharPosture = 100.0, 0
    elif "heading" in e:
        paragraphs = doc.getText().createEnumeration()
        while paragraphs.hasMoreElements():
            par = paragraphs.nextElement()
            if par.supportsService("com.sun.star.text.Paragraph") and par.ParaStyleName.startswith("Heading") \
                    and par.getString() == e["heading"]:
                par.setString(e["by"])
                break
        else:
            raise SystemExit(f"no heading {e['heading']!r}")
    elif "delete" in e:
        found = _find(doc, e["delete"])
        text = found.getText()
        cursor = text.createTextCursorByRange(found.getStart())
        cursor.gotoStartOfParagraph(False)
        cursor.gotoEndOfParagraph(True)
        cursor.goRight(1, True)  # the paragraph mark: the paragraph goes, not only its text
        cursor.setString("")
    doc.RecordChanges = False


def main(profile: str, jobs_file: str) -> None:
    jobs = json.load(open(jobs_file, encoding="utf-8"))
    with office(profile) as (desktop, _):
        for job in jobs:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["in"]), "_blank", 0, (prop("Hidden", True),))
            for e in job["edits"]:
                edit(doc, e)
            doc.storeToURL(uno.systemPathToFileUrl(job["out"]), (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
