"""`rsdir fmt` and the layout it writes (builder/layout.py): the sample records are in it, it keeps
every record's data (sample, synthetic, and thousands of awkward strings and numbers read back by
both YAML parsers), it is stable, and the command reports, rewrites and refuses as documented.

The same layout written by the site's editor is compared byte for byte in test_editor.py.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from builder import layout, schemas
from builder.cli import main
from builder.loader import load
from builder.records import record_files
from conftest import SAMPLE_RECORDS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synth import generate  # noqa: E402

INSTITUTION = schemas.schema("institution")
PARSERS = [yaml.CSafeLoader, yaml.SafeLoader]
# Everything YAML treats specially somewhere, plus text from other scripts; the characters the
# loader refuses in any file are left out (they never reach the layout: the loader refuses them).
AWKWARD = (' \t\n\r"\\\':#-?&*!|>%@`{}[],~=+.0123456789aeNOyYnTtfl'
           "éßü€ÆØÅ漢字😀\u00a0")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def kind_of(path: Path) -> str:
    return "pod" if path.parent.name == "pods" else "institution"


def read_back(text: str, parser=yaml.CSafeLoader):
    return load(text.encode("utf-8"), "formatted.yaml", parser=parser).data


def sample_files() -> list[Path]:
    candidates, misplaced = record_files(SAMPLE_RECORDS)
    assert not misplaced
    return [path for _, path, _ in candidates]


# --- the layout ----------------------------------------------------------------------------------

def test_sample_records_are_in_the_layout():
    for path in sample_files():
        document = load(path.read_bytes(), str(path))
        assert layout.render(kind_of(path), document.data, schemas.schema(kind_of(path))) == \
            path.read_text(encoding="utf-8"), path
    assert run("fmt", "--check", "--records", str(SAMPLE_RECORDS)).exit_code == 0


def test_layout_of_a_profile_reads_as_documented():
    text = (SAMPLE_RECORDS / "institutions" / "no" / "no-fjellheim.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == layout.MODELINES["institution"]
    assert lines[1:5] == ['id: "no-fjellheim"', lines[2], 'status: "active"', 'country: "NO"']
    keys = [line.split(":")[0] for line in lines[1:] if line and not line.startswith((" ", "#"))]
    assert keys == [key for key in INSTITUTION["properties"] if key in keys]
    assert '  countries: ["*"]' in lines
    assert any(line.startswith("description: >") for line in lines)
    assert all(len(line) <= layout.WIDTH for line in lines if " " in line.strip())


def test_synthetic_records_keep_their_data_and_are_stable(tmp_path: Path):
    generate(tmp_path / "records", 200, seed=5)
    candidates, _ = record_files(tmp_path / "records")
    assert len(candidates) >= 200
    for kind, path, _ in candidates:
        data = load(path.read_bytes(), str(path)).data
        text = layout.render(kind, data, schemas.schema(kind))
        for parser in PARSERS:
            assert layout.same_data(read_back(text, parser), data), path
        assert layout.render(kind, read_back(text), schemas.schema(kind)) == text


def awkward_text(rng: random.Random) -> str:
    length = rng.choice([0, 1, 2, 5, 20, 79, 81, 120, 250])
    text = "".join(rng.choice(AWKWARD) for _ in range(length))
    if rng.random() < 0.5:   # prose with words and paragraphs, where the folded block is used
        words = [rng.choice(["interlibrary", "loan", "NO", "yes", "1:20", "#tag", "- item", "a\tb", "€5", "ü"])
                 for _ in range(rng.randrange(1, 60))]
        text = rng.choice([" ", "\n", "\n\n", " \n"]).join(words) + rng.choice(["", "\n", " ", "\n\n"])
    return text


def test_awkward_strings_read_back_exactly_wherever_they_stand():
    rng = random.Random(7)
    blocks = 0
    for _ in range(1500):
        record = {"addresses": [{"lines": [""]}], "lending": {"rules": [{"id": "r"}]}, "request_channels": [{}]}
        record["name"] = awkward_text(rng)
        record["description"] = awkward_text(rng)
        record["addresses"][0]["lines"][0] = awkward_text(rng)
        record["lending"]["rules"][0]["note"] = awkward_text(rng)
        # A field name may not hold tabs or line breaks (the loader refuses them in keys).
        name = awkward_text(rng).translate({ord(c): None for c in "\t\n\r"})
        record["request_channels"][0]["parameters"] = {name: awkward_text(rng), "b": awkward_text(rng)}
        text = layout.render("institution", record, INSTITUTION)
        blocks += text.count(": >")
        for parser in PARSERS:
            assert layout.same_data(read_back(text, parser), record), text
    assert blocks > 500   # the folded blocks were exercised, not only quoted strings


@pytest.mark.parametrize("value, text", [
    (0, "0"), (-0.0, "0"), (5, "5"), (5.0, "5"), (2.5, "2.5"), (0.1, "0.1"), (1e-7, "0.0000001"),
    (1e16, "10000000000000000"), (123456789012345678, "123456789012345678"), (0.1 + 0.2, "0.30000000000000004"),
    (-3.25, "-3.25"), (True, "true"), (False, "false"),
])
def test_numbers_are_plain_decimals_read_back_as_the_same_number(value, text):
    assert layout.scalar(value) == text
    assert layout.same_data(read_back(f"x: {text}\n")["x"], value)


@pytest.mark.parametrize("value", [1e20, 1e-20, float("inf"), float("nan"), 10 ** 19])
def test_numbers_no_record_can_hold_are_refused(value):
    with pytest.raises(layout.LayoutError):
        layout.scalar(value)


def test_same_data_tells_booleans_from_numbers():
    assert layout.same_data({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not layout.same_data({"a": True}, {"a": 1})
    assert not layout.same_data({"a": [1, 2]}, {"a": [2, 1]})
    assert not layout.same_data({"a": 1}, {"a": 1, "b": 2})


# --- the command ---------------------------------------------------------------------------------

MESSY = """# Our profile. (This comment is not kept.)
name: Acme Library
id: de-acme
country: DE   # Germany
status: active
maintainers: [acme-ill]
last_reviewed: 2026-10-01
contacts: [{email: ill@acme.example, role: lending}]
request_channels:
- {method: email, email: ill@acme.example}
lending: {countries: ['*'], currency: EUR, copy: {publication_types: [Article], fee: 2.50}}
"""


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    target = records / "institutions" / "de" / "de-acme.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(MESSY, encoding="utf-8")
    return target


def test_check_reports_the_first_differing_line_and_changes_nothing(messy: Path):
    records = messy.parents[2]
    result = run("fmt", "--check", "--records", str(records))
    assert result.exit_code == 1
    assert "de-acme.yaml:1:1: error: $: the file is not in the directory's layout (from line 1 on)" in result.stdout
    assert "[not-formatted]" in result.stdout
    assert "1 record file(s): 1 not in the layout, 0 already in the layout, 0 could not be formatted" in result.stdout
    assert messy.read_text(encoding="utf-8") == MESSY


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_check_in_json_and_github_formats(messy: Path, output_format: str):
    result = run("fmt", "--check", "--format", output_format, "--records", str(messy.parents[2]))
    assert result.exit_code == 1
    if output_format == "json":
        document = json.loads(result.stdout)
        assert document["ok"] is False and document["files"] == 1
        assert document["not_formatted"] == [document["problems"][0]["file"]]
        assert document["problems"][0]["code"] == "not-formatted"
    else:
        assert result.stdout.startswith("::error file=") and ",line=1,col=1,title=not-formatted at $::" in result.stdout


def test_fmt_rewrites_keeping_the_data_and_the_file_mode(messy: Path):
    before = load(messy.read_bytes(), "before").data
    messy.chmod(0o640)
    records = messy.parents[2]
    result = run("fmt", "--records", str(records), str(messy))
    assert result.exit_code == 0, result.output
    assert "rewrote" in result.stdout and "1 rewritten" in result.stdout
    text = messy.read_text(encoding="utf-8")
    assert layout.same_data(read_back(text), before)
    assert "comment" not in text
    assert 'status: "active"' in text and "    fee: 2.5\n" in text
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert [p.name for p in messy.parent.iterdir()] == ["de-acme.yaml"]   # no temporary file left
    again = run("fmt", "--check", "--records", str(records))
    assert again.exit_code == 0 and "0 not in the layout, 1 already in the layout" in again.stdout


@pytest.mark.parametrize("broken, code", [("status: sleeping\n", "schema-enum"), ("status: [\n", "yaml-syntax")])
def test_a_record_with_errors_is_left_as_it_is(messy: Path, broken: str, code: str):
    text = MESSY.replace("status: active\n", broken)
    messy.write_text(text, encoding="utf-8")
    result = run("fmt", "--records", str(messy.parents[2]))
    assert result.exit_code == 1
    assert f"[{code}]" in result.stdout
    assert "0 rewritten, 0 already in the layout, 1 could not be formatted" in result.stdout
    assert messy.read_text(encoding="utf-8") == text


def test_paths_narrow_fmt_to_those_files(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(SAMPLE_RECORDS, records)
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    other = records / "institutions" / "fr" / "fr-valbrune.yaml"
    for path in (target, other):
        path.write_text(path.read_text(encoding="utf-8").replace('status: "active"', "status: active"),
                        encoding="utf-8")
    result = run("fmt", "--check", "--records", str(records), str(target))
    assert result.exit_code == 1
    assert "1 record file(s): 1 not in the layout" in result.stdout and "fr-valbrune" not in result.stdout
    assert run("fmt", "--records", str(records), str(records / "institutions" / "de")).exit_code == 0
    assert 'status: "active"' in target.read_text(encoding="utf-8")
    assert "status: active\n" in other.read_text(encoding="utf-8")


def test_paths_outside_the_records_folder_are_usage_errors(tmp_path: Path):
    draft = tmp_path / "draft.yaml"
    draft.write_text(MESSY, encoding="utf-8")
    outside = run("fmt", "--records", str(SAMPLE_RECORDS), str(draft))
    assert outside.exit_code == 2 and "is not inside the records folder" in outside.stderr
    missing = run("fmt", "--records", str(SAMPLE_RECORDS), str(tmp_path / "none.yaml"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    assert run("fmt", "--records", str(tmp_path / "nowhere")).exit_code == 2


def test_help_says_comments_are_not_kept():
    assert "Comments in a file are not kept" in " ".join(run("fmt", "--help").stdout.split())


def test_pre_commit_hooks_check_the_layout_of_staged_records(monkeypatch):
    """Both hook files run `rsdir fmt --check` on the record files pre-commit passes in."""
    root = SAMPLE_RECORDS.parent
    published = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for hook in published if hook["id"] == "rsdir-fmt"] + \
        [hook for repo in local["repos"] for hook in repo["hooks"] if hook["id"] == "rsdir-fmt"]
    assert len(hooks) == 2
    monkeypatch.chdir(root)
    staged = "records/institutions/de/de-nordbib.yaml"
    for hook in hooks:
        command = hook["entry"].split()
        assert command[-2:] == ["fmt", "--check"] and hook["pass_filenames"] is True
        assert re.search(hook["files"], staged)
        assert run(*command[1:], staged).exit_code == 0
