"""`rsdir check`, `rsdir route` and `rsdir partners` through the command line, on real files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

from decisions_support import RECORDS, REQUESTS, SAMPLE_RECORDS, expectation

EXAMPLES = Path(__file__).resolve().parent.parent / "site_src" / "examples" / "requests"
RESULT_KEYS = {"request", "file", "borrower", "lender", "decision", "reason", "rule", "message", "also",
               "service_type", "channel", "fee"}


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def readme_expectations() -> dict[str, tuple[str, str | None, str | None]]:
    """The table of expected decisions in the examples' README."""
    rows = {}
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and cells[0].endswith(".yaml`"):
            decision = cells[2].split()[0]
            reason = None if cells[3] in ("–", "-") else cells[3]
            rule = None if cells[4] in ("–", "-") else cells[4].strip("`")
            rows[cells[0].strip("`")] = (decision, reason, rule)
    return rows


def test_examples_get_the_decisions_their_readme_promises():
    expected = readme_expectations()
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert set(expected) == {f.name for f in files}
    result = run("check", "--records", SAMPLE_RECORDS, *files, "--format", "json")
    assert result.exit_code == 1
    answers = {Path(r["file"]).name: (r["decision"], r["reason"], r["rule"]) for r in json.loads(result.stdout)["results"]}
    assert answers == expected
    assert {"accept", "unfilled", "retry"} <= {decision for decision, _, _ in answers.values()}


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_all_accepted_exits_0(output_format):
    result = run("check", "--records", RECORDS, REQUESTS / "accept-loan.yaml", REQUESTS / "accept-agency-id.yaml",
                 "--format", output_format)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        results = json.loads(result.stdout)["results"]
        assert [set(r) for r in results] == [RESULT_KEYS, RESULT_KEYS]
        assert results[1]["borrower"] == "us-borrow"
    else:
        assert "ACCEPT" in result.stdout and "2 request file(s): 2 accepted" in result.stdout


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_any_refusal_exits_1_and_says_why(output_format):
    path = REQUESTS / "country.yaml"
    result = run("check", "--records", RECORDS, REQUESTS / "accept-loan.yaml", path, "--format", output_format)
    assert result.exit_code == 1
    decision, reason, rule = expectation(path)
    if output_format == "json":
        last = json.loads(result.stdout)["results"][1]
        assert (last["decision"], last["reason"], last["rule"]) == (decision, reason, rule)
    else:
        assert f"UNFILLED  {reason}  [{rule}]" in result.stdout


