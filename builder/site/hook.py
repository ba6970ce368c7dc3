"""The edge between the directory and mkdocs: validates the records, hands the generated pages to
mkdocs in memory, writes the institution, pod and country pages into the theme's page, writes the
feed and the directory page's index, and builds every other language of the site.

Loaded by mkdocs through `hooks:` in mkdocs.yml, so a plain `mkdocs build` or `mkdocs serve`
builds the whole site too. Nothing generated is written into the docs folder.

The build of the default language (the site's root) is the one mkdocs is asked for. At its end it
runs one more mkdocs build per other language into `<site>/<code>/`, with that language's theme
language, navigation and hand-written pages (`site_src/<code>/`). Those builds reuse what the
first one prepared (the validated directory, the generated pages), which lives in `_state`: mkdocs
loads a hook file once per process, so every build of one run sees the same module.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from builder import catalogs
from builder.exports import feed
from builder.site import (directory_index, editor_rules, engine, icons, languages, maps, pages,
                          theme_script, vendor, weight)
from builder.site.languages import Language
from builder.site.words import N_, PageWords, page_words
from builder.site.shell import STAND_IN, render_shell, shell_from
from builder.history import History, HistoryError, read_history
from builder import progress
from builder.model import Directory
from builder.cache import Cache, cache_folder
from builder.validate import validate_directory

log = logging.getLogger("mkdocs.hooks.rsdir")

SUMMARY_MARKER = "<!-- rsdir:summary -->"
# The profile editor proposes files to the repository mkdocs.yml names in `repo_url`.
REPO_URL_MARKER = "rsdir:repo-url"
SCHEMA_ORDER = ("institution", "pod", "request")
LANGUAGE_KEY = "rsdir_language"   # set in `extra` of the builds of languages other than the default
ROOT_URL_KEY = "rsdir_root_url"   # ...with the site_url of the root, which every language's addresses start from


class _State:
    """What the build of the default language learned in `on_files`, for its later events and for
    the builds of the other languages; and what the build under way needs between its events."""

    directory: Directory | None = None
    history: History | None = None
    languages: tuple[Language, ...] = (languages.DEFAULT,)
    overviews: dict[str, pages.GeneratedPage] = {}   # generated pages mkdocs renders, in the build's language
    records: list[str] = []             # where the institution, pod and country pages go: into the shell
    today: dt.date | None = None        # the build's date, which the pages' "upcoming closures" count from
    schemas: dict[str, dict] = {}
    finished: dict[str, str] = {}       # generated pages' HTML between two events of one page
    last_updated: str = ""
    vendor: dict[str, bytes] = {}       # npm libraries the pages load, by their path in the site
    world: maps.WorldMap | None = None  # the country shapes the pages' maps draw
    icons: bytes = b""                  # the theme's icons, which every page points into
    # Files only the root has (the feed, scripts, data); the other languages' pages link to them there.
    root_only: frozenset[str] = frozenset()
    # The build under way: what on_post_build needs to render the theme's page itself.
    env = None
    nav: Navigation | None = None
    files: Files | None = None


_state = _State()


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled once per run: each language's build gets a new Jinja
    environment from mkdocs, which would compile the same fifty templates again. A template
    whose source changed (`rsdir serve` after an edit) has another checksum and is compiled anew."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self._compiled.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = (bucket.checksum, bucket.code)


_compiled_templates = _CompiledTemplates()


def language_of(config: MkDocsConfig) -> Language:
    return languages.by_code(config.extra.get(LANGUAGE_KEY) or languages.DEFAULT.code)


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
    validation = validate_directory(folder, today, cache=cache, progress=progress.current())
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


def theme_icon(config: MkDocsConfig, name: str) -> str:
    """One of the theme's icon files (`material/menu`), from the first theme folder that has it."""
    for folder in config.theme.dirs:
        path = Path(folder) / ".icons" / f"{name}.svg"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise icons.IconMissing(f"the theme has no icon `{name}`; reinstall the project (make setup)")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    language = language_of(config)
    # First: a theme whose script has changed should not cost a whole build before it is reported.
    _quieten_theme_script(files, config)
    if language == languages.DEFAULT:
        _prepare(files, config)
    else:
        files = _language_files(files, config, language)
    # Looked up once: mkdocs rebuilds its path index after every append, so asking it per page
    # would make adding many pages quadratic.
    _state.overviews = pages.overview_pages(_state.directory, _state.schemas, page_words(language.code)) \
        if _state.directory is not None else {}
    hand_written = {file.src_uri for file in files}
    clashes = sorted(hand_written.intersection(_state.overviews) | hand_written.intersection(_state.records))
    if clashes:
        raise PluginError(f"{config.docs_dir}/{clashes[0]} would hide a generated page; rename or remove it")
    for path, page in _state.overviews.items():
        files.append(File.generated(config, path, content=page.body))
    _state.finished = {}
    return files


