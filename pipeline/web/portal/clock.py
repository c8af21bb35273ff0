"""Times as the towns read them: stored in ISO 8601 with their offset, shown in the portal's
time zone (Europe/Berlin unless `brochure serve --time-zone` says otherwise), daylight saving
included. zoneinfo reads the system's zone files, or the tzdata package where a bare machine
has none."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Berlin"


def zone(name: str = DEFAULT_ZONE) -> ZoneInfo:
    """The zone called NAME ('Europe/Berlin'); ValueError for a name zoneinfo does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone '{name}' (use a name like Europe/Berlin)") from exc


def shown(iso: str, where: ZoneInfo) -> str:
    """'07.12.2026, 13:11 Uhr' for a stored time; a time without offset counts as UTC."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(where).strftime("%d.%m.%Y, %H:%M Uhr")
