"""/check/ ("Check a request") and the partnership box of the institution pages, in Chromium:
each kind of decision as `rsdir check` makes it, lenders as `rsdir route` ranks them, shared
links, request files chosen or dropped (and refused as `rsdir` refuses them), messages beside
their fields, keyboard alone, and hostile records shown as text.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from browser_support import HOSTILE_RECORDS, tab_to
from builder.decide import decide
from builder.loader import YamlProblem, load
from builder.model import Directory
from builder.partners import partnerships
from builder.requests import RequestError, load_request, parse_request, resolve_parties
from builder.route import route
from builder.validate import validate_directory
from conftest import EXAMPLE_REQUESTS, FIXTURES, TODAY

pytestmark = pytest.mark.slow

INJECTED = "img[onerror], svg[onload], [onload], [onerror], [onclick], iframe, object, embed, a[href^='javascript:']"
AWAIT_ANSWER = """() => { window.rsAnswered = new Promise(resolve =>
    document.getElementById('rs-check').addEventListener('rs:answered', (e) => resolve(e.detail.kind), {once: true})); }"""


def open_check(open_page: Callable, base: str, query: str = ""):
    page = open_page(f"{base}check/{query}")
    page.wait_for_selector("#rs-check.rs-ready")
    return page


def answered(page, action: Callable[[], None]) -> str:
    """Run `action` and wait until the page shows an answer or problems; returns which."""
    page.evaluate(AWAIT_ANSWER)
    action()
    return page.evaluate("() => window.rsAnswered")


def python_check(directory: Directory, path: Path, lang: str = "en") -> dict:
    request, document = load_request(path)
    borrower, lender = resolve_parties(directory, request, document, need_lender=True)
    return decide(directory, request, borrower, lender, TODAY, lang).as_json()


def request_data(path: Path) -> dict:
    return load(path.read_bytes(), path.name).data


def fill(page, data: dict) -> None:
    """Types a request into the form, field by field, as a librarian would."""
    page.click("#rs-check-reset")
    page.wait_for_function("() => document.getElementById('rs-c-borrower').value === ''")
    for name in ("borrower", "lender", "title", "author", "publication_date", "pages", "id"):
        if name in data:
            page.fill(f"#rs-c-{name}", str(data[name]))
    for name in ("publication_type", "item_format", "service_level", "delivery_method", "payment_method"):
        if name in data:
            page.select_option(f"#rs-c-{name}", data[name])
    page.check(f"input[name=service_type][value={data['service_type']}]")
    for name in ("need_before", "date"):
        if name in data:
            page.fill(f"#rs-c-{name}", data[name])
    if "max_cost" in data:
        page.fill("#rs-c-max_cost_amount", str(data["max_cost"]["amount"]))
        page.select_option("#rs-c-max_cost_currency", data["max_cost"]["currency"])


def shown_decision(page) -> dict:
    verdict = page.get_attribute("#rs-answer .rs-verdict", "class")
    return {"decision": re.search(r"rs-verdict--(\w+)", verdict).group(1),
            "message": page.inner_text("#rs-answer .rs-verdict__message"),
            "facts": page.inner_text("#rs-answer .rs-facts")}


# --- each decision, as rsdir check decides it --------------------------------------------------

@pytest.mark.parametrize("name", ["accept-copy-article", "accept-agency-id-borrower", "unfilled-lender-rule",
                                  "unfilled-one-sided-partnership", "retry-cost-above-max", "retry-winter-closure"])
def test_a_request_typed_into_the_form_gets_the_commands_decision(sample_site, sample_directory, open_page, name):
    _, base = sample_site
    path = EXAMPLE_REQUESTS / f"{name}.yaml"
    expected = python_check(sample_directory, path)
    page = open_check(open_page, base)
    fill(page, request_data(path))
    assert answered(page, lambda: page.click("#rs-check-submit")) == "answer"
    shown = shown_decision(page)
    assert shown["decision"] == expected["decision"]
    assert shown["message"] == expected["message"]
    assert expected["service_type"] in shown["facts"]
    if expected["decision"] == "accept":
        channel = page.inner_text("#rs-answer .rs-channel")
        assert expected["channel"]["method"] in channel
        for setting in ("url", "symbol", "email", "institution_code"):
            if setting in expected["channel"]:
                assert expected["channel"][setting] in channel
        assert page.inner_text("#rs-answer .rs-fee").startswith("Fee: " if expected["fee"]["amount"] else "No fee")
    else:
        assert expected["reason"] in shown["facts"] and expected["rule"] in shown["facts"]
    # The answer takes the focus, so a screen reader reads it next.
    assert page.evaluate("document.activeElement.id") == "rs-answer-title"
    assert page.inner_text("#rs-check-status").startswith("Answer:")


def test_without_a_lender_every_library_that_would_accept_is_listed_best_first(sample_site, sample_directory, open_page):
    _, base = sample_site
    path = EXAMPLE_REQUESTS / "accept-copy-article.yaml"
    data = {k: v for k, v in request_data(path).items() if k not in ("lender", "max_cost")}
    request = parse_request(load(json.dumps(data).encode(), "r.yaml"))
    borrower = sample_directory.resolve(data["borrower"])
    expected = route(sample_directory, request, borrower, TODAY, with_refused=True)
    assert len(expected.lenders) >= 2
    page = open_check(open_page, base)
    fill(page, data)
    page.check("#rs-c-all")
    answered(page, lambda: page.click("#rs-check-submit"))
    links = page.eval_on_selector_all("#rs-answer ol.rs-lenders > li > a:first-child", "all => all.map(a => a.href)")
    assert [re.search(r"/institutions/([a-z0-9-]+)/$", href).group(1) for href in links] == \
        [lender.decision.lender.id for lender in expected.lenders]
    refused = page.eval_on_selector_all("#rs-answer ul.rs-refused > li", "all => all.map(li => li.textContent)")
    assert len(refused) == len(expected.refused)
    for line, decision in zip(refused, expected.refused):
        assert decision.message in line and decision.lender.name in line
    # Each accepting library links to the check of the same request with it as the lender.
    page.click("#rs-answer ol.rs-lenders > li:first-child .rs-check-with")
    page.wait_for_selector("#rs-answer:not([hidden]) .rs-verdict--accept")
    assert page.input_value("#rs-c-lender") == expected.lenders[0].decision.lender.id


def test_a_shared_link_gives_the_same_answer(sample_site, open_page):
    _, base = sample_site
    page = open_check(open_page, base)
    fill(page, request_data(EXAMPLE_REQUESTS / "retry-delivery-method.yaml"))
    answered(page, lambda: page.click("#rs-check-submit"))
    link, first = page.url, page.inner_text("#rs-answer")
    assert "borrower=ca-maplewood" in link and "delivery_method=" in link
    again = open_page(link)
    again.wait_for_selector("#rs-answer:not([hidden]) .rs-verdict")
    assert again.inner_text("#rs-answer") == first
    assert again.input_value("#rs-c-title") == page.input_value("#rs-c-title")


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_the_page_in_another_language_answers_in_it(multilingual_site, sample_directory, open_page, lang):
    base = multilingual_site
    page = open_check(open_page, base)
    fill(page, request_data(EXAMPLE_REQUESTS / "retry-cost-above-max.yaml"))
    answered(page, lambda: page.click("#rs-check-submit"))
    query = page.url[page.url.index("?"):]
    english = shown_decision(page)["message"]
    there = open_page(f"{base}{lang}/check/{query}")
    there.wait_for_selector("#rs-answer:not([hidden]) .rs-verdict")
    expected = python_check(sample_directory, EXAMPLE_REQUESTS / "retry-cost-above-max.yaml", lang)
    assert there.inner_text("#rs-answer .rs-verdict__message") == expected["message"] != english
    assert english == python_check(sample_directory, EXAMPLE_REQUESTS / "retry-cost-above-max.yaml")["message"]


# --- request files ------------------------------------------------------------------------------

def drop(page, name: str, content: bytes) -> str:
    """Drops a file on the page, as a person dragging it from their desktop would."""
    return answered(page, lambda: page.evaluate("""([name, data]) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: "application/yaml"}));
        const target = document.getElementById('rs-check-form');
        for (const type of ['dragenter', 'dragover', 'drop']) {
            target.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }
    }""", [name, base64.b64encode(content).decode()]))


def test_a_request_file_chosen_or_dropped_gets_the_commands_decision(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_check(open_page, base)
    path = EXAMPLE_REQUESTS / "unfilled-publication-type.yaml"
    assert answered(page, lambda: page.set_input_files("#rs-c-file", str(path))) == "answer"
    assert shown_decision(page)["message"] == python_check(sample_directory, path)["message"]
    assert page.input_value("#rs-c-title") == request_data(path)["title"]
    other = EXAMPLE_REQUESTS / "accept-copy-or-loan.yaml"
    assert drop(page, other.name, other.read_bytes()) == "answer"
    assert shown_decision(page)["message"] == python_check(sample_directory, other)["message"]
    assert "borrower=us-prairie" in page.url


@pytest.mark.parametrize("fixture", ["yaml-anchor/anchor-and-alias.yaml", "yaml-tag/python-object.yaml",
                                     "yaml-duplicate-key/top-level.yaml", "yaml-too-deep/nested-lists.yaml",
                                     "yaml-control-character/escaped-nul.yaml"])
def test_a_request_file_rsdir_would_not_read_is_refused_with_its_line(sample_site, open_page, fixture):
    _, base = sample_site
    path = FIXTURES / "invalid" / fixture
    with pytest.raises(YamlProblem) as refused:
        load(path.read_bytes(), path.name)
    problem = refused.value.problem
    page = open_check(open_page, base)
    assert drop(page, path.name, path.read_bytes()) == "problems"
    summary = page.inner_text("#rs-check-errors")
    # What the message quotes in backticks is shown as code.
    assert f"{path.name}, line {problem.line}, column {problem.column}: {problem.message.replace('`', '')}" in summary
    if "`" in problem.message:
        assert page.query_selector("#rs-check-errors li code") is not None
    assert page.evaluate("document.activeElement.id") == "rs-check-errors"
    assert page.is_hidden("#rs-answer")


def test_a_huge_file_is_refused_before_it_is_read(sample_site, open_page):
    _, base = sample_site
    page = open_check(open_page, base)
    assert drop(page, "huge.yaml", b"title: " + b"x" * (2 * 1024 * 1024)) == "problems"
    assert "huge.yaml is larger than the 512 KB a request file may have" in page.inner_text("#rs-check-errors")


def test_a_request_file_with_bad_values_gets_the_commands_messages_with_their_lines(sample_site, sample_directory,
                                                                                      open_page, tmp_path):
    _, base = sample_site
    path = tmp_path / "bad.yaml"
    path.write_text("id: R1\nborrower: us-lakeside\nlender: de-nordbib\nservice_type: Lone\n"
                    "publication_type: Article\ntitle: Herring\nneed_before: 2026-02-30\n", encoding="utf-8")
    with pytest.raises(RequestError) as refused:
        load_request(path)
    page = open_check(open_page, base)
    assert drop(page, path.name, path.read_bytes()) == "problems"
    summary = page.inner_text("#rs-check-errors")
    for problem in refused.value.problems:
        assert f"{path.name}, line {problem.line}, column {problem.column}:" in summary
    assert "line 4, column 15" in summary


READ_FILES = """async (cases) => {
  const engine = await import("/assets/decide.mjs");
  const { PyNumber } = await import("/assets/engine/numbers.mjs");
  const directory = await engine.loadDirectory("/");
  const plain = (v) => v instanceof PyNumber ? { py: v.text } : Array.isArray(v) ? v.map(plain)
    : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  const out = [];
  for (const [file, data] of cases) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    try { out.push({ data: plain((await engine.readRequestFile(directory, bytes, file)).data) }); }
    catch (error) { out.push(error.problem ?? { fault: String(error) }); }
  }
  return out;
}"""


def python_reading(name: str, raw: bytes) -> dict:
    def marked(value):
        # Whole floats and integers beyond 2**53, as the page's engine keeps them (PyNumber).
        if isinstance(value, float) and value.is_integer():
            return {"py": repr(value)}
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 53 - 1:
            return {"py": str(value)}
        if isinstance(value, dict):
            return {key: marked(item) for key, item in value.items()}
        return [marked(item) for item in value] if isinstance(value, list) else value
    try:
        return {"data": marked(load(raw, name).data)}
    except YamlProblem as err:
        return err.problem.as_json()


def test_the_page_reads_files_as_strictly_as_rsdir(sample_site, open_page):
    """Every YAML fixture and request file, read by the page's loader and by rsdir's: the same data,
    or the same problem at the same place. Where the two YAML parsers word a syntax error in their
    own way, the code, line and path agree; a second document after `...` is refused by both,
    libyaml calling it a syntax error; and nesting refused before parsing has no JSON path."""
    _, base = sample_site
    files = sorted((FIXTURES / "invalid").glob("yaml-*/*.yaml")) + sorted(EXAMPLE_REQUESTS.glob("*.yaml")) \
        + sorted((FIXTURES / "decisions" / "requests").glob("*.yaml"))
    cases = [(path.name, path.read_bytes()) for path in files] + [
        ("numbers.yaml", b"a: 1.50\nb: -0.0\nc: 12345678901234567\nd: 0x1F\ne: 1e5\nf: NO\ng: ~\nh:\ni: 2026-01-01\n"),
        ("blocks.yaml", b"a: >\n  one\n  two\nb: |\n  x\nc: {d: [e, 'f']}\n"),
        ("very-deep.yaml", b"a: " + b"[" * 300 + b"]" * 300),
        ("surrogate.yaml", b'a: "\\ud800"'), ("tab-key.yaml", b'"a\\tb": 1'),
        ("anchored-map.yaml", b"a: &x\n  b: 1\n"), ("tagged-list.yaml", b"a: !!seq\n  - 1\n"),
        ("indented-layout.yaml", b"a: [1,\n  2]\nb: \"x\n  y\"\nc: a#b\nd: {e: [f,\n   g]}\n"),
        ("nested-underindented.yaml", b"a:\n  b: [1,\n  2]\n"), ("flow-question.yaml", b"a: [? x, y]\n"),
        ("directive-only-reserved.yaml", b"%FOO bar\n---\na: 1\n"),
        ("too-large.yaml", b"a: " + b"x" * 600_000), ("long-value.yaml", b'a: "' + b"y" * 25_000 + b'"'),
    ]
    page = open_page(f"{base}check/")
    read = page.evaluate(READ_FILES, [[name, base64.b64encode(raw).decode()] for name, raw in cases])
    for (name, raw), theirs in zip(cases, read):
        ours = python_reading(name, raw)
        if ours.get("code") == "yaml-syntax":
            assert (theirs.get("code"), theirs.get("line")) in (("yaml-syntax", ours["line"]), ("yaml-syntax", ours["line"] - 1)), name
        elif name == "very-deep.yaml" or name == "nested-lists.yaml":
            assert {**theirs, "path": ours["path"]} == ours, name
        else:
            assert theirs == ours, name


# --- messages beside their fields ---------------------------------------------------------------

def test_bad_values_get_the_commands_message_beside_each_field(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_check(open_page, base)
    page.fill("#rs-c-borrower", "zz-nowhere")
    page.fill("#rs-c-lender", "de-nordbib")
    page.fill("#rs-c-pages", "twelve")
    page.fill("#rs-c-max_cost_amount", "5")
    assert answered(page, lambda: page.click("#rs-check-submit")) == "problems"
    data = {"id": "check", "borrower": "zz-nowhere", "lender": "de-nordbib", "service_type": "Copy", "pages": "twelve",
            "max_cost": {"amount": 5}}
    with pytest.raises(RequestError) as refused:
        document = load(json.dumps(data).encode(), "form")
        parse_request(document)
    messages = {p.path: p.message for p in refused.value.problems}
    assert page.text_content("#rs-c-pages-error") == f"Error: {messages['$.pages']}".replace("`", "")
    assert page.get_attribute("#rs-c-pages", "aria-invalid") == "true"
    assert "rs-c-pages-error" in page.get_attribute("#rs-c-pages", "aria-describedby").split()
    assert "rs-c-pages-hint" in page.get_attribute("#rs-c-pages", "aria-describedby").split()
    # `title` and `publication_type` are missing: the message stands beside each of them.
    assert messages["$"].replace("`", "") in page.inner_text("#rs-c-title-error")
    assert messages["$"].replace("`", "") in page.inner_text("#rs-c-publication_type-error")
    assert messages["$.max_cost"].replace("`", "") in page.inner_text("#rs-c-max_cost_currency-error")
    # The summary takes the focus and leads to each field.
    assert page.evaluate("document.activeElement.id") == "rs-check-errors"
    page.click("#rs-check-errors a[href='#rs-c-pages']")
    assert page.evaluate("document.activeElement.id") == "rs-c-pages"
    # Fixing them clears the messages; the unknown borrower is then named as rsdir names it.
    page.fill("#rs-c-pages", "12")
    page.fill("#rs-c-title", "Herring")
    page.select_option("#rs-c-publication_type", "Article")
    page.select_option("#rs-c-max_cost_currency", "EUR")
    answered(page, lambda: page.click("#rs-check-submit"))
    assert page.query_selector("#rs-c-pages-error") is None
    assert page.get_attribute("#rs-c-pages", "aria-invalid") is None
    assert page.text_content("#rs-c-borrower-error") == \
        "Error: zz-nowhere is not an institution of the directory; check the id"


# --- keyboard alone --------------------------------------------------------------------------------

def choose(page, typed: str) -> None:
    page.keyboard.type(typed)
    page.wait_for_function("() => document.activeElement.getAttribute('aria-expanded') === 'true'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_the_check_page_works_by_keyboard_alone(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_check(open_page, base)
    tab_to(page, "#rs-c-borrower")
    choose(page, "Lakeside")
    assert page.input_value("#rs-c-borrower") == "us-lakeside"
    page.keyboard.press("Tab")
    choose(page, "DE-Nb1")
    assert page.input_value("#rs-c-lender") == "de-nordbib"
    page.keyboard.press("Tab")               # the checked radio button of the service: Copy
    page.keyboard.press("Tab")
    page.keyboard.type("Article")            # a list takes the value typed into it
    page.keyboard.press("Tab")
    page.keyboard.type("Herring fisheries")
    assert answered(page, lambda: page.keyboard.press("Enter")) == "answer"
    expected = python_check(sample_directory, EXAMPLE_REQUESTS / "accept-copy-article.yaml")
    assert shown_decision(page)["decision"] == "accept"
    assert page.evaluate("document.activeElement.id") == "rs-answer-title"
    assert expected["channel"]["url"] in page.inner_text("#rs-answer .rs-channel")


# --- the partnership box on institution pages -------------------------------------------------------

def open_box(open_page, base: str, institution: str):
    page = open_page(f"{base}institutions/{institution}/")
    page.wait_for_selector("#rs-pair-other")
    return page


def show_partnership(page, typed: str) -> None:
    page.click("#rs-pair-other")
    page.wait_for_selector(".rs-pair .rs-chosen", state="attached")
    choose(page, typed)
    page.wait_for_function("() => document.getElementById('rs-pair-answer').children.length > 0")


def test_the_partnership_box_shows_both_directions_as_rsdir_partners_does(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_box(open_page, base, "de-nordbib")
    show_partnership(page, "us-lakeside")
    expected = partnerships(sample_directory, "de-nordbib", "us-lakeside")["mutual"][0]
    answer = page.inner_text("#rs-pair-answer")
    for direction in ("borrow", "lend"):
        flow = expected[direction]
        assert (flow["channel"]["url"] if flow["ok"] else flow["message"]) in answer
    link = page.get_attribute("#rs-pair-answer a[href*='check/']", "href")
    assert "borrower=us-lakeside" in link and "lender=de-nordbib" in link
    page.click("#rs-pair-answer a[href*='check/']")
    page.wait_for_selector("#rs-check.rs-ready")
    assert page.input_value("#rs-c-borrower") == "us-lakeside" and page.input_value("#rs-c-lender") == "de-nordbib"


def test_the_partnership_box_says_why_two_libraries_do_not_exchange(sample_site, sample_directory, open_page):
    _, base = sample_site
    unrelated = next(i for i in sorted(sample_directory.institutions) if i != "us-lakeside"
                     and i not in sample_directory.mutual_partners("us-lakeside"))
    page = open_box(open_page, base, "us-lakeside")
    show_partnership(page, unrelated)
    expected = partnerships(sample_directory, "us-lakeside", unrelated)
    assert expected["mutual"] == []
    assert expected["not_mutual"]["message"] in page.inner_text("#rs-pair-answer")


def test_the_partnership_box_in_german_says_why_in_german(multilingual_site, sample_directory, open_page):
    base = multilingual_site
    unrelated = next(i for i in sorted(sample_directory.institutions) if i != "us-lakeside"
                     and i not in sample_directory.mutual_partners("us-lakeside"))
    page = open_box(open_page, f"{base}de/", "us-lakeside")
    show_partnership(page, unrelated)
    german = partnerships(sample_directory, "us-lakeside", unrelated, "de")["not_mutual"]["message"]
    assert german != partnerships(sample_directory, "us-lakeside", unrelated)["not_mutual"]["message"]
    assert german in page.inner_text("#rs-pair-answer")


def test_the_partnership_box_works_by_keyboard_alone(sample_site, open_page):
    _, base = sample_site
    page = open_page(f"{base}institutions/gb-fenwick/")
    page.wait_for_selector("#rs-pair-other")
    tab_to(page, "#rs-pair-other")
    page.wait_for_selector(".rs-pair .rs-chosen", state="attached")
    choose(page, "Nordhafen")
    page.wait_for_function("() => document.getElementById('rs-pair-answer').children.length > 0")
    assert "Nordhafen State and University Library" in page.inner_text("#rs-pair-answer")
    assert page.inner_text(".rs-pair__status").startswith("Shown:")


# --- the partner lists of institution pages ---------------------------------------------------------

def partner_lists(page) -> dict[str, list[tuple[str, str]]]:
    """Each list the page's script filled: its `data-partners` key → (link, name) of every item."""
    page.wait_for_function("() => [...document.querySelectorAll('[data-partners]')].every(list => list.children.length)")
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-partners]')].map(list =>
        [list.dataset.partners, [...list.querySelectorAll('li > a')].map(a => [a.getAttribute('href'), a.textContent])]))""")


def test_the_partner_lists_name_every_partner_as_the_directory_knows_it(sample_site, sample_directory, open_page):
    _, base = sample_site
    for institution_id in ("de-nordbib", "us-lakeside"):
        page = open_page(f"{base}institutions/{institution_id}/")
        lists = partner_lists(page)
        expected = {key: [[f"../{partner}/", sample_directory.institutions[partner].name]
                          for partner in getattr(sample_directory, key)(institution_id)
                          if partner in sample_directory.institutions]
                    for key in ("mutual_partners", "waiting_on_them", "waiting_on_us")}
        assert lists == {key: items for key, items in expected.items() if items}
        assert page.inner_text(".rs-partners__status") == ""
        first_href = lists["mutual_partners"][0][0]
        page.click(f".rs-partners a[href='{first_href}']")
        page.wait_for_url(f"**/institutions/{first_href.strip('./')}/")


def test_the_partner_lists_of_a_german_page_lead_to_german_pages(multilingual_site, sample_directory, open_page):
    page = open_page(f"{multilingual_site}de/institutions/de-nordbib/")
    mutual = partner_lists(page)["mutual_partners"]
    assert [name for _, name in mutual] == [sample_directory.institutions[partner].name
                                            for partner in sample_directory.mutual_partners("de-nordbib")]
    assert f"Gegenseitige Partner ({len(mutual)})" in page.inner_text(".rs-partners")
    page.click(f".rs-partners a[href='{mutual[0][0]}']")
    page.wait_for_load_state()
    assert "/de/institutions/" in page.url and page.evaluate("document.documentElement.lang") == "de"


def test_a_partner_list_that_cannot_be_loaded_says_so(sample_site, open_page, browser):
    _, base = sample_site
    context = browser.new_context()
    context.route("**/directory-index.json", lambda route: route.fulfill(status=404, body="gone"))
    try:
        page = context.new_page()
        page.goto(f"{base}institutions/de-nordbib/")
        page.wait_for_function("() => document.querySelector('.rs-partners__status').textContent.length > 0")
        assert "could not be loaded" in page.inner_text(".rs-partners__status")
        assert page.query_selector_all("[data-partners] li") == []
    finally:
        context.close()


# --- hostile records ---------------------------------------------------------------------------------

def test_hostile_records_show_as_text_on_the_check_page_and_in_the_box(hostile_site, open_page):
    directory = Directory.from_records(validate_directory(HOSTILE_RECORDS, TODAY).valid)
    hostile = directory.institutions["de-hostile"]
    query = "?borrower=us-plain&lender=de-hostile&service_type=Loan&publication_type=Book&title=x&date=2026-12-24"
    page = open_check(open_page, hostile_site, query)
    page.wait_for_selector("#rs-answer:not([hidden]) .rs-verdict")
    message = page.inner_text("#rs-answer .rs-verdict__message")
    assert hostile.name in message and "<script>alert('closure')</script> {{ 7*7 }}" in message
    assert page.query_selector_all(INJECTED) == []
    routed = open_check(open_page, hostile_site, "?borrower=us-plain&service_type=Loan&publication_type=Book&title=x&all=1")
    routed.wait_for_selector("#rs-answer:not([hidden])")
    assert hostile.name in routed.inner_text("#rs-answer")
    assert routed.query_selector_all(INJECTED) == []
    box = open_box(open_page, hostile_site, "us-plain")
    show_partnership(box, "DE-Hx1")
    assert hostile.name in box.inner_text("#rs-pair-answer")
    assert box.query_selector_all(INJECTED) == [] and box.query_selector_all("#rs-pair-answer script") == []
    listed = open_page(f"{hostile_site}institutions/us-plain/")
    names = [name for items in partner_lists(listed).values() for _, name in items]
    assert hostile.name in names
    assert listed.query_selector_all(INJECTED) == [] and listed.query_selector_all(".rs-partners script") == []
