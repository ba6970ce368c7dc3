"""The profile editor (/edit/) in Chromium, held to the Python side it mirrors: its checks say
what `rsdir validate` says on every invalid fixture a single record can show, its file is byte for
byte what `rsdir fmt` writes (sample records, synthetic ones, awkward texts), every sample profile
comes back unchanged, a new profile made by keyboard alone passes `rsdir validate`, hostile
records stay text, and the GitHub proposal carries the file.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from click.testing import CliRunner

from browser_support import tab_to
from builder import layout, loader, schemas
from builder.catalogs import SOURCE_LANGUAGE, TRANSLATED
from builder.cli import main
from builder.loader import YamlProblem, load
from builder.model import Directory
from builder.records import INSTITUTION, LoadedRecords, load_records
from builder.exports.compact import compact_directory
from builder.validate import problems_joining
from conftest import FIXTURES, HOSTILE_RECORDS, REPO, SAMPLE_RECORDS, TODAY
from test_fmt import awkward_text

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate  # noqa: E402

pytestmark = pytest.mark.slow

INSTITUTION_SCHEMA = schemas.schema("institution")
# What `rsdir validate` reports that the editor cannot get wrong: the file's name and folder follow
# from the id and the country.
NOT_IN_THE_EDITOR = {"id-file-mismatch", "country-folder-mismatch"}
TREES = sorted({path.parent for path in FIXTURES.glob("*/records")} | {path.parent for path in FIXTURES.glob("invalid/*/records")})
MODULES = "assets/editor/"


def open_editor(open_page: Callable, base: str, query: str = ""):
    page = open_page(f"{base}edit/{query}")
    page.wait_for_selector("#rs-editor.rs-ready")
    return page


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def in_page(page, base: str, script: str, argument):
    """Run `script` (the body of an async function of `modules` and `argument`) in the page."""
    return page.evaluate(
        """async ([base, script, argument]) => {
            const load = (name) => import(base + name);
            const modules = {
                check: await load("profile-check.mjs"), layout: await load("layout.mjs"),
                data: await load("directory-data.mjs"), text: await load("text-rules.mjs"),
                loader: await load("../engine/loader.mjs"), messages: await load("../engine/messages.mjs"),
                requests: await load("../engine/requests.mjs"),
                words: await (await fetch(base + "../messages/en.json")).json(),
                schema: await (await fetch(base + "../../schema/institution.schema.json")).json(),
                pod: await (await fetch(base + "../../schema/pod.schema.json")).json(),
                rules: await (await fetch(base + "../editor-rules.json")).json(),
            };
            return await (new Function("modules", "argument", `return (async () => { ${script} })();`))(modules, argument);
        }""", [base + MODULES, script, argument])


# --- the checks: the same verdict as rsdir validate ------------------------------------------------

def unknowable(problem, listing: list[str]) -> bool:
    """Whether `problem` follows from another record listing the newcomer (`listing`: their ids)."""
    code, _, message, _ = problem
    return code in ("pod-membership-unconfirmed", "partnership-one-sided") and any(name in message for name in listing)


def single_record_cases(monkeypatch, lang: str = SOURCE_LANGUAGE) -> list[dict]:
    """Each institution file of every fixture tree that loads, with what `rsdir validate` says about
    it, in `lang`, as a newcomer to the rest of its tree (the records of it a published directory
    could hold)."""
    cases = []
    for tree in TREES:
        monkeypatch.chdir(tree)
        loaded = load_records(Path("records"))
        for record in loaded.records:
            if record.kind != INSTITUTION:
                continue
            others = tuple(other for other in loaded.records if other is not record
                           and not schemas.check(other.kind, other.document))
            existing = LoadedRecords(loaded.root, others, (), ())
            expected = {(p.code, p.path, p.message, p.severity) for p in problems_joining(existing, record, TODAY, lang)
                        if p.code not in NOT_IN_THE_EDITOR}
            # A profile without errors can be published and then edited (/edit/?id=…): the feed holds
            # it, and the editor leaves it out. One with errors can only be new: the feed holds the others.
            valid = not any(severity == "error" for *_, severity in expected)
            published = others + (record,) if valid else others
            # A record naming a library the directory does not have yet cannot be published
            # (`unknown-pod-member`, `unknown-partner`), so the feed never says that a pod or a
            # library lists a newcomer: what follows from that is left out on both sides.
            listing = sorted(f"`{other.data['id']}`" for other in others if not valid and record.data.get("id") in
                             other.data.get("members" if other.kind == "pod" else "partners", []))
            left_out = {p for p in expected if unknowable(p, listing)}
            expected -= left_out
            compact = json.loads(compact_directory(Directory.from_records(published), "2026-11-28T00:00:00Z"))
            cases.append({"name": f"{tree.name}/{record.document.file}", "data": record.data, "compact": compact,
                          "leaving": record.data["id"] if valid else None, "expected": sorted(map(list, expected)),
                          "listing": listing, "left_out": len(left_out)})
    return cases


def editor_agrees_with_rsdir_validate(base: str, open_page, monkeypatch, lang: str) -> tuple[list[dict], set[str]]:
    """Every single-record fixture case put through the editor's checks speaking `lang`, each held
    to what `rsdir validate` says in `lang`; the cases and the codes they cover."""
    cases = single_record_cases(monkeypatch, lang)
    page = open_editor(open_page, base)
    results = in_page(page, base, """
        const words = await (await fetch(argument.words)).json();
        return argument.cases.map((item) => {
            const directory = modules.data.directoryFromCompact(item.compact, { leaving: item.leaving });
            const { problems } = modules.check.checkProfile(item.data, { schema: modules.schema, directory,
                rules: modules.rules, words, today: argument.today });
            return problems.map((p) => [p.code, modules.requests.jsonPath(p.path), p.message, p.severity]);
        });""", {"cases": cases, "today": TODAY.isoformat(), "words": f"{base}assets/messages/{lang}.json"})
    codes: set[str] = set()
    for case, problems in zip(cases, results):
        said = {tuple(p) for p in problems if not unknowable(p, case["listing"])}
        case["left_out"] += len({tuple(p) for p in problems}) - len(said)
        assert sorted(map(list, said)) == case["expected"], (lang, case["name"])
        codes.update(code for code, *_ in case["expected"])
    return cases, codes


CROSS_RECORD_CODES = {"duplicate-id", "duplicate-identifier", "ror-checksum", "isil-syntax", "unknown-partner",
                      "unknown-pod", "unknown-exemption", "fee-without-currency", "rule-reason-outcome",
                      "closure-order", "reserved-id", "unknown-timezone", "invalid-date", "review-overdue",
                      "pod-membership-unconfirmed", "partnership-one-sided"}


def test_checks_agree_with_rsdir_validate_on_every_single_record_fixture(sample_site, open_page, monkeypatch):
    _, base = sample_site
    cases, codes = editor_agrees_with_rsdir_validate(base, open_page, monkeypatch, SOURCE_LANGUAGE)
    invalid = [case for case in cases if case["expected"]]
    print(f"\n{len(cases)} single-record fixture files from {len(TREES)} trees ({len(invalid)} with problems) "
          f"agree; codes covered: {', '.join(sorted(codes))}; left out as not in any feed: "
          f"{sum(case['left_out'] for case in cases)} problem(s) that follow from a pod or library listing a newcomer")
    assert len(invalid) >= 40
    assert {"schema-required", "schema-unknown-field", "schema-type", "schema-enum", "schema-pattern",
            *CROSS_RECORD_CODES} <= codes


@pytest.mark.parametrize("lang", TRANSLATED)
def test_checks_agree_with_rsdir_validate_in_every_language(sample_site, open_page, monkeypatch, lang):
    # The directory's checks speak the page's language too, and there say what Python says in it.
    _, base = sample_site
    cases, codes = editor_agrees_with_rsdir_validate(base, open_page, monkeypatch, lang)
    assert CROSS_RECORD_CODES <= codes
    english = {message for case in single_record_cases(monkeypatch) for _, _, message, _ in case["expected"]}
    said = [message for case in cases for code, _, message, _ in case["expected"] if code in CROSS_RECORD_CODES]
    assert len(said) >= 20 and not english & set(said)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_schema_messages_agree_with_rsdir_in_every_language(sample_site, open_page, monkeypatch, lang):
    # The test above holds the editor to `rsdir validate` in English; the schema's messages are
    # said in the page's language too, and there they must be what Python says in it.
    _, base = sample_site
    cases = []
    for tree in TREES:
        monkeypatch.chdir(tree)
        for record in load_records(Path("records")).records:
            said = schemas.check(record.kind, record.document, lang) if record.kind == INSTITUTION else []
            if said:
                cases.append({"name": f"{tree.name}/{record.document.file}", "data": record.data,
                              "expected": sorted([p.code, p.path, p.message] for p in said)})
    page = open_editor(open_page, base)
    results = in_page(page, base, """
        const words = await (await fetch(argument.words)).json();
        const { schemaProblems } = await import(argument.module);
        return argument.cases.map((item) => modules.messages.speaking(words, () => schemaProblems(modules.schema, item.data))
            .map((p) => [p.code, modules.requests.jsonPath(p.path), p.message]));""",
                      {"cases": cases, "words": f"{base}assets/messages/{lang}.json",
                       "module": f"{base}{MODULES}schema-problems.mjs"})
    for case, problems in zip(cases, results):
        assert sorted(problems) == case["expected"], case["name"]
    patterns = [message for case in cases for code, _, message in case["expected"] if code == "schema-pattern"]
    assert len(cases) >= 20 and len(patterns) >= 15
    assert not [message for message in patterns for description in schemas.pattern_descriptions()
                if schemas.pattern_hint(description) in message]


def test_characters_the_loader_refuses_get_its_messages(sample_site, open_page):
    _, base = sample_site
    characters = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u061c", "\u200e", "\u200f", "\u2028", "\u2029",
                  "\u202e", "\u2066", "\ufeff"]
    expected = [list(loader._character_problem(char)) for char in characters]
    page = open_editor(open_page, base)
    found = in_page(page, base, """return argument.map((char) => modules.messages.speaking(modules.words, () =>
        modules.text.textProblems({name: `a${char}b`})[0]));""", characters)
    assert [[problem["code"], problem["message"]] for problem in found] == expected
    assert all(problem["path"] == ["name"] for problem in found)
    lone = in_page(page, base, """return modules.messages.speaking(modules.words,
        () => modules.text.textProblems({name: "a\\ud800b", "x": "y".repeat(20001)}));""", None)
    assert [problem["code"] for problem in lone] == ["yaml-surrogate", "yaml-scalar-too-long"]
    assert lone[1]["message"] == "this value is 20,001 characters long; the limit is 20,000"


# --- the file: byte for byte the layout of rsdir fmt ----------------------------------------------------

def layout_corpus(tmp_path: Path) -> list[dict]:
    """The sample records, 200 synthetic institutions (and their pods) and records full of awkward
    texts, each with the text builder/layout.py writes for it."""
    generate(tmp_path / "synthetic", 200, seed=11)
    corpus = []
    for root in (SAMPLE_RECORDS, tmp_path / "synthetic"):
        for record in load_records(root).records:
            corpus.append({"kind": record.kind, "data": record.data})
    rng = random.Random(3)
    for _ in range(300):
        corpus.append({"kind": "institution", "data": {
            "id": "de-x", "name": awkward_text(rng), "description": awkward_text(rng),
            "addresses": [{"lines": [awkward_text(rng), awkward_text(rng)], "city": awkward_text(rng)}],
            "lending": {"copy": {"fee": rng.choice([0, 0.5, 2.25, 12, 0.1 + 0.2, 1e-7, 123456.75])},
                        "rules": [{"id": "r", "note": awkward_text(rng)}]},
            "request_channels": [{"method": "illiad", "parameters": {
                awkward_text(rng).translate({9: None, 10: None, 13: None}): awkward_text(rng)}}]}})
    for item in corpus:
        item["text"] = layout.render(item["kind"], item["data"], schemas.schema(item["kind"]))
    return corpus


def test_editor_layout_is_byte_identical_to_rsdir_fmt(sample_site, open_page, tmp_path):
    _, base = sample_site
    corpus = layout_corpus(tmp_path)
    page = open_editor(open_page, base)
    texts = in_page(page, base, """
        return argument.map((item) => modules.layout.render(item.kind, item.data,
            item.kind === "pod" ? modules.pod : modules.schema));""", [{"kind": i["kind"], "data": i["data"]} for i in corpus])
    different = [n for n, (item, text) in enumerate(zip(corpus, texts)) if text != item["text"]]
    assert different == [], corpus[different[0]]["text"] if different else ""
    kinds = {kind: sum(1 for item in corpus if item["kind"] == kind) for kind in ("institution", "pod")}
    print(f"\nlayout corpus: {len(corpus)} records ({kinds['institution']} institutions, {kinds['pod']} pods), "
          "byte-identical in Python and in the browser")
    assert kinds["institution"] >= 15 + 200 + 300


def test_every_sample_profile_comes_back_unchanged(sample_site, open_page):
    """Loaded into /edit/?id=… and taken as it is, each profile gives back exactly its file."""
    _, base = sample_site
    paths = sorted((SAMPLE_RECORDS / "institutions").rglob("*.yaml"))
    page = open_editor(open_page, base)
    for path in paths:
        page.goto(f"{base}edit/?id={path.stem}")
        page.wait_for_selector("#rs-editor.rs-ready")
        text = page.input_value("#rs-editor-yaml")
        assert text == path.read_text(encoding="utf-8"), path.name
        assert layout.same_data(load(text.encode("utf-8"), path.name).data, load(path.read_bytes(), path.name).data)
        assert page.inner_text("#rs-editor-path") == path.relative_to(SAMPLE_RECORDS.parent).as_posix()
    assert len(paths) >= 15


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_the_form_speaks_the_pages_language_and_keeps_codes_and_file(sample_site, open_page, lang):
    """Labels, hints and the plain words beside codes in the page's language (the site's and the
    engine's catalogs); the codes, the keys and the file stay as they are."""
    from builder.catalogs import translations
    from builder.codes import words_in

    _, base = sample_site
    page = open_editor(open_page, f"{base}{lang}/", "?id=de-nordbib")
    site = translations("site", lang)
    institution = schemas.schema("institution")
    status = institution["properties"]["status"]
    assert page.text_content("#rs-f-status-hint") == site.gettext(status["description"]) != status["description"]
    options = page.eval_on_selector_all("#rs-f-status option", "options => options.map(o => [o.value, o.text])")
    assert options == [[code, f"{words_in(code, words, lang)} ({code})"]
                       for code, words in zip(status["enum"], status["enumDescriptions"])]
    assert options[0][1] != "Takes part in resource sharing (active)"
    # A description whose example has braces arrives whole.
    other = institution["properties"]["identifiers"]["properties"]["other"]["description"]
    assert page.text_content("#rs-f-identifiers-other-hint") == site.gettext(other)
    assert "{authority: DNUC" in page.text_content("#rs-f-identifiers-other-hint")
    path = SAMPLE_RECORDS / "institutions" / "de" / "de-nordbib.yaml"
    assert page.input_value("#rs-editor-yaml") == path.read_text(encoding="utf-8")


