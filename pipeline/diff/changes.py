"""Compare two editions (EditionView) into a list of changes a reviewer can read.

Chapters and sections are matched by id or heading path first, then by similarity (renamed),
and their order is compared (moved). Paragraphs are aligned within matched sections and changed
ones get a word-level diff; words are whole tokens, so a changed compound („Kooperation“ →
„Zusammenarbeit“) is one replaced word and punctuation stays separate. Records are compared
field by field, by id (or, for tables without ids, by aligning their rows).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from pipeline.diff.change_pages import add_pages
from pipeline.diff.chart_changes import as_chart, chart_tables, compare_charts
from pipeline.diff.comparison import Change, Comparison
from pipeline.diff.pictures import compare_pictures
from pipeline.diff.token_diff import opcodes
from pipeline.diff.views import ChapterView, EditionView, SectionView
from pipeline.load.template_keys import FIELD_PATTERN

RENAMED_TITLE = 80  # rapidfuzz ratio (0–100) above which a heading counts as renamed
RENAMED_TEXT = 60  # … or its text as the same section under a new heading
CHANGED_PARAGRAPH = 0.5  # SequenceMatcher ratio above which two paragraphs are one, changed
SPLIT = 0.9  # … above which one paragraph and several joined are the same text, split or merged
LONG_TEXT = 40_000  # letters of two texts above which their similarity is taken from words
PARAGRAPH_JOIN = "\u2029"  # stands for a paragraph break inside joined text
# A number with its decimal or thousands separators is one token („55,2“ → „56,1“, not „55→56 , 2→1“).
TOKEN = re.compile(r"\s+|\d+(?:[.,]\d+)+|\w+|[^\w\s]")
DECIMAL = re.compile(r"-?\d+\.\d+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a record's date as content.json holds it
SKIPPED_META = {"date_text"}  # printed from 'date'
COARSE_NOTE = "too long to compare word by word: compared by passages"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) runs turning OLD into NEW, word by word, whitespace kept."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    ops, coarse = opcodes(a, b)
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            add("equal", "".join(a[i1:i2]))
        else:
            add("delete", "".join(a[i1:i2]))
            add("insert", "".join(b[j1:j2]))
    runs = Runs(_absorb_spaces(out))
    runs.coarse = coarse
    return runs


class Runs(list):
    """A word diff's runs; COARSE when the text was too long to compare word by word."""
    coarse = False


