"""The built site in a real browser: the directory page's search and filters, the theme's own
search, an institution page, the feed link, hostile records and a directory of 10,000 institutions.

The site is built once per session with `rsdir build` and served by Python's http.server on
127.0.0.1. Chromium is Debian's (`/usr/bin/chromium`, `make browser` installs it), or the
Chromium-based browser that RSDIR_CHROMIUM names; without it these tests are skipped on a
workstation and fail in CI, where they must run.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from browser_support import DESKTOP, HOSTILE_RECORDS, PHONE, serving
from builder.model import Directory, Institution, Pod
from builder.site.directory_index import directory_index
from conftest import REPO

pytestmark = pytest.mark.slow

# --- helpers for the directory page ------------------------------------------------------------------

def open_directory(open_page: Callable, base: str, query: str = "", viewport: dict = DESKTOP):
    page = open_page(f"{base}directory/{query}", viewport)
    page.wait_for_selector("#rs-directory.rs-ready")
    return page


def after_render(page, action: Callable[[], None]) -> None:
    """Run `action` and wait until the page has listed the new results."""
    page.evaluate("""() => { window.rsRendered = new Promise(resolve =>
        document.getElementById('rs-directory').addEventListener('rs:rendered', resolve, {once: true})); }""")
    action()
    page.evaluate("() => window.rsRendered")


def listed_ids(page) -> list[str]:
    hrefs = page.eval_on_selector_all(".rs-result a", "links => links.map(link => link.getAttribute('href'))")
    ids = [re.search(r"/institutions/([a-z0-9-]+)/$", href).group(1) for href in hrefs]
    return ids


def by_name(directory: Directory, ids) -> list[str]:
    return sorted(ids, key=lambda i: (directory.institutions[i].name.casefold(), i))


# --- the directory page -------------------------------------------------------------------------------

def test_directory_lists_every_institution_linking_to_its_page(sample_site, sample_directory, open_page):
    root, base = sample_site
    page = open_directory(open_page, base)
    ids = listed_ids(page)
    assert sorted(ids) == sorted(sample_directory.institutions)
    assert ids == by_name(sample_directory, ids)
    assert page.inner_text("#rs-count") == f"All {len(ids)} libraries are listed."
    for institution_id in ids:
        assert (root / "institutions" / institution_id / "index.html").is_file()
    page.click(f".rs-result a[href$='/institutions/{ids[0]}/']")
    page.wait_for_url(f"{base}institutions/{ids[0]}/")


def test_directory_filters_by_country_and_keeps_the_filter_in_the_url(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_directory(open_page, base)
    after_render(page, lambda: page.select_option("#rs-country", label="Germany"))
    expected = by_name(sample_directory, [i.id for i in sample_directory.institutions.values() if i.country == "DE"])
    assert listed_ids(page) == expected and len(expected) >= 2
    assert page.inner_text("#rs-count") == f"{len(expected)} of {len(sample_directory.institutions)} libraries match."
    assert page.url.endswith("/directory/?country=DE")

    shared = open_directory(open_page, base, "?country=DE")
    assert shared.input_value("#rs-country") == "DE"
    assert listed_ids(shared) == expected


def test_directory_filters_by_request_channel(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_directory(open_page, base)
    after_render(page, lambda: page.select_option("#rs-channel", value="iso-ill"))
    expected = by_name(sample_directory, [i.id for i in sample_directory.institutions.values()
                                          if any(c.method == "iso-ill" for c in i.channels)])
    assert expected and len(expected) < len(sample_directory.institutions)
    assert listed_ids(page) == expected
    assert "channel=iso-ill" in page.url


def test_directory_combines_service_type_pod_and_lends_to_filters(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_directory(open_page, base, "?lendsto=AU&service=loan&type=Thesis")

    def lends_thesis_loans_to_australia(institution: Institution) -> bool:
        lending = institution.lending
        if not institution.active or not lending or "Thesis" not in lending.get("loan", {}).get("publication_types", []):
            return False
        if "*" in lending["countries"]:
            return "AU" not in lending.get("exclude_countries", [])
        return "AU" in lending["countries"]

    expected = by_name(sample_directory, [i.id for i in sample_directory.institutions.values()
                                          if lends_thesis_loans_to_australia(i)])
    assert expected and listed_ids(page) == expected
    # A library that lends everywhere except Australia must not be offered to an Australian reader.
    assert "no-fjellheim" not in listed_ids(page)

    pod = next(iter(sample_directory.pods.values()))
    after_render(page, lambda: page.click("#rs-reset"))
    assert len(listed_ids(page)) == len(sample_directory.institutions)
    assert page.url.endswith("/directory/")
    after_render(page, lambda: page.select_option("#rs-pod", label=pod.name))
    assert listed_ids(page) == by_name(sample_directory, sample_directory.pod_members[pod.id])


def test_search_box_finds_an_institution_by_isil(sample_site, sample_directory, open_page):
    _, base = sample_site
    institution = sample_directory.institutions["de-nordbib"]
    isil = institution.record["identifiers"]["isil"]
    page = open_directory(open_page, base)
    page.click("#rs-q")
    after_render(page, lambda: page.keyboard.type(isil.lower(), delay=40))
    assert listed_ids(page)[0] == institution.id
    assert f"ISIL {isil}" in page.inner_text(".rs-result")
    assert f"search={isil.lower()}" in page.url.lower()

    after_render(page, lambda: page.fill("#rs-q", "no library is called this"))
    assert listed_ids(page) == []
    assert page.inner_text("#rs-count").startswith("No library matches")


def test_directory_form_is_labelled_and_announces_the_count(sample_site, open_page):
    _, base = sample_site
    page = open_directory(open_page, base)
    unlabelled = page.eval_on_selector_all(
        "#rs-filters input, #rs-filters select",
        "fields => fields.filter(field => field.labels.length === 0).map(field => field.id)")
    assert unlabelled == []
    assert page.get_attribute("#rs-count", "aria-live") == "polite"
    page.focus("#rs-q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "rs-country"


def test_theme_search_finds_an_institution_by_isil(sample_site, sample_directory, open_page):
    _, base = sample_site
    institution = sample_directory.institutions["de-nordbib"]
    page = open_page(base)
    page.click(".md-search__input")
    page.keyboard.type(institution.record["identifiers"]["isil"], delay=40)
    hit = page.wait_for_selector(f".md-search-result__item a[href*='institutions/{institution.id}/']")
    assert institution.name in hit.inner_text()


def test_institution_page_shows_channels_and_terms(sample_site, sample_directory, open_page):
    _, base = sample_site
    institution = sample_directory.institutions["de-nordbib"]
    page = open_page(f"{base}institutions/{institution.id}/")
    text = page.inner_text("article")
    assert institution.name in text
    for channel in institution.channels:
        for field in ("url", "symbol", "email"):
            if field in channel.settings:
                assert channel.settings[field] in text
    loan, copy = institution.lending["loan"], institution.lending["copy"]
    assert f"{loan['loan_period_days']} days" in text
    for term in loan["delivery_methods"] + copy["delivery_methods"] + institution.lending["payment_methods"]:
        assert term in text
    assert institution.lending["rules"][0]["note"] in text


def test_feed_link_downloads_json_that_matches_the_feed_schema(sample_site, sample_directory, open_page):
    _, base = sample_site
    page = open_directory(open_page, base)
    url = page.eval_on_selector("#rs-feed-json", "link => link.href")
    assert url == f"{base}feed/v1/directory.json"
    response = page.request.get(url)
    assert response.ok
    feed = response.json()
    assert sorted(i["id"] for i in feed["institutions"]) == sorted(sample_directory.institutions)

    if not (REPO / "schema" / "feed.schema.json").is_file():
        pytest.skip("schema/feed.schema.json is not written yet")
    # Validate with the schemas as the site publishes them; the feed schema refers to the others.
    published = [response.json() for response in
                 (page.request.get(f"{base}schema/{path.name}") for path in sorted((REPO / "schema").glob("*.schema.json")))]
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in published)
    feed_schema = next(schema for schema in published if schema["$id"].endswith("/feed.schema.json"))
    validator = Draft202012Validator(feed_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(feed), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# --- records written by an attacker -------------------------------------------------------------------

HOSTILE_PAGES = ("", "directory/", "directory/?search=alert", "institutions/de-hostile/", "institutions/us-plain/",
                 "pods/evil-pod/", "countries/de/")
INJECTED = "img[onerror], svg[onload], [onload], [onerror], [onclick], iframe, object, embed, a[href^='javascript:']"


def test_hostile_records_inject_nothing(hostile_site, sample_site, open_page):
    """Markup and script in every text field stay text: no dialog, no element, no script."""
    _, sample_base = sample_site
    hostile = yaml.safe_load((HOSTILE_RECORDS / "institutions" / "de" / "de-hostile.yaml").read_text())
    for path in HOSTILE_PAGES:
        page = open_page(hostile_site + path)
        if path.startswith("directory/"):
            page.wait_for_selector("#rs-directory.rs-ready")
        assert page.query_selector_all(INJECTED) == [], path
        scripts = page.eval_on_selector_all("script", "all => all.map(s => s.src || s.textContent)")
        assert not [s for s in scripts if "alert" in s], path
        # The same kind of page built from the sample records has exactly as many scripts.
        counterpart = path.replace("de-hostile", "de-nordbib").replace("us-plain", "us-lakeside") \
                          .replace("evil-pod", "euro-scholar")
        clean = open_page(sample_base + counterpart)
        assert len(scripts) == clean.eval_on_selector_all("script", "all => all.length"), path

    page = open_directory(open_page, hostile_site, "?search=DE-Hx1")
    assert page.inner_text(".rs-result__name a") == hostile["name"]
    assert hostile["addresses"][0]["city"] in page.inner_text(".rs-result__meta")
    pod_names = page.eval_on_selector_all("#rs-pod option", "options => options.map(o => o.textContent)")
    assert any("<script>" in name for name in pod_names)


# --- screenshots and the phone layout -----------------------------------------------------------------

@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_pages_fit_the_screen(sample_site, open_page, viewport_name, tmp_path):
    """Nothing is wider than the screen; screenshots go to $RSDIR_SCREENSHOTS when it is set."""
    _, base = sample_site
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    shots = Path(os.environ.get("RSDIR_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for name, path in (("directory", "directory/"), ("institution", "institutions/de-nordbib/"),
                       ("check", "check/?borrower=us-lakeside&service_type=Copy&publication_type=Article&title=x&all=1")):
        page = open_page(base + path, viewport)
        if name == "directory":
            page.wait_for_selector("#rs-directory.rs-ready")
        if name == "check":
            page.wait_for_selector("#rs-answer:not([hidden]) .rs-lenders")
        page.screenshot(path=str(shots / f"{name}-{viewport_name}.png"), full_page=False)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {viewport['width']}px screen"


# --- 10,000 institutions ------------------------------------------------------------------------------

def synthetic_directory(root: Path, n: int) -> Directory:
    """A generated directory read straight into the model: generation is what is measured here, so
    the strict loader and validation (seconds per thousand records) are left out."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synth import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    generate(root, n, seed=1)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def read(folder: Path) -> list[dict]:
        return [yaml.load(path.read_bytes(), Loader=loader) for path in sorted(folder.rglob("*.yaml"))]

    institutions = [Institution(r["id"], r["name"], r["status"], r["country"], r) for r in read(root / "institutions")]
    pods = [Pod(r["id"], r["name"], r) for r in read(root / "pods")]
    return Directory(institutions, pods)