# --- record text from strangers ----------------------------------------------------------------------

INJECTED = "img[onerror], svg[onload], [onload], [onerror], [onclick], iframe, object, embed, a[href^='javascript:']"


def test_hostile_profile_stays_text_and_comes_back_unchanged(hostile_site, open_page):
    hostile = load((HOSTILE_RECORDS / "institutions" / "de" / "de-hostile.yaml").read_bytes(), "de-hostile.yaml").data
    page = open_editor(open_page, hostile_site, "?id=de-hostile")
    assert page.query_selector_all(INJECTED) == []
    assert page.eval_on_selector_all("script", "all => all.filter(s => (s.src + s.textContent).includes('alert')).length") == 0
    assert page.input_value("#rs-f-name") == hostile["name"]
    assert page.input_value("#rs-f-description") == hostile["description"]
    assert page.input_value("#rs-editor-yaml") == layout.render("institution", hostile, INSTITUTION_SCHEMA)
    # Its pod's name, full of markup, is only an option's text.
    assert any("<script>" in label for label in
               page.eval_on_selector_all("#rs-list-pods option", "options => options.map(o => o.label)"))


# --- a new profile by keyboard alone ---------------------------------------------------------------

def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def browser_today(page) -> str:
    return page.evaluate("() => { const d = new Date(); const t = (n) => String(n).padStart(2, '0');"
                         " return `${d.getFullYear()}-${t(d.getMonth() + 1)}-${t(d.getDate())}`; }")


