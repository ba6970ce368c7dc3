"""`rsdir check-ownership` against real git repositories built in a temporary folder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

ADMIN = "directory-admin"


def git(repo: Path, *args: str, author: str = "setup") -> str:
    done = subprocess.run(
        ["git", "-c", f"user.name={author}", "-c", f"user.email={author}@example.org", *args],
        cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def institution(record_id: str, maintainers: list[str], name: str = "A library") -> str:
    country = record_id[:2].upper()
    listed = "\n".join(f"  - {login}" for login in maintainers)
    return (f"id: {record_id}\nname: {name}\nstatus: active\ncountry: {country}\n"
            f"maintainers:\n{listed}\nlast_reviewed: 2026-01-15\n"
            "contacts:\n  - role: lending\n    email: ill@example.org\n")


def pod(pod_id: str, members: list[str], maintainers: list[str]) -> str:
    return (f"id: {pod_id}\nname: A pod\nmembers: [{', '.join(members)}]\n"
            f"maintainers: [{', '.join(maintainers)}]\nlast_reviewed: 2026-01-15\n")


def write(repo: Path, path: str, text: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def commit(repo: Path, author: str, message: str = "change") -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message, author=author)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A directory on `main` with two libraries, a pod and one admin; work happens on `proposal`."""
    root = tmp_path / "directory"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    write(root, ".github/admins.yaml", f"admins:\n  - {ADMIN}\n")
    write(root, "records/institutions/de/de-nordbib.yaml", institution("de-nordbib", ["alice", "Bob"]))
    write(root, "records/institutions/fi/fi-koivula.yaml", institution("fi-koivula", ["carol"]))
    write(root, "records/pods/nordic-share.yaml", pod("nordic-share", ["de-nordbib"], ["board"]))
    commit(root, "setup", "initial directory")
    git(root, "checkout", "--quiet", "-b", "proposal")
    return root


def check(repo: Path, author: str, *extra: str, base: str = "main"):
    runner = CliRunner()
    return runner.invoke(main, ["check-ownership", "--base", base, "--author", author,
                                "--records", str(repo / "records"), *extra])


def test_maintainer_edits_own_record(repo: Path) -> None:
    write(repo, "records/institutions/de/de-nordbib.yaml",
          institution("de-nordbib", ["alice", "Bob"], name="Nordhafen Library"))
    commit(repo, "alice")
    result = check(repo, "alice")
    assert result.exit_code == 0, result.output
    assert "records/institutions/de/de-nordbib.yaml: modified: allowed" in result.output


def test_logins_compare_without_case(repo: Path) -> None:
    write(repo, "records/institutions/de/de-nordbib.yaml",
          institution("de-nordbib", ["alice", "Bob"], name="Renamed"))
    commit(repo, "bob")
    assert check(repo, "bob").exit_code == 0


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_stranger_may_not_edit_or_delete(repo: Path, action: str) -> None:
    path = repo / "records/institutions/de/de-nordbib.yaml"
    if action == "edit":
        path.write_text(institution("de-nordbib", ["alice", "Bob"], name="Hijacked"), encoding="utf-8")
    else:
        path.unlink()
    commit(repo, "mallory")
    result = check(repo, "mallory")
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if l.startswith("records/institutions/de/de-nordbib.yaml"))
    assert "NOT ALLOWED" in line
    assert "May approve: alice, Bob, directory-admin" in line


@pytest.mark.parametrize("new_path", [
    "records/institutions/de/de-nordbib-renamed.yaml",   # rename in place
    "records/institutions/fi/de-nordbib.yaml",           # move to another country folder
])
def test_rename_or_move_is_a_delete_plus_an_add(repo: Path, new_path: str) -> None:
    git(repo, "mv", "records/institutions/de/de-nordbib.yaml", new_path)
    commit(repo, "mallory")
    result = check(repo, "mallory", "--format", "json")
    assert result.exit_code == 1
    changes = {c["file"]: c for c in json.loads(result.output)["changes"]}
    assert changes["records/institutions/de/de-nordbib.yaml"]["change"] == "deleted"
    assert changes["records/institutions/de/de-nordbib.yaml"]["allowed"] is False
    # The moved copy still lists alice and Bob, not mallory, so adding it is refused too.
    assert changes[new_path] == {**changes[new_path], "change": "added", "allowed": False}


