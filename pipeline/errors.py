"""Findings and input errors: every problem names its place and says how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a sheet, row and column, or a chapter/section."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    chapter: str | None = None
    section: str | None = None
    rows: tuple[int, ...] | None = None  # one finding for many rows (see group_findings)

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.rows:
            parts.append(f"rows {row_ranges(self.rows)}")
        elif self.row is not None:
            text_file = (self.file or "").endswith((".md", ".yaml", ".yml", ".typ"))
            parts.append(f"{'line' if text_file else 'row'} {self.row}")
        if self.column:  # in a YAML file the "column" is a key path (chapters[3].title)
            parts.append(f"{'key' if (self.file or '').endswith(('.yaml', '.yml')) else 'column'} '{self.column}'")
        if self.chapter:
            parts.append(f"chapter '{self.chapter}'")
        if self.section:
            parts.append(f"section '{self.section}'")
        return ", ".join(parts) or "(edition)"

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items() if v is not None}


def row_ranges(rows: tuple[int, ...], through: str = "–", then: str = ", ") -> str:
    """'2–100, 105': consecutive rows as one span."""
    spans: list[list[int]] = []
    for r in sorted(set(rows)):
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return then.join(str(a) if a == b else f"{a}{through}{b}" for a, b in spans)


Args = Mapping[str, object] | tuple[tuple[str, str], ...] | None


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    code: str
    location: Location
    message: str
    hint: str = ""
    # The values the message names, for a translation (web/portal/findings_de.py), as sorted
    # (name, text) pairs so the finding stays frozen and hashable; 'form' names the kind of
    # message where one code has several. Given as a mapping or as pairs.
    args: Args = ()

    def __post_init__(self) -> None:
        pairs = self.args.items() if isinstance(self.args, Mapping) else self.args or ()
        object.__setattr__(self, "args", tuple(sorted((str(k), str(v)) for k, v in pairs)))

    @property
    def args_dict(self) -> dict[str, str]:
        """The args as a dict: f.args_dict.get("form")."""
        return dict(self.args)

    @property
    def tool_fault(self) -> bool:
        """A fault of brochure itself, not of the inputs or the type: an output check that the
        files it made fail (see tool_fault())."""
        return self.args_dict.get("fault") == "tool"

    def __str__(self) -> str:
        text = f"{self.severity.upper()} {self.code} {self.location}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "location": self.location.to_dict(),
            "message": self.message,
            "hint": self.hint,
            **({"args": self.args_dict} if self.args else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Finding:
        """The finding to_dict() gave (as stored in JSON); unknown location keys are dropped."""
        names = {f.name for f in fields(Location)}
        loc = {k: tuple(v) if isinstance(v, list) else v for k, v in d.get("location", {}).items() if k in names}
        return cls(d["severity"], d["code"], Location(**loc), d["message"], d.get("hint", ""), d.get("args") or ())


class InputError(Exception):
    """Raised when inputs cannot be turned into a brochure; carries one or more findings."""

    def __init__(self, findings: list[Finding] | Finding):
        self.findings = [findings] if isinstance(findings, Finding) else list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


def error(code: str, location: Location, message: str, hint: str = "", *, args: Args = None) -> Finding:
    return Finding("error", code, location, message, hint, args)


TOOL_FAULT_HINT = ("this is a fault of brochure, not of your inputs or template; the files were written. "
                   "Please report it with the input folder (docs/contributing.md, 'Reporting a fault')")


def tool_fault(code: str, location: Location, message: str, args: Args = None) -> Finding:
    """An output check the built files fail although the inputs were valid: brochure made them
    wrong. Said so, with a request for a report; never blamed on the user."""
    pairs = dict(args.items() if isinstance(args, Mapping) else args or ())
    return Finding("error", code, location, message, TOOL_FAULT_HINT, {**pairs, "fault": "tool"})


def warning(code: str, location: Location, message: str, hint: str = "", *, args: Args = None) -> Finding:
    return Finding("warning", code, location, message, hint, args)


class BadValue(ValueError):
    """A value a parser refuses: the English message, and the finding's args (the kind of
    refusal as 'form', and the values the message names)."""

    def __init__(self, message: str, args: Mapping[str, object]):
        super().__init__(message)
        self.finding_args = dict(args)


def did_you_mean(word: str, choices: list[str]) -> str:
    """"did you mean 'x'? " for the closest choice, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def one_of(word: str, choices: list[str], none_yet: str) -> str:
    """The hint for a name that is not among CHOICES: the closest one and all of them, or
    NONE_YET when there are none (never an empty list)."""
    return did_you_mean(word, choices) + (f"use one of: {', '.join(choices)}" if choices else none_yet)


def group_findings(findings: list[Finding]) -> list[Finding]:
    """One finding per cause: the same code in the same column of the same sheet, with the same
    hint, is reported once with the rows it concerns ('rows 2–100'), in first-seen order."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        loc = f.location
        key = (f.severity, f.code, loc.file, loc.sheet, loc.column, loc.chapter, loc.section, f.hint) \
            if loc.row is not None and loc.sheet is not None else (id(f),)
        groups.setdefault(key, []).append(f)
    out = []
    for same in groups.values():
        first = same[0]
        if len(same) == 1:
            out.append(first)
            continue
        rows = tuple(sorted({f.location.row for f in same}))
        message = first.message if all(f.message == first.message for f in same) else \
            f"{first.message} (row {first.location.row}; {len(same) - 1} more like it)"
        out.append(Finding(first.severity, first.code, Location(
            file=first.location.file, sheet=first.location.sheet, column=first.location.column,
            chapter=first.location.chapter, section=first.location.section, rows=rows, row=rows[0]),
            message, first.hint, first.args))
    return out


@dataclass
class Report:
    """Collects findings while a stage runs, so one run reports every problem at once."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def sorted(self) -> list[Finding]:
        """Errors first, then warnings; within each, in the order they were found."""
        return self.errors + self.warnings

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)
