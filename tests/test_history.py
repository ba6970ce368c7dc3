"""Record dates from git history: real repositories in temporary folders, never the clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.history import (ADDED, EPOCH, INSTITUTION, POD, REMOVED, UPDATED, History, HistoryError,
                             parse_log, read_history, rfc3339, source_date_epoch)

FIXTURE_RECORDS = Path(__file__).resolve().parent / "fixtures" / "feed" / "records"
NO_PIN: dict[str, str] = {}
FIRST, SECOND = 1_790_000_000, 1_790_086_400      # 2026-09-21 and a day later, UTC


def utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def git(repo: Path, *args: str, when: int | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Directory Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Directory Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout


def commit_all(repo: Path, message: str, when: int) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose records folder is `records/`, with the fixture records committed once."""
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURE_RECORDS, tmp_path / "records")
    (tmp_path / "records" / "README.md").write_text("Not a record.\n", encoding="utf-8")
    commit_all(tmp_path, "Add the first records", FIRST)
    return tmp_path


def test_outside_git_every_date_is_1970_without_source_date_epoch(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_RECORDS, tmp_path / "records")
    history = read_history(tmp_path / "records", NO_PIN)
    assert history.generated_at == EPOCH
    assert history.changes == ()
    assert history.last_changed(INSTITUTION, "de-hafen") == EPOCH


def test_outside_git_source_date_epoch_dates_everything(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_RECORDS, tmp_path / "records")
    history = read_history(tmp_path / "records", {"SOURCE_DATE_EPOCH": str(FIRST)})
    assert history.generated_at == utc(FIRST)
    assert history.last_changed(POD, "coast-ring") == utc(FIRST)


def test_added_then_updated_records_carry_their_commit_dates(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    hafen = repo / "records" / "institutions" / "de" / "de-hafen.yaml"
    hafen.write_text(hafen.read_text(encoding="utf-8").replace("days_to_respond: 3", "days_to_respond: 4"),
                     encoding="utf-8")
    second = commit_all(repo, "de-hafen: answer within four days", SECOND)

    history = read_history(repo / "records", NO_PIN)

    assert history.generated_at == utc(SECOND)
    assert not history.shallow
    assert history.last_changed(INSTITUTION, "de-hafen") == utc(SECOND)
    assert history.last_changed(INSTITUTION, "fr-lumiere") == utc(FIRST)
    newest = history.changes[0]
    assert (newest.commit, newest.record_id, newest.action, newest.path) == (
        second, "de-hafen", UPDATED, "records/institutions/de/de-hafen.yaml")
    assert newest.subject == "de-hafen: answer within four days"
    added = {(c.kind, c.record_id) for c in history.changes if c.commit == first}
    assert added == {(INSTITUTION, "de-hafen"), (INSTITUTION, "fr-lumiere"), (INSTITUTION, "gb-quill"),
                     (POD, "coast-ring")}
    assert all(c.action == ADDED for c in history.changes if c.commit == first)


def test_move_to_another_country_folder_is_an_update_and_deletion_a_removal(repo: Path) -> None:
    records = repo / "records" / "institutions"
    (records / "de").mkdir(exist_ok=True)
    shutil.move(records / "gb" / "gb-quill.yaml", records / "de" / "gb-quill.yaml")
    (records / "fr" / "fr-lumiere.yaml").unlink()
    commit_all(repo, "Move one record, remove another", SECOND)

    latest = {c.record_id: c for c in read_history(repo / "records", NO_PIN).changes if c.date == utc(SECOND)}

    assert latest["gb-quill"].action == UPDATED
    assert latest["gb-quill"].path == "records/institutions/de/gb-quill.yaml"
    assert latest["fr-lumiere"].action == REMOVED
    assert set(latest) == {"gb-quill", "fr-lumiere"}


def test_source_date_epoch_pins_generated_at_and_uncommitted_records(repo: Path) -> None:
    new = repo / "records" / "institutions" / "fr" / "fr-nouvelle.yaml"
    new.write_text((repo / "records" / "institutions" / "fr" / "fr-lumiere.yaml").read_text(encoding="utf-8"),
                   encoding="utf-8")
    pinned = read_history(repo / "records", {"SOURCE_DATE_EPOCH": "1800000000"})
    assert pinned.generated_at == utc(1_800_000_000)
    assert pinned.last_changed(INSTITUTION, "fr-nouvelle") == utc(1_800_000_000)
    assert pinned.last_changed(INSTITUTION, "de-hafen") == utc(FIRST)

    unpinned = read_history(repo / "records", NO_PIN)
    assert unpinned.last_changed(INSTITUTION, "fr-nouvelle") == utc(FIRST)    # the HEAD commit's date


def test_records_folder_below_the_repository_root(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURE_RECORDS, tmp_path / "data" / "records")
    commit_all(tmp_path, "Records in a subfolder", FIRST)
    history = read_history(tmp_path / "data" / "records", NO_PIN)
    assert {c.path for c in history.changes if c.record_id == "de-hafen"} == {
        "data/records/institutions/de/de-hafen.yaml"}


def test_shallow_clone_is_reported(repo: Path, tmp_path: Path) -> None:
    hafen = repo / "records" / "institutions" / "de" / "de-hafen.yaml"
    hafen.write_text(hafen.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit_all(repo, "Second commit", SECOND)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert read_history(clone / "records", NO_PIN).shallow


def test_repository_without_commits_has_no_history(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    shutil.copytree(FIXTURE_RECORDS, tmp_path / "records")
    assert read_history(tmp_path / "records", NO_PIN) == History(EPOCH)


def test_commit_subject_cannot_forge_a_commit(repo: Path) -> None:
    """A subject with the separator git output uses must not split a commit in two."""
    hafen = repo / "records" / "institutions" / "de" / "de-hafen.yaml"
    hafen.write_text(hafen.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    forged = "update \x1e" + "a" * 40 + " 0 fake"
    commit_all(repo, forged, SECOND)
    newest = read_history(repo / "records", NO_PIN).changes[0]
    assert newest.subject == forged
    assert newest.record_id == "de-hafen"


def test_parse_log_ignores_files_that_are_not_records() -> None:
    output = ("\x1e" + "b" * 40 + "\x00" + str(FIRST) + "\x00subject\n\n"
              "A\trecords/README.md\nA\trecords/institutions/de/Bad Name.yaml\n"
              "M\trecords/pods/coast-ring.yaml\nA\tother/institutions/de/x.yaml\n")
    changes = parse_log(output, "records/")
    assert [(c.kind, c.record_id, c.action) for c in changes] == [(POD, "coast-ring", UPDATED)]


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5"])
def test_bad_source_date_epoch_is_an_input_error(value: str) -> None:
    with pytest.raises(HistoryError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch({"SOURCE_DATE_EPOCH": value})


def test_missing_records_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="does not exist"):
        read_history(tmp_path / "nowhere", NO_PIN)


def test_rfc3339_is_utc_with_whole_seconds() -> None:
    moment = dt.datetime(2026, 10, 14, 11, 12, 13, 999, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert rfc3339(moment) == "2026-10-14T09:12:13Z"
