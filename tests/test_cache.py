"""The cache of loaded and checked records: answers are byte for byte those of `--no-cache`, a file
is read again when it changed, and a cache from another rsdir, other schemas, or a damaged,
foreign or unwritable cache is never trusted and never stops a command."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import cache as cache_module
from builder.cli import main
from conftest import EXAMPLE_REQUESTS, FIXTURES, SAMPLE_RECORDS

ON = ("--on", "2026-11-28")
REQUEST = EXAMPLE_REQUESTS / "accept-copy-article.yaml"
# Every command that reads the directory, in every format it prints.
COMMANDS = {
    "validate text": ["validate", *ON],
    "validate json": ["validate", "--format", "json", *ON],
    "validate github": ["validate", "--format", "github", *ON],
    "validate one file": ["validate", "records/institutions/de/de-nordbib.yaml", *ON],
    "check text": ["check", REQUEST, *sorted(EXAMPLE_REQUESTS.glob("retry-*.yaml")), *ON],
    "check json": ["check", REQUEST, *sorted(EXAMPLE_REQUESTS.glob("retry-*.yaml")), "--format", "json", *ON],
    "route text": ["route", REQUEST, "--all", *ON],
    "route json": ["route", REQUEST, "--all", "--format", "json", *ON],
    "partners text": ["partners", "de-nordbib", *ON],
    "partners json": ["partners", "de-nordbib", "--format", "json", *ON],
    "partners other": ["partners", "de-nordbib", "us-lakeside", "--format", "json", *ON],
    "partners all text": ["partners", "--all", *ON],
    "partners all json": ["partners", "--all", "--format", "json", *ON],
}


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample records, with the working folder beside it (so file names read
    `records/...` as in a checkout)."""
    shutil.copytree(SAMPLE_RECORDS, tmp_path / "records")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "records"


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def cache_files(home: Path, kind: str = "records") -> list[Path]:
    """The cache's files of records (`records`) or of the facts the model worked out (`model`)."""
    return sorted((home / "rsdir").glob(f"{kind}-*.jsonl")) if (home / "rsdir").is_dir() else []


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_answers_are_byte_identical_with_and_without_the_cache(command, records, cache_home):
    uncached = run(*command, "--no-cache")
    assert cache_files(cache_home) == []          # --no-cache neither reads nor writes it
    first = run(*command)                         # fills the cache
    assert len(cache_files(cache_home)) == 1
    # Commands that answer from the model keep what it worked out from the whole directory.
    assert len(cache_files(cache_home, "model")) == (command[0] != "validate")
    warm = run(*command)                          # answers from it
    assert first == uncached
    assert warm == uncached


def test_a_changed_file_is_read_again(records, cache_home):
    run("validate", *ON)
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: \"active\"", "status: asleep"),
                      encoding="utf-8")
    cached = run("validate", "--format", "json", *ON)
    assert cached == run("validate", "--format", "json", "--no-cache", *ON)
    assert cached[0] == 1 and "asleep" in cached[1]


def test_a_new_day_checks_the_directory_again(records, cache_home):
    """Review dates are compared with today: the directory's problems are kept per day."""
    assert run("validate", "--on", "2026-11-28")[0] == 0
    late = run("validate", "--strict", "--format", "json", "--on", "2031-01-01")
    assert late == run("validate", "--strict", "--format", "json", "--no-cache", "--on", "2031-01-01")
    assert "review-overdue" in late[1]


def _rewritten(path: Path, **header_changes) -> None:
    """The cache file with its directory's problems replaced by a forged one, and its header
    changed as given, the checksum made to fit: only the header can tell it apart."""
    first, _, body = path.read_bytes().partition(b"\n")
    header = json.loads(first)
    directory_line, _, entries = body.partition(b"\n")
    directory = json.loads(directory_line)
    directory["problems"] = [["records/pods/nordic-share.yaml", 1, 1, "error", "$", "forged", "FORGED"]]
    body = json.dumps(directory).encode() + b"\n" + entries
    header.update(header_changes, crc32=cache_module.checksum(body))
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_the_forged_cache_of_the_next_tests_would_be_believed(records, cache_home):
    """The tests below are only worth something if the cache is really used when it fits."""
    run("validate", *ON)
    (cache_file,) = cache_files(cache_home)
    _rewritten(cache_file)
    assert "FORGED" in run("validate", *ON)[1]


