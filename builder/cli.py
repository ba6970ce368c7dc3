"""The `rsdir` command line: the edge where files, the clock and the terminal meet the core."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable

import click

from . import report
from .messages import say
from .progress import Progress, reporting_to, shown
from .records import display_path
from .scaffold import CHANNEL_METHODS, Profile, render_profile, scaffold_problems
from .validate import Validation, passes, validate_directory

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def records_option(function):
    return click.option(
        "--records", "records_dir", default="records", show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The folder holding institutions/ and pods/.")(function)


def languages_option(function):
    """`--languages en,de` for `build` and `serve`: the site in only some of its languages."""
    def checked(ctx, param, value):
        from .site import languages

        if value is None:
            return None
        try:
            return ",".join(language.code for language in languages.chosen(value))
        except languages.UnknownLanguage as err:
            raise click.BadParameter(str(err)) from None
    return click.option(
        "--languages", default=None, metavar="CODES", callback=checked,
        help="Build only these languages (comma-separated codes, e.g. `en` for a quicker preview); "
             "English, the site's root, is always built. Default: all (en,de,fr,es).")(function)


def _context_flag(key: str, *declarations: str, help: str):
    """A flag that a command does not take as an argument: its choice is kept in the click
    context under `key`, where the helper that needs it (`directory_cache`, `command_progress`)
    finds it."""
    def remember(ctx, param, value):
        ctx.meta[key] = value
    return click.option(*declarations, is_flag=True, expose_value=False, callback=remember, help=help)


# `--no-cache` for a command that reads the directory.
cache_option = _context_flag(
    "rsdir.no_cache", "--no-cache",
    help="Read and check every record afresh, without the cache in $XDG_CACHE_HOME/rsdir (answers "
         "are the same either way).")
# `--quiet` for a command that shows its progress on a terminal.
quiet_option = _context_flag(
    "rsdir.quiet", "--quiet", "-q",
    help="Show no progress bars on the terminal (results and problems are printed as ever).")


def command_progress() -> Progress:
    """Progress bars on stderr when it is a terminal, unless in CI or the command has `--quiet`."""
    return shown(quiet=bool(click.get_current_context().meta.get("rsdir.quiet")))


def directory_cache() -> "Cache | None":  # noqa: F821
    """The cache of loaded and checked records, unless the command was given `--no-cache`."""
    from .cache import Cache, cache_folder

    if click.get_current_context().meta.get("rsdir.no_cache"):
        return None
    return Cache(cache_folder(), lambda message: click.echo(f"rsdir: warning: {message}", err=True))


def format_option(*choices: str):
    def decorate(function):
        return click.option("--format", "output_format", type=click.Choice(choices), default="text",
                            show_default=True, help="How to print the results.")(function)
    return decorate


def on_option(function):
    return click.option("--on", "on_date", metavar="YYYY-MM-DD", callback=_parse_on,
                        help="Treat this day as today (default: today's date).")(function)


def _parse_on(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(say("cli.on-not-a-date", value=value)) from None


def today(on_date: dt.date | None = None) -> dt.date:
    return on_date or dt.date.today()


def usage_error(message: str) -> "click.exceptions.Exit":
    click.echo(f"rsdir: {message}", err=True)
    return click.exceptions.Exit(EXIT_USAGE)


def require_records_dir(records_dir: Path) -> None:
    if not records_dir.is_dir():
        raise usage_error(f"records folder `{records_dir}` does not exist; run from the directory "
                          "checkout or pass --records DIR")


def require_paths_inside(paths: tuple[Path, ...], records_dir: Path) -> None:
    """PATHS of `validate` and `fmt` must exist and lie inside the records folder."""
    require_records_dir(records_dir)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise usage_error(f"no such file or folder: {display_path(missing[0])}")
    root = records_dir.resolve()
    # Only the folder is resolved: a symbolic link inside records/ is reported as one
    # (`file-is-link`), not mistaken for a file elsewhere.
    outside = [p for p in paths if not (p.absolute().parent.resolve() / p.name).is_relative_to(root)]
    if outside:
        raise usage_error(f"{display_path(outside[0])} is not inside the records folder `{records_dir}`; "
                          "records are checked where they live: move the file into "
                          "records/institutions/<country>/ (or records/pods/) first, or pass --records")


def cycle_collector_off_for_this_command() -> None:
    """A command that reads the directory holds millions of small objects and makes no reference
    cycles; Python's cycle collector would only scan them again and again, and once more when it
    is switched back on (a tenth of a run at 10,000 records, most of an answer from the cache). The
    command is the process's last work, so it stays off; a caller that runs commands in its own
    process switches it back on (the tests do)."""
    gc.disable()


def validated(records_dir: Path, on_date: dt.date | None = None, cache: "Cache | None" = None) -> Validation:  # noqa: F821
    require_records_dir(records_dir)
    cycle_collector_off_for_this_command()
    return validate_directory(records_dir, today(on_date), cache=cache, progress=command_progress())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ors-directory", prog_name="rsdir")
def main() -> None:
    """Open Resource Sharing Directory: check profiles, build the site, answer requests."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@records_option
