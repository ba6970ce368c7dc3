"""The generated pages, straight from the page generator (no mkdocs): content, links, escaping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jinja2
import pytest

from builder.site import pages as site
from builder.site.words import page_words
from builder.model import Directory, Institution
from builder.validate import validate_directory

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "records"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SCHEMAS = {name: json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
           for name in ("institution", "pod", "request")}


def directory_of(folder: Path) -> Directory:
    validation = validate_directory(folder, dt.date(2026, 11, 1))
    assert not validation.errors, [p.as_text() for p in validation.errors]
    return Directory.from_records(validation.valid)


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, site.GeneratedPage]:
    return site.build_pages(directory_of(SAMPLE), SCHEMAS)


def test_every_institution_pod_and_country_gets_a_page(sample_pages):
    directory = directory_of(SAMPLE)
    for institution in directory.institutions.values():
        assert f"institutions/{institution.id}.md" in sample_pages
        assert f"countries/{institution.country.lower()}.md" in sample_pages
    for pod in directory.pods:
        assert f"pods/{pod}.md" in sample_pages
    assert "countries/index.md" in sample_pages and "reference.md" in sample_pages
    assert "pods/index.md" in sample_pages


def test_institution_page_shows_the_profile(sample_pages):
    page = sample_pages["institutions/de-nordbib.md"]
    body = page.body
    assert page.title == "Nordhafen State and University Library"
    assert body.startswith('<div class="rsd-page rsd-institution">\n<h1>Nordhafen State and University Library</h1>')
    # The identifiers share one line, each label beside its value.
    ids_line = next(line for line in body.splitlines() if line.startswith('<p class="rsd-ids">'))
    assert '<abbr title="International Standard Identifier for Libraries">ISIL</abbr> <code>DE-Nb1</code>' in ids_line
    assert '<abbr title="OCLC symbol">OCLC</abbr> <code>ZNHB1</code>' in ids_line
    assert "0nb7q1k17" in ids_line
    assert '<a href="https://ror.org/0nb7q1k17" rel="nofollow noopener">0nb7q1k17</a>' in body
    assert '<a href="mailto:fernleihe@nordbib.example" rel="nofollow noopener">fernleihe@nordbib.example</a>' in body
    assert "Nordhafen, <a href=\"../../countries/de/\">Germany</a>" in body
    assert "<li>Endpoint: <code>https://ill.nordbib.example/iso18626</code></li>" in body
    assert ("Loan requests for Book published in the last 2 years are refused, except from de-auenfeld "
            "and members of the pod nordic-share.") in body
    assert "<li>Fee: EUR 5</li>" in body
    assert '<a href="../../pods/euro-scholar/">European Scholarly Lending Ring</a>' in body
    assert '<a href="../../feed/v1/institutions/de-nordbib.json">' in body
    assert '<a href="../../feed/v1/alma/de-nordbib.json">' in body
    # No blank line: a blank line could end the HTML block for the Markdown parser.
    assert "\n\n" not in body


def glance_of(body: str) -> str:
    """The "At a glance" block of a page, which sits above every details section."""
    start = body.index('<section class="rsd-glance"')
    return body[start:body.index("</section>", start)]


def test_institution_summary_shows_the_essentials_before_the_details(sample_pages):
    body = sample_pages["institutions/de-nordbib.md"].body
    glance = glance_of(body)
    assert body.index("rsd-glance") < body.index("<h2>Contacts</h2>") < body.index("<h2>Lending</h2>")
    assert "data-search-exclude" in glance.split(">", 1)[0]      # it repeats the details below
    assert '<span class="rsd-status rsd-status--active">Active</span> lends and borrows' in glance
    assert "<dt>Copies</dt><dd>Article, Chapter, Conference proceedings · <span class=\"rsd-fee\">Fee: <strong>EUR 5</strong>" in glance
    assert "Fee: <strong>free</strong>" in glance                  # loans cost nothing
    assert "<dt>Responds within</dt><dd><strong>3 days</strong></dd>" in glance
    assert "<dt>Lends to</dt><dd>Every country</dd>" in glance
    assert "<dt>Closures</dt><dd>None announced</dd>" in glance
    channel = glance[glance.index("<dt>Preferred channel</dt>"):]
    assert "<strong>ISO 18626 over HTTPS</strong>" in channel
    assert "<li>Endpoint <code>https://ill.nordbib.example/iso18626</code></li>" in channel
    assert "<li>Symbol <code>ISIL:DE-Nb1</code></li>" in channel
    assert "Also: Email" in channel


def test_summary_shows_closures_not_yet_over_on_the_build_date(sample_pages):
    directory = directory_of(SAMPLE)
    closed = "Closed 2026-12-23 to 2027-01-02"
    assert closed in glance_of(sample_pages["institutions/se-norrvik.md"].body)
    before = site.institution_page(directory, directory.institutions["se-norrvik"], dt.date(2027, 1, 2)).body
    after = site.institution_page(directory, directory.institutions["se-norrvik"], dt.date(2027, 1, 3)).body
    assert closed in glance_of(before)
    assert "<dt>Closures</dt><dd>None announced</dd>" in glance_of(after)
    assert "2026-12-23 to 2027-01-02" in after                   # the details still list it


def test_summary_of_a_library_that_does_not_lend_says_so():
    directory = directory_of(SAMPLE)
    lender = next(i for i in directory.institutions.values() if i.lending and i.channels)
    record = {key: value for key, value in lender.record.items() if key != "lending"}
    borrower = Institution(lender.id, lender.name, lender.status, lender.country, record)
    glance = glance_of(site.institution_page(directory, borrower).body)
    assert "<dt>Lending</dt><dd>Does not lend</dd>" in glance
    assert "<dt>Loans</dt>" not in glance and "Preferred channel" in glance


def test_pod_summary_shows_the_shared_terms(sample_pages):
    glance = glance_of(sample_pages["pods/euro-scholar.md"].body)
    assert "<dt>Loan period</dt><dd>28 days, 1 renewal</dd>" in glance
    assert "<dt>Fee</dt><dd>Members keep their own fees</dd>" in glance
    assert "<dt>Delivery</dt><dd>Within <strong>7 days</strong></dd>" in glance
    assert 'href="https://www.euro-scholar.example/terms/" rel="nofollow noopener"' in glance


@pytest.mark.parametrize("terms, currency, expected", [
    ({"fee": 5.0}, "EUR", "EUR 5"), ({"fee": 2.5}, "GBP", "GBP 2.50"), ({"fee": 0}, None, "free"), ({}, "EUR", None),
])
def test_fees_are_stated_with_their_currency(terms, currency, expected):
    assert site.fee_in_words(terms, currency) == expected


def test_an_institution_page_reads_in_the_readers_language_and_keeps_the_records_words():
    directory = directory_of(SAMPLE)
    nordbib = directory.institutions["de-nordbib"]
    body = site.institution_page(directory, nordbib, words=page_words("de")).body
    assert "<h2>Auf einen Blick</h2>" in body and "Nordhafen, <a href=\"../../countries/de/\">Deutschland</a>" in body
    assert "Gebühr: <strong>5,00\xa0€</strong>" in body
    assert "Verleiht an Bibliotheken in allen Ländern." in body
    assert "zuletzt geprüft am 14. Oktober 2026" in body
    # The library's own words stay as it wrote them.
    assert "<h1>Nordhafen State and University Library</h1>" in body
    assert "We do not lend books published in the last two years" in body
    assert "At a glance" not in body


def test_partners_are_split_into_mutual_and_waiting(sample_pages):
    """The page counts each list and leaves its names to the page's script, which fills the
    lists from the profile's feed file (`derived`, keyed as `data-partners` names them)."""
    directory = directory_of(SAMPLE)
    for institution_id in directory.institutions:
        body = sample_pages[f"institutions/{institution_id}.md"].body
        mutual = directory.mutual_partners(institution_id)
        assert f"Mutual partners ({len(mutual)})" in body
        assert ('data-partners="mutual_partners"' in body) == bool(mutual)
        for partner in mutual:
            assert f'href="../{partner}/"' not in body
        waiting = directory.waiting_on_them(institution_id)
        assert (f"waiting for them to list us ({len(waiting)})" in body) == bool(waiting)
        assert ('data-partners="waiting_on_them"' in body) == bool(waiting)
        if directory.waiting_on_us(institution_id):
            assert "we have not listed them" in body and 'data-partners="waiting_on_us"' in body
        assert 'src="../../assets/partner-lists.mjs"' in body