def test_invalid_request_exits_2_with_position_and_others_are_still_answered(tmp_path):
    bad = tmp_path / "bad-date.yaml"
    bad.write_text("id: X1\nborrower: us-borrow\nlender: de-lender\nservice_type: Loan\n"
                   "publication_type: Book\ntitle: T\ndate: 2026-02-30\n", encoding="utf-8")
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("id: X2\nborrower: us-borrow\nlender: ISIL:XX-Nobody\nservice_type: Loan\n"
                       "publication_type: Book\ntitle: T\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    result = run("check", "--records", RECORDS, bad, REQUESTS / "accept-loan.yaml", unknown, broken,
                 tmp_path / "missing.yaml", "--format", "json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert re.search(r"bad-date\.yaml:7:7: error: \$\.date: .*2026-02-30.* \[request-date-invalid\]", result.stderr)
    assert re.search(r"unknown\.yaml:3:9: error: \$\.lender: .*ISIL:XX-Nobody.* \[unknown-institution\]",
                     result.stderr)
    assert "broken.yaml:2:1: error" in result.stderr and "missing.yaml:1:1" in result.stderr
    document = json.loads(result.stdout)
    assert [r["request"] for r in document["results"]] == ["ACCEPT-LOAN"]
    assert {p["code"] for p in document["problems"]} == {"request-date-invalid", "unknown-institution",
                                                         "yaml-syntax", "file-unreadable"}


def test_schema_problems_in_a_request_are_positioned(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("id: X\nborrower: us-borrow\nlender: de-lender\nservice_type: Lone\n"
                    "publication_type: Book\ntitle: T\n", encoding="utf-8")
    result = run("check", "--records", RECORDS, path)
    assert result.exit_code == 2
    assert "typo.yaml:4:15: error: $.service_type:" in result.stderr and "Loan" in result.stderr


def test_on_sets_today_but_a_request_date_wins(tmp_path):
    undated = tmp_path / "undated.yaml"
    text = (REQUESTS / "accept-loan.yaml").read_text(encoding="utf-8")
    undated.write_text(text.replace("date: 2026-12-01\n", ""), encoding="utf-8")
    assert run("check", "--records", RECORDS, undated, "--on", "2026-12-25").exit_code == 1
    assert run("check", "--records", RECORDS, undated, "--on", "2026-12-27").exit_code == 0
    assert run("check", "--records", RECORDS, REQUESTS / "closure.yaml", "--on", "2027-01-10").exit_code == 1
    assert run("check", "--records", RECORDS, undated, "--on", "2026-13-01").exit_code == 2


def records_changed(tmp_path: Path, record: str, old: str, new: str) -> Path:
    """A copy of the fixture directory with one text replaced in one record (which must hold it)."""
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    target = records / "institutions" / record
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{record} no longer holds {old!r}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return records


def test_directory_with_errors_still_answers_and_warns(tmp_path):
    records = records_changed(tmp_path, "dk/dk-nothing.yaml", "status: active", "status: sleeping")
    result = run("check", "--records", records, REQUESTS / "accept-loan.yaml")
    assert result.exit_code == 0
    assert "validation errors" in result.stderr and "dk-nothing.yaml" in result.stderr
    result = run("check", "--records", records, REQUESTS / "service-none-offered.yaml")
    assert result.exit_code == 2 and "unknown-institution" in result.stderr
    left_out = ("the profile of `dk-nothing` has validation errors and was left out; run `rsdir validate` "
                "to see them")
    assert f"service-none-offered.yaml:4:9: error: $.lender: {left_out} [unknown-institution]" in result.stderr
    assert "not an institution of the directory" not in result.stderr
    result = run("partners", "dk-nothing", "--records", records)
    assert result.exit_code == 2 and left_out in result.stderr


def test_lender_whose_broken_record_has_a_broken_id_is_found_by_its_file_name(tmp_path):
    records = records_changed(tmp_path, "dk/dk-nothing.yaml", "id: dk-nothing", "id: DK_Nothing")
    result = run("check", "--records", records, REQUESTS / "service-none-offered.yaml")
    assert result.exit_code == 2
    assert "the profile of `dk-nothing` has validation errors and was left out" in result.stderr


def test_unknown_library_is_reported_once_per_field(tmp_path):
    request = tmp_path / "unknown.yaml"
    request.write_text("id: X\nborrower: us-borrow\nlender: zz-none\nservice_type: Loan\n"
                       "publication_type: Book\ntitle: T\n", encoding="utf-8")
    result = run("check", "--records", RECORDS, request)
    assert result.exit_code == 2
    assert ("unknown.yaml:3:9: error: $.lender: `zz-none` is not an institution of the directory; check the id "
            "[unknown-institution]") in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_route_ranks_lenders(output_format):
    result = run("route", "--records", RECORDS, REQUESTS / "accept-loan.yaml", "--format", output_format)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        document = json.loads(result.stdout)
        assert set(document) == {"request", "lenders"}
        assert [lender["id"] for lender in document["lenders"]] == ["nl-noemail", "de-lender"]
        assert set(document["lenders"][0]) == {"id", "name", "fee", "days_to_respond", "channel", "shared_pods"}
    else:
        lines = result.stdout.splitlines()
        assert lines[0].startswith("Request ACCEPT-LOAN from us-borrow: 2 lenders")
        assert lines[2].split()[:2] == ["1", "nl-noemail"] and lines[3].split()[:2] == ["2", "de-lender"]


def test_route_all_lists_refusals_and_no_lender_exits_1():
    result = run("route", "--records", RECORDS, REQUESTS / "publication-type.yaml", "--all", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["lenders"] == []
    assert {r["lender"] for r in document["refused"]} >= {"de-lender", "nl-noemail"}
    assert all(set(r) == RESULT_KEYS for r in document["refused"])


def test_route_bad_request_exits_2():
    result = run("route", "--records", RECORDS, REQUESTS / "missing.yaml")
    assert result.exit_code == 2 and "file-unreadable" in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_partners_by_id_or_agency_id(output_format):
    result = run("partners", "ISIL:US-Borrow", "--records", RECORDS, "--format", output_format)
    assert result.exit_code == 0, result.output
    if output_format == "json":
        document = json.loads(result.stdout)
        assert set(document) == {"id", "mutual", "waiting_on_them", "waiting_on_us"}
        assert document["id"] == "us-borrow"
        assert set(document["mutual"][0]["borrow"]) == {"ok", "channel", "rule", "message"}
    else:
        assert "no-nolend" in result.stdout and "builtin:not-lending" in result.stdout


def test_partners_all_and_usage_errors():
    result = run("partners", "--all", "--records", RECORDS, "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"institutions", "partnerships"}
    pairs = {(p["a"], p["b"]): p for p in document["partnerships"]}
    assert pairs[("de-lender", "fr-isoill")]["b_to_a"]["channel"] == "email"
    assert pairs[("de-lender", "fr-isoill")]["a_to_b"]["rule"] == "builtin:not-lending"
    text = run("partners", "--all", "--records", RECORDS)
    assert "mutual partnerships" in text.stdout
    neither = run("partners", "--records", RECORDS)
    assert neither.exit_code == 2 and "give an institution id, or --all" in neither.stderr
    both = run("partners", "--all", "de-lender", "--records", RECORDS)
    assert both.exit_code == 2 and "give either INSTITUTION or --all, not both" in both.stderr
    assert both.stdout == ""
    unknown = run("partners", "xx-nobody", "--records", RECORDS)
    assert unknown.exit_code == 2 and "xx-nobody" in unknown.stderr


@pytest.mark.slow
def test_synthetic_directory_every_request_is_answered(tmp_path):
    """At scale: a thousand libraries, a thousand requests, every one answered, every pair consistent."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from synth import generate, generate_requests

    records, requests = tmp_path / "records", tmp_path / "requests"
    generate(records, 1000, seed=7)
    generate_requests(requests, records, 1000, seed=7)
    files = sorted(requests.glob("*.yaml"))
    result = run("check", "--records", records, *files, "--format", "json", "--on", "2026-12-01")
    assert result.exit_code == 1, result.stderr
    decisions = json.loads(result.stdout)["results"]
    assert len(decisions) == len(files)
    assert {d["decision"] for d in decisions} == {"accept", "unfilled", "retry"}
    graph = json.loads(run("partners", "--all", "--records", records, "--format", "json").stdout)
    flows = {(p["a"], p["b"]): p["a_to_b"] for p in graph["partnerships"]}
    flows.update({(p["b"], p["a"]): p["b_to_a"] for p in graph["partnerships"]})
    for decision in decisions:
        pair = flows.get((decision["borrower"], decision["lender"]))
        if decision["decision"] == "accept":
            assert pair is not None and pair["ok"] and pair["channel"] == decision["channel"]["method"]
        elif pair is not None and not pair["ok"]:
            assert decision["rule"] == pair["rule"]


def _far_future_records(tmp_path: Path) -> Path:
    """The fixture directory with the lender closed from 2026 to the last day of the calendar."""
    return records_changed(tmp_path, "de/de-lender.yaml", "{from: 2026-12-24, to: 2026-12-26",
                           "{from: 2026-12-24, to: 9999-12-31")


@pytest.mark.parametrize("command", ["check", "route"])
def test_closure_to_the_end_of_the_calendar_is_answered(tmp_path, command):
    records = _far_future_records(tmp_path)
    args = [command, "--records", records, REQUESTS / "closure.yaml", "--format", "json"]
    result = run(*args, *(["--all"] if command == "route" else []))
    # Another lender of the fixture still takes the loan that de-lender is closed for.
    assert result.exit_code == (1 if command == "check" else 0), result.output
    document = json.loads(result.stdout)
    answer = document["results"][0] if command == "check" else next(
        r for r in document["refused"] if r["lender"] == "de-lender")
    assert answer["rule"] == "builtin:closure"
    assert "send the request again after 9999-12-31" in answer["message"]


@pytest.mark.parametrize("command", ["check", "route"])
def test_request_at_the_end_of_the_calendar_is_answered(tmp_path, command):
    request = tmp_path / "late.yaml"
    text = (REQUESTS / "need-before.yaml").read_text(encoding="utf-8")
    request.write_text(text.replace("need_before: 2026-12-03", "need_before: 9999-12-31")
                       .replace("date: 2026-12-01", "date: 9999-12-31"), encoding="utf-8")
    args = [command, "--records", RECORDS, request, "--format", "json"]
    result = run(*args, *(["--all"] if command == "route" else []))
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    answer = document["results"][0] if command == "check" else next(
        r for r in document["refused"] if r["lender"] == "de-lender")
    assert answer["rule"] == "builtin:need-before"
    assert "needed before 9999-12-31" in answer["message"]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_partners_pair_that_has_not_listed_each_other_explains_it(output_format):
    result = run("partners", "fr-isoill", "us-borrow", "--records", RECORDS, "--format", output_format)
    assert result.exit_code == 0, result.output
    message = "Borrow College Library and Isoill University Library have not listed each other as partners."
    if output_format == "json":
        document = json.loads(result.stdout)
        assert document["not_mutual"] == {"rule": "builtin:partnership", "reason": "PolicyProblem",
                                          "message": message}
    else:
        assert f"not mutual partners: {message}" in result.stdout


def test_partners_with_the_same_library_twice_is_a_usage_error():
    for other in ("de-lender", "ISIL:DE-Lender"):
        result = run("partners", "de-lender", other, "--records", RECORDS)
        assert result.exit_code == 2
        assert "both de-lender" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", ["check", "partners", "route"])
def test_record_with_only_cross_record_errors_is_answered_without_a_traceback(tmp_path, command):
    records = Path(__file__).resolve().parent / "fixtures" / "invalid" / "alma-code-missing" / "records"
    request = tmp_path / "r.yaml"
    request.write_text("id: R\nborrower: de-acme\nlender: de-identified\nservice_type: Copy\n"
                       "publication_type: Article\ntitle: T\n", encoding="utf-8")
    args = {"check": [request], "partners": ["de-acme"], "route": [request, "--all"]}[command]
    result = CliRunner().invoke(main, [command, "--records", str(records), *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert "de-acme.yaml" in result.stderr


def test_help_lists_every_answering_command_on_one_untruncated_line():
    result = run("--help")
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ")}
    for name in ("build", "check", "check-ownership", "partners", "route", "serve", "validate"):
        assert not lines[name].endswith("..."), lines[name]
    assert "the --author" in lines["check-ownership"] and "AUTHOR" not in lines["check-ownership"]
