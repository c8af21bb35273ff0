"""What absorb found, for the terminal (English, like every CLI message) and as a German HTML
report an editor can work through (autoescaped: every text in it is data)."""

from __future__ import annotations

import re
from itertools import groupby

from pipeline.absorb.run import Absorbed


def _order(taken) -> tuple:
    """Source by source, and in a file by line or row number ('x.md:7' before 'x.md:15')."""
    parts = re.split(r"(\d+)", taken.place)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def terminal(result: Absorbed, applied: bool) -> str:
    plan = result.plan
    lines = []
    if plan.taken:
        lines.append(f"Changes taken over ({len(plan.taken)}), by source:")
        for source, items in groupby(sorted(plan.taken, key=_order), key=lambda t: t.place):
            lines.append(f"  {source}")
            for t in items:
                lines.append(f"      {t.where}")
                lines.append(f"      {t.change}")
    else:
        lines.append("No changes to take over.")
    if plan.not_taken:
        lines.append(f"\nNot taken over ({len(plan.not_taken)}):")
        for n in plan.not_taken:
            lines.append(f"  {n.where}")
            if n.change:
                lines.append(f"      {n.change}")
            lines.append(f"      why: {n.why}")
    if plan.conflicts:
        lines.append(f"\nConflicts ({len(plan.conflicts)}), the sources keep their text:")
        for c in plan.conflicts:
            lines.append(f"  {c.where}\n      {c.change}\n      {c.why}")
    if plan.comments:
        lines.append(f"\nComments ({len(plan.comments)}):")
        for c in plan.comments:
            lines.append(f"  {c.author}, {c.date}: {c.text}")
            lines.append(f"      on {c.where} (source: {c.place})")
    if applied and result.written:
        lines.append(f"\nWritten: {', '.join(sorted(result.written))}; the previous files are in {result.backup}")
    elif plan.taken:
        lines.append("\nNothing was written: run again with --apply to write these changes into the sources.")
    return "\n".join(lines)


_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Rückführung der Word-Änderungen: {{ folder }}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.45;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}li{margin:.6rem 0}.where{color:#56616e}
code{white-space:pre-wrap;background:#f3f5f8;padding:0 .2rem}</style></head>
<body><main>
<h1>Änderungen aus Word: {{ folder }}</h1>
<p>Geprüfte Dateien: {{ files|join(", ") }}. {% if applied %}Die Änderungen wurden in die Quellen geschrieben;
die vorherigen Dateien liegen in {{ backup }}.{% else %}Noch wurde nichts geschrieben.{% endif %}</p>
<h2>Übernommen ({{ plan.taken|length }})</h2>
<ul>{% for t in plan.taken %}<li><strong>{{ t.place }}</strong><br><span class="where">{{ t.where }}</span><br>
<code>{{ t.change }}</code></li>{% else %}<li>Keine Änderungen.</li>{% endfor %}</ul>
<h2>Nicht übernommen ({{ plan.not_taken|length }})</h2>
<ul>{% for n, grund in not_taken %}<li><span class="where">{{ n.where }}</span>{% if n.change %}<br><code>{{ n.change }}</code>{% endif %}<br>
Grund: {{ grund }}</li>{% else %}<li>Alles wurde übernommen.</li>{% endfor %}</ul>
<h2>Widersprüche ({{ plan.conflicts|length }})</h2>
<ul>{% for c in plan.conflicts %}<li><span class="where">{{ c.where }}</span><br><code>{{ c.change }}</code><br>{{ c.why }}</li>
{% else %}<li>Keine.</li>{% endfor %}</ul>
<h2>Kommentare ({{ plan.comments|length }})</h2>
<ul>{% for c in plan.comments %}<li><strong>{{ c.author }}</strong>, {{ c.date }}: {{ c.text }}<br>
<span class="where">zu {{ c.where }} – Quelle: {{ c.place }}</span></li>{% else %}<li>Keine Kommentare.</li>{% endfor %}</ul>
</main></body></html>
"""


def to_html(result: Absorbed, applied: bool) -> str:
    from jinja2 import Environment  # only for --report

    from pipeline.web.portal.absorb_de import why_de  # the portal's German reasons, by kind

    def grund(n) -> str:
        text, known = why_de({"kind": n.kind, "args": n.args})
        return text if known else n.why
    return Environment(autoescape=True).from_string(_PAGE).render(
        not_taken=[(n, grund(n)) for n in result.plan.not_taken],folder=result.folder.name, files=[f.name for f in result.files], plan=result.plan,
                        applied=applied and bool(result.written), backup=result.backup)