def test_maintainer_may_move_own_record(repo: Path) -> None:
    git(repo, "mv", "records/institutions/de/de-nordbib.yaml", "records/institutions/fi/de-nordbib.yaml")
    commit(repo, "alice")
    assert check(repo, "alice").exit_code == 0


def test_new_record_listing_its_author(repo: Path) -> None:
    write(repo, "records/institutions/se/se-norrvik.yaml", institution("se-norrvik", ["dave"]))
    commit(repo, "dave")
    result = check(repo, "dave")
    assert result.exit_code == 0, result.output
    assert "se-norrvik.yaml: added: allowed" in result.output


def test_new_record_not_listing_its_author(repo: Path) -> None:
    write(repo, "records/institutions/se/se-norrvik.yaml", institution("se-norrvik", ["erin"]))
    commit(repo, "dave")
    result = check(repo, "dave")
    assert result.exit_code == 1
    assert "se-norrvik.yaml: added: NOT ALLOWED: a new record must list its author" in result.output


def test_hand_over_by_an_existing_maintainer(repo: Path) -> None:
    write(repo, "records/institutions/de/de-nordbib.yaml", institution("de-nordbib", ["frank"]))
    commit(repo, "alice")
    assert check(repo, "alice").exit_code == 0


def test_stranger_adding_themselves_to_maintainers(repo: Path) -> None:
    write(repo, "records/institutions/de/de-nordbib.yaml",
          institution("de-nordbib", ["alice", "Bob", "mallory"]))
    commit(repo, "mallory")
    result = check(repo, "mallory")
    assert result.exit_code == 1
    assert "de-nordbib.yaml: modified: NOT ALLOWED" in result.output


def test_admin_may_change_anything(repo: Path) -> None:
    (repo / "records/institutions/fi/fi-koivula.yaml").unlink()
    write(repo, "records/pods/nordic-share.yaml", pod("nordic-share", ["de-nordbib", "fi-koivula"], ["board"]))
    write(repo, "records/README.md", "notes\n")
    commit(repo, ADMIN)
    result = check(repo, ADMIN)
    assert result.exit_code == 0, result.output
    assert result.output.count("allowed as a directory admin") == 3


def test_admin_list_comes_from_the_base_not_from_the_proposal(repo: Path) -> None:
    write(repo, ".github/admins.yaml", "admins:\n  - mallory\n")
    write(repo, "records/institutions/de/de-nordbib.yaml", institution("de-nordbib", ["mallory"]))
    commit(repo, "mallory")
    assert check(repo, "mallory").exit_code == 1


def test_pod_record_changed_by_its_maintainers_only(repo: Path) -> None:
    write(repo, "records/pods/nordic-share.yaml", pod("nordic-share", ["de-nordbib", "fi-koivula"], ["board"]))
    commit(repo, "carol")
    refused = check(repo, "carol")
    assert refused.exit_code == 1
    assert "records/pods/nordic-share.yaml: modified: NOT ALLOWED" in refused.output
    assert "May approve: board, directory-admin" in refused.output
    assert check(repo, "board").exit_code == 0


def test_unreadable_base_version_needs_an_admin(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "main")
    write(repo, "records/institutions/fi/fi-koivula.yaml", "id: [unclosed\n")
    commit(repo, ADMIN)
    git(repo, "checkout", "--quiet", "proposal")
    git(repo, "merge", "--quiet", "main")
    write(repo, "records/institutions/fi/fi-koivula.yaml", institution("fi-koivula", ["carol"]))
    commit(repo, "carol")
    result = check(repo, "carol")
    assert result.exit_code == 1
    assert "the record cannot be read" in result.output
    assert "May approve: directory-admin" in result.output


def test_maintainers_are_read_from_the_current_base(repo: Path) -> None:
    """A hand-over merged on main after the proposal branched off counts."""
    git(repo, "checkout", "--quiet", "main")
    write(repo, "records/institutions/fi/fi-koivula.yaml", institution("fi-koivula", ["gina"]))
    commit(repo, "carol")
    git(repo, "checkout", "--quiet", "proposal")
    write(repo, "records/institutions/fi/fi-koivula.yaml", institution("fi-koivula", ["carol"], name="Old owner"))
    commit(repo, "carol")
    assert check(repo, "carol").exit_code == 1
    assert check(repo, "gina").exit_code == 0


