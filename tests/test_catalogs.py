"""The gettext catalogs: every template and catalog holds exactly the messages the sources mark
(none missing, none stale), every catalog translates every message of its domain, nothing
fuzzy, with the placeholders and plural forms of the English, and the JSON the site's scripts
read says what Python's gettext says."""

from __future__ import annotations

import json
import string

import pytest

from builder import catalogs
from builder.catalogs import DOMAINS, REPOSITORY, TRANSLATED, catalog_json, catalog_path, read_catalog, translator


def test_templates_and_catalogs_hold_what_the_sources_mark():
    stale = [str(path.relative_to(REPOSITORY)) for path, content in catalogs.expected_files().items()
             if not path.is_file() or path.read_bytes() != content]
    assert not stale, f"out of date (run `make catalogs`): {stale}"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("domain", list(DOMAINS))
def test_every_message_is_translated(domain, lang, capsys):
    template = read_catalog(catalogs.template_path(domain))
    catalog = read_catalog(catalog_path(domain, lang))
    wanted = [entry for entry in template if entry.id]
    problems = []
    for entry in wanted:
        found = catalog.get(entry.id, entry.context)
        label = f"{entry.context + ': ' if entry.context else ''}{entry.id!r}"
        if found is None:
            problems.append(f"missing {label}")
            continue
        forms = (found.string,) if isinstance(found.string, str) else tuple(found.string)
        if not all(forms):
            problems.append(f"untranslated {label}")
        if found.fuzzy:
            problems.append(f"fuzzy {label}")
        english = entry.id if isinstance(entry.id, str) else entry.id[-1]
        if any(form and _placeholders(form) - _placeholders(english) for form in forms):
            problems.append(f"placeholders not in the English {label}")
        if not isinstance(entry.id, str) and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} plural forms instead of {catalog.num_plurals} {label}")
    with capsys.disabled():
        print(f"\n{domain}/{lang}: {len(wanted)} messages, {len(problems)} problems")
    assert not problems, problems


def test_the_json_for_scripts_says_what_gettext_says():
    for domain in DOMAINS:
        for lang in TRANSLATED:
            document = json.loads(catalog_json(domain, lang))
            words = catalogs.translations(domain, lang)
            assert document["lang"] == lang
            for key, text in document["messages"].items():
                context, _, message = key.rpartition("\x04")
                if isinstance(text, str):
                    assert text == (words.pgettext(context, message) if context else words.gettext(message))


def test_a_translator_fills_named_placeholders():
    english = translator("engine", "en")
    assert english.pgettext("refusal.not-lending", "{lender} does not lend through the directory.",
                            lender="X") == "X does not lend through the directory."
    assert english.ngettext("{count} lender", "{count} lenders", 1, count=1) == "1 lender"
    with pytest.raises(ValueError):
        translator("engine", "xx")


def test_the_site_is_built_in_the_languages_the_catalogs_hold():
    from builder.site.languages import LANGUAGES as SITE_LANGUAGES

    assert tuple(language.code for language in SITE_LANGUAGES) == catalogs.LANGUAGES
    ui = (REPOSITORY / "site_src" / "assets" / "ui.mjs").read_text(encoding="utf-8")
    # The pages' scripts pick the engine's language from `<html lang>` among the same codes.
    assert json.dumps(list(catalogs.LANGUAGES)) in ui


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_pattern_is_described_in_every_language_sentence_for_sentence(lang):
    # A message about a value not in its field's form gives the first sentence of the field's
    # description (schemas.pattern_hint), cut at ". " in every language: a translation must
    # translate it and keep its sentences where the English has them ("z. B." would cut it short).
    from builder.schemas import pattern_descriptions, pattern_hint

    words = catalogs.translations("site", lang)
    descriptions = pattern_descriptions()
    untranslated = [text for text in descriptions if words.gettext(text) == text]
    cut_otherwise = [(text, words.gettext(text)) for text in descriptions
                     if len(words.gettext(text).split(". ")) != len(text.split(". "))]
    assert len(descriptions) >= 20 and not untranslated and not cut_otherwise, (untranslated, cut_otherwise)
    assert all(pattern_hint(text, lang) != pattern_hint(text) for text in descriptions)
