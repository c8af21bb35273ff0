"""A request body read with a limit: counted as it arrives, since Content-Length is not trusted."""

from __future__ import annotations


class BodyTooLarge(Exception):
    pass


def limited(receive, limit: int):
    """RECEIVE that raises BodyTooLarge once the body passes LIMIT bytes."""
    seen = 0

    async def inner():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message
    return inner
