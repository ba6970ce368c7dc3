"""The pages' words in one language: the `site` catalog's messages with their placeholders filled,
and the country names, dates, numbers and amounts of money as a reader of that language writes
them (Babel's formatting, as builder/formats.py applies it for the engine's sentences too).

A message is trusted text (its English is in the templates, its translations in the catalogs),
so it may hold markup such as `<code>`; every value put into it is escaped, unless it is markup
the templates made themselves. Record text therefore stays as its library wrote it, escaped.
"""

from __future__ import annotations

import datetime as dt
from string import Formatter
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

from ..catalogs import fill, plural_count, translations
from ..formats import format_day, format_money
from ..wording import countries_in_words, country_name, join_words


@dataclass(frozen=True)
class PageWords:
    """What a page says in `lang`. The method names are gettext's, so Babel finds the messages
    passed to them; the templates get `markup` and `markup_plural` under gettext's names."""

    lang: str

    def gettext(self, message: str, /, **values: object) -> str:
        """A message as plain text (a page's title, a phrase put into another message)."""
        if not values:
            return _constant_text(self.lang, message)
        return fill(translations("site", self.lang).gettext(message), values)

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """A message with a number; `{count}` in it is that number, written for the language."""
        chosen = translations("site", self.lang).ngettext(singular, plural, plural_count(count))
        return fill(chosen, {"count": self.number(count), **values})

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """A word whose translation depends on where it stands (`contact role`: "Lending")."""
        return fill(translations("site", self.lang).pgettext(context, message), values)

    def text(self, message: str, /) -> str:
        """A whole text translated as it stands, with nothing to fill in: a schema's title or
        description, whose examples may hold braces (`{"AccountId": "ill-12"}`)."""
        return translations("site", self.lang).gettext(message)

    def markup(self, message: str, /, **values: object) -> Markup:
        """A message as HTML, for the templates (their `gettext`): the values escaped."""
        if not values:
            return _constant_markup(self.lang, message)
        return _filled(translations("site", self.lang).gettext(message), values)

    def markup_plural(self, singular: str, plural: str, count: int, /, **values: object) -> Markup:
        """A message with a number as HTML, for the templates (their `ngettext`)."""
        chosen = translations("site", self.lang).ngettext(singular, plural, plural_count(count))
        return _filled(chosen, {"count": self.number(count), **values})

    def country(self, code: str) -> str:
        return country_name(code, self.lang)

    def countries(self, codes: Iterable[str]) -> str:
        return countries_in_words(codes, self.lang)

    def join(self, words: Iterable[str]) -> str:
        """`a`, `a and b`, `a, b and c`, in the engine's words for lists."""
        return join_words(words, "and", self.lang)

    def join_or(self, words: Iterable[str]) -> str:
        return join_words(words, "or", self.lang)

    def number(self, value: object) -> str:
        if isinstance(value, (int, float)):
            return _number(self.lang, type(value), value)
        return str(value)

    def money(self, amount: float | int, currency: str | None) -> str:
        """An amount as the engine's sentences write it in the language (`EUR 5`, `5,00 €`)."""
        return _money(self.lang, type(amount), amount, currency)

    def date(self, value: object) -> str:
        """A `YYYY-MM-DD` date as the engine's sentences write it (`23. Dezember 2026`)."""
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return _day(self.lang, day)

    def sort_key(self, text: str) -> tuple[str, str]:
        """Sorts names as a reader expects (Österreich among the O's), whatever their accents."""
        return _without_accents(text).casefold(), text


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is not translated at once (gettext's no-op)."""
    return message


# Each language's pages of 10,000 institutions ask for the same few hundred messages, counts, fees
# and dates thousands of times; Babel's formatting and the filling of a message are most of what
# a page costs to render, so each is worked out once per language. (The type is part of the key:
# 1 and 1.0 are equal, but a fee of 1.0 is written with its decimals.)
@cache
def _constant_markup(lang: str, message: str) -> Markup:
    return Markup(translations("site", lang).gettext(message)).format()


@cache
def _constant_text(lang: str, message: str) -> str:
    return fill(translations("site", lang).gettext(message), {})


def _filled(message: str, values: dict[str, object]) -> Markup:
    """`Markup(message).format(**values)`, the same text, without its formatter's cost per field:
    the message is split around its `{name}` fields once, and each value is escaped (unless it is
    markup) as the formatter escapes it."""
    fields = _fields(message)
    if fields is None:
        return Markup(message).format(**values)
    texts, names = fields
    filled = [texts[0]]
    for name, text in zip(names, texts[1:]):
        filled.append(escape(values[name]))
        filled.append(text)
    return Markup("".join(filled))


@cache
def _fields(message: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The message's texts around its fields and the fields' names (one text more than names);
    None for a message with anything but plain `{name}` fields, which the formatter then fills."""
    texts, names = [""], []
    for text, name, spec, conversion in Formatter().parse(message):
        texts[-1] += text
        if name is not None:
            if spec or conversion or not name.isidentifier():
                return None
            names.append(name)
            texts.append("")
    return tuple(texts), tuple(names)


@cache
def _number(lang: str, kind: type, value: int | float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang)


@cache
def _money(lang: str, kind: type, amount: int | float, currency: str | None) -> str:
    return format_money(amount, currency, lang)


@cache
def _day(lang: str, day: dt.date) -> str:
    return format_day(day, lang)


@cache
def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def page_words(lang: str) -> PageWords:
    translations("site", lang)          # refuses an unknown language now rather than at first use
    return PageWords(lang)
