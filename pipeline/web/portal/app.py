"""The portal's pages and downloads (Starlette): a municipality's link, the ministry's overview.

Every page under /t/<token>/ first looks the token up (its hash) and gets one town or a 404;
versions are integers looked up in that town's folder; files are the fixed names the store
gives. Forms carry a CSRF token bound to the link; uploads are counted while the body is read.
An upload is the filled workbook (.xlsx) or the town's draft edited in Word (.docx), whose
edits are taken back into the workbook of a new version (absorbing.py).
"""

from __future__ import annotations

import asyncio
import fcntl
import html
import os
import re
import shutil
import tempfile
import traceback
import zipfile
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pipeline.errors import Finding, InputError, Location, error, group_findings, row_ranges
from pipeline.load.sheets import MAX_RATIO, MAX_UNPACKED, check_zip
from pipeline.drafts.workbook_layout import draft_template
from pipeline.web.portal import absorb_de, clock, legal, ownership
from pipeline.web.portal.access_log import HideTokens
from pipeline.web.portal.body_limit import BodyTooLarge, limited
from pipeline.web.portal.admin import Admin
from pipeline.web.portal.absorbing import absorb_upload
from pipeline.web.portal.findings_de import SEVERITY, german
from pipeline.web.portal.form_files import too_many_files
from pipeline.web.portal.jobs import JobPool, Overtime
from pipeline.web.portal.mail import Notifier
from pipeline.web.portal.ops import healthy
from pipeline.web.portal.status import queue_text, status
from pipeline.web.portal.store import EDITED, WORKBOOK, Store, Town, Version, token_hash, write_json
from pipeline.web.portal.uploads import Extras, newest_photos, photo_places, sections
from pipeline.web.portal.versions import Versions, label, version_name

