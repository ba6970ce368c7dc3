"""What a page of the published site asks its own server for, in a real browser: nothing that is
not there. The site is served under /directory/, as GitHub Pages publishes it, so that the
addresses the pages name from the server's root (the hreflang links) lead where they lead there;
a request answered 404, or one that fails, is a file a page expects and the build never wrote."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser_support import PAGE_TYPES

pytestmark = pytest.mark.slow

KINDS = ("home", "directory", "institution", "country", "check", "edit")


@pytest.mark.parametrize("language", ["", "de/"], ids=["en", "de"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_page_asks_its_server_only_for_files_the_site_has(open_page, published_site, kind, language):
    server = "{0.scheme}://{0.netloc}/".format(urlsplit(published_site))
    missing: list[str] = []

    def watch(page) -> None:
        page.on("response", lambda response: response.url.startswith(server) and response.status >= 400
                and missing.append(f"{response.status} {response.url.removeprefix(server)}"))
        page.on("requestfailed", lambda request: request.url.startswith(server)
                and missing.append(f"failed ({request.failure}) {request.url.removeprefix(server)}"))

    page_type = PAGE_TYPES[kind]
    page = open_page(published_site + language + page_type.path, watch=watch)
    if page_type.ready:
        page.wait_for_selector(page_type.ready)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == (language.rstrip("/") or "en")
    assert missing == [], f"{page.url} asked for files the site does not have"
