"""The cache of loaded and checked records under `$XDG_CACHE_HOME/rsdir` (default `~/.cache/rsdir`).

One file per records folder holds, for each record file, what reading and schema-checking it gave,
keyed by the file's content hash and kind, and the whole directory's problems, keyed by every
file's hash and the day; the cache file as a whole belongs to one rsdir (its version and the code
of its checks) and one set of schemas. A file is read again exactly when it changed, and the
directory's problems are used only when no file changed. Everything is JSON, written to a
temporary file and renamed into place; a cache file that is damaged, foreign or from another
rsdir is ignored and rewritten, never trusted (its contents are checked against a CRC-32 kept in
its first line: the check is against damage, which CRC-32 finds as surely as any digest, and
takes a third of the time of SHA-256 over the 40 MB of a directory of 10,000 records).

    line 1   {"format": "rsdir-cache", "version": 2, "rsdir": ..., "schemas": ..., "crc32": ...}
    line 2   {"key": ..., "problems": [...], "invalid": [...]}      the whole directory
    line 3…  <entry key> <one file's entry as JSON>

Beside it, `files-<…>.jsonl` keeps how each record file looked (size, modification and change
times, inode and device) when its content hash was last worked out, so that a file that still
looks exactly so is not read and hashed again; a look vouches for a content only once the file's
times are `SETTLED_NS` older than the moment of the look (as git's index does), since a file
changed twice within one tick of the file system's clock keeps the same times. Losing this file
costs only time: every file is then read and hashed.

And `model-<…>.jsonl` keeps what the model of the valid records works out from the whole
directory (confirmed pod members, who lists whom, agency ids: `Directory.known_facts`), under the
same directory key, so that a question about one library does not decode every record again. Its
first line is the same header with that key added (`"directory": ...`), the second the names of
the facts' parts, then each part on a line of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Callable, Mapping

from .loader import Document
from .problems import Problem
from .schemas import SCHEMA_DIR, SCHEMA_FILES

FORMAT = "rsdir-cache"
FORMAT_VERSION = 2
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
    # Imported here: importlib.metadata is a tenth of an answer from the cache, and only this (and
    # pycountry, when a country is named) reads package metadata.
    from importlib import metadata

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


# How much older than the moment of a look a file's times must be before the look can vouch for
# its content: file systems keep times in ticks of a few milliseconds (ext4), a second (ext3,
# HFS+) or two (FAT), and a file changed twice in one tick would look unchanged.
SETTLED_NS = 3_000_000_000


def signature(stat: os.stat_result) -> list[int]:
    """How a file looks from outside; any write changes its change time (which no one can set),
    a replaced file its inode."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def settled(stat: os.stat_result, looked_at_ns: int) -> bool:
    return max(stat.st_mtime_ns, stat.st_ctime_ns) < looked_at_ns - SETTLED_NS


def content_key(kind: str, raw: bytes) -> str:
    return f"{kind}:{hashlib.sha256(raw).hexdigest()}"


def problem_row(problem: Problem) -> list:
    """A problem without its file name (which depends on where rsdir runs, not on the content)."""
    return [problem.line, problem.column, problem.severity, problem.path, problem.code, problem.message]


def problem_from_row(file: str, row: list) -> Problem:
    line, column, severity, path, code, message = row
    return Problem(file, line, column, severity, path, code, message)


UNREADABLE = b'{"unreadable"'


def unreadable_entry(entry: dict | memoryview) -> bool:
    """Whether an entry is that of a file that could not be read as a record (told without
    decoding it: an entry as written starts with its first key)."""
    return "unreadable" in entry if isinstance(entry, dict) else entry[:len(UNREADABLE)] == UNREADABLE


class CachedDocument(Document):
    """A document whose data is decoded from its cache entry only when something asks for it: a
    question about one library needs only a few of 10,000 records."""

    def __init__(self, file: str, entry: dict | memoryview):     # noqa: D107 (fields set as in a frozen dataclass)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "_entry", entry)

    @cached_property
    def _decoded(self) -> dict:
        entry = self._entry
        return entry if isinstance(entry, dict) else json.loads(bytes(entry))

    @property
    def data(self) -> Any:  # type: ignore[override]
        return self._decoded["data"]

    @property
    def marks(self):  # type: ignore[override]
        return self._decoded["marks"]


class Facts(Mapping):
    """The parts of the model's facts as kept, each decoded from its line when first read."""

    def __init__(self, lines: dict[str, bytes]):
        self._lines = lines
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._decoded:
            self._decoded[name] = json.loads(self._lines[name])
        return self._decoded[name]

    def __iter__(self):
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


