"""Shared test helpers: where the fixtures live and how a fixture states what it expects."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_RECORDS = REPO / "records"
EXAMPLE_REQUESTS = REPO / "site_src" / "examples" / "requests"
# The day the tests treat as today, so `review-overdue` does not depend on the calendar.
TODAY = dt.date(2026, 11, 28)

_EXPECT = re.compile(rb"^# expect: ([a-z0-9-]+) (\d+)(?::(\d+))?$", re.MULTILINE)


@dataclass(frozen=True)
class Expected:
    """One problem a fixture file announces in a `# expect: <code> <line>[:<column>]` comment."""

    file: Path
    code: str
    line: int
    column: int | None


def expectations(path: Path) -> list[Expected]:
    return [Expected(path, code.decode(), int(line), int(column) if column else None)
            for code, line, column in _EXPECT.findall(path.read_bytes())]


@pytest.fixture
def records_copy(tmp_path: Path):
    """Copy a records tree into a temporary folder, so a test can change it freely."""
    import shutil

    def copy(source: Path) -> Path:
        target = tmp_path / "records"
        shutil.copytree(source, target)
        return target
    return copy