def test_pod_page_lists_confirmed_members(sample_pages):
    directory = directory_of(SAMPLE)
    body = sample_pages["pods/euro-scholar.md"].body
    confirmed = directory.pod_members["euro-scholar"]
    assert f"Members ({len(confirmed)})" in body
    for member in confirmed:
        assert f'href="../../institutions/{member}/"' in body


def test_pods_page_lists_every_pod_with_its_confirmed_members(sample_pages):
    directory = directory_of(SAMPLE)
    page = sample_pages["pods/index.md"]
    assert page.title == "Pods and consortia"
    rows = [line for line in page.body.splitlines() if line.startswith("<tr><td><a ")]
    names = sorted(directory.pods.values(), key=lambda pod: pod.name.casefold())
    assert len(rows) == len(names)
    for row, pod in zip(rows, names):
        assert row.startswith(f'<tr><td><a href="{pod.id}/">{pod.name}</a></td>'
                              f'<td>{len(directory.pod_members[pod.id])}</td>')


def test_field_reference_describes_every_field(sample_pages):
    body = sample_pages["reference.md"].body
    for name, definition in SCHEMAS["institution"]["properties"].items():
        assert f"<code>{name}</code>" in body
    assert "<code>lending.loan.fee</code>" in body
    assert "<code>contacts[].role</code>" in body
    assert ("Allowed: <code>active</code> (Takes part in resource sharing), <code>inactive</code> "
            "(Listed, but sends and receives no requests)") in body
    status_row = next(line for line in body.splitlines() if "<code>status</code>" in line)
    assert "<td>yes</td>" in status_row
    # Each field carries the label the profile editor shows for it, from the schema's titles.
    assert "<code>lending.loan.loan_period_days</code><br>Loan period in days</td>" in body
    assert "<code>ConferenceProc</code> (Conference proceedings)" in body