@pytest.mark.parametrize("key", ["rsdir", "schemas"])
def test_a_cache_of_another_rsdir_or_other_schemas_is_not_used(key, records, cache_home):
    run("validate", *ON)
    (cache_file,) = cache_files(cache_home)
    _rewritten(cache_file, **{key: "0" * 64})
    answer = run("validate", *ON)
    assert "FORGED" not in answer[1]
    assert answer == run("validate", "--no-cache", *ON)
    # ...and it was rewritten for this rsdir.
    assert json.loads(cache_file.read_bytes().partition(b"\n")[0])[key] != "0" * 64


def test_a_new_rsdir_version_does_not_reuse_the_cache(records, cache_home, monkeypatch):
    run("validate", *ON)
    (cache_file,) = cache_files(cache_home)
    _rewritten(cache_file)
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0.0")
    cache_module.rsdir_key.cache_clear()
    try:
        assert "FORGED" not in run("validate", *ON)[1]
    finally:
        cache_module.rsdir_key.cache_clear()


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "foreign JSON", "not JSON", "empty"])
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rewritten(damage, records, cache_home):
    expected = run("validate", "--format", "json", "--no-cache", *ON)
    run("validate", *ON)
    (cache_file,) = cache_files(cache_home)
    content = cache_file.read_bytes()
    damaged = {"truncated": content[: len(content) // 2],
               "flipped byte": content[:-10] + bytes([content[-10] ^ 1]) + content[-9:],
               "foreign JSON": b'{"format": "something-else"}\n{}\n',
               "not JSON": b"\x00\xff garbage",
               "empty": b""}[damage]
    cache_file.write_bytes(damaged)
    assert run("validate", "--format", "json", *ON) == expected
    assert cache_file.read_bytes() == content       # rewritten as it should be
    assert run("validate", "--format", "json", *ON) == expected


def test_an_unwritable_cache_folder_gives_one_warning_and_the_command_still_works(records, tmp_path,
                                                                                 monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    code, stdout, stderr = run("check", REQUEST, "--format", "json", *ON)
    assert (code, stdout) == run("check", REQUEST, "--format", "json", "--no-cache", *ON)[:2]
    warnings = [line for line in stderr.splitlines() if "cache" in line]
    assert len(warnings) == 1 and warnings[0].startswith("rsdir: warning: cannot write the cache")


def test_unreadable_records_are_cached_with_their_problem(records, cache_home):
    (records / "institutions" / "de" / "de-broken.yaml").write_bytes(
        (FIXTURES / "invalid" / "yaml-duplicate-key" / "top-level.yaml").read_bytes())
    expected = run("validate", "--format", "json", "--no-cache", *ON)
    assert expected[0] == 1 and "yaml-duplicate-key" in expected[1]
    assert run("validate", "--format", "json", *ON) == expected
    assert run("validate", "--format", "json", *ON) == expected


def test_the_cache_holds_data_only(records, cache_home, monkeypatch):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)      # the records just copied count as settled
    run("partners", "--all", *ON)
    (cache_file,) = cache_files(cache_home)
    header, directory, *entries = cache_file.read_bytes().split(b"\n")
    assert json.loads(header)["format"] == "rsdir-cache"
    json.loads(directory)
    for line in entries:
        key, _, entry = line.partition(b" ")
        assert key.decode().split(":")[0] in ("institution", "pod")
        json.loads(entry)
    (model_file,) = cache_files(cache_home, "model")
    header, names, *parts = model_file.read_bytes().split(b"\n")
    assert json.loads(header)["format"] == "rsdir-cache" and json.loads(header)["directory"]
    assert sorted(json.loads(names)) == ["agency_ids", "institutions", "listed_by", "pod_members", "pods"]
    assert len(parts) == 5
    for part in parts:
        json.loads(part)
    (files_file,) = cache_files(cache_home, "files")
    header, looks = files_file.read_bytes().split(b"\n")
    assert json.loads(header)["format"] == "rsdir-cache"
    assert all(isinstance(look, list) for look in json.loads(looks).values())


def _forged_facts(path: Path) -> None:
    """The model's facts with a forged library (au-wattle) listing de-nordbib as a partner, the
    checksum made to fit: only the key of the records can tell it apart."""
    first, names, *parts = path.read_bytes().split(b"\n")
    header, facts = json.loads(first), dict(zip(json.loads(names), map(json.loads, parts)))
    ids = [row[0] for row in facts["institutions"]]    # listed_by holds positions in this list
    facts["listed_by"]["de-nordbib"] = sorted(facts["listed_by"]["de-nordbib"] + [ids.index("au-wattle")])
    body = b"\n".join([names, *(json.dumps(part).encode() for part in facts.values())])
    header["crc32"] = cache_module.checksum(body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_the_model_facts_are_used_only_for_exactly_the_records_they_came_from(records, cache_home):
    command = ("partners", "de-nordbib", "--format", "json", *ON)
    expected = run(*command, "--no-cache")
    assert "au-wattle" not in json.loads(expected[1])["waiting_on_us"]
    run(*command)
    (model_file,) = cache_files(cache_home, "model")
    _forged_facts(model_file)
    assert "au-wattle" in json.loads(run(*command)[1])["waiting_on_us"]     # believed when it fits
    target = records / "institutions" / "fr" / "fr-valbrune.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run(*command) == run(*command, "--no-cache")                   # not after a file changed
    assert "au-wattle" not in json.loads(run(*command)[1])["waiting_on_us"]


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "another directory", "not JSON"])
def test_damaged_model_facts_are_ignored_and_rewritten(damage, records, cache_home):
    command = ("route", REQUEST, "--all", "--format", "json", *ON)
    expected = run(*command, "--no-cache")
    run(*command)
    (model_file,) = cache_files(cache_home, "model")
    content = model_file.read_bytes()
    first, _, body = content.partition(b"\n")
    damaged = {"truncated": content[: len(content) // 2],
               "flipped byte": content[:-10] + bytes([content[-10] ^ 1]) + content[-9:],
               "another directory": json.dumps({**json.loads(first), "directory": "0" * 64}).encode() + b"\n" + body,
               "not JSON": b"\x00\xff garbage"}[damage]
    model_file.write_bytes(damaged)
    assert run(*command) == expected
    assert model_file.read_bytes() == content       # rewritten as it should be


# --- how the record files looked: a file that still looks the same is not read again -------------

def _same_size_change(target: Path) -> None:
    """`status` changed to a word of the same length, the modification time put back: only the
    change time (which nobody can set) tells that the file was written."""
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('status: "active"', 'status: "asleep"'), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns


def test_the_looks_of_settled_files_are_believed_when_they_fit(records, cache_home, monkeypatch):
    """A file whose look (size, times, inode) is the one kept with its content key is not read:
    with the key of another record forged under its look, the next run reads that record."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)      # the records just copied count as settled
    expected = run("validate", "--format", "json", *ON)
    (files_file,) = cache_files(cache_home, "files")
    first, _, body = files_file.read_bytes().partition(b"\n")
    looks = json.loads(body)
    nordbib = "institutions/de/de-nordbib.yaml"      # by the path inside the records folder
    looks[nordbib][-1] = looks["institutions/us/us-lakeside.yaml"][-1]
    body = json.dumps(looks).encode()
    files_file.write_bytes(json.dumps({**json.loads(first), "crc32": cache_module.checksum(body)}).encode()
                           + b"\n" + body)
    forged = run("validate", "--format", "json", *ON)
    assert "does not match the file name" in forged[1]
    # Once the file is written again, its look no longer fits and it is read.
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    target.write_bytes(target.read_bytes())
    assert run("validate", "--format", "json", *ON) == expected


def test_a_change_keeping_size_and_modification_time_is_read_again(records, cache_home, monkeypatch):
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    run("validate", *ON)
    assert cache_files(cache_home, "files")
    _same_size_change(records / "institutions" / "de" / "de-nordbib.yaml")
    cached = run("validate", "--format", "json", *ON)
    assert cached == run("validate", "--format", "json", "--no-cache", *ON)
    assert cached[0] == 1 and "asleep" in cached[1]


def test_a_file_written_just_before_it_was_read_vouches_for_nothing(records, cache_home):
    """Within `SETTLED_NS` of a write, the file system's clock may not have ticked: a second write
    in the same tick would leave the file looking the same, so no look is kept for it."""
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    target.write_bytes(target.read_bytes())
    run("validate", *ON)
    for files_file in cache_files(cache_home, "files"):
        assert target.relative_to(records).as_posix() not in json.loads(files_file.read_bytes().partition(b"\n")[2])
    _same_size_change(target)
    cached = run("validate", "--format", "json", *ON)
    assert cached == run("validate", "--format", "json", "--no-cache", *ON)
    assert "asleep" in cached[1]
