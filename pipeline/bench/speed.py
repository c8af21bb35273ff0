"""`make bench`, the targets of issue 18, each printed as a ratio to its anchor measured in the
same run (never asserted in tests):

- a cold CLI build of the 2012 review against LibreOffice converting that build's DOCX to PDF
  (the route docxtpl and Carbone users take), alternating, medians;
- a second build with unchanged inputs, and one with one Markdown paragraph changed, against
  the cold build;
- a cold `brochure check` against the cold build; `brochure diff` of two build folders
  against half a second;
- the live preview: an edited paragraph's PDF served, against one second;
- `brochure absorb` of the review's DOCX with a paragraph, a quote and a phone number edited,
  against the cold build (the Word round trip).

"Cold" is a fresh process with empty picture and build caches; only the font copies (made once
per font version, like an installation step) are kept. Every command runs as users run it,
`brochure …` in a process of its own.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3
EDITION = Path("inputs/halbzeitbilanz-2012")
EDITED = "text/evaluation.md"


def _run(cmd: list[str], env: dict | None = None, ok=(0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-600:]}")
    return seconds


def _brochure(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args]


def _cold_cache(root: Path) -> dict:
    """An environment whose cache holds only the font copies (linked from the real cache)."""
    from pipeline.render.fonts import cache_root, typst_font_folder
    typst_font_folder()  # made once, as on installation
    shutil.rmtree(root, ignore_errors=True)
    (root / "brochure-pipeline").mkdir(parents=True)
    for entry in cache_root().iterdir():
        if entry.name.startswith(("fonts-", "docx-fonts")):
            (root / "brochure-pipeline" / entry.name).symlink_to(entry)
    return {**os.environ, "BROCHURE_CACHE": str(root)}


def _edited_docx(built: Path, target: Path) -> Path:
    """The built DOCX as a reviewer returns it: a sentence, a quote and a phone number changed."""
    from docx import Document
    doc = Document(str(built))
    for p in doc.paragraphs:
        for r in p.runs:
            for old, new in (("Chefsache", "Sache der Spitze"), ("eine Bereicherung", "eine große Bereicherung"),
                             ("06172 - 999-42 16", "06172 - 999-42 99")):
                if old in r.text:
                    r.text = r.text.replace(old, new)
    doc.save(str(target))
    return target


def _edit(folder: Path, n: int) -> None:
    md = folder / EDITED
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace("Modellregionen", f"Modellregionen (Fassung {n})", 1), encoding="utf-8")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _ratio(label: str, value: float, anchor: float, anchor_label: str, target: float) -> None:
    ratio = value / anchor
    verdict = "met" if ratio <= target else "NOT met"
    print(f"speed: {label} {value:.2f} s = {ratio:.2f}× {anchor_label} ({anchor:.2f} s); target ≤ {target}× — {verdict}",
          flush=True)


def bench_builds(rounds: int = ROUNDS) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        folder = root / EDITION.name
        shutil.copytree(EDITION, folder)
        original = (folder / EDITED).read_bytes()
        soffice = _soffice()
        lo_profile = root / "lo-profile"
        reference = root / "reference"
        subprocess.run(_brochure("build", str(folder), "--out", str(reference)), capture_output=True, check=False)
        docx = reference / f"{folder.name}.docx"
        edited = _edited_docx(docx, root / "edited.docx")

        def libreoffice() -> float:
            return _run([soffice, f"-env:UserInstallation={lo_profile.as_uri()}", "--headless", "--convert-to", "pdf",
                         "--outdir", str(root / "lo-out"), str(docx)])
        if soffice:
            libreoffice()  # its first start writes the profile; not counted
        times: dict[str, list[float]] = {k: [] for k in ("lo", "cold", "same", "edit", "check", "diff", "absorb")}
        for n in range(rounds):
            (folder / EDITED).write_bytes(original)
            env = _cold_cache(root / "cache")
            if soffice:
                times["lo"].append(libreoffice())
            out = root / f"out-{n}"
            times["cold"].append(_run(_brochure("build", str(folder), "--out", str(out)), env))
            times["same"].append(_run(_brochure("build", str(folder), "--out", str(out)), env))
            _edit(folder, n)
            times["edit"].append(_run(_brochure("build", str(folder), "--out", str(root / f"edit-{n}")), env))
            times["check"].append(_run(_brochure("check", str(folder)), _cold_cache(root / "cache")))
            times["diff"].append(_run(_brochure("diff", str(out), str(root / f"edit-{n}")), env, ok=(0, 1)))
            (folder / EDITED).write_bytes(original)  # the sources the edited DOCX was built from
            times["absorb"].append(_run(_brochure("absorb", str(folder), str(edited)), _cold_cache(root / "cache"),
                                        ok=(0,)))
        m = {k: statistics.median(v) for k, v in times.items() if v}
        print(f"speed: {folder.name}, {rounds} rounds alternating, medians; cold = fresh process, empty picture "
              f"and build caches", flush=True)
        if soffice:
            _ratio("cold brochure build", m["cold"], m["lo"], "soffice --headless --convert-to pdf of its DOCX", 0.5)
        else:
            print(f"speed: cold brochure build {m['cold']:.2f} s; soffice is not installed, so the LibreOffice "
                  "ratio is not measured (apt-get install libreoffice-writer-nogui)", flush=True)
        _ratio("second build, inputs unchanged", m["same"], m["cold"], "the cold build", 0.2)
        _ratio("build after one Markdown paragraph changed", m["edit"], m["cold"], "the cold build", 0.5)
        _ratio("cold brochure check", m["check"], m["cold"], "the cold build", 0.3)
        _ratio("brochure diff of two build folders", m["diff"], 0.5, "the 0.5 s budget", 1.0)
        _ratio("brochure absorb of an edited 48-page review", m["absorb"], m["cold"], "the cold build", 0.5)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_preview(edits: int = 5) -> None:
    """The preview in this process, as `brochure preview` runs it: time from saving an edited
    paragraph to its PDF being served."""
    from pipeline.web.preview import Preview, wait_for
    root = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    preview = None
    try:
        folder = root / EDITION.name
        shutil.copytree(EDITION, folder)
        preview = Preview(folder).start()
        wait_for(preview, lambda s: s.pdf_version >= 1 and not s.building, timeout=300)
        shown = []
        for n in range(edits):
            before = preview.state.pdf_version
            start = time.perf_counter()
            _edit(folder, n)
            wait_for(preview, lambda s, before=before: s.pdf_version > before, timeout=120)
            shown.append(time.perf_counter() - start)
            wait_for(preview, lambda s: not s.building, timeout=120)  # its output checks, then the next edit
        _ratio(f"preview: edited paragraph served (median of {edits})", statistics.median(shown), 1.0,
               "the 1 s budget", 1.0)
    finally:
        if preview is not None:
            preview.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    bench_builds()
    bench_preview()


if __name__ == "__main__":
    main()
