"""The compact index the directory page loads to search and filter institutions in the browser.

Only what the search box, the filters and the result list need is kept. Values that repeat across
thousands of institutions (publication types, channel methods, pods, lends-to country lists) are
stored once in lookup tables and referred to by position or bit, so that a directory of 10,000
institutions stays a small download. The output is deterministic: the same directory always
gives the same bytes.

Shape (version 1; `site_src/assets/directory.js` is the only reader):

    {"v": 1,
     "countries": {"DE": "Germany", ...},     every ISO 3166-1 country, for names and filters
     "types": ["ArchiveMaterial", ...],       bit n of "pl"/"pc" = types[n]
     "methods": ["alma", ...],                bit n of "m" = methods[n]
     "pods": [["euro-scholar", "European Scholarly Lending Ring"], ...],
     "lends": [["*"], ["*", "-AU"], ["DE", "FR"], ...],   "*" = every country, "-XX" = except XX
     "institutions": [{
        "i": id, "n": name, "c": country, "t": city,
        "pl": publication types lent as loans (bit set; absent = no loans),
        "pc": publication types supplied as copies (bit set; absent = no copies),
        "m": channel methods (bit set), "o": [confirmed pod positions],
        "l": position in "lends" (absent = does not lend),
        "k": ISIL, "q": OCLC symbol, "z": 1 when inactive}, ...]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pycountry

from ..codes import PUBLICATION_TYPE
from ..model import CHANNEL_FAMILY, Directory, Institution
from ..wording import country_name

INDEX_VERSION = 1
CHANNEL_METHODS: tuple[str, ...] = tuple(CHANNEL_FAMILY)
TYPE_BITS = {value: 1 << position for position, value in enumerate(PUBLICATION_TYPE)}
METHOD_BITS = {value: 1 << position for position, value in enumerate(CHANNEL_METHODS)}


def country_names(lang: str = "en") -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code with the name people use for it, sorted by code.

    All countries are listed (not only those with institutions) so that a reader anywhere can
    pick their own country in the "lends to my country" filter and see who lends to everyone.
    """
    return {code: country_name(code, lang) for code in sorted(country.alpha_2 for country in pycountry.countries)}


def _bits(values: Iterable[str], bits: Mapping[str, int]) -> int:
    """A set of code-list values as an integer, one bit per value of the code list."""
    return sum(bits.get(value, 0) for value in set(values))


def _entry(institution: Institution, directory: Directory, pods: Mapping[str, int],
           lends: Mapping[tuple[str, ...], int]) -> dict:
    entry: dict[str, object] = {"i": institution.id, "n": institution.name, "c": institution.country}
    if institution.city:
        entry["t"] = institution.city
    lending = institution.lending
    if lending is not None:
        for key, service in (("pl", "loan"), ("pc", "copy")):
            if service in lending:
                entry[key] = _bits(lending[service].get("publication_types", []), TYPE_BITS)
    methods = _bits((channel.method for channel in institution.channels), METHOD_BITS)
    if methods:
        entry["m"] = methods
    confirmed = sorted(pods[pod] for pod in directory.confirmed_pods.get(institution.id, ()))
    if confirmed:
        entry["o"] = confirmed
    if lending is not None:
        entry["l"] = lends[institution.terms.lends_to_codes]
    identifiers = institution.record.get("identifiers", {})
    for key, authority in (("k", "isil"), ("q", "oclc")):
        if identifiers.get(authority):
            entry[key] = str(identifiers[authority])
    if not institution.active:
        entry["z"] = 1
    return entry


def directory_index(directory: Directory) -> bytes:
    """The page's search index of `directory`, as compact UTF-8 JSON bytes."""
    pod_ids = sorted(directory.pods)
    pods = {pod_id: position for position, pod_id in enumerate(pod_ids)}
    lend_keys = sorted({i.terms.lends_to_codes for i in directory.institutions.values() if i.terms is not None})
    lends = {key: position for position, key in enumerate(lend_keys)}
    index = {
        "v": INDEX_VERSION,
        "countries": country_names(),
        "types": list(PUBLICATION_TYPE),
        "methods": list(CHANNEL_METHODS),
        "pods": [[pod_id, directory.pods[pod_id].name] for pod_id in pod_ids],
        "lends": [list(key) for key in lend_keys],
        "institutions": [_entry(institution, directory, pods, lends)
                         for institution in sorted(directory.institutions.values(), key=lambda i: i.id)],
    }
    # ensure_ascii=False keeps names in other scripts at their UTF-8 size instead of \uXXXX.
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
