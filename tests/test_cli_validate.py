"""`rsdir validate` through click: exit codes, the three output formats, PATHS, --strict, and no
traceback for any bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from conftest import FIXTURES, SAMPLE_RECORDS, expectations

FORMATS = ["text", "json", "github"]
ON = ["--on", "2026-11-28"]
TEXT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|notice): "
                       r"(?P<path>\$\S*): (?P<message>.+) \[(?P<code>[a-z0-9-]+)\]$")
UNKNOWN_PARTNER = FIXTURES / "invalid" / "unknown-partner" / "records"


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, ["validate", *args], env=env)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("output_format", FORMATS)
def test_sample_directory_passes(output_format):
    result = run("--records", str(SAMPLE_RECORDS), "--format", output_format, *ON)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        assert json.loads(result.stdout)["ok"] is True


@pytest.mark.parametrize("output_format", FORMATS)
def test_invalid_tree_fails(output_format):
    result = run("--records", str(UNKNOWN_PARTNER), "--format", output_format, *ON)
    assert result.exit_code == 1
    assert "de-tib" in result.stdout


@pytest.mark.parametrize("output_format", FORMATS)
def test_strict_turns_warnings_into_failure(output_format):
    # The sample directory has one warning (an unconfirmed pod membership) and no errors.
    assert run("--records", str(SAMPLE_RECORDS), "--format", output_format, *ON).exit_code == 0
    assert run("--records", str(SAMPLE_RECORDS), "--format", output_format, "--strict", *ON).exit_code == 1


@pytest.mark.parametrize("output_format", FORMATS)
def test_paths_narrow_the_report(output_format, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SAMPLE_RECORDS, "records")
    broken = Path("records/institutions/se/se-norrvik.yaml")
    broken.write_text(broken.read_text(encoding="utf-8") + "nmae: typo\n", encoding="utf-8")
    other = "records/institutions/de/de-nordbib.yaml"
    assert run(other, "--format", output_format, *ON).exit_code == 0
    narrowed = run("records/institutions/se", "--format", output_format, *ON)
    assert narrowed.exit_code == 1
    assert "nmae" in narrowed.stdout and "fi-koivula" not in narrowed.stdout
    assert run("--format", output_format, *ON).exit_code == 1


def test_text_lines_have_the_documented_form():
    result = run("--records", str(FIXTURES / "invalid" / "schema-pattern" / "records"), *ON)
    *lines, summary = result.stdout.splitlines()
    assert len(lines) == 17
    for line in lines:
        match = TEXT_LINE.match(line)
        assert match, line
        assert match["code"] == "schema-pattern" and match["severity"] == "error"
    first = TEXT_LINE.match(lines[0])
    assert first["file"].endswith("schema-pattern/records/institutions/de/channel-url.yaml")
    assert (first["line"], first["col"], first["path"]) == ("13", "10", "$.request_channels[0].url")
    assert summary == "12 record files checked: 17 error(s), 0 warning(s), 0 notice(s)"


def test_json_shape():
    result = run("--records", str(UNKNOWN_PARTNER), "--format", "json", *ON)
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["files_checked"] == 2
    assert document["counts"] == {"error": 1, "warning": 0, "notice": 0}
    (problem,) = document["problems"]
    assert set(problem) == {"file", "line", "column", "severity", "path", "code", "message"}
    assert (problem["line"], problem["column"], problem["code"], problem["path"]) == (
        16, 5, "unknown-partner", "$.partners[1]")


def test_github_annotations_and_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run("--records", str(SAMPLE_RECORDS), "--format", "github", *ON,
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning file=")
    assert ",line=57,col=5,title=pod-membership-unconfirmed at $.pods[0]::" in lines[0]
    assert lines[1].startswith("::notice file=") and "au-wattle.yaml" in lines[1]
    assert lines[2] == "18 record files checked: 0 error(s), 1 warning(s), 1 notice(s)"
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## Directory validation")
    assert "| warning |" in written and "pod-membership-unconfirmed" in written


def test_github_format_without_step_summary_still_annotates():
    result = run("--records", str(UNKNOWN_PARTNER), "--format", "github", *ON, env={"GITHUB_STEP_SUMMARY": ""})
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=")


def test_missing_records_folder_is_a_usage_error(tmp_path):
    result = run("--records", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_missing_path_is_a_usage_error():
    result = run("--records", str(SAMPLE_RECORDS), "records/institutions/xx/none.yaml")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_bad_date_option_is_a_usage_error():
    result = run("--records", str(SAMPLE_RECORDS), "--on", "2026-02-30")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


LOADER_CASES = sorted((FIXTURES / "invalid").glob("yaml-*/*.yaml"))


@pytest.mark.parametrize("path", LOADER_CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_bad_input_never_shows_a_traceback(path: Path, tmp_path):
    records = tmp_path / "records"
    target = records / "institutions" / "de" / path.name
    target.parent.mkdir(parents=True)
    shutil.copyfile(path, target)
    (expected,) = expectations(path)
    for output_format in FORMATS:
        result = run("--records", str(records), "--format", output_format, *ON)
        assert result.exit_code == 1
        assert expected.code in result.stdout
    text = run("--records", str(records), *ON).stdout
    assert f"{path.name}:{expected.line}:" in text


def test_a_path_outside_the_records_folder_is_a_usage_error(tmp_path):
    """A draft kept elsewhere is not silently reported as fine: it was never part of the run."""
    draft = tmp_path / "draft.yaml"
    draft.write_text("garbage: [\n", encoding="utf-8")
    result = run("--records", str(SAMPLE_RECORDS), str(draft))
    assert result.exit_code == 2
    assert "is not inside the records folder" in result.stderr


def test_a_key_with_a_line_break_stays_on_one_text_line(tmp_path):
    """Quoted keys may hold escaped line breaks; the text report must still be one line a problem."""
    records = tmp_path / "records"
    shutil.copytree(SAMPLE_RECORDS, records)
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    forged = '"zz\\n::error file=README.md,line=1::forged": 1\n'
    target.write_text(target.read_text(encoding="utf-8") + forged, encoding="utf-8")
    result = run("--records", str(records), *ON)
    assert result.exit_code == 1
    assert not any(line.startswith("::") for line in result.output.splitlines())
