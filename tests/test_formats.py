"""Money, days, lists and plural forms in every language: builder/formats.py (Babel) and
builder/catalogs.py (gettext) write them, and the site's assets/engine/formats.mjs and
assets/i18n.mjs must write exactly the same from the exported locale data, for every currency,
every month, amounts of any size and every plural expression."""

from __future__ import annotations

import datetime as dt
import gettext
import json
import shutil

import pytest

from browser_support import REPO, serving
from builder.catalogs import LANGUAGES, SOURCE_LANGUAGE, plural_expression
from builder.codes import currency_codes
from builder.formats import format_day, format_money, join_list
from builder.site.engine import messages_file, messages_path

AMOUNTS = (0, 0.0, -0.0, 5, 7.5, 7.1, 2.675, 2.665, 0.005, 0.015, 0.125, 999.995, 1234, 1234567.891, 1e16, 1e300,
           12345678901234567890123)
DAYS = tuple(dt.date(year, month, day) for year in (1, 33, 999, 2026, 9999) for month in range(1, 13)
             for day in (1, 9, 28))
COUNTS = (0, 1, 2, 3, 5, 21, 101, 1000, 1000000, 2000000, 1000001, 10**30)

RUN = """async ([cases, lang]) => {
  const { speaking } = await import("/assets/engine/messages.mjs");
  const { formatDay, formatMoney, joinList } = await import("/assets/engine/formats.mjs");
  const { pluralIndex } = await import("/assets/i18n.mjs");
  const { PyNumber } = await import("/assets/engine/numbers.mjs");
  const table = await (await fetch(`/assets/messages/${lang}.json`)).json();
  // Amounts travel as the text Python prints for them; they are numbers as the engine holds them.
  const number = (text) => /[.eE]/.test(text)
    ? (Number.isInteger(Number(text)) ? new PyNumber(Number(text), text) : Number(text))
    : (Number.isSafeInteger(Number(text)) ? Number(text) : new PyNumber(BigInt(text), text));
  return speaking(table, () => cases.map(([kind, first, second]) => {
    if (kind === "money") return formatMoney(number(first), second);
    if (kind === "day") return formatDay(first);
    if (kind === "list") return joinList(first, second);
    return pluralIndex(table.plural, BigInt(first));
  }));
}"""


def python_cases(lang: str) -> list[tuple[list, object]]:
    plural = gettext.c2py(plural_expression(lang))
    cases = [(["money", repr(amount), currency], format_money(amount, currency, lang))
             for amount in AMOUNTS for currency in (*currency_codes(), None)]
    cases += [(["day", day.isoformat(), None], format_day(day, lang)) for day in DAYS]
    cases += [(["list", [f"word {i}" for i in range(length)], last], join_list([f"word {i}" for i in range(length)],
                                                                                last, lang))
              for length in range(6) for last in ("or", "and")]
    cases += [(["plural", str(count), None], plural(count)) for count in COUNTS]
    return cases


@pytest.fixture(scope="module")
def engine_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    shutil.copytree(REPO / "site_src" / "assets", root / "assets")
    for lang in LANGUAGES:
        (root / messages_path(lang)).parent.mkdir(parents=True, exist_ok=True)
        (root / messages_path(lang)).write_bytes(messages_file(lang))
    (root / "index.html").write_text("<!doctype html><title>formats</title>", encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_browser_writes_what_python_writes(engine_root, open_page, lang, capsys):
    cases = python_cases(lang)
    with serving(engine_root) as base:
        page = open_page(f"{base}index.html")
        written = page.evaluate(RUN, [[sent for sent, _ in cases], lang])
    differences = [(sent, expected, got) for (sent, expected), got in zip(cases, written, strict=True)
                   if got != expected]
    with capsys.disabled():
        print(f"\nformats/{lang}: {len(cases)} cases, {len(differences)} differ")
    assert not differences, differences[:10]


def test_english_keeps_the_command_line_forms_and_the_others_follow_babel():
    from babel.dates import format_date
    from babel.lists import format_list

    assert format_money(7.5, "EUR") == "EUR 7.50" and format_day(dt.date(2026, 12, 23)) == "2026-12-23"
    assert join_list(["a", "b", "c"], "or", SOURCE_LANGUAGE) == "a, b or c"
    assert format_money(1234567.5, "EUR", "de") == "1.234.567,50\xa0€"
    assert format_money(1234, "USD", "fr") == "1\u202f234,00\xa0$US"
    assert format_money(5, "JPY", "es") == "5\xa0JPY"
    assert format_day(dt.date(2026, 12, 23), "de") == "23. Dezember 2026"
    for lang in LANGUAGES[1:]:
        assert format_day(dt.date(2027, 1, 2), lang) == format_date(dt.date(2027, 1, 2), "long", locale=lang)
        for length in range(1, 6):
            words = [f"w{i}" for i in range(length)]
            assert join_list(words, "or", lang) == format_list(words, style="or", locale=lang)
            assert join_list(words, "and", lang) == format_list(words, locale=lang)


def test_the_exported_data_is_deterministic():
    for lang in LANGUAGES:
        assert messages_file(lang) == messages_file(lang)
        assert json.loads(messages_file(lang))["lang"] == lang
