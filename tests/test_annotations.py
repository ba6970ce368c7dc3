"""GitHub workflow annotations and the step summary, fed with hostile record text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.problems import Problem
from builder.report import annotation, github_summary

HOSTILE = [
    "100% sure",
    "carriage\rreturn",
    "line\n::error file=x::forged",
    "::add-mask::secret",
    "::stop-commands::token",
    "%0A::error::already escaped",
    "a, b: c",
    "  \n  ::warning::indented",
]

# What the GitHub runner accepts as a workflow command: the whole line, nothing before `::`.
ANNOTATION = re.compile(
    r"::(error|warning|notice) file=[^,:\r\n]*,line=\d+,col=\d+,title=[^,:\r\n]*::[^\r\n]*")


def unescape(text: str) -> str:
    """What the runner shows after undoing the escapes (the runner's own order)."""
    return (text.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r")
            .replace("%0A", "\n").replace("%25", "%"))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_annotation_is_one_line_that_starts_no_other_command(hostile: str) -> None:
    problem = Problem(f"records/institutions/de/{hostile}.yaml", 3, 5, "error",
                      f"$['{hostile}']", "schema-unknown-field", f"bad value {hostile}")
    line = annotation(problem)
    assert "\n" not in line and "\r" not in line
    match = ANNOTATION.fullmatch(line)
    assert match, line
    properties, _, message = line[len("::error "):].partition("::")
    assert unescape(message) == f"bad value {hostile}"
    file_property = properties.split(",")[0].removeprefix("file=")
    assert unescape(file_property) == problem.file


def test_summary_cells_cannot_break_the_table_or_add_markup() -> None:
    problem = Problem("records/a|b.yaml", 1, 1, "error", "$.name", "schema-type",
                      "x | y <img src=x onerror=alert(1)> [link](https://evil.example) `code`\n| row |")
    summary = github_summary([problem], 1)
    row = summary.splitlines()[-1]
    assert row.count("|") - row.count("\\|") == 7     # the six cells' own borders, and no more
    assert "<img" not in summary and "](" not in summary and "\n| row" not in summary


def hostile_directory(root: Path, count: int = 1) -> Path:
    """Records whose mistakes make the validator quote hostile text back."""
    folder = root / "records" / "institutions" / "de"
    folder.mkdir(parents=True)
    (root / "records" / "pods").mkdir()
    for number in range(count):
        name = f"de-bad{number:03d}"
        (folder / f"{name}.yaml").write_text(
            f"id: {name}\n"
            'name: "%0A100% \\r\\n::error file=x::forged"\n'
            "status: active\ncountry: DE\nmaintainers: [someone]\nlast_reviewed: 2026-01-01\n"
            "contacts:\n  - {role: lending, email: ill@example.org}\n"
            'request_channels:\n  - {method: email, email: ill@example.org}\n'
            '"::add-mask::x\\nnotes, with: colons": "\\n::warning::forged too"\n',
            encoding="utf-8")
    (folder / "de-odd,name:x.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    return root / "records"


def run_github(records: Path, summary: Path, *paths: str):
    return CliRunner().invoke(
        main, ["validate", "--format", "github", "--records", str(records), *paths],
        env={"GITHUB_STEP_SUMMARY": str(summary)})


def test_validate_github_format_escapes_and_writes_the_full_table(tmp_path: Path) -> None:
    records = hostile_directory(tmp_path)
    summary = tmp_path / "summary.md"
    result = run_github(records, summary)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    annotations, closing = lines[:-1], lines[-1]
    assert annotations and all(ANNOTATION.fullmatch(line) for line in annotations), result.output
    assert not closing.startswith("::") and "checked" in closing
    assert any("file=" in line and "de-odd%2Cname%3Ax.yaml" in line for line in annotations)
    table = summary.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| error") or line.startswith("| warning")]
    assert len(rows) == len(annotations)
    assert "de-odd,name:x.yaml" in table and "yaml-syntax" in table


def test_changed_files_come_first(tmp_path: Path) -> None:
    records = hostile_directory(tmp_path, count=3)
    summary = tmp_path / "summary.md"
    wanted = str(records / "institutions" / "de" / "de-bad002.yaml")
    result = run_github(records, summary, wanted)
    assert result.exit_code == 1
    assert "de-bad002.yaml" in result.output.splitlines()[0]


@pytest.mark.slow
def test_500_invalid_records_give_a_complete_summary(tmp_path: Path) -> None:
    records = hostile_directory(tmp_path, count=500)
    summary = tmp_path / "summary.md"
    result = run_github(records, summary)
    assert result.exit_code == 1
    table = summary.read_text(encoding="utf-8")
    for number in range(500):
        assert f"de\\_bad{number:03d}.yaml" in table or f"de-bad{number:03d}.yaml" in table
    annotations = result.output.splitlines()[:-1]
    rows = [line for line in table.splitlines() if line.startswith(("| error", "| warning"))]
    assert len(rows) == len(annotations) >= 500
    assert len(table.encode("utf-8")) < 1024 * 1024


def test_a_summary_too_large_for_github_is_cut_with_a_closing_line() -> None:
    from builder.report import SUMMARY_BUDGET

    message = "a long explanation of what is wrong with this field " * 6      # about 300 characters
    problems = [Problem(f"records/institutions/de/de-bad{number:04d}.yaml", 4, 9, "error", "$.status",
                        "schema-enum", message) for number in range(3000)]
    whole = github_summary(problems, 3000, budget=10**9)
    assert len(whole.encode("utf-8")) > 1024 * 1024           # GitHub would drop this one entirely
    summary = github_summary(problems, 3000)
    assert len(summary.encode("utf-8")) <= SUMMARY_BUDGET < 1024 * 1024
    lines = summary.splitlines()
    rows = [line for line in lines if line.startswith("| error")]
    assert rows == whole.splitlines()[6:6 + len(rows)]          # the first rows, complete and in order
    assert 2000 < len(rows) < 3000
    assert lines[-1] == (f"{3000 - len(rows)} more problems are not shown here: see the log or run "
                         "`rsdir validate --format json`")
    assert summary.splitlines()[2] == "3000 record files checked: 3000 error(s), 0 warning(s), 0 notice(s)"


def test_a_summary_within_the_budget_has_no_closing_line() -> None:
    problems = [Problem("records/pods/p.yaml", 1, 1, "warning", "$", "schema-type", "short")] * 3
    summary = github_summary(problems, 1)
    assert "not shown here" not in summary
    assert summary.count("| warning |") == 3
    budget = len(summary.encode("utf-8"))
    assert github_summary(problems, 1, budget=budget) == summary          # exactly fits: complete
    cut = github_summary(problems, 1, budget=budget - 1)
    assert len(cut.encode("utf-8")) <= budget - 1
    left_out = int(cut.splitlines()[-1].split(" ")[0])
    assert left_out >= 1 and cut.count("| warning |") + left_out == 3
    one = github_summary(problems[:1], 1, budget=10)
    assert one.splitlines()[-1].startswith("1 more problem is not shown here")
