"""The `rsdir` command line: the edge where files, the clock and the terminal meet the core."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from . import report
from .records import display_path
from .scaffold import CHANNEL_METHODS, Profile, render_profile, scaffold_problems
from .validate import Validation, validate_directory

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def records_option(function):
    return click.option(
        "--records", "records_dir", default="records", show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The folder holding institutions/ and pods/.")(function)


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
        raise click.BadParameter(f"`{value}` is not a date; write YYYY-MM-DD") from None


def today(on_date: dt.date | None = None) -> dt.date:
    return on_date or dt.date.today()


def usage_error(message: str) -> "click.exceptions.Exit":
    click.echo(f"rsdir: {message}", err=True)
    return click.exceptions.Exit(EXIT_USAGE)


def require_records_dir(records_dir: Path) -> None:
    if not records_dir.is_dir():
        raise usage_error(f"records folder `{records_dir}` does not exist; run from the directory "
                          "checkout or pass --records DIR")


def validated(records_dir: Path, on_date: dt.date | None = None) -> Validation:
    require_records_dir(records_dir)
    return validate_directory(records_dir, today(on_date))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ors-directory", prog_name="rsdir")
def main() -> None:
    """Open Resource Sharing Directory: check profiles, build the site, answer requests."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@records_option
@format_option("text", "json", "github")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@on_option
def validate(paths: tuple[Path, ...], records_dir: Path, output_format: str, strict: bool,
             on_date: dt.date | None) -> None:
    """Check every record (schema and cross-record checks).

    PATHS narrows the report to those files or folders; the whole directory is still read, since
    many checks compare records with each other.
    """
    result = validated(records_dir, on_date)
    problems = list(result.problems)
    files = len(result.loaded.records) + len({p.file for p in result.loaded.problems})
    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise usage_error(f"no such file or folder: {display_path(missing[0])}")
        wanted = [display_path(p) for p in paths]
        problems = [p for p in problems
                    if any(p.file == w or p.file.startswith(w.rstrip("/") + "/") for w in wanted)]
    failing = {"error", "warning"} if strict else {"error"}
    ok = not any(p.severity in failing for p in problems)
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


@main.command()
@records_option
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
    problems = scaffold_problems(text, target)
    if problems:
        for problem in problems:
            click.echo(problem.as_text(), err=True)
        raise usage_error("the answers above do not make a valid profile; nothing was written")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {display_path(target)}. Check it with: rsdir validate {display_path(target)}")
