"""The portal's public address: where the links that `portal add-town` and `admin-link` print lead.

`brochure serve` records it in DIR/address.json each time it starts: the `--base-url` it was
given (the address behind a reverse proxy, e.g. https://strategie.example.de), or else the
address it listens on (http://127.0.0.1:8765). The commands that print links read it from there,
so a link printed in another terminal leads to the server that runs, not to a default port.
An explicit `--base-url` of those commands wins.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.web.portal.store import now, read_json, write_json

FILE = "address.json"
FALLBACK = "http://127.0.0.1:8000"  # serve's default host and port, for a data folder no serve has used


def check_base_url(url: str) -> str:
    """URL without a trailing slash; ValueError if it is not an http(s) address without query or fragment."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"'{url}' is not a base URL such as https://strategie.example.de "
                         "(http or https, a host, no query)")
    return url


def listening_url(host: str, port: int) -> str:
    """The address a server bound to HOST:PORT is reached at (a wildcard host by this machine's name)."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn() or "localhost"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"http://{host}:{port}"


def record(root: Path, url: str, given: bool) -> None:
    """Remember the address the running server is reached at (serve, on start)."""
    write_json(Path(root) / FILE, {"base_url": url, "given": given, "recorded": now()})


def recorded(root: Path) -> str | None:
    return (read_json(Path(root) / FILE) or {}).get("base_url") or None


def base_url(root: Path, given: str | None) -> tuple[str, str]:
    """The address for a printed link, and a note for the terminal when it is only a guess."""
    if given:
        return check_base_url(given), ""
    stored = recorded(root)
    if stored:
        return stored, ""
    return FALLBACK, (f"No 'brochure serve' has used {root} yet, so the link assumes {FALLBACK}. "
                      "Start serve first (with --base-url behind a proxy), or pass --base-url.")
