"""`feed/v1/compact.json`: everything the site's engine (`assets/decide.mjs`) needs to answer
`check`, `route` and `partners` in the browser, and nothing else, in a form small enough to
download at 10,000 institutions.

Pure: the model in, bytes out; the same directory always gives the same bytes. The shape is
documented in `site_src/feed.md` and described by `schema/feed.schema.json` (`#/$defs/compact`):

    {"schema_version": 1, "generated_at": "...",
     "pods": [[id, name, [positions of the listed members]], ...],
     "institutions": [{
        "i": id, "n": name, "c": country, "z": 1 when inactive, "b": 0 when borrowing is off,
        "h": [channels as `rsdir` prints them, preferred first],
        "d": identifiers as written,
        "p": partnerships (below), "pp": [pods listed as `pod:<id>` partners], "o": [pods listed],
        "l": the lending section as written, less what no decision reads}, ...]}

Institutions are sorted by id and named by their position in that list; pods likewise.
`p` holds every other institution that this one lists or that lists it, directly (pod entries
are in `pp`), each once, on the side of the earlier of the two: for each such institution at
position j after this one's position i, in order, the number (j − previous − 1) × 3 + kind,
where previous starts at i and kind is 0 when this one lists it, 1 when it lists this one and 2
when both do. Written so, the partner lists of 10,000 institutions take a third of the bytes of
plain lists of ids.

A number that JavaScript would read or print otherwise than Python (a whole float such as `4.0`,
an integer beyond 2**53) is written as a string of its Python text, so the browser's sentences
say what `rsdir` says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..model import Directory, Institution

COMPACT_VERSION = 1
# Parts of `lending` that no check reads: leaving them out keeps the file small.
_UNUSED_TERMS = {"loan": ("loan_period_days", "renewals"), "copy": ()}
_SAFE_INTEGER = 2 ** 53 - 1


def portable_number(value: object) -> object:
    """`value` as JSON both languages read alike: numbers JavaScript would print otherwise than
    Python become strings of their Python text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float):
        return repr(value) if value.is_integer() else value
    return value if -_SAFE_INTEGER <= value <= _SAFE_INTEGER else str(value)


def _portable(value: object) -> object:
    if isinstance(value, Mapping):
        return {key: _portable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_portable(item) for item in value]
    return portable_number(value)


def _terms(lending: Mapping) -> dict:
    terms = dict(lending)
    for service, unused in _UNUSED_TERMS.items():
        if service in terms:
            terms[service] = {key: item for key, item in terms[service].items() if key not in unused}
    return _portable(terms)


def _direct_partners(institution: Institution, positions: Mapping[str, int]) -> set[int]:
    return {positions[entry] for entry in institution.listed_partners
            if entry in positions and entry != institution.id}


def _partnership_numbers(me: int, lists: list[set[int]], listed_by: list[set[int]]) -> list[int]:
    numbers, previous = [], me
    for other in sorted(j for j in lists[me] | listed_by[me] if j > me):
        kind = 2 if other in lists[me] and me in lists[other] else 0 if other in lists[me] else 1
        numbers.append((other - previous - 1) * 3 + kind)
        previous = other
    return numbers


def _entry(institution: Institution, position: int, lists: list[set[int]], listed_by: list[set[int]],
           pods: Mapping[str, int]) -> dict:
    entry: dict = {"i": institution.id, "n": institution.name, "c": institution.country}
    if not institution.active:
        entry["z"] = 1
    if not institution.borrowing_enabled:
        entry["b"] = 0
    if institution.channels:
        entry["h"] = [_portable(channel.as_json()) for channel in institution.channels]
    identifiers = institution.record.get("identifiers")
    if identifiers:
        entry["d"] = identifiers
    partnerships = _partnership_numbers(position, lists, listed_by)
    if partnerships:
        entry["p"] = partnerships
    pod_partners = sorted({pods[entry[4:]] for entry in institution.listed_partners
                           if entry.startswith("pod:") and entry[4:] in pods})
    if pod_partners:
        entry["pp"] = pod_partners
    listed_pods = sorted({pods[pod] for pod in institution.listed_pods if pod in pods})
    if listed_pods:
        entry["o"] = listed_pods
    if institution.lending is not None:
        entry["l"] = _terms(institution.lending)
    return entry


def compact_directory(directory: Directory, generated_at: str) -> bytes:
    """The engine's data file of `directory`, as compact UTF-8 JSON bytes."""
    institutions = list(directory.institutions.values())      # sorted by id in the model
    positions = {institution.id: n for n, institution in enumerate(institutions)}
    pods = {pod_id: n for n, pod_id in enumerate(directory.pods)}
    lists = [_direct_partners(institution, positions) for institution in institutions]
    listed_by: list[set[int]] = [set() for _ in institutions]
    for owner, listed in enumerate(lists):
        for other in listed:
            listed_by[other].add(owner)
    document = {
        "schema_version": COMPACT_VERSION,
        "generated_at": generated_at,
        "pods": [[pod.id, pod.name, [positions[m] for m in pod.listed_members if m in positions]]
                 for pod in directory.pods.values()],
        "institutions": [_entry(institution, n, lists, listed_by, pods) for n, institution in enumerate(institutions)],
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
