"""The one shape every check reports in: a positioned problem with a stable code."""

from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Literal

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong (or worth knowing) about one place in one file.

    `path` is a JSON path into the record (`$.lending.rules[0].reason`), `line` and `column`
    are 1-based positions in the file, `code` is stable and documented, `message` tells the
    reader what to do.
    """

    file: str
    line: int
    column: int
    severity: Severity
    path: str
    code: str
    message: str

    def as_json(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        """One line, whatever the record said: line breaks in quoted text are shown escaped."""
        line = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.path}: {self.message} [{self.code}]"
        return line.replace("\r", "\\r").replace("\n", "\\n")


def json_path(parts: tuple) -> str:
    """`("lending", "rules", 0)` → `$.lending.rules[0]`."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum() and part.isascii():
            out += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out
