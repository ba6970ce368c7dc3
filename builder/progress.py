"""How far along long work is (records read, pages written, feed files), shown on a terminal.

The work itself only counts its steps through a `Progress`; the command line decides whether
anyone sees them: click's progress bar on stderr when stderr is a terminal, nothing in CI (`CI`
set), when stderr goes to a file or a pipe, or with `--quiet`. Each bar is cleared when its stage
ends, so what stays on the screen is the command's answer.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import IO, Iterator, Mapping


class Stage:
    """One piece of long work with a known number of steps; this one shows nothing."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more of the stage's steps are done."""

    def finish(self) -> None:
        """The stage is over (also when it stopped early)."""

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc_info) -> None:
        self.finish()


class Progress:
    """Where stages report to; this one shows nothing (in CI, piped, `--quiet`, plain `mkdocs`)."""

    def start(self, label: str, total: int) -> Stage:
        return Stage()


SILENT = Progress()

# Enough redrawing for a bar to move smoothly, without drawing it again for each of 10,000 steps.
REDRAWS = 200
# Returns to the start of the line, clears it (ANSI "erase in line") and shows the cursor again,
# which click's bar hides while it draws (its own ending would also start a new line).
CLEAR_LINE = "\r\033[K\033[?25h"


class _Bar(Stage):
    def __init__(self, label: str, total: int, out: IO[str]):
        import click

        self.out = out
        self.bar = click.progressbar(length=max(total, 1), label=label, file=out, show_pos=True,
                                     update_min_steps=max(1, total // REDRAWS))
        self.bar.render_progress()

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar = None
            self.out.write(CLEAR_LINE)
            self.out.flush()


class TerminalProgress(Progress):
    """click's progress bar on `out` (stderr), one stage at a time."""

    def __init__(self, out: IO[str]):
        self.out = out

    def start(self, label: str, total: int) -> Stage:
        return _Bar(label, total, self.out)


def shown(*, quiet: bool, out: IO[str] | None = None, environ: Mapping[str, str] = os.environ) -> Progress:
    """The progress a command shows: on a terminal only, and never in CI or with `--quiet`."""
    out = out or sys.stderr
    if quiet or environ.get("CI") or not out.isatty():
        return SILENT
    return TerminalProgress(out)


_current: Progress = SILENT


def current() -> Progress:
    """The progress of the command that is running: the mkdocs hook, which mkdocs loads and calls
    without any way to be handed it, reports here."""
    return _current


@contextmanager
def reporting_to(progress: Progress) -> Iterator[None]:
    """`current()` is `progress` while the block runs (a build, a preview)."""
    global _current
    previous, _current = _current, progress
    try:
        yield
    finally:
        _current = previous