def _prepare(files: Files, config: MkDocsConfig) -> None:
    """Validate the records and generate the pages, once for every language of the site."""
    folder = records_dir(config)
    pages.forget_templates()         # `mkdocs serve` rebuilds in the same process after an edit
    try:
        _state.languages = languages.chosen(config.extra.get("languages"))
    except languages.UnknownLanguage as err:
        raise PluginError(f"extra.languages in {config.config_file_path}: {err}") from None
    # Checked first: a missing package should not cost a whole build before it is reported.
    try:
        _state.vendor = vendor.vendor_files(project_root(config))
        _state.world = load_world(project_root(config))
        _state.icons = icons.icon_sprite(lambda name: theme_icon(config, name))
    except (vendor.VendorMissing, icons.IconMissing) as err:
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
    newest = history.changes[0].date if history.changes else history.generated_at
    _state.directory = directory
    _state.history = history
    _state.today = build_day
    _state.schemas = load_schemas(project_root(config))
    _state.records = pages.record_paths(directory)
    _state.last_updated = newest.date().isoformat()
    _state.root_only = frozenset(file.dest_uri for file in files if _is_own_static_file(file, config))


def _quieten_theme_script(files: Files, config: MkDocsConfig) -> None:
    """Every language's copy of the theme's script, without its alternate-site navigation
    (theme_script.py says why)."""
    for file in files:
        if theme_script.BUNDLE.fullmatch(file.src_uri) and not _is_own_static_file(file, config):
            try:
                file.content_string = theme_script.without_alternate_navigation(file.content_string)
            except theme_script.ThemeScriptChanged as err:
                raise PluginError(f"{file.abs_src_path}: {err}") from None


def _is_own_static_file(file: File, config: MkDocsConfig) -> bool:
    """A script, style sheet or other file of site_src/ (not a page, not one of the theme's)."""
    return (not file.is_documentation_page() and file.src_dir is not None
            and Path(file.src_dir).resolve() == Path(config.docs_dir).resolve())


def _language_files(files: Files, config: MkDocsConfig, language: Language) -> Files:
    """The hand-written pages in `language` (site_src/<code>/<page>.md, kept at the English page's
    path so that links between pages stay as they are); a page not translated yet stays English.
    Scripts and style sheets are left out: the pages load the root's."""
    translations = Path(config.docs_dir) / language.code
    chosen = Files([])
    for file in files:
        if _is_own_static_file(file, config):
            continue
        translated = translations / file.src_uri
        if file.inclusion.is_excluded() or not (file.is_documentation_page() and file.src_dir is not None):
            chosen.append(file)
        elif translated.is_file():
            chosen.append(File.generated(config, file.src_uri, abs_src_path=str(translated),
                                         inclusion=InclusionLevel.INCLUDED))
        else:
            log.warning(f"{config.docs_dir}/{language.code}/{file.src_uri} is missing; the {language.name} "
                        f"site shows the English page")
            chosen.append(file)
    return chosen


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    source = page.file.src_uri
    generated = _state.overviews.get(source)
    if generated is not None:
        # The theme prints `page.meta.title` as it is (in <title>, the header and the search
        # index), so it gets the escaped text, marked safe so nothing escapes it a second time.
        page.meta["title"] = Markup.escape(generated.title)
        # A generated page is already finished, escaped HTML. It skips the Markdown parser
        # (on_page_content puts it back): nothing in it is read as Markdown, and parsing large
        # HTML blocks would be much of the build time.
        _state.finished[source] = markdown
        return ""
    if source == "edit.md":
        markdown = markdown.replace(REPO_URL_MARKER, str(Markup.escape(config.repo_url or "")))
    if source == "index.md" and SUMMARY_MARKER in markdown and _state.directory is not None:
        summary = pages.home_summary(_state.directory, _state.last_updated, _state.world,
                                     page_words(language_of(config).code))
        markdown = markdown.replace(SUMMARY_MARKER, f"\n\n{summary}\n\n")
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _state.finished.pop(page.file.src_uri, html)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _state.nav = nav
    return nav