def test_a_new_profile_made_by_keyboard_alone_passes_rsdir_validate(sample_site, open_page, tmp_path):
    _, base = sample_site
    page = open_editor(open_page, base)
    type_into(page, "#rs-f-id", "de-keyboard")
    type_into(page, "#rs-f-name", "Keyboard State Library")
    type_into(page, "#rs-f-country", "Germany")
    type_into(page, "#rs-f-timezone", "Europe/Berlin")
    type_into(page, "#rs-f-maintainers-0", "keyboard-ill")
    tab_to(page, "#rs-editor-confirm")
    page.keyboard.press("Enter")
    assert page.input_value("#rs-f-country") == "DE"   # the name typed became the code on leaving the field
    type_into(page, "#rs-f-contacts-0-email", "ill@keyboard.example")
    # Two channels: the email channel the form starts with, and ISO 18626 added after it.
    type_into(page, "#rs-f-request_channels-0-email", "ill@keyboard.example")
    tab_to(page, "#rs-f-request_channels-add")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "rs-f-request_channels-1-method"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#rs-f-request_channels-1-method") == "iso18626"
    type_into(page, "#rs-f-request_channels-1-url", "https://ill.keyboard.example/iso18626")
    type_into(page, "#rs-f-request_channels-1-symbol", "ISIL:DE-Kb1")
    # Lending: loans of books and copies of articles, to every country, a closure and a rule.
    tab_to(page, "#rs-f-lending-on")
    page.keyboard.press("Space")
    tab_to(page, "#rs-f-lending-countries-add")
    page.keyboard.press("Enter")
    page.keyboard.type("*")
    type_into(page, "#rs-f-lending-currency", "EUR")
    tab_to(page, "#rs-f-lending-loan-on")
    page.keyboard.press("Space")
    book = INSTITUTION_SCHEMA["$defs"]["publication_type"]["enum"].index("Book")
    tab_to(page, f"#rs-f-lending-loan-publication_types-{book}")
    page.keyboard.press("Space")
    type_into(page, "#rs-f-lending-loan-loan_period_days", "28")
    type_into(page, "#rs-f-lending-loan-fee", "0")
    tab_to(page, "#rs-f-lending-copy-on")
    page.keyboard.press("Space")
    article = INSTITUTION_SCHEMA["$defs"]["publication_type"]["enum"].index("Article")
    tab_to(page, f"#rs-f-lending-copy-publication_types-{article}")
    page.keyboard.press("Space")
    type_into(page, "#rs-f-lending-copy-fee", "2.50")
    tab_to(page, "#rs-f-lending-closures-add")
    page.keyboard.press("Enter")
    page.keyboard.type("2026-12-24")
    type_into(page, "#rs-f-lending-closures-0-to", "2027-01-01")
    type_into(page, "#rs-f-lending-closures-0-note", "Winter break")
    tab_to(page, "#rs-f-lending-rules-add")
    page.keyboard.press("Enter")
    page.keyboard.type("no-rare-books")
    tab_to(page, "#rs-f-lending-rules-0-when-add-choice")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")                     # add the first condition offered: the service type
    assert page.evaluate("document.activeElement.id") == "rs-f-lending-rules-0-when-service_type"
    tab_to(page, "#rs-f-lending-rules-0-outcome")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#rs-f-lending-rules-0-reason")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.getElementById('rs-editor-yaml').value !== ''")
    text = page.input_value("#rs-editor-yaml")
    assert 'method: "iso18626"' in text and 'service_type: "Loan"' in text and '  countries: ["*"]' in text
    assert "fee: 2.5\n" in text and 'last_reviewed: "' + browser_today(page) + '"' in text

    records = tmp_path / "records"
    shutil.copytree(SAMPLE_RECORDS, records)
    target = records / "institutions" / "de" / "de-keyboard.yaml"
    target.write_text(text, encoding="utf-8")
    checked = run("validate", "--records", str(records), "--on", browser_today(page), str(target))
    assert checked.exit_code == 0, checked.output
    assert "0 error(s), 0 warning(s)" in checked.stdout
    assert run("fmt", "--check", "--records", str(records), str(target)).exit_code == 0


