"""Who may change which record: the pull-request gate, read from git history.

A record may be changed (edited, deleted, renamed, moved) only by one of the `maintainers` listed
in the version of that record on the base revision, or by a directory admin. A new record must
list its author. Renames and moves are a deletion plus an addition, so moving another library's
profile to a new folder needs that library's maintainers too.

Only commits count: the change set is `git diff <merge-base of BASE and HEAD> HEAD`, which is
exactly what a pull request proposes. Uncommitted edits in the working tree are ignored.
Maintainers and admins are read from BASE itself (the current tip of the target branch), never
from the proposed change, so a pull request cannot grant itself the right to make itself.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .loader import YamlProblem, load

ADMINS_FILE = ".github/admins.yaml"

# GitHub logins, plus the `name[bot]` form GitHub uses for apps such as Dependabot.
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?")
# Text shown in CI logs comes from strangers: a line break there could start a workflow command.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_OBJECT_HEADER = re.compile(rb"[0-9a-f]{40,64} [a-z]+ [0-9]+")
_NOT_A_RECORD = "this is not a record file (records end in `.yaml`)"


class OwnershipError(Exception):
    """The check could not run (not a repository, unknown revision, broken admins file)."""


@dataclass(frozen=True)
class Verdict:
    """The decision for one changed file under `records/`."""

    file: str                    # path from the repository root, forward slashes
    change: str                  # added | modified | deleted
    allowed: bool
    reason: str                  # one sentence for the pull-request author
    approvers: tuple[str, ...]   # who may make or approve this change, admins last

    def as_json(self) -> dict:
        return {"file": self.file, "change": self.change, "allowed": self.allowed,
                "reason": self.reason, "approvers": list(self.approvers)}


@dataclass(frozen=True)
class OwnershipReport:
    base: str          # the commit BASE resolved to
    merge_base: str    # where the proposed change branched off
    author: str
    admins: tuple[str, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def ok(self) -> bool:
        return all(verdict.allowed for verdict in self.verdicts)

    @property
    def refused(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.allowed]

    def as_json(self) -> dict:
        return {"ok": self.ok, "base": self.base, "merge_base": self.merge_base,
                "author": self.author, "admins": list(self.admins),
                "changes": [verdict.as_json() for verdict in self.verdicts]}

    def as_text(self) -> str:
        lines = [_printable(_verdict_line(verdict)) for verdict in self.verdicts]
        refused = len(self.refused)
        lines.append(f"{len(self.verdicts)} record file(s) changed since {self.base[:12]}; "
                     + (f"{refused} may not be changed by {self.author}" if refused
                        else f"all may be changed by {self.author}"))
        return "\n".join(lines) + "\n"


def valid_login(login: str) -> bool:
    return _LOGIN.fullmatch(login) is not None


def check_ownership(records_dir: Path, base: str, author: str) -> OwnershipReport:
    """Decide every record change between BASE and HEAD of the repository holding `records_dir`."""
    git = _Git(records_dir if records_dir.is_dir() else Path.cwd())
    base_commit = git.commit(base)
    head_commit = git.commit("HEAD")
    merge_base = git.merge_base(base_commit, head_commit)
    records_prefix = git.prefix_of(records_dir)
    admins = _admins(git, base_commit)
    key = _login_key(author)
    changes = git.changed_files(merge_base, head_commit, records_prefix)
    # Both versions of every file in one git call: a pull request may touch hundreds of records.
    contents = git.files_at([(commit, file) for _, file in changes for commit in (base_commit, head_commit)])
    verdicts = [_decide(file, change, contents[2 * index], contents[2 * index + 1], key, admins)
                for index, (change, file) in enumerate(changes)]
    return OwnershipReport(base_commit, merge_base, author, admins, tuple(verdicts))


def _decide(file: str, change: str, old: bytes | None, new: bytes | None, author_key: str,
            admins: tuple[str, ...]) -> Verdict:
    """The rules, in the order a reviewer would apply them."""
    is_admin = author_key in {_login_key(admin) for admin in admins}
    if old is not None:
        maintainers, trouble = _maintainers(old, file)
        if author_key in {_login_key(m) for m in maintainers}:
            return Verdict(file, change, True, "you maintain this record", maintainers + admins)
        if is_admin:
            return Verdict(file, change, True, "allowed as a directory admin", maintainers + admins)
        what = {"deleted": "delete", "modified": "change"}.get(change, "change")
        if trouble:
            reason = f"{trouble}, so only a directory admin may {what} it"
        else:
            reason = (f"you are not among the maintainers of this record on the base branch, "
                      f"so you may not {what} it; ask one of them to make or approve the change")
        return Verdict(file, change, False, reason, maintainers + admins)
    if new is None:
        # Git listed it, yet it is a plain file neither on the base nor after the change (a
        # submodule, say, or a file the base branch has deleted since): fail closed.
        if is_admin:
            return Verdict(file, change, True, "allowed as a directory admin", admins)
        return Verdict(file, change, False, "this is a plain file neither on the base branch nor after "
                       "the change, so only a directory admin may change it", admins)
    maintainers, trouble = _maintainers(new, file)
    if author_key in {_login_key(m) for m in maintainers}:
        return Verdict(file, change, True, "new record listing you as a maintainer", maintainers + admins)
    if is_admin:
        return Verdict(file, change, True, "allowed as a directory admin", maintainers + admins)
    if trouble == _NOT_A_RECORD:
        reason = f"{trouble}, so only a directory admin may add it"
    elif trouble:
        reason = f"a new record must list its author in `maintainers`, but {trouble}"
    else:
        reason = "a new record must list its author in `maintainers`; add your GitHub login there"
    return Verdict(file, change, False, reason, admins)


def _maintainers(raw: bytes, file: str) -> tuple[tuple[str, ...], str | None]:
    """The logins a record names, or why none can be trusted."""
    if PurePosixPath(file).suffix != ".yaml":
        return (), _NOT_A_RECORD
    try:
        document = load(raw, file)
    except YamlProblem as err:
        return (), f"the record cannot be read ({err.problem.message})"
    listed = document.data.get("maintainers")
    if not isinstance(listed, list) or not listed:
        return (), "the record has no `maintainers` list"
    logins = tuple(login for login in listed if isinstance(login, str) and valid_login(login))
    if len(logins) != len(listed):
        return (), "`maintainers` holds something that is not a GitHub login"
    return logins, None


def _admins(git: "_Git", base_commit: str) -> tuple[str, ...]:
    raw = git.files_at([(base_commit, ADMINS_FILE)])[0]
    if raw is None:
        return ()
    try:
        document = load(raw, ADMINS_FILE)
    except YamlProblem as err:
        problem = err.problem
        raise OwnershipError(f"{ADMINS_FILE}:{problem.line}:{problem.column}: {problem.message}") from None
    listed = document.data.get("admins")
    if not isinstance(listed, list) or not all(isinstance(a, str) and valid_login(a) for a in listed):
        line, column = document.position(("admins",))
        raise OwnershipError(f"{ADMINS_FILE}:{line}:{column}: `admins` must be a list of GitHub "
                             "logins; fix the file on the base branch")
    return tuple(listed)


def _login_key(login: str) -> str:
    """GitHub logins are case-insensitive; `@name` is how people often write them."""
    return login.removeprefix("@").casefold()


def _verdict_line(verdict: Verdict) -> str:
    if verdict.allowed:
        return f"{verdict.file}: {verdict.change}: allowed ({verdict.reason})"
    who = ", ".join(verdict.approvers) or "nobody is listed; ask the directory admins in an issue"
    return f"{verdict.file}: {verdict.change}: NOT ALLOWED: {verdict.reason}. May approve: {who}"


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class _Git:
    """The few git questions the check asks, with failures turned into `OwnershipError`."""

    def __init__(self, start: Path):
        self.top = start
        top = self._run("rev-parse", "--show-toplevel", what="find the git repository",
                        hint="run inside a clone of the directory repository")
        self.top = Path(top.decode("utf-8", "replace").strip())

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", *args], cwd=self.top, capture_output=True, check=False)
        except FileNotFoundError:
            raise OwnershipError("git is not installed; install it to check record ownership") from None

    def _run(self, *args: str, what: str, hint: str = "") -> bytes:
        done = self._git(*args)
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OwnershipError(f"cannot {what}: {detail[-1] if detail else 'git failed'}"
                                 + (f"; {hint}" if hint else ""))
        return done.stdout

    def commit(self, revision: str) -> str:
        if revision.startswith("-"):
            raise OwnershipError(f"`{revision}` is not a revision")
        done = self._git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        if done.returncode != 0:
            raise OwnershipError(f"`{revision}` is not a commit in this repository; pass a branch, tag "
                                 "or commit, and fetch the full history (fetch-depth: 0) in CI")
        return done.stdout.decode().strip()

    def merge_base(self, base: str, head: str) -> str:
        out = self._run("merge-base", base, head, what="find where HEAD branched off the base",
                        hint="the base and HEAD share no history; fetch the full history")
        return out.decode().strip()

    def prefix_of(self, records_dir: Path) -> str:
        absolute = records_dir.resolve()
        try:
            relative = absolute.relative_to(self.top.resolve())
        except ValueError:
            raise OwnershipError(f"the records folder `{records_dir}` is outside the git repository "
                                 f"at {self.top}") from None
        return relative.as_posix().rstrip("/") + "/" if relative.parts else ""

    def changed_files(self, old: str, new: str, prefix: str) -> list[tuple[str, str]]:
        """`(change, path)` for every file under `prefix`; renames come apart into delete + add."""
        out = self._run("diff", "--name-status", "--no-renames", "-z", old, new, "--", prefix or ".",
                        what="list the changed files")
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        names = {"A": "added", "M": "modified", "D": "deleted", "T": "modified"}
        changes = []
        for status, path in zip(fields[0::2], fields[1::2]):
            changes.append((names.get(status[:1], "modified"), path))
        return sorted(changes, key=lambda change: change[1])

    def files_at(self, wanted: list[tuple[str, str]]) -> list[bytes | None]:
        """The content of each `(commit, path)`, or None where that commit has no such file."""
        if not wanted:
            return []
        names = [f"{commit}:{path}".encode("utf-8", "surrogateescape") for commit, path in wanted]
        try:
            done = subprocess.run(["git", "cat-file", "--batch", "-z"], cwd=self.top, check=False,
                                  input=b"\0".join(names) + b"\0", capture_output=True)
        except FileNotFoundError:
            raise OwnershipError("git is not installed; install it to check record ownership") from None
        if done.returncode != 0:
            raise OwnershipError("cannot read files from git: "
                                 + done.stderr.decode("utf-8", "replace").strip())
        out, at, found = done.stdout, 0, []
        for name in names:
            header_end = out.index(b"\n", at)
            header = out[at:header_end]
            # A missing object echoes the name we sent, which may itself hold line breaks.
            if out.startswith(name + b" ", at) and not _OBJECT_HEADER.fullmatch(header):
                at = out.index(b"\n", at + len(name)) + 1
                found.append(None)
                continue
            object_type, size = header.split(b" ")[1], int(header.split(b" ")[2])
            content = out[header_end + 1:header_end + 1 + size]
            at = header_end + 1 + size + 1
            found.append(content if object_type == b"blob" else None)
        return found
