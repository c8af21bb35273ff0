"""The access log without the private links: uvicorn logs each request's path, and a town's
path holds its token (/t/<token>/v/13). The filter writes the town's id in its place
(/t/[musterstadt]/v/13), or for a link that opens no town its first four characters
(/t/[1d7P…]/); the ministry's link becomes /admin/[…]/. Under systemd the log goes to the
journal, which more people read than the data folder."""

from __future__ import annotations

import logging
import re

PRIVATE = re.compile(r"/(t|admin)/([^/?#\s\"]+)")


class HideTokens(logging.Filter):
    def __init__(self, town_of=None):
        """TOWN_OF(token) gives a town's id or None (e.g. from Store.town_for_token)."""
        super().__init__()
        self.town_of = town_of

    def hide(self, text: str) -> str:
        def one(m: re.Match) -> str:
            kind, token = m.group(1), m.group(2)
            if kind == "admin":
                return "/admin/[…]"
            town = None
            if self.town_of is not None:
                try:
                    town = self.town_of(token)
                except Exception:  # a log line is never worth an error
                    town = None
            return f"/t/[{town}]" if town else f"/t/[{token[:4]}…]"
        return PRIVATE.sub(one, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.hide(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self.hide(a) if isinstance(a, str) else a for a in record.args)
        return True


def town_home(path: str) -> str:
    """A link from PATH (under /t/<token>/) back to the town's page that does not repeat the
    token: relative, '../../' from /t/<token>/v/3/name, './' from /t/<token>/vergleich."""
    rest = path.split("/", 3)[3] if path.count("/") >= 3 else ""
    return "../" * rest.count("/") or "./"
