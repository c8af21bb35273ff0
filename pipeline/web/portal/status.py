"""What the page of a version in the making says, in the page and in its status answer
(`/t/<token>/v/<n>/status`, polled by static/portal.js into an aria-live region)."""

from __future__ import annotations


def queue_text(state: str, position: int | None) -> str:
    """Where the job stands, in German, singular and plural right: POSITION is 1 for the next
    job to start, None when it is not waiting."""
    if state == "running":
        return "Ihr Entwurf wird gerade erstellt."
    if position is None:  # queued, but not (yet) in this server's queue: just after a restart
        return "Ihr Auftrag wartet in der Warteschlange."
    ahead = position - 1
    if ahead == 0:
        return "Ihr Auftrag ist als nächster an der Reihe."
    if ahead == 1:
        return "Vor Ihnen ist noch 1 Auftrag in der Warteschlange."
    return f"Vor Ihnen sind noch {ahead} Aufträge in der Warteschlange."


def status(state: str, position: int | None) -> dict:
    """The status answer: 'done' once the page has a result to show (finished or failed)."""
    waiting = state in ("queued", "running")
    return {"state": state, "done": not waiting, "text": queue_text(state, position) if waiting else ""}
