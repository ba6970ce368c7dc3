"""What the browser tests share: Debian's Chromium (or RSDIR_CHROMIUM), a site built with
`rsdir build` and served by Python's http.server on 127.0.0.1, pages opened offline, the site's
page types, axe-core, and where the keyboard focus is and how it shows.

The fixtures themselves (`browser`, `open_page`, `sample_site`, `hostile_site`) live in
conftest.py, so that every page's tests can use them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner

from builder.cli import main
from builder.exports.compact import compact_directory
from builder.model import Directory
from builder.schemas import SCHEMA_DIR
from builder.catalogs import LANGUAGES
from builder.site.engine import messages_file, messages_path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("RSDIR_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE_RECORDS = REPO / "tests" / "fixtures" / "hostile"
# Every request leaving 127.0.0.1 (the theme's web fonts) is refused: the tests run offline and
# the site must work without third parties.
OFFSITE = re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*")


# --- the site, the server and the browser ----------------------------------------------------------

def build_site(records: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(main, ["build", "--records", str(records), "--out", str(out),
                                       "--config", str(REPO / "mkdocs.yml"), *options])
    assert result.exit_code == 0, result.output
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder under `site_path`; every address outside it answers 404."""

    def __init__(self, *args, site_path: str = "/", **kwargs) -> None:
        self.site_path = site_path   # set first: the base class answers the request in __init__
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.site_path))

    def send_head(self):
        if not self.path.startswith(self.site_path):
            self.send_error(404)
            return None
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # The browser drops connections it no longer needs when a page or context closes.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(root: Path, site_path: str = "/") -> Iterator[str]:
    """Serve a built site on a free port of 127.0.0.1 under `site_path` ("/directory/", where
    GitHub Pages publishes it; the server's root by default); yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root), site_path=site_path)
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{site_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_engine_data(root: Path, directory: Directory, generated_at: str = "2026-12-01T00:00:00Z") -> None:
    """What `assets/decide.mjs` loads, written for `directory` as a site at `root` has it: the
    feed's compact.json, the request schema and the engine's sentences in every language, as
    `rsdir build` makes them."""
    files = {"feed/v1/compact.json": compact_directory(directory, generated_at),
             "schema/request.schema.json": (SCHEMA_DIR / "request.schema.json").read_bytes(),
             **{messages_path(lang): messages_file(lang) for lang in LANGUAGES}}
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)


# --- page types and axe-core ---------------------------------------------------------------------

@dataclass(frozen=True)
class PageType:
    """One kind of page of the site, by one URL of it in the built sample site."""

    path: str                  # relative to the site root (a language prefix can go in front)
    ready: str | None = None   # a selector that matches once the page's own script has run


# Every kind of page the site has; the accessibility and keyboard tests run over each. A new kind
# of page goes here (test_accessibility.py fails while a folder of the built site has none).
PAGE_TYPES: dict[str, PageType] = {
    "home": PageType(""),
    "directory": PageType("directory/", ready="#rs-directory.rs-ready"),
    "countries": PageType("countries/"),
    "country": PageType("countries/de/"),
    "pods": PageType("pods/"),
    "pod": PageType("pods/euro-scholar/"),
    "institution": PageType("institutions/de-nordbib/"),
    "join": PageType("join/"),
    "reference": PageType("reference/"),
    "feed": PageType("feed/"),
    "decisions": PageType("decisions/"),
    "check": PageType("check/", ready="#rs-check.rs-ready"),
    "edit": PageType("edit/", ready="#rs-editor.rs-ready"),
}

# WCAG 2.2 level AA as axe-core tags its rules; axe-core comes with axe-playwright-python.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def open_page_type(open_page: Callable, base: str, page_type: PageType, viewport: dict = DESKTOP):
    page = open_page(base + page_type.path, viewport)
    if page_type.ready:
        page.wait_for_selector(page_type.ready)
    return page


def axe_check(page, context: str | None = None) -> dict:
    """axe-core's results for the page as it is now (or for the part `context` selects)."""
    return Axe().run(page, context=context, options={"runOnly": {"type": "tag", "values": list(AXE_TAGS)},
                                                      "resultTypes": ["violations"]}).response