HERE = Path(__file__).parent
MAX_UPLOAD = 10_000_000  # bytes; a filled workbook is well under 1 MB, a draft's DOCX under 1 MB too
WORKBOOK_PART = "xl/workbook.xml"
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
           (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
STATES = {"queued": "Wartet", "running": "Wird erstellt", "done": "Fertig", "failed": "Fehlgeschlagen",
          "unknown": "Unbekannt"}
SECTION_STATES = {"filled": "ausgefüllt", "placeholder": "Platzhalter", "error": "Fehler"}


class SecurityHeaders:
    """Adds the security headers to every response, pages, files and errors alike."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        private = scope.get("path", "").startswith(("/t/", "/admin/"))

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in names]
                if private:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)
        await self.app(scope, receive, with_headers)


def _findings_view(result: dict | None) -> list[dict]:
    """Findings grouped by sheet (in workbook order), each in German with row and column."""
    groups: dict[str, list[dict]] = {}
    found = [Finding.from_dict(raw) for raw in (result or {}).get("findings", [])]
    for f in group_findings(found):  # one line per cause: 'Zeilen 2–100'
        loc = f.location
        de = german(f)
        sheet = loc.sheet or ("Datei " + loc.file if loc.file else "Allgemein")
        severity = "fault" if f.tool_fault else f.severity  # the program's fault, never shown as the town's error
        groups.setdefault(sheet, []).append({
            "severity": severity, "severity_de": SEVERITY.get(severity, severity), "code": f.code,
            "row": row_ranges(loc.rows, then=", ") if loc.rows else loc.row, "first_row": loc.row or 0,
            "column": loc.column or "", "message": de.message, "hint": de.hint,
            "known": de.known, "english": f.message, "english_hint": f.hint})
    for items in groups.values():
        items.sort(key=lambda i: (i["severity"] not in ("error", "fault"), i["first_row"]))
    return [{"sheet": s, "entries": items, "errors": sum(i["severity"] == "error" for i in items)}
            for s, items in groups.items()]


class Portal:
    def __init__(self, store: Store, workers: int = 2, max_upload: int = MAX_UPLOAD, time_limit: float | None = None,
                 start_jobs: bool = True, time_zone: str = clock.DEFAULT_ZONE):
        self.store = store
        self.zone = clock.zone(time_zone)
        self.max_upload = max_upload
        kwargs = {"time_limit": time_limit} if time_limit else {}
        self.pool = JobPool(store, workers, **kwargs)
        self.notifier = Notifier(store)
        self.pool.listeners.append(self.notifier.job_finished)
        self.start_jobs = start_jobs
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "pages"), autoescape=True,
                                 undefined=jinja2.StrictUndefined)
        env.filters["date"] = lambda iso: clock.shown(iso, self.zone)
        env.globals["footer_links"] = legal.FOOTER_LINKS
        self.legal = legal.load(store.root)  # a LegalError here stops `serve` with what is wrong
        self.templates = Jinja2Templates(env=env)
        self._lock_fd: int | None = None
        self._town_locks: dict[str, asyncio.Lock] = {}

    def _town_lock(self, town: Town) -> asyncio.Lock:
        """One upload of a town at a time: a new version is made from the one before it (an
        edited draft from its draft folder, a workbook with its text files), so that one must
        be complete."""
        return self._town_locks.setdefault(town.id, asyncio.Lock())

    # -- helpers ---------------------------------------------------------------------------
    def page(self, request: Request, name: str, status: int = 200, **context) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def not_found(self, request: Request) -> Response:
        return self.page(request, "error.html", 404, title="Seite nicht gefunden",
                         text="Diese Seite gibt es nicht, oder der Link ist nicht mehr gültig. "
                              "Bitte verwenden Sie den Link, den Sie vom Ministerium erhalten haben.")

    def _town(self, request: Request):
        return self.store.town_for_token(request.path_params.get("token", ""))

    def _version(self, request: Request):
        town = self._town(request)
        if town is None:
            return None, None
        return town, self.store.version(town, request.path_params.get("n"))

    def _summary(self, v: Version) -> dict:
        job, result = v.job(), v.result()
        sections = (result or {}).get("sections", [])
        uploaded = self.store.uploaded(v)
        return {"number": v.number, "name": version_name(v),
                "uploaded": uploaded.get("uploaded", ""), "kind": uploaded.get("kind", "xlsx"),
                "base": uploaded.get("base"), "upload": uploaded,
                "state": job.get("state", "unknown"), "state_de": STATES.get(job.get("state"), "Unbekannt"),
                "message": job.get("message", ""), "outcome": (result or {}).get("outcome"),
                "filled": sum(s["state"] == "filled" for s in sections), "sections": len(sections),
                "errors": (result or {}).get("errors", 0), "warnings": (result or {}).get("warnings", 0),
                "examples": sum(f.get("code") in ("W-EXAMPLE-ROW", "W-EXAMPLE-VALUE")
                                for f in (result or {}).get("findings", [])),
                "pages": (result or {}).get("pages")}

    # -- municipality ----------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        return self.page(request, "index.html")

    async def town_page(self, request: Request, status: int = 200, problems: list[dict] | None = None,
                        confirm: dict | None = None) -> Response:
        town = self._town(request)
        if town is None:
            return self.not_found(request)
        token = request.path_params["token"]
        versions = [self._summary(v) for v in reversed(self.store.versions(town))]
        deleted = request.query_params.get("geloescht", "")
        return self.page(request, "town.html", status, town=town, base=f"/t/{token}", versions=versions,
                         deleted=int(deleted) if deleted.isdigit() and len(deleted) < 9
                         and self.store.version(town, int(deleted)) is None else None,
                         csrf=self.store.csrf_token(token_hash(token)), problems=problems or [], confirm=confirm,
                         max_mb=f"{self.max_upload / 1e6:.0f}", title=f"Strategie-Entwurf {town.name}",
                         sections=sections(), photo_places=photo_places(),
                         photos=newest_photos(self.store, town))

    async def workbook(self, request: Request) -> Response:
        town = self._town(request)
        if town is None:
            return self.not_found(request)
        path = await run_in_threadpool(self.store.ensure_workbook, town)
        return FileResponse(path, media_type=MIME["xlsx"], filename=f"strategie-{town.id}.xlsx")

    def _upload_problem(self, code: str, message: str, status: int, args: dict | None = None):
        return status, _problems([error(code, Location(), message, args=args)])

    async def upload(self, request: Request) -> Response:
        town = self._town(request)
        if town is None:
            return self.not_found(request)
        token = request.path_params["token"]
        length = request.headers.get("content-length", "")
        mb = f"{self.max_upload / 1e6:.0f}"
        too_large = self._upload_problem("E-UPLOAD-SIZE", f"at most {mb} MB", 413, {"mb": mb})
        if length.isdigit() and int(length) > self.max_upload + 100_000:
            return await self.town_page(request, *too_large)
        try:
            form = await Request(request.scope, limited(request.receive, self.max_upload + 100_000)).form(
                max_files=1, max_fields=4, max_part_size=10_000)
        except BodyTooLarge:
            return await self.town_page(request, *too_large)
        except Exception as exc:  # a malformed multipart body, or two files in the field
            if too_many_files(exc):
                return await self.town_page(request, *self._upload_problem("E-UPLOAD-MANY", "", 400))
            return await self.town_page(request, *self._upload_problem("E-UPLOAD-EMPTY", "", 400))
        try:
            if not self.store.csrf_ok(token_hash(token), form.get("csrf")):
                return self.page(request, "error.html", 403, title="Formular abgelaufen",
                                 text="Das Formular konnte nicht überprüft werden. Bitte laden Sie die Seite neu "
                                      "und versuchen Sie es noch einmal.", back="./")
            upload = form.get("arbeitsmappe")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return await self.town_page(request, *self._upload_problem("E-UPLOAD-EMPTY", "", 400))
            kind = upload_kind(upload.filename)
            if kind is None:
                return await self.town_page(request, *self._upload_problem("E-UPLOAD-NAME", "", 400))
            data = await upload.read()
            confirmed = form.get(ownership.CONFIRM) == "ja"  # „trotzdem für diese Kommune verwenden“
        finally:
            await form.close()
        if not data:
            return await self.town_page(request, *self._upload_problem("E-UPLOAD-EMPTY", "", 400))
        if len(data) > self.max_upload:
            return await self.town_page(request, *too_large)
        if self.pool.full():
            return self.page(request, "error.html", 503, title="Bitte später noch einmal",
                             text="Gerade werden sehr viele Entwürfe erstellt. Bitte laden Sie die Arbeitsmappe "
                                  "in einigen Minuten noch einmal hoch.", back="./")
        if kind == "xlsx" and not confirmed:  # another town's workbook: refused, unless the town confirms it
            other = await run_in_threadpool(ownership.other_town, data, town.name, draft_template()[1])
            if other is not None:
                return await self.town_page(request, 409, _problems([other]), confirm=dict(other.args))
        async with self._town_lock(town):
            if kind == "docx":
                made = await run_in_threadpool(self.absorb, town, data, upload.filename)
                if isinstance(made, list):  # the draft cannot be used: nothing is kept
                    return await self.town_page(request, 400, _problems(made))
                self.notifier.remember(made, token)
                self.pool.submit(made)
                return RedirectResponse(f"/t/{token}/v/{made.number}", status_code=303)
            version = await run_in_threadpool(self.store.new_version, town, data, upload.filename)
        problems = await run_in_threadpool(precheck, version)
        if problems:
            write_json(version.folder / "result.json", {
                "outcome": "errors", "pages": None, "seconds": 0, "errors": len(problems), "warnings": 0,
                "findings": [f.to_dict() for f in problems], "sections": []})
            write_json(version.folder / "job.json", {"state": "done", "message": "", "attempts": 0})
        else:
            self.notifier.remember(version, token)
            self.pool.submit(version)
        return RedirectResponse(f"/t/{token}/v/{version.number}", status_code=303)

    def absorb(self, town: Town, data: bytes, filename: str) -> Version | list[Finding]:
        """An edited draft taken back into the draft folder of the town's newest version, in a
        copy that becomes the next version; or the findings why it cannot be (in a thread)."""
        versions = self.store.versions(town)
        if not versions:
            return [error("E-UPLOAD-NO-DRAFT", Location(), "no version to take the edits back into")]
        from pipeline.absorb.edited import check_bytes
        try:  # the workbook's limits: no zip that would unpack to far more than a real file
            check_bytes(data, Path(EDITED), MAX_UNPACKED, MAX_RATIO)
        except InputError as exc:
            return exc.findings
        base = versions[-1]
        work = Path(tempfile.mkdtemp(prefix=".entwurf-", dir=town.folder))  # beside the versions: moved, not copied
        try:
            folder = work / town.id
            shutil.copytree(base.input_folder, folder, ignore=shutil.ignore_patterns(".*"))
            (work / EDITED).write_bytes(data)
            try:
                answer = self.pool.run_once(absorb_upload, str(folder), str(work / EDITED),
                                            [str(v.input_folder) for v in versions])
            except Overtime as exc:
                return [error("E-UPLOAD-TIME", Location(), str(exc))]
            except Exception as exc:  # a bug must not look like the town's mistake
                traceback.print_exc()
                return [error("E-INTERNAL", Location(), f"{exc.__class__.__name__}: {exc}")]
            if "findings" in answer:
                return [Finding.from_dict(f) for f in answer["findings"]]
            return self.store.new_edited_version(town, folder, data, filename, base, answer["plan"])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    async def version_page(self, request: Request) -> Response:
        town, version = self._version(request)
        if version is None:
            return self.not_found(request)
        token = request.path_params["token"]
        summary = self._summary(version)
        result = version.result() if summary["state"] == "done" else None
        built = [v.number for v in self.store.versions(town)
                 if v.number < version.number and (v.out / "content.json").is_file()]
        return self.page(request, "version.html", town=town, base=f"/t/{token}", v=summary, result=result,
                         absorbed=absorb_de.view(version.absorbed()),
                         groups=_findings_view(result), position=self.pool.position(version),
                         states=SECTION_STATES, csrf=self.store.csrf_token(token_hash(token)),
                         previous=max(built, default=None),
                         queue=queue_text(summary["state"], self.pool.position(version)),
                         refresh=summary["state"] in ("queued", "running"), max_mb=f"{self.max_upload / 1e6:.0f}",
                         title=f"Version {version.number} – {town.name}")

    async def version_status(self, request: Request) -> Response:
        """The state of a version's job, for the page's polling script (static/portal.js)."""
        _, version = self._version(request)
        if version is None:
            return self.not_found(request)
        return JSONResponse(status(version.job().get("state", "unknown"), self.pool.position(version)))

    async def download(self, request: Request) -> Response:
        town, version = self._version(request)
        fmt = request.path_params.get("fmt")
        if version is None or fmt not in ("docx", "pdf"):
            return self.not_found(request)
        path = version.file(fmt)
        if not path.is_file():
            return self.not_found(request)
        return FileResponse(path, media_type=MIME[fmt], filename=f"{town.id}-entwurf-v{version.number}.{fmt}")

    async def version_workbook(self, request: Request) -> Response:
        """A version's workbook: as uploaded, or with the edits taken over from a draft."""
        town, version = self._version(request)
        if version is None or not version.upload.is_file():
            return self.not_found(request)
        return FileResponse(version.upload, media_type=MIME["xlsx"], filename=f"strategie-{town.id}-v{version.number}.xlsx")

    async def thumbnail(self, request: Request) -> Response:
        _, version = self._version(request)
        page = request.path_params.get("page")
        if version is None or not isinstance(page, int) or page < 1:
            return self.not_found(request)
        path = version.thumb(page)
        if not path.is_file():
            return self.not_found(request)
        return FileResponse(path, media_type="image/png")

    async def compare(self, request: Request) -> Response:
        town = self._town(request)
        if town is None:
            return self.not_found(request)
        token = request.path_params["token"]
        picked = []
        for key in ("alt", "neu"):
            value = request.query_params.get(key, "")
            version = self.store.version(town, int(value)) if value.isdigit() else None
            if version is None:
                return self.not_found(request)
            picked.append(version)
        old, new = picked
        if not all((v.out / "content.json").is_file() for v in picked):
            return self.page(request, "error.html", 409, title="Vergleich nicht möglich",
                             text="Verglichen werden können nur Versionen, aus denen ein Entwurf erstellt wurde. "
                                  "Bitte wählen Sie zwei solche Versionen.", back="./")
        report = await run_in_threadpool(diff_html, old, new, (label(self, old), label(self, new)))
        nav = (f'<nav class="portal-nav" lang="de" aria-label="Portal"><a href="/t/{token}/">Zurück zur Übersicht '
               f'({_escape(town.name)})</a> · Vergleich von Version {old.number} mit Version {new.number} · '
               f'<a href="/t/{token}/vergleich.docx?alt={old.number}&amp;neu={new.number}">Word-Datei mit den '
               f'Änderungen (Änderungsverfolgung) herunterladen</a></nav>')
        report = report.replace("<body>", "<body>" + nav, 1).replace("</body>", legal.footer_html() + "</body>", 1)
        return Response(report, media_type="text/html; charset=utf-8")

    # -- ministry --------------------------------------------------------------------------
    async def legal_page(self, request: Request) -> Response:
        name, title = legal.PAGES[request.url.path]
        return self.page(request, name, legal=self.legal, title=title)

    async def healthz(self, request: Request) -> Response:
        """200 "ok" when the data folder is readable and the draft workers run, else 503; no data."""
        ok = await run_in_threadpool(healthy, self)
        return Response("ok\n" if ok else "unavailable\n", status_code=200 if ok else 503, media_type="text/plain",
                        headers={"cache-control": "no-store"})

    async def diff_css(self, request: Request) -> Response:
        from pipeline.diff.report import CSS
        return Response(CSS + PORTAL_NAV_CSS, media_type="text/css")

    async def on_404(self, request: Request, exc) -> Response:
        return self.not_found(request)

    async def on_500(self, request: Request, exc) -> Response:
        return self.page(request, "error.html", 500, title="Fehler im Portal",
                         text="Das Portal hat einen Fehler gemeldet. Ihre Dateien sind gespeichert; bitte versuchen "
                              "Sie es später noch einmal.")

    # -- life cycle ------------------------------------------------------------------------
    def lock(self) -> None:
        """One server per data folder: two dispatchers would run the same jobs twice."""
        fd = os.open(self.store.root / "serve.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RuntimeError(f"another 'brochure serve' is using {self.store.root}") from None
        self._lock_fd = fd

    @asynccontextmanager
    async def lifespan(self, app):
        if self.start_jobs:
            self.lock()
            await run_in_threadpool(self.pool.start)
        try:
            yield
        finally:
            if self.start_jobs:
                await run_in_threadpool(self.pool.stop)
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None


PORTAL_NAV_CSS = """
.portal-nav{background:#fff;color:#1b1f24;padding:10px 28px;border-bottom:1px solid #c5ccd3}
.portal-nav a{color:#0b4f8a;font-weight:600}
.portal-nav a:focus{outline:3px solid #b35c00;outline-offset:2px}
.portal-footer{background:#fff;color:#1b1f24;padding:10px 28px;border-top:1px solid #c5ccd3;margin-top:24px}
.portal-footer a{color:#0b4f8a;margin-right:1.25em}
.portal-footer a:focus{outline:3px solid #b35c00;outline-offset:2px}
"""


def _escape(text: str) -> str:
    return html.escape(text)


def upload_kind(filename: str) -> str | None:
    """'xlsx' for a workbook, 'docx' for an edited draft (a .doc too: it is refused there with
    its own message), None for any other name."""
    name = filename.lower().strip()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".docx", ".doc")):
        return "docx"
    return None


