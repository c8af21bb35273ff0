"""Findings and input errors: every problem names its place and says how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a sheet, row and column, or a chapter/section."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    chapter: str | None = None
    section: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            text_file = (self.file or "").endswith((".md", ".yaml", ".yml", ".typ"))
            parts.append(f"{'line' if text_file else 'row'} {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.chapter:
            parts.append(f"chapter '{self.chapter}'")
        if self.section:
            parts.append(f"section '{self.section}'")
        return ", ".join(parts) or "(edition)"

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    code: str
    location: Location
    message: str
    hint: str = ""

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
        }


class InputError(Exception):
    """Raised when inputs cannot be turned into a brochure; carries one or more findings."""

    def __init__(self, findings: list[Finding] | Finding):
        self.findings = [findings] if isinstance(findings, Finding) else list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


def error(code: str, location: Location, message: str, hint: str = "") -> Finding:
    return Finding("error", code, location, message, hint)


def warning(code: str, location: Location, message: str, hint: str = "") -> Finding:
    return Finding("warning", code, location, message, hint)


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
