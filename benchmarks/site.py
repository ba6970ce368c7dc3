"""How long the site build takes for a large directory, in one language and in all of them,
against a bare mkdocs build of the same pages, how much memory it needs and how large the site is.

    .venv/bin/python benchmarks/site.py [--sizes 1000,10000] [--repeat 3]

For each size a synthetic directory is generated (benchmarks/synth.py), then measured:
- `rsdir build --languages en`: validation, page generation, mkdocs, the feed and the directory
  index, in English only;
- `rsdir build`: the same in every language of the site (the site as published);
- a bare `mkdocs build` of the same generated Markdown pages (English), copied into a plain docs
  folder with the same theme, plugins and extensions but no hook: what mkdocs costs on its own.
The languages ratio is all languages / English only, in wall, CPU and user time (target: at most 2); the overhead is
(English-only rsdir build − bare mkdocs) / bare mkdocs. Each build runs as its own process; its
peak memory is that process's maximum resident set size. Each build writes into a folder emptied
beforehand. With --repeat the two builds take turns and the figures are medians; the ratio of each
turn is printed too, since the system time of writing 70,000 files varies with the file system's
state from one run to the next. Output goes to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

from builder.site import pages as site  # noqa: E402
from builder.site import maps  # noqa: E402
from builder.site.languages import LANGUAGES  # noqa: E402
from builder.site.hook import load_schemas, load_world  # noqa: E402
from builder.model import Directory  # noqa: E402
from builder.validate import validate_directory  # noqa: E402

BIN = Path(sys.executable).parent


def measured(command: list[str], **kwargs) -> tuple[float, float, int, float]:
    """Wall seconds, CPU seconds (user and system), peak resident memory (bytes) and user seconds
    of one child process. On a shared machine the CPU time is the steadier figure; the system part
    of it follows the file system's state (folders and files created, earlier deletions), the user
    part is the build's own work."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if status != 0:
        raise SystemExit(f"`{' '.join(command)}` failed:\n{errors[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, usage.ru_utime  # Linux: kilobytes


def cleared(folder: Path) -> Path:
    """`folder` removed before a build is timed. Over an earlier run's output the build would also
    pay for deleting it (70,758 files at 10,000 institutions in four languages, against 40,350 in
    English only), and that would count against the languages."""
    shutil.rmtree(folder, ignore_errors=True)
    os.sync()
    return folder


def bare_mkdocs_project(records: Path, folder: Path) -> Path:
    """The generated pages as plain Markdown files with a hook-free mkdocs.yml."""
    docs = folder / "docs"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "site_src", docs, ignore=shutil.ignore_patterns("examples"))
    validation = validate_directory(records, dt.date.today())
    pages = site.build_pages(Directory.from_records(validation.valid), load_schemas(ROOT), world=load_world(ROOT))
    for path, page in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\ntitle: {json.dumps(page.title)}\n---\n{page.body}", encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = (config.replace("docs_dir: site_src", "docs_dir: docs").replace("custom_dir: site_src/", "custom_dir: docs/")
              .replace("hooks:\n  - builder/site/hook.py\n", ""))
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


def size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def map_bytes_per_institution(built: Path, n: int) -> int:
    """What the maps add to the site per institution: the map on each institution page (its
    figure, caption included) and the shared file of country shapes, spread over all of them."""
    figures = sum(len(figure) for page in built.glob("institutions/*/index.html")
                  for figure in re.findall(rb'<figure class="rsd-map">.*?</figure>', page.read_bytes(), re.DOTALL))
    return round((figures + size(built / maps.SPRITE_PATH)) / n)


