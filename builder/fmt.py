"""`rsdir fmt`: record files rewritten in the directory's one layout (`builder/layout.py`, the
layout the site's profile editor writes), or, with `--check`, reported where they differ.

Only records that pass their schema check are rewritten: the layout orders fields by the
schema, so a record the schema does not describe has no layout yet. Each file is read with the
strict loader, rendered, read back and compared with its data before anything is written, and
written through a temporary file in the same folder, so a file is either left as it was or
replaced whole. Comments are not kept.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import layout, schemas
from .loader import MAX_BYTES, YamlProblem, load
from .problems import Problem
from .records import display_path, record_files


@dataclass(frozen=True)
class Formatting:
    """What `rsdir fmt` found (and, without `--check`, did) for the files it was given."""

    files: int                       # record files looked at
    changed: tuple[str, ...]         # rewritten, or with --check: not in the layout
    problems: tuple[Problem, ...]    # files that could not be formatted, and with --check the changed ones
    check: bool

    @property
    def ok(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)

    def summary(self) -> str:
        unformattable = len({problem.file for problem in self.problems} - set(self.changed))
        changed = "not in the layout" if self.check else "rewritten"
        return (f"{self.files} record file(s): {len(self.changed)} {changed}, "
                f"{self.files - len(self.changed) - unformattable} already in the layout, "
                f"{unformattable} could not be formatted")

    def as_text(self) -> str:
        lines = [problem.as_text() for problem in self.problems]
        if not self.check:
            lines += [f"rewrote {name}" for name in self.changed]
        return "\n".join(lines + [self.summary()]) + "\n"

    def as_json(self) -> str:
        document = {"ok": self.ok, "check": self.check, "files": self.files,
                    "not_formatted" if self.check else "rewritten": list(self.changed),
                    "problems": [problem.as_json() for problem in self.problems]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _first_difference(old: str, new: str) -> int:
    """The line (1-based) of `old` where it first differs from `new`."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (before, after) in enumerate(zip(old_lines, new_lines), start=1):
        if before != after:
            return number
    return min(len(old_lines), len(new_lines)) + 1


def formatted_text(kind: str, raw: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """The file's text in the layout, or None and the problems that keep it from having one."""
    try:
        document = load(raw, name)
    except YamlProblem as err:
        return None, [err.problem]
    found = schemas.check(kind, document)
    if found:
        return None, found
    try:
        text = layout.render(kind, document.data, schemas.schema(kind))
        if not layout.same_data(load(text.encode("utf-8"), name).data, document.data):
            raise layout.LayoutError("the layout would change the record's data")
    except (layout.LayoutError, YamlProblem) as err:
        message = err.problem.message if isinstance(err, YamlProblem) else str(err)
        return None, [document.problem((), "layout-impossible",
                                       f"this record cannot be written in the directory's layout: {message}; "
                                       "please report it to the directory admins")]
    return text, []


def _write_whole(path: Path, text: str) -> None:
    """Replace `path` with `text` at once: a temporary file beside it, renamed over it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def format_records(root: Path, wanted: Sequence[str] = (), *, check: bool = False) -> Formatting:
    """Format every record file under `root` (or only those named by, or inside, the display
    paths in `wanted`); with `check`, write nothing and report each file not in the layout."""
    def chosen(name: str) -> bool:
        return not wanted or any(name == w or name.startswith(w.rstrip("/") + "/") for w in wanted)

    candidates, misplaced = record_files(root)
    problems = [problem for problem in misplaced if chosen(problem.file)]
    changed: list[str] = []
    files = 0
    for kind, path, _ in candidates:
        name = display_path(path)
        if not chosen(name):
            continue
        files += 1
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as err:
            problems.append(Problem(name, 1, 1, "error", "$", "file-unreadable",
                                    f"cannot read the file: {err.strerror}"))
            continue
        text, found = formatted_text(kind, raw, name)
        problems.extend(found)
        if text is None or text.encode("utf-8") == raw:
            continue
        changed.append(name)
        if check:
            line = _first_difference(raw.decode("utf-8-sig"), text)
            problems.append(Problem(name, line, 1, "error", "$", "not-formatted",
                                    f"the file is not in the directory's layout (from line {line} on); "
                                    f"run `rsdir fmt {name}` to rewrite it"))
        else:
            _write_whole(path, text)
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code, p.message))
    return Formatting(files, tuple(changed), tuple(ordered), check)
