"""The cache of loaded and checked records under `$XDG_CACHE_HOME/rsdir` (default `~/.cache/rsdir`).

One file per records folder holds, for each record file, what reading and schema-checking it gave,
keyed by the file's content hash and kind, and the whole directory's problems, keyed by every
file's hash and the day; the cache file as a whole belongs to one rsdir (its version and the code
of its checks) and one set of schemas. A file is read again exactly when it changed, and the
directory's problems are used only when no file changed. Everything is JSON, written to a
temporary file and renamed into place; a cache file that is damaged, foreign or from another
rsdir is ignored and rewritten, never trusted (its contents are checked against a SHA-256 kept in
its first line).

    line 1   {"format": "rsdir-cache", "version": 1, "rsdir": ..., "schemas": ..., "sha256": ...}
    line 2   {"key": ..., "problems": [...], "valid": [...]}        the whole directory
    line 3…  <entry key> <one file's entry as JSON>

Beside it, `model-<…>.json` keeps what the model of the valid records works out from the whole
directory (confirmed pod members, who lists whom, agency ids: `Directory.known_facts`), under the
same directory key, so that a question about one library does not decode every record again. Its
first line is the same header with that key added (`"directory": ...`), the second the facts.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from .loader import Document
from .problems import Problem
from .schemas import SCHEMA_DIR, SCHEMA_FILES

FORMAT = "rsdir-cache"
FORMAT_VERSION = 1
BUILDER = Path(__file__).resolve().parent


def cache_folder(environ: os._Environ | dict = os.environ) -> Path:
    """`$XDG_CACHE_HOME/rsdir`, or `~/.cache/rsdir` when it is not set (or not absolute, as the
    XDG specification asks)."""
    base = environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "rsdir"


@cache
def rsdir_key() -> str:
    """The rsdir that wrote a cache: its version and the code that reads and checks records (so a
    changed checkout never reuses answers of another one). Everything the cache holds is made by
    the modules of `builder/` itself (loading, the schema and cross-record checks, the model's
    facts); the exports and the site (`builder/exports/`, `builder/site/`) only read the results,
    so their code is not part of the key."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("ors-directory").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"unknown")
    for path in sorted(BUILDER.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def schemas_key() -> str:
    digest = hashlib.sha256()
    for name in sorted(SCHEMA_FILES.values()):
        digest.update(name.encode() + b"\0" + (SCHEMA_DIR / name).read_bytes())
    return digest.hexdigest()


def content_key(kind: str, raw: bytes) -> str:
    return f"{kind}:{hashlib.sha256(raw).hexdigest()}"


def problem_row(problem: Problem) -> list:
    """A problem without its file name (which depends on where rsdir runs, not on the content)."""
    return [problem.line, problem.column, problem.severity, problem.path, problem.code, problem.message]


def problem_from_row(file: str, row: list) -> Problem:
    line, column, severity, path, code, message = row
    return Problem(file, line, column, severity, path, code, message)


def unreadable_entry(entry: dict | bytes) -> bool:
    """Whether an entry is that of a file that could not be read as a record (told without
    decoding it: an entry as written starts with its first key)."""
    return "unreadable" in entry if isinstance(entry, dict) else entry.startswith(b'{"unreadable"')


class CachedDocument(Document):
    """A document whose data is decoded from its cache entry only when something asks for it: a
    question about one library needs only a few of 10,000 records."""

    def __init__(self, file: str, entry: dict | bytes):     # noqa: D107 (fields set as in a frozen dataclass)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "_entry", entry)

    @cached_property
    def _decoded(self) -> dict:
        entry = self._entry
        return entry if isinstance(entry, dict) else json.loads(entry)

    @property
    def data(self) -> Any:  # type: ignore[override]
        return self._decoded["data"]

    @property
    def marks(self):  # type: ignore[override]
        return self._decoded["marks"]


@dataclass
class Snapshot:
    """One records folder's cache file as read (empty when there was none, or none to trust), and
    what this run adds to it."""

    directory: dict = field(default_factory=dict)
    entries: dict[str, bytes] = field(default_factory=dict)   # as written: decoded on demand
    fresh: dict[str, dict] = field(default_factory=dict)      # made in this run

    def entry(self, key: str) -> dict | bytes | None:
        return self.fresh.get(key) or self.entries.get(key)


@dataclass
class Cache:
    """Where the cache lives and how to say that it could not be written (once per run)."""

    folder: Path
    warn: Callable[[str], None]
    warned: bool = False

    def file_for(self, root: Path) -> Path:
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
        return self.folder / f"records-{name}.jsonl"

    def read(self, root: Path) -> Snapshot:
        try:
            content = self.file_for(root).read_bytes()
        except OSError:
            return Snapshot()
        return _parsed(content) or Snapshot()

    def write(self, root: Path, directory: dict, entries: dict[str, dict | bytes]) -> None:
        lines = [json.dumps(directory, ensure_ascii=False, separators=(",", ":")).encode()]
        for key, entry in entries.items():
            body = entry if isinstance(entry, bytes) else json.dumps(
                entry, ensure_ascii=False, separators=(",", ":")).encode()
            lines.append(key.encode() + b" " + body)
        self._write(self.file_for(root), _header, b"\n".join(lines))

    def model_file_for(self, root: Path) -> Path:
        return self.file_for(root).with_name(self.file_for(root).name.replace("records-", "model-", 1))

    def known_facts(self, root: Path, directory_key: str) -> dict | None:
        """What the model of these exact records worked out from the whole directory
        (`Directory.known_facts`), if an earlier run kept it; None otherwise."""
        try:
            content = self.model_file_for(root).read_bytes()
        except OSError:
            return None
        first, _, body = content.partition(b"\n")
        try:
            header = json.loads(first)
            if header != _header(body, directory_key):
                return None
            facts = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        return facts if isinstance(facts, dict) else None

    def keep_known_facts(self, root: Path, directory_key: str, facts: dict) -> None:
        self._write(self.model_file_for(root), lambda body: _header(body, directory_key),
                    json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode())

    def _write(self, target: Path, header, body: bytes) -> None:
        """`header(body)` as the first line, then `body`, written beside `target` and renamed into
        place; a folder that cannot be written is said once and otherwise ignored."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".records-", dir=target.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(json.dumps(header(body)).encode() + b"\n" + body)
                os.replace(temporary, target)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as err:
            if not self.warned:
                self.warned = True
                self.warn(f"cannot write the cache in {self.folder} ({err.strerror or err}); the answers "
                          "are the same without it, only slower (pass --no-cache to skip it)")


def _header(body: bytes = b"", directory_key: str | None = None) -> dict:
    """The first line of a cache file: what wrote it and a checksum of the rest."""
    header = {"format": FORMAT, "version": FORMAT_VERSION, "rsdir": rsdir_key(), "schemas": schemas_key(),
              "sha256": hashlib.sha256(body).hexdigest()}
    if directory_key is not None:
        header["directory"] = directory_key
    return header


def _parsed(content: bytes) -> Snapshot | None:
    """The snapshot in a cache file's bytes, or None when they are not exactly what this rsdir
    wrote (another rsdir, other schemas, a damaged or foreign file)."""
    first, _, body = content.partition(b"\n")
    try:
        header = json.loads(first)
        if not (isinstance(header, dict) and header.get("format") == FORMAT
                and header.get("version") == FORMAT_VERSION and header.get("rsdir") == rsdir_key()
                and header.get("schemas") == schemas_key()
                and header.get("sha256") == hashlib.sha256(body).hexdigest()):
            return None
        lines = body.split(b"\n")
        directory = json.loads(lines[0])
        entries = {}
        for line in lines[1:]:
            key, _, entry = line.partition(b" ")
            entries[key.decode()] = entry
        return Snapshot(directory if isinstance(directory, dict) else {}, entries)
    except (ValueError, UnicodeDecodeError):
        return None
