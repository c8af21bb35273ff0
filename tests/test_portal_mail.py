"""The e-mail to a town when its draft is ready, against a real SMTP server on loopback (aiosmtpd):
STARTTLS, login, German text, no private link unless switched on, never blocking a build."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("httpx")
aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from portal_server import free_port  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.web.portal.app import create_app  # noqa: E402
from pipeline.web.portal.mail import Notifier, compose, load_settings, set_town_address  # noqa: E402
from pipeline.web.portal.store import Store, write_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAINTAL = (ROOT / "inputs/kommunen/maintal/strategie.xlsx").read_bytes()
ADDRESS = "integration@maintal.example"


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _check_login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"portal" and auth_data.password == b"geheim-123"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp(tmp_path):
    """An SMTP server on 127.0.0.1 that requires STARTTLS and a login, with a certificate of its own."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=_check_login, auth_require_tls=True)
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def _settings(root: Path, port: int, cert: Path, **mail) -> None:
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "starttls"', 'user = "portal"',
             'password_env = "TEST_SMTP_PASSWORD"', 'sender = "Strategie-Portal <strategie@ministerium.example>"',
             f'ca_file = "{cert}"', "timeout = 5", "", "[mail]"]
    lines += [f"{k} = {v!r}".replace("True", "true").replace("False", "false").replace("'", '"') for k, v in mail.items()]
    (root / "mail.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _upload_and_wait(client, store, token) -> int:
    page = client.get(f"/t/{token}/").text
    r = client.post(f"/t/{token}/hochladen", data={"csrf": _csrf(page)},
                    files={"arbeitsmappe": ("strategie.xlsx", MAINTAL)}, follow_redirects=False)
    assert r.status_code == 303
    n = int(r.headers["location"].rsplit("/", 1)[1])
    version = store.version(store.find("Maintal"), n)
    end = time.monotonic() + 300
    while version.job().get("state") not in ("done", "failed"):
        assert time.monotonic() < end, version.job()
        time.sleep(0.1)
    return n


def test_a_town_gets_a_german_mail_when_its_draft_is_ready_and_the_link_only_if_switched_on(tmp_path, smtp, monkeypatch):
    inbox, port, cert = smtp
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "geheim-123")
    data = tmp_path / "data"
    store = Store(data)
    _, token = store.add_town("Maintal")
    store.add_town("Rodgau")  # no address: no mail
    runner = CliRunner()
    r = runner.invoke(main, ["portal", "notify", "Maintal", "--email", ADDRESS, "--data", str(data)])
    assert r.exit_code == 0 and f"mail to {ADDRESS}" in r.output
    assert runner.invoke(main, ["portal", "notify", "Rodgau", "--email", "kein-name", "--data", str(data)]).exit_code == 1
    _settings(data, port, cert)
    r = runner.invoke(main, ["portal", "mail-test", "it@ministerium.example", "--data", str(data)])
    assert r.exit_code == 0, r.output
    assert inbox.messages.pop()["Subject"] == "Testnachricht des Strategie-Portals"
    inbox.envelopes.clear()

    app = create_app(data, workers=1)
    portal = app.state.portal
    with TestClient(app) as client:
        n = _upload_and_wait(client, store, token)
        portal.notifier.wait()
        assert len(inbox.messages) == 1
        msg, envelope = inbox.messages[0], inbox.envelopes[0]
        assert envelope.rcpt_tos == [ADDRESS] and msg["To"] == ADDRESS
        assert msg["Subject"] == f"Ihr Strategie-Entwurf ist fertig (Version {n})"
        body = msg.get_content()
        assert re.search(r"\d von 9 Abschnitten sind ausgefüllt", body)
        assert "enthält diese E-Mail ihn nicht" in body
        assert token not in msg.as_string() and "/t/" not in body  # no private link by default

        _settings(data, port, cert, include_link=True, portal_url="https://strategie.example.de/")
        n = _upload_and_wait(client, store, token)
        portal.notifier.wait()
        assert len(inbox.messages) == 2
        body = inbox.messages[1].get_content()
        assert f"https://strategie.example.de/t/{token}/v/{n}" in body and "persönlicher Zugang" in body