def test_changes_since_the_branch_point_only(repo: Path) -> None:
    """Records changed on main after the proposal branched off are not the proposal's changes."""
    git(repo, "checkout", "--quiet", "main")
    write(repo, "records/institutions/fi/fi-koivula.yaml", institution("fi-koivula", ["carol"], name="New"))
    commit(repo, "carol")
    git(repo, "checkout", "--quiet", "proposal")
    write(repo, "records/institutions/de/de-nordbib.yaml", institution("de-nordbib", ["alice"], name="N"))
    commit(repo, "alice")
    result = check(repo, "alice", "--format", "json")
    assert result.exit_code == 0
    assert [c["file"] for c in json.loads(result.output)["changes"]] == [
        "records/institutions/de/de-nordbib.yaml"]


def test_uncommitted_edits_are_not_checked(repo: Path) -> None:
    write(repo, "records/institutions/de/de-nordbib.yaml", institution("de-nordbib", ["mallory"]))
    result = check(repo, "mallory")
    assert result.exit_code == 0
    assert result.output.startswith("0 record file(s) changed")


def test_hostile_file_name_stays_on_one_line(repo: Path) -> None:
    write(repo, "records/institutions/de/x\n::error file=a::forged.yaml", "id: x\nmaintainers: [carol]\n")
    commit(repo, "mallory")
    result = check(repo, "mallory")
    assert result.exit_code == 1
    assert not any(line.startswith("::") for line in result.output.splitlines())
    assert "x\\x0a::error file=a::forged.yaml: added: NOT ALLOWED" in result.output


def test_every_refused_file_is_named_in_a_large_change(repo: Path) -> None:
    ids = [f"de-lib{number:03d}" for number in range(500)]
    for record_id in ids:
        write(repo, f"records/institutions/de/{record_id}.yaml", institution(record_id, ["owner"]))
    commit(repo, "owner")
    git(repo, "checkout", "--quiet", "main")
    git(repo, "merge", "--quiet", "proposal")
    git(repo, "checkout", "--quiet", "-b", "mass-edit")
    for record_id in ids:
        write(repo, f"records/institutions/de/{record_id}.yaml", institution(record_id, ["owner"], name="X"))
    commit(repo, "mallory")
    result = check(repo, "mallory")
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if ": modified: NOT ALLOWED" in line]
    assert len(refused) == 500
    assert all(f"records/institutions/de/{record_id}.yaml: modified" in result.output for record_id in ids)
    assert "500 may not be changed by mallory" in result.output


@pytest.mark.parametrize("args, message", [
    (["--base", "no-such-branch", "--author", "alice"], "`no-such-branch` is not a commit"),
    (["--base", "--upload-pack=x", "--author", "alice"], "is not a revision"),
    (["--base", "main", "--author", "not a login"], "is not a GitHub login"),
])
def test_usage_errors(repo: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["check-ownership", *args, "--records", str(repo / "records")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_outside_a_git_repository(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    result = check(tmp_path, "alice")
    assert result.exit_code == 2
    assert "cannot find the git repository" in result.output


def test_broken_admins_file_is_a_usage_error(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "main")
    write(repo, ".github/admins.yaml", "admins: not-a-list\n")
    commit(repo, ADMIN)
    git(repo, "checkout", "--quiet", "proposal")
    result = check(repo, "alice")
    assert result.exit_code == 2
    assert ".github/admins.yaml:1:9: `admins` must be a list of GitHub logins" in result.output


def test_the_repository_admins_file_is_readable() -> None:
    """The shipped admins file is what CI reads on every pull request: it must stay valid."""
    from builder.loader import load
    from builder.ownership import ADMINS_FILE, valid_login

    root = Path(__file__).resolve().parent.parent
    document = load((root / ADMINS_FILE).read_bytes(), ADMINS_FILE)
    assert document.data["admins"] and all(valid_login(login) for login in document.data["admins"])
