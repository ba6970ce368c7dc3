"""How big the JSON Feed of profile changes (feed/v1/updates.json) is for a large directory with a
year of git history, and how long reading that history and writing the feed take.

    .venv/bin/python benchmarks/updates.py [--sizes 1000,10000] [--changes-per-profile 3]

For each size a synthetic directory is generated (benchmarks/synth.py) and given a year of
history in a real git repository, one commit per change as pull requests land: a tenth of the
institutions join during the year, one in a hundred leaves, and each profile is updated about
three times (its `last_reviewed` moves to the day of the commit). The history is written with
`git fast-import`, so tens of thousands of commits take seconds. Then it is read as `rsdir build`
reads it, and the feed pages are built.

Figures: updates.json in bytes against the target of 250 KB, its items, the archive pages and
their largest, and as the peer the same changes in one unpaged feed (what updates.json would
weigh without pages).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from builder.exports.feed import FEED, Links, update_files  # noqa: E402
from builder.history import History, read_history  # noqa: E402
from builder.model import Directory  # noqa: E402
from builder.validate import validate_directory  # noqa: E402
from synth import generate  # noqa: E402

SITE = "https://ors-directory.github.io/directory/"
TARGET = 250 * 1024
END = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone.utc)
START = END - dt.timedelta(days=365)
SUBJECTS = ("update lending terms", "new contact for the lending desk", "profile reviewed",
            "winter closure", "add ISO 18626 endpoint", "fees for copies", "new shipping address")


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def _data(content: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(content), content)


class Stream:
    """A `git fast-import` stream of one commit per change, on one branch."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def commit(self, when: dt.datetime, subject: str, changes: list[tuple[str, bytes | None]]) -> None:
        seconds = int(when.timestamp())
        self.parts.append(b"commit refs/heads/main\n")
        self.parts.append(b"committer Bench <bench@example.org> %d +0000\n" % seconds)
        self.parts.append(_data(subject.encode("utf-8")))
        for path, content in changes:
            if content is None:
                self.parts.append(b"D %s\n" % path.encode())
            else:
                self.parts.append(b"M 100644 inline %s\n" % path.encode() + _data(content))
        self.parts.append(b"\n")

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def reviewed_on(text: bytes, day: dt.date) -> bytes:
    """The record with `last_reviewed` moved to `day`: the change a review commits."""
    head, found, tail = text.partition(b'last_reviewed: "')
    assert found, "a synthetic record without last_reviewed"
    return head + found + day.isoformat().encode() + tail[10:]


def year_of_history(repo: Path, n: int, changes_per_profile: float, seed: int) -> dict[str, int]:
    """Records for `n` institutions in `repo/records`, committed over a year; returns counts."""
    rng = random.Random(seed)
    records = repo / "records"
    generate(records, n, seed=seed)
    files = {path.relative_to(repo).as_posix(): path.read_bytes() for path in sorted(records.rglob("*.yaml"))}
    institutions = sorted(p for p in files if p.startswith("records/institutions/"))
    joiners = set(rng.sample(institutions, n // 10))
    # Libraries that leave during the year: copies of real profiles under ids of their own.
    leavers = {}
    for number, source in enumerate(rng.sample(institutions, n // 100)):
        folder = source.rsplit("/", 1)[0]
        leavers[f"{folder}/zz-left-{number:05d}.yaml"] = files[source]

    events: list[tuple[dt.datetime, str, str]] = []            # when, path, what
    seconds = int((END - START).total_seconds())
    for path in joiners:
        events.append((START + dt.timedelta(seconds=rng.randrange(1, seconds)), path, "join"))
    for path in leavers:
        events.append((START + dt.timedelta(seconds=rng.randrange(1, seconds)), path, "leave"))
    for _ in range(int(n * changes_per_profile)):
        events.append((START + dt.timedelta(seconds=rng.randrange(1, seconds)), rng.choice(institutions), "update"))
    events.sort()

    stream = Stream()
    first = {p: c for p, c in files.items() if p not in joiners}
    first.update(leavers)
    stream.commit(START, "Add the directory's first institutions and pods", sorted(first.items()))
    present, current = set(first), dict(first)
    counts = {"joined": 0, "left": 0, "updated": 0}
    for when, path, what in events:
        record_id = path.rsplit("/", 1)[1].removesuffix(".yaml")
        if what == "join":
            current[path] = files[path]
            present.add(path)
            stream.commit(when, f"{record_id}: join the directory", [(path, files[path])])
            counts["joined"] += 1
        elif what == "leave":
            present.discard(path)
            stream.commit(when, f"{record_id}: leave the directory", [(path, None)])
            counts["left"] += 1
        elif path in present:
            current[path] = reviewed_on(current[path], when.date())
            stream.commit(when, f"{record_id}: {rng.choice(SUBJECTS)}", [(path, current[path])])
            counts["updated"] += 1

    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream.bytes(), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    counts["commits"] = len(events) + 1
    return counts


def measure(n: int, changes_per_profile: float) -> None:
    with tempfile.TemporaryDirectory(prefix="rsdir-updates-") as tmp:
        repo = Path(tmp) / "directory"
        counts = timed(f"generate {n} institutions and a year of git", lambda: year_of_history(
            repo, n, changes_per_profile, seed=1))
        print(f"  {counts['commits']} commits: {counts['joined']} joined, {counts['left']} left, "
              f"{counts['updated']} updates", flush=True)
        history = timed("read the history (as rsdir build does)", lambda: read_history(repo / "records", {}))
        validation = timed("load the directory", lambda: validate_directory(repo / "records", END.date()))
        directory = Directory.from_records(validation.valid)
        links = Links(SITE)
        files = timed("build updates.json and its pages", lambda: update_files(directory, history, links))
        newest = files[f"{FEED}updates.json"]
        archive = {path: content for path, content in files.items() if path != f"{FEED}updates.json"}
        verdict = "ok" if len(newest) < TARGET else "OVER the target"
        items = len(json.loads(newest)["items"])
        print(f"  {len(history.changes)} changes in the history; {len(directory.institutions)} institutions now")
        print(f"  updates.json: {len(newest):,} bytes ({len(newest) / 1024:.0f} KB, target < 250 KB: {verdict}), "
              f"{items} items, {len(newest) / max(items, 1):.0f} bytes an item")
        if archive:
            largest = max(len(content) for content in archive.values())
            print(f"  archive pages: {len(archive)}, largest {largest:,} bytes, together "
                  f"{sum(map(len, archive.values())):,} bytes")
        whole = sum(map(len, files.values()))
        one_feed = timed("peer: the same changes in one unpaged feed", lambda: _unpaged_size(directory, history, links))
        print(f"  peer: {one_feed:,} bytes unpaged; updates.json is {len(newest) / one_feed:.1%} of it "
              f"(all pages together {whole / one_feed:.0%})")


def _unpaged_size(directory: Directory, history: History, links: Links) -> int:
    """One JSON Feed of every change, written as updates.json is."""
    import builder.exports.feed as feed

    page_size = feed.UPDATES_PAGE
    try:
        feed.UPDATES_PAGE = len(history.changes) + 1
        return len(feed.update_files(directory, history, links)[f"{FEED}updates.json"])
    finally:
        feed.UPDATES_PAGE = page_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of institutions")
    parser.add_argument("--changes-per-profile", type=float, default=3.0,
                        help="profile updates in the year, per institution (default 3)")
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        print(f"\n== {size} institutions, a year of history ==", flush=True)
        measure(int(size), args.changes_per_profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
