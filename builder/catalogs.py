"""The gettext catalogs: which sources feed each domain, where the catalogs live, and each
language's translations, compiled from its `.po` file when first asked for (nothing compiled is
committed).

Catalogs are laid out as Babel lays them out, under `builder/locale/`:
`<domain>.pot` (the template, extracted from the sources) and `<lang>/LC_MESSAGES/<domain>.po`.
English is the source language: its words are the message ids, so it has no catalog.

`python -m builder.catalogs` extracts every domain into its template and brings each language's
catalog up to date with it (new messages appear untranslated, changed ones fuzzy, removed ones
are dropped); `--check` changes nothing and exits 1 when a file is out of date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gettext
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "de", "fr", "es")
SOURCE_LANGUAGE = "en"
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)

PACKAGE = Path(__file__).resolve().parent
REPOSITORY = PACKAGE.parent
LOCALE_DIR = PACKAGE / "locale"

# Dates in the catalogs' headers stay fixed: a new date on every extraction would change every
# catalog in every pull request and make them conflict, although no message changed.
_HEADER_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

_DEFAULT_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
                     "npgettext": ((1, "c"), 2, 3), "N_": None}


@dataclass(frozen=True)
class Domain:
    """One catalog per language: the sources it is extracted from, by which Babel extractor
    (`python`, `javascript`, `jinja2` or `module:function`), and the calls that mark a message."""

    name: str
    sources: tuple[tuple[str, str], ...]       # (pattern relative to the repository, method)
    keywords: Mapping[str, object]
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


DOMAINS: dict[str, Domain] = {domain.name: domain for domain in (
    # What the engine says, on the command line and in the browser: the sentences of
    # builder/messages.py, marked by `message(key, text)` and `plural(key, count, one, many)`
    # with the key as the message context, and the plain words the schemas give each code.
    Domain("engine", (("builder/messages.py", "python"),
                      ("schema/*.schema.json", "builder.catalogs:extract_code_words")),
           keywords={"message": ((1, "c"), 2), "plural": ((1, "c"), 3, 4)}),
    # The pages: the site's Python and templates (`gettext`, `ngettext`, `_`, `{% trans %}`) and
    # its scripts (`t("…", {name})`, `nt("one …", "{count} …", count, {count})`).
    Domain("site", (("builder/site/**.py", "python"),
                    ("builder/site/templates/**.j2", "jinja2"),
                    ("site_src/overrides/**.html", "jinja2"),
                    ("site_src/assets/**.mjs", "javascript"),
                    ("site_src/assets/**.js", "javascript"),
                    # The schemas' titles and descriptions: the profile editor's labels and hints, and
                    # the field reference's names and meanings.
                    ("schema/*.schema.json", "builder.catalogs:extract_schema_words")),
           keywords={**_DEFAULT_KEYWORDS, "t": None, "nt": (1, 2)},
           options={"builder/site/templates/**.j2": {"trim_blocks": "true", "lstrip_blocks": "true", "silent": "false"},
                    "site_src/overrides/**.html": {"silent": "false"}}),
)}


def catalog_path(domain: str, lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    return LOCALE_DIR / f"{domain}.pot"


# --- translations, for the code that speaks a language ----------------------------------------

@cache
def _catalog(domain: str, lang: str):
    """The catalog of `domain` in `lang` as Babel reads it; None for English (the source
    language) and for a language without one."""
    if lang not in LANGUAGES:
        raise ValueError(f"no language `{lang}`; the languages are {', '.join(LANGUAGES)}")
    path = catalog_path(domain, lang)
    return read_catalog(path) if lang != SOURCE_LANGUAGE and path.is_file() else None


@cache
def translations(domain: str, lang: str) -> gettext.NullTranslations:
    """The translations of `domain` into `lang`, compiled in memory from its catalog (fuzzy
    entries left out); English and a language without a catalog answer with the message ids."""
    catalog = _catalog(domain, lang)
    if catalog is None:
        return gettext.NullTranslations()
    from babel.messages import mofile

    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with each `{name}` replaced by the text of `values[name]`."""
    return template.format_map({name: str(value) for name, value in values.items()})


