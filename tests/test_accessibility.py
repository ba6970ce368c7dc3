"""WCAG 2.2 AA on every page type in every language: axe-core in Chromium finds no violation, at
desktop and phone widths, on each page as it loads and in the states a reader brings about (the theme's search
open with results, a directory search that finds nothing, the check page's answers, the editor
with a profile and with its error summary).

The page types are `PAGE_TYPES` in browser_support.py. axe-core is the copy that
axe-playwright-python bundles (pinned in pyproject.toml), so nothing is downloaded at test time.
"""

from __future__ import annotations

import pytest

from builder.site.languages import DEFAULT, LANGUAGES, by_code, folder

from browser_support import AXE_TAGS, DESKTOP, PAGE_TYPES, PHONE, axe_check, open_page_type, settled, \
    violations_in_words

pytestmark = pytest.mark.slow

AXE_CORE_VERSION = "4.12.1"
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def assert_no_violations(page, where: str, context: str | None = None) -> None:
    violations = axe_check(page, context)["violations"]
    assert not violations, f"{where}: axe-core finds {len(violations)} violated rule(s):\n" \
                           f"{violations_in_words(violations)}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page_type", PAGE_TYPES)
@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_page_type_has_no_violation_in_every_language(sample_site, open_page, page_type, viewport, language):
    _, base = sample_site
    language_base = base + folder(by_code(language))
    page = open_page_type(open_page, language_base, PAGE_TYPES[page_type], VIEWPORTS[viewport])
    assert page.get_attribute("html", "lang") == language
    assert_no_violations(page, f"{page_type} page in {language} ({viewport}) {page.url}")


def test_axe_core_is_the_bundled_version_and_checks_wcag_22_aa(sample_site, open_page):
    _, base = sample_site
    page = open_page(base)
    results = axe_check(page)
    assert results["testEngine"]["version"] == AXE_CORE_VERSION
    assert results["toolOptions"]["runOnly"]["values"] == list(AXE_TAGS)
    # The run did check the rules the site once failed (colour contrast, links told apart by
    # colour alone, target sizes): they are among the rules the tags select.
    rules = page.evaluate("tags => axe.getRules(tags).map(rule => rule.ruleId)", list(AXE_TAGS))
    assert {"color-contrast", "link-in-text-block", "target-size"} <= set(rules)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_theme_search_with_results_has_no_violation(sample_site, open_page, viewport):
    _, base = sample_site
    page = open_page(base, VIEWPORTS[viewport])
    page.focus(".md-search__input")
    page.keyboard.type("DE-Nb1")
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("ArrowDown")
    settled(page)
    assert_no_violations(page, f"the open search ({viewport})")


def test_directory_that_finds_nothing_has_no_violation(sample_site, open_page):
    _, base = sample_site
    page = open_page(f"{base}directory/?search=no+library+is+called+this")
    page.wait_for_selector("#rs-directory.rs-ready")
    assert page.query_selector_all(".rs-result") == []
    assert_no_violations(page, "the directory with no result")


@pytest.mark.parametrize("query", [
    "?borrower=us-lakeside&lender=de-nordbib&service_type=Copy&publication_type=Article&title=Herring",
    "?borrower=us-lakeside&service_type=Loan&publication_type=Book&title=Herring",
], ids=["decision", "lenders"])
def test_check_page_with_an_answer_has_no_violation(sample_site, open_page, query):
    _, base = sample_site
    page = open_page(f"{base}check/{query}")
    page.wait_for_selector("#rs-check.rs-ready")
    page.wait_for_function("() => !document.getElementById('rs-check-status').textContent.includes('…')")
    assert_no_violations(page, f"the check page with {query}")


def test_check_page_with_its_error_summary_has_no_violation(sample_site, open_page):
    _, base = sample_site
    page = open_page(f"{base}check/")
    page.wait_for_selector("#rs-check.rs-ready")
    page.fill("#rs-c-borrower", "no-such-library")
    page.click("#rs-check-submit")
    page.wait_for_selector("#rs-check-errors:focus")
    assert_no_violations(page, "the check page with a problem")


def test_editor_with_a_profile_and_with_its_error_summary_has_no_violation(sample_site, open_page):
    _, base = sample_site
    page = open_page(f"{base}edit/?id=de-nordbib")
    page.wait_for_selector("#rs-editor.rs-ready")
    page.wait_for_function("() => document.getElementById('rs-editor-yaml').value !== ''")
    assert_no_violations(page, "the editor with de-nordbib's profile")

    page = open_page(f"{base}edit/")
    page.wait_for_selector("#rs-editor.rs-ready")
    page.click("#rs-editor-download")
    page.wait_for_selector("#rs-editor-summary:focus")
    assert_no_violations(page, "the editor with its error summary")


def test_every_kind_of_page_of_the_site_is_a_page_type(sample_site):
    """A new kind of page must join PAGE_TYPES: each folder of the built site that holds pages
    is the folder of a page type (or the home page's)."""
    root, _ = sample_site
    covered = {page_type.path.split("/")[0] for page_type in PAGE_TYPES.values()}
    for language in LANGUAGES:
        pages_root = root / folder(language)
        other_languages = {other.code for other in LANGUAGES if other != DEFAULT}
        folders = {path.relative_to(pages_root).parts[0] for path in pages_root.rglob("*.html")
                   if path.parent != pages_root} - other_languages
        assert folders - covered == set(), \
            f"folders with {language.code} pages but no page type in browser_support.PAGE_TYPES"
