"""Directory data in the words a librarian reads, shared by the site and by `rsdir check`, in
each language of the site (English, the command line's, by default)."""

from __future__ import annotations

import gettext
from functools import cache
from typing import Iterable, Mapping

from .catalogs import SOURCE_LANGUAGE
from .codes import CODE_WORDS, DELIVERY_METHOD, ITEM_FORMAT, PAYMENT_METHOD, PUBLICATION_TYPE, SERVICE_LEVEL, words_in
from .formats import format_money, join_list
from .messages import say


def join_words(words: Iterable[str], last: str = "or", lang: str = SOURCE_LANGUAGE) -> str:
    """`a`, `a or b`, `a, b or c` (`last` is "or" or "and"), as lists are written in `lang`."""
    return join_list(list(words), last, lang)


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of text cells as lines with the columns lined up (two spaces between columns)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


# pycountry is imported when a country is first named (see codes.country_codes).
@cache
def _country_names(lang: str) -> gettext.NullTranslations:
    # pycountry ships the iso-codes project's translations of the ISO 3166-1 names.
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])


@cache
def country_name(code: str, lang: str = SOURCE_LANGUAGE) -> str:
    """The name people use for a country (`DE` → Germany, Deutschland, Allemagne, Alemania)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _country_names(lang).gettext(getattr(country, "common_name", None) or country.name)


def countries_in_words(codes: Iterable[str], lang: str = SOURCE_LANGUAGE) -> str:
    return join_words([country_name(code, lang) for code in codes], "and", lang)


def family_name(family: str, lang: str = SOURCE_LANGUAGE) -> str:
    """A family of request channels as a reader meets it in a sentence ("ISO ILL", "email")."""
    return say(f"family.{family}", lang=lang)


@cache
def code_names(lang: str = SOURCE_LANGUAGE) -> dict[str, str]:
    """The ISO 18626 codes a sentence names (publication types, item formats, service levels,
    delivery and payment methods) as it names them in `lang`, where that is not the code itself:
    in English the sentences keep the codes, as profiles and requests write them; in the other
    languages they use the schemas' plain words for each code (`Book`: Buch, Livre, Libro)."""
    if lang == SOURCE_LANGUAGE:
        return {}
    said = {code: words_in(code, CODE_WORDS.get(code, code), lang)
            for code in PUBLICATION_TYPE + ITEM_FORMAT + SERVICE_LEVEL + DELIVERY_METHOD + PAYMENT_METHOD}
    return {code: words for code, words in sorted(said.items()) if words != code}


def code_name(code: str, lang: str = SOURCE_LANGUAGE) -> str:
    return code_names(lang).get(code, code)


def codes_in_words(codes: Iterable[str], lang: str = SOURCE_LANGUAGE) -> str:
    """`Book or Thesis` in English, `Buch oder Hochschulschrift` in German."""
    return join_words([code_name(code, lang) for code in codes], lang=lang)


def _as_given(value, currency, lang):
    return value


def _codes(value, currency, lang):
    return codes_in_words(value, lang)


# Each condition of a rule as the message that narrows "requests", in the order they read best:
# (condition, message, its placeholder, the condition's value in words).
_CONDITION_WORDS = (
    ("publication_type", "rule.publication-type", "types", _codes),
    ("item_format", "rule.item-format", "formats", _codes),
    ("published_within_years", "rule.published-within-years", "years", _as_given),
    ("published_before", "rule.published-before", "year", _as_given),
    ("requester_country", "rule.requester-country", "countries",
     lambda value, currency, lang: countries_in_words(value, lang)),
    ("service_level", "rule.service-level", "levels", _codes),
    ("need_before_within_days", "rule.need-before-within-days", "days", _as_given),
    ("pages_over", "rule.pages-over", "pages", _as_given),
    ("max_cost_below", "rule.max-cost-below", "amount", format_money),
)
_RULE_SERVICES = {"Loan": "rule.requests-loan", "Copy": "rule.requests-copy"}
_CONDITIONS = {name: (key, placeholder, words) for name, key, placeholder, words in _CONDITION_WORDS}
_CONDITION_NAMES = tuple(_CONDITIONS)


def requests_in_words(when: Mapping, currency: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    """The requests a rule's conditions describe: "loan requests for Book published in the last 2 years"."""
    service = say(_RULE_SERVICES.get(when.get("service_type"), "rule.requests-any"), lang=lang)
    return " ".join([service] + [_condition_in_words(name, type(when[name]), _hashable(when[name]), currency, lang)
                                 for name in _CONDITION_NAMES if name in when])


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


# Said once per language for every rule with the same condition ("Book", "in the last 2 years"):
# rules differ, their conditions repeat. The value's type is part of the key, as 5 and 5.0 are
# equal but an amount of 5.0 is written with its decimals.
@cache
def _condition_in_words(name: str, kind: type, value, currency: str | None, lang: str) -> str:
    key, placeholder, words = _CONDITIONS[name]
    return say(key, lang=lang, **{placeholder: words(list(value) if kind is list else value, currency, lang)})