def violations_in_words(violations: list[dict]) -> str:
    """One line per rule and one per element it found: rule id, impact, target, what is wrong."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


# --- keyboard: where the focus is and how it shows ------------------------------------------------

# Waits two frames (what a key press sets off, such as the theme opening its search, has begun by
# then), then until the transitions it started have run.
_SETTLE_JS = """async () => {
  for (let round = 0; round < 10; round++) {
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const running = document.getAnimations().filter(animation => animation.playState === "running"
        && animation.effect?.getTiming().iterations !== Infinity);
    if (running.length === 0) return;
    await Promise.all(running.map(animation => animation.finished.catch(() => null)));
  }
}"""

# What the focused element is and how its focus indicator looks against what is painted around
# it, once the page has settled: the colour behind is taken at each side of the outline (what the
# eye sees there, whatever element it belongs to), translucent backgrounds laid over the ones below.
_FOCUS_JS = """async () => {
  await (""" + _SETTLE_JS + """)();
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const parse = (colour) => {
    const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
    return {r, g, b, a};
  };
  const backgroundOf = (painted) => {
    const layers = [];
    for (let node = painted; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    let base = {r: 255, g: 255, b: 255};
    for (const layer of layers.reverse()) {
      base = {r: layer.r * layer.a + base.r * (1 - layer.a), g: layer.g * layer.a + base.g * (1 - layer.a),
              b: layer.b * layer.a + base.b * (1 - layer.a)};
    }
    return [base.r, base.g, base.b].map(Math.round);
  };
  const backgroundAt = (x, y) =>
    backgroundOf(document.elementsFromPoint(x, y).find(node => node !== element && !element.contains(node)));
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
  // The middle of each side's visible part: a tall or wide element may be on screen in part.
  const middleX = (Math.max(rect.left, 0) + Math.min(rect.right, innerWidth)) / 2;
  const middleY = (Math.max(rect.top, 0) + Math.min(rect.bottom, innerHeight)) / 2;
  const sides = [[rect.left - reach, middleY], [rect.right + reach, middleY],
                 [middleX, rect.top - reach], [middleX, rect.bottom + reach]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const colour = parse(style.outlineColor);
  // An outline drawn inside the element lies on the element's own background.
  const behind = reach < 0 ? [backgroundOf(element)] : sides.map(([x, y]) => backgroundAt(x, y));
  return {
    stop: element.dataset.rsTabStop ??= String(Math.random()),
    element: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
             (element.classList.length ? "." + [...element.classList].join(".") : ""),
    name: (element.getAttribute("aria-label") || element.innerText || element.value || "").trim().slice(0, 60),
    outline_style: style.outlineStyle,
    outline_width: parseFloat(style.outlineWidth),
    outline_colour: [colour.r, colour.g, colour.b],
    behind,
    box: {x: rect.x, y: rect.y, width: rect.width, height: rect.height},
    on_screen: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0 &&
               rect.left < innerWidth && rect.top < innerHeight,
  };
}"""


@dataclass(frozen=True)
class Focus:
    """The focused element as a keyboard user sees it."""

    stop: str                         # tells the page's Tab stops apart
    element: str                      # tag#id.classes, to name it in a failure
    name: str                         # its label or text
    outline_style: str
    outline_width: float              # CSS px
    outline_colour: tuple[int, int, int]
    behind: tuple[tuple[int, int, int], ...]   # the colours around the outline, one per side on screen
    box: dict
    on_screen: bool

    @property
    def weakest_contrast(self) -> float:
        """The outline's contrast with the least contrasting colour around it."""
        return min((contrast_ratio(self.outline_colour, colour) for colour in self.behind), default=0.0)

    def __str__(self) -> str:
        return f"{self.element} ({self.name!r})"


def focused(page) -> Focus | None:
    """The focused element once the page has settled; None when nothing has the focus."""
    found = page.evaluate(_FOCUS_JS)
    if found is None:
        return None
    return Focus(**{**found, "outline_colour": tuple(found["outline_colour"]),
                    "behind": tuple(tuple(colour) for colour in found["behind"])})


def settled(page) -> None:
    """Wait until what the last action set off has happened (the theme fades its search in and out)."""
    page.evaluate(_SETTLE_JS)


def tab_stops(page, limit: int = 200) -> list[Focus]:
    """Press Tab from the top of the page until the focus leaves the page or comes back round."""
    stops: list[Focus] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = focused(page)
        if focus is None or any(stop.stop == focus.stop for stop in stops):
            return stops
        stops.append(focus)
    raise AssertionError(f"more than {limit} tab stops: {[str(stop) for stop in stops[-5:]]}")


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until an element that `selector` matches has the focus (none if one has it), as
    a keyboard user moves through a page."""
    for _ in range(limit):
        if page.evaluate("selector => document.activeElement?.matches(selector) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} in {limit} presses")


def watch_live_region(page, selector: str) -> None:
    """Record every text the live region takes from now on, in order, as a screen reader is told
    it; `announced` returns them. The region is marked, so `announced` can tell that it is still
    the same element: screen readers announce changes of a region that was there before."""
    page.evaluate("""selector => {
        const region = document.querySelector(selector);
        region.dataset.rsWatched = "yes";
        window.rsAnnounced = [];
        window.rsRegion = region;
        new MutationObserver(() => window.rsAnnounced.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true});
    }""", selector)


def announced(page, selector: str) -> list[str]:
    """What the live region `selector` was told since `watch_live_region`, in order."""
    same = page.evaluate("selector => document.querySelector(selector) === window.rsRegion", selector)
    assert same, f"{selector} was replaced: a new live region is not announced"
    return page.evaluate("window.rsAnnounced")


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(colour: tuple[int, int, int]) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