def _version_with_result(store: Store, town, outcome: str = "ready"):
    v = store.new_version(town, b"workbook", "strategie.xlsx")
    write_json(v.folder / "result.json", {"outcome": outcome, "errors": 2 if outcome == "errors" else 0, "warnings": 1,
                                          "sections": [{"state": "filled"}] * 7 + [{"state": "placeholder"}] * 2})
    write_json(v.folder / "job.json", {"state": "done"})
    return v


def test_a_failing_mail_server_is_logged_without_the_token_and_blocks_nothing(tmp_path, smtp, monkeypatch, caplog):
    inbox, port, cert = smtp
    data = tmp_path / "data"
    store = Store(data)
    town, token = store.add_town("Maintal")
    set_town_address(store, town, ADDRESS)
    notifier = Notifier(store)
    caplog.set_level(logging.INFO, logger="brochure.portal.mail")
    # a wrong password, then no server at all: each costs its own thread's time, never the caller's
    for password, to_port in (("falsch", port), ("geheim-123", free_port())):
        monkeypatch.setenv("TEST_SMTP_PASSWORD", password)
        _settings(data, to_port, cert, include_link=True, portal_url="https://strategie.example.de")
        v = _version_with_result(store, town)
        notifier.remember(v, token)
        start = time.monotonic()
        notifier.job_finished(v, "done", {"outcome": "ready"})
        assert time.monotonic() - start < 0.1
        notifier.wait()
    assert notifier.failed == 2 and notifier.sent == 0 and not inbox.messages
    logged = caplog.text
    assert "mail for maintal version 1 not sent: SMTPAuthenticationError" in logged
    assert "mail for maintal version 2 not sent: ConnectionRefusedError" in logged
    assert token not in logged and "geheim" not in logged and "falsch" not in logged
    # a listener that raises does not stop a job's end either
    from pipeline.web.portal.jobs import JobPool
    pool = JobPool(store, workers=1)

    def broken(*args):
        raise RuntimeError("listener broken")
    pool.listeners[:] = [broken, notifier.job_finished]
    v = _version_with_result(store, town)
    write_json(v.folder / "job.json", {"state": "running"})
    pool._finish(v, "done", summary={"outcome": "ready"})
    assert v.job()["state"] == "done"
    notifier.wait()
    assert notifier.failed == 3  # it was still handed on (and failed: the password is wrong)
    # the errors outcome has its own German text
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "geheim-123")
    _settings(data, port, cert)
    v = _version_with_result(store, town, "errors")
    notifier.job_finished(v, "done", {"outcome": "errors"})
    notifier.wait()
    msg = inbox.messages[-1]
    assert msg["Subject"] == "Ihre Arbeitsmappe wurde geprüft (Version 4): bitte Fehler beheben"
    assert "enthält 2 Fehler" in msg.get_content()


def test_settings_refuse_a_password_in_the_file_and_no_file_means_no_mail(tmp_path):
    assert load_settings(tmp_path) is None
    (tmp_path / "mail.toml").write_text('[smtp]\nhost = "h"\nsender = "s@x.de"\npassword = "klartext"\n')
    with pytest.raises(ValueError, match="password_file or password_env"):
        load_settings(tmp_path)
    pw = tmp_path / "pw"
    pw.write_text("aus-datei\n")
    (tmp_path / "mail.toml").write_text(f'[smtp]\nhost = "h"\nsender = "s@x.de"\nuser = "u"\npassword_file = "{pw}"\n')
    settings = load_settings(tmp_path)
    assert settings.password == "aus-datei" and settings.port == 587 and not settings.include_link
    msg = compose(settings, ADDRESS, "Maintal", 4, "failed", {}, None)
    assert msg["Subject"] == "Ihr Strategie-Entwurf konnte nicht erstellt werden (Version 4)"
    assert msg["Auto-Submitted"] == "auto-generated"
