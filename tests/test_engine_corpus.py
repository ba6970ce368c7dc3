"""One truth, two engines: the corpus of tests/engine_corpus.py, answered by the Python engine,
answered again by the site's `assets/decide.mjs` in Chromium, every JSON object compared whole.

The directories: the sample directory (its site built by `rsdir build`), a synthetic one from
benchmarks/synth.py, the decision fixtures, the corpus's own edge cases and the hostile records.
Every case is asked in every language of the site: the Python engine answers it again in that
language, and so does the browser's. A change to either engine that is not made to the other
fails here.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

import builder.decide
import builder.messages
import builder.wording
from browser_support import write_engine_data
from builder.catalogs import LANGUAGES, SOURCE_LANGUAGE, TRANSLATED
from builder.schemas import pattern_descriptions, pattern_hint
from builder.model import Directory
from builder.validate import validate_directory
from conftest import FIXTURES, REPO, SAMPLE_RECORDS, TODAY
from engine_corpus import AGENCY_FORMS, BUILTIN_CHECKS, ON, Corpus, answer, directory_cases
from builder.decide import CONDITIONS

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate, generate_requests  # noqa: E402

pytestmark = pytest.mark.slow

# Answers every case in the page; numbers are read back as Python wrote them (4.0 stays a float).
RUN_CASES = """async ([root, text, lang]) => {
  const engine = await import("/assets/decide.mjs");
  const { PyNumber, floatRepr } = await import("/assets/engine/numbers.mjs");
  const python = (value, source) => /[.eE]/.test(source)
    ? (Number.isInteger(value) ? new PyNumber(value, floatRepr(value)) : value)
    : (Number.isSafeInteger(value) ? value : new PyNumber(BigInt(source), source));
  const cases = JSON.parse(text, (key, value, context) => typeof value === "number" ? python(value, context.source) : value);
  const directory = await engine.loadDirectory(root, { lang });
  const answers = cases.map((c) => {
    try {
      if (c.kind === "check") return engine.check(directory, c.request, { on: c.on, lang });
      if (c.kind === "route") return engine.route(directory, c.request, { on: c.on, all: c.all, lang });
      return engine.partners(directory, c.id, c.other, { lang });
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


class _Said(dict):
    """The table of messages, counting which keys are said."""

    def __init__(self, table, counts: Counter):
        super().__init__(table)
        self.counts = counts

    def __getitem__(self, key):
        self.counts[key] += 1
        return super().__getitem__(key)


def _counting(function, counts: Counter, form):
    def counted(*args, **kwargs):
        counts[form(*args, **kwargs)] += 1
        return function(*args, **kwargs)
    return counted


def _money_form(amount, currency, lang="en") -> str:
    number = float(amount)
    size = "zero" if number == 0 else "whole" if number.is_integer() else "with cents"
    return f"money {size}{' >= 1,000' if number >= 1000 else ''} {'in ' + currency if currency else 'without currency'}"


@pytest.fixture(scope="module")
def said(sample_site) -> Counter:
    """What the answers of the corpus said: message keys, list lengths, forms of money and days."""
    return Counter()


@pytest.fixture(scope="module")
def corpora(sample_site, tmp_path_factory, said) -> tuple[Path, list[Corpus]]:
    """The corpora, and a folder holding the engine of the built sample site with each
    directory's data under `<name>/`."""
    patch = pytest.MonkeyPatch()
    # A rule's conditions are put into words once per language: said again here, to be counted.
    builder.wording._condition_in_words.cache_clear()
    patch.setattr(builder.messages, "MESSAGES", _Said(builder.messages.MESSAGES, said))
    patch.setattr(builder.wording, "join_list", _counting(
        builder.wording.join_list, said, lambda words, last, lang: f"list of {len(words)} ({last})"))
    for module in (builder.decide, builder.wording):
        patch.setattr(module, "format_money", _counting(module.format_money, said, _money_form))
    patch.setattr(builder.decide, "format_day", _counting(builder.decide.format_day, said, lambda day, lang: "day"))
    try:
        return _corpora(sample_site, tmp_path_factory)
    finally:
        patch.undo()


def _corpora(sample_site, tmp_path_factory) -> tuple[Path, list[Corpus]]:
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
            for relative in ("feed/v1/compact.json", "schema/request.schema.json",
                             *(f"assets/messages/{lang}.json" for lang in LANGUAGES)):
                (root / name / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(site / relative, root / name / relative)
        else:
            write_engine_data(root / name, directory)
        made.append(corpus)
    return root, made


def answers_in_the_browser(open_page, base: str, name: str, cases: list[dict], lang: str) -> list:
    page = open_page(f"{base}index.html")
    sent = [{key: value for key, value in case.items() if key != "expected"} | {"on": ON.isoformat()} for case in cases]
    return json.loads(page.evaluate(RUN_CASES, [f"/{name}/", json.dumps(sent, ensure_ascii=False), lang]))


def cases_in(corpus: Corpus, lang: str) -> list[dict]:
    """The corpus's cases with the Python engine's answers in `lang`."""
    if lang == SOURCE_LANGUAGE:
        return corpus.cases
    return [dict(case, expected=answer(corpus.directory, case, lang)) for case in corpus.cases]


def test_both_engines_give_the_same_answers(corpora, open_page, capsys):
    from browser_support import serving

    root, made = corpora
    mismatches = []
    asked = Counter()
    with serving(root) as base:
        for lang in LANGUAGES:
            for corpus in made:
                cases = cases_in(corpus, lang)
                answers = answers_in_the_browser(open_page, base, corpus.name, cases, lang)
                assert len(answers) == len(cases)
                asked[lang] += len(cases)
                for case, answer_there in zip(cases, answers):
                    if answer_there != case["expected"]:
                        mismatches.append((lang, corpus.name, case, answer_there))
    coverage = sum((corpus.coverage for corpus in made), Counter())
    with capsys.disabled():
        print(f"\nengine corpus: {sum(len(c.cases) for c in made)} cases over {len(made)} directories "
              f"({', '.join(f'{c.name} {len(c.cases)}' for c in made)}): {coverage['check']} check, "
              f"{coverage['route']} route, {coverage['route --all']} route --all, {coverage['partners']} partners; "
              f"asked in {', '.join(f'{lang} {count}' for lang, count in asked.items())}")
        for key in sorted(key for key in coverage if key not in ("check", "route", "route --all", "partners")):
            print(f"  {key}: {coverage[key]}")
    shown = "\n".join(f"{lang} {name}: {json.dumps(case, ensure_ascii=False)}\n  browser: "
                      f"{json.dumps(answer_there, ensure_ascii=False)}"
                      for lang, name, case, answer_there in mismatches[:5])
    assert not mismatches, f"{len(mismatches)} answers differ, the first ones:\n{shown}"


ONLY_FOR_PROFILES = {"reference.left-out", "schema.pattern", "schema.too-short", "schema.maximum",
                     "schema.exclusive-minimum", "schema.exclusive-maximum", "schema.items-at-least",
                     "schema.items-at-most", "schema.unique", "schema.type-alternatives", "schema.type-array",
                     "schema.type-boolean", "schema.type-null", "schema.other"}


def test_the_corpus_says_every_sentence_of_the_engine(corpora, said, capsys):
    # The command line's own messages (ISO 18626 files, --on, a profile left out for its errors,
    # which the feed never holds) and the strict YAML reader's are not answers to a request that
    # reads as YAML; nor are the schema's words for what only a profile has (lists, upper
    # bounds, several types, a pattern without a description), nor what the directory's checks
    # and the layout of record files say of profiles (tests/test_editor.py holds the editor to those).
    unsaid = sorted(key for key in builder.messages.MESSAGES
                    if not said[key] and not key.startswith(("iso18626.", "yaml.", "cli.", "crosscheck.", "layout."))
                    and key not in ONLY_FOR_PROFILES)
    forms = sorted(key for key in said if not key.startswith(tuple(f"{prefix}." for prefix in (
        "refusal", "accept", "rule", "family", "reference", "request", "schema", "partners"))))
    with capsys.disabled():
        print(f"\nmessages said: {sum(1 for key in builder.messages.MESSAGES if said[key])} "
              f"of {len(builder.messages.MESSAGES)}; not said: {', '.join(unsaid) or 'none'}")
        for form in forms:
            print(f"  {form}: {said[form]}")
    assert not unsaid
    assert {f"list of {length} ({last})" for length in (1, 2, 3, 4) for last in ("or", "and")} <= set(said)
    assert said["day"] and any(form.startswith("money with cents") for form in said)


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


# The date of a request in another form, as the Python engine tells it in each language (the
# browser's answers are held to the same words by the test above).
DATE_NOT_IN_ITS_FORM = {
    "en": '"1.12.2026" is not in the expected form for `date` (A calendar date written YYYY-MM-DD, for example '
          '2026-10-01)',
    "de": '`date` hat nicht die erwartete Form: "1.12.2026" (Ein Kalenderdatum in der Form JJJJ-MM-TT, zum Beispiel '
          '2026-10-01)',
    "fr": '"1.12.2026" n’a pas la forme attendue pour `date` (Une date du calendrier écrite AAAA-MM-JJ, par exemple '
          '2026-10-01)',
    "es": '"1.12.2026" no tiene la forma esperada para `date` (Una fecha escrita AAAA-MM-DD, por ejemplo 2026-10-01)',
}


def test_a_request_not_in_its_form_is_told_the_form_in_each_language(corpora):
    _, made = corpora
    english = [pattern_hint(description) for description in pattern_descriptions()]
    told = Counter()
    for corpus in made:
        for case in corpus.cases:
            if case["kind"] != "check" or not any(code == "schema-pattern" for _, code, _ in
                                                  case["expected"].get("problems", [])):
                continue
            for lang in TRANSLATED:
                hints = [pattern_hint(description, lang) for description in pattern_descriptions()]
                for path, code, message in answer(corpus.directory, case, lang)["problems"]:
                    if code != "schema-pattern":
                        continue
                    assert not [hint for hint in english if hint in message], (lang, message)
                    assert any(message.endswith(f"({hint})") for hint in hints), (lang, message)
                    told[lang, path] += 1
                    if case["request"].get("date") == "1.12.2026":
                        assert message == DATE_NOT_IN_ITS_FORM[lang]
    # The date, the day it is needed by and both libraries, in every language, in every directory.
    assert {path for _, path in told} == {"$.date", "$.need_before", "$.borrower", "$.lender"}
    assert all(told[lang, "$.date"] >= 2 * len(made) for lang in TRANSLATED)
    sample = next(corpus for corpus in made if corpus.name == "sample")
    case = next(case for case in sample.cases if case["kind"] == "check" and case["request"].get("date") == "1.12.2026")
    assert case["expected"]["problems"] == [["$.date", "schema-pattern", DATE_NOT_IN_ITS_FORM["en"]]]


LOADED_IN_TWO = """async ([root, request]) => {
  const engine = await import("/assets/decide.mjs");
  const directory = await engine.loadDirectory(root, { languages: ["en", "de"] });
  const asked = (lang) => engine.check(directory, request, { on: "2026-12-01", lang }).message;
  let refused = null;
  try { asked("fr"); } catch (error) { refused = error.message; }
  return { en: asked(undefined), de: asked("de"), fr: refused };
}"""


def test_a_directory_loaded_in_several_languages_answers_in_each(corpora, open_page):
    from browser_support import serving

    root, made = corpora
    sample = next(corpus for corpus in made if corpus.name == "sample")
    request = next(case["request"] for case in sample.cases
                   if case["kind"] == "check" and case["expected"].get("decision") == "unfilled")
    with serving(root) as base:
        said = open_page(f"{base}index.html").evaluate(LOADED_IN_TWO, ["/sample/", request])
    assert said["en"] == answer(sample.directory, {"kind": "check", "request": request}, "en")["message"]
    assert said["de"] == answer(sample.directory, {"kind": "check", "request": request}, "de")["message"]
    assert said["de"] != said["en"]
    assert "without its sentences in the language `fr`" in said["fr"]
