"""`brochure preview EDITION`: the PDF rebuilt on every save, shown in a browser tab that
reloads by itself, with the findings beside it.

One process keeps everything warm: the Typst compiler (pdf.Typesetter, whose memo makes a
re-typeset after a local edit cost the pages it touches), the prepared pictures (artwork's
cache) and every imported module. A watcher thread (pipeline/web/watch.py) waits for the
system's change notices on the edition folder and rebuilds when a file changed: inputs → checks
→ PDF, then the PDF's output checks. Input errors are shown on the page and the last good PDF
stays served; nothing is written to the edition or the output folder (`brochure build` writes
the files).

The server listens on 127.0.0.1 only and answers only requests addressed to it by a loopback
name (host_guard.py: no DNS rebinding). Its routes are fixed; nothing from a request becomes a
path or reaches the build.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
SEVERITY = {"error": "Fehler", "warning": "Hinweis"}


@dataclass
class State:
    pdf: bytes | None = None  # the last good PDF
    pdf_version: int = 0
    version: int = 0  # any change of what the page shows
    findings: list = field(default_factory=list)
    building: bool = False
    seconds: float | None = None  # inputs → PDF of the last build
    pages: int | None = None
    failure: str = ""  # why the last build gave no PDF (German)
    title: str = ""


class Preview:
    """Builds the edition's PDF whenever its files change; the server reads `state`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.state = State()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self._stop = threading.Event()
        self._artwork = None

    def rebuild(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from pipeline.build import collect
        from pipeline.errors import InputError
        from pipeline.verify.read_back import page_count
        start = time.perf_counter()
        self._set(building=True)
        typesetting = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview-typst") as pool:
            # Typst (which releases the GIL) sets the assembled tree while the input checks run;
            # the PDF is shown only if they find no error.
            try:
                loaded = collect(self.folder, while_checking=lambda ld: typesetting.append(pool.submit(self._pdf, ld)))
            except InputError as exc:
                return self._set(findings=exc.findings, failure="Die Ausgabe kann nicht gelesen werden.",
                                 building=False)
            except Exception as exc:  # noqa: BLE001 (a bug must show on the page, not end the preview)
                return self._set(findings=[], failure=f"Interner Fehler: {exc.__class__.__name__}", building=False)
            findings = list(loaded.report.findings)
            self._set(title=loaded.edition.title)
            if loaded.report.errors:
                return self._set(findings=findings, building=False,
                                 failure="Die Eingaben haben Fehler; gezeigt wird das letzte fehlerfreie PDF.")
            try:
                pdf = typesetting[0].result()
            except InputError as exc:
                return self._set(findings=findings + exc.findings, building=False,
                                 failure="Das PDF konnte nicht gesetzt werden; gezeigt wird das letzte fehlerfreie PDF.")
            except Exception as exc:  # noqa: BLE001
                return self._set(findings=findings, failure=f"Interner Fehler: {exc.__class__.__name__}",
                                 building=False)
        self._set(pdf=pdf, findings=findings, seconds=time.perf_counter() - start, pages=page_count(pdf), failure="",
                  new_pdf=True)
        try:  # the PDF's own checks (contents, page budgets, nothing lost, accessibility) follow
            from pipeline.verify.outputs import check_outputs, expected_of
            extra = check_outputs(expected_of(loaded.edition, loaded.records, loaded.document), loaded.document,
                                  None, pdf)
        except Exception:  # noqa: BLE001
            extra = []
        self._set(findings=findings + extra, building=False)

    def _pdf(self, loaded) -> bytes:
        from pipeline.render.artwork import Artwork
        from pipeline.render.pdf import render_pdf
        ed = loaded.edition
        if self._artwork is None or self._artwork.folder != ed.folder:
            self._artwork = Artwork.of(ed.folder, ed.template)
        return render_pdf(loaded.document, ed.template.typst, ed.folder, ed.pages, ed.template.spec.multiple_of,
                          self._artwork)

    def _set(self, new_pdf: bool = False, **changes) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self.state, name, value)
            if new_pdf:
                self.state.pdf_version += 1
            self.state.version += 1
            self.changed.notify_all()

    def watch(self) -> None:
        """Rebuild now and after every change, until stop()."""
        from pipeline.web.watch import changes
        self.rebuild()
        for _ in changes(self.folder, self._stop):
            self.rebuild()  # changes saved during the build come as the next batch

    def start(self) -> "Preview":
        threading.Thread(target=self.watch, name="preview-watch", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()


# ------------------------------------------------------------------------------------ the page
PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vorschau: {title}</title>
<link rel="stylesheet" href="/static/preview.css">
<script src="/static/preview.js" defer></script>
</head>
<body data-version="{version}" data-pdf="{pdf_version}">
<header><h1>Vorschau: {title}</h1>
<p id="stand" role="status" aria-live="polite">{status}</p></header>
<main>
<section class="pdf" aria-label="PDF der Broschüre">{frame}</section>
<section class="befunde" aria-labelledby="befunde-titel" tabindex="0">
<h2 id="befunde-titel">Befunde</h2>
<div id="befunde">{findings}</div>
</section>
</main>
<noscript><p>Ohne JavaScript lädt die Seite nicht von selbst neu: Laden Sie sie nach dem Speichern neu.</p></noscript>
</body>
</html>
"""


def _status(s: State) -> str:
    parts = []
    if s.building:
        parts.append("Wird neu erstellt …")
    if s.failure:
        parts.append(s.failure)
    if s.pdf is not None and s.seconds is not None:
        seconds = f"{s.seconds:.2f}".replace(".", ",")
        parts.append(f"PDF Nr. {s.pdf_version}: {s.pages} Seiten, erstellt in {seconds} s.")
    elif s.pdf is None and not s.building and not s.failure:
        parts.append("Noch kein PDF.")
    return " ".join(parts)


def findings_html(findings: list) -> str:
    """The findings as an escaped HTML list, errors first, in German where a wording exists."""
    from pipeline.web.portal.findings_de import german
    if not findings:
        return "<p>Keine Befunde.</p>"
    ordered = [f for f in findings if f.severity == "error"] + [f for f in findings if f.severity != "error"]
    items = []
    for f in ordered:
        de = german(f)
        message, hint = (de.message, de.hint) if de.known else (f.message, f.hint)
        items.append(
            f'<li class="{html.escape(f.severity)}"><p><strong>{SEVERITY.get(f.severity, f.severity)}</strong> '
            f'<code>{html.escape(f.code)}</code> {html.escape(str(f.location))}</p>'
            f"<p>{html.escape(message)}</p>" + (f'<p class="hint">{html.escape(hint)}</p>' if hint else "") + "</li>")
    errors = sum(f.severity == "error" for f in findings)
    return (f"<p>{errors} Fehler, {len(findings) - errors} Hinweise.</p>"
            f'<ul class="findings">{"".join(items)}</ul>')


def page(preview: Preview, title: str) -> str:
    s = preview.state
    title = s.title or title
    frame = (f'<iframe id="pdf" title="PDF der Broschüre" src="/pdf?v={s.pdf_version}"></iframe>' if s.pdf is not None
             else '<p id="pdf">Das PDF wird erstellt …</p>')
    return PAGE.format(title=html.escape(title), version=s.version, pdf_version=s.pdf_version, status=html.escape(_status(s)),
                       frame=frame, findings=findings_html(s.findings))


HEADERS = {"content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                                      "frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
           "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store"}
STATIC = {"preview.css": "text/css", "preview.js": "text/javascript"}


def create_app(preview: Preview, title: str, port: int):
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    async def index(request):
        return HTMLResponse(page(preview, title), headers=HEADERS)

    async def pdf(request):
        data = preview.state.pdf
        if data is None:
            return Response("Noch kein PDF.", status_code=404, media_type="text/plain; charset=utf-8", headers=HEADERS)
        return Response(data, media_type="application/pdf",
                        headers={"x-content-type-options": "nosniff", "cache-control": "no-store",
                                 "content-security-policy": "frame-ancestors 'self'",
                                 "content-disposition": 'inline; filename="vorschau.pdf"'})

    async def status(request):
        s = preview.state
        return JSONResponse({"version": s.version, "pdf_version": s.pdf_version, "building": s.building,
                             "status": _status(s), "errors": sum(f.severity == "error" for f in s.findings),
                             "findings": len(s.findings)}, headers=HEADERS)

    async def findings(request):
        return HTMLResponse(findings_html(preview.state.findings), headers=HEADERS)

    def static(name: str):
        body = (HERE / "preview_static" / name).read_bytes()

        async def serve(request):
            return Response(body, media_type=STATIC[name], headers=HEADERS)
        return serve

    routes = [Route("/", index), Route("/pdf", pdf), Route("/status", status), Route("/befunde", findings)]
    routes += [Route(f"/static/{name}", static(name)) for name in STATIC]
    from pipeline.web.host_guard import HostGuard
    return HostGuard(Starlette(routes=routes), port)


def serve(folder: Path, port: int = 8001, echo=print) -> None:
    """Watch FOLDER and serve its preview on 127.0.0.1:PORT until interrupted."""
    import uvicorn
    folder = Path(folder)
    preview = Preview(folder).start()
    title = folder.resolve().name
    echo(f"Preview of {title}: http://127.0.0.1:{port}/ (rebuilt on every save; Ctrl+C ends it)")
    try:
        uvicorn.run(create_app(preview, title, port), host="127.0.0.1", port=port, log_level="warning", server_header=False)
    finally:
        preview.stop()


def wait_for(preview: Preview, test, timeout: float = 60.0) -> State:
    """Block until test(state) holds (for the tests and the bench)."""
    deadline = time.monotonic() + timeout
    with preview.changed:
        while not test(preview.state):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(json.dumps({"version": preview.state.version, "building": preview.state.building}))
            preview.changed.wait(left)
        return preview.state