@pytest.fixture(scope="session")
def large_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, int]:
    """The directory page's index of a generated directory of 10,000 institutions."""
    directory = synthetic_directory(tmp_path_factory.mktemp("large") / "records", 10_000)
    return directory_index(directory), len(directory.institutions)


@pytest.fixture(scope="session")
def large_site(sample_site, large_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The sample site with the directory page's index replaced by the one of 10,000 institutions."""
    sample_root, _ = sample_site
    root = tmp_path_factory.mktemp("large-site") / "site"
    shutil.copytree(sample_root, root)
    index, total = large_index
    (root / "assets" / "directory-index.json").write_bytes(index)
    with serving(root) as base:
        yield base, total


def test_ten_thousand_institutions_download_stays_small(large_index):
    index, total = large_index
    packed = len(gzip.compress(index, 6))
    print(f"\ndirectory index, {total} institutions: {len(index):,} bytes, {packed:,} gzipped")
    assert len(json.loads(index)["institutions"]) == total
    assert packed < 400_000


def test_ten_thousand_institutions_narrow_with_every_keystroke(large_site, open_page):
    """Each keystroke renders the list anew; how fast is measured by benchmarks/browser.py."""
    base, total = large_site
    page = open_directory(open_page, base)
    assert page.inner_text("#rs-count") == f"All {total} libraries are listed."
    assert len(listed_ids(page)) == 100
    page.click("#rs-q")
    for key in "de-syn1":
        after_render(page, lambda: page.keyboard.press(key))
    narrowed = listed_ids(page)
    assert narrowed and all(institution_id.startswith("de-") for institution_id in narrowed)
    assert page.input_value("#rs-q") == "de-syn1"

    after_render(page, lambda: page.fill("#rs-q", ""))
    page.focus("#rs-more")
    page.keyboard.press("Enter")
    assert len(listed_ids(page)) == 200
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('.rs-result')[100]")


@pytest.mark.parametrize("lang", ["", "de/", "fr/", "es/"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_filters_button_holds_its_words_in_every_language(multilingual_site, open_page, lang, viewport):
    """"Filter zurücksetzen" is wider than a column of the filters: it wraps inside its button."""
    page = open_page(f"{multilingual_site}{lang}directory/", viewport)
    page.wait_for_selector("#rs-directory.rs-ready")
    inside, box = page.evaluate("() => { const b = document.getElementById('rs-reset'); return [b.scrollWidth, b.clientWidth]; }")
    assert inside <= box


# Each word of the labels of an institution's summary, and how many lines it takes: one, unless
# the column is too narrow for it and the browser cuts it ("Antwortfris" / "t").
WORDS_CUT = """() => [...document.querySelectorAll('.rsd-glance dt')].flatMap(label => {
  const text = label.firstChild, words = [], range = document.createRange();
  for (const match of text.textContent.matchAll(/\\S+/g)) {
    range.setStart(text, match.index); range.setEnd(text, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    if (lines.size > 1) words.push(match[0]);
  }
  return words;
})"""


@pytest.mark.parametrize("lang", ["", "de/", "fr/", "es/"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_summary_s_labels_keep_their_words_whole_in_every_language(multilingual_site, open_page, lang, viewport):
    page = open_page(f"{multilingual_site}{lang}institutions/de-nordbib/", viewport)
    assert page.locator(".rsd-glance dt").count() == 7
    assert page.evaluate(WORDS_CUT) == []
