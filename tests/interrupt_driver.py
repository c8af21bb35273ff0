"""`brochure build` as the CLI runs it, with one phase made slow and announced on stderr
("PHASE name"), so that a test can send Ctrl+C (SIGINT) while the build is in that phase.

    python tests/interrupt_driver.py PHASE brochure-args...

PHASE: load (reading the inputs), typst (a Typst compile in its worker thread that takes long),
writing (between two built files), commit (while the new set is swapped in)."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's pipeline, not an installed one

STALL = 60.0  # far longer than the tests wait: only Ctrl+C ends the build in time


def _announce(name: str) -> None:
    print(f"PHASE {name}", file=sys.stderr, flush=True)


def _install(phase: str) -> None:
    if phase == "load":
        import pipeline.build as build
        real = build.load_edition

        def load_edition(*a, **kw):
            _announce("load")
            time.sleep(STALL)
            return real(*a, **kw)
        build.load_edition = load_edition
    elif phase == "typst":
        from pipeline import runner
        real = runner.RENDERERS["pdf"].render

        def render(doc, job):
            data = real(doc, job)
            _announce("typst")
            time.sleep(STALL)  # a compile that goes on, GIL released, in the worker thread
            return data
        runner.RENDERERS["pdf"] = dataclasses.replace(runner.RENDERERS["pdf"], render=render)
    elif phase == "writing":
        from pipeline import write_outputs
        real = write_outputs._write
        written = []

        def write(path, data, mode):
            if written:
                _announce("writing")
                time.sleep(STALL)
            written.append(path)
            return real(path, data, mode)
        write_outputs._write = write
    elif phase == "commit":
        from pipeline import write_outputs
        real = write_outputs._exchange

        def exchange(a, b):
            _announce("commit")
            time.sleep(3.0)  # the signal arrives in here
            return real(a, b)
        write_outputs._exchange = exchange
    else:
        raise SystemExit(f"unknown phase {phase}")


if __name__ == "__main__":
    _install(sys.argv[1])
    from pipeline.cli import main
    sys.argv = ["brochure", *sys.argv[2:]]
    main()