# --- checking as you type, the error summary, bad input ----------------------------------------------

def fill_minimal(page, **fields: str) -> None:
    """A valid new profile, filled in the quick way (the keyboard test above does it by keys)."""
    values = {"#rs-f-id": "de-quick", "#rs-f-name": "Quick Library", "#rs-f-country": "DE",
              "#rs-f-maintainers-0": "quick-ill", "#rs-f-contacts-0-email": "ill@quick.example",
              "#rs-f-request_channels-0-email": "ill@quick.example", **fields}
    for selector, value in values.items():
        page.fill(selector, value)
        page.dispatch_event(selector, "change")
    page.click("#rs-editor-confirm")


def test_errors_are_listed_with_links_to_their_fields_and_no_file_is_shown(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base)
    assert page.input_value("#rs-editor-yaml") == ""
    assert page.is_hidden("#rs-editor-summary")          # nothing is called wrong before it is touched
    tab_to(page, "#rs-editor-download")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "rs-editor-summary"
    links = page.eval_on_selector_all("#rs-editor-summary a", "links => links.map(a => [a.dataset.target, a.textContent])")
    # Each missing field is named at its own place (rsdir names them together, at their mapping).
    assert ["rs-f-id", "Id: required field `id` is missing; add it here"] in links
    assert ["rs-f-name", "Name: required field `name` is missing; add it here"] in links
    assert all(page.query_selector(f"#{target}") for target, _ in links)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == links[0][0]
    assert page.get_attribute("#rs-f-id", "aria-invalid") == "true"
    assert "rs-f-id-error" in page.get_attribute("#rs-f-id", "aria-describedby")
    assert page.text_content("#rs-f-id-error") == "Error: required field `id` is missing; add it here"
    assert page.inner_text("#rs-editor-action-status").startswith("The file is not ready yet")
    assert page.get_attribute("#rs-editor-status", "role") == "status"


