"""feed/v1/compact.json, the data the site's engine answers from: it holds exactly the
directory's partnerships, pods and terms, and numbers JavaScript would misread travel as text."""

from __future__ import annotations

import json
import sys

import pytest

from builder.exports.compact import compact_directory, portable_number
from conftest import FIXTURES, REPO
from test_feed import directory_of

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate  # noqa: E402


def decoded_listings(compact: dict) -> dict[str, set[str]]:
    """Who lists whom directly, read back from the partnership numbers as the engine reads them."""
    ids = [entry["i"] for entry in compact["institutions"]]
    lists: dict[str, set[str]] = {i: set() for i in ids}
    for position, entry in enumerate(compact["institutions"]):
        other = position
        for number in entry.get("p", []):
            other += number // 3 + 1
            kind = number % 3
            if kind != 1:
                lists[entry["i"]].add(ids[other])
            if kind != 0:
                lists[ids[other]].add(entry["i"])
    return lists


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    records = tmp_path_factory.mktemp("compact") / "records"
    generate(records, 400, seed=3)
    return directory_of(records)


@pytest.mark.parametrize("name", ["sample", "synthetic", "edge"])
def test_partnerships_read_back_as_the_directory_has_them(name, synthetic):
    directory = {"sample": lambda: directory_of(REPO / "records"), "synthetic": lambda: synthetic,
                 "edge": lambda: directory_of(FIXTURES / "corpus" / "records")}[name]()
    compact = json.loads(compact_directory(directory, "2026-12-01T00:00:00Z"))
    lists = decoded_listings(compact)
    pods = [pod_id for pod_id, _, _ in compact["pods"]]
    assert pods == list(directory.pods)
    for entry in compact["institutions"]:
        institution = directory.institutions[entry["i"]]
        direct = {p for p in institution.listed_partners if p in directory.institutions and p != institution.id}
        assert lists[entry["i"]] == direct
        expanded = set(direct)
        for position in entry.get("pp", []):
            expanded |= directory.pod_members[pods[position]]
        expanded.discard(institution.id)
        assert expanded == directory.partners[institution.id]
        assert {pods[n] for n in entry.get("o", [])} == set(institution.listed_pods)
    assert [entry["i"] for entry in compact["institutions"]] == sorted(directory.institutions)


def test_only_what_the_checks_read_is_kept():
    directory = directory_of(REPO / "records")
    compact = json.loads(compact_directory(directory, "2026-12-01T00:00:00Z"))
    for entry in compact["institutions"]:
        loan = entry.get("l", {}).get("loan", {})
        assert "loan_period_days" not in loan and "renewals" not in loan
        assert set(entry) <= {"i", "n", "c", "z", "b", "h", "d", "p", "pp", "o", "l"}


@pytest.mark.parametrize("value, written", [
    (5, 5), (5.5, 5.5), (4.0, "4.0"), (1e16, "1e+16"), (-0.0, "-0.0"), (2 ** 53 - 1, 2 ** 53 - 1),
    (2 ** 53, "9007199254740992"), (12345678901234567, "12345678901234567"), (True, True), ("5", "5"),
])
def test_numbers_javascript_would_misread_travel_as_their_text(value, written):
    assert portable_number(value) == written
    assert type(portable_number(value)) is type(written)


def test_the_edge_fixture_keeps_its_whole_floats_and_large_fee():
    compact = json.loads(compact_directory(directory_of(FIXTURES / "corpus" / "records"), "2026-12-01T00:00:00Z"))
    edge = next(entry for entry in compact["institutions"] if entry["i"] == "de-edge")
    assert edge["l"]["days_to_respond"] == "4.0"
    assert edge["l"]["loan"]["fee"] == "12345678901234567"
    assert edge["l"]["copy"]["fee"] == "2.0"
    assert edge["l"]["rules"][1]["when"]["max_cost_below"] == "1e+16"
