"""A town's versions: a name of its own, deletion after a confirmation, and a Word file with
tracked changes between two of them.

    DIR/towns/<id>/versions/<n>/name.json  {"name": …, "named": …}: the name the town gave it
    DIR/towns/<id>/deleted.json            {"highest": n}: the highest number deleted, so a
                                           number is never given to another upload

Every form posts a CSRF token bound to the town's link; a version is an integer looked up in
the town's own folder (Store.version), so one town never reaches another's. A deleted version's
folder is first renamed (it leaves the list at once, whole), then removed; the copy of its text
sources the build kept for the Word round trip (source_history) goes too, unless another
version holds the same sources.
"""

from __future__ import annotations

import os
import secrets
import shutil
import unicodedata

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.errors import InputError
from pipeline.web.portal.access_log import town_home
from pipeline.web.portal.body_limit import limited
from pipeline.web.portal.store import Store, Version, read_json, write_json, now, token_hash

NAME_FILE = "name.json"
DELETED_FILE = "deleted.json"
MAX_NAME = 120  # characters: „Stand nach Ausschusssitzung vom 12. März“ needs far fewer
MAX_FORM = 10_000  # bytes of a posted name or confirmation
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def version_name(version: Version) -> str:
    return str((read_json(version.folder / NAME_FILE) or {}).get("name", ""))