@cache_option
@quiet_option
@format_option("text", "json", "github")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@on_option
def validate(paths: tuple[Path, ...], records_dir: Path, output_format: str, strict: bool,
             on_date: dt.date | None) -> None:
    """Check every record (schema and cross-record checks).

    PATHS narrows the report to those files or folders, which must lie inside --records; the
    whole directory is still read, since many checks compare records with each other.
    """
    require_paths_inside(paths, records_dir)
    result = validated(records_dir, on_date, directory_cache())
    problems = list(result.problems)
    files = len(result.loaded.records) + len({p.file for p in result.loaded.problems})
    if paths:
        wanted = [display_path(p) for p in paths]
        problems = [p for p in problems
                    if any(p.file == w or p.file.startswith(w.rstrip("/") + "/") for w in wanted)]
    ok = passes(problems, strict=strict)
    if output_format == "json":
        click.echo(report.as_json(problems, files, ok), nl=False)
    elif output_format == "github":
        click.echo(report.github_annotations(problems, [display_path(p) for p in paths]), nl=False)
        click.echo(report.summary_line(problems, files))
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(report.github_summary(problems, files))
    else:
        click.echo(report.as_text(problems, files), nl=False)
    sys.exit(EXIT_OK if ok else EXIT_FAILED)


@main.command(short_help="Rewrite record files in the directory's layout (the profile editor's).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@records_option
@click.option("--check", is_flag=True,
              help="Change nothing; report every file not in the layout and exit 1 if there is one.")
@format_option("text", "json", "github")
def fmt(paths: tuple[Path, ...], records_dir: Path, check: bool, output_format: str) -> None:
    """Rewrite record files in the directory's layout, keeping their data.

    It is the layout the profile editor on the site writes, so a profile saved from the editor
    and one formatted here are the same file: the schema modeline first, fields in the schema's
    order, every text quoted (long or multi-line text as a folded block), plain numbers. Comments
    in a file are not kept. A record with schema errors is left as it is (see `rsdir validate`).

    PATHS (files or folders inside --records) narrow it to those files; without PATHS, every
    record. Exit status: 0 all formatted, 1 a file could not be formatted or, with --check, is
    not in the layout, 2 a usage error.
    """
    from .fmt import format_records
    from .report import github_annotations

    require_paths_inside(paths, records_dir)
    result = format_records(records_dir, [display_path(p) for p in paths], check=check)
    if output_format == "json":
        click.echo(result.as_json(), nl=False)
    elif output_format == "github":
        click.echo(github_annotations(list(result.problems)), nl=False)
        click.echo(result.summary())
    else:
        click.echo(result.as_text(), nl=False)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@main.command(short_help="Create a new institution profile; asks for what is missing.")
@records_option
@cache_option
@click.option("--id", "record_id", help="Stable id, e.g. de-nordbib (lower case, digits, hyphens).")
@click.option("--name", help="Display name of the institution.")
@click.option("--country", help="ISO 3166 country code, e.g. DE.")
@click.option("--maintainer", help="Your GitHub login.")
@click.option("--email", help="Email address of your interlibrary-loan lending desk.")
@click.option("--channel", "channel_method", type=click.Choice(CHANNEL_METHODS),
              help="How requests reach you first.")
@click.option("--channel-url", help="https:// address of your ISO 18626 or ILLiad endpoint.")
@click.option("--channel-symbol", help="Your agency symbol on that channel, e.g. ISIL:DE-89.")
@click.option("--channel-host", help="ISO ILL host name.")
@click.option("--channel-port", type=int, help="ISO ILL port.")
@click.option("--channel-code", help="Alma institution code.")
@click.option("--channel-email", help="Address that receives emailed requests (default: --email).")
@on_option
def new(records_dir: Path, on_date: dt.date | None, **answers) -> None:
    """Create a new institution profile, asking for what the options do not give."""
    require_records_dir(records_dir)
    interactive = sys.stdin.isatty() or os.environ.get("RSDIR_PROMPT") == "1"

    def ask(key: str, text: str, **kwargs):
        if answers.get(key) in (None, ""):
            if not interactive:
                raise usage_error(f"--{key.replace('_', '-')} is required (no terminal to ask on)")
            answers[key] = click.prompt(text, **kwargs)
        return answers[key]

    ask("record_id", "Id (lower case letters, digits, hyphens; e.g. de-nordbib)")
    ask("name", "Name of the institution")
    ask("country", "Country (two letters, e.g. DE)")
    ask("maintainer", "Your GitHub login")
    ask("email", "Email of your interlibrary-loan lending desk")
    method = ask("channel_method", "First request channel", type=click.Choice(CHANNEL_METHODS), default="email")
    if method in ("iso18626", "illiad"):
        ask("channel_url", "https:// address of the endpoint")
    if method in ("iso18626", "illiad", "iso-ill"):
        ask("channel_symbol", "Your agency symbol (e.g. ISIL:DE-89)")
    if method == "iso-ill":
        ask("channel_host", "ISO ILL host")
        ask("channel_port", "ISO ILL port", type=int)
    if method == "alma":
        ask("channel_code", "Alma institution code")

    profile = Profile.from_answers(answers, today(on_date))
    text = render_profile(profile)
    target = records_dir / "institutions" / profile.country.lower() / f"{profile.record_id}.yaml"
    if target.exists():
        raise usage_error(f"{display_path(target)} already exists; edit it instead of creating it again")
    problems = scaffold_problems(text, target, records_dir, today(on_date), directory_cache())
    if problems:
        for problem in problems:
            click.echo(problem.as_text(), err=True)
        raise usage_error("the answers above do not make a valid profile; nothing was written")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {display_path(target)}. Add your lending terms, identifiers and partners as the "
               f"field reference describes, then check it with: rsdir validate {display_path(target)}")


