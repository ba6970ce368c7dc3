"""The directory page's search index: what each institution contributes, and nothing more."""

from __future__ import annotations

import json

import pytest

from builder.codes import PUBLICATION_TYPE
from builder.model import Directory
from builder.site.directory_index import directory_index
from builder.validate import validate_directory
from conftest import SAMPLE_RECORDS, TODAY


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.from_records(validate_directory(SAMPLE_RECORDS, TODAY).valid)


@pytest.fixture(scope="module")
def index(directory: Directory) -> dict:
    return json.loads(directory_index(directory))


def entry(index: dict, institution_id: str) -> dict:
    return next(e for e in index["institutions"] if e["i"] == institution_id)


def types(index: dict, bits: int) -> set[str]:
    return {name for position, name in enumerate(index["types"]) if bits & (1 << position)}


def test_every_institution_is_listed_once_in_id_order(directory: Directory, index: dict) -> None:
    ids = [e["i"] for e in index["institutions"]]
    assert ids == sorted(directory.institutions)
    assert index["types"] == list(PUBLICATION_TYPE)


def test_an_entry_holds_what_the_filters_need(directory: Directory, index: dict) -> None:
    nordbib = directory.institutions["de-nordbib"]
    found = entry(index, "de-nordbib")
    assert (found["n"], found["c"], found["t"]) == (nordbib.name, "DE", "Nordhafen")
    assert (found["k"], found["q"]) == (nordbib.record["identifiers"]["isil"], nordbib.record["identifiers"]["oclc"])
    assert types(index, found["pl"]) == set(nordbib.lending["loan"]["publication_types"])
    assert types(index, found["pc"]) == set(nordbib.lending["copy"]["publication_types"])
    assert {index["methods"][bit] for bit in range(len(index["methods"])) if found["m"] & (1 << bit)} == \
        {channel.method for channel in nordbib.channels}
    assert [index["pods"][p][0] for p in found["o"]] == sorted(directory.confirmed_pods["de-nordbib"])
    assert index["lends"][found["l"]] == ["*"]
    assert "z" not in found


def test_lends_to_keeps_exclusions_and_shares_repeated_lists(index: dict) -> None:
    assert index["lends"][entry(index, "no-fjellheim")["l"]] == ["*", "-AU", "-NZ"]
    assert len(index["lends"]) == len({tuple(key) for key in index["lends"]})
    assert len(index["lends"]) < len(index["institutions"])


def test_non_lenders_and_inactive_libraries_are_marked(index: dict) -> None:
    harbor = entry(index, "us-harbor-medical")
    assert not {"pl", "pc", "l"} & harbor.keys()
    assert entry(index, "gb-elmstead")["z"] == 1


def test_contacts_and_addresses_stay_out_of_the_index(directory: Directory) -> None:
    text = directory_index(directory).decode("utf-8")
    for institution in directory.institutions.values():
        for contact in institution.record["contacts"]:
            assert contact["email"] not in text
    assert "Speicherstrasse" not in text


def test_same_directory_same_bytes(directory: Directory) -> None:
    rebuilt = Directory(reversed(list(directory.institutions.values())), reversed(list(directory.pods.values())))
    assert directory_index(rebuilt) == directory_index(directory)
