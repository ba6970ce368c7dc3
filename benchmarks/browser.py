"""How the site's pages answer in a real browser on a large directory.

    .venv/bin/python benchmarks/browser.py [--sizes 1000,10000]

The sample site is built once with `rsdir build`; for each size its data files are replaced by
those of a synthetic directory (benchmarks/synth.py) and the pages are opened in Chromium
(Debian's /usr/bin/chromium, or RSDIR_CHROMIUM) through Playwright, served from 127.0.0.1.
Measured:
- the directory page: milliseconds from a keystroke in the search box to the rendered list of
  results, over 27 keystrokes (target: every one under 100 ms).
Figures only: nothing here fails on a slow machine; the tests check behaviour.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from playwright.sync_api import sync_playwright  # noqa: E402

from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, OFFSITE, serving  # noqa: E402
from synth import generate  # noqa: E402

from builder.model import Directory  # noqa: E402
from builder.site.directory_index import directory_index  # noqa: E402
from builder.validate import validate_directory  # noqa: E402

OUT = HERE / "out"
KEYSTROKE_TARGET_MS = 100
TYPED = list("university") + ["Backspace"] * 10 + list("de-syn1")

MEASURE_KEYSTROKES = """() => {
    const root = document.getElementById('rs-directory');
    window.rsTimes = [];
    let typed = null;
    document.getElementById('rs-q').addEventListener('keydown', () => { typed = performance.now(); }, true);
    root.addEventListener('rs:rendered', () => {
        if (typed === null) return;
        document.body.getBoundingClientRect();   // include the layout of the new list
        window.rsTimes.push(performance.now() - typed);
        typed = null;
    });
}"""

WAIT_FOR_RENDER = """() => { window.rsRendered = new Promise(resolve =>
    document.getElementById('rs-directory').addEventListener('rs:rendered', resolve, {once: true})); }"""


def sample_site(folder: Path) -> Path:
    """`rsdir build` of the sample directory, the pages every size reuses."""
    out = folder / "sample-site"
    subprocess.run([str(Path(sys.executable).parent / "rsdir"), "build", "--records", str(ROOT / "records"),
                    "--out", str(out), "--config", str(ROOT / "mkdocs.yml")],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return out


def synthetic_directory(n: int, folder: Path) -> Directory:
    records = folder / f"records-{n}"
    generate(records, n, seed=1)
    validation = validate_directory(records, dt.date.today())
    return Directory.from_records(validation.valid)


def keystrokes(page) -> list[float]:
    page.wait_for_selector("#rs-directory.rs-ready")
    page.evaluate(MEASURE_KEYSTROKES)
    page.click("#rs-q")
    # One key at a time, waiting for each to render, so that every keystroke is measured.
    for key in TYPED:
        page.evaluate(WAIT_FOR_RENDER)
        page.keyboard.press(key)
        page.evaluate("() => window.rsRendered")
    return page.evaluate("window.rsTimes")


def measure(n: int, site: Path, folder: Path, browser) -> None:
    directory = synthetic_directory(n, folder)
    root = folder / f"site-{n}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(site, root)
    index = directory_index(directory)
    (root / "assets" / "directory-index.json").write_bytes(index)
    print(f"  directory index: {len(index):,} bytes, {len(gzip.compress(index, 6)):,} gzipped")
    with serving(root) as base:
        context = browser.new_context(viewport=DESKTOP)
        context.route(OFFSITE, lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{base}directory/")
        times = keystrokes(page)
        context.close()
    worst = max(times)
    print(f"  directory search, keystroke to rendered list: median {statistics.median(times):.1f} ms, "
          f"max {worst:.1f} ms over {len(times)} keystrokes "
          f"(target < {KEYSTROKE_TARGET_MS} ms: {'met' if worst < KEYSTROKE_TARGET_MS else 'MISSED'}, "
          f"{worst / KEYSTROKE_TARGET_MS:.2f} of it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of institutions")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing; install it with `make browser`", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rsdir-browser-", dir=OUT) as tmp:
        folder = Path(tmp)
        site = sample_site(folder)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for size in args.sizes.split(","):
                print(f"\n== {int(size)} institutions ==", flush=True)
                measure(int(size), site, folder, browser)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
