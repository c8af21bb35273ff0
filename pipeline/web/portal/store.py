"""The portal's data: every town's space as plain files under one folder, written atomically.

    DIR/format.json              the folder's data format (DATA_FORMAT; ops.py upgrades older ones)
    DIR/secret                   random key for the CSRF tokens (0600)
    DIR/admin.json               {"token_sha256": …} of the ministry's overview link
    DIR/tokens/<sha256 of token> the id of the town that link opens (revoking deletes it)
    DIR/towns/<id>/town.json     name, created, token hash, revoked
    DIR/towns/<id>/vorlage.xlsx  the town's empty workbook (brochure init-draft)
    DIR/towns/<id>/link.sealed   its link, sealed so that only the admin link opens it
    DIR/towns/<id>/versions/<n>/ one upload: <id>/ the draft folder (strategie.xlsx, the
                                 text files edits in Word made or the town uploaded: vorwort.md …,
                                 photos: fotos/foto-<n>.jpg and fotos.yaml), job.json,
                                 result.json, out/ (the build folder), thumbs/page-<p>.png;
                                 for an edited draft also entwurf-bearbeitet.docx (as
                                 uploaded) and absorb.json (what was taken over)

Nothing a request carries becomes a path: a link's token is hashed and looked up, a version is
an integer looked up in the town's own folder, and every file name is fixed here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.drafts.draft import draft_template
from pipeline.drafts.scaffold import init_draft
from pipeline.web.portal import town_names
from pipeline.web.portal.town_names import normalise

DEFAULT_DIR = Path("portal-data")
DATA_FORMAT = 2  # the data folder's format (format.json); older folders are upgraded by ops.prepare
TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters, never guessed
WORKBOOK = "strategie.xlsx"
SEALED = "link.sealed"  # a town's link, sealed for the admin link (sealing.py)
EDITED = "entwurf-bearbeitet.docx"  # an edited draft as uploaded, beside its version's draft folder


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def write_json(path: Path, data: dict) -> None:
    """Write to a temporary file in the same folder, then rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass
class Town:
    id: str
    name: str
    folder: Path
    created: str
    revoked: bool = False

    @property
    def versions_dir(self) -> Path:
        return self.folder / "versions"

    @property
    def workbook(self) -> Path:
        return self.folder / "vorlage.xlsx"


@dataclass
class Version:
    number: int
    folder: Path
    town: Town

    @property
    def input_folder(self) -> Path:  # named after the town: the build names its files after it
        return self.folder / self.town.id

    @property
    def upload(self) -> Path:
        """The version's workbook: as uploaded, or with the edits of an uploaded draft."""
        return self.input_folder / WORKBOOK

    @property
    def edited(self) -> Path:
        return self.folder / EDITED

    def absorbed(self) -> dict | None:
        """What was taken over from an uploaded draft (absorb.json); None for a workbook upload."""
        return read_json(self.folder / "absorb.json")

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def thumbs(self) -> Path:
        return self.folder / "thumbs"

    def job(self) -> dict:
        return read_json(self.folder / "job.json") or {"state": "unknown"}

    def result(self) -> dict | None:
        return read_json(self.folder / "result.json")

    def file(self, fmt: str) -> Path:
        """The built DOCX or PDF (fmt is 'docx' or 'pdf', never from a request)."""
        suffix = {"docx": "docx", "pdf": "pdf"}[fmt]
        return self.out / f"{self.town.id}-entwurf.{suffix}"

    def thumb(self, page: int) -> Path:
        return self.thumbs / f"page-{int(page)}.png"