# The page the web server shows for every missing address, under whichever language's folder: the
# root's, which says so in every language of the site (overrides/404.html).
NOT_FOUND = (N_("There is no page at this address."), N_("Go to the home page"))


def not_found_notices() -> list[dict[str, str]]:
    """What the page for a missing address says in each language of the site, after the default."""
    notices = []
    for language in _state.languages[1:]:
        words = page_words(language.code)
        notices.append({"lang": language.code, "home": languages.folder(language),
                        "text": words.gettext(NOT_FOUND[0]), "link": words.gettext(NOT_FOUND[1])})
    return notices


def on_env(env, config: MkDocsConfig, files: Files):
    """The theme overrides' `_()` speak the build's language, from the site's catalog."""
    env.install_gettext_translations(catalogs.translations("site", language_of(config).code))
    env.globals["not_found_notices"] = not_found_notices
    env.bytecode_cache = _compiled_templates
    _state.env, _state.files = env, files
    return env


def on_page_context(context, page: Page, config: MkDocsConfig, nav: Navigation):
    """Name the page's copies in every language: the theme prints `extra.alternate` as hreflang
    links, and the site's language switch (overrides/partials/alternate.html) offers them.

    The hreflang links name each copy from the server's root: the theme's `url` filter, which it
    passes them through, cannot make a relative one leading out of a language's folder."""
    language = language_of(config)
    site_path = urlsplit(_site_url(config) or "/").path
    found = languages.alternates(_state.languages, language, page.url, site_path)
    config.extra["alternate"] = [
        {"name": alternate.language.name, "lang": alternate.language.code, "link": alternate.path,
         "href": alternate.href, "current": alternate.language == language} for alternate in found
    ] + [{"name": languages.DEFAULT.name, "lang": "x-default", "link": found[0].path, "href": found[0].href,
          "current": False}]
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return weight.without_indentation(_rebased(output, page.url, config))


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """The sitemap lists the pages written into the shell too, which mkdocs does not know of."""
    if template_name != "sitemap.xml" or not _state.records:
        return output
    prefix = (config.site_url or "").rstrip("/") + "/"
    date = get_build_date()
    entries = "".join(f"\n    <url>\n         <loc>{escape(prefix + pages.page_url(path))}</loc>\n"
                      f"         <lastmod>{date}</lastmod>\n    </url>" for path in _state.records)
    return output.replace("\n</urlset>", f"{entries}\n</urlset>", 1)


def _site_url(config: MkDocsConfig) -> str | None:
    """The site's address, of the root whichever language is being built."""
    return config.extra.get(ROOT_URL_KEY, config.site_url) or None


def _rebased(html: str, page_url: str, config: MkDocsConfig) -> str:
    """A page of another language than the default, with its links to files only the root has
    (the feed, scripts, data) leading there."""
    language = language_of(config)
    if language == languages.DEFAULT:
        return html
    return languages.rebased_links(html, language, page_url, _state.root_only)


def output_path(site_dir: Path, relative: str) -> Path:
    """Where a generated file goes; refuses any path that would leave the output folder."""
    parts = PurePosixPath(relative).parts
    if (not relative or "\\" in relative or PurePosixPath(relative).is_absolute()
            or any(part in ("", ".", "..") for part in parts)):
        raise PluginError(f"refusing to write `{relative}`: not a plain path inside the site")
    # Plain parts cannot climb out of the folder, and nothing in it is a link: the build writes
    # into a folder it has just created, where mkdocs copies files rather than links. (Asking the
    # file system to resolve each of 70,000 files was a tenth of a four-language build.)
    return site_dir / Path(*parts)


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
    produced.update(engine.language_files())
    produced["assets/editor-rules.json"] = editor_rules.editor_rules()
    produced.update(_state.vendor)
    if _state.world is not None:
        produced[maps.SPRITE_PATH] = maps.world_svg(_state.world)
    produced[icons.SPRITE_PATH] = _state.icons
    return produced