@dataclass
class Snapshot:
    """One records folder's cache file as read (empty when there was none, or none to trust), and
    what this run adds to it."""

    directory: dict = field(default_factory=dict)
    content: bytes = b""                                      # the cache file as read
    # Where each entry lies in `content` (start and end): an entry is sliced out, and decoded, only
    # when asked for, instead of splitting 40 MB into 10,000 copies first.
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    fresh: dict[str, dict] = field(default_factory=dict)      # made in this run

    def has(self, key: str) -> bool:
        return key in self.fresh or key in self.spans

    def entry(self, key: str) -> dict | memoryview | None:
        if key in self.fresh:
            return self.fresh[key]
        span = self.spans.get(key)
        return None if span is None else memoryview(self.content)[span[0]:span[1]]


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

    def write(self, root: Path, directory: dict, entries: dict[str, dict | memoryview]) -> None:
        lines = [json.dumps(directory, ensure_ascii=False, separators=(",", ":")).encode()]
        for key, entry in entries.items():
            body = bytes(entry) if isinstance(entry, memoryview) else json.dumps(
                entry, ensure_ascii=False, separators=(",", ":")).encode()
            lines.append(key.encode() + b" " + body)
        self._write(self.file_for(root), _header, b"\n".join(lines))

    def _beside(self, root: Path, kind: str) -> Path:
        records_file = self.file_for(root)
        return records_file.with_name(records_file.name.replace("records-", f"{kind}-", 1))

    def model_file_for(self, root: Path) -> Path:
        return self._beside(root, "model")

    def files_file_for(self, root: Path) -> Path:
        return self._beside(root, "files")

    def known_facts(self, root: Path, directory_key: str) -> Mapping | None:
        """What the model of these exact records worked out from the whole directory
        (`Directory.known_facts`), if an earlier run kept it; None otherwise. Each part is decoded
        when it is first asked for (a question about one library seldom needs the agency ids)."""
        body = self._checked(self.model_file_for(root), directory_key)
        if body is None:
            return None
        names_line, _, parts = body.partition(b"\n")
        try:
            names = json.loads(names_line)
        except (ValueError, UnicodeDecodeError):
            return None
        lines = parts.split(b"\n")
        if not (isinstance(names, list) and len(names) == len(lines)):
            return None
        return Facts(dict(zip(names, lines)))

    def keep_known_facts(self, root: Path, directory_key: str, facts: Mapping) -> None:
        """`facts` as the names of its parts, then each part on a line of its own."""
        lines = [json.dumps(list(facts)).encode()]
        lines += [json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode() for part in facts.values()]
        self._write(self.model_file_for(root), lambda body: _header(body, directory_key), b"\n".join(lines))

    def known_looks(self, root: Path) -> dict[str, list]:
        """For each record file (by its path inside the records folder) that had settled when it
        was last read: its `signature` then, followed by its content key."""
        body = self._checked(self.files_file_for(root))
        try:
            looks = json.loads(body) if body is not None else None
        except (ValueError, UnicodeDecodeError):
            return {}
        return looks if isinstance(looks, dict) else {}

    def keep_known_looks(self, root: Path, looks: dict[str, list]) -> None:
        self._write(self.files_file_for(root), _header, json.dumps(looks, separators=(",", ":")).encode())

    def _checked(self, source: Path, directory_key: str | None = None) -> bytes | None:
        """What follows the header line of `source`, when the header is exactly what this rsdir
        writes for it (for the directory `directory_key`, if given); else None."""
        try:
            content = source.read_bytes()
        except OSError:
            return None
        first, _, body = content.partition(b"\n")
        try:
            return body if json.loads(first) == _header(body, directory_key) else None
        except (ValueError, UnicodeDecodeError):
            return None

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


def checksum(body: bytes | memoryview) -> int:
    """What the header says of the rest of a cache file, to tell a damaged one."""
    return zlib.crc32(body)


def _header(body: bytes = b"", directory_key: str | None = None) -> dict:
    """The first line of a cache file: what wrote it and a checksum of the rest."""
    header = {"format": FORMAT, "version": FORMAT_VERSION, "rsdir": rsdir_key(), "schemas": schemas_key(),
              "crc32": checksum(body)}
    if directory_key is not None:
        header["directory"] = directory_key
    return header


def _parsed(content: bytes) -> Snapshot | None:
    """The snapshot in a cache file's bytes, or None when they are not exactly what this rsdir
    wrote (another rsdir, other schemas, a damaged or foreign file). The lines are found by their
    positions in `content`, not copied out of it."""
    header_end = content.find(b"\n")
    if header_end < 0:
        return None
    body = memoryview(content)[header_end + 1:]
    try:
        header = json.loads(content[:header_end])
        if not (isinstance(header, dict) and header.get("format") == FORMAT
                and header.get("version") == FORMAT_VERSION and header.get("rsdir") == rsdir_key()
                and header.get("schemas") == schemas_key()
                and header.get("crc32") == checksum(body)):
            return None
        directory_end = content.find(b"\n", header_end + 1)
        directory_end = len(content) if directory_end < 0 else directory_end
        directory = json.loads(content[header_end + 1:directory_end])
        spans = {}
        start, end = directory_end + 1, len(content)
        while start < end:
            line_end = content.find(b"\n", start)
            line_end = end if line_end < 0 else line_end
            space = content.find(b" ", start, line_end)
            if space < 0:
                return None
            spans[content[start:space].decode()] = (space + 1, line_end)
            start = line_end + 1
        return Snapshot(directory if isinstance(directory, dict) else {}, content, spans)
    except (ValueError, UnicodeDecodeError):
        return None
