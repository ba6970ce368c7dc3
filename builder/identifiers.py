"""Agency identifiers (`AUTHORITY:VALUE`) in one comparable form, for lookups and uniqueness."""

from __future__ import annotations


def agency_key(authority: str, value: str) -> str:
    """Comparable form of `AUTHORITY:VALUE`: ISILs and OCLC symbols ignore case, ROR ids lose their
    URL prefix. The same key decides whether two institutions share an identifier and which
    institution an agency id in a request names, so the two can never disagree."""
    authority = authority.upper()
    if authority == "ISIL":
        value = value.casefold()
    elif authority == "OCLC":
        # Symbols are upper case in records; borrowers often type them in lower case.
        value = value.upper()
    elif authority == "ROR":
        value = value.removeprefix("https://ror.org/").lower()
    return f"{authority}:{value}"


def split_agency_id(agency_id: str) -> tuple[str, str]:
    """`ISIL:DE-Nb1` as its authority and value; the value may hold colons of its own."""
    authority, _, value = agency_id.partition(":")
    return authority, value
