"""The maps of the built sample site in Chromium: drawn from the site's own shared file of country
shapes, named by their text for screen readers, and without a request to any other host."""

from __future__ import annotations

import pytest

from browser_support import DESKTOP
from builder.site import maps
from builder.wording import country_name

pytestmark = pytest.mark.slow

PAGES = ("", "countries/de/", "institutions/gb-fenwick/", "institutions/us-lakeside/")


def test_maps_are_drawn_from_the_site_alone(sample_site, sample_directory, browser):
    _, base = sample_site
    context = browser.new_context(viewport=DESKTOP)
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url),
                                         route.continue_() if route.request.url.startswith(base) else route.abort()))
    try:
        for path in PAGES:
            page = context.new_page()
            sprite = []
            page.on("response", lambda response: sprite.append(response.status)
                    if response.url == f"{base}{maps.SPRITE_PATH}" else None)
            page.goto(base + path, wait_until="networkidle")
            # Every country the map shades is drawn from the shared file: a <use> whose reference
            # has not loaded has no size (the file loads after the page, so this waits for it).
            page.wait_for_function("""() => {
                const uses = [...document.querySelectorAll('.rsd-map-svg use')];
                return uses.length > 0 && uses.every(use => {
                    const box = use.getBoundingClientRect(); return box.width > 0 && box.height > 0; }); }""",
                                   timeout=10_000)
            assert sprite in ([200], []), path       # fetched once per context, then from the cache
            page.close()
    finally:
        context.close()
    assert [url for url in requested if not url.startswith(base)] == []
    assert f"{base}{maps.SPRITE_PATH}" in requested


def test_a_screen_reader_reads_each_map_as_its_text(sample_site, sample_directory, open_page):
    _, base = sample_site
    germany = country_name("DE")
    page = open_page(f"{base}countries/de/")
    assert page.get_by_role("img", name=f"Map of {germany} and its surroundings, with {germany} shaded.").is_visible()
    lender = sample_directory.institutions["gb-fenwick"]
    page = open_page(f"{base}institutions/{lender.id}/")
    caption = page.inner_text("figure.rsd-map figcaption")
    assert page.get_by_role("img", name=caption).is_visible()
    assert caption.startswith("Map of the countries this library lends to, shaded: ")
    page = open_page(base)
    legend = page.inner_text("ul.rsd-map-legend")
    assert "No institutions" in legend and "1 institution" in legend
