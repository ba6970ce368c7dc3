"""Progress on long work: click's bar on a terminal (a real pseudo-terminal here), nothing in CI,
when piped or with --quiet; `build` ends with its summary line either way."""

from __future__ import annotations

import io
import os
import pty
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from builder import progress
from test_build import committed_records

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "records"
RSDIR = [sys.executable, "-c", "from builder.cli import main; main(prog_name='rsdir')"]
SUMMARY = re.compile(r"Built the site into .+: (\d[\d,]*) pages, (\d[\d,]*) feed files, "
                     r"[\d,.]+ MB in [\d,]+ files, in [\d.]+ s\.")


def environment(tmp_path: Path, *, ci: bool = False) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name != "CI"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    if ci:
        env["CI"] = "true"
    return env


class Terminal:
    """A pseudo-terminal as the command's stderr, read as it is written (a full terminal buffer
    would stop the command)."""

    def __init__(self):
        self.leader, self.follower = pty.openpty()
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")

    def close(self) -> str:
        os.close(self.follower)
        self.reader.join(timeout=10)
        os.close(self.leader)
        return self.text


def on_terminal(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, str]:
    terminal = Terminal()
    done = subprocess.run([*RSDIR, *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=terminal.follower, text=True, timeout=300)
    return done, terminal.close()


def record_count() -> int:
    return len(list(RECORDS.rglob("*.yaml")))


def test_validate_on_a_terminal_shows_the_records_read_and_clears_the_bar(tmp_path):
    done, shown = on_terminal(["validate", "--records", str(RECORDS), "--no-cache"], environment(tmp_path))
    assert done.returncode == 0, done.stdout
    total = record_count()
    assert "Reading records" in shown and f"{total}/{total}" in shown
    assert "Checking records" in shown
    # The bar is cleared and the cursor shown again, so the terminal keeps only the answer.
    assert shown.endswith(progress.CLEAR_LINE)
    assert "Reading records" not in done.stdout and "files" in done.stdout


@pytest.mark.parametrize("how", ["ci", "quiet"])
def test_no_progress_in_ci_or_with_quiet_even_on_a_terminal(tmp_path, how):
    options = ["--quiet"] if how == "quiet" else []
    done, shown = on_terminal(["validate", "--records", str(RECORDS), "--no-cache", *options],
                              environment(tmp_path, ci=how == "ci"))
    assert done.returncode == 0, done.stdout
    assert shown == ""
    assert "files" in done.stdout


def test_no_progress_when_piped(tmp_path):
    done = subprocess.run([*RSDIR, "validate", "--records", str(RECORDS), "--no-cache"], cwd=ROOT,
                          env=environment(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Reading records" not in done.stdout


def test_the_other_commands_that_read_the_directory_take_quiet_too(tmp_path):
    done, shown = on_terminal(["partners", "--all", "--records", str(RECORDS), "-q"], environment(tmp_path))
    assert done.returncode == 0, done.stdout
    assert shown == ""
    done, shown = on_terminal(["partners", "--all", "--records", str(RECORDS)], environment(tmp_path))
    assert "Reading records" in shown


def test_build_on_a_terminal_shows_records_pages_and_feed_files_and_ends_with_a_summary(tmp_path):
    records = committed_records(tmp_path, RECORDS)
    out = tmp_path / "site"
    done, shown = on_terminal(["build", "--records", str(records), "--out", str(out), "--languages", "en,de",
                               "--config", str(ROOT / "mkdocs.yml")], environment(tmp_path))
    assert done.returncode == 0, done.stdout + shown
    for label in ("Reading records", "Writing pages (English)", "Writing pages (Deutsch)",
                  "Writing feed files"):
        assert label in shown, label
    summary = SUMMARY.fullmatch(done.stdout.strip())
    assert summary, done.stdout
    pages = len(list(out.rglob("*.html")))
    feed_files = len([path for path in (out / "feed").rglob("*") if path.is_file()])
    assert summary.groups() == (f"{pages:,}", f"{feed_files:,}")


def test_build_piped_prints_only_its_summary(tmp_path):
    records = committed_records(tmp_path, RECORDS)
    done = subprocess.run([*RSDIR, "build", "--records", str(records), "--out", str(tmp_path / "site"),
                           "--languages", "en", "--config", str(ROOT / "mkdocs.yml")], cwd=ROOT,
                          env=environment(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert SUMMARY.fullmatch(done.stdout.strip()), done.stdout
    assert "Writing" not in done.stderr and "Reading records" not in done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_terminal_shows_its_build(tmp_path):
    records = committed_records(tmp_path, RECORDS)
    terminal = Terminal()
    server = subprocess.Popen([*RSDIR, "serve", "--records", str(records), "--port", str(free_port()),
                               "--languages", "en", "--config", str(ROOT / "mkdocs.yml")], cwd=ROOT,
                              env=environment(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=terminal.follower)
    try:
        deadline = time.monotonic() + 240
        while "Serving on" not in terminal.text and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    shown = terminal.close()
    assert "Serving on" in shown, shown[-2000:]
    for label in ("Reading records", "Writing pages (English)", "Writing feed files"):
        assert label in shown, label


def test_progress_is_shown_only_on_a_terminal_outside_ci_and_without_quiet():
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as terminal:
            assert isinstance(progress.shown(quiet=False, out=terminal, environ={}), progress.TerminalProgress)
            assert progress.shown(quiet=True, out=terminal, environ={}) is progress.SILENT
            assert progress.shown(quiet=False, out=terminal, environ={"CI": "true"}) is progress.SILENT
        assert progress.shown(quiet=False, out=io.StringIO(), environ={}) is progress.SILENT
    finally:
        os.close(leader)
        os.close(follower)
