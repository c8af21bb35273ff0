"""The preview's watcher: batches of changed input files below an edition folder, from the
system's change notices (inotify via watchfiles), never by looking at every file.

Looking at every file (the earlier polling) cost a core once an edition folder held thousands
of unused files; a notice costs nothing while nobody saves. On a network share, where the
server sends no notices, set WATCHFILES_FORCE_POLLING=1 (docs/inputs.md, "Limits"). When the
system refuses more notices (its inotify limit), the watcher polls instead and says so once.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

STEP_MS = 50  # a burst of saves (an editor's temp file, then the rename) is one batch
DEBOUNCE_MS = 300  # the longest a batch waits for more changes


def is_input(path: str, folder: Path) -> bool:
    """Whether a changed path can change the build: hidden entries (.absorb/ copies, editors'
    swap files) and office lock files (~$…) are no inputs (sources.input_files)."""
    try:
        parts = Path(path).resolve().relative_to(folder).parts
    except ValueError:
        return False
    return not any(part.startswith((".", "~$")) for part in parts)


def changes(folder: Path, stop: threading.Event) -> Iterator[set[str]]:
    """Each batch of changed input paths below FOLDER until STOP is set."""
    import watchfiles
    folder = Path(folder).resolve()
    keep = lambda change, path: is_input(path, folder)  # noqa: E731
    options = dict(watch_filter=keep, step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop, raise_interrupt=False,
                   rust_timeout=1000)
    try:
        for batch in watchfiles.watch(folder, **options):
            yield {path for _, path in batch}
    except OSError as exc:  # e.g. "OS file watch limit reached"
        if stop.is_set():
            return
        print(f"Preview: the system gives no more change notices ({exc}); looking at the files every "
              "half second instead.", file=sys.stderr)
        try:
            for batch in watchfiles.watch(folder, force_polling=True, poll_delay_ms=500, **options):
                yield {path for _, path in batch}
        except OSError as again:  # the folder itself is gone or unreadable
            print(f"Preview: cannot watch {folder} ({again}); saved changes are no longer shown: "
                  "restart the preview.", file=sys.stderr)
