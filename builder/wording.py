"""Directory data in the words a librarian reads, shared by the site and by `rsdir check`."""

from __future__ import annotations

from functools import cache
from typing import Iterable, Mapping

import pycountry

from .money import format_money


def join_words(words: Iterable[str], last: str = "or") -> str:
    """`a`, `a or b`, `a, b or c`."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


@cache
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def countries_in_words(codes: Iterable[str]) -> str:
    return join_words([country_name(code) for code in codes], "and")


def requests_in_words(when: Mapping, currency: str | None) -> str:
    """The requests a rule's conditions describe: "loan requests for Book published in the last 2 years"."""
    service = {"Loan": "loan requests", "Copy": "copy requests"}.get(when.get("service_type"), "requests")
    parts = [service]
    if "publication_type" in when:
        parts.append(f"for {join_words(when['publication_type'])}")
    if "item_format" in when:
        parts.append(f"in the format {join_words(when['item_format'])}")
    if "published_within_years" in when:
        years = when["published_within_years"]
        parts.append(f"published in the last {years} year{'s' if years != 1 else ''}")
    if "published_before" in when:
        parts.append(f"published before {when['published_before']}")
    if "requester_country" in when:
        parts.append(f"from libraries in {countries_in_words(when['requester_country'])}")
    if "service_level" in when:
        parts.append(f"at the service level {join_words(when['service_level'])}")
    if "need_before_within_days" in when:
        parts.append(f"needed within {when['need_before_within_days']} days")
    if "pages_over" in when:
        parts.append(f"for more than {when['pages_over']} pages")
    if "max_cost_below" in when:
        parts.append(f"offering to pay less than {format_money(when['max_cost_below'], currency)}")
    return " ".join(parts)
