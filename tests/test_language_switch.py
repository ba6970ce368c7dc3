"""The language switch in the header, in a real browser: by keyboard alone, to the same page in the
chosen language, with the page's query and fragment, closed again by Escape."""

from __future__ import annotations

import pytest

from browser_support import PHONE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(published_site) -> str:
    """Under /directory/, where the hreflang links lead to the page's copies, as on GitHub Pages."""
    return published_site


def test_the_switch_leads_by_keyboard_to_the_same_page_in_the_chosen_language(open_page, site):
    page = open_page(f"{site}institutions/de-nordbib/")
    switch = page.locator(".rs-language__button")
    assert page.locator(".rs-language__name").inner_text() == "English"
    assert page.locator(".rs-language__list").is_hidden()
    switch.focus()
    page.keyboard.press("Enter")
    links = page.locator(".rs-language__link")
    assert links.all_inner_texts() == ["English", "Deutsch", "Français", "Español"]
    assert page.locator(".rs-language__link[aria-current]").inner_text() == "English"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Deutsch"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{site}de/institutions/de-nordbib/"
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.locator(".rs-language__name").inner_text() == "Deutsch"


def test_the_switch_keeps_the_query_and_the_fragment(open_page, site):
    page = open_page(f"{site}de/directory/?country=DE#rs-results")
    page.wait_for_selector("#rs-directory.rs-ready")
    page.select_option("#rs-service", "copy")       # the page keeps its filters in the query
    page.locator(".rs-language__button").click()
    with page.expect_navigation():
        page.locator(".rs-language__link[hreflang=es]").click()
    assert page.url == f"{site}es/directory/?country=DE&service=copy#rs-results"
    page.wait_for_selector("#rs-directory.rs-ready")
    assert page.locator("#rs-country").input_value() == "DE" and page.locator("#rs-service").input_value() == "copy"


def test_escape_closes_the_list_and_gives_the_focus_back(open_page, site):
    page = open_page(f"{site}fr/check/", PHONE)
    switch = page.locator(".rs-language__button")
    assert switch.is_visible()
    assert page.locator(".rs-language__name").evaluate("node => node.getBoundingClientRect().width") <= 1
    assert switch.evaluate("node => node.textContent.replace(/\\s+/g, ' ').trim()") == "Langue: Français"      # in the page's own language
    switch.click()
    page.locator(".rs-language__link[hreflang=en]").focus()
    page.keyboard.press("Escape")
    assert page.locator(".rs-language__list").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('rs-language__button')")
