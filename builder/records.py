"""Finding and loading the record files of a directory checkout."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .loader import DEFAULT_PARSER, MAX_BYTES, Document, YamlProblem, load
from .messages import say
from .problems import Problem
from .progress import SILENT, Progress

INSTITUTION = "institution"
POD = "pod"


@dataclass(frozen=True)
class RecordFile:
    """A loaded record and what its place in `records/` says about it."""

    kind: str            # INSTITUTION or POD
    path: Path           # on disk
    stem: str            # file name without `.yaml`: must equal the record's id
    folder: str | None   # the country folder of an institution
    document: Document

    @property
    def data(self) -> dict:
        return self.document.data


@dataclass(frozen=True)
class LoadedRecords:
    root: Path
    records: tuple[RecordFile, ...]
    problems: tuple[Problem, ...]   # files that could not be read, or sit in the wrong place
    # (kind, file name without `.yaml`) of record files that could not be read: their ids are
    # still known from their names, so references to them are not reported as unknown too.
    unreadable: tuple[tuple[str, str], ...] = ()


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()


def read_limited(path: Path | str) -> bytes:
    """The file's bytes, but never more than one byte over what the loader accepts: a huge file
    (or /dev/zero) is refused as too large without being read into memory first. Asking for the
    file's own size (plus one, to notice growth) instead of the limit spares allocating half a
    megabyte for every small record, a tenth of the loading time at 10,000 records."""
    return read_stated(path)[0]


def read_stated(path: Path | str) -> tuple[bytes, os.stat_result]:
    """`read_limited`, with what the file system said of the file just before it was read (a
    change made while it is read shows in a later look at the file, never the other way round)."""
    with open(path, "rb", buffering=0) as handle:
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        raw = handle.read(min(size, MAX_BYTES) + 1)
        if len(raw) > size:      # it grew while being read, or has no size (a device)
            raw += handle.read(MAX_BYTES + 1 - len(raw))
        return raw, stat


def read_document(path: Path, *, parser=DEFAULT_PARSER, name: str | None = None) -> Document:
    """Load one YAML file strictly; an unreadable file becomes a `YamlProblem` like bad YAML.

    `name` is how messages call the file, `display_path(path)` unless the caller knows it already.
    """
    name = name if name is not None else display_path(path)
    try:
        raw = read_limited(path)
    except OSError as err:
        raise YamlProblem(unreadable_file(name, err)) from None
    return load(raw, name, parser=parser)


def unreadable_file(name: str, err: OSError) -> Problem:
    return Problem(name, 1, 1, "error", "$", "file-unreadable", say("yaml.unreadable", reason=err.strerror))


def _misplaced(path: Path, message: str) -> Problem:
    return Problem(display_path(path), 1, 1, "error", "$", "misplaced-file", message)


def _entries(folder: str, problems: list[Problem]) -> Iterator[tuple[os.DirEntry, str]]:
    """Every entry below `folder` with the folder it is in, each folder's entries sorted by name and
    a folder just before its own entries (so in the order of their paths, compared part by part),
    without following symbolic links to folders (they are listed, not entered); a folder that
    cannot be read is a problem."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as err:
        problems.append(Problem(display_path(Path(folder)), 1, 1, "error", "$", "file-unreadable",
                                f"cannot read the folder: {err.strerror}"))
        return
    for entry in entries:
        yield entry, folder
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(entry.path, problems)


def record_files(root: Path) -> tuple[list[tuple[str, Path, str | None]], list[Problem]]:
    """Every record file under `root` as (kind, path, country folder), and a problem for each file
    that is not where a record belongs."""
    found: list[tuple[str, Path, str | None]] = []
    unlisted: list[Problem] = []     # folders that could not be read
    problems: list[Problem] = []
    # Paths are compared as the strings the folder listing gives (which is what Path compares,
    # part by part), and a Path is made only for a record: at 10,000 records, Path arithmetic on
    # every entry was most of the time of an answer from the cache.
    institutions = os.path.join(str(root), "institutions")
    pods = os.path.join(str(root), "pods")
    # A symbolic link to a folder is reported once, so that files behind it are neither read nor
    # ignored without a word. Entries are told apart by what the folder listing says of them,
    # without asking the file system again for each one.
    if not root.is_dir():
        return found, problems
    for entry, folder in _entries(str(root), unlisted):
        link = entry.is_symlink()
        if link and entry.is_dir():
            problems.append(Problem(display_path(Path(entry.path)), 1, 1, "error", "$", "file-is-link",
                                    "folders under records/ must be ordinary folders, not symbolic "
                                    "links; replace the link with the folder itself"))
            continue
        suffix = os.path.splitext(entry.name)[1]
        if suffix not in (".yaml", ".yml") or not (link or entry.is_file()):
            continue
        path = Path(entry.path)
        if link:
            # A link could make the checks (and their messages) read a file outside records/.
            problems.append(Problem(display_path(path), 1, 1, "error", "$", "file-is-link",
                                    "record files must be ordinary files, not symbolic links; "
                                    "replace the link with the file itself"))
        elif suffix == ".yml":
            problems.append(_misplaced(path, "record files end in `.yaml`; rename this file"))
        elif os.path.dirname(folder) == institutions:
            found.append((INSTITUTION, path, os.path.basename(folder)))
        elif folder == pods:
            found.append((POD, path, None))
        else:
            problems.append(_misplaced(
                path, "records belong in `records/institutions/<country>/<id>.yaml` or "
                      "`records/pods/<id>.yaml`; move this file"))
    return found, unlisted + problems


def display_names(root: Path, paths: list[Path]) -> list[str]:
    """`display_path` of every file under `root`, without resolving each path against the working
    folder again (that took a noticeable share of validating 10,000 records)."""
    base = display_path(root)
    if base.startswith(".."):   # the working folder may lie inside `root`: ask for each file
        return [display_path(path) for path in paths]
    prefix = "" if base == "." else base + "/"
    # The paths were made by joining names to `root`, so each is `root` and a separator, then the
    # part to show; anything else is asked of pathlib.
    inside = "" if str(root) == "." else str(root) + os.sep
    return [prefix + (text[len(inside):] if (text := str(path)).startswith(inside)
                      else path.relative_to(root).as_posix()).replace(os.sep, "/") for path in paths]


@contextmanager
def cycle_collector_paused():
    """Loading makes millions of small dicts, lists and tuples and no reference cycles; Python's
    cycle collector would re-scan all of them again and again as they pile up (about a fifth of
    the time at 10,000 records). Plain reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# What the progress bar says while the records are read (and, from the cache, looked up).
READING = "Reading records"


def load_records(root: Path, *, parser=DEFAULT_PARSER, progress: Progress = SILENT) -> LoadedRecords:
    """Load every record under `root`, keeping going past files that cannot be read."""
    with cycle_collector_paused():
        return _load_records(root, parser, progress)


def _load_records(root: Path, parser, progress: Progress) -> LoadedRecords:
    candidates, problems = record_files(root)
    records: list[RecordFile] = []
    unreadable: list[tuple[str, str]] = []
    names = display_names(root, [path for _, path, _ in candidates])
    with progress.start(READING, len(candidates)) as stage:
        for (kind, path, folder), name in zip(candidates, names):
            stage.advance()
            try:
                document = read_document(path, parser=parser, name=name)
            except YamlProblem as err:
                problems.append(err.problem)
                unreadable.append((kind, path.stem))
                continue
            records.append(RecordFile(kind, path, path.stem, folder, document))
    return LoadedRecords(root, tuple(records), tuple(problems), tuple(unreadable))
