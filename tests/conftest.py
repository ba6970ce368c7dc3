"""Shared test helpers: where the fixtures live, how a fixture states what it expects, and the
built sample and hostile sites with the browser that opens them."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, HOSTILE_RECORDS, OFFSITE, build_site, serving
from builder.model import Directory
from builder.validate import validate_directory

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_RECORDS = REPO / "records"
EXAMPLE_REQUESTS = REPO / "site_src" / "examples" / "requests"
# The day the tests treat as today, so `review-overdue` does not depend on the calendar.
TODAY = dt.date(2026, 11, 28)

_EXPECT = re.compile(rb"^# expect: ([a-z0-9-]+) (\d+)(?::(\d+))?$", re.MULTILINE)


@dataclass(frozen=True)
class Expected:
    """One problem a fixture file announces in a `# expect: <code> <line>[:<column>]` comment."""

    file: Path
    code: str
    line: int
    column: int | None


def expectations(path: Path) -> list[Expected]:
    return [Expected(path, code.decode(), int(line), int(column) if column else None)
            for code, line, column in _EXPECT.findall(path.read_bytes())]


@pytest.fixture(scope="session", autouse=True)
def _session_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Sites built once per session and the commands they run keep their cache here, never in the
    real one of the machine."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache folder (`$XDG_CACHE_HOME`): no test reads what another
    left there."""
    folder = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _cycle_collector_back_on() -> Iterator[None]:
    """Commands switch Python's cycle collector off for the rest of their process; in the tests'
    process it is switched on again after each test."""
    import gc

    yield
    gc.enable()


REMOVED = object()   # for `changed`: take the value out instead of replacing it


def changed(record: dict, path: tuple, value: object) -> dict:
    """A deep copy of `record` with the value at `path` replaced by `value` (or removed)."""
    import copy

    result = copy.deepcopy(record)
    target = result
    for step in path[:-1]:
        target = target[step]
    if value is REMOVED:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return result


@pytest.fixture
def records_copy(tmp_path: Path):
    """Copy a records tree into a temporary folder, so a test can change it freely."""
    import shutil

    def copy(source: Path) -> Path:
        target = tmp_path / "records"
        shutil.copytree(source, target)
        return target
    return copy


# --- the built sites and the browser (see browser_support.py) ----------------------------------

@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = build_site(SAMPLE_RECORDS, tmp_path_factory.mktemp("sample") / "site")
    with serving(root) as base:
        yield root, base


@pytest.fixture(scope="session")
def multilingual_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built in every language (`rsdir build --languages en,de,fr,es`)."""
    from builder.site.languages import LANGUAGES

    return build_site(SAMPLE_RECORDS, tmp_path_factory.mktemp("languages") / "site",
                      "--languages", ",".join(language.code for language in LANGUAGES))


@pytest.fixture(scope="session")
def multilingual_site(multilingual_build: Path) -> Iterator[str]:
    with serving(multilingual_build) as base:
        yield base


@pytest.fixture(scope="session")
def published_site(multilingual_build: Path) -> Iterator[str]:
    """The site in every language served under the path of its `site_url` (/directory/), as
    GitHub Pages publishes it: addresses from the server's root, such as the hreflang links',
    lead where they lead on the published site."""
    site_path = urlsplit(load_config(str(REPO / "mkdocs.yml")).site_url).path
    with serving(multilingual_build, site_path) as base:
        yield base


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = build_site(HOSTILE_RECORDS, tmp_path_factory.mktemp("hostile") / "site")
    with serving(root) as base:
        yield base


@pytest.fixture(scope="session")
def sample_directory() -> Directory:
    return Directory.from_records(validate_directory(SAMPLE_RECORDS, TODAY).valid)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with `make browser` (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """Open pages offline; fails the test on any script error or dialog a page raises."""
    contexts, errors, dialogs = [], [], []

    def open_(url: str, viewport: dict = DESKTOP, watch: Callable | None = None):
        """`watch` is given the page before it loads, to listen to what it does from the start."""
        context = browser.new_context(viewport=viewport)
        context.route(OFFSITE, lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{url}: {error}"))
        page.on("dialog", lambda dialog: (dialogs.append(f"{url}: {dialog.type} {dialog.message}"),
                                          dialog.dismiss()))
        if watch:
            watch(page)
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not dialogs, f"a page opened a dialog: {dialogs}"
    assert not errors, f"script errors: {errors}"
