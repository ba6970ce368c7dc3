"""The generated pages, straight from the page generator (no mkdocs): content, links, escaping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from builder import site
from builder.model import Directory
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


def test_institution_page_shows_the_profile(sample_pages):
    page = sample_pages["institutions/de-nordbib.md"]
    body = page.body
    assert page.title == "Nordhafen State and University Library"
    assert body.startswith('<div class="rsd-page rsd-institution">\n<h1>Nordhafen State and University Library</h1>')
    assert "<dt>ISIL</dt><dd><code>DE-Nb1</code></dd>" in body
    assert "<dt>OCLC symbol</dt><dd><code>ZNHB1</code></dd>" in body
    assert '<a href="https://ror.org/0nb7q1k17" rel="nofollow noopener">0nb7q1k17</a>' in body
    assert '<a href="mailto:fernleihe@nordbib.example" rel="nofollow noopener">fernleihe@nordbib.example</a>' in body
    assert "Nordhafen, <a href=\"../../countries/de/\">Germany</a>" in body
    assert "<li>Endpoint: <code>https://ill.nordbib.example/iso18626</code></li>" in body
    assert ("Loan requests for Book published in the last 2 years are refused, except from de-auenfeld "
            "and members of the pod nordic-share.") in body
    assert "<li>Fee: 5 EUR</li>" in body
    assert '<a href="../../pods/euro-scholar/">European Scholarly Lending Ring</a>' in body
    assert '<a href="../../feed/v1/institutions/de-nordbib.json">' in body
    assert '<a href="../../feed/v1/alma/de-nordbib.json">' in body
    # No blank line: a blank line could end the HTML block for the Markdown parser.
    assert "\n\n" not in body


def test_partners_are_split_into_mutual_and_waiting(sample_pages):
    directory = directory_of(SAMPLE)
    for institution_id in directory.institutions:
        body = sample_pages[f"institutions/{institution_id}.md"].body
        mutual = directory.mutual_partners(institution_id)
        assert f"Mutual partners ({len(mutual)})" in body
        for partner in mutual:
            assert f'href="../{partner}/"' in body
        if directory.waiting_on_them(institution_id):
            assert "waiting for them to list us" in body
        if directory.waiting_on_us(institution_id):
            assert "we have not listed them" in body


def test_pod_page_lists_confirmed_members(sample_pages):
    directory = directory_of(SAMPLE)
    body = sample_pages["pods/euro-scholar.md"].body
    confirmed = directory.pod_members["euro-scholar"]
    assert f"Members ({len(confirmed)})" in body
    for member in confirmed:
        assert f'href="../../institutions/{member}/"' in body


def test_field_reference_describes_every_field(sample_pages):
    body = sample_pages["reference.md"].body
    for name, definition in SCHEMAS["institution"]["properties"].items():
        assert f"<code>{name}</code>" in body
    assert "<code>lending.loan.fee</code>" in body
    assert "<code>contacts[].role</code>" in body
    assert "Allowed: <code>active</code>, <code>inactive</code>" in body
    status_row = next(line for line in body.splitlines() if "<code>status</code>" in line)
    assert "<td>yes</td>" in status_row


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
