"""The edge between the directory and mkdocs: validates the records, hands the generated pages to
mkdocs in memory, and writes the feed and the directory page's index after the site is built.

Loaded by mkdocs through `hooks:` in mkdocs.yml, so a plain `mkdocs build` or `mkdocs serve`
builds the whole site too. Nothing generated is written into the docs folder.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path, PurePosixPath

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.exports import feed
from builder.site import directory_index, editor_rules, engine, maps, pages, vendor
from builder.history import History, HistoryError, read_history
from builder.model import Directory
from builder.cache import Cache, cache_folder
from builder.validate import validate_directory

log = logging.getLogger("mkdocs.hooks.rsdir")

SUMMARY_MARKER = "<!-- rsdir:summary -->"
# The profile editor proposes files to the repository mkdocs.yml names in `repo_url`.
REPO_URL_MARKER = "rsdir:repo-url"
SCHEMA_ORDER = ("institution", "pod", "request")


class _State:
    """What one build learned in `on_files` and needs again in later events."""

    directory: Directory | None = None
    history: History | None = None
    titles: dict[str, str] = {}
    finished: dict[str, str] = {}       # generated pages' HTML between two events of one page
    last_updated: str = ""
    vendor: dict[str, bytes] = {}       # npm libraries the pages load, by their path in the site
    world: maps.WorldMap | None = None  # the country shapes the pages' maps draw


_state = _State()


def project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent


def records_dir(config: MkDocsConfig) -> Path:
    """`extra.records_dir` (set by `rsdir build --records`), relative to mkdocs.yml."""
    configured = Path(str(config.extra.get("records_dir") or "records"))
    return configured if configured.is_absolute() else project_root(config) / configured


def load_schemas(root: Path) -> dict[str, dict]:
    paths = sorted((root / "schema").glob("*.schema.json"),
                   key=lambda p: (SCHEMA_ORDER.index(p.name.split(".")[0])
                                  if p.name.split(".")[0] in SCHEMA_ORDER else len(SCHEMA_ORDER), p.name))
    return {path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8")) for path in paths}


def build_directory(folder: Path, today: dt.date) -> Directory:
    """The validated directory, or a build error carrying the validator's messages."""
    if not folder.is_dir():
        raise PluginError(f"records folder `{folder}` does not exist")
    cache = None if os.environ.get("RSDIR_NO_CACHE") == "1" else Cache(cache_folder(), log.warning)
    validation = validate_directory(folder, today, cache=cache)
    if validation.errors:
        lines = "\n".join(problem.as_text() for problem in validation.errors)
        raise PluginError(f"the records have {len(validation.errors)} error(s); fix them and build "
                          f"again (`rsdir validate` shows them too):\n{lines}")
    return Directory.from_records(validation.valid)