def _descriptions(node) -> list[str]:
    """Every description in a schema, depth first."""
    if isinstance(node, dict):
        own = [node["description"]] if isinstance(node.get("description"), str) else []
        return own + [text for value in node.values() for text in _descriptions(value)]
    return [text for value in node for text in _descriptions(value)] if isinstance(node, list) else []


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_field_reference_reads_in_the_readers_language(lang):
    from markupsafe import escape

    schemas = {**SCHEMAS, "feed": json.loads((ROOT / "schema" / "feed.schema.json").read_text(encoding="utf-8"))}
    words = page_words(lang)
    body = site.reference_page(schemas, words).body
    # No field's meaning and no schema's own description is left in English.
    english = [text for schema in schemas.values() for text in _descriptions(schema)
               if words.text(text) != text and str(escape(text)) in body]
    assert english == []
    status = next(row for row in site.field_rows(SCHEMAS["institution"], words) if row.path == "status")
    assert status.description == words.text(SCHEMAS["institution"]["properties"]["status"]["description"])
    assert f"<p>{escape(words.text(SCHEMAS['pod']['description']))}</p>" in body
    assert f'<h2 id="pod">{escape(words.text("Pod record"))}</h2>' in body
    # The codes and keys stay as they are; the codes' plain words are the language's.
    assert dict(status.allowed)["active"] not in (None, "Takes part in resource sharing")
    assert "<code>lending.loan.fee</code>" in body and "<code>ConferenceProc</code>" in body


@pytest.mark.parametrize("here, target, expected", [
    ("institutions/a.md", "institutions/b.md", "../b/"),
    ("institutions/a.md", "countries/de.md", "../../countries/de/"),
    ("countries/index.md", "countries/de.md", "de/"),
    ("countries/de.md", "countries/index.md", "../"),
    ("index.md", "countries/de.md", "countries/de/"),
    ("pods/p.md", "feed/v1/pods/p.json", "../../feed/v1/pods/p.json"),
])
def test_links_are_relative_to_directory_urls(here, target, expected):
    assert site.link(here, target) == expected


@pytest.mark.parametrize("bad", ["../etc", "a/b", "A", "", "-a", "a" * 65, "x.md"])
def test_page_names_come_only_from_ids(bad):
    with pytest.raises(site.UnsafePageName):
        site.institution_path(bad)


