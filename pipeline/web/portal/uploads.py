"""A town's texts and photos, uploaded beside its workbook: each upload is a new version whose
draft folder is the newest version's with the text or photo added, built like any other.

- A text (.md or .docx) becomes the section's text file (vorwort.md …), as `brochure draft`
  reads it; a .docx is turned into Markdown first (texts_upload.py).
- A photo (JPEG or PNG) is checked and written again without metadata (photos_upload.py), kept
  as fotos/foto-<n>.<jpg|png> (the logo as fotos/logo.<jpg|png>, replacing the one before) and
  listed in fotos.yaml with its section, caption and alt text (pipeline/drafts/photos.py reads it).

Nothing from the request becomes a path: the section is looked up among the layout's sections,
and every file name is made here. The form carries the link's CSRF token; the body is counted
while it is read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pipeline.drafts.assemble import section_name
from pipeline.drafts.photos import LOGO, PHOTOS_DIR, PHOTOS_FILE
from pipeline.drafts.workbook_layout import draft_template
from pipeline.web.portal.findings_de import ONE_FILE
from pipeline.web.portal.form_files import too_many_files
from pipeline.web.portal import photos_upload, texts_upload
from pipeline.web.portal.body_limit import BodyTooLarge, limited
from pipeline.web.portal.jobs import Overtime
from pipeline.web.portal.store import Town, Version, now, token_hash, write_bytes, write_json

FIELDS_LIMIT = 20_000  # bytes of the form's text fields (caption and alt text)


def sections() -> list[tuple[str, str, str]]:
    """(name, title, text file) of each section a text or photo can go to, in the draft's order."""
    _, layout = draft_template()
    return [(section_name(s), f"{n}. {s.title}", s.file) for n, s in enumerate(layout.sections, start=1) if s.file]


def photo_places() -> list[tuple[str, str, str]]:
    """Where a photo can go: a section, or the logo (the top of the contact page)."""
    return [*sections(), (LOGO, "Logo der Kommune (auf der Kontaktseite)", "")]


def _problem(message: str, hint: str = "", where: str = "") -> list[dict]:
    return [{"message": message, "hint": hint, "where": where}]