def test_the_count_agrees_with_the_list_the_moment_the_problems_are_shown(sample_site, open_page):
    # The count above the form waits for a pause in typing; a download asked for straight after a
    # change shows the list of problems, and the count must not lag behind it.
    _, base = sample_site
    page = open_editor(open_page, base)
    fill_minimal(page, **{"#rs-f-id": "de-auenfeld"})
    page.wait_for_function("document.getElementById('rs-editor-status').textContent.startsWith('1 problem ')")
    status, heading = page.evaluate("""() => {
        const isil = document.getElementById('rs-f-identifiers-isil');
        isil.value = 'DE-NB1';                  // another library's ISIL: a second problem
        isil.dispatchEvent(new Event('input', { bubbles: true }));
        document.getElementById('rs-editor-download').click();    // in the same task: no pause
        return [document.getElementById('rs-editor-status').textContent,
                document.querySelector('#rs-editor-summary h2').textContent];
    }""")
    assert heading == "2 problems to fix before the file can be saved"
    assert status == "2 problems to fix before the file can be saved."


# What the editor in each language says beside a field: an email address not in its form, and an
# id left out (the form names each missing field at its place, in the page's words).
BESIDE_THE_FIELD = {
    "de": ('Fehler: `email` hat nicht die erwartete Form: "ill at quick.example" (Eine E-Mail-Adresse wie '
           'fernleihe@nordbib.example: keine Leerzeichen, ein @, ein Domainname mit mindestens einem Punkt)',
           "Fehler: das Pflichtfeld `id` fehlt; ergänzen Sie es hier"),
    "fr": ('Erreur : "ill at quick.example" n’a pas la forme attendue pour `email` (Une adresse électronique comme '
           'fernleihe@nordbib.example : pas d’espaces, un seul @, un nom de domaine avec au moins un point)',
           "Erreur : le champ obligatoire `id` manque\u202f; ajoutez-le ici"),
    "es": ('Error: "ill at quick.example" no tiene la forma esperada para `email` (Una dirección de correo '
           'electrónico como fernleihe@nordbib.example: sin espacios, una @, un nombre de dominio con al menos un punto)',
           "Error: falta el campo obligatorio `id`; añádalo aquí"),
}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_editor_in_another_language_tells_a_field_in_its_words(multilingual_site, open_page, lang):
    page = open_editor(open_page, f"{multilingual_site}{lang}/")
    fill_minimal(page, **{"#rs-f-id": "", "#rs-f-contacts-0-email": "ill at quick.example"})
    page.click("#rs-editor-download")        # shows every problem, those of untouched fields too
    wrong_form, missing = BESIDE_THE_FIELD[lang]
    assert page.text_content("#rs-f-contacts-0-email-error") == wrong_form
    assert page.text_content("#rs-f-id-error") == missing
    assert page.input_value("#rs-editor-yaml") == ""


