"""One truth, two engines: the corpus of tests/engine_corpus.py, answered by the Python engine,
answered again by the site's `assets/decide.mjs` in Chromium, every JSON object compared whole.

The directories: the sample directory (its site built by `rsdir build`), a synthetic one from
benchmarks/synth.py, the decision fixtures, the corpus's own edge cases and the hostile records.
A change to either engine that is not made to the other fails here.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from browser_support import write_engine_data
from builder.model import Directory
from builder.validate import validate_directory
from conftest import FIXTURES, REPO, SAMPLE_RECORDS, TODAY
from engine_corpus import AGENCY_FORMS, BUILTIN_CHECKS, ON, Corpus, directory_cases
from builder.decide import CONDITIONS

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate, generate_requests  # noqa: E402

pytestmark = pytest.mark.slow

# Answers every case in the page; numbers are read back as Python wrote them (4.0 stays a float).
RUN_CASES = """async ([root, text]) => {
  const engine = await import("/assets/decide.mjs");
  const { PyNumber, floatRepr } = await import("/assets/engine/numbers.mjs");
  const python = (value, source) => /[.eE]/.test(source)
    ? (Number.isInteger(value) ? new PyNumber(value, floatRepr(value)) : value)
    : (Number.isSafeInteger(value) ? value : new PyNumber(BigInt(source), source));
  const cases = JSON.parse(text, (key, value, context) => typeof value === "number" ? python(value, context.source) : value);
  const directory = await engine.loadDirectory(root);
  const answers = cases.map((c) => {
    try {
      if (c.kind === "check") return engine.check(directory, c.request, { on: c.on });
      if (c.kind === "route") return engine.route(directory, c.request, { on: c.on, all: c.all });
      return engine.partners(directory, c.id, c.other);
    } catch (error) {
      if (error instanceof engine.RequestError) {
        return { error: error.message, problems: error.problems.map((p) => [p.path, p.code, p.message]) };
      }
      // Only the command's own refusals are plain Errors; anything else is a fault of the engine.
      return error.constructor === Error ? { error: error.message } : { error: error.message, fault: error.name };
    }
  });
  return JSON.stringify(answers);
}"""


def valid_directory(records: Path) -> Directory:
    validation = validate_directory(records, TODAY)
    assert not validation.errors, [p.as_text() for p in validation.errors]
    return Directory.from_records(validation.valid)


@pytest.fixture(scope="module")
def corpora(sample_site, tmp_path_factory) -> tuple[Path, list[Corpus]]:
    """The corpora, and a folder holding the engine of the built sample site with each
    directory's data under `<name>/`."""
    site, _ = sample_site
    root = tmp_path_factory.mktemp("engine")
    shutil.copytree(site / "assets", root / "assets")
    (root / "index.html").write_text("<!doctype html><title>engine</title>", encoding="utf-8")
    synthetic = tmp_path_factory.mktemp("synthetic") / "records"
    generate(synthetic, 300, seed=5)
    requests = tmp_path_factory.mktemp("synthetic-requests")
    generate_requests(requests, synthetic, 600, seed=5)
    made = []
    for name, records, limits in (("sample", SAMPLE_RECORDS, {}), ("decisions", FIXTURES / "decisions" / "records", {}),
                                  ("edge", FIXTURES / "corpus" / "records", {}), ("hostile", FIXTURES / "hostile", {}),
                                  ("synthetic", synthetic, {"pairs_per_lender": 2, "requests_per_pair": 5})):
        directory = valid_directory(records)
        corpus = directory_cases(name, directory, **limits)
        if name == "synthetic":
            from builder.loader import load
            for path in sorted(requests.glob("*.yaml")):
                corpus.check(load(path.read_bytes(), path.name).data)
        if name == "sample":
            for relative in ("feed/v1/compact.json", "schema/request.schema.json", "assets/messages/en.json"):
                (root / name / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(site / relative, root / name / relative)
        else:
            write_engine_data(root / name, directory)
        made.append(corpus)
    return root, made


def answers_in_the_browser(open_page, base: str, name: str, cases: list[dict]) -> list:
    page = open_page(f"{base}index.html")
    sent = [{key: value for key, value in case.items() if key != "expected"} | {"on": ON.isoformat()} for case in cases]
    return json.loads(page.evaluate(RUN_CASES, [f"/{name}/", json.dumps(sent, ensure_ascii=False)]))


def test_both_engines_give_the_same_answers(corpora, open_page, capsys):
    from browser_support import serving

    root, made = corpora
    mismatches = []
    with serving(root) as base:
        for corpus in made:
            answers = answers_in_the_browser(open_page, base, corpus.name, corpus.cases)
            assert len(answers) == len(corpus.cases)
            for case, answer in zip(corpus.cases, answers):
                if answer != case["expected"]:
                    mismatches.append((corpus.name, case, answer))
    coverage = sum((corpus.coverage for corpus in made), Counter())
    with capsys.disabled():
        print(f"\nengine corpus: {sum(len(c.cases) for c in made)} cases over {len(made)} directories "
              f"({', '.join(f'{c.name} {len(c.cases)}' for c in made)}): {coverage['check']} check, "
              f"{coverage['route']} route, {coverage['route --all']} route --all, {coverage['partners']} partners")
        for key in sorted(key for key in coverage if key not in ("check", "route", "route --all", "partners")):
            print(f"  {key}: {coverage[key]}")
    shown = "\n".join(f"{name}: {json.dumps(case, ensure_ascii=False)}\n  browser: {json.dumps(answer, ensure_ascii=False)}"
                      for name, case, answer in mismatches[:5])
    assert not mismatches, f"{len(mismatches)} answers differ, the first ones:\n{shown}"


def test_the_corpus_covers_what_the_issue_lists(corpora):
    _, made = corpora
    coverage = sum((corpus.coverage for corpus in made), Counter())
    assert coverage["check"] >= 2000
    missing = [name for name in BUILTIN_CHECKS if not coverage[name]]
    missing += [f"rule condition {name}" for name in CONDITIONS if not coverage[f"rule condition {name}"]]
    missing += [name for name in ("unless requester", "unless requester_pod", "CopyOrLoan as Loan", "CopyOrLoan as Copy",
                                  "closure: first day", "closure: last day", "closure: day just outside",
                                  "fee in another currency than max_cost", "agency-id borrower: ambiguous",
                                  "decision accept", "decision unfilled", "decision retry", "rule:*",
                                  "route ranking fees in several currencies")
                if not coverage[name]]
    missing += [f"agency-id borrower: {form}" for form in AGENCY_FORMS if not coverage[f"agency-id borrower: {form}"]]
    families = ("email", "iso-ill", "iso18626")
    missing += [f"channel pairing {b} -> {l}" for b in families for l in families
                if not coverage[f"channel pairing {b} -> {l}"]]
    missing += [f"refused input: {code}" for code in ("schema-enum", "schema-type", "schema-pattern", "schema-length",
                                                      "schema-range", "schema-required", "schema-unknown-field",
                                                      "request-date-invalid", "unknown-institution",
                                                      "request-lender-missing", "request-same-library")
                if not coverage[f"refused input: {code}"]]
    assert not missing, missing
    assert coverage["route"] and coverage["route --all"] and coverage["partners"]