def _problems(findings: list[Finding]) -> list[dict]:
    """Findings that refuse an upload, in German, for the town's page: where in the workbook
    if they say (a cell of the version an edited draft was to go into)."""
    out = []
    for f in findings:
        de = german(f)
        loc = f.location
        where = ", ".join(x for x in (f"Blatt „{loc.sheet}“" if loc.sheet else "",
                                      f"Zeile {loc.row}" if loc.row else "",
                                      f"Spalte „{loc.column}“" if loc.column and loc.sheet else "") if x)
        out.append({"message": de.message, "hint": de.hint, "where": where})
    return out


def precheck(version: Version) -> list[Finding]:
    """Checked before a worker sees it: a zip with a workbook part, not a zip bomb (the same
    check, and so the same finding, as the CLI's reader)."""
    where = Location(file=WORKBOOK)
    try:
        check_zip(version.upload, where)
    except InputError as exc:
        return exc.findings
    try:
        with zipfile.ZipFile(version.upload) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        return [error("E-UNREADABLE", where, f"cannot open the workbook: {exc}",
                      "open it in Excel or LibreOffice and save it again as .xlsx")]
    if WORKBOOK_PART not in names:
        return [error("E-NOT-WORKBOOK", where, f"the file is a zip archive without {WORKBOOK_PART}, so not an .xlsx workbook",
                      "open it in Excel or LibreOffice and save it again as .xlsx")]
    return []