@pytest.mark.parametrize("url, expected", [
    ("https://a.example/", "https://a.example/"),
    ("mailto:x@a.example", "mailto:x@a.example"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("http://a.example/", None),
    ("data:text/html,<b>", None),
])
def test_only_https_and_mailto_become_links(url, expected):
    assert site.safe_url(url) == expected


def test_folded_and_literal_descriptions_become_paragraphs():
    assert site.paragraphs("One line.\nSecond paragraph.") == ["One line.", "Second paragraph."]
    assert site.paragraphs("First\nstill first.\n\nSecond.\n") == ["First\nstill first.", "Second."]


def test_hostile_record_text_is_escaped_in_every_page():
    pages = site.build_pages(directory_of(HOSTILE), SCHEMAS)
    body = pages["institutions/de-hostile.md"].body
    everything = "".join(page.body for page in pages.values())
    for raw in ("<script>", "<img", "<iframe", "<svg", "<b>", "<i>", "<a href=javascript", "javascript:alert(1))\">"):
        assert raw not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&amp;lt;script&amp;gt;" in body          # entities written in a record stay text
    assert "{{ 7*7 }}" in body and ">49<" not in body and " 49 " not in body  # never a template
    assert "**bold**" in body and "<strong>bold" not in everything
    assert 'href="https://hostile.example/ill?a=1&amp;b=2" rel="nofollow noopener"' in body
    # The title is kept as plain text for the page engine to escape.
    assert pages["institutions/de-hostile.md"].title.startswith("<script>alert(1)</script>")


def test_an_email_address_cannot_add_headers_to_its_mailto_link():
    directory = directory_of(SAMPLE)
    lender = next(i for i in directory.institutions.values() if i.record.get("contacts"))
    sneaky = "ill?cc=someone@else.example&subject=hi@lib.example"
    record = dict(lender.record, contacts=[{"role": "lending", "email": sneaky}])
    body = site.institution_page(directory, Institution(lender.id, lender.name, lender.status,
                                                        lender.country, record)).body
    assert 'href="mailto:ill%3Fcc%3Dsomeone@else.example%26subject%3Dhi@lib.example"' in body
    assert "mailto:ill?cc" not in body


def test_a_record_key_named_like_a_mapping_method_is_still_the_record_s_value():
    # The pages read a record's fields off its mapping first; `get`, `items` and `keys` are the
    # mapping's methods, which the template calls, and stay so whatever a record names its keys.
    directory = directory_of(SAMPLE)
    lender = directory.institutions["us-lakeside"]
    channel = dict(lender.record["request_channels"][0], parameters={"items": "a", "get": "b", "keys": "c"})
    record = dict(lender.record, request_channels=[channel] + lender.record["request_channels"][1:])
    body = site.institution_page(directory, Institution(lender.id, lender.name, lender.status,
                                                        lender.country, record)).body
    for name, value in (("get", "b"), ("items", "a"), ("keys", "c")):
        assert f"Parameter <code>{name}</code> = <code>{value}</code>" in body


def test_a_function_that_asks_for_the_template_s_context_still_gets_it():
    # The pages call their own functions straight away; one marked by Jinja's decorators is
    # still called as Jinja calls it.
    environment = site._PageEnvironment(autoescape=True)
    environment.globals["page_name"] = jinja2.pass_context(lambda context: context["name"])
    environment.globals["shout"] = lambda text: text.upper()
    assert environment.from_string("{{ page_name() }} {{ shout(name) }}").render(name="<x>") == "&lt;x&gt; &lt;X&gt;"


@pytest.mark.parametrize("html", ["<p>a</p>", "<p>a</p>\n<p>b</p>", "<p>a</p>\n\n<p>b</p>", "\n<p>a</p>\n",
                                  "<p>a</p>\n \t\n<p>b</p>\n  ", "a\rb\u2028c", "<p>a</p>\n\u3000\n<p>b</p>", "", "  "])
def test_a_page_keeps_no_blank_line_and_only_newlines_between_its_lines(html):
    assert site.one_block(html) == "\n".join(line for line in html.splitlines() if line.strip()) + "\n"
