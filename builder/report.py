"""Reporters: the same problems as text lines, JSON, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable

from .problems import Problem

SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}


def summary_line(problems: Iterable[Problem], files: int) -> str:
    counts = Counter(p.severity for p in problems)
    return (f"{files} record file{'s' if files != 1 else ''} checked: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['notice']} notice(s)")


def as_text(problems: list[Problem], files: int) -> str:
    lines = [p.as_text() for p in problems]
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def as_json(problems: list[Problem], files: int, ok: bool) -> str:
    counts = Counter(p.severity for p in problems)
    document = {
        "ok": ok,
        "files_checked": files,
        "counts": {name: counts[name] for name in ("error", "warning", "notice")},
        "problems": [p.as_json() for p in problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    """GitHub's escaping for the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping for a property value (file=…, title=…) of a workflow command."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """One `::error file=…::…` line; record text cannot end the command or start another."""
    level = {"error": "error", "warning": "warning", "notice": "notice"}[problem.severity]
    properties = ",".join([
        f"file={_escape_property(problem.file)}",
        f"line={problem.line}",
        f"col={problem.column}",
        f"title={_escape_property(f'{problem.code} at {problem.path}')}",
    ])
    return f"::{level} {properties}::{_escape_data(problem.message)}"


def _markdown_cell(text: str) -> str:
    """Table cells show record text literally: no markup, no line breaks, no table breaks.

    Every Markdown punctuation character is backslash-escaped (a pipe as `\\|`, which GitHub's
    tables read as a literal pipe), HTML is turned into entities, and very long text is cut,
    since GitHub drops a step summary larger than 1 MiB and the summary must list every problem.
    """
    longest = 300
    if len(text) > longest:
        text = text[:longest] + "…"
    escaped = text.replace("\r", " ").replace("\n", " ")
    for char in "\\`*_[]()#!~|$":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# GitHub refuses a step summary over 1 MiB and then shows none of it. The table is cut well below
# that (room for the heading, the closing line and whatever else the step appends); 500 invalid
# records, a pull request's worst realistic case, take about a third of it.
SUMMARY_BUDGET = 900_000


def _summary_row(p: Problem) -> str:
    return (f"| {p.severity} | {_markdown_cell(p.file)} | {p.line}:{p.column} | "
            f"{_markdown_cell(p.path)} | {_markdown_cell(p.message)} | {p.code} |")


def _left_out_line(count: int) -> str:
    return (f"{count} more problem{'s are' if count != 1 else ' is'} not shown here: see the log or "
            "run `rsdir validate --format json`")


def github_summary(problems: list[Problem], files: int, budget: int = SUMMARY_BUDGET) -> str:
    """The job summary: a count and a table of every problem, as long as it stays within `budget`
    bytes; past that, one line says how many problems were left out and where to see them."""
    lines = ["## Directory validation", "", summary_line(problems, files), ""]
    if problems:
        lines += ["| severity | file | line | field | problem | code |", "|---|---|---|---|---|---|"]
        rows = [_summary_row(p) for p in problems]
        sizes = [len(row.encode("utf-8")) + 1 for row in rows]
        used = sum(len(line.encode("utf-8")) + 1 for line in lines)
        if used + sum(sizes) <= budget:
            return "\n".join(lines + rows) + "\n"
        # Room for the closing line, so adding it never takes the summary over the budget.
        used += len(_left_out_line(len(problems)).encode("utf-8")) + 2
        shown = 0
        while used + sizes[shown] <= budget:
            used += sizes[shown]
            shown += 1
        lines += rows[:shown] + ["", _left_out_line(len(problems) - shown)]
    return "\n".join(lines) + "\n"


def github_annotations(problems: list[Problem], changed_first: Iterable[str] = ()) -> str:
    """Annotations, most useful first: GitHub shows only the first few of each step."""
    changed = set(changed_first)
    ordered = sorted(problems, key=lambda p: (p.file not in changed, SEVERITY_ORDER[p.severity],
                                              p.file, p.line, p.column))
    return "".join(annotation(p) + "\n" for p in ordered)