def measure(n: int, out: Path, repeat: int = 1) -> dict:
    records = out / f"dir-{n}" / "records"
    if not records.is_dir():
        generate(records, n)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"}
    english, built = out / f"site-{n}-en", out / f"site-{n}"
    every = ",".join(language.code for language in LANGUAGES)

    def rsdir_build(codes: str, folder: Path) -> tuple[float, float, int, float]:
        return measured([str(BIN / "rsdir"), "build", "--no-cache", "--languages", codes, "--records", str(records),
                         "--out", str(cleared(folder))], cwd=ROOT, env=env)

    ones, totals = [], []
    for _ in range(repeat):     # in turns, so that a slow spell of the machine falls on both
        ones.append(rsdir_build("en", english))
        totals.append(rsdir_build(every, built))
    one, one_cpu, one_peak, one_user = (statistics.median(run[i] for run in ones) for i in range(4))
    total, total_cpu, peak, total_user = (statistics.median(run[i] for run in totals) for i in range(4))
    ratios = [all_[0] / en[0] for en, all_ in zip(ones, totals)]
    bare_config = bare_mkdocs_project(records, out / f"bare-{n}")
    bare, _, bare_peak, _ = measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(bare_config),
                                "-d", str(out / f"bare-{n}" / "site")], cwd=ROOT, env=env)
    return {
        "institutions": n,
        "english_build_seconds": round(one, 1),
        "rsdir_build_seconds": round(total, 1),
        "english_build_cpu_seconds": round(one_cpu, 1),
        "rsdir_build_cpu_seconds": round(total_cpu, 1),
        "languages_ratio": round(total / one, 2),
        "languages_ratio_cpu": round(total_cpu / one_cpu, 2),
        "english_build_user_seconds": round(one_user, 1),
        "rsdir_build_user_seconds": round(total_user, 1),
        "languages_ratio_user": round(total_user / one_user, 2),
        "runs": repeat,
        "languages_ratio_each_run": [round(ratio, 2) for ratio in ratios],
        "bare_mkdocs_seconds": round(bare, 1),
        "overhead": round((one - bare) / bare, 3),
        "english_build_peak_mb": round(one_peak / 2**20),
        "rsdir_build_peak_mb": round(peak / 2**20),
        "bare_mkdocs_peak_mb": round(bare_peak / 2**20),
        "english_site_mb": round(site_weight(english, n)["site_mb"], 1),
        "search_index_mb": round(size(built / "search" / "search_index.json") / 2**20, 2),
        "feed_directory_json_mb": round(size(built / "feed" / "v1" / "directory.json") / 2**20, 2),
        "directory_index_mb": round(size(built / "assets" / "directory-index.json") / 2**20, 2),
        "pages": sum(1 for _ in built.rglob("index.html")),
        "map_bytes_per_institution": map_bytes_per_institution(built, n),
        **institution_page_weight(built),
        **site_weight(built, n),
    }


def institution_page_weight(built: Path) -> dict:
    """The mean institution page in bytes, and how much of it is the theme's frame (header,
    navigation, search, footer) rather than the page's own content: what a translated copy of
    every page would add per language."""
    pages = [page.read_bytes() for page in built.glob("institutions/*/index.html")]
    content = sum(len(own) for page in pages
                  for own in re.findall(rb'<div class="rsd-page rsd-institution">.*</div>(?=\s*</article>)', page, re.DOTALL))
    total = sum(map(len, pages))
    return {"institution_page_bytes": round(total / len(pages)),
            "institution_page_frame_bytes": round((total - content) / len(pages))}


def site_weight(built: Path, n: int) -> dict:
    """Bytes of the whole site, per institution, and where they go (by top-level folder, the
    feed by its subfolder)."""
    by_part: dict[str, int] = {}
    total = files = 0
    for path in built.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(built).parts
        part = "/".join(parts[:3]) if parts[:2] == ("feed", "v1") and len(parts) > 3 else (
            parts[0] if len(parts) > 1 else "(top level)")
        size = path.stat().st_size
        by_part[part] = by_part.get(part, 0) + size
        total += size
        files += 1
    return {"site_mb": round(total / 2**20, 1), "site_files": files, "bytes_per_institution": round(total / n),
            "mb_by_part": {name: round(size / 2**20, 2) for name, size in
                           sorted(by_part.items(), key=lambda item: -item[1])[:12]}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated directory sizes")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=1,
                        help="build each way this many times, in turns, and give the medians")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    for n in (int(part) for part in arguments.sizes.split(",")):
        print(json.dumps(measure(n, arguments.out, max(1, arguments.repeat))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