def load_world(project: Path) -> maps.WorldMap:
    """The country shapes from the npm package the lock file pins (read here, never shipped)."""
    atlas, version = vendor.package_file(project, maps.ATLAS_PACKAGE, maps.ATLAS_FILE)
    try:
        return maps.world_map(json.loads(atlas), version)
    except (ValueError, maps.AtlasError) as err:
        raise vendor.VendorMissing(f"`{maps.ATLAS_PACKAGE}/{maps.ATLAS_FILE}` cannot be read as the map's "
                                   f"country shapes ({err}); reinstall it with `npm ci`") from None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    folder = records_dir(config)
    # Checked first: a missing package should not cost a whole build before it is reported.
    try:
        _state.vendor = vendor.vendor_files(project_root(config))
        _state.world = load_world(project_root(config))
    except vendor.VendorMissing as err:
        raise PluginError(str(err)) from None
    try:
        history = read_history(folder)
    except HistoryError as err:
        raise PluginError(str(err)) from None
    if history.shallow:
        log.warning("this is a shallow git clone: change dates and updates.json only know the newest "
                    "commit; fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI)")
    # Validation and the pages' "upcoming closures" compare with "today"; the build's own date
    # (from git) keeps a rebuild of the same commit identical.
    build_day = history.generated_at.date()
    directory = build_directory(folder, build_day)
    # mkdocs dates the sitemap and the gzip header of sitemap.xml.gz with SOURCE_DATE_EPOCH;
    # pinning it to the history's date is what makes two builds of one commit byte-identical.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(history.generated_at.timestamp()))
    generated = pages.build_pages(directory, load_schemas(project_root(config)), today=build_day, world=_state.world)
    # Looked up once: mkdocs rebuilds its path index after every append, so asking it per page
    # would make adding 10,000 pages quadratic.
    hand_written = {file.src_uri for file in files}
    clashes = sorted(hand_written.intersection(generated))
    if clashes:
        raise PluginError(f"{config.docs_dir}/{clashes[0]} would hide a generated page; rename or remove it")
    for path, page in generated.items():
        files.append(File.generated(config, path, content=page.body))
    newest = history.changes[0].date if history.changes else history.generated_at
    _state.directory = directory
    _state.history = history
    _state.titles = {path: page.title for path, page in generated.items()}
    _state.finished = {}
    _state.last_updated = newest.date().isoformat()
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = page.file.src_uri
    title = _state.titles.get(source)
    if title is not None:
        # The theme prints `page.meta.title` as it is (in <title>, the header and the search
        # index), so it gets the escaped text, marked safe so nothing escapes it a second time.
        page.meta["title"] = Markup.escape(title)
        # A generated page is already finished, escaped HTML. It skips the Markdown parser
        # (on_page_content puts it back): nothing in it is read as Markdown, and parsing
        # thousands of large HTML blocks would be most of the build time.
        _state.finished[source] = markdown
        return ""
    if source == "edit.md":
        markdown = markdown.replace(REPO_URL_MARKER, str(Markup.escape(config.repo_url or "")))
    if source == "index.md" and SUMMARY_MARKER in markdown and _state.directory is not None:
        summary = pages.home_summary(_state.directory, _state.last_updated, _state.world)
        markdown = markdown.replace(SUMMARY_MARKER, f"\n\n{summary}\n\n")
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _state.finished.pop(page.file.src_uri, html)


def output_path(site_dir: Path, relative: str) -> Path:
    """Where a generated file goes; refuses any path that would leave the output folder."""
    parts = PurePosixPath(relative).parts
    if (not relative or "\\" in relative or PurePosixPath(relative).is_absolute()
            or any(part in ("", ".", "..") for part in parts)):
        raise PluginError(f"refusing to write `{relative}`: not a plain path inside the site")
    target = (site_dir / Path(*parts)).resolve()
    if not target.is_relative_to(site_dir.resolve()):
        raise PluginError(f"refusing to write `{relative}` outside the site folder")
    return target


def extra_files(directory: Directory, history: History, site_url: str) -> dict[str, bytes]:
    """The files built beside the pages: the feed (with the published schemas), the index the
    directory page searches in the browser (and the profile editor checks against), the sentences
    of the engine that answers requests in the browser, the profile editor's rules, the npm
    libraries the pages load and the country shapes their maps draw."""
    try:
        produced = feed.build_feed(directory, history, site_url)
    except ValueError as err:
        raise PluginError(str(err)) from None
    produced["assets/directory-index.json"] = directory_index.directory_index(directory)
    produced[engine.MESSAGES_FILE] = engine.messages_file()
    produced["assets/editor-rules.json"] = editor_rules.editor_rules()
    produced.update(_state.vendor)
    if _state.world is not None:
        produced[maps.SPRITE_PATH] = maps.world_svg(_state.world)
    return produced


def on_post_build(config: MkDocsConfig) -> None:
    if _state.directory is None or _state.history is None:
        return
    site_dir = Path(config.site_dir)
    for relative, content in sorted(extra_files(_state.directory, _state.history, config.site_url or "").items()):
        target = output_path(site_dir, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def on_serve(server, config: MkDocsConfig, builder):
    """Rebuild the preview when a record, a schema or a page template changes."""
    root = project_root(config)
    for watched in (records_dir(config), root / "schema", Path(__file__).resolve().parent / "templates"):
        if watched.is_dir():
            server.watch(str(watched))
    return server
