"""`rsdir new` writes a profile that validates, in the directory's layout with the schema modeline
first, and never overwrites a file or writes one from bad answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

ON = ["--on", "2026-11-28"]
BASE = ["--id", "de-acme", "--name", 'Acme "Nord" Library: Fernleihe', "--country", "de",
        "--maintainer", "@acme-ill", "--email", "ill@acme.example"]
CHANNELS = {
    "email": [],
    "iso18626": ["--channel-url", "https://ill.acme.example/iso18626", "--channel-symbol", "ISIL:DE-Ac1"],
    "illiad": ["--channel-url", "https://illiad.acme.example/iso", "--channel-symbol", "OCLC:ACME"],
    "alma": ["--channel-code", "49ACME_INST"],
    "iso-ill": ["--channel-host", "ill.acme.example", "--channel-port", "499", "--channel-symbol", "ISIL:DE-Ac1"],
}


def invoke(*args: str, **kwargs):
    result = CliRunner().invoke(main, list(args), **kwargs)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    (folder / "institutions").mkdir(parents=True)
    return folder


def written(records: Path) -> list[Path]:
    return sorted(records.rglob("*.yaml"))


@pytest.mark.parametrize("method", CHANNELS)
def test_flags_for_every_channel_write_a_valid_profile(method: str, records: Path):
    result = invoke("new", "--records", str(records), *BASE, "--channel", method, *CHANNELS[method], *ON)
    assert result.exit_code == 0, result.output
    target = records / "institutions" / "de" / "de-acme.yaml"
    assert written(records) == [target]
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../../schema/institution.schema.json"
    assert f"  - method: \"{method}\"" in text
    assert 'last_reviewed: "2026-11-28"' in text
    check = invoke("validate", "--records", str(records), "--strict", *ON)
    assert check.exit_code == 0, check.output
    assert "0 error(s), 0 warning(s)" in check.stdout
    # Written in the layout `rsdir fmt` and the site's editor write, so CI's layout check passes.
    layout = invoke("fmt", "--check", "--records", str(records))
    assert layout.exit_code == 0, layout.output


def test_refuses_to_overwrite(records: Path):
    args = ["new", "--records", str(records), *BASE, "--channel", "email", *ON]
    assert invoke(*args).exit_code == 0
    target = records / "institutions" / "de" / "de-acme.yaml"
    target.write_text("# edited by hand\n", encoding="utf-8")
    again = invoke(*args)
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert target.read_text(encoding="utf-8") == "# edited by hand\n"


@pytest.mark.parametrize("flag,value,code", [
    ("--id", "Bad_Id", "schema-pattern"),
    ("--id", "index", "reserved-id"),
    ("--country", "XX", "schema-enum"),
    ("--email", "not-an-address", "schema-pattern"),
    ("--name", "Acme\u202eyrarbiL", "yaml-bidi-control"),
])
def test_bad_answers_write_nothing(flag: str, value: str, code: str, records: Path):
    args = dict(zip(BASE[::2], BASE[1::2]))
    args[flag] = value
    flat = [part for pair in args.items() for part in pair]
    result = invoke("new", "--records", str(records), *flat, "--channel", "email", *ON)
    assert result.exit_code == 2
    assert f"[{code}]" in result.stderr
    assert "nothing was written" in result.stderr
    assert written(records) == []
    assert list((records / "institutions").iterdir()) == []


def test_non_https_channel_url_writes_nothing(records: Path):
    result = invoke("new", "--records", str(records), *BASE, "--channel", "iso18626",
                    "--channel-url", "http://ill.acme.example/", "--channel-symbol", "ISIL:DE-Ac1", *ON)
    assert result.exit_code == 2
    assert "$.request_channels[0].url" in result.stderr
    assert written(records) == []


def test_missing_answer_without_a_terminal_is_a_usage_error(records: Path):
    result = invoke("new", "--records", str(records), "--id", "de-acme", *ON, env={"RSDIR_PROMPT": "0"})
    assert result.exit_code == 2
    assert "--name is required" in result.stderr
    assert written(records) == []


def test_missing_records_folder(tmp_path: Path):
    result = invoke("new", "--records", str(tmp_path / "nowhere"), *BASE, "--channel", "email")
    assert result.exit_code == 2


def test_prompts_ask_for_what_the_flags_do_not_give(records: Path):
    answers = "\n".join(["de-acme", "Acme Library", "DE", "acme-ill", "ill@acme.example",
                         "iso-ill", "ISIL:DE-Ac1", "ill.acme.example", "not-a-port", "499"]) + "\n"
    result = invoke("new", "--records", str(records), *ON, input=answers, env={"RSDIR_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    assert "ISO ILL port" in result.output and "Error" in result.output   # the bad port was asked again
    text = (records / "institutions" / "de" / "de-acme.yaml").read_text(encoding="utf-8")
    assert '    host: "ill.acme.example"\n    port: 499\n' in text
    assert invoke("validate", "--records", str(records), *ON).exit_code == 0


def test_prompted_default_channel_is_email(records: Path):
    answers = "\n".join(["de-acme", "Acme Library", "de", "acme-ill", "ill@acme.example", ""]) + "\n"
    result = invoke("new", "--records", str(records), *ON, input=answers, env={"RSDIR_PROMPT": "1"})
    assert result.exit_code == 0, result.output
    text = (records / "institutions" / "de" / "de-acme.yaml").read_text(encoding="utf-8")
    assert '  - method: "email"\n    email: "ill@acme.example"\n' in text


def test_a_profile_that_clashes_with_the_directory_is_not_written(tmp_path: Path):
    """The new profile is checked against the records already there, as `rsdir validate` would."""
    sample = Path(__file__).resolve().parent.parent / "records"
    records = tmp_path / "records"
    shutil.copytree(sample, records)
    before = written(records)
    result = invoke("new", "--records", str(records), "--id", "de-nordbib", "--name", "Another library",
                    "--country", "FR", "--maintainer", "someone", "--email", "ill@another.example",
                    "--channel", "email", *ON)
    assert result.exit_code == 2
    assert "[duplicate-id]" in result.output
    assert "nothing was written" in result.output
    assert written(records) == before
