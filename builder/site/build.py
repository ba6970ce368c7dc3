"""Building the site into an output folder with mkdocs, all or nothing, and previewing it.

The site is built into a fresh folder next to the output folder and only renamed into place once
mkdocs has finished, so a failed build leaves the previous output exactly as it was.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import socket
import sys
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

from builder.history import HistoryError, source_date_epoch  # noqa: E402
from builder.site.weight import PAGES_LIMIT, megabytes, site_weight  # noqa: E402

# Files that mark a folder as an earlier build of the site, which may therefore be replaced.
BUILT_SITE_MARKERS = ("sitemap.xml", "404.html")


class BuildRefused(Exception):
    """The build cannot start as asked (bad --out, missing mkdocs.yml); nothing was changed."""


class BuildFailed(Exception):
    """mkdocs (or the records it validated) failed; the previous output is untouched.

    `writing` is true when the failure was in writing files (permissions, a full disk) rather
    than in the records or the pages."""

    def __init__(self, message: str, *, writing: bool = False):
        super().__init__(message)
        self.writing = writing


class _MkdocsMessages(logging.Handler):
    """Takes mkdocs' log while rsdir runs it.

    mkdocs reports why a build failed (the hook's list of invalid records, say) only in its log
    and then raises a bare "Aborted with a BuildError!"; the errors are kept here so the failure
    can name them. Messages from `echo` up are printed to stderr as they come (errors only with
    `echo_errors`), so a preview shows its address and every failed rebuild.
    """

    def __init__(self, echo: int, echo_errors: bool) -> None:
        super().__init__(logging.DEBUG)
        self.echo = echo
        self.echo_errors = echo_errors
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        if record.levelno >= self.echo and (self.echo_errors or record.levelno < logging.ERROR):
            prefix = "" if record.levelno < logging.WARNING else f"{record.levelname.lower()}: "
            print(f"{prefix}{message}", file=sys.stderr, flush=True)

    def failure(self, err: MkDocsException) -> BuildFailed:
        return BuildFailed("\n".join(self.errors) or str(err))


@contextmanager
def _mkdocs_log(echo: int, echo_errors: bool) -> Iterator[_MkdocsMessages]:
    logger = logging.getLogger("mkdocs")
    handler = _MkdocsMessages(echo, echo_errors)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def check_source_date_epoch() -> None:
    """A malformed SOURCE_DATE_EPOCH is a mistake in the caller's environment: refuse before
    mkdocs starts, instead of failing halfway through the build."""
    try:
        source_date_epoch()
    except HistoryError as err:
        raise BuildRefused(f"{err}; unset it or give seconds since 1970, e.g. "
                           "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)") from None


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _blocking_file(folder: Path) -> Path | None:
    """The file that stands where one of `folder`'s parent folders should be, if any."""
    for parent in [folder, *folder.parents]:
        if parent.exists() or parent.is_symlink():
            return None if parent.is_dir() else parent
    return None


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


def load_site_config(config_file: Path, records_dir: Path, site_dir: Path, languages: str | None = None):
    if not config_file.is_file():
        raise BuildRefused(f"`{config_file}` not found; run from the directory checkout or pass --config")
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    except MkDocsException as err:
        raise BuildRefused(f"{config_file}: {err}") from None
    config.extra["records_dir"] = str(records_dir.resolve())
    if languages is not None:
        config.extra["languages"] = languages
    return config


NO_CACHE = "RSDIR_NO_CACHE"   # set to 1 for the hook: validate without the cache of records


@contextmanager
def _cache_choice(use_cache: bool) -> Iterator[None]:
    """Tell the hook (which mkdocs loads, and which reads no arguments) whether to use the cache."""
    with _restored_environment(NO_CACHE):
        if use_cache:
            os.environ.pop(NO_CACHE, None)
        else:
            os.environ[NO_CACHE] = "1"
        yield


def build_site(config_file: Path, records_dir: Path, out: Path, *, use_cache: bool = True,
               languages: str | None = None, size_limit: int = PAGES_LIMIT) -> Path:
    """Build into a temporary folder beside `out`, then put it in place of `out`; `languages`
    ("en,de") builds only those, instead of every language mkdocs.yml names. A site larger than
    `size_limit` bytes (what GitHub Pages publishes) fails instead."""
    out = out.absolute()
    config_file = config_file.absolute()
    project = config_file.parent
    check_source_date_epoch()
    staging = _prepare_output(out, project, [records_dir, project / "site_src", project / "schema",
                                             project / "builder"])
    try:
        config = load_site_config(config_file, records_dir, staging, languages)
        with _restored_environment("SOURCE_DATE_EPOCH"), _cache_choice(use_cache), \
                _mkdocs_log(logging.WARNING, echo_errors=False) as log:
            try:
                mkdocs_build(config)
            except MkDocsException as err:
                raise log.failure(err) from None
            except OSError as err:
                raise BuildFailed(f"could not write the site into `{staging}`: {_reason(err)}",
                                  writing=True) from None
        check_size(staging, size_limit)
        try:
            _swap_in(staging, out)
        except OSError as err:
            raise BuildRefused(f"could not put the new site in place at --out {out}: {_reason(err)}; "
                               "check that you may write to that folder, or choose another --out") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def check_size(site: Path, limit: int) -> None:
    """Fail a built site that is larger than GitHub Pages publishes, before it replaces anything."""
    weight = site_weight(site)
    if weight.bytes > limit:
        raise BuildFailed(f"the site would be {megabytes(weight.bytes)} in {weight.files:,} files, more than "
                          f"the {megabytes(limit)} GitHub Pages publishes; `benchmarks/site.py` shows which "
                          "parts are largest")


def _prepare_output(out: Path, project: Path, inputs: list[Path]) -> Path:
    """Check --out and create the empty staging folder beside it; an --out that cannot be created
    (a file in the way, no permission, a read-only or virtual file system) is refused."""
    try:
        check_output_folder(out, project, inputs)
        blocking = _blocking_file(out.parent)
        if blocking is not None:
            raise BuildRefused(f"--out {out} cannot be created: `{blocking}` is a file, not a folder; "
                               "choose another output folder")
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as err:
        raise BuildRefused(f"--out {out} cannot be created in `{out.parent}`: {_reason(err)}; "
                           "choose a folder you may write to (the default is `site`)") from None


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


def _port_problem(port: int, err: OSError) -> BuildRefused:
    other = port + 1 if port < 65535 else 8000
    if err.errno == errno.EADDRINUSE:
        return BuildRefused(f"port {port} is in use (is another preview still running?); stop that "
                            f"program or pass --port {other}")
    if err.errno == errno.EACCES and port < 1024:
        return BuildRefused(f"port {port} needs administrator rights; pass --port 8000 or another "
                            "port above 1023")
    if err.errno == errno.EACCES:
        return BuildRefused(f"port {port} cannot be used here (the system refused it); pass "
                            f"--port {other} or another free port")
    return BuildRefused(f"cannot serve on 127.0.0.1:{port}: {_reason(err)}; pass another --port")


def check_port(port: int) -> None:
    """Fail at once when the preview could not listen on the port.

    mkdocs binds its server only after the first full build, so a taken port (the commonest
    first-run failure) would otherwise cost a whole build before an error. The probe sets
    SO_REUSEADDR like mkdocs' server does, so a port held only by connections of a preview that
    just ended is not mistaken for a taken one.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen(1)
        except OSError as err:
            raise _port_problem(port, err) from None


def serve_site(config_file: Path, records_dir: Path, port: int, *, use_cache: bool = True,
               languages: str | None = None) -> None:
    """mkdocs' own preview server on 127.0.0.1, rebuilding when pages, records or schemas change.

    The records are validated by the mkdocs hook on every build; an invalid directory stops the
    first build with the validator's messages and nothing is served.
    """
    from mkdocs.commands.serve import serve

    if not config_file.is_file():
        raise BuildRefused(f"`{config_file}` not found; run from the directory checkout or pass --config")
    check_source_date_epoch()
    check_port(port)
    # The preview server re-reads mkdocs.yml on every rebuild; `extra.records_dir` reads this.
    with _restored_environment("RSDIR_RECORDS", "RSDIR_LANGUAGES", "SOURCE_DATE_EPOCH"), _cache_choice(use_cache), \
            _mkdocs_log(logging.INFO, echo_errors=True) as log:
        os.environ["RSDIR_RECORDS"] = str(records_dir.resolve())
        if languages is not None:
            os.environ["RSDIR_LANGUAGES"] = languages
        mkdocs_logger = logging.getLogger("mkdocs")
        level = mkdocs_logger.level
        mkdocs_logger.setLevel(logging.INFO)
        try:
            serve(config_file=str(config_file), dev_addr=f"127.0.0.1:{port}", livereload=True)
        except MkDocsException as err:
            # The errors were printed as they came; repeating them would double the list.
            raise BuildFailed("the first build failed (see above)" if log.errors else str(err)) from None
        except OSError as err:
            if err.filename is None and err.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
                raise _port_problem(port, err) from None
            where = f" (`{err.filename}`)" if err.filename else ""
            raise BuildRefused(f"the preview could not start: {_reason(err)}{where}") from None
        finally:
            mkdocs_logger.setLevel(level)