class Store:
    def __init__(self, root: Path = DEFAULT_DIR):
        self.root = Path(root).resolve()
        if not (self.root / "towns").is_dir() and not (self.root / "format.json").exists():  # a new folder: this format
            write_json(self.root / "format.json", {"format": DATA_FORMAT, "created": now()})
        (self.root / "towns").mkdir(parents=True, exist_ok=True)
        (self.root / "tokens").mkdir(exist_ok=True)
        secret = self.root / "secret"
        if not secret.exists():
            fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        self._secret = secret.read_text().strip().encode()

    # -- towns and links ----------------------------------------------------------------------
    def towns(self) -> list[Town]:
        found = []
        for folder in sorted((self.root / "towns").iterdir()):
            town = self._town(folder.name)
            if town:
                found.append(town)
        return sorted(found, key=lambda t: t.name.casefold())

    def _town(self, town_id: str) -> Town | None:
        if not town_id or "/" in town_id or town_id.startswith("."):
            return None
        folder = self.root / "towns" / town_id
        data = read_json(folder / "town.json")
        if data is None:
            return None
        return Town(id=town_id, name=data["name"], folder=folder, created=data.get("created", ""),
                    revoked=bool(data.get("revoked")))

    def find(self, name_or_id: str) -> Town | None:
        """The town of that name or id. Never by a name's id: names in other scripts once all
        had one (so Львів found Київ's space)."""
        key = normalise(name_or_id).casefold()
        return next((t for t in self.towns() if t.id == name_or_id.strip() or normalise(t.name).casefold() == key),
                    None)

    def add_town(self, name: str) -> tuple[Town, str]:
        """Create NAME's space (or give a revoked town a new link); returns the town and its token,
        which is shown once and stored only as a hash."""
        name = town_names.check(name)  # NameRefused (a ValueError) names the character
        key = name.casefold()
        town = next((t for t in self.towns() if normalise(t.name).casefold() == key), None)
        if town and not town.revoked:
            raise FileExistsError(f"{town.name} already has a link; revoke it first to issue a new one")
        if town is None:  # a new id, never one of a folder that exists (a revoked town's stays)
            while True:
                town_id = town_names.town_id(name, lambda t: (self.root / "towns" / t).exists())
                folder = self.root / "towns" / town_id
                try:
                    folder.mkdir(parents=True)
                    break
                except FileExistsError:  # made at this moment by another add-town
                    continue
            town = Town(id=town_id, name=name, folder=folder, created=now())
        token = secrets.token_urlsafe(TOKEN_BYTES)
        digest = token_hash(token)
        kept = read_json(town.folder / "town.json") or {"id": town.id, "notify": {"email": None}}  # e.g. its mail address
        write_json(town.folder / "town.json", {**kept, "name": town.name, "created": town.created,
                                               "token_sha256": digest, "revoked": False})
        write_bytes(self.root / "tokens" / digest, town.id.encode())
        self._seal_link(town, token)
        town.revoked = False
        self.ensure_workbook(town)
        return town, token

    def _seal_link(self, town: Town, token: str) -> None:
        """A copy of the link that only the admin link opens (sealing.py), to show it again."""
        public = (read_json(self.root / "admin.json") or {}).get("seal_public")
        if public:
            from pipeline.web.portal.sealing import seal
            write_json(town.folder / SEALED, seal(public, token, town.id))
        else:
            (town.folder / SEALED).unlink(missing_ok=True)

    def revoke(self, town: Town) -> None:
        (town.folder / SEALED).unlink(missing_ok=True)
        data = read_json(town.folder / "town.json") or {}
        digest = data.get("token_sha256", "")
        if digest:
            (self.root / "tokens" / digest).unlink(missing_ok=True)
        data.update(revoked=True, revoked_at=now())
        write_json(town.folder / "town.json", data)

    def town_for_token(self, token: str) -> Town | None:
        """The town a link's token opens, or None (unknown, malformed or revoked)."""
        if not token or len(token) > 128:
            return None
        digest = token_hash(token)  # hex: safe as a file name whatever the token holds
        try:
            town_id = (self.root / "tokens" / digest).read_text().strip()
        except OSError:
            return None
        town = self._town(town_id)
        if town is None or town.revoked:
            return None
        stored = (read_json(town.folder / "town.json") or {}).get("token_sha256", "")
        return town if hmac.compare_digest(stored, digest) else None

    def ensure_workbook(self, town: Town) -> Path:
        """The town's empty workbook, made once by the same scaffold as `brochure init-draft`."""
        if not town.workbook.is_file():
            _, layout = draft_template()
            with tempfile.TemporaryDirectory(dir=town.folder) as tmp:
                # the Kommune as the fonts can print it (Львів → Lviv), or the draft could never be built
                made = init_draft(town_names.printable_name(town.name), Path(tmp), layout, portal=True)
                os.replace(made, town.workbook)
        return town.workbook

    # -- admin link ---------------------------------------------------------------------------
    def has_admin(self) -> bool:
        return (read_json(self.root / "admin.json") or {}).get("token_sha256") is not None

    def new_admin_token(self) -> str:
        from pipeline.web.portal.sealing import public_key
        token = secrets.token_urlsafe(TOKEN_BYTES)
        write_json(self.root / "admin.json", {"token_sha256": token_hash(token), "created": now(),
                                              "seal_public": public_key(token)})
        return token

    def ensure_seal_key(self, token: str) -> None:
        """An admin link made before links were sealed gets its public key (TOKEN is valid)."""
        data = read_json(self.root / "admin.json") or {}
        if not data.get("seal_public"):
            from pipeline.web.portal.sealing import public_key
            write_json(self.root / "admin.json", {**data, "seal_public": public_key(token)})

    def is_admin(self, token: str) -> bool:
        stored = (read_json(self.root / "admin.json") or {}).get("token_sha256", "")
        return bool(stored) and bool(token) and len(token) <= 128 and hmac.compare_digest(stored, token_hash(token))

    # -- CSRF ---------------------------------------------------------------------------------
    def csrf_token(self, scope: str) -> str:
        """A form token bound to one link (the hash of its token): a page of town A never
        validates a form posted into town B, and no cookie is needed."""
        return hmac.new(self._secret, f"csrf:{scope}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, scope: str, given: object) -> bool:
        return isinstance(given, str) and hmac.compare_digest(self.csrf_token(scope), given)

    # -- versions -----------------------------------------------------------------------------
    def versions(self, town: Town) -> list[Version]:
        if not town.versions_dir.is_dir():
            return []
        numbers = sorted(int(p.name) for p in town.versions_dir.iterdir() if p.name.isdigit())
        return [Version(n, town.versions_dir / str(n), town) for n in numbers]

    def version(self, town: Town, number: int) -> Version | None:
        """Version NUMBER of TOWN, or None: the number is looked up in the town's own folder."""
        if not isinstance(number, int) or number < 1:
            return None
        return next((v for v in self.versions(town) if v.number == number), None)

    def _next_version(self, town: Town) -> Version:
        town.versions_dir.mkdir(parents=True, exist_ok=True)
        deleted = (read_json(town.folder / "deleted.json") or {}).get("highest", 0)  # never reused
        n = max([v.number for v in self.versions(town)] + [deleted if isinstance(deleted, int) else 0]) + 1
        while True:
            try:
                (town.versions_dir / str(n)).mkdir()
                break
            except FileExistsError:  # two uploads at once: the next free number
                n += 1
        return Version(n, town.versions_dir / str(n), town)

    def new_version(self, town: Town, data: bytes, filename: str) -> Version:
        """Keep an upload as the next version (numbered, timed); the workbook is written before
        the job file, so a job on disk always has its workbook. The text files of the version
        before it (text typed over a placeholder in Word, see new_edited_version) go along: a
        workbook does not hold them, and they would be lost."""
        before = self.versions(town)
        version = self._next_version(town)
        write_bytes(version.upload, data)
        if before:  # and the photos uploaded (fotos/, fotos.yaml): the workbook does not hold them either
            old = before[-1].input_folder
            for text in sorted([*old.glob("*.md"), *old.glob("fotos.yaml"), *old.glob("fotos/*")]):
                if text.is_file() and not text.is_symlink():
                    write_bytes(version.input_folder / text.relative_to(old), text.read_bytes())
        write_json(version.folder / "upload.json", {"uploaded": now(), "filename": filename[:200],
                                                    "bytes": len(data)})
        return version

    def new_edited_version(self, town: Town, sources: Path, docx: bytes, filename: str, base: Version,
                           absorbed: dict) -> Version:
        """Keep an edited draft as the next version: SOURCES, the draft folder of BASE with the
        draft's edits written into it (made beside the town's versions, in the same file
        system), is moved into place whole, then the draft as uploaded and what was taken over."""
        version = self._next_version(town)
        os.replace(sources, version.input_folder)
        write_bytes(version.edited, docx)
        write_json(version.folder / "absorb.json", absorbed)
        write_json(version.folder / "upload.json", {"uploaded": now(), "filename": filename[:200], "bytes": len(docx),
                                                    "kind": "docx", "base": base.number})
        return version

    def uploaded(self, version: Version) -> dict:
        return read_json(version.folder / "upload.json") or {}

    def pending_jobs(self) -> list[Version]:
        """Versions whose job is queued or was running (found on start after a stop)."""
        found = []
        for town in self.towns():
            for v in self.versions(town):
                if v.job().get("state") in ("queued", "running"):
                    found.append(v)
        return found