def diff_html(old: Version, new: Version, names: tuple[str, str] | None = None) -> str:
    """The product's diff report of two builds, its style sheet linked instead of inline (CSP);
    NAMES head it (the versions' numbers, names and dates) instead of the folders' names."""
    from pipeline.diff.changes import compare
    from pipeline.diff.report import CSS, to_html
    from pipeline.diff.edition_view import read_view
    report = to_html(compare(read_view(old.out), read_view(new.out)), names)
    report = report.replace(f"<style>{CSS}</style>", '<link rel="stylesheet" href="/diff-report.css">', 1)
    return re.sub(r"<title>[^<]*</title>", f"<title>Vergleich Version {old.number} → {new.number}</title>", report, count=1)


def create_app(data: Path, workers: int = 2, max_upload: int = MAX_UPLOAD, time_limit: float | None = None,
               start_jobs: bool = True, time_zone: str = clock.DEFAULT_ZONE) -> Starlette:
    portal = Portal(Store(data), workers, max_upload, time_limit, start_jobs, time_zone)
    extras = Extras(portal)  # texts and photos (uploads.py)
    routes = [
        Route("/", portal.index),
        Route("/healthz", portal.healthz),
        Route("/diff-report.css", portal.diff_css),
        Route("/favicon.ico", lambda request: FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")),
        Route("/t/{token}/", portal.town_page),
        Route("/t/{token}/arbeitsmappe.xlsx", portal.workbook),
        Route("/t/{token}/hochladen", portal.upload, methods=["POST"]),
        Route("/t/{token}/text", extras.text, methods=["POST"]),
        Route("/t/{token}/foto", extras.photo, methods=["POST"]),
        Route("/t/{token}/foto-entfernen", extras.remove_photo, methods=["POST"]),
        Route("/t/{token}/v/{n:int}", portal.version_page),
        Route("/t/{token}/v/{n:int}/status", portal.version_status),
        Route("/t/{token}/v/{n:int}/entwurf.{fmt}", portal.download),
        Route("/t/{token}/v/{n:int}/arbeitsmappe.xlsx", portal.version_workbook),
        Route("/t/{token}/v/{n:int}/seite-{page:int}.png", portal.thumbnail),
        Route("/t/{token}/vergleich", portal.compare),
        *Versions(portal).routes(),
        *[Route(path, portal.legal_page) for path in legal.PAGES],
        *Admin(portal, _findings_view, SECTION_STATES).routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=portal.lifespan,
                    exception_handlers={404: portal.on_404, 405: portal.on_404, 500: portal.on_500})
    app.state.portal = portal
    app.add_middleware(SecurityHeaders)
    return app


def serve(data: Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          time_limit: float | None = None, echo=print, base_url: str | None = None,
          time_zone: str = clock.DEFAULT_ZONE) -> None:
    """Run the portal on uvicorn (one server process; drafts in WORKERS worker processes).
    BASE_URL (or http://HOST:PORT) is recorded in DATA for the links the CLI prints."""
    import logging

    import uvicorn
    from pipeline.web.portal import address
    from pipeline.web.portal.ops import prepare
    prepare(data, echo)
    app = create_app(data, workers, time_limit=time_limit, time_zone=time_zone)
    store: Store = app.state.portal.store
    public = base_url or address.listening_url(host, port)
    probe = os.open(store.root / "serve.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:  # never record this address over that of a server that runs on DATA
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise RuntimeError(f"another 'brochure serve' is using {store.root}") from None
    finally:
        os.close(probe)
    address.record(store.root, public, given=bool(base_url))
    if not store.has_admin():
        echo(f"Overview for the ministry (shown once, stored hashed): {public}/admin/{store.new_admin_token()}/")
    echo(f"Links printed by 'brochure portal add-town' start with {public}/ (recorded in {store.root})")
    echo(f"Portal data in {store.root}; {len(store.towns())} towns; {workers} draft workers")
    missing = legal.unfilled(app.state.portal.legal)
    if missing:
        echo(f"Legal pages: {len(missing)} values not filled in yet ({', '.join(missing)}); "
             f"write them into {store.root / legal.FILE} ('brochure portal legal-file' writes the defaults)")
    config = uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=True, server_header=False)
    hide = HideTokens(lambda token: getattr(store.town_for_token(token), "id", None))
    for name in ("uvicorn.access", "uvicorn.error"):  # configured by Config: no token in either
        logging.getLogger(name).addFilter(hide)
    uvicorn.Server(config).run()