def clean_name(raw: object) -> str:
    """One line of text: control and format characters out, spaces collapsed, cut at MAX_NAME."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(raw or ""))
    return " ".join(text.split())[:MAX_NAME].strip()


def set_name(version: Version, name: str) -> None:
    if name:
        write_json(version.folder / NAME_FILE, {"name": name, "named": now()})
    else:
        (version.folder / NAME_FILE).unlink(missing_ok=True)


def highest_deleted(town) -> int:
    value = (read_json(town.folder / DELETED_FILE) or {}).get("highest", 0)
    return value if isinstance(value, int) else 0


def delete_version(store: Store, version: Version) -> None:
    """Remove VERSION's folder from the data folder, and the kept copy of its sources if no
    other version has the same; its number is never used again."""
    from pipeline.runner import source_state
    town = version.town
    try:
        state = source_state(version.input_folder)
    except OSError:
        state = ""
    write_json(town.folder / DELETED_FILE, {"highest": max(highest_deleted(town), version.number)})
    trash = town.folder / f".geloescht-{version.number}-{secrets.token_hex(4)}"
    os.replace(version.folder, trash)  # out of the list at once, and whole
    shutil.rmtree(trash)
    for left in town.folder.glob(".geloescht-*"):  # what an interrupted deletion left
        shutil.rmtree(left, ignore_errors=True)
    if state:
        _forget_sources(store, state)


def _forget_sources(store: Store, state: str) -> None:
    from pipeline import source_history
    from pipeline.runner import source_state
    kept = source_history.find(state)
    if kept is None:
        return
    for town in store.towns():
        for v in store.versions(town):
            try:
                if v.input_folder.is_dir() and source_state(v.input_folder) == state:
                    return
            except OSError:
                continue
    shutil.rmtree(kept, ignore_errors=True)


def label(portal, version: Version) -> str:
    """„Version 3 „Stand nach Ausschusssitzung“ vom 07.12.2026, 13:11 Uhr“."""
    uploaded = portal.store.uploaded(version).get("uploaded", "")
    when = portal.templates.env.filters["date"](uploaded) if uploaded else ""
    name = version_name(version)
    return f"Version {version.number}" + (f" „{name}“" if name else "") + (f" vom {when}" if when else "")


class Versions:
    """The routes for naming, deleting and the redline; PORTAL is the app's Portal."""

    def __init__(self, portal):
        self.portal = portal

    def routes(self) -> list[Route]:
        return [
            Route("/t/{token}/v/{n:int}/name", self.rename, methods=["POST"]),
            Route("/t/{token}/v/{n:int}/loeschen", self.confirm_delete, methods=["GET"]),
            Route("/t/{token}/v/{n:int}/loeschen", self.delete, methods=["POST"]),
            Route("/t/{token}/vergleich.docx", self.redline),
        ]

    async def _form(self, request: Request):
        """The posted form, or None when its CSRF token is not this link's, or it is far larger
        than a name and a token (counted while it is read, not trusted from Content-Length)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_FORM:
            return None
        try:
            form = await Request(request.scope, limited(request.receive, MAX_FORM)).form(
                max_files=0, max_fields=4, max_part_size=2_000)
        except Exception:  # too large, or not a form
            return None
        token = request.path_params["token"]
        ok = self.portal.store.csrf_ok(token_hash(token), form.get("csrf"))
        return form if ok else None

    def _expired(self, request: Request) -> Response:
        return self.portal.page(request, "error.html", 403, title="Formular abgelaufen",
                                text="Das Formular konnte nicht überprüft werden. Bitte laden Sie die Seite neu "
                                     "und versuchen Sie es noch einmal.", back=town_home(request.url.path))

    async def rename(self, request: Request) -> Response:
        town, version = self.portal._version(request)
        if version is None:
            return self.portal.not_found(request)
        form = await self._form(request)
        if form is None:
            return self._expired(request)
        await run_in_threadpool(set_name, version, clean_name(form.get("name")))
        return RedirectResponse(f"/t/{request.path_params['token']}/v/{version.number}#name", status_code=303)

    def _busy(self, request: Request, version: Version) -> Response | None:
        if version.job().get("state") in ("queued", "running"):
            return self.portal.page(request, "error.html", 409, title="Version wird gerade erstellt",
                                    text=f"Der Entwurf von Version {version.number} wird gerade erstellt. Sie "
                                         "können die Version löschen, sobald er fertig ist.",
                                    back=town_home(request.url.path))
        return None

    async def confirm_delete(self, request: Request) -> Response:
        town, version = self.portal._version(request)
        if version is None:
            return self.portal.not_found(request)
        token = request.path_params["token"]
        return self._busy(request, version) or self.portal.page(
            request, "delete.html", town=town, base=f"/t/{token}", v=self.portal._summary(version),
            label=label(self.portal, version), csrf=self.portal.store.csrf_token(token_hash(token)),
            title=f"Version {version.number} löschen – {town.name}")

    async def delete(self, request: Request) -> Response:
        town, version = self.portal._version(request)
        if version is None:
            return self.portal.not_found(request)
        form = await self._form(request)
        if form is None:
            return self._expired(request)
        async with self.portal._town_lock(town):  # no edited draft is being made from it meanwhile
            version = self.portal.store.version(town, version.number)
            if version is None:
                return self.portal.not_found(request)
            if busy := self._busy(request, version):
                return busy
            await run_in_threadpool(delete_version, self.portal.store, version)
        return RedirectResponse(f"/t/{request.path_params['token']}/?geloescht={version.number}", status_code=303)

    async def redline(self, request: Request) -> Response:
        """The newer version's Word draft with every change from the older one tracked."""
        town = self.portal._town(request)
        if town is None:
            return self.portal.not_found(request)
        picked = []
        for key in ("alt", "neu"):
            value = request.query_params.get(key, "")
            version = self.portal.store.version(town, int(value)) if value.isdigit() else None
            if version is None:
                return self.portal.not_found(request)
            picked.append(version)
        old, new = picked
        if not all(v.file("docx").is_file() for v in picked):
            return self.portal.page(request, "error.html", 409, title="Vergleich nicht möglich",
                                    text="Verglichen werden können nur Versionen, aus denen ein Entwurf erstellt "
                                         "wurde. Bitte wählen Sie zwei solche Versionen.",
                                    back=town_home(request.url.path))
        try:
            data = await run_in_threadpool(_redline, old, new)
        except InputError:  # a draft holding tracked changes of its own: not one the portal built
            return self.portal.page(request, "error.html", 409, title="Vergleich nicht möglich",
                                    text="Aus diesen Versionen lässt sich keine Word-Datei mit Änderungen erstellen.",
                                    back=town_home(request.url.path))
        name = f"{town.id}-aenderungen-v{old.number}-v{new.number}.docx"
        return Response(data, media_type=DOCX_MIME, headers={"content-disposition": f'attachment; filename="{name}"'})


def _redline(old: Version, new: Version) -> bytes:
    from pipeline.diff.word_redline import redline
    return redline(old.file("docx").read_bytes(), new.file("docx").read_bytes(),
                   (f"Version {old.number}", f"Version {new.number}"))
