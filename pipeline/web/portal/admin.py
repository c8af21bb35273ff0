"""The ministry's pages, behind the admin link (/admin/<token>/): the overview of every town
(sorted by name, date, state or errors; exported as CSV for German Excel), a town's page (its
versions, its link revoked, issued anew or shown again), a version's findings and draft.

Every form carries a CSRF token bound to the admin link (a town's form token never validates
here, nor this one in a town's space). A town is looked up by comparing its id with the ids the
store lists; a version is an integer looked up in that town's folder: nothing a request carries
becomes a path. The pages never appear under a town's link, and a town's link opens none of them.

A town's link is stored only as a hash. So that the ministry can show it again, every link
issued while an admin link exists (here or with `brochure portal add-town`) is also kept sealed
to the admin link's public key (sealing.py, DIR/towns/<id>/link.sealed): the data folder alone
does not open it, and a new admin link makes the sealed copies unreadable (the page then offers
a new link instead).
"""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import io

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.web.portal.sealing import unseal
from pipeline.web.portal.store import SEALED, Town, read_json, token_hash

SORTS = {"name": "Kommune", "datum": "Letzter Upload", "stand": "Stand", "fehler": "Fehler"}
FIRST_DIRECTION = {"name": "auf", "datum": "ab", "stand": "auf", "fehler": "ab"}
STATE_ORDER = ["failed", "errors", "running", "queued", "done", "none"]  # what needs a look first
STATE_DE = {"failed": "Fehlgeschlagen", "errors": "Nicht erstellt", "running": "Wird erstellt",
            "queued": "Wartet", "done": "Fertig", "none": "Noch nichts hochgeladen", "unknown": "Unbekannt"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# -- the overview ------------------------------------------------------------------------------
def state_key(latest: dict | None) -> str:
    if latest is None:
        return "none"
    if latest["state"] == "done" and latest.get("outcome") == "errors":
        return "errors"
    return latest["state"] if latest["state"] in STATE_DE else "unknown"


def sort_rows(rows: list[dict], by: str, direction: str) -> list[dict]:
    """Sorted by BY; towns without an upload stay last for date and errors either way."""
    name = [r["town"].name.casefold() for r in rows]
    rows = [r for _, r in sorted(zip(name, rows), key=lambda p: p[0])]
    if by == "name":
        return rows if direction == "auf" else rows[::-1]
    if by == "stand":
        keyed = sorted(rows, key=lambda r: STATE_ORDER.index(r["state"]) if r["state"] in STATE_ORDER else 99,
                       reverse=direction == "ab")
        return keyed
    with_upload = [r for r in rows if r["latest"]]
    without = [r for r in rows if not r["latest"]]
    key = (lambda r: _when(r["latest"]["uploaded"])) if by == "datum" else (lambda r: r["latest"]["errors"] or 0)
    return sorted(with_upload, key=key, reverse=direction == "ab") + without


def _when(iso: str) -> dt.datetime:
    """An upload's time, comparable across offsets (summer and winter time)."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def csv_text(rows: list[dict], date) -> bytes:
    """The overview for German Excel: ';' between fields, UTF-8 with a byte order mark, CRLF;
    a cell that starts like a formula gets a leading apostrophe."""
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    out.writerow(["Kommune", "Kennung", "Link", "Versionen", "Letzter Upload", "Stand", "Abschnitte ausgefüllt",
                  "Abschnitte", "Fehler", "Hinweise"])
    for r in rows:
        latest = r["latest"] or {}
        out.writerow([cell(r["town"].name), cell(r["town"].id), "gesperrt" if r["town"].revoked else "aktiv",
                      r["versions"], date(latest.get("uploaded", "")), STATE_DE[r["state"]],
                      latest.get("filled", ""), latest.get("sections", ""), latest.get("errors", ""),
                      latest.get("warnings", "")])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


class Admin:
    """The ministry's routes; PORTAL is the app's Portal (store, templates, summaries)."""

    def __init__(self, portal, findings_view, section_states: dict):
        self.portal = portal
        self.store = portal.store
        self.findings_view, self.section_states = findings_view, section_states  # app.py's, shared with the towns' pages

    # -- helpers -----------------------------------------------------------------------------
    def _token(self, request: Request) -> str | None:
        token = request.path_params.get("token", "")
        if not self.store.is_admin(token):
            return None
        self.store.ensure_seal_key(token)
        return token

    def _csrf(self, token: str) -> str:
        return self.store.csrf_token("admin:" + token_hash(token))

    def _csrf_ok(self, token: str, form) -> bool:
        return self.store.csrf_ok("admin:" + token_hash(token), form.get("csrf"))

    def _town(self, request: Request) -> Town | None:
        wanted = request.path_params.get("town", "")
        return next((t for t in self.store.towns() if t.id == wanted), None)

    def _page(self, request: Request, token: str, template: str, status: int = 200, **context) -> Response:
        # links relative to the admin's root, so that no page holds the admin link (defect 5)
        below = request.url.path.split(f"/admin/{token}/", 1)[-1].split("/")
        admin = "/".join([".."] * (len(below) - 1)) or "."
        return self.portal.page(request, template, status, admin=admin, csrf=self._csrf(token), **context)

    def _expired(self, request: Request, token: str) -> Response:
        return self.portal.page(request, "error.html", 403, title="Formular abgelaufen",
                                text="Das Formular konnte nicht überprüft werden. Bitte laden Sie die Seite neu und "
                                     "versuchen Sie es noch einmal.")

    async def _posted_for_town(self, request: Request) -> tuple[str, Town, dict] | Response:
        """(admin token, town, form) of a form posted about one town, or the page to answer
        instead: 404 for an unknown link or town, 403 for a failed CSRF check."""
        token = self._token(request)
        town = self._town(request) if token else None
        if town is None:
            return self.portal.not_found(request)
        form = await self._form(request)
        if not self._csrf_ok(token, form):
            return self._expired(request, token)
        return token, town, form

    async def _form(self, request: Request) -> dict:
        """The posted fields; a body that is no form gives none (and so fails its CSRF check)."""
        try:
            async with request.form(max_files=0, max_fields=5, max_part_size=2_000) as form:
                return {k: v for k, v in form.items() if isinstance(v, str)}
        except Exception:
            return {}

    def _link(self, request: Request, token: str) -> str:
        return str(request.base_url).rstrip("/") + f"/t/{token}/"

    def _issue(self, admin_token: str, name: str) -> tuple[Town, str]:
        return self.store.add_town(name)  # sealed there for the admin link

    def shown_again(self, admin_token: str, town: Town) -> str | None:
        """The town's active link, if it was issued here under this admin link."""
        if town.revoked:
            return None
        sealed = read_json(town.folder / SEALED)
        token = unseal(admin_token, sealed, town.id)
        stored = (read_json(town.folder / "town.json") or {}).get("token_sha256", "")
        if token is None or not hmac.compare_digest(token_hash(token), stored):
            return None
        return token

    def rows(self) -> list[dict]:
        rows = []
        for town in self.store.towns():
            versions = self.store.versions(town)
            latest = self.portal._summary(versions[-1]) if versions else None
            rows.append({"town": town, "versions": len(versions), "latest": latest, "state": state_key(latest)})
        return rows

    @staticmethod
    def _order(request: Request) -> tuple[str, str]:
        by = request.query_params.get("sortierung", "name")
        by = by if by in SORTS else "name"
        direction = request.query_params.get("richtung", FIRST_DIRECTION[by])
        return by, direction if direction in ("auf", "ab") else FIRST_DIRECTION[by]

    # -- pages -------------------------------------------------------------------------------
    async def overview(self, request: Request, message: str = "", link: dict | None = None,
                       problem: str = "", status: int = 200, name: str = "") -> Response:
        token = self._token(request)
        if token is None:
            return self.portal.not_found(request)
        by, direction = self._order(request)
        rows = sort_rows(self.rows(), by, direction)
        columns = [{"key": k, "label": label, "active": k == by,
                    "next": ("ab" if direction == "auf" else "auf") if k == by else FIRST_DIRECTION[k]}
                   for k, label in SORTS.items()]
        return self._page(request, token, "admin.html", status, rows=rows, columns=columns, by=by, direction=direction,
                          states=STATE_DE, message=message, link=link, problem=problem, typed=name,
                          title="Übersicht der Kommunen")

    async def export(self, request: Request) -> Response:
        token = self._token(request)
        if token is None:
            return self.portal.not_found(request)
        by, direction = self._order(request)
        body = csv_text(sort_rows(self.rows(), by, direction), self.portal.templates.env.filters["date"])
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="kommunen-uebersicht.csv"'})

    async def add(self, request: Request) -> Response:
        token = self._token(request)
        if token is None:
            return self.portal.not_found(request)
        form = await self._form(request)
        if not self._csrf_ok(token, form):
            return self._expired(request, token)
        name = str(form.get("name") or "")[:200]
        try:
            town, link = self._issue(token, name)
        except ValueError as exc:  # a name refused says why (town_names.NameRefused)
            return await self.overview(request, problem=getattr(exc, "german", "Bitte geben Sie den Namen der Kommune ein."),
                                       status=400, name=name)
        except FileExistsError:
            return await self.overview(request, status=409, name=name,
                                       problem=f"{' '.join(name.split())} hat schon einen aktiven Link. Auf der Seite "
                                               "der Kommune können Sie ihn noch einmal anzeigen oder sperren.")
        return self._page(request, token, "admin_link.html", town=town, link=self._link(request, link), new=True,
                          title=f"Link für {town.name}")

    async def town_page(self, request: Request, status: int = 200, message: str = "") -> Response:
        token = self._token(request)
        town = self._town(request) if token else None
        if town is None:
            return self.portal.not_found(request)
        if not message and request.query_params.get("gesperrt") == "1" and town.revoked:
            message = f"Der Link von {town.name} ist gesperrt. Er öffnet ab sofort nichts mehr; die Dateien bleiben."
        versions = [self.portal._summary(v) for v in reversed(self.store.versions(town))]
        for v in versions:
            v["state_key"] = state_key(v)
        return self._page(request, token, "admin_town.html", status, town=town, versions=versions, states=STATE_DE,
                          can_show=self.shown_again(token, town) is not None, message=message,
                          title=f"{town.name} – Übersicht der Kommunen")

    async def show_link(self, request: Request) -> Response:
        """The town's link again (POST: the link is in the answer, never in an address)."""
        posted = await self._posted_for_town(request)
        if isinstance(posted, Response):
            return posted
        token, town, form = posted
        link = self.shown_again(token, town)
        if link is None:
            return await self.town_page(request, 409, "Dieser Link kann nicht noch einmal angezeigt werden: Er wurde "
                                                      "ausgestellt, bevor es den jetzigen Link der Übersicht gab. "
                                                      "Sperren Sie ihn und stellen Sie einen neuen aus.")
        return self._page(request, token, "admin_link.html", town=town, link=self._link(request, link), new=False,
                          title=f"Link für {town.name}")

    async def new_link(self, request: Request) -> Response:
        """A new link for a revoked town (the same space, its versions kept)."""
        posted = await self._posted_for_town(request)
        if isinstance(posted, Response):
            return posted
        token, town, form = posted
        if not town.revoked:
            return await self.town_page(request, 409, "Die Kommune hat schon einen aktiven Link. Sperren Sie ihn "
                                                      "zuerst, wenn Sie einen neuen ausstellen wollen.")
        town, link = self._issue(token, town.name)
        return self._page(request, token, "admin_link.html", town=town, link=self._link(request, link), new=True,
                          title=f"Link für {town.name}")

    async def revoke(self, request: Request) -> Response:
        """Revoke a town's link, after a confirmation; it stops working at once, the files stay."""
        posted = await self._posted_for_town(request)
        if isinstance(posted, Response):
            return posted
        token, town, form = posted
        if form.get("bestaetigt") != "ja":
            return self._page(request, token, "admin_revoke.html", town=town, title=f"Link von {town.name} sperren")
        self.store.revoke(town)
        return RedirectResponse(f"/admin/{token}/k/{town.id}?gesperrt=1", status_code=303)

    async def version_page(self, request: Request) -> Response:
        token = self._token(request)
        town = self._town(request) if token else None
        version = self.store.version(town, request.path_params.get("n")) if town else None
        if version is None:
            return self.portal.not_found(request)
        summary = self.portal._summary(version)
        result = version.result() if summary["state"] == "done" else None
        return self._page(request, token, "admin_version.html", town=town, v=summary, result=result,
                          groups=self.findings_view(result), section_states=self.section_states,
                          workbook=version.upload.is_file(), state=state_key(summary),
                          states=STATE_DE, title=f"{town.name}, Version {version.number} – Übersicht der Kommunen")

    async def download(self, request: Request) -> Response:
        token = self._token(request)
        town = self._town(request) if token else None
        version = self.store.version(town, request.path_params.get("n")) if town else None
        fmt = request.path_params.get("fmt", "xlsx")  # the route of the workbook has none
        if version is None or fmt not in MIME:
            return self.portal.not_found(request)
        path = version.upload if fmt == "xlsx" else version.file(fmt)
        if not path.is_file():
            return self.portal.not_found(request)
        return FileResponse(path, media_type=MIME[fmt], filename=f"strategie-{town.id}-v{version.number}.xlsx" if fmt == "xlsx"
                            else f"{town.id}-entwurf-v{version.number}.{fmt}")

    def routes(self) -> list[Route]:
        base = "/admin/{token}"
        return [
            Route(base + "/", self.overview),
            Route(base + "/uebersicht.csv", self.export),
            Route(base + "/kommunen", self.add, methods=["POST"]),
            Route(base + "/k/{town}", self.town_page),
            Route(base + "/k/{town}/link", self.show_link, methods=["POST"]),
            Route(base + "/k/{town}/neuer-link", self.new_link, methods=["POST"]),
            Route(base + "/k/{town}/sperren", self.revoke, methods=["POST"]),
            Route(base + "/k/{town}/v/{n:int}", self.version_page),
            Route(base + "/k/{town}/v/{n:int}/entwurf.{fmt}", self.download),
            Route(base + "/k/{town}/v/{n:int}/arbeitsmappe.xlsx", self.download),
        ]
