"""Directory data in the words a librarian reads, shared by the site and by `rsdir check`."""

from __future__ import annotations

from functools import cache
from typing import Iterable, Mapping

import pycountry

from .messages import say
from .money import format_money


def join_words(words: Iterable[str], last: str = "or") -> str:
    """`a`, `a or b`, `a, b or c` (`last` is "or" or "and")."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return say(f"list.{last}", first=say("list.separator").join(words[:-1]), last=words[-1])


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of text cells as lines with the columns lined up (two spaces between columns)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


@cache
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def countries_in_words(codes: Iterable[str]) -> str:
    return join_words([country_name(code) for code in codes], "and")


# Each condition of a rule as the words that narrow "requests", in the order they read best.
_CONDITION_WORDS = (
    ("publication_type", lambda value, currency: say("rule.publication-type", types=join_words(value))),
    ("item_format", lambda value, currency: say("rule.item-format", formats=join_words(value))),
    ("published_within_years", lambda value, currency: say("rule.published-within-years", years=value)),
    ("published_before", lambda value, currency: say("rule.published-before", year=value)),
    ("requester_country", lambda value, currency: say("rule.requester-country", countries=countries_in_words(value))),
    ("service_level", lambda value, currency: say("rule.service-level", levels=join_words(value))),
    ("need_before_within_days", lambda value, currency: say("rule.need-before-within-days", days=value)),
    ("pages_over", lambda value, currency: say("rule.pages-over", pages=value)),
    ("max_cost_below", lambda value, currency: say("rule.max-cost-below", amount=format_money(value, currency))),
)
_RULE_SERVICES = {"Loan": "rule.requests-loan", "Copy": "rule.requests-copy"}


def requests_in_words(when: Mapping, currency: str | None) -> str:
    """The requests a rule's conditions describe: "loan requests for Book published in the last 2 years"."""
    service = say(_RULE_SERVICES.get(when.get("service_type"), "rule.requests-any"))
    return " ".join([service] + [words(when[name], currency) for name, words in _CONDITION_WORDS if name in when])
