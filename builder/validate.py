"""Validation of a whole directory: strict loading, the schema check, then the cross-record checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable
from pathlib import Path

from . import crosschecks, schemas
from .loader import DEFAULT_PARSER
from .problems import Problem
from .records import LoadedRecords, RecordFile, cycle_collector_paused, load_records


@dataclass(frozen=True)
class Validation:
    loaded: LoadedRecords
    valid: tuple[RecordFile, ...]      # records that passed their schema check
    problems: tuple[Problem, ...]      # sorted by file and position

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def ok(self, *, strict: bool = False) -> bool:
        return passes(self.problems, strict=strict)


def passes(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """No errors (and, when strict, no warnings either); notices never fail."""
    failing = {"error", "warning"} if strict else {"error"}
    return not any(p.severity in failing for p in problems)


def validate_loaded(loaded: LoadedRecords, today: dt.date) -> Validation:
    # With every record in memory, each run of the cycle collector would scan all of them.
    with cycle_collector_paused():
        return _validate_loaded(loaded, today)


def _validate_loaded(loaded: LoadedRecords, today: dt.date) -> Validation:
    problems: list[Problem] = list(loaded.problems)
    valid: list[RecordFile] = []
    invalid_parts: dict[str, tuple[tuple, ...]] = {}
    for record in loaded.records:
        found = schemas.check(record.kind, record.document)
        problems.extend(found)
        if found:
            invalid_parts[record.document.file] = schemas.invalid_parts(record.kind, record.data)
        else:
            valid.append(record)
    checked = crosschecks.Checked(loaded.records, invalid_parts, today, loaded.unreadable)
    problems.extend(crosschecks.run_all(checked))
    ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.code, p.path, p.message))
    return Validation(loaded, tuple(valid), tuple(ordered))


def validate_directory(root: Path, today: dt.date, *, parser=DEFAULT_PARSER) -> Validation:
    return validate_loaded(load_records(root, parser=parser), today)


def problems_joining(existing: LoadedRecords, record: RecordFile, today: dt.date) -> list[Problem]:
    """The problems of `record` as a newcomer to the `existing` directory, checked after every
    record there (so an id or identifier already taken is the newcomer's problem): what `rsdir
    new` and the site's profile editor say about a profile before it is proposed."""
    joined = LoadedRecords(existing.root, existing.records + (record,), existing.problems, existing.unreadable)
    return [p for p in validate_loaded(joined, today).problems if p.file == record.document.file]
