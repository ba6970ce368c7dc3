"""The site by keyboard alone: the skip link, a visible focus indicator on every Tab stop of every
page type, the navigation drawer of a narrow screen, the directory's search and filters, and the
theme's own search; result counts are announced through a live region.

Only the keyboard moves the focus here (Tab, Enter, Space, arrows, Escape): where a test clicks
or focuses directly, it says why.
"""

from __future__ import annotations

import re

import pytest

from browser_support import DESKTOP, PAGE_TYPES, PHONE, Focus, announced, focused, open_page_type, settled, \
    tab_stops, tab_to, watch_live_region

pytestmark = pytest.mark.slow

FOCUS_OUTLINE_MIN_PX = 2      # WCAG 2.4.13's thickness: a 2px perimeter
FOCUS_CONTRAST_MIN = 3.0      # WCAG 1.4.11: 3:1 against the colours next to it
FILTERS = ["rs-q", "rs-country", "rs-service", "rs-type", "rs-channel", "rs-pod", "rs-lendsto", "rs-reset"]


@pytest.fixture
def open_still(open_page):
    """`open_page` for a reader who asks for less motion, which theme.css honours: each step is
    measured where it comes to rest, at once instead of after the theme's fades and slides."""
    def open_(url: str, viewport: dict = DESKTOP):
        page = open_page(url, viewport)
        page.emulate_media(reduced_motion="reduce")
        return page
    return open_


def focus_problem(stop: Focus) -> str | None:
    """What keeps a keyboard user from seeing where the focus is, if anything."""
    if not stop.on_screen:
        return f"{stop}: not on the screen when focused ({stop.box})"
    if stop.outline_style in ("none", "hidden") or stop.outline_width < FOCUS_OUTLINE_MIN_PX:
        return f"{stop}: outline {stop.outline_style} {stop.outline_width}px"
    if stop.weakest_contrast < FOCUS_CONTRAST_MIN:
        return f"{stop}: outline {stop.outline_colour} on {stop.behind}, {stop.weakest_contrast:.2f}:1"
    return None


def press(page, key: str) -> None:
    page.keyboard.press(key)
    settled(page)


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


# --- every page type ----------------------------------------------------------------------------------