def on_post_build(config: MkDocsConfig) -> None:
    if _state.directory is None or _state.history is None:
        return
    site_dir = Path(config.site_dir)
    _write_record_pages(config, site_dir)
    if language_of(config) != languages.DEFAULT:
        # The web server answers every missing address with the root's 404 page, whatever the
        # language; the root's names every language's home page.
        (site_dir / "404.html").unlink(missing_ok=True)
        return
    produced = extra_files(_state.directory, _state.history, config.site_url or "")
    with progress.current().start("Writing feed files", len(produced)) as stage:
        for relative, content in sorted(produced.items()):
            target = output_path(site_dir, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            stage.advance()
    _state.root_only = _state.root_only | frozenset(produced)
    for language in _state.languages[1:]:
        _build_language(config, language)


@contextmanager
def _heap_set_aside() -> Iterator[None]:
    """Python's collector leaves alone, while a language's pages are written, what the build holds
    before them (the validated records, the model, mkdocs' own), and looks at them again after:
    each full collection during the pages walked those millions of objects: 0.6 to 1.2 s of the
    8 s a language's pages took at 10,000 institutions."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write_record_pages(config: MkDocsConfig, site_dir: Path) -> None:
    """The institution, pod and country pages of this build's language, each in the theme's page
    rendered once for all of them, and their entries in the theme's search index."""
    if _state.directory is None or _state.env is None or _state.nav is None or _state.files is None:
        return

    def named(context, page):
        return on_page_context(context, page, config, _state.nav)

    html = render_shell(config, _state.env, _state.nav, _state.files, on_context=named)
    shell = shell_from(_rebased(html, STAND_IN + "/", config))
    entries = []
    label = f"Writing pages ({language_of(config).name})"
    records = pages.record_pages(_state.directory, _state.today, _state.world, page_words(language_of(config).code))
    with progress.current().start(label, len(_state.records)) as stage, _heap_set_aside():
        for path, page in records:
            url = pages.page_url(path)
            target = output_path(site_dir, f"{url}index.html")
            target.parent.mkdir(parents=True, exist_ok=True)
            # The page's own links are right for its language already (pages.py); only the
            # theme's page around it needed rebasing, once.
            target.write_text(shell.page(url, page.title, page.body), encoding="utf-8")
            if page.search is not None:
                entries.append({"location": url, "title": str(escape(page.title)), "text": page.search})
            stage.advance()
    index_file = site_dir / "search" / "search_index.json"
    if entries and index_file.is_file():
        # The theme's search plugin wrote the index of the pages mkdocs built (its on_post_build
        # runs before this hook's); the same file, in the plugin's own format, gets the rest.
        index = json.loads(index_file.read_text(encoding="utf-8"))
        index["docs"].extend(entries)
        index_file.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")


def _build_language(config: MkDocsConfig, language: Language) -> None:
    """One more mkdocs build, of `language`, into `<site>/<code>/`: mkdocs.yml read again, with
    that language for the theme and the pages, and the addresses of the running build."""
    site_url = f"{config.site_url.rstrip('/')}/{language.code}/" if config.site_url else None
    translated = load_config(config_file=config.config_file_path, site_dir=str(Path(config.site_dir) / language.code),
                             site_url=site_url, strict=config.strict)
    translated.theme["language"] = language.code
    translated["nav"] = _translated_nav(translated["nav"], page_words(language.code))
    translated.extra[LANGUAGE_KEY] = language.code
    translated.extra[ROOT_URL_KEY] = config.site_url
    translated.extra["records_dir"] = config.extra.get("records_dir")
    mkdocs_build(translated)


# The titles of the navigation in mkdocs.yml, marked here for the catalogs, which translate them.
NAVIGATION_TITLES = (N_("Home"), N_("Directory"), N_("Countries"), N_("Pods"), N_("Join the directory"), N_("Check a request"),
                     N_("Profile editor"), N_("Request checks"), N_("Field reference"), N_("Feed"))


def _translated_nav(nav, words: PageWords):
    """mkdocs.yml's navigation with its titles in the language (a title without a translation
    stays as it is)."""
    if isinstance(nav, list):
        return [_translated_nav(entry, words) for entry in nav]
    if isinstance(nav, dict):
        return {words.gettext(title): _translated_nav(target, words) for title, target in nav.items()}
    return nav


def on_serve(server, config: MkDocsConfig, builder):
    """Rebuild the preview when a record, a schema or a page template changes."""
    root = project_root(config)
    for watched in (records_dir(config), root / "schema", Path(__file__).resolve().parent / "templates"):
        if watched.is_dir():
            server.watch(str(watched))
    return server