# What the editor in each language says beside the id and the ISIL when both are another
# library's (the directory's checks, in the page's words).
TAKEN_BESIDE_THE_FIELD = {
    "de": ("Fehler: die ID `de-auenfeld` wird schon von records/institutions/de/de-auenfeld.yaml verwendet; wählen Sie "
           "eine andere ID",
           "Fehler: diesen Identifikator beansprucht schon `de-nordbib`; prüfen Sie ihn, oder fragen Sie die Verwaltung "
           "des Verzeichnisses, falls der andere Eintrag falsch ist"),
    "fr": ("Erreur : l’identifiant `de-auenfeld` est déjà utilisé par records/institutions/de/de-auenfeld.yaml\u202f; "
           "choisissez un autre identifiant",
           "Erreur : cet identifiant est déjà revendiqué par `de-nordbib`\u202f; vérifiez-le, ou demandez aux "
           "administrateurs de l’annuaire si l’autre fiche est erronée"),
    "es": ("Error: el identificador `de-auenfeld` ya lo usa records/institutions/de/de-auenfeld.yaml; elija otro "
           "identificador",
           "Error: este identificador ya lo reclama `de-nordbib`; compruébelo, o pregunte a los administradores del "
           "directorio si el otro registro es erróneo"),
}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_directory_checks_speak_the_pages_language_beside_the_field(multilingual_site, open_page, lang):
    page = open_editor(open_page, f"{multilingual_site}{lang}/")
    fill_minimal(page, **{"#rs-f-id": "de-auenfeld", "#rs-f-identifiers-isil": "DE-NB1"})
    taken_id, taken_isil = TAKEN_BESIDE_THE_FIELD[lang]
    assert page.text_content("#rs-f-id-error") == taken_id
    assert page.text_content("#rs-f-identifiers-isil-error") == taken_isil
    assert page.input_value("#rs-editor-yaml") == ""


