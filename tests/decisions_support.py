"""Shared loading for the decision tests: the fixture directory and its request files."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from builder.model import Directory
from builder.requests import load_request, resolve_parties
from builder.validate import validate_directory

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "decisions"
RECORDS = FIXTURE / "records"
REQUESTS = FIXTURE / "requests"
SAMPLE_RECORDS = Path(__file__).resolve().parent.parent / "records"
TODAY = dt.date(2026, 12, 1)


@cache
def directory(root: Path = RECORDS) -> Directory:
    validation = validate_directory(root, TODAY)
    assert not validation.errors, [p.as_text() for p in validation.errors]
    return Directory.from_records(validation.valid)


def request_case(path: Path, root: Path = RECORDS):
    """The request in `path` with its borrower and lender resolved against `root`."""
    request, document = load_request(path)
    borrower, lender = resolve_parties(directory(root), request, document, need_lender=request.lender is not None)
    return request, borrower, lender


def expectation(path: Path) -> tuple[str, str | None, str | None]:
    """The `# expect: decision reason rule` line at the top of a fixture request."""
    words = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").split()
    decision, reason, rule = words
    return decision, None if reason == "-" else reason, None if rule == "-" else rule