@main.command("check-ownership", short_help="Fail unless the --author may make each record change.")
@click.option("--base", required=True, metavar="REV",
              help="The revision the change is proposed against (in CI: the pull request's base commit).")
@click.option("--author", required=True, metavar="LOGIN", help="GitHub login of the change's author.")
@records_option
@format_option("text", "json")
def check_ownership_command(base: str, author: str, records_dir: Path, output_format: str) -> None:
    """Fail unless the --author may make every record change committed since the --base revision.

    Each changed, added, deleted or renamed file under the records folder is checked against the
    maintainers in the base revision's version of that record (a new record must list the
    author); directory admins, listed in .github/admins.yaml on the base revision, may change
    anything. Uncommitted edits are not checked.
    """
    from .ownership import OwnershipError, check_ownership, valid_login

    if not valid_login(author.removeprefix("@")):
        raise usage_error(f"`{author}` is not a GitHub login (letters, digits and single hyphens)")
    try:
        result = check_ownership(records_dir, base, author.removeprefix("@"))
    except OwnershipError as err:
        raise usage_error(str(err)) from None
    if output_format == "json":
        click.echo(json.dumps(result.as_json(), indent=2))
    else:
        click.echo(result.as_text(), nl=False)
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


# --- partnerships and requests: `rsdir partners`, `rsdir check`, `rsdir route` -----------------