@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_skip_link_comes_first_shows_on_focus_and_skips_to_the_content(sample_site, open_still, page_type):
    _, base = sample_site
    page = open_page_type(open_still, base, PAGE_TYPES[page_type])
    skip = page.locator(".md-skip")
    assert skip.count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.md-skip')).opacity") == "0"
    press(page, "Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    focus = focused(page)
    assert focus.on_screen and page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"
    target = skip.get_attribute("href")
    assert page.locator(target).count() == 1
    press(page, "Enter")
    assert page.url.endswith(target)
    press(page, "Tab")
    # The next stop comes after the target, past the header, the tabs and the sidebars: in the
    # page's content, or in the footer on a page whose content has no link.
    assert page.evaluate("""target => {
        const active = document.activeElement;
        return Boolean(document.querySelector(target).compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING)
            && active.closest('.md-header, .md-tabs, .md-sidebar') === null;
    }""", target), focused(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_tab_stop_is_on_screen_with_a_visible_outline(sample_site, open_still, page_type, viewport):
    _, base = sample_site
    page = open_page_type(open_still, base, PAGE_TYPES[page_type], DESKTOP if viewport == "desktop" else PHONE)
    stops = tab_stops(page)
    assert len(stops) >= 3
    problems = [problem for problem in map(focus_problem, stops) if problem]
    assert not problems, "\n".join(problems)


# --- the navigation drawer of a narrow screen ------------------------------------------------------------

def test_navigation_drawer_opens_and_closes_by_keyboard(sample_site, open_still):
    _, base = sample_site
    page = open_still(base, PHONE)
    button = page.locator('.md-header label[for="__drawer"]')
    tab_to(page, '.md-header label[for="__drawer"]')
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    assert button.get_attribute("aria-label") == page.get_attribute(".md-nav--primary", "aria-label")
    assert button.get_attribute("aria-expanded") == "false"

    press(page, "Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")
    # Every link of the drawer is reachable, on the screen and outlined; the first stop past the
    # drawer closes it, so the focus never sits behind its overlay.
    visited = []
    while page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null"):
        visited.append(focused(page))
        press(page, "Tab")
    assert len(visited) >= len(page.query_selector_all(".md-nav--primary > .md-nav__list > .md-nav__item"))
    problems = [problem for problem in map(focus_problem, visited) if problem]
    assert not problems, "\n".join(problems)
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.closest('.md-content') !== null"), focused(page)
    assert focused(page).on_screen

    page.focus('.md-header label[for="__drawer"]')   # back to the button, to open it once more
    press(page, " ")
    assert button.get_attribute("aria-expanded") == "true"
    press(page, "Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement === document.querySelector('.md-header label[for=\"__drawer\"]')")

    press(page, "Enter")
    tab_to(page, ".md-sidebar--primary a[href$='countries/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}countries/")


# --- the directory page ---------------------------------------------------------------------------------

def directory_page(sample_site, open_still, query: str = ""):
    _, base = sample_site
    page = open_still(f"{base}directory/{query}")
    page.wait_for_selector("#rs-directory.rs-ready")
    watch_live_region(page, "#rs-count")
    return page


def test_directory_filters_are_reached_in_order_by_tab(sample_site, open_still):
    page = directory_page(sample_site, open_still)
    tab_to(page, "#rs-q")
    order = [active_id(page)]
    for _ in FILTERS[1:]:
        press(page, "Tab")
        order.append(active_id(page))
    assert order == FILTERS
    press(page, "Tab")
    assert page.evaluate("document.activeElement.matches('.rs-result a')")


def test_directory_is_searched_and_filtered_by_keyboard_and_announces_each_count(
        sample_site, sample_directory, open_still):
    page = directory_page(sample_site, open_still)
    total = len(sample_directory.institutions)
    region = page.locator("#rs-count")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"

    tab_to(page, "#rs-q")
    page.keyboard.type("nordhafen", delay=20)
    page.wait_for_function("window.rsAnnounced.length > 0 && document.querySelectorAll('.rs-result').length === 1")
    assert announced(page, "#rs-count")[-1] == f"1 of {total} libraries match."
    assert active_id(page) == "rs-q"          # the list changes, the focus stays where the reader is
    page.keyboard.press("Control+a")
    press(page, "Backspace")
    page.wait_for_function(f"document.getElementById('rs-count').textContent === 'All {total} libraries are listed.'")

    press(page, "Tab")                         # to the country filter; arrows and typing choose
    assert active_id(page) == "rs-country"
    page.keyboard.type("Germ")
    page.wait_for_function("document.getElementById('rs-country').value === 'DE'")
    germans = [i for i in sample_directory.institutions.values() if i.country == "DE"]
    page.wait_for_function(f"document.querySelectorAll('.rs-result').length === {len(germans)}")
    assert announced(page, "#rs-count")[-1] == f"{len(germans)} of {total} libraries match."
    assert page.url.endswith("?country=DE") and active_id(page) == "rs-country"

    for _ in range(FILTERS.index("rs-reset") - FILTERS.index("rs-country")):
        press(page, "Tab")
    assert active_id(page) == "rs-reset"
    press(page, " ")
    page.wait_for_function(f"document.querySelectorAll('.rs-result').length === {total}")
    assert announced(page, "#rs-count")[-1] == f"All {total} libraries are listed."
    assert page.url.endswith("/directory/") and page.input_value("#rs-country") == ""

    press(page, "Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert page.evaluate("document.activeElement.matches('.rs-result a')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")


def test_shared_directory_search_opens_the_directory_not_the_site_search(sample_site, open_still):
    page = directory_page(sample_site, open_still, "?search=nordhafen")
    assert page.input_value("#rs-q") == "nordhafen"
    assert len(page.query_selector_all(".rs-result")) == 1
    assert not page.evaluate("document.getElementById('__search').checked")


# --- the check page ---------------------------------------------------------------------------------

def test_check_page_announces_each_answer_through_its_live_region(sample_site, open_still):
    _, base = sample_site
    page = open_still(f"{base}check/?borrower=us-lakeside&lender=de-nordbib&service_type=Copy"
                      "&publication_type=Article&title=Herring")
    page.wait_for_selector("#rs-answer:not([hidden]) .rs-verdict")
    region = page.locator("#rs-check-status")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    assert region.inner_text() == "Answer: Nordhafen State and University Library would accept this request."
    watch_live_region(page, "#rs-check-status")

    tab_to(page, "#rs-c-lender")              # without a lender: every library that would accept
    page.keyboard.press("Control+a")
    press(page, "Backspace")
    tab_to(page, "#rs-check-submit")
    press(page, "Enter")
    page.wait_for_function("window.rsAnnounced.length > 0")
    assert re.fullmatch(r"Answer: \d+ librar(y|ies) would accept this request\.", announced(page, "#rs-check-status")[-1])


# --- the theme's search -------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_site_search_by_keyboard(sample_site, sample_directory, open_still, viewport):
    _, base = sample_site
    institution = sample_directory.institutions["de-nordbib"]
    page = open_still(base, DESKTOP if viewport == "desktop" else PHONE)
    tab_to(page, ".md-search__input")
    settled(page)
    assert page.evaluate("document.getElementById('__search').checked")   # focus opens the search
    page.keyboard.type(institution.record["identifiers"]["isil"], delay=20)
    page.wait_for_selector(".md-search-result__item")
    wanted = f".md-search-result__link[href*='institutions/{institution.id}/']"
    for _ in range(10):
        press(page, "ArrowDown")
        if page.evaluate("selector => document.activeElement.matches(selector)", wanted):
            break
    else:
        raise AssertionError(f"ArrowDown does not reach {institution.id}'s result")
    focus = focused(page)
    assert focus.on_screen and focus.weakest_contrast >= FOCUS_CONTRAST_MIN, focus
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}institutions/{institution.id}/**")

    page = open_still(base, DESKTOP if viewport == "desktop" else PHONE)
    tab_to(page, ".md-search__input")
    page.keyboard.type("lending", delay=20)
    page.wait_for_selector(".md-search-result__item")
    press(page, "Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
