"""The files the site's scripts read beside the feed: the engine's sentences and the pages' words,
one of each per language.

`assets/messages/<lang>.json` holds builder/messages.py's table in that language with the names
the sentences put in (countries, channel families, ISO 18626 codes: `code_names`), the request channels' names, the ISO 18626
codes with plain words, which the request form offers as choices, the plain words of every code
the profile editor offers (`code_words`), the words a message about a value not in the form its
pattern wants gives of that form (`pattern_hints`), and the locale data money, days and lists are
written with (builder/formats.py); `assets/messages/site-<lang>.json` the `site`
catalog for assets/i18n.mjs. The feed's `compact.json` holds the directory itself.
"""

from __future__ import annotations

from ..catalogs import LANGUAGES, SOURCE_LANGUAGE, catalog_json, schema_nodes
from ..codes import code_lists_with_words, words_in
from ..formats import formats_json
from ..messages import messages_json
from ..model import FAMILY_NAMES
from ..wording import code_names, family_name
from .directory_index import country_names
from ..schemas import pattern_descriptions, pattern_hint, schema
from .pages import CHANNEL_LABELS


def messages_path(lang: str) -> str:
    return f"assets/messages/{lang}.json"


MESSAGES_FILE = messages_path(SOURCE_LANGUAGE)


def editor_code_words(lang: str) -> dict[str, str]:
    """The plain words of every code in the institution schema (`enumDescriptions`) in `lang`,
    keyed as gettext keys them, code + U+0004 + English words (one code may stand in two lists
    with other words: `returns`); only those the language words otherwise than English does."""
    pairs = {(str(code), words) for node in schema_nodes(schema("institution"))
             if "enum" in node and "enumDescriptions" in node
             for code, words in zip(node["enum"], node["enumDescriptions"], strict=True)}
    said = {f"{code}\x04{words}": words_in(code, words, lang) for code, words in sorted(pairs)}
    return {key: words for key, words in said.items() if words != key.partition("\x04")[2]}


def pattern_hints(lang: str) -> dict[str, str]:
    """`schemas.pattern_hint` of every pattern's description in `lang`, keyed by the English
    description; only those the language words otherwise than English does (the browser takes
    the English first sentence itself)."""
    said = {description: pattern_hint(description, lang) for description in pattern_descriptions()}
    return {description: hint for description, hint in said.items() if hint != pattern_hint(description)}


def messages_file(lang: str = SOURCE_LANGUAGE) -> bytes:
    return messages_json(lang, {
        "countries": country_names(lang), "families": {family: family_name(family, lang) for family in FAMILY_NAMES},
        "channels": {method: words_in(method, label, lang) for method, label in CHANNEL_LABELS.items()},
        "codes": code_lists_with_words(lang), "code_names": code_names(lang), "code_words": editor_code_words(lang),
        "pattern_hints": pattern_hints(lang), "formats": formats_json(lang)})


def language_files() -> dict[str, bytes]:
    """The engine's sentences and the pages' catalog in every language, by path in the site."""
    files = {messages_path(lang): messages_file(lang) for lang in LANGUAGES}
    files |= {f"assets/messages/site-{lang}.json": catalog_json("site", lang) for lang in LANGUAGES}
    return files