def _absorb_spaces(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A lone space between two changes belongs to them: 'a b' → 'x y' is one change, not two."""
    out: list[tuple[str, str]] = []
    for i, (op, text) in enumerate(runs):
        between = 0 < i < len(runs) - 1 and runs[i - 1][0] != "equal" and runs[i + 1][0] != "equal"
        if op == "equal" and not text.strip() and between:
            for kind in ("delete", "insert"):
                out.append((kind, text))
            continue
        out.append((op, text))
    merged: list[tuple[str, str]] = []
    deletes, inserts = "", ""
    for op, text in out + [("equal", "")]:
        if op == "delete":
            deletes += text
        elif op == "insert":
            inserts += text
        else:
            if deletes:
                merged.append(("delete", deletes))
            if inserts:
                merged.append(("insert", inserts))
            deletes, inserts = "", ""
            if text:
                merged.append(("equal", text))
    return merged


def _value_words(x: str, y: str) -> list[tuple[str, str]]:
    """One-word values (e-mail, number) are replaced whole, longer ones word by word."""
    if " " in x.strip() and " " in y.strip():
        return word_diff(x, y)
    return [(op, t) for op, t in (("delete", x), ("insert", y)) if t]


def _shown(value: str) -> str:
    """A record value as the brochure prints it: decimal numbers with a comma, dates as 31.12.2012."""
    if ISO_DATE.fullmatch(value):
        year, month, day = value.split("-")
        return f"{day}.{month}.{year}"
    return value.replace(".", ",") if DECIMAL.fullmatch(value) else value


def _snippet(text: str, words: int = 6) -> str:
    head = text.split()
    return " ".join(head[:words]) + (" …" if len(head) > words else "")


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Loose:
    """A section's paragraphs left unmatched: OLD[i] for i in GONE, NEW[j] for j in NEWS; AT is
    where its reports go in the list of changes."""
    at: int
    where: str
    item: str
    old: list[str]
    new: list[str]
    gone: list[int]
    news: list[int]
    pages: list[int | None]


@dataclass
class Stretch:
    """Where two paragraph lists differ: OLD[i1:i2] against NEW[j1:j2]."""
    start: int  # where it starts in NEW
    pairs: list[tuple[int, int]]  # one paragraph, edited
    olds: list[int]  # only in OLD
    news: list[int]  # only in NEW
    splits: list[tuple[int, list[int]]] = field(default_factory=list)  # one OLD paragraph is now several
    merges: list[tuple[list[int], int]] = field(default_factory=list)  # several OLD paragraphs are now one


def _similar(a: str, b: str, least: float = SPLIT) -> float:
    """Similarity of two texts (0 … 1; an LCS ratio, like SequenceMatcher's without its
    autojunk, which in a long paragraph junks the common letters), 0 when below LEAST.
    rapidfuzz computes it bit-parallel: a stretch of many unlike paragraphs stays quick."""
    if len(a) + len(b) > LONG_TEXT:  # letter by letter is quadratic: words, at most its ends
        a, b = _ends(a.split()), _ends(b.split())
    return fuzz.ratio(a, b, score_cutoff=least * 100) / 100


def _ends(words: list[str], most: int = 10_000) -> list[str]:
    return words if len(words) <= 2 * most else words[:most] + words[-most:]


def _joins(one: list[str], many: list[str], ones: list[int], manys: list[int]):
    """(i, [j, j+1, …]) where ONE[i] reads as consecutive paragraphs of MANY joined."""
    found, used = [], set()
    for i in ones:
        for k, j in enumerate(manys):
            run = [j]
            while k + len(run) < len(manys) and manys[k + len(run)] == run[-1] + 1 and len(run) < 6 \
                    and sum(len(many[x]) for x in run) < len(one[i]) * 1.1:
                run.append(manys[k + len(run)])
                if not used & set(run) and _similar(one[i], " ".join(many[x] for x in run)) >= SPLIT:
                    found.append((i, list(run)))
                    used |= set(run)
                    break
            if found and found[-1][0] == i:
                break
    return found


def align_paragraphs(a: list[str], b: list[str]):
    """The stretches where paragraph lists A and B differ. A pair is two paragraphs similar
    enough to be one, edited; a split or merge one paragraph that became several or the reverse."""
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        splits = _joins(a, b, olds, news) if len(news) > 1 else []
        for i, js in splits:
            olds.remove(i)
            news[:] = [j for j in news if j not in js]
        merges = [(is_, j) for j, is_ in _joins(b, a, news, olds)] if len(olds) > 1 else []
        for is_, j in merges:
            news.remove(j)
            olds[:] = [i for i in olds if i not in is_]
        pairs = []
        for i in list(olds):
            scores = {j: _similar(a[i], b[j], CHANGED_PARAGRAPH) for j in news}
            best = max(news, key=lambda j: scores[j], default=None)
            if best is not None and scores[best] >= CHANGED_PARAGRAPH:
                pairs.append((i, best))
                olds.remove(i)
                news.remove(best)
        st = Stretch(j1, pairs, olds, news, splits, merges)
        _uncross(st)
        yield st


def _uncross(st: Stretch) -> None:
    """Keeps the matches of a stretch in one order (the longest such chain): one that crosses
    another would put a removed paragraph at the wrong place when all changes are rejected. The
    others go back to removed and added."""
    items = sorted([(i, j, "pair", (i, j)) for i, j in st.pairs] + [(i, js[0], "split", (i, js)) for i, js in st.splits]
                   + [(is_[0], j, "merge", (is_, j)) for is_, j in st.merges])
    tails: list[int] = []  # longest increasing chain of j over items in i order
    links: list[int] = []
    for k, (_, j, _, _) in enumerate(items):
        at = bisect.bisect_left([items[x][1] for x in tails], j)
        links.append(tails[at - 1] if at else -1)
        if at == len(tails):
            tails.append(k)
        else:
            tails[at] = k
    keep, k = set(), tails[-1] if tails else -1
    while k >= 0:
        keep.add(k)
        k = links[k]
    for k, (_, _, kind, payload) in enumerate(items):
        if k in keep:
            continue
        if kind == "pair":
            st.pairs.remove(payload)
            st.olds.append(payload[0])
            st.news.append(payload[1])
        elif kind == "split":
            st.splits.remove(payload)
            st.olds.append(payload[0])
            st.news.extend(payload[1])
        else:
            st.merges.remove(payload)
            st.olds.extend(payload[0])
            st.news.append(payload[1])
    st.olds.sort()
    st.news.sort()


def cuts(whole: str, parts: list[str]) -> list[int]:
    """Offsets in WHOLE where PARTS (its text split into paragraphs, maybe edited) begin, after
    the first: where the diff of WHOLE against the joined parts meets each join."""
    joined = PARAGRAPH_JOIN.join(parts)
    joins = [sum(len(p) + 1 for p in parts[:k + 1]) - 1 for k in range(len(parts) - 1)]
    out, at_a, at_b = [], 0, 0
    for op, text in word_diff(whole, joined):
        if op == "delete":
            at_a += len(text)
            continue
        end = at_b + len(text)
        while len(out) < len(joins) and at_b <= joins[len(out)] < end:
            out.append(at_a + (joins[len(out)] - at_b if op == "equal" else 0))
        at_b = end
        if op == "equal":
            at_a += len(text)
    return out + [len(whole)] * (len(joins) - len(out))


def _pair(old: list, new: list, key, title, text) -> tuple[list[tuple], list, list]:
    """Match items by key, then by title or text similarity. → (pairs with how, removed, added)."""
    new_by_key = {key(n): n for n in new}
    pairs, rest_old = [], []
    used = set()
    for o in old:
        n = new_by_key.get(key(o))
        if n is not None and id(n) not in used:
            pairs.append((o, n, "same"))
            used.add(id(n))
        else:
            rest_old.append(o)
    rest_new = [n for n in new if id(n) not in used]
    removed = []
    for o in rest_old:
        best, score = None, 0.0
        for n in rest_new:
            s = fuzz.ratio(title(o), title(n))
            if s < RENAMED_TITLE:
                s = fuzz.ratio(text(o), text(n)) if text(o) and text(n) else 0
                s = s if s >= RENAMED_TEXT else 0
            if s > score:
                best, score = n, s
        if best is not None:
            pairs.append((o, best, "renamed"))
            rest_new.remove(best)
        else:
            removed.append(o)
    return pairs, removed, rest_new


def _moved(pairs: list[tuple], old: list, new: list) -> set[int]:
    """Ids of old items whose position among the matched ones changed (outside the longest
    common order)."""
    old_pos = {id(o): i for i, o in enumerate(old)}
    new_pos = {id(n): i for i, n in enumerate(new)}
    seq_old = sorted(pairs, key=lambda p: old_pos[id(p[0])])
    order = [new_pos[id(p[1])] for p in seq_old]
    kept = SequenceMatcher(None, order, sorted(order), autojunk=False)
    in_order = {order[b.a + k] for b in kept.get_matching_blocks() for k in range(b.size)}
    return {id(p[0]) for p, pos in zip(seq_old, order) if pos not in in_order}


def _chapter_text(ch: ChapterView) -> str:
    return " ".join(p for s in ch.sections for p in s.paragraphs)[:4000]


def _section_text(s: SectionView) -> str:
    return " ".join(s.paragraphs)[:4000]


def _section_score(a: SectionView, b: SectionView) -> float:
    """How surely B is section A in another place: the same heading and text, or similar text."""
    text = fuzz.ratio(_section_text(a), _section_text(b)) if a.paragraphs and b.paragraphs else 0
    return text if a.title != b.title or not text else max(text, RENAMED_TEXT)


STYLE_EN = {"+b": "now bold", "-b": "no longer bold", "+i": "now italic", "-i": "no longer italic",
            "+b+i": "now bold and italic", "-b-i": "no longer bold or italic", "+b-i": "now bold, not italic",
            "-b+i": "now italic, not bold"}


def restyled(text: str, old: tuple, new: tuple) -> tuple[list[tuple[str, str]], list[str]]:
    """TEXT as equal and 'restyle' runs where its bold or italic differs between the OLD and
    NEW spans, and for each restyled run a code: '+i' made italic, '-b' no longer bold …"""
    def styles(spans) -> list[frozenset]:
        out = [set() for _ in text]
        for start, end, style in spans:
            for k in range(start, min(end, len(text))):
                out[k].add(style)
        return [frozenset(x) for x in out]
    before, after = styles(old), styles(new)
    words: list[tuple[str, str]] = []
    codes: list[str] = []
    for k, ch in enumerate(text):
        code = "".join(f"+{x}" for x in sorted(after[k] - before[k])) + \
            "".join(f"-{x}" for x in sorted(before[k] - after[k]))
        op = "restyle" if code else "equal"
        if words and words[-1][0] == op and (op == "equal" or codes[-1] == code):
            words[-1] = (op, words[-1][1] + ch)
            continue
        words.append((op, ch))
        if code:
            codes.append(code)
    return words, codes


def _runs_of(indexes: list[int], item: str) -> list[list[int]]:
    """Consecutive sentences or paragraphs go together, as one passage (a contact's lines, a new
    list's items): one edit, one report."""
    out: list[list[int]] = []
    for i in sorted(indexes):
        if out and out[-1][-1] == i - 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _glue(item: str) -> str:
    return " " if item == "sentence" else "\n\n"


def _count(n: int, item: str) -> str:
    return item if n == 1 else f"{n} {item}s"


def _parent(path: str) -> str:
    return path.rpartition(" > ")[0]


def _whole(sections: list[SectionView]) -> str:
    """The text of added or removed sections, headings included, for the reviewer to read."""
    out = []
    for s in sections:
        out += ([s.title] if s.title else []) + s.paragraphs + [f"[{n}] {t}" for n, t in enumerate(s.notes, 1)]
    return "\n\n".join(out)


_NAME_COLUMNS = ("name", "speaker", "title", "label", "caption", "municipality")  # a row's name, by default


def _headers(blocks: dict) -> dict[str, dict[str, str]]:
    """The German names a type's blocks print for its tables' columns: table → column → name
    („Projektname: "{project}"“ of a cards or table block names `project`)."""
    out: dict[str, dict[str, str]] = {}
    for block in blocks.values():
        named = block.get("fields") or block.get("columns") if isinstance(block, dict) else None
        if not isinstance(named, dict):
            continue
        for label, pattern in named.items():
            cols = FIELD_PATTERN.findall(str(pattern))
            if len(cols) == 1:
                out.setdefault(str(block.get("table")), {}).setdefault(cols[0], str(label))
    return out


def _table_names(template: str) -> tuple[dict, dict[str, tuple], dict, dict]:
    """The declared tables' `label`/`noun` and all tables' columns, from the brochure type, and
    for a draft type the workbook's sheets by table key, and the German names its blocks give
    columns; nothing when the type is unknown here (a DOCX, or a type since removed)."""
    from pipeline.load.edition import load_template
    from pipeline.errors import InputError
    try:
        t = load_template(template) if template else None
    except InputError:
        t = None
    if t is None:
        return {}, {}, {}, {}
    sheets = {}
    if isinstance(t.raw.get("workbook"), dict):  # a draft: its rows are the workbook's rows
        from pipeline.drafts.workbook_layout import parse_layout
        try:
            sheets = {s.key: s for s in parse_layout(t.raw, t.shown()).sheets}
        except InputError:
            sheets = {}
    return dict(t.tables), dict(t.schemas), sheets, _headers(t.blocks)


_ROW = re.compile(r"row (\d+)")
_WORDS_KINDS = ("text", "email", "url", "phone")  # columns whose value names a row, before choices and numbers


def _row_subject(sheet, values: dict[str, str]) -> str:
    """A workbook row's own words: its first filled required text column (the measure, the goal,
    the step), else its first filled column."""
    columns = sorted(sheet.columns, key=lambda c: (not c.column.required, c.column.kind not in _WORDS_KINDS))
    return next((_snippet(values[c.name], 12) for c in columns if values.get(c.name, "").strip()), "")


def _row_text(sheet, values: dict[str, str]) -> str:
    """An added or removed row as the town typed it: 'Heading: value' per filled column."""
    return "\n".join(f"{c.header}: {_shown(values[c.name])}" for c in sheet.columns if values.get(c.name, "").strip())


class Comparer:
    def __init__(self, old: EditionView, new: EditionView):
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.loose: list[Loose] = []
        self.titles = {c.id: c.title for c in old.chapters} | {c.id: c.title for c in new.chapters}
        self.tables, schemas, self.sheets, self.headers = _table_names(new.template or old.template)
        self.refs = {name: tuple(c.name for c in cols if c.ref) for name, cols in schemas.items()}
        self.columns = {name: [c.name for c in cols] for name, cols in schemas.items()}

    def add(self, *args, **kwargs) -> None:
        change = Change(*args, **kwargs)
        if getattr(change.words, "coarse", False):
            change.what += f" ({COARSE_NOTE})"
        self.changes.append(change)

    def run(self) -> Comparison:
        self._meta()
        self._chapters()
        self._moves_across()
        self._records()
        compare_charts(self)
        compare_pictures(self)
        self._pages()
        return Comparison(self.old.name, self.new.name, (self.old.source, self.new.source), self.changes,
                          (self.old.pages, self.new.pages))

    def _meta(self) -> None:
        for key in sorted(set(self.old.meta) | set(self.new.meta)):
            a, b = self.old.meta.get(key, ""), self.new.meta.get(key, "")
            if a != b and key not in SKIPPED_META:
                self.add("meta", "changed", key, f"{key}: {a} → {b}", a, b, item="meta", name=key)

    def _chapters(self) -> None:
        pairs, removed, added = _pair(self.old.chapters, self.new.chapters, lambda c: c.id,
                                      lambda c: c.title, _chapter_text)
        moved = _moved(pairs, self.old.chapters, self.new.chapters)
        for ch in removed:
            self.add("structure", "removed", ch.title, f"chapter removed: {ch.title}", old=_whole(ch.sections),
                     item="chapter")
        for ch in added:
            self.add("structure", "added", ch.title, f"chapter added: {ch.title}", new=_whole(ch.sections),
                     item="chapter", page=ch.pages[0] if ch.pages else None)
        gone, came = [], []  # sections left over in their chapter, to match across chapters
        for o, n, how in sorted(pairs, key=lambda p: self.new.chapters.index(p[1])):
            if how == "renamed" or o.title != n.title:
                self.add("structure", "renamed", n.title, f"chapter renamed: {o.title} → {n.title}", o.title, n.title,
                         item="chapter")
            if id(o) in moved:
                self.add("structure", "moved", n.title, f"chapter moved: {n.title}", item="chapter",
                         **_places(o, n, self.old.chapters, self.new.chapters))
            self._running_head(o, n)
            g, c = self._sections(o, n)
            gone += [(o, s) for s in g]
            came += [(n, s) for s in c]
        self._across(gone, came)

    def _running_head(self, o: ChapterView, n: ChapterView) -> None:
        """A chapter's running head, once for the chapter (not for each page it is printed on);
        not when it is the chapter's title on both sides (a renamed chapter says so already), nor
        when one side's head could not be read."""
        a, b = o.running_head, n.running_head
        if a == b or not a or not b or (a == o.title and b == n.title):
            return
        page = n.pages[0] + 1 if n.pages and n.pages[1] > n.pages[0] else None  # not on the chapter's first page
        self.add("structure", "changed", n.title, f"running head changed in {n.title}: '{a}' → '{b}'", a, b, word_diff(a, b),
                 item="running head", page=page)

    def _across(self, gone: list, came: list) -> None:
        """Sections that left one chapter and stand in another: moved, then compared; the rest
        removed or added, with their text."""
        for (och, o) in list(gone):
            best = max(came, key=lambda nc: _section_score(o, nc[1]), default=None)
            if best is None or _section_score(o, best[1]) < RENAMED_TEXT:
                continue
            nch, n = best
            came.remove(best)
            gone.remove((och, o))
            where = f"{nch.title} > {n.path}"
            self.add("structure", "moved", where, f"section moved from chapter {och.title} to chapter {nch.title}: "
                     f"{o.path} → {n.path}", f"{och.title} > {o.path}", f"{nch.title} > {n.path}", item="section",
                     page=n.pages[0] if n.pages else None)
            self._compare_section(where, o, n)
        for ch, s in gone:
            self.add("structure", "removed", f"{ch.title} > {s.path}", f"section removed: {s.path}",
                     old=_whole([s]), item="section")
        for ch, s in came:
            self.add("structure", "added", f"{ch.title} > {s.path}", f"section added: {s.path}", new=_whole([s]),
                     item="section", page=s.pages[0] if s.pages else None)

    def _sections(self, old: ChapterView, new: ChapterView) -> tuple[list, list]:
        """Compares the sections of two matched chapters; → (removed, added) sections."""
        pairs, removed, added = _pair(old.sections, new.sections, lambda s: s.path, lambda s: s.title, _section_text)
        moved = _moved(pairs, old.sections, new.sections)
        renamed = {o.path: n.path for o, n, how in pairs}
        for o, n, how in sorted(pairs, key=lambda p: new.sections.index(p[1])):
            where = f"{new.title} > {n.path}" if n.path else new.title
            releveled = o.title == n.title and o.level and n.level and o.level != n.level
            if releveled:  # '## X' now '### X': its path changes with it, but it stands where it stood
                self.add("structure", "changed", where, f"heading level changed: '{n.title}' {o.level} → {n.level}",
                         str(o.level), str(n.level), item="heading level", page=n.pages[0] if n.pages else None)
            elif how == "renamed" and o.title != n.title:
                self.add("structure", "renamed", where, f"section renamed: {o.path} → {n.path}", o.path, n.path,
                         item="section")
            elif how == "renamed" and renamed.get(_parent(o.path), _parent(o.path)) != _parent(n.path):
                self.add("structure", "moved", where, f"section moved within the chapter: {o.path} → {n.path}",
                         o.path, n.path, item="section")
            # a section under a renamed heading has a new path only: nothing to report of its own
            if id(o) in moved and not releveled:
                self.add("structure", "moved", where, f"section moved within the chapter: {n.path}", item="section",
                         **_places(o, n, old.sections, new.sections))
            self._compare_section(where, o, n)
        return removed, added

    def _compare_section(self, where: str, o: SectionView, n: SectionView) -> None:
        # a PDF read without its structure tree has no paragraphs: its text is compared sentence by sentence
        unit = "sentence" if "sentence" in (self.old.unit, self.new.unit) else "paragraph"
        self._paragraphs(where, o.paragraphs, n.paragraphs, n.pages, item=unit)
        self._paragraphs(where, o.notes, n.notes, n.note_pages, item="footnote")
        self._formatting(where, o, n)

    def _formatting(self, where: str, o: SectionView, n: SectionView) -> None:
        """Paragraphs whose text stayed but whose bold or italic changed."""
        if not o.formats or not n.formats:
            return
        a, b = [_norm(p) for p in o.paragraphs], [_norm(p) for p in n.paragraphs]
        for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for i, j in zip(range(block.a, block.a + block.size), range(block.b, block.b + block.size)):
                if o.paragraphs[i] == n.paragraphs[j] and o.formats[i] != n.formats[j]:
                    words, codes = restyled(n.paragraphs[j], o.formats[i], n.formats[j])
                    changed = [t for op, t in words if op == "restyle"]
                    said = "; ".join(f"„{t}“ {STYLE_EN[c]}" for t, c in zip(changed, codes))
                    self.add("text", "changed", where, f"formatting changed: {said}", o.paragraphs[i], n.paragraphs[j],
                             words, item="formatting", name=" ".join(codes))

    def _paragraphs(self, where: str, old: list[str], new: list[str], pages: list[int] | None = None,
                    item: str = "paragraph") -> None:
        def page(j: int) -> int | None:
            return pages[j] if pages and j < len(pages) else None
        olds, news = [], []
        for st in align_paragraphs([_norm(p) for p in old], [_norm(p) for p in new]):
            for i, j in st.pairs:
                self.add("text", "changed", where, f"{item} changed", old[i], new[j], word_diff(old[i], new[j]),
                         item=item, page=page(j))
            for i, js in st.splits:
                parts = [new[j] for j in js]
                if item == "sentence" and _norm(" ".join(parts)) == _norm(old[i]):
                    continue  # a PDF's sentence bounds moved, not its text
                self.add("text", "split", where, f"{item} split in {len(js)}", old[i], "\n\n".join(parts),
                         word_diff(old[i], "\n\n".join(parts)), item=item, page=page(js[0]))
            for is_, j in st.merges:
                parts = [old[i] for i in is_]
                if item == "sentence" and _norm(" ".join(parts)) == _norm(new[j]):
                    continue
                self.add("text", "merged", where, f"{len(is_)} {item}s merged", "\n\n".join(parts), new[j],
                         word_diff("\n\n".join(parts), new[j]), item=item, page=page(j))
            olds += st.olds
            news += st.news
        gone = []
        for i in olds:  # the same text elsewhere in the section: moved, not removed and added
            j = next((j for j in news if _norm(new[j]) == _norm(old[i])), None)
            if j is not None:
                news.remove(j)
                self.add("text", "moved", where, f"{item} moved", old[i], new[j], item=item, page=page(j))
            else:
                gone.append(i)
        # left for _moves_across: a paragraph may have gone to another section or chapter
        self.loose.append(Loose(len(self.changes), where, item, old, new, gone, news, [page(j) for j in range(len(new))]))

    def _moves_across(self) -> None:
        """Paragraphs removed in one section and added in another are one move, from → to (with
        their word changes when edited on the way); the rest are reported removed and added, each
        at the place its section's changes stand."""
        moved: dict[int, list[Change]] = {}
        ends: dict[int, tuple[int, int]] = {}  # id(change) → the last (i, j) it holds
        for a in self.loose:
            for i in list(a.gone):
                b, j = self._moved_to(a, a.old[i])
                if b is None:
                    continue
                a.gone.remove(i)
                b.news.remove(j)
                last = moved.get(id(a), [None])[-1]
                if a.item == "sentence" and last and last.where == b.where and ends[id(last)] == (i - 1, j - 1):
                    last.old, last.new = f"{last.old} {a.old[i]}", f"{last.new} {b.new[j]}"  # one passage
                    last.words = word_diff(last.old, last.new) if _norm(last.old) != _norm(last.new) else []
                    ends[id(last)] = (i, j)
                    continue
                words = word_diff(a.old[i], b.new[j]) if _norm(a.old[i]) != _norm(b.new[j]) else []
                change = Change("text", "moved", b.where, f"{a.item} moved from {a.where} to {b.where}", a.old[i],
                                b.new[j], words, item=a.item, page=b.pages[j] if j < len(b.pages) else None,
                                origin=a.where)
                moved.setdefault(id(a), []).append(change)
                ends[id(change)] = (i, j)
        for _, a in sorted(enumerate(self.loose), key=lambda x: (x[1].at, x[0]), reverse=True):
            out = [*moved.get(id(a), [])]
            for run in _runs_of(a.gone, a.item):
                out.append(Change("text", "removed", a.where, f"{_count(len(run), a.item)} removed",
                                  old=_glue(a.item).join(a.old[i] for i in run), item=a.item))
            for run in _runs_of(a.news, a.item):
                out.append(Change("text", "added", a.where, f"{_count(len(run), a.item)} added",
                                  new=_glue(a.item).join(a.new[j] for j in run), item=a.item, page=a.pages[run[0]]))
            self.changes[a.at:a.at] = out

    def _moved_to(self, a: Loose, text: str) -> tuple[Loose | None, int]:
        """Where TEXT, gone from A's section, stands now in another section: the same text, or
        nearly (edited on the way)."""
        best, best_j, best_score = None, -1, SPLIT
        for b in self.loose:
            if b is a or b.item != a.item:
                continue
            for j in b.news:
                if _norm(b.new[j]) == _norm(text):
                    return b, j
                if len(text) > 40:
                    score = _similar(_norm(text), _norm(b.new[j]), best_score)
                    if score > best_score:
                        best, best_j, best_score = b, j, score
        return best, best_j

    def _label(self, table: str, key: str, values: dict[str, str]) -> str:
        """'<chapter> / <row>': the chapter the row names (its `chapter` column or a column with
        `ref:` to a table of chapters), the row by its table's `label:` pattern or a name column;
        a chart's data row by its chart's chapter and title. Never the table's id: the reviewer
        knows the brochure, not its files."""
        chart = self._chart_of(table)
        if chart:
            values = {**values, "chapter": chart.get("chapter", "")}
        refs = [values.get(c, "") for c in ("chapter", *self.refs.get(table, ()))]
        place = self.titles.get(next((r for r in refs if r), ""), "")
        info = self.tables.get(table)
        name = FIELD_PATTERN.sub(lambda m: values.get(m.group(1), ""), info.label).strip() if info and info.label else ""
        name = (name or next((values[k] for k in _NAME_COLUMNS if values.get(k)), "")).split("\n")[0]  # a list's head
        if not name:  # a row without a name: its first value, not its id
            name = next((v.split("\n")[0] for k, v in values.items() if v and k not in ("id", "chapter")), key)
        group = values.get("group", "")
        who = " ".join(x for x in (group, name or key) if x)
        if table == "quotes" and values.get("text"):  # a speaker may have several quotes
            who += f" („{_snippet(values['text'])}“)"
        if chart:
            who = f"{chart.get('title', '')}: {who}" if chart.get("title") else who
        return f"{place} / {who}" if place else who

    def _chart_of(self, table: str) -> dict[str, str] | None:
        """The chart that draws TABLE (its `data`), when TABLE is a chart's data."""
        charts = {**self.old.records.get("charts", {}), **self.new.records.get("charts", {})}
        return next((c for c in charts.values() if c.get("data") == table), None)

    def _fields(self, table: str, values: dict[str, str]) -> list[tuple[str, str]]:
        """An added or removed record's filled columns, as printed; not its id and the chapter
        it stands in (its label names them)."""
        skip = {"id", "chapter", *self.refs.get(table, ())}
        named, order = self.headers.get(table, {}), self.columns.get(table, [])
        keys = sorted(values, key=lambda k: order.index(k) if k in order else len(order))  # as the sheet has them
        return [(named.get(k, k), _shown(values[k])) for k in keys if values[k].strip() and k not in skip]

    def _noun(self, table: str) -> str:
        info = self.tables.get(table)
        return info.noun if info else ""

    def _records(self) -> None:
        charted = chart_tables(self)  # a chart's data: its changes are the chart's (chart_changes.py)
        for table in sorted(set(self.old.records) | set(self.new.records)):
            a, b = self.old.records.get(table, {}), self.new.records.get(table, {})
            if table in charted:
                continue
            if table in self.sheets:
                self._sheet_rows(self.sheets[table], a, b)
                continue
            for key_a, key_b in self._align(table, a, b):
                if (key_a is None or key_b is None) and as_chart(table):
                    continue
                if key_a is None:
                    label = self._label(table, key_b, b[key_b])
                    self.add("records", "added", label, f"{table}: {label} added", new=key_b, item="record",
                             name=table, noun=self._noun(table), fields=self._fields(table, b[key_b]))
                elif key_b is None:
                    label = self._label(table, key_a, a[key_a])
                    self.add("records", "removed", label, f"{table}: {label} removed", old=key_a, item="record",
                             name=table, noun=self._noun(table), fields=self._fields(table, a[key_a]))
                else:
                    label = self._label(table, key_b, b[key_b])
                    for col in [*a[key_a], *(k for k in b[key_b] if k not in a[key_a])]:
                        x, y = _shown(a[key_a].get(col, "")), _shown(b[key_b].get(col, ""))
                        if x != y and not (table == "photos" and col == "file") and not as_chart(table, col):
                            self.add("records", "changed", label, f"{label}: {col} {x or '(empty)'} → {y or '(empty)'}",
                                     x, y, _value_words(x, y), item="field", name=col,
                                     column=self.headers.get(table, {}).get(col, ""))

    def _sheet_rows(self, sheet, a: dict, b: dict) -> None:
        """A draft's rows named as the town knows them: sheet, row and the row's own words; an
        added or removed row with all it holds; a field's row in a sheet of fields (Angabe |
        Wert); a value the draft prints as text (a section's text) left to the text changes."""
        def row(key: str) -> int | None:
            m = _ROW.fullmatch(key)
            return int(m.group(1)) if m else None
        for key_a, key_b in self._align(sheet.key, a, b):
            key, values = (key_b, b[key_b]) if key_b is not None else (key_a, a[key_a])
            subject = _row_subject(sheet, values)
            where = f"{sheet.title} row {row(key) or key}" + (f" („{subject}“)" if subject else "")
            common = dict(name=sheet.key, sheet=sheet.title, row=row(key), subject=subject)
            if key_a is None or key_b is None:
                kind = "added" if key_a is None else "removed"
                text = _row_text(sheet, values)
                self.add("records", kind, where, f"{where} {kind}", old=text if key_b is None else "",
                         new=text if key_a is None else "", item="record", **common)
                continue
            for n, col in enumerate(sheet.columns):
                x, y = _shown(a[key_a].get(col.name, "")), _shown(b[key_b].get(col.name, ""))
                if x == y or self._printed_as_text(x, y):
                    continue
                if sheet.layout == "fields":  # one row per field: the field's own row
                    place = f"{sheet.title} row {n + 2} ({col.header})"
                    fields = dict(common, row=n + 2, subject="")
                else:
                    place, fields = where, common
                self.add("records", "changed", place, f"{place}: {col.header} {x or '(empty)'} → {y or '(empty)'}",
                         x, y, _value_words(x, y), item="field", column=col.header, **fields)

    def _printed_as_text(self, old: str, new: str) -> bool:
        """Whether a changed value is printed as the draft's text and its change already among
        the text changes (a section's text typed into the sheet „Texte“): reported there once."""
        texts = [c for c in self.changes if c.area in ("text", "structure")]
        if not texts or not (old.strip() or new.strip()):
            return False
        if old.strip() and _norm(old) not in self._all_text(self.old):
            return False
        if new.strip() and _norm(new) not in self._all_text(self.new):
            return False
        shown_del = _norm(" ".join([t for c in texts for op, t in c.words if op == "delete"] + [c.old for c in texts]))
        shown_ins = _norm(" ".join([t for c in texts for op, t in c.words if op == "insert"] + [c.new for c in texts]))
        runs = [(op, _norm(t)) for op, t in word_diff(old, new) if op != "equal" and t.strip()]
        return bool(runs) and all(t in (shown_del if op == "delete" else shown_ins) for op, t in runs)

    def _all_text(self, view: EditionView) -> str:
        cache = self.__dict__.setdefault("_texts", {})
        if id(view) not in cache:
            cache[id(view)] = _norm(" ".join(p for ch in view.chapters for s in ch.sections for p in s.paragraphs))
        return cache[id(view)]

    def _align(self, table: str, a: dict, b: dict) -> list[tuple[str | None, str | None]]:
        """Pairs of keys: by id, or for tables without ids (keys 'row N'), by aligning rows."""
        if not any(k.startswith("row ") for k in (*a, *b)):
            return [(k, k if k in b else None) for k in a] + [(None, k) for k in b if k not in a]
        ka, kb = self.old.record_order.get(table, list(a)), self.new.record_order.get(table, list(b))
        rows_a = [tuple(sorted(a[k].items())) for k in ka]
        rows_b = [tuple(sorted(b[k].items())) for k in kb]
        out: list[tuple[str | None, str | None]] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, rows_a, rows_b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            olds, news = ka[i1:i2], kb[j1:j2]
            out += list(zip(olds, news))
            out += [(k, None) for k in olds[len(news):]] + [(None, k) for k in news[len(olds):]]
        return out

    def _pages(self) -> None:
        if self.old.pages and self.new.pages and self.old.pages != self.new.pages:
            self.add("pages", "changed", "", f"page count: {self.old.pages} → {self.new.pages}",
                     str(self.old.pages), str(self.new.pages), item="pages")
        old = {c.id: c for c in self.old.chapters}
        for ch in self.new.chapters:
            o = old.get(ch.id)
            if o and o.pages and ch.pages:
                a, b = o.pages[1] - o.pages[0] + 1, ch.pages[1] - ch.pages[0] + 1
                if a != b:
                    self.add("pages", "changed", ch.title, f"{ch.title}: {a} → {b} pages", str(a), str(b),
                             item="pages")


def _places(o, n, olds: list, news: list) -> dict[str, str]:
    """Where a moved chapter or section stood and stands: its places (1, 2, …) as OLD and NEW,
    and the title of the one it now follows as NAME ("" when it is first)."""
    at = news.index(n)
    return {"old": str(olds.index(o) + 1), "new": str(at + 1), "name": news[at - 1].title if at else ""}


def compare(old: EditionView, new: EditionView) -> Comparison:
    result = Comparer(old, new).run()
    result.chapters = list(dict.fromkeys(c.title for c in (*old.chapters, *new.chapters)))
    add_pages(result, new)
    return result
