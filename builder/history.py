"""When each record last changed, read from the git history of `records/`.

The feed's dates (`generated_at`, `last_changed`, the items of `updates.json`) must not depend on
when the build runs, so that one commit always builds the same bytes. They come from committer
dates in git, in this order of preference:

- `generated_at`: `SOURCE_DATE_EPOCH` when set, else the committer date of the checked-out commit
  (HEAD), else 1970-01-01T00:00:00Z.
- a record's `last_changed`: the newest commit that touched its file; a record git does not know
  yet (a new, uncommitted file) gets `SOURCE_DATE_EPOCH` when set, else `generated_at`.
- outside a git checkout (or without git installed) there is no history: every date is
  `SOURCE_DATE_EPOCH`, or 1970-01-01 when it is not set. The clock is never read.

A shallow clone (CI's default `fetch-depth: 1`) only knows its newest commit, so every record
would look as if it joined then; `History.shallow` says so and the builder should fetch the full
history (`fetch-depth: 0`) before publishing.

This module is the edge that runs `git`; everything else reads the `History` it returns.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

INSTITUTION, POD = "institution", "pod"
ADDED, UPDATED, REMOVED = "added", "updated", "removed"

# Record files as git names them relative to the records folder. Anything else under records/
# (a README, a misplaced file) is not a record and has no place in the history.
_RECORD_PATH = re.compile(
    r"institutions/[a-z]{2}/(?P<institution>[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.yaml"
    r"|pods/(?P<pod>[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.yaml"
)
# A commit header: full hash, NUL, committer time, NUL, subject. A subject can hold any byte but
# NUL, so a header can only start where a record separator is followed by a hash and a NUL.
_COMMIT_START = re.compile(r"\x1e(?=[0-9a-f]{40,64}\x00)")


class HistoryError(RuntimeError):
    """git is there but could not read the history; the message says what git answered."""


@dataclass(frozen=True)
class Change:
    """One commit's change to one record."""

    commit: str
    date: dt.datetime          # committer date, UTC
    kind: str                  # INSTITUTION or POD
    record_id: str
    path: str                  # the record file, relative to the repository root
    action: str                # ADDED, UPDATED or REMOVED
    subject: str               # first line of the commit message (untrusted text)


@dataclass(frozen=True)
class History:
    """The changes of every record, newest first, and the date the build is stamped with."""

    generated_at: dt.datetime
    changes: tuple[Change, ...] = ()
    fallback: dt.datetime | None = None     # date of a record with no commit; generated_at if None
    shallow: bool = False
    _latest: Mapping[tuple[str, str], dt.datetime] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        latest: dict[tuple[str, str], dt.datetime] = {}
        for change in self.changes:
            key = (change.kind, change.record_id)
            if key not in latest or change.date > latest[key]:
                latest[key] = change.date
        object.__setattr__(self, "_latest", latest)

    def last_changed(self, kind: str, record_id: str) -> dt.datetime:
        """The date of the newest commit that touched the record, or the fallback date."""
        return self._latest.get((kind, record_id), self.fallback or self.generated_at)


def rfc3339(moment: dt.datetime) -> str:
    """`2026-10-14T09:12:00Z`: UTC, whole seconds, the form JSON Feed and most parsers expect."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date_epoch(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """`SOURCE_DATE_EPOCH` (reproducible-builds.org) as a UTC date, or None when unset.

    A value that is not a whole number of seconds is an input error, not something to guess at.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise HistoryError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not `{raw}`")
    try:
        return dt.datetime.fromtimestamp(int(raw), tz=dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise HistoryError(f"SOURCE_DATE_EPOCH `{raw}` is out of range") from None


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace",
        env={**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat"}, check=False,
    )


def _checked(result: subprocess.CompletedProcess, what: str) -> str:
    if result.returncode != 0:
        raise HistoryError(f"git could not {what}: {result.stderr.strip() or 'no message'}")
    return result.stdout


def _timestamp(seconds: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.timezone.utc)


def parse_log(output: str, prefix: str) -> list[Change]:
    """Changes from `git log --no-renames --name-status --format=%x1e%H%x00%ct%x00%s`.

    `prefix` is the records folder relative to the repository root (`records/`). A commit that
    deletes a record and adds it again (a move to another country folder) updated it.
    """
    changes: list[Change] = []
    for chunk in _COMMIT_START.split(output):
        if not chunk.strip():
            continue
        header, _, body = chunk.partition("\n")
        commit, committed, subject = header.split("\x00", 2)
        date = _timestamp(committed)
        touched: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for line in body.splitlines():
            status, _, path = line.partition("\t")
            if not status or not path.startswith(prefix):
                continue
            match = _RECORD_PATH.fullmatch(path[len(prefix):])
            if not match:
                continue
            kind = INSTITUTION if match["institution"] else POD
            key = (kind, match["institution"] or match["pod"])
            # Keep the path the record has after the commit (the added one when it moved).
            kept_path, statuses = touched.get(key, (path, set()))
            statuses.add(status[0])
            touched[key] = (kept_path if status[0] == "D" else path, statuses)
        for (kind, record_id), (path, statuses) in touched.items():
            if statuses == {"A"}:
                action = ADDED
            elif statuses == {"D"}:
                action = REMOVED
            else:
                action = UPDATED
            changes.append(Change(commit, date, kind, record_id, path, action, subject))
    changes.sort(key=lambda c: (-c.date.timestamp(), c.commit, c.kind, c.record_id))
    return changes


def read_history(records_root: Path, environ: Mapping[str, str] | None = None) -> History:
    """The history of the record files under `records_root`, by asking git.

    Raises `HistoryError` when git is present but fails for another reason than "not a
    repository" (for example a repository owned by another user), since silently dating every
    record 1970 would publish a wrong feed.
    """
    pinned = source_date_epoch(environ)
    root = Path(records_root).resolve()
    if not root.is_dir():
        raise HistoryError(f"records folder `{records_root}` does not exist")
    try:
        top = _git(["rev-parse", "--show-toplevel"], root)
    except FileNotFoundError:      # git is not installed
        return History(pinned or EPOCH)
    if top.returncode != 0:
        if "not a git repository" in top.stderr:
            return History(pinned or EPOCH)
        raise HistoryError(f"git could not find the repository: {top.stderr.strip()}")
    toplevel = Path(top.stdout.strip()).resolve()
    prefix = root.relative_to(toplevel).as_posix()
    prefix = "" if prefix == "." else prefix + "/"

    head = _git(["log", "-1", "--format=%ct"], root)
    if head.returncode != 0 or not head.stdout.strip():
        # A repository without commits yet: nothing is in the history.
        return History(pinned or EPOCH)
    head_date = _timestamp(head.stdout.strip())
    log = _checked(_git(["log", "--no-renames", "--name-status", "--format=%x1e%H%x00%ct%x00%s",
                         "--", prefix or "."], toplevel), "read the history of the records")
    shallow = _checked(_git(["rev-parse", "--is-shallow-repository"], root), "inspect the clone").strip() == "true"
    return History(pinned or head_date, tuple(parse_log(log, prefix)), fallback=pinned, shallow=shallow)
