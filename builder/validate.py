"""Validation of a whole directory: strict loading, the schema check, then the cross-record checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import astuple, dataclass, replace
from typing import Iterable
from pathlib import Path

from . import crosschecks, schemas
from .catalogs import SOURCE_LANGUAGE
from .cache import (Cache, CachedDocument, Snapshot, content_key, problem_from_row, problem_row, settled, signature,
                    unreadable_entry)
from .loader import DEFAULT_PARSER, YamlProblem, load
from .problems import Problem
from .progress import SILENT, Progress
from .records import (READING, LoadedRecords, RecordFile, cycle_collector_paused, display_names, load_records,
                      read_stated, record_files, unreadable_file)


@dataclass(frozen=True)
class Validation:
    loaded: LoadedRecords
    valid: tuple[RecordFile, ...]      # records that passed their schema check
    problems: tuple[Problem, ...]      # sorted by file and position
    # With the cache: the key of exactly these files (and day), under which whole-directory results
    # of them are kept.
    directory_key: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def ok(self, *, strict: bool = False) -> bool:
        return passes(self.problems, strict=strict)


def passes(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """No errors (and, when strict, no warnings either); notices never fail."""
    failing = {"error", "warning"} if strict else {"error"}
    return not any(p.severity in failing for p in problems)


# What a record's own checks found: its schema problems and the parts they make unusable.
FileVerdict = tuple[tuple[Problem, ...], tuple[tuple, ...]]


def file_verdict(record: RecordFile, lang: str = SOURCE_LANGUAGE) -> FileVerdict:
    found = schemas.check(record.kind, record.document, lang)
    return tuple(found), (schemas.invalid_parts(record.kind, record.data) if found else ())


def validate_loaded(loaded: LoadedRecords, today: dt.date,
                    verdicts: dict[str, FileVerdict] | None = None, progress: Progress = SILENT,
                    lang: str = SOURCE_LANGUAGE) -> Validation:
    """`verdicts` (by file name) are the schema checks already known, from the cache; the problems
    found afresh are said in `lang`."""
    # With every record in memory, each run of the cycle collector would scan all of them.
    with cycle_collector_paused():
        return _validate_loaded(loaded, today, verdicts or {}, progress, lang)


def _validate_loaded(loaded: LoadedRecords, today: dt.date, verdicts: dict[str, FileVerdict],
                     progress: Progress = SILENT, lang: str = SOURCE_LANGUAGE) -> Validation:
    problems: list[Problem] = list(loaded.problems)
    valid: list[RecordFile] = []
    invalid_parts: dict[str, tuple[tuple, ...]] = {}
    unchecked = len(loaded.records) - len(verdicts)
    # Records whose checks come from the cache need no bar of their own.
    checking = progress if unchecked else SILENT
    with checking.start("Checking records", unchecked) as stage:
        for record in loaded.records:
            known = verdicts.get(record.document.file)
            if known is None:
                stage.advance()
            found, parts = known or file_verdict(record, lang)
            problems.extend(found)
            if found:
                invalid_parts[record.document.file] = parts
            else:
                valid.append(record)
    checked = crosschecks.Checked(loaded.records, invalid_parts, today, loaded.unreadable, lang)
    problems.extend(crosschecks.run_all(checked))
    ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.code, p.path, p.message))
    return Validation(loaded, tuple(valid), tuple(ordered))


def problems_joining(existing: LoadedRecords, record: RecordFile, today: dt.date,
                     lang: str = SOURCE_LANGUAGE) -> list[Problem]:
    """The problems of `record` as a newcomer to the `existing` directory, checked after every
    record there (so an id or identifier already taken is the newcomer's problem), said in
    `lang`: what `rsdir new` and the site's profile editor say about a profile before it is
    proposed."""
    joined = LoadedRecords(existing.root, existing.records + (record,), existing.problems, existing.unreadable)
    return [p for p in validate_loaded(joined, today, lang=lang).problems if p.file == record.document.file]


def validate_directory(root: Path, today: dt.date, *, parser=DEFAULT_PARSER,
                       cache: Cache | None = None, progress: Progress = SILENT) -> Validation:
    """Every problem of the directory under `root`; with `cache` (and libyaml, the parser it keeps
    results of), what is known from an earlier run is taken from it and the rest added to it.
    `progress` is told how many records are read and checked."""
    if cache is None or parser is not DEFAULT_PARSER:
        return validate_loaded(load_records(root, parser=parser, progress=progress), today, progress=progress)
    with cycle_collector_paused():
        return _validate_cached(root, today, cache, progress)


def _validate_cached(root: Path, today: dt.date, cache: Cache, progress: Progress) -> Validation:
    candidates, listing = record_files(root)
    names = display_names(root, [path for _, path, _ in candidates])
    snapshot = cache.read(root)
    known, looks = cache.known_looks(root), {}
    looked_at = time.time_ns()
    # Looks are kept by the path inside the records folder, however the folder was named.
    inside = str(root) if str(root).endswith(os.sep) else str(root) + os.sep
    files = []     # (kind, path, folder, name, content key, bytes (None if not read) or the problem reading them)
    for (kind, path, folder), name in zip(candidates, names):
        try:
            content, raw = _content_of(kind, path, inside, known, snapshot, looked_at, looks)
            files.append((kind, path, folder, name, content, raw))
        except OSError as err:
            files.append((kind, path, folder, name, None, unreadable_file(name, err)))
    if looks != known:
        cache.keep_known_looks(root, looks)
    key = _directory_key(today, listing, [(f[3], f[4]) for f in files])
    unchanged = snapshot.directory.get("key") == key
    entries: dict[str, dict | memoryview] = {}
    records: list[RecordFile] = []
    problems: list[Problem] = list(listing)
    unreadable: list[tuple[str, str]] = []
    verdicts: dict[str, FileVerdict] = {}
    with progress.start(READING, len(files)) as stage:
        for kind, path, folder, name, content, raw in files:
            stage.advance()
            if content is None:
                problems.append(raw)
                unreadable.append((kind, path.stem))
                continue
            entry = snapshot.entry(content)
            if entry is None:
                entry = _fresh_entry(kind, path, folder, name, raw)
            entries[content] = entry
            document = CachedDocument(name, entry)
            if unreadable_entry(entry):
                problems.append(problem_from_row(name, document._decoded["unreadable"]))
                unreadable.append((kind, path.stem))
                continue
            records.append(RecordFile(kind, path, path.stem, folder, document))
            if not unchanged:    # with the directory unchanged, its problems are known already
                decoded = document._decoded
                verdicts[name] = (tuple(problem_from_row(name, row) for row in decoded["schema"]),
                                  tuple(tuple(part) for part in decoded["invalid"]))
    loaded = LoadedRecords(root, tuple(records), tuple(problems), tuple(unreadable))
    if unchanged:
        stored = snapshot.directory
        # The records that failed their own checks are few: kept by name, instead of every valid one.
        invalid = set(stored["invalid"])
        return Validation(loaded, tuple(r for r in records if r.document.file not in invalid),
                          tuple(Problem(*row) for row in stored["problems"]), key)
    result = _validate_loaded(loaded, today, verdicts)
    valid = {r.document.file for r in result.valid}
    cache.write(root, {"key": key, "problems": [list(astuple(p)) for p in result.problems],
                       "invalid": [r.document.file for r in records if r.document.file not in valid]}, entries)
    return replace(result, directory_key=key)


def _directory_key(today: dt.date, listing: list[Problem], contents: list[tuple[str, str | None]]) -> str:
    """What the whole directory's results depend on: the day, the files found out of place, and each
    record file's name and content key (None: it could not be read). A file name holds no NUL and
    a content key no line break, so the text they make together reads only one way."""
    digest = hashlib.sha256(today.isoformat().encode())
    digest.update(json.dumps([problem.as_text() for problem in listing]).encode())
    digest.update("".join(f"\n{name}\0{content}" for name, content in contents).encode())
    return digest.hexdigest()


def _content_of(kind: str, path: Path, inside: str, known: dict[str, list], snapshot: Snapshot,
                looked_at: int, looks: dict[str, list]) -> tuple[str, bytes | None]:
    """The content key of one record file, and its bytes if they had to be read: a file that looks
    exactly as it did when it was last read, and whose entry the cache holds, is not read again.
    `looks` is given the file's look (by its path after `inside`), if it can vouch for its content
    next time."""
    text = str(path)
    place = text[len(inside):] if text.startswith(inside) else text
    look = known.get(place)
    if look is not None and snapshot.has(look[-1]) and signature(os.stat(text)) == look[:-1]:
        looks[place] = look
        return look[-1], None
    raw, stat = read_stated(path)
    content = content_key(kind, raw)
    if settled(stat, looked_at):
        looks[place] = signature(stat) + [content]
    return content, raw


def _fresh_entry(kind: str, path: Path, folder: str | None, name: str, raw: bytes) -> dict:
    """What reading and schema-checking one file gives, as the cache keeps it."""
    try:
        document = load(raw, name)
    except YamlProblem as err:
        return {"unreadable": problem_row(err.problem)}
    found, parts = file_verdict(RecordFile(kind, path, path.stem, folder, document))
    return {"data": document.data, "marks": list(document.marks),
            "schema": [problem_row(p) for p in found], "invalid": [list(part) for part in parts]}
