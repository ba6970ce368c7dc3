"""Finding and loading the record files of a directory checkout."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .loader import DEFAULT_PARSER, Document, YamlProblem, load
from .problems import Problem

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

    def of_kind(self, kind: str) -> list[RecordFile]:
        return [record for record in self.records if record.kind == kind]


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()


def read_document(path: Path, *, parser=DEFAULT_PARSER) -> Document:
    """Load one YAML file strictly; an unreadable file becomes a `YamlProblem` like bad YAML."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise YamlProblem(Problem(name, 1, 1, "error", "$", "file-unreadable",
                                  f"cannot read the file: {err.strerror}")) from None
    return load(raw, name, parser=parser)


def _misplaced(path: Path, message: str) -> Problem:
    return Problem(display_path(path), 1, 1, "error", "$", "misplaced-file", message)


def _candidates(root: Path) -> tuple[list[tuple[str, Path, str | None]], list[Problem]]:
    found: list[tuple[str, Path, str | None]] = []
    problems: list[Problem] = []
    institutions = root / "institutions"
    pods = root / "pods"
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml"):
            continue
        if path.suffix == ".yml":
            problems.append(_misplaced(path, "record files end in `.yaml`; rename this file"))
        elif path.parent.parent == institutions:
            found.append((INSTITUTION, path, path.parent.name))
        elif path.parent == pods:
            found.append((POD, path, None))
        else:
            problems.append(_misplaced(
                path, "records belong in `records/institutions/<country>/<id>.yaml` or "
                      "`records/pods/<id>.yaml`; move this file"))
    return found, problems


def load_records(root: Path, *, parser=DEFAULT_PARSER) -> LoadedRecords:
    """Load every record under `root`, keeping going past files that cannot be read."""
    candidates, problems = _candidates(root)
    records: list[RecordFile] = []
    unreadable: list[tuple[str, str]] = []
    for kind, path, folder in candidates:
        try:
            document = read_document(path, parser=parser)
        except YamlProblem as err:
            problems.append(err.problem)
            unreadable.append((kind, path.stem))
            continue
        records.append(RecordFile(kind, path, path.stem, folder, document))
    return LoadedRecords(root, tuple(records), tuple(problems), tuple(unreadable))