@dataclass(frozen=True)
class Translator:
    """One domain in one language, with named placeholders: `gettext("Hello {name}", name=…)`.
    The method names are gettext's, so Babel finds the messages the code passes them."""

    domain: str
    lang: str

    @property
    def _translations(self) -> gettext.NullTranslations:
        return translations(self.domain, self.lang)

    def gettext(self, message: str, /, **values: object) -> str:
        return fill(self._translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        return fill(self._translations.ngettext(singular, plural, plural_count(count)), values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        return fill(self._translations.pgettext(context, message), values)

    def npgettext(self, context: str, singular: str, plural: str, count: int, /, **values: object) -> str:
        return fill(self._translations.npgettext(context, singular, plural, plural_count(count)), values)


def translator(domain: str, lang: str) -> Translator:
    translations(domain, lang)          # refuses an unknown language now rather than at first use
    return Translator(domain, lang)


def _usable(entry) -> bool:
    return entry is not None and not entry.fuzzy and all(_forms(entry.string))


def plural_forms(domain: str, lang: str, context: str | None, singular: str, plural: str) -> list[str]:
    """Every form of a plural message in `lang`, in the order of its plural expression; the
    English forms where the catalog has none (the catalog test keeps that from happening)."""
    catalog = _catalog(domain, lang)
    entry = catalog.get((singular, plural), context) if catalog is not None else None
    if _usable(entry):
        return list(entry.string)
    from babel.messages.plurals import get_plural

    return [singular] + [plural] * (get_plural(lang).num_plurals - 1)


def plural_count(number: object) -> int:
    """The whole number that chooses a plural form: counts in sentences are whole numbers, but
    records may write them as floats (`4.0`)."""
    return int(number)


def plural_expression(lang: str) -> str:
    """The C expression of gettext's `Plural-Forms` header for `lang`, which the site's scripts
    evaluate (assets/i18n.mjs) as Python's gettext does."""
    from babel.messages.plurals import get_plural

    return get_plural(lang).plural_expr


def catalog_json(domain: str, lang: str) -> bytes:
    """The catalog of `domain` in `lang` as the site's scripts read it (assets/i18n.mjs):
    `{"lang", "plural", "messages": {id: text or [forms]}}`, the id being the message id, or
    `context` + U+0004 + message id for a message with a context (as gettext keys them)."""
    template = read_catalog(template_path(domain))
    translated = _catalog(domain, lang)
    messages: dict[str, object] = {}
    for entry in template:
        if not entry.id:
            continue
        key = entry.id if isinstance(entry.id, str) else entry.id[0]
        key = f"{entry.context}\x04{key}" if entry.context else key
        if isinstance(entry.id, str):
            found = translated.get(entry.id, entry.context) if translated is not None else None
            messages[key] = found.string if _usable(found) else entry.id
        else:
            messages[key] = plural_forms(domain, lang, entry.context, *entry.id)
    document = {"lang": lang, "plural": plural_expression(lang), "messages": messages}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _forms(string) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


# --- extraction and updating, for contributors ------------------------------------------------

def read_catalog(path: Path):
    from babel.messages import pofile

    with path.open("rb") as source:
        return pofile.read_po(source)


def extract(domain: Domain):
    """A fresh template of `domain` from the sources in the repository."""
    from babel.messages.extract import extract_from_dir

    template = _new_catalog(domain.name, None)
    found = extract_from_dir(REPOSITORY, method_map=list(domain.sources), options_map=dict(domain.options),
                             keywords=dict(domain.keywords), comment_tags=("Translators:",),
                             strip_comment_tags=True)
    for filename, _lineno, message, comments, context in found:
        template.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return template


def extract_code_words(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for the JSON Schemas: the plain words beside each code
    (`enumDescriptions`), as if written `message(code, words)`, so the code is the context."""
    for node in schema_nodes(json.load(fileobj)):
        if "enum" in node and "enumDescriptions" in node:
            for code, words in zip(node["enum"], node["enumDescriptions"], strict=True):
                # A parsed JSON file has no line numbers; the catalogs do not keep them anyway.
                yield 0, "message", (code, words), []


def extract_schema_words(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for a JSON Schema's `title`s and `description`s, each a whole message as
    if written `gettext(text)`."""
    for node in schema_nodes(json.load(fileobj)):
        for key in ("title", "description"):
            if isinstance(node.get(key), str):
                yield 0, "gettext", node[key], []


def schema_nodes(node: object) -> Iterator[dict]:
    """Every mapping in a parsed JSON Schema, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_nodes(value)


def _new_catalog(domain: str, lang: str | None):
    from babel.messages.catalog import Catalog

    return Catalog(locale=lang, domain=domain, project="Open Resource Sharing Directory", version=domain,
                   header_comment=f"# The {domain} messages of the Open Resource Sharing Directory"
                                  + (f" in {lang}." if lang else ": the template, extracted from the sources.")
                                  + "\n# Made and updated by `python -m builder.catalogs`; translate the msgstr lines.",
                   creation_date=_HEADER_DATE, revision_date=_HEADER_DATE,
                   last_translator="Open Resource Sharing Directory", language_team=lang, fuzzy=False)


def _written(catalog) -> bytes:
    from babel.messages import pofile

    catalog.creation_date = catalog.revision_date = _HEADER_DATE
    out = io.BytesIO()
    pofile.write_po(out, catalog, ignore_obsolete=True, include_lineno=False, width=100)
    return out.getvalue()


def expected_files() -> dict[Path, bytes]:
    """Every template and catalog as `python -m builder.catalogs` would write it now."""
    files: dict[Path, bytes] = {}
    for domain in DOMAINS.values():
        template = extract(domain)
        files[template_path(domain.name)] = _written(template)
        for lang in TRANSLATED:
            path = catalog_path(domain.name, lang)
            catalog = read_catalog(path) if path.is_file() else _new_catalog(domain.name, lang)
            catalog.update(template, update_creation_date=False)
            catalog.fuzzy = False
            files[path] = _written(catalog)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.catalogs",
                                     description="Extract the messages into the templates and update every catalog.")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 and name every template or catalog that is out of date")
    arguments = parser.parse_args(argv)
    stale = []
    for path, content in expected_files().items():
        if path.is_file() and path.read_bytes() == content:
            continue
        stale.append(path)
        if not arguments.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        print(f"{path.relative_to(REPOSITORY)}: {'out of date' if arguments.check else 'updated'}",
              file=sys.stderr if arguments.check else sys.stdout)
    if arguments.check and stale:
        print("run `python -m builder.catalogs` (or `make catalogs`) to update them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
