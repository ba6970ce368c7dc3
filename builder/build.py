"""Building the site into an output folder with mkdocs, all or nothing, and previewing it.

The site is built into a fresh folder next to the output folder and only renamed into place once
mkdocs has finished, so a failed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Material for MkDocs prints a banner about its successor on every run; it tells a librarian
# previewing a profile nothing.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import MkDocsException  # noqa: E402

# Files that mark a folder as an earlier build of the site, which may therefore be replaced.
BUILT_SITE_MARKERS = ("sitemap.xml", "404.html")


class BuildRefused(Exception):
    """The build cannot start as asked (bad --out, missing mkdocs.yml); nothing was changed."""


class BuildFailed(Exception):
    """mkdocs (or the records it validated) failed; the previous output is untouched."""


@contextmanager
def _restored_environment(*names: str) -> Iterator[None]:
    """The build pins SOURCE_DATE_EPOCH for mkdocs; do not leave it set in the calling process."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def check_output_folder(out: Path, project: Path, inputs: list[Path]) -> None:
    """Refuse an --out that would replace something other than an earlier build of the site:
    the project itself or a folder above it, or anything in or around a folder the build reads."""
    target = out.resolve()
    for folder in [project, *inputs]:
        folder = folder.resolve()
        inside_input = folder != project.resolve() and target.is_relative_to(folder)
        if folder.is_relative_to(target) or inside_input:
            raise BuildRefused(f"--out {out} overlaps `{folder}`, which the build reads; choose "
                               "another output folder (the default is `site`)")
    if target.exists():
        if not target.is_dir():
            raise BuildRefused(f"--out {out} is a file; give a folder")
        if any(target.iterdir()) and not any((target / marker).is_file() for marker in BUILT_SITE_MARKERS):
            raise BuildRefused(f"--out {out} is a folder that does not hold a built site; it is not "
                               "replaced. Choose an empty or new folder")


def load_site_config(config_file: Path, records_dir: Path, site_dir: Path):
    if not config_file.is_file():
        raise BuildRefused(f"`{config_file}` not found; run from the directory checkout or pass --config")
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    except MkDocsException as err:
        raise BuildRefused(f"{config_file}: {err}") from None
    config.extra["records_dir"] = str(records_dir.resolve())
    return config


def build_site(config_file: Path, records_dir: Path, out: Path) -> Path:
    """Build into a temporary folder beside `out`, then put it in place of `out`."""
    out = out.absolute()
    config_file = config_file.absolute()
    project = config_file.parent
    check_output_folder(out, project, [records_dir, project / "site_src", project / "schema",
                                       project / "builder"])
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        config = load_site_config(config_file, records_dir, staging)
        with _restored_environment("SOURCE_DATE_EPOCH"):
            try:
                mkdocs_build(config)
            except MkDocsException as err:
                raise BuildFailed(str(err)) from None
        _swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def _swap_in(staging: Path, out: Path) -> None:
    """Two renames on one file system: the old output is only removed once the new one is in."""
    retired = None
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous-", dir=out.parent))
        retired.rmdir()
        out.rename(retired)
    try:
        staging.rename(out)
    except OSError:
        if retired is not None:
            retired.rename(out)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def serve_site(config_file: Path, records_dir: Path, port: int) -> None:
    """mkdocs' own preview server on 127.0.0.1, rebuilding when pages, records or schemas change."""
    from mkdocs.commands.serve import serve

    if not config_file.is_file():
        raise BuildRefused(f"`{config_file}` not found; run from the directory checkout or pass --config")
    # The preview server re-reads mkdocs.yml on every rebuild; `extra.records_dir` reads this.
    os.environ["RSDIR_RECORDS"] = str(records_dir.resolve())
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    try:
        serve(config_file=str(config_file), dev_addr=f"127.0.0.1:{port}", livereload=True)
    except MkDocsException as err:
        raise BuildFailed(str(err)) from None
