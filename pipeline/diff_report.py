"""A comparison as a reviewer reads it: a terminal summary, JSON, or one self-contained HTML page.

All text from the editions is escaped for its target (ANSI styling wraps it, html.escape for
the page); the page loads nothing from elsewhere: no scripts, fonts or images from the network.
"""

from __future__ import annotations

import html
import json

import click

from .compare import Change, Comparison

AREAS = (("meta", "Edition"), ("structure", "Chapters and sections"), ("text", "Text"),
         ("records", "Records (contacts, quotes, figures, portraits …)"), ("pages", "Pages"))


def _counts(c: Comparison) -> str:
    parts = [f"{sum(ch.area == a for ch in c.changes)} {a}" for a, _ in AREAS if any(ch.area == a for ch in c.changes)]
    return ", ".join(parts)


def _words_terminal(change: Change) -> str:
    out = []
    for op, text in change.words:
        if op == "equal":
            out.append(text if len(text) <= 60 else f"{text[:25]} … {text[-25:]}")
        elif op == "delete":
            out.append(click.style(f"[-{text}-]", fg="red"))
        else:
            out.append(click.style(f"{{+{text}+}}", fg="green"))
    return "".join(out).replace("\n", " ⏎ ")


def terminal(c: Comparison) -> str:
    """Plain text; click adds colour on a terminal and strips it elsewhere."""
    if not c.changes:
        return f"{c.old} and {c.new}: no differences"
    lines = [click.style(f"{c.old} → {c.new}: {len(c.changes)} changes ({_counts(c)})", bold=True)]
    for area, title in AREAS:
        items = [ch for ch in c.changes if ch.area == area]
        if not items:
            continue
        lines += ["", click.style(title, bold=True, underline=True)]
        for ch in items:
            mark = {"added": "+", "removed": "-", "changed": "~", "renamed": "~", "moved": "↕"}[ch.kind]
            if area == "text":
                lines.append(f"  {mark} {ch.where}: {ch.what}")
                if ch.words:
                    lines.append(f"      {_words_terminal(ch)}")
                else:
                    lines.append(f"      {click.style((ch.old or ch.new)[:200], fg='red' if ch.old else 'green')}")
            else:
                lines.append(f"  {mark} {ch.what}")
    return "\n".join(lines)


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2)


CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f8}
header{background:#17477e;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
main{display:grid;grid-template-columns:300px 1fr;gap:24px;padding:20px 28px}
nav{position:sticky;top:12px;align-self:start;background:#fff;border:1px solid #dde;padding:12px;font-size:13px;
max-height:90vh;overflow:auto}nav ol{padding-left:18px;margin:4px 0 10px}nav h2{font-size:14px;margin:8px 0 2px}
section.area{background:#fff;border:1px solid #dde;padding:8px 18px 14px;margin-bottom:18px}
.change{border-top:1px solid #eee;padding:10px 0}.where{font-size:13px;color:#56616e}
.kind{display:inline-block;font-size:11px;text-transform:uppercase;border-radius:3px;padding:1px 6px;margin-right:6px;
color:#fff;background:#56616e}.added .kind{background:#2d7d46}.removed .kind{background:#c8102e}
.moved .kind,.renamed .kind{background:#9a6700}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:6px}.sides div{background:#fafafa;
border:1px solid #eee;padding:8px;white-space:pre-wrap}.sides h3{margin:0 0 4px;font-size:12px;color:#56616e}
del{background:#ffd7d5;color:#82071e;text-decoration:line-through}ins{background:#ccffd8;color:#055d20;
text-decoration:none}.empty{padding:30px;font-size:18px}
"""


def _side(change: Change, keep: str) -> str:
    """One side of a word diff: the old text with deletions marked, or the new with insertions."""
    parts = []
    for op, text in change.words:
        if op == "equal":
            parts.append(html.escape(text))
        elif op == keep:
            tag = "del" if op == "delete" else "ins"
            parts.append(f"<{tag}>{html.escape(text)}</{tag}>")
    return "".join(parts)


def _change_html(n: int, ch: Change) -> str:
    head = (f'<div class="change {ch.kind}" id="c{n}"><span class="kind">{ch.kind}</span>'
            f'<strong>{html.escape(ch.what)}</strong>')
    where = f'<div class="where">{html.escape(ch.where)}</div>' if ch.where and ch.area == "text" else ""
    if ch.words:
        body = (f'<div class="sides"><div lang="de"><h3>before</h3>{_side(ch, "delete")}</div>'
                f'<div lang="de"><h3>after</h3>{_side(ch, "insert")}</div></div>')
    elif ch.area == "text":
        text = html.escape(ch.old or ch.new)
        body = f'<div class="sides"><div lang="de">{f"<del>{text}</del>" if ch.old else ""}</div>' \
               f'<div lang="de">{f"<ins>{text}</ins>" if ch.new else ""}</div></div>'
    else:
        body = ""
    return head + where + body + "</div>"


def to_html(c: Comparison) -> str:
    title = f"Changes: {c.old} → {c.new}"
    numbered = list(enumerate(c.changes, start=1))
    nav, areas = [], []
    for area, label in AREAS:
        items = [(n, ch) for n, ch in numbered if ch.area == area]
        if not items:
            continue
        nav.append(f'<h2><a href="#{area}">{html.escape(label)}</a> ({len(items)})</h2><ol>' + "".join(
            f'<li><a href="#c{n}">{html.escape(ch.what[:80])}</a></li>' for n, ch in items) + "</ol>")
        areas.append(f'<section class="area" id="{area}"><h2>{html.escape(label)}</h2>'
                     + "".join(_change_html(n, ch) for n, ch in items) + "</section>")
    body = "".join(areas) or '<p class="empty">No differences.</p>'
    pages = f"{c.pages[0]} → {c.pages[1]} pages" if all(c.pages) else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{html.escape(title)}</h1><div>{len(c.changes)} changes · {html.escape(pages)}"
            f" · compared from {html.escape(' / '.join(c.sources))}</div></header>"
            f'<main><nav aria-label="Changes">{"".join(nav) or "–"}</nav><div>{body}</div></main>'
            f"</body></html>\n")