def answering_directory(records_dir: Path, on_date: dt.date | None) -> "Directory":  # noqa: F821
    """The directory that answers requests: built from the valid records, loaded once.

    A directory with errors still answers (a broken record elsewhere should not stop a borrower),
    but stderr says which files were left out and that the answers may be incomplete.
    """
    from .model import Directory

    cache = directory_cache()
    result = validated(records_dir, on_date, cache)
    if result.errors:
        used = {record.document.file for record in result.valid}
        skipped = sorted({p.file for p in result.errors} - used)
        flawed = sorted({p.file for p in result.errors} & used)
        click.echo("rsdir: warning: the records have validation errors (see `rsdir validate`); "
                   "answers use the valid records only.", err=True)
        if skipped:
            click.echo(f"rsdir: warning: skipped: {', '.join(skipped)}", err=True)
        if flawed:
            click.echo(f"rsdir: warning: used despite cross-record errors: {', '.join(flawed)}", err=True)
    # What the model works out from the whole directory is kept in the cache with the records it
    # came from, and used again only for exactly those records.
    known = cache.known_facts(records_dir, result.directory_key) if cache and result.directory_key else None
    directory = Directory.from_records(result.valid, left_out=_left_out_institutions(result), known=known)
    if cache and result.directory_key and known is None:
        cache.keep_known_facts(records_dir, result.directory_key, directory.known_facts())
    return directory


def _left_out_institutions(result: Validation) -> set[str]:
    """Ids and file names of the institution records left out of the answers for their errors.

    Both are kept: an invalid record's `id` may itself be what is wrong, and a borrower names a
    library by the id it had when its file was valid.
    """
    from .records import INSTITUTION

    valid = {record.document.file for record in result.valid}
    names = {stem for kind, stem in result.loaded.unreadable if kind == INSTITUTION}
    for record in result.loaded.records:
        if record.kind == INSTITUTION and record.document.file not in valid:
            names.add(record.stem)
            written_id = record.data.get("id") if isinstance(record.data, dict) else None
            if isinstance(written_id, str):
                names.add(written_id)
    return names


def json_text(document: dict, *, item_per_line: bool = False) -> str:
    """Indented JSON; with `item_per_line`, each entry of a top-level list on one line, which keeps
    answers about thousands of requests or institutions readable, diffable and fast to print."""
    if not item_per_line:
        return json.dumps(document, ensure_ascii=False, indent=2)

    def member(key: str, value) -> str:
        if isinstance(value, list) and value:
            items = ",\n    ".join(map(_encode_json, value))
            return f"  {_encode_json(key)}: [\n    {items}\n  ]"
        return f"  {_encode_json(key)}: {_encode_json(value)}"

    return "{\n" + ",\n".join(member(key, value) for key, value in document.items()) + "\n}"


# One encoder for every item: `json.dumps` with options builds a new encoder on each call, which
# is a fifth of the time when printing a hundred thousand partnerships.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _print_json(document: dict, *, item_per_line: bool = False) -> None:
    click.echo(json_text(document, item_per_line=item_per_line))


@main.command(short_help="Partnerships of one institution, or of all with --all.")
@click.argument("institution", required=False)
@click.argument("other", required=False)
@click.option("--all", "whole_graph", is_flag=True, help="Print the partnerships of every institution.")
@records_option
@cache_option
@quiet_option
@format_option("text", "json")
@on_option
def partners(institution: str | None, other: str | None, whole_graph: bool, records_dir: Path,
             output_format: str, on_date: dt.date | None) -> None:
    """Partnerships of INSTITUTION (an id or agency id): mutual, waiting, and whether requests flow.

    With OTHER, only the partnership with that library, and why the two are not mutual partners
    when they are not. With --all, every institution.
    """
    from .model import UnknownInstitution
    from .partners import graph, graph_text, named_pair, partnerships, partnerships_text

    if whole_graph and institution:
        raise usage_error("give either INSTITUTION or --all, not both")
    if not whole_graph and not institution:
        raise usage_error("give an institution id, or --all for the whole directory")
    directory = answering_directory(records_dir, on_date)
    if whole_graph:
        document = graph(directory)
        if output_format == "json":
            _print_json(document, item_per_line=True)
        else:
            click.echo(graph_text(document))
        return
    try:
        me, partner = named_pair(directory, institution, other)
    except UnknownInstitution as err:
        raise usage_error(str(err)) from None
    document = partnerships(directory, me.id, partner.id if partner else None)
    if output_format == "json":
        _print_json(document)
    else:
        click.echo(partnerships_text(document, {i.id: i.name for i in directory.institutions.values()}))


