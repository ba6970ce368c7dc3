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
    assert "rsdir build" in scripts
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
