"""Money, days and lists as a reader of each language writes them.

English keeps the command line's own forms ("EUR 7.50", "2026-12-23", "a, b or c"); the other
languages take Babel's (CLDR's): "7,50 €", "23. Dezember 2026", "a, b oder c". The site's
engine must write exactly what `rsdir` writes, and a browser's own CLDR data (Intl) is not
Babel's, so `formats_json` exports the locale data these forms are made of and
assets/engine/formats.mjs applies it by the same rules; tests/test_engine_corpus.py holds the
two to the same answers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Sequence
from functools import cache

from .catalogs import SOURCE_LANGUAGE
from .codes import currency_codes
from .money import format_money as plain_money

# The command line's lists: no comma before the last word ("a, b or c").
ENGLISH_LISTS = {
    "or": {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0} or {1}", "2": "{0} or {1}"},
    "and": {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0} and {1}", "2": "{0} and {1}"},
}
# CLDR names the plain "and" list `standard`.
_LIST_STYLES = {"or": "or", "and": "standard"}
# Enough digits for the largest float (about 1.8e308) with its cents: Babel rounds in the
# current decimal context, whose 28 digits would refuse a large fee.
_WIDE = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_EVEN)


@cache
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(lang)


@cache
def list_patterns(lang: str, last: str) -> dict[str, str]:
    """The patterns of a list ending in "or" (`last="or"`) or "and" in `lang` (looked up once:
    the pages of 10,000 institutions join lists hundreds of thousands of times)."""
    if lang == SOURCE_LANGUAGE:
        return ENGLISH_LISTS[last]
    return dict(_locale(lang).list_patterns[_LIST_STYLES[last]])


def join_list(words: Sequence[str], last: str, lang: str) -> str:
    """`a`, `a or b`, `a, b or c` in `lang` (as Babel's `format_list` joins them)."""
    if len(words) <= 1:
        return "".join(words)
    patterns = list_patterns(lang, last)
    if len(words) == 2:
        return _pattern(patterns["2"], words[0], words[1])
    joined = _pattern(patterns["start"], words[0], words[1])
    for word in words[2:-1]:
        joined = _pattern(patterns["middle"], joined, word)
    return _pattern(patterns["end"], joined, words[-1])


def _pattern(pattern: str, first: str, second: str) -> str:
    values = {"{0}": first, "{1}": second}
    return "".join(values.get(part, part) for part in _pattern_parts(pattern))


@cache
def _pattern_parts(pattern: str) -> tuple[str, ...]:
    """A list pattern ("{0}, {1}") split around its placeholders, once: the partnership graph
    joins lists of countries for thousands of refusals."""
    return tuple(re.split(r"(\{[01]\})", pattern))


def format_money(amount: float | int, currency: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    """An amount in `lang`: "EUR 7.50" in English, "7,50 €" in German; the bare number when the
    currency is not known."""
    if lang == SOURCE_LANGUAGE:
        return plain_money(amount, currency)
    from babel.numbers import format_currency, format_decimal

    value = decimal.Decimal(str(amount))
    with decimal.localcontext(_WIDE):
        if currency:
            return format_currency(value, currency, locale=lang)
        return format_decimal(value, locale=lang)


def format_day(day: dt.date, lang: str = SOURCE_LANGUAGE) -> str:
    """A day in `lang`: "2026-12-23" in English, "23. Dezember 2026" in German."""
    if lang == SOURCE_LANGUAGE:
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, "long", locale=lang)


def _number_pattern(pattern) -> dict:
    return {"prefix": list(pattern.prefix), "suffix": list(pattern.suffix), "grouping": list(pattern.grouping),
            "integer_digits": pattern.int_prec[0], "fraction_digits": list(pattern.frac_prec)}


@cache
def formats_json(lang: str) -> dict:
    """What assets/engine/formats.mjs needs to write lists, money and days in `lang` as this
    module does: the list patterns, and for languages other than English the number symbols,
    the currency and decimal patterns, each currency's symbol and digits, the long date pattern
    and the month names."""
    lists = {last: list_patterns(lang, last) for last in ENGLISH_LISTS}
    if lang == SOURCE_LANGUAGE:
        return {"lists": lists, "money": None, "day": None}
    from babel.numbers import get_currency_precision

    locale = _locale(lang)
    symbols = locale.number_symbols["latn"]
    money = {
        "decimal": symbols["decimal"], "group": symbols["group"],
        "currency_pattern": _number_pattern(locale.currency_formats["standard"]),
        "decimal_pattern": _number_pattern(locale.decimal_formats[None]),
        "currencies": {code: [locale.currency_symbols.get(code, code), get_currency_precision(code)]
                       for code in currency_codes()},
    }
    day = {"pattern": locale.date_formats["long"].pattern,
           "months": [locale.months["format"]["wide"][month] for month in range(1, 13)]}
    return {"lists": lists, "money": money, "day": day}
