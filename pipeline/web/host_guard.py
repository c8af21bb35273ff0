"""Answer only requests addressed to the loopback server itself (against DNS rebinding).

A page on another site can make the author's browser resolve its own name to 127.0.0.1 and
then read the preview as if it were that site; the browser still sends the site's name in
`Host`. So a request is served only when `Host` names the loopback address the server listens
on (localhost, 127.0.0.1 or [::1], bare or with the server's port), and, if it carries an
`Origin`, only when that is one of these addresses too. Everything else gets a short German
text and 421 (wrong host) or 403 (foreign origin).
"""

from __future__ import annotations

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(port: int, bound: str = "127.0.0.1") -> frozenset[str]:
    """The `Host` values a server on BOUND:PORT answers: each loopback name, bare and with the port."""
    bound = f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound
    names = {*LOOPBACK_NAMES, bound.lower()}
    return frozenset(names | {f"{name}:{port}" for name in names})


def allowed_origins(hosts: frozenset[str]) -> frozenset[str]:
    return frozenset(f"http://{host}" for host in hosts)


class HostGuard:
    """ASGI middleware: HTTP and websocket requests whose Host or Origin is not the server's own
    never reach the app."""

    def __init__(self, app, port: int, bound: str = "127.0.0.1"):
        self.app = app
        self.hosts = allowed_hosts(port, bound)
        self.origins = allowed_origins(self.hosts)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
        origins = [v for k, v in scope.get("headers", []) if k == b"origin"]
        if len(hosts) != 1 or hosts[0].decode("latin-1").lower() not in self.hosts:
            return await _refuse(scope, send, 421, "Falsche Adresse: Die Vorschau antwortet nur unter "
                                                   "http://127.0.0.1 oder http://localhost.")
        if len(origins) > 1 or (origins and origins[0].decode("latin-1").lower() not in self.origins):
            return await _refuse(scope, send, 403, "Verboten: Anfragen von anderen Seiten beantwortet die Vorschau nicht.")
        return await self.app(scope, receive, send)


async def _refuse(scope, send, status: int, text: str) -> None:
    if scope["type"] == "websocket":  # closing before accepting refuses the handshake (403)
        await send({"type": "websocket.close", "code": 1008})
        return
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})
