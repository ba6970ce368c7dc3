"""The GitHub workflows: linted, and held to the security rules a later edit could quietly break."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TOOLS = Path(sys.executable).parent  # the bin/ folder of the environment running the tests
PINNED = re.compile(r"[^@\s]+@[0-9a-f]{40}")
READ_ONLY = {"read", "none"}


def tool(name: str) -> str:
    path = TOOLS / name
    assert path.exists(), f"{name} is missing: install the test extras (pip install -e '.[test]')"
    return str(path)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(workflow: dict) -> Iterator[dict]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def strings_under(node: Any, key: str) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, str):
                yield value
            yield from strings_under(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from strings_under(item, key)


def test_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {"validate.yml", "publish.yml"}


def test_actionlint_passes() -> None:
    done = subprocess.run([tool("actionlint"), "-no-color", *map(str, WORKFLOWS)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_passes_pedantic() -> None:
    done = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress",
                           *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_pull_request_target(path: Path) -> None:
    workflow = load(path)
    triggers = workflow["on"] if isinstance(workflow["on"], (dict, list)) else [workflow["on"]]
    assert "pull_request_target" not in triggers


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expression_inside_run(path: Path) -> None:
    """`${{ }}` in a shell step is pasted into the script before it runs: a branch name or PR
    title could become code. Values must come in through `env:`."""
    for script in strings_under(load(path), "run"):
        assert "${{" not in script, script


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actions_pinned_to_commits(path: Path) -> None:
    uses = list(strings_under(load(path), "uses"))
    assert uses
    for action in uses:
        assert PINNED.fullmatch(action), f"{action} is not pinned to a full commit SHA"
    for line in path.read_text(encoding="utf-8").splitlines():
        if "uses:" in line:
            assert re.search(r"# v\d", line), f"say which version the SHA is: {line.strip()}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkout_keeps_no_credentials(path: Path) -> None:
    checkouts = [step for step in steps(load(path)) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False
        assert step["with"]["fetch-depth"] == 0


def test_validate_workflow_is_read_only() -> None:
    workflow = load(ROOT / ".github/workflows/validate.yml")
    assert set(workflow["on"]) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= READ_ONLY


def test_validate_workflow_runs_every_check() -> None:
    scripts = "\n".join(strings_under(load(ROOT / ".github/workflows/validate.yml"), "run"))
    assert "rsdir validate --format github" in scripts
    assert 'rsdir check-ownership --base "$BASE_SHA" --author "$PR_AUTHOR"' in scripts
    assert "rsdir build --no-cache" in scripts      # the preview is built as the published site is
    assert "rsdir fmt --check --format github" in scripts
    assert "make test" in scripts


def test_publish_workflow_grants_write_only_to_deploy() -> None:
    workflow = load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    for name, job in workflow["jobs"].items():
        writes = {scope for scope, level in job["permissions"].items() if level not in READ_ONLY}
        assert writes == ({"pages", "id-token"} if name == "deploy" else set()), name
    used = [action.split("@")[0] for action in strings_under(workflow, "uses")]
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(used)


def problem_codes() -> set[str]:
    """Every stable problem code the loader and the checks can report."""
    import ast

    codes = set()
    for module in ("loader", "records", "schemas", "crosschecks"):
        tree = ast.parse((ROOT / "builder" / f"{module}.py").read_text(encoding="utf-8"))
        codes |= {node.value for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)+", node.value)}
    return codes - {"utf-8"}


def test_contributor_guide_explains_every_problem_code() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    codes = problem_codes()
    assert len(codes) > 40
    assert sorted(code for code in codes if f"`{code}`" not in guide) == []


def test_join_page_has_no_template_syntax() -> None:
    """The page goes through mkdocs as it is; braces would read as a template to other engines."""
    page = (ROOT / "site_src" / "join.md").read_text(encoding="utf-8")
    assert "{{" not in page and "{%" not in page


def step_script(path: Path, name: str) -> str:
    found = [step["run"] for step in steps(load(path)) if step.get("name") == name]
    assert len(found) == 1, f"no step named {name!r} in {path.name}"
    return found[0]


def test_changed_record_names_never_reach_the_log(tmp_path: Path) -> None:
    """A file name may hold a line break; printed raw, a line of it starting with `::` would run
    as a workflow command. The step is run as GitHub runs it, on a real repository."""
    script = step_script(ROOT / ".github/workflows/validate.yml", "List the records this pull request changes")
    repo = tmp_path / "repo"
    (repo / "records" / "pods").mkdir(parents=True)
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q")
    (repo / "records" / "pods" / "a.yaml").write_text("id: a\n", encoding="utf-8")
    git("add", "records")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    hostile = "x\n::error file=forged::injected\n::add-mask::x\n.yaml"
    (repo / "records" / "pods" / hostile).write_text("id: x\n", encoding="utf-8")
    (repo / "records" / "pods" / "b.yaml").write_text("id: b\n", encoding="utf-8")
    git("add", "records")
    git("commit", "-q", "-m", "change")
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo,
                          env={**env, "BASE_SHA": base, "RUNNER_TEMP": str(runner_temp)},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 record file(s)" in done.stdout
    for line in (done.stdout + done.stderr).splitlines():
        assert not line.lstrip().startswith("::"), line
    assert "injected" not in done.stdout + done.stderr
    # The names still reach the next step intact, NUL-separated.
    names = (runner_temp / "changed-records").read_bytes().split(b"\0")
    assert f"records/pods/{hostile}".encode() in names


def codeowners_rules() -> list[tuple[str, list[str]]]:
    rules = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *owners = line.split()
            rules.append((pattern, owners))
    return rules


def owners_of(path: str) -> list[str]:
    """GitHub's rule for the patterns used here: the last matching line wins."""
    owners: list[str] = []
    for pattern, rule_owners in codeowners_rules():
        if pattern == "*":
            matches = True
        elif pattern.endswith("/"):
            matches = ("/" + path).startswith(pattern if pattern.startswith("/") else "/" + pattern)
        else:
            matches = "/" + path == pattern or ("/" + path).startswith(pattern.rstrip("/") + "/")
        if matches:
            owners = rule_owners
    return owners


def test_codeowners_give_everything_but_records_to_the_admins() -> None:
    """The Validate workflow runs the pull request's own Makefile, tests and tools before the
    ownership check, so a change to any of them needs an admin; records are decided by
    `rsdir check-ownership` instead."""
    rules = codeowners_rules()
    assert rules[0] == ("*", ["@ors-directory/admins"])
    for path in ("Makefile", ".ci/setup.sh", "tests/test_build.py", "site_src/index.md", "pyproject.toml",
                 "builder/cli.py", ".github/workflows/validate.yml", ".github/admins.yaml", "schema/x.json",
                 "CONTRIBUTING.md", "anything/new.txt"):
        assert owners_of(path) == ["@ors-directory/admins"], path
    for path in ("records/institutions/de/de-nordbib.yaml", "records/pods/euro-scholar.yaml"):
        assert "@ors-directory/admins" not in owners_of(path), path
    assert owners_of("records/pods/euro-scholar.yaml") == []