class Extras:
    """The routes for texts and photos; PORTAL is the app's Portal (store, pool, pages)."""

    def __init__(self, portal):
        self.portal = portal

    async def _town_form(self, request: Request):
        """(the town, its posted form), or the page that refuses them: no such town, a form too
        large, malformed or expired."""
        portal, token = self.portal, request.path_params["token"]
        town = portal._town(request)
        if town is None:
            return portal.not_found(request)
        limit = portal.max_upload + 100_000
        too_large = _problem(f"Die Datei ist zu groß: erlaubt sind höchstens {portal.max_upload / 1e6:.0f} MB.",
                             "Verkleinern Sie das Foto in einem Bildprogramm oder teilen Sie den Text auf.")
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return await portal.town_page(request, 413, too_large)
        try:
            form = await Request(request.scope, limited(request.receive, limit)).form(
                max_files=1, max_fields=6, max_part_size=FIELDS_LIMIT)
        except BodyTooLarge:
            return await portal.town_page(request, 413, too_large)
        except Exception as exc:  # a malformed multipart body, or two files in the field
            if too_many_files(exc):
                return await portal.town_page(request, 400, _problem(ONE_FILE.message, ONE_FILE.hint))
            return await portal.town_page(request, 400, _problem("Das Formular war unvollständig.",
                                                                 "Bitte versuchen Sie es noch einmal."))
        if not portal.store.csrf_ok(token_hash(token), form.get("csrf")):
            await form.close()
            return portal.page(request, "error.html", 403, title="Formular abgelaufen",
                               text="Das Formular konnte nicht überprüft werden. Bitte laden Sie die Seite neu "
                                    "und versuchen Sie es noch einmal.", back=f"/t/{token}/")
        return town, form

    async def _file(self, form, field: str) -> tuple[str, bytes] | None:
        upload = form.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None
        return upload.filename, await upload.read()

    async def text(self, request: Request) -> Response:
        portal = self.portal
        got = await self._town_form(request)
        if isinstance(got, Response):
            return got
        town, form = got
        try:
            picked = await self._file(form, "text")
            section = next((s for s in sections() if s[0] == form.get("abschnitt")), None)
        finally:
            await form.close()
        if section is None:
            return await portal.town_page(request, 400, _problem("Bitte wählen Sie den Abschnitt, zu dem der Text gehört."))
        if picked is None or not picked[1]:
            return await portal.town_page(request, 400, _problem("Es wurde keine Datei ausgewählt oder die Datei ist leer.",
                                                                 "Wählen Sie den Text als Word-Datei (.docx) oder "
                                                                 "Markdown-Datei (.md) aus."))
        filename, data = picked
        if len(data) > portal.max_upload:
            return await portal.town_page(request, 413, _problem(
                f"Die Datei ist zu groß: erlaubt sind höchstens {portal.max_upload / 1e6:.0f} MB."))
        name = filename.lower().strip()
        if name.endswith(".docx"):
            answer = await run_in_threadpool(self._in_process, town, texts_upload.docx_markdown, data)
            if "problem" in answer:
                return await portal.town_page(request, 400, _problem(
                    texts_upload.DOCX_PROBLEMS.get(answer["problem"], texts_upload.NOT_DOCX),
                    "Laden Sie den Text als Word-Dokument (.docx) oder als Markdown-Datei (.md) hoch."))
            text = answer["markdown"].encode("utf-8")
            if not text.strip():
                return await portal.town_page(request, 400, _problem("Die Word-Datei enthält keinen Text.",
                                                                     "Prüfen Sie, ob Sie die richtige Datei gewählt haben."))
            info = {"left_out": answer["left_out"]}
        elif name.endswith((".md", ".txt")):
            problem = texts_upload.markdown_problem(data)
            if problem:
                return await portal.town_page(request, 400, _problem(problem))
            text, info = data, {}
        else:
            return await portal.town_page(request, 400, _problem(
                "Bitte laden Sie den Text als Word-Dokument (Endung .docx) oder als Markdown-Datei (Endung .md) hoch.",
                "Speichern Sie den Text in Word als „Word-Dokument (*.docx)“."))
        if len(text) > texts_upload.MAX_TEXT:
            return await portal.town_page(request, 400, _problem("Der Text ist zu lang: höchstens 1 MB."))
        return await self._new_version(request, town, {section[2]: text}, None, {
            "kind": "text", "section": section[1], "filename": filename[:200], "bytes": len(data), **info})

    async def photo(self, request: Request) -> Response:
        portal = self.portal
        got = await self._town_form(request)
        if isinstance(got, Response):
            return got
        town, form = got
        try:
            picked = await self._file(form, "foto")
            section = next((s for s in photo_places() if s[0] == form.get("abschnitt")), None)
            caption = " ".join(str(form.get("bildunterschrift") or "").split())
            alt = " ".join(str(form.get("alternativtext") or "").split())
        finally:
            await form.close()
        problems = []
        if picked is None or not picked[1]:
            problems += _problem("Es wurde kein Foto ausgewählt oder die Datei ist leer.",
                                 "Wählen Sie ein Foto im Format JPEG (.jpg) oder PNG (.png) aus.")
        elif not picked[0].lower().strip().endswith((".jpg", ".jpeg", ".png")):
            problems += _problem("Bitte laden Sie ein Foto im Format JPEG (.jpg) oder PNG (.png) hoch.",
                                 "Andere Formate (z. B. SVG, GIF, PDF oder HEIC) speichern Sie in einem "
                                 "Bildprogramm als JPEG.")
        elif len(picked[1]) > photos_upload.MAX_PHOTO_BYTES:
            problems += _problem(f"Das Foto ist zu groß: erlaubt sind höchstens "
                                 f"{photos_upload.MAX_PHOTO_BYTES / 1e6:.0f} MB.",
                                 "Verkleinern Sie es in einem Bildprogramm.")
        if section is None:
            problems += _problem("Bitte wählen Sie den Abschnitt, in dem das Foto erscheinen soll.")
        if not alt:
            problems += _problem("Bitte geben Sie einen Alternativtext ein.",
                                 "Beschreiben Sie in einem Satz, was das Foto zeigt, für Menschen, die es nicht sehen "
                                 "können (z. B. mit einem Vorleseprogramm).")
        if len(alt) > photos_upload.MAX_TEXT or len(caption) > photos_upload.MAX_TEXT:
            problems += _problem(f"Bildunterschrift und Alternativtext dürfen je höchstens "
                                 f"{photos_upload.MAX_TEXT} Zeichen lang sein.")
        if problems:
            return await portal.town_page(request, 400, problems)
        answer = await run_in_threadpool(self._in_process, town, photos_upload.clean_picture, picked[1])
        if "problem" in answer:
            return await portal.town_page(request, 400, _problem(
                photos_upload.PROBLEMS.get(answer["problem"], photos_upload.PROBLEMS["broken"]).format(
                    mp=photos_upload.MAX_PIXELS // 1_000_000)))
        entry = {"abschnitt": section[0], "bildunterschrift": caption, "alternativtext": alt}
        return await self._new_version(request, town, {}, (answer["data"], answer["ext"], entry), {
            "kind": "foto", "section": section[1], "filename": picked[0][:200], "bytes": len(picked[1])})

    async def remove_photo(self, request: Request) -> Response:
        """A photo (or the logo) of the newest version left out of a new version."""
        portal = self.portal
        got = await self._town_form(request)
        if isinstance(got, Response):
            return got
        town, form = got
        await form.close()
        number = str(form.get("foto") or "")
        listed = newest_photos(portal.store, town)
        if not number.isdigit() or not 1 <= int(number) <= len(listed):  # the page offers 1 … len
            return await portal.town_page(request, 400, _problem("Dieses Foto gibt es im neuesten Entwurf nicht mehr.",
                                                                 "Laden Sie die Seite neu."))
        return await self._new_version(request, town, {}, None, {"kind": "foto-entfernt",
                                                                 "section": listed[int(number) - 1]["section"]},
                                       remove=int(number) - 1)

    def _in_process(self, town: Town, target, data: bytes) -> dict:
        """TARGET(path of DATA) in a process of its own (a hostile file costs that process)."""
        work = Path(tempfile.mkdtemp(prefix=".hochladen-", dir=town.folder))
        try:
            (work / "upload").write_bytes(data)
            try:
                return self.portal.pool.run_once(target, str(work / "upload"))
            except Overtime:
                return {"problem": "broken"}
            except RuntimeError:  # the process failed on the file (its traceback is in the server's log)
                return {"problem": "broken"}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    async def _new_version(self, request: Request, town: Town, texts: dict[str, bytes],
                           photo: tuple[bytes, str, dict] | None, info: dict, remove: int | None = None) -> Response:
        portal, token = self.portal, request.path_params["token"]
        if portal.pool.full():
            return portal.page(request, "error.html", 503, title="Bitte später noch einmal",
                               text="Gerade werden sehr viele Entwürfe erstellt. Bitte versuchen Sie es in "
                                    "einigen Minuten noch einmal.", back=f"/t/{token}/")
        async with portal._town_lock(town):
            version = await run_in_threadpool(derived_version, portal.store, town, texts, photo, info, remove)
        if version is None:
            return await portal.town_page(request, 400, _problem(
                "Laden Sie zuerst die ausgefüllte Arbeitsmappe hoch.",
                "Texte und Fotos kommen zu einem Entwurf hinzu; der Entwurf entsteht aus der Arbeitsmappe."))
        portal.pool.submit(version)
        return RedirectResponse(f"/t/{token}/v/{version.number}", status_code=303)


def derived_version(store, town: Town, texts: dict[str, bytes], photo: tuple[bytes, str, dict] | None,
                    info: dict, remove: int | None = None) -> Version | None:
    """The next version: the newest version's draft folder with TEXTS (file name → bytes) and
    PHOTO (bytes, extension, its fotos.yaml entry) added, or the photo at index REMOVE of its
    fotos.yaml left out (entry and file), made beside the versions and moved into place whole;
    None if the town has no version yet."""
    versions = store.versions(town)
    if not versions:
        return None
    base = versions[-1]
    work = Path(tempfile.mkdtemp(prefix=".neu-", dir=town.folder))
    try:
        folder = work / town.id
        shutil.copytree(base.input_folder, folder, ignore=shutil.ignore_patterns(".*"))
        for name, data in texts.items():
            write_bytes(folder / name, data)
        if remove is not None:
            listed = _photo_list(folder / PHOTOS_FILE)
            if 0 <= remove < len(listed):
                gone = listed.pop(remove)
                name = str(gone.get("datei") or "")
                if name and name not in {str(e.get("datei")) for e in listed} and "/" not in name and "\\" not in name \
                        and not name.startswith("."):
                    (folder / PHOTOS_DIR / name).unlink(missing_ok=True)
                _write_photo_list(folder, listed)
        if photo is not None:
            data, ext, entry = photo
            listed = _photo_list(folder / PHOTOS_FILE)
            if entry["abschnitt"] == LOGO:  # a town has one logo: the new one replaces it
                for old in (folder / PHOTOS_DIR).glob("logo.*"):
                    old.unlink()
                listed = [e for e in listed if e.get("abschnitt") != LOGO]
                name = f"logo.{ext}"
            else:
                taken = {p.name for p in (folder / PHOTOS_DIR).glob("*")} if (folder / PHOTOS_DIR).is_dir() else set()
                n = 1
                while any(f"foto-{n}.{e}" in taken for e in ("jpg", "png")):
                    n += 1
                name = f"foto-{n}.{ext}"
            write_bytes(folder / PHOTOS_DIR / name, data)
            listed.append({"datei": name, **entry})
            _write_photo_list(folder, listed)
        version = store._next_version(town)
        os.replace(folder, version.input_folder)
        write_json(version.folder / "upload.json", {"uploaded": now(), "base": base.number, **info})
        return version
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_photo_list(folder: Path, listed: list[dict]) -> None:
    write_bytes(folder / PHOTOS_FILE, (
        "# Fotos des Entwurfs (vom Strategie-Portal geschrieben): Datei im Ordner fotos/, Abschnitt,\n"
        "# Bildunterschrift und Alternativtext\n" + yaml.safe_dump(listed, allow_unicode=True, sort_keys=False,
                                                                   width=1000)).encode("utf-8"))


def _photo_list(path: Path) -> list[dict]:
    """The photos fotos.yaml lists now (the portal wrote it; a broken one is started anew)."""
    if not path.is_file():
        return []
    from pipeline.load import yaml_load
    try:
        entries = yaml_load.load(path.read_text(encoding="utf-8-sig"))
    except (yaml_load.YamlProblem, UnicodeDecodeError):
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def newest_photos(store, town: Town) -> list[dict]:
    """The photos in the draft folder of the town's newest version, for its page."""
    versions = store.versions(town)
    if not versions:
        return []
    titles = {name: title for name, title, _ in photo_places()}
    return [{"caption": str(e.get("bildunterschrift") or ""), "alt": str(e.get("alternativtext") or ""),
             "section": titles.get(str(e.get("abschnitt")), str(e.get("abschnitt")))}
            for e in _photo_list(versions[-1].input_folder / PHOTOS_FILE)]