def test_directory_checks_speak_in_rsdir_words_beside_the_field(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base)
    # ISILs are compared ignoring case, as `rsdir validate` compares them.
    fill_minimal(page, **{"#rs-f-id": "de-auenfeld", "#rs-f-identifiers-isil": "DE-NB1"})
    assert page.text_content("#rs-f-id-error") == \
        "Error: id `de-auenfeld` is already used by records/institutions/de/de-auenfeld.yaml; choose another id"
    assert page.text_content("#rs-f-identifiers-isil-error") == ("Error: this identifier is already claimed by "
                                                              "`de-nordbib`; check it, or ask the directory admins if the other record is wrong")
    assert page.input_value("#rs-editor-yaml") == ""
    page.fill("#rs-f-id", "de-quick")
    page.fill("#rs-f-identifiers-isil", "DE-Qk1")
    page.wait_for_function("document.getElementById('rs-editor-yaml').value.startsWith('# yaml-language-server')")
    assert page.is_hidden("#rs-f-id-error")
    assert page.inner_text("#rs-editor-path") == "records/institutions/de/de-quick.yaml"


def test_five_megabytes_pasted_into_a_field_are_cut_to_its_limit(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base)
    fill_minimal(page)
    page.focus("#rs-f-name")
    pasted = ("Ü" + "x" * 999) * 5_000    # five million characters, counted as characters, not bytes
    page.keyboard.insert_text(pasted)
    limit = INSTITUTION_SCHEMA["properties"]["name"]["maxLength"]
    assert page.evaluate("Array.from(document.getElementById('rs-f-name').value).length") == limit
    assert page.inner_text("#rs-f-name-note") == \
        f"The text was 5,000,013 characters long; it was cut to the {limit} characters this field can hold."
    assert "rs-f-name-note" in page.get_attribute("#rs-f-name", "aria-describedby")
    text = page.input_value("#rs-editor-yaml")
    assert load(text.encode("utf-8"), "x.yaml").data["name"] == ("Quick Library" + pasted)[:limit]


def test_an_unknown_or_impossible_id_is_said_plainly(sample_site, open_page):
    _, base = sample_site
    for query, expected in (("?id=xx-none", "There is no profile with the id “xx-none” in the directory."),
                            ("?id=../../etc", "There is no profile with the id “../../etc”.")):
        page = open_page(f"{base}edit/{query}")
        page.wait_for_function("!document.getElementById('rs-editor-status').textContent.startsWith('Loading')")
        assert page.inner_text("#rs-editor-status").startswith(expected)
        assert page.query_selector("#rs-editor-form input") is None


# --- handing the file on ---------------------------------------------------------------------------

def proposals(page) -> list[str]:
    """The GitHub addresses the page opens (the requests are recorded, then refused: tests run offline)."""
    opened: list[str] = []
    page.context.route("https://github.com/**", lambda route: (opened.append(route.request.url), route.abort()))
    return opened


def test_propose_a_new_profile_on_github_with_the_file_in_the_link(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base)
    opened = proposals(page)
    fill_minimal(page)
    page.click("#rs-editor-propose")
    page.wait_for_function("document.getElementById('rs-editor-action-status').textContent !== ''")
    page.wait_for_timeout(300)
    address = urlsplit(opened[0])
    assert f"{address.scheme}://{address.netloc}{address.path}" == "https://github.com/ors-directory/directory/new/main"
    query = parse_qs(address.query)
    assert query["filename"] == ["records/institutions/de/de-quick.yaml"]
    assert query["value"] == [page.input_value("#rs-editor-yaml")]


