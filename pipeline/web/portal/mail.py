"""An e-mail to the town when its draft is ready (optional, off until the ministry configures it).

The ministry configures it in DIR/mail.toml (a file of its own: other settings live elsewhere):

    [smtp]
    host = "mail.example.de"
    port = 587
    security = "starttls"          # "starttls", "tls" (SMTPS, port 465) or "none" (loopback only)
    user = "strategie-portal"      # optional
    password_file = "/run/credentials/brochure-portal.service/smtp"   # or:
    password_env = "BROCHURE_SMTP_PASSWORD"
    sender = "Strategie-Portal <strategie@example.de>"
    timeout = 20
    ca_file = "/etc/ssl/certs/landesnetz-ca.pem"   # optional: a CA of its own for the mail server

    [mail]
    include_link = false           # the town's private link in the mail
    portal_url = "https://strategie.example.de"   # needed for include_link

Who gets it: the address the ministry set for the town (`brochure portal notify TOWN
--email …`, kept in its town.json as "notify"). Never an address from the uploaded workbook:
anyone with the link can type any address there, and the portal would send official mail, or
the private link, wherever they like.

The link: the portal stores only the hash of a town's token, so it knows the token only while
the upload's request holds it. `remember()` keeps it in memory (never on disk) until the job
ends; after a restart between upload and draft, that mail goes out without the link.

Sending never blocks or breaks a build: the job's end hands the mail to a thread of its own,
and any failure (no connection, refused login, a bad address) is logged, with the town's id
and version, never the token, the link or the password.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import smtplib
import ssl
import threading
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from pipeline.web.portal.store import Store, Version, read_json, write_json

SETTINGS = "mail.toml"
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
log = logging.getLogger("brochure.portal.mail")


@dataclass
class Settings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    timeout: float
    ca_file: str | None
    include_link: bool
    portal_url: str | None


def load_settings(root: Path) -> Settings | None:
    """DIR/mail.toml, or None when there is none (no mail is sent). A broken file is an error."""
    path = Path(root) / SETTINGS
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    smtp, mail = data.get("smtp", {}), data.get("mail", {})
    security = smtp.get("security", "starttls")
    if security not in ("starttls", "tls", "none"):
        raise ValueError(f"{path}: security is \"starttls\", \"tls\" or \"none\", not {security!r}")
    if not smtp.get("host") or not smtp.get("sender"):
        raise ValueError(f"{path}: [smtp] needs host and sender")
    password = None
    if smtp.get("password_file"):
        password = Path(smtp["password_file"]).read_text(encoding="utf-8").strip()
    elif smtp.get("password_env"):
        password = os.environ.get(smtp["password_env"])
        if password is None:
            raise ValueError(f"{path}: the environment has no {smtp['password_env']}")
    if "password" in smtp:
        raise ValueError(f"{path}: give password_file or password_env, not the password itself")
    port = int(smtp.get("port", {"starttls": 587, "tls": 465, "none": 25}[security]))
    url = mail.get("portal_url")
    return Settings(host=smtp["host"], port=port, security=security, user=smtp.get("user"), password=password,
                    sender=smtp["sender"], timeout=float(smtp.get("timeout", 20)), ca_file=smtp.get("ca_file"),
                    include_link=bool(mail.get("include_link", False)), portal_url=url.rstrip("/") if url else None)


# -- per town --------------------------------------------------------------------------------------
def town_address(store: Store, town) -> str | None:
    return ((read_json(town.folder / "town.json") or {}).get("notify") or {}).get("email")


def set_town_address(store: Store, town, email: str | None) -> None:
    if email is not None and not ADDRESS.match(email):
        raise ValueError(f"not an e-mail address: {email!r}")
    data = read_json(town.folder / "town.json") or {}
    data["notify"] = {"email": email}
    write_json(town.folder / "town.json", data)


# -- the message (German) --------------------------------------------------------------------------
SUBJECT = {"ready": "Ihr Strategie-Entwurf ist fertig (Version {n})",
           "errors": "Ihre Arbeitsmappe wurde geprüft (Version {n}): bitte Fehler beheben",
           "failed": "Ihr Strategie-Entwurf konnte nicht erstellt werden (Version {n})"}
BODY = {"ready": "der Entwurf Ihrer Integrationsstrategie aus Version {n} ist fertig: {filled} von {sections} "
                 "Abschnitten sind ausgefüllt{notes}. Sie können ihn jetzt als Word-Datei und als PDF herunterladen.",
        "errors": "Ihre Arbeitsmappe (Version {n}) wurde geprüft. Sie enthält {errors} "
                  "{errors_word}, darum wurde noch kein Entwurf erstellt. Auf der Seite der Version steht zu jedem "
                  "Fehler, in welchem Blatt, welcher Zeile und Spalte er steht und was zu tun ist.",
        "failed": "die Erstellung Ihres Entwurfs aus Version {n} ist abgebrochen. Bitte laden Sie die Arbeitsmappe "
                  "noch einmal hoch. Wenn es wieder nicht gelingt, wenden Sie sich bitte an das Ministerium."}


def compose(settings: Settings, to: str, town_name: str, version: int, outcome: str, summary: dict,
            link: str | None) -> EmailMessage:
    errors = summary.get("errors", 0)
    warnings = summary.get("warnings", 0)
    text = BODY[outcome].format(n=version, filled=summary.get("filled", "?"), sections=summary.get("sections", "?"),
                                notes=f"; {warnings} {'Hinweis' if warnings == 1 else 'Hinweise'}" if warnings else "",
                                errors=errors, errors_word="Fehler")
    where = (f"Zum Entwurf: {link}\n\nDieser Link ist Ihr persönlicher Zugang. Bitte leiten Sie diese E-Mail nur an "
             "Personen weiter, die am Entwurf mitarbeiten." if link else
             "Öffnen Sie das Portal über den Link, den Sie vom Ministerium erhalten haben. Aus Sicherheitsgründen "
             "enthält diese E-Mail ihn nicht.")
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = SUBJECT[outcome].format(n=version)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1].strip("> ") or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(f"Guten Tag,\n\n{text}\n\n{where}\n\n"
                    f"Mit freundlichen Grüßen\nIhr Strategie-Portal ({town_name})\n\n"
                    "Diese E-Mail wurde automatisch versandt. Bitte antworten Sie nicht darauf.\n")
    return msg


def send(settings: Settings, msg: EmailMessage) -> None:
    context = ssl.create_default_context(cafile=settings.ca_file)  # verifies the server's certificate
    cls = smtplib.SMTP_SSL if settings.security == "tls" else smtplib.SMTP
    kwargs = {"context": context} if settings.security == "tls" else {}
    with cls(settings.host, settings.port, timeout=settings.timeout, **kwargs) as smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(msg)


# -- in the server ---------------------------------------------------------------------------------
class Notifier:
    """Takes the end of each job (JobPool listeners) and sends its mail from a thread of its own."""

    def __init__(self, store: Store):
        self.store = store
        if not log.handlers and not logging.getLogger().handlers:  # under uvicorn: beside its own lines
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
            log.addHandler(handler)
            log.setLevel(logging.INFO)
        self._links: dict[str, str] = {}  # version folder → token, in memory only
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=1000)
        self._thread: threading.Thread | None = None
        self.sent = 0  # for tests and the log
        self.failed = 0

    def remember(self, version: Version, token: str) -> None:
        with self._lock:
            self._links[str(version.folder)] = token

    def job_finished(self, version: Version, state: str, summary: dict | None) -> None:
        """Called from the job dispatcher: never blocks, never raises."""
        token = None
        with self._lock:
            token = self._links.pop(str(version.folder), None)
        try:
            self._queue.put_nowait((version, state, summary or {}, token))
        except queue.Full:
            log.warning("mail queue full; no mail for %s version %s", version.town.id, version.number)
            return
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="portal-mail", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                self._deliver(*item)
            except Exception as exc:  # never the token: the message of smtplib holds none, the link is ours
                self.failed += 1
                version = item[0]
                log.warning("mail for %s version %s not sent: %s", version.town.id, version.number,
                            _clean(f"{exc.__class__.__name__}: {exc}", item[3]))
            finally:
                self._queue.task_done()

    def _deliver(self, version: Version, state: str, summary: dict, token: str | None) -> None:
        settings = load_settings(self.store.root)
        if settings is None:
            return
        to = town_address(self.store, version.town)
        if not to:
            return
        outcome = "failed" if state != "done" else summary.get("outcome", "ready")
        if outcome not in SUBJECT:
            return
        result = version.result() or {}
        sections = result.get("sections", [])
        counts = {"errors": result.get("errors", summary.get("errors", 0)),
                  "warnings": result.get("warnings", summary.get("warnings", 0)),
                  "filled": sum(s.get("state") == "filled" for s in sections), "sections": len(sections)}
        link = None
        if settings.include_link and token and settings.portal_url:
            link = f"{settings.portal_url}/t/{token}/v/{version.number}"
        send(settings, compose(settings, to, version.town.name, version.number, outcome, counts, link))
        self.sent += 1
        log.info("mail for %s version %s sent (%s)", version.town.id, version.number, outcome)

    def wait(self, timeout: float = 10) -> None:
        """For tests: until the queued mails are handled."""
        import time
        end = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < end:
            time.sleep(0.05)


def _clean(text: str, token: str | None) -> str:
    return text.replace(token, "[token]") if token else text