@main.command(short_help="Decide each REQUEST file: accept, unfilled or retry.")
@click.argument("request_files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@records_option
@cache_option
@quiet_option
@format_option("text", "json")
@on_option
@click.option("--iso18626", "iso18626_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Also write, for each accepted request sent over ISO 18626 (Alma, ISO 18626 or ILLiad), "
                   "the ISO 18626 request message as DIR/<request id>.xml.")
def check(request_files: tuple[Path, ...], records_dir: Path, output_format: str,
          on_date: dt.date | None, iso18626_dir: Path | None) -> None:
    """The decision for each REQUEST file: accept, unfilled or retry, with the reason.

    A request's own `date` wins over --on and today. With --iso18626 DIR, each accepted request
    whose channel speaks ISO 18626 is also written as the message the borrower would send; stderr
    says why for one that cannot be (a library without an ISO 18626 symbol, for example). Exit
    status: 0 all accepted, 1 any not accepted, 2 any request file unreadable, invalid or naming
    an unknown library (the other files are still answered).
    """
    from .decide import decide
    from .requests import RequestError, load_request, resolve_parties

    if iso18626_dir is not None:
        _require_writable_folder(iso18626_dir)
    directory = answering_directory(records_dir, on_date)
    decisions, problems = [], []
    for path in request_files:
        try:
            request, document = load_request(path)
            borrower, lender = resolve_parties(directory, request, document, need_lender=True)
        except RequestError as err:
            problems.extend(err.problems)
            for problem in err.problems:
                click.echo(problem.as_text(), err=True)
            continue
        decisions.append(decide(directory, request, borrower, lender, today(on_date)))
    if iso18626_dir is not None:
        write_iso18626_messages(decisions, iso18626_dir)
    if output_format == "json":
        document = {"results": [decision.as_json() for decision in decisions]}
        if problems:
            document["problems"] = [problem.as_json() for problem in problems]
        _print_json(document, item_per_line=True)
    else:
        blocks = [decision.as_text() for decision in decisions]
        accepted = sum(decision.accepted for decision in decisions)
        blocks.append(f"{len(request_files)} request file(s): {accepted} accepted, "
                      f"{len(decisions) - accepted} not accepted, "
                      f"{len(request_files) - len(decisions)} could not be checked")
        click.echo("\n\n".join(blocks))
    if problems:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK if all(decision.accepted for decision in decisions) else EXIT_FAILED)


def _require_writable_folder(folder: Path) -> None:
    """Create the output folder before any request is answered, so a folder that cannot be used
    stops the command (exit 2) before anything is written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise usage_error(say("iso18626.folder-unusable", folder=display_path(folder),
                              reason=err.strerror or err)) from None


def write_iso18626_messages(decisions: list, folder: Path) -> None:
    """Write the ISO 18626 message of each accepted ISO 18626 request as `<request id>.xml`; on
    stderr, one line for each that cannot be written and why, then how many were.

    Each file is written beside its final name and then renamed, so a file is never half written.
    """
    from .exports.iso18626 import NotSendable, message_file_name, request_message, sends_iso18626

    written: dict[str, str] = {}
    for decision in decisions:
        if not sends_iso18626(decision):
            continue
        request = decision.request
        try:
            name = message_file_name(request.id)
            if name in written:
                raise NotSendable(say("iso18626.duplicate-id", file=display_path(folder / name)))
            content = request_message(decision)
            partial = folder / f".{name}.partial"
            partial.write_bytes(content)
            partial.replace(folder / name)
        except NotSendable as err:
            click.echo(f"rsdir: {say('iso18626.not-written', file=request.file, id=request.id, reason=err)}", err=True)
            continue
        except OSError as err:
            raise usage_error(say("iso18626.folder-unusable", folder=display_path(folder),
                                  reason=err.strerror or err)) from None
        written[name] = request.file
    click.echo(f"rsdir: {say('iso18626.written', folder=display_path(folder), count=len(written))}", err=True)


@main.command(short_help="Every lender that would accept REQUEST, best first.")
@click.argument("request_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--all", "with_refused", is_flag=True, help="Also list the lenders that would refuse, and why.")
@records_option
@cache_option
@quiet_option
@format_option("text", "json")
@on_option
def route(request_file: Path, with_refused: bool, records_dir: Path, output_format: str,
          on_date: dt.date | None) -> None:
    """Every lender that would accept REQUEST, best first.

    Ranked by a confirmed pod shared with the borrower, then lower fee, fewer days to respond,
    same country, id. The request's `lender` field, if any, is not used. Exit status: 0 at least
    one lender, 1 none, 2 the request file is unreadable or invalid.
    """
    from . import route as routing
    from .requests import RequestError, load_request, resolve_parties

    directory = answering_directory(records_dir, on_date)
    try:
        request, document = load_request(request_file)
        borrower, _ = resolve_parties(directory, request, document, need_lender=False)
    except RequestError as err:
        for problem in err.problems:
            click.echo(problem.as_text(), err=True)
        raise usage_error(f"{display_path(request_file)} cannot be routed; fix the problems above") from None
    result = routing.route(directory, request, borrower, today(on_date), with_refused=with_refused)
    if output_format == "json":
        _print_json(result.as_json(with_refused=with_refused))
    else:
        click.echo(result.as_text(with_refused=with_refused))
    sys.exit(EXIT_OK if result.lenders else EXIT_FAILED)


def run_site_step(records_dir: Path, step, not_done: Callable[[bool], str]):
    """What `build` and `serve` share: the records folder must exist, a refused start is a usage
    error (exit 2) and a failed build exits 1 with its reasons and `not_done(writing)`: what to do
    and what was left alone, told whether the failure was in writing files (rather than in the
    records or pages). The records are validated by the mkdocs hook, against the build's own
    date, and an invalid directory fails the build with the validator's messages."""
    from .site.build import BuildFailed, BuildRefused

    require_records_dir(records_dir)
    try:
        return step()
    except BuildRefused as err:
        raise usage_error(str(err)) from None
    except BuildFailed as err:
        click.echo(f"rsdir: {err}", err=True)
        click.echo(f"rsdir: {not_done(err.writing)}", err=True)
        sys.exit(EXIT_FAILED)