def test_a_long_new_profile_and_an_existing_one_are_copied_for_github(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    opened = proposals(page)
    fill_minimal(page, **{"#rs-f-description": ("ééééééééé " * 200)[:1990]})
    page.click("#rs-editor-propose")
    page.wait_for_function("document.getElementById('rs-editor-action-status').textContent !== ''")
    page.wait_for_timeout(300)
    assert unquote(opened[-1]) == ("https://github.com/ors-directory/directory/new/main?"
                                   "filename=records/institutions/de/de-quick.yaml")
    assert page.inner_text("#rs-editor-action-status").startswith("Your file is too long to put into the link, so it is copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.input_value("#rs-editor-yaml")

    page.goto(f"{base}edit/?id=fr-valbrune")
    page.wait_for_selector("#rs-editor.rs-ready")
    page.click("#rs-editor-propose")
    page.wait_for_function("document.getElementById('rs-editor-action-status').textContent !== ''")
    page.wait_for_timeout(300)
    assert opened[-1] == "https://github.com/ors-directory/directory/edit/main/records/institutions/fr/fr-valbrune.yaml"
    assert page.evaluate("navigator.clipboard.readText()") == \
        (SAMPLE_RECORDS / "institutions" / "fr" / "fr-valbrune.yaml").read_text(encoding="utf-8")


def test_download_gives_the_file_under_its_id(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base, "?id=se-norrvik")
    with page.expect_download() as info:
        page.click("#rs-editor-download")
    download = info.value
    assert download.suggested_filename == "se-norrvik.yaml"
    assert Path(download.path()).read_text(encoding="utf-8") == \
        (SAMPLE_RECORDS / "institutions" / "se" / "se-norrvik.yaml").read_text(encoding="utf-8")


# --- the page in the site ------------------------------------------------------------------------------

def test_the_page_is_in_the_site_with_what_it_needs_and_asks_no_other_host(sample_site, open_page):
    import yaml

    from builder.site.editor_rules import editor_rules

    root, base = sample_site
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    page = open_page(f"{base}edit/")
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page.reload()
    page.wait_for_selector("#rs-editor.rs-ready")
    assert set(hosts) == {urlsplit(base).netloc}
    assert page.get_attribute("#rs-editor", "data-repo-url") == config["repo_url"]
    assert page.get_attribute("#rs-editor-yaml", "readonly") is not None
    assert "Profile editor" in page.eval_on_selector_all(".md-tabs a, .md-nav a", "links => links.map(a => a.textContent.trim())")
    assert (root / "assets" / "editor-rules.json").read_bytes() == editor_rules()
    nordbib = open_page(f"{base}institutions/de-nordbib/")
    nordbib.click("text=Edit this profile")
    nordbib.wait_for_selector("#rs-editor.rs-ready")
    assert nordbib.url == f"{base}edit/?id=de-nordbib"
    unlabelled = nordbib.eval_on_selector_all("#rs-editor input, #rs-editor select, #rs-editor textarea",
                                              "fields => fields.filter(f => f.labels.length === 0).map(f => f.id)")
    assert unlabelled == []


def test_the_editor_fits_a_phone_screen(sample_site, open_page):
    from browser_support import PHONE

    _, base = sample_site
    page = open_page(f"{base}edit/?id=de-nordbib", PHONE)
    page.wait_for_selector("#rs-editor.rs-ready")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the editor is {overflow}px wider than a {PHONE['width']}px screen"


def test_lists_grow_shrink_and_reorder_with_the_focus_kept_and_said(sample_site, open_page):
    _, base = sample_site
    page = open_editor(open_page, base, "?id=gb-fenwick")
    emails = load(page.input_value("#rs-editor-yaml").encode("utf-8"), "x").data["contacts"]
    assert len(emails) >= 2
    page.focus("#rs-f-contacts-add")
    page.keyboard.press("Enter")
    new = len(emails)
    assert page.evaluate("document.activeElement.id") == f"rs-f-contacts-{new}-role"
    assert page.text_content("#rs-editor-announce") == f"Contact {new + 1} is added."
    assert page.input_value("#rs-editor-yaml") == ""              # the new contact lacks its email
    page.select_option(f"#rs-f-contacts-{new}-role", "returns")
    page.fill(f"#rs-f-contacts-{new}-email", "returns@fenwick.example")
    page.dispatch_event(f"#rs-f-contacts-{new}-email", "input")
    # Moved to the top with "Move up", pressed by keyboard: the focus stays on the moved contact's button.
    for position in range(new, 0, -1):
        page.focus(f"#rs-f-contacts-group > .rs-item-wrap:nth-of-type({position + 1}) .rs-move[data-step='-1']")
        page.keyboard.press("Enter")
    data = load(page.input_value("#rs-editor-yaml").encode("utf-8"), "x").data
    assert data["contacts"][0] == {"role": "returns", "email": "returns@fenwick.example"}
    assert data["contacts"][1:] == emails
    # At the top "Move up" is off, so the focus is on the same contact's "Move down".
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move down: Contact 1"
    page.focus("#rs-f-contacts-group > .rs-item-wrap:nth-of-type(1) .rs-remove")
    page.keyboard.press("Enter")
    assert load(page.input_value("#rs-editor-yaml").encode("utf-8"), "x").data["contacts"] == emails
    assert page.text_content("#rs-editor-announce") == "Contact 1 is removed."
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove: Contact 1"
    assert page.is_hidden("#rs-editor-show")