@main.command(short_help="Validate the records, then build the site and the feed.")
@records_option
@cache_option
@quiet_option
@click.option("--out", default="site", show_default=True, type=click.Path(path_type=Path),
              help="Folder to build the site into; replaced only when the whole build succeeds.")
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The site configuration.")
@languages_option
def build(records_dir: Path, out: Path, config_file: Path, languages: str | None) -> None:
    """Validate the records, then build the static site and the feed into --out."""
    from .site.build import build_site
    from .site.weight import site_weight

    existed = out.exists()

    def not_done(writing: bool) -> str:
        fix = ("check that its folder can be written to (permissions, free space), or choose another "
               "--out" if writing else "fix the errors above first")
        left = "is unchanged" if existed else "was not created"
        return f"not built: {fix}; {display_path(out)} {left}"

    started = time.monotonic()
    with reporting_to(command_progress()):
        built = run_site_step(records_dir, lambda: build_site(config_file, records_dir, out,
                                                              use_cache=directory_cache() is not None,
                                                              languages=languages), not_done)
    click.echo(build_summary(display_path(built), site_weight(built), time.monotonic() - started))


def build_summary(folder: str, weight: "SiteWeight", seconds: float) -> str:  # noqa: F821
    """The line `build` ends with: what it made and how long it took."""
    from .site.weight import megabytes

    return (f"Built the site into {folder}: {weight.pages:,} pages, {weight.feed_files:,} feed files, "
            f"{megabytes(weight.bytes)} in {weight.files:,} files, in {duration(seconds)}.")


def duration(seconds: float) -> str:
    """"4.2 s", or "3 min 43 s" from a minute on."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


@main.command(short_help="Build the site and preview it on 127.0.0.1.")
@records_option
@cache_option
@quiet_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1 to serve the preview on.")
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The site configuration.")
@languages_option
def serve(records_dir: Path, port: int, config_file: Path, languages: str | None) -> None:
    """Build the site and serve it on 127.0.0.1 for preview, rebuilding when a file changes."""
    from .site.build import serve_site

    # The preview builds into a temporary folder: its failures are the records' or the pages'.
    with reporting_to(command_progress()):
        run_site_step(records_dir, lambda: serve_site(config_file, records_dir, port,
                                                      use_cache=directory_cache() is not None,
                                                      languages=languages),
                      lambda writing: "not served: fix the errors above first")
