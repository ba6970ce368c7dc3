"""The JSON Schemas of records and requests: well-formed, fully described, closed, strict about
single-line text, and in step with the code lists of builder.codes."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema_rs
import pytest
import regress
from jsonschema import Draft202012Validator

from builder import codes
from conftest import REMOVED, changed

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMAS = {
    name: json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    for name in ("institution", "pod", "request")
}
PATTERN_END = r"(?![\s\S])"

MINIMAL_INSTITUTION = {
    "id": "de-nordbib",
    "name": "Nordbibliothek",
    "status": "active",
    "country": "DE",
    "maintainers": ["nordbib-ill"],
    "last_reviewed": "2026-10-01",
    "contacts": [{"role": "lending", "email": "fernleihe@nordbib.example"}],
    "request_channels": [
        {"method": "iso18626", "url": "https://ill.nordbib.example/iso18626", "symbol": "ISIL:DE-Nb1"}
    ],
}
MINIMAL_POD = {
    "id": "nord-pod",
    "name": "Nord Pod",
    "members": ["de-nordbib"],
    "maintainers": ["nord-pod-admin"],
    "last_reviewed": "2026-10-01",
}
MINIMAL_REQUEST = {
    "id": "R1",
    "borrower": "us-lakeside",
    "lender": "ISIL:DE-89",
    "service_type": "Copy",
    "publication_type": "Article",
    "title": "On interlibrary loan",
}
MINIMAL = {"institution": MINIMAL_INSTITUTION, "pod": MINIMAL_POD, "request": MINIMAL_REQUEST}

# One valid value for every kind of pattern in the schemas; each pattern must accept one of them.
PATTERN_SAMPLES = (
    "acme",
    "pod:nord-pod",
    "2026-10-01",
    "https://ill.nordbib.example/iso18626",
    "fernleihe@nordbib.example",
    "nordbib-ill",
    "49HBZ_UBD",
    "ISIL:DE-Nb1",
    "Nordbibliothek",
    "Europe/Berlin",
    "+49 30 1234 5678",
    "DE-89",
    "GWTIB",
    "05gqaka33",
    "ill.nordbib.example",
)


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    return {name: Draft202012Validator(schema) for name, schema in SCHEMAS.items()}


def subschemas(schema: object, pointer: str = "#") -> Iterator[tuple[str, dict]]:
    """Every schema object inside `schema` with its JSON pointer. The conditions of `if` are
    left out: they only pick a branch and describe no field."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for keyword, value in schema.items():
        if keyword in ("properties", "$defs", "patternProperties"):
            for name, member in value.items():
                yield from subschemas(member, f"{pointer}/{keyword}/{name}")
        elif keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for index, member in enumerate(value):
                yield from subschemas(member, f"{pointer}/{keyword}/{index}")
        elif keyword in ("items", "additionalProperties", "propertyNames", "then", "else", "not", "contains"):
            yield from subschemas(value, f"{pointer}/{keyword}")


def all_subschemas() -> Iterator[tuple[str, str, dict]]:
    for name, schema in SCHEMAS.items():
        for pointer, subschema in subschemas(schema):
            yield name, pointer, subschema


def all_patterns() -> list[str]:
    return sorted({sub["pattern"] for _, _, sub in all_subschemas() if "pattern" in sub})


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://ors-directory.github.io/directory/schema/{name}.schema.json"
    assert schema["title"] and schema["description"]
    jsonschema_rs.validator_for(schema)


def test_every_property_and_definition_has_a_description() -> None:
    missing = []
    for name, pointer, subschema in all_subschemas():
        for field, member in subschema.get("properties", {}).items():
            # `true` re-lists, in a method's branch, a field described on the channel itself.
            if member is not True and not (isinstance(member, dict) and member.get("description")):
                missing.append(f"{name}: {pointer}/properties/{field}")
        for definition, member in subschema.get("$defs", {}).items():
            if not member.get("description"):
                missing.append(f"{name}: {pointer}/$defs/{definition}")
    assert missing == []


@pytest.mark.parametrize("name", ["institution", "pod"])
def test_every_field_of_a_record_has_a_title_for_its_label(name: str) -> None:
    """The profile editor labels each field with its schema title (and the field reference shows it)."""
    missing = [f"{pointer}/properties/{field}" for pointer, subschema in subschemas(SCHEMAS[name])
               for field, member in subschema.get("properties", {}).items()
               if member is not True and not member.get("title")]
    assert missing == []


def test_every_code_list_offered_as_a_choice_has_plain_words() -> None:
    """`enumDescriptions` (read by YAML editors and the profile editor) stand beside each code, one
    for one; country and currency names come from elsewhere."""
    for name in ("institution", "pod"):
        for pointer, subschema in subschemas(SCHEMAS[name]):
            if "enum" in subschema and not pointer.endswith(("/$defs/country", "/$defs/currency")):
                words = subschema.get("enumDescriptions")
                assert words and len(words) == len(subschema["enum"]), f"{name}: {pointer}"
                assert all(isinstance(word, str) and word for word in words), f"{name}: {pointer}"


def test_branches_only_name_fields_described_on_their_object() -> None:
    for name, pointer, subschema in all_subschemas():
        for branch in subschema.get("allOf", []):
            listed = set(branch.get("then", {}).get("properties", {}))
            assert listed <= set(subschema.get("properties", {})), f"{name}: {pointer}"


def test_every_object_is_closed() -> None:
    open_objects = []
    for name, pointer, subschema in all_subschemas():
        if "properties" in subschema:
            if subschema.get("additionalProperties") is not False:
                open_objects.append(f"{name}: {pointer}")
        elif subschema.get("type") == "object":
            # A mapping of free names (such as ILLiad parameters) must say what its values are.
            if not isinstance(subschema.get("additionalProperties"), dict):
                open_objects.append(f"{name}: {pointer}")
    assert open_objects == []


@pytest.mark.parametrize("pattern", all_patterns())
def test_pattern_is_a_valid_ecmascript_regex(pattern: str) -> None:
    """Editors and other validators read patterns as ECMAScript with the `u` flag, which refuses
    escapes Python allows (such as `\\"`)."""
    regress.Regex(pattern, "u")


@pytest.mark.parametrize("pattern", all_patterns())
def test_pattern_is_anchored_at_both_ends(pattern: str) -> None:
    assert pattern.startswith("^")
    assert pattern.endswith(PATTERN_END), "`$` would also match before a final newline"


@pytest.mark.parametrize("pattern", all_patterns())
def test_pattern_rejects_a_trailing_newline(pattern: str) -> None:
    sample = next((s for s in PATTERN_SAMPLES if re.fullmatch(pattern, s)), None)
    assert sample is not None, "add a valid sample for this pattern to PATTERN_SAMPLES"
    schema = {"type": "string", "pattern": pattern}
    assert jsonschema_rs.is_valid(schema, sample)
    if re.search(pattern, "line one\nline two"):
        return  # multi-line text: a final line break is part of the text, not a loophole
    assert re.search(pattern, sample + "\n") is None
    assert not Draft202012Validator(schema).is_valid(sample + "\n")
    assert not jsonschema_rs.is_valid(schema, sample + "\n")


@pytest.mark.parametrize("value, valid", [("acme", True), ("acme\n", False), ("Acme", False)])
def test_id_pattern_in_both_validators(value: str, valid: bool) -> None:
    schema = {"type": "string", "pattern": SCHEMAS["institution"]["$defs"]["id"]["pattern"]}
    assert Draft202012Validator(schema).is_valid(value) is valid
    assert jsonschema_rs.is_valid(schema, value) is valid


def test_code_lists_in_schemas_are_current() -> None:
    for path in codes.SCHEMA_FILES:
        assert path.read_text(encoding="utf-8") == codes.expected_schema_text(path), path.name
    assert codes.main(["--check"]) == 0


def test_drift_names_the_out_of_date_code_list(tmp_path: Path) -> None:
    schema = copy.deepcopy(SCHEMAS["pod"])
    schema["$defs"]["currency"]["enum"] = ["EUR"]
    path = tmp_path / "pod.schema.json"
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert codes.drift(path) == ["$defs/currency"]
    path.write_text(codes.expected_schema_text(path), encoding="utf-8")
    assert codes.drift(path) == []


def test_code_lists() -> None:
    assert "DE" in codes.country_codes() and "EUR" in codes.currency_codes()
    assert list(codes.country_codes()) == sorted(codes.country_codes())
    assert codes.alpha3("DE") == "DEU" and codes.alpha3("no") == "NOR"
    assert not set(codes.REASON_UNFILLED) & set(codes.REASON_RETRY)


@pytest.mark.parametrize("name", SCHEMAS)
def test_minimal_record_is_valid(name: str, validators: dict[str, Draft202012Validator]) -> None:
    assert list(validators[name].iter_errors(MINIMAL[name])) == []
    assert jsonschema_rs.validator_for(SCHEMAS[name]).is_valid(MINIMAL[name])


@pytest.mark.parametrize(
    "channel",
    [
        {"method": "alma"},
        {"method": "alma", "institution_code": "49HBZ_UBD"},
        {"method": "iso18626", "url": "https://ill.example/iso18626", "symbol": "OCLC:GWTIB"},
        {"method": "illiad", "url": "https://ill.example/illiad", "symbol": "OCLC:ABC", "parameters": {"AccountId": "12"}},
        {"method": "iso-ill", "host": "ill.example", "port": 499, "symbol": "ISIL:DE-89"},
        {"method": "email", "email": "ill@library.example"},
    ],
)
def test_each_channel_method_is_accepted(channel: dict, validators: dict[str, Draft202012Validator]) -> None:
    institution = {**MINIMAL_INSTITUTION, "request_channels": [channel]}
    assert list(validators["institution"].iter_errors(institution)) == []


@pytest.mark.parametrize(
    "name, path, value, error_path, keyword",
    [
        ("institution", ("homepage",), "https://x.example", (), "additionalProperties"),
        ("institution", ("website",), "javascript:alert(1)", ("website",), "pattern"),
        ("institution", ("website",), "http://nordbib.example", ("website",), "pattern"),
        ("institution", ("id",), "../de-nordbib", ("id",), "pattern"),
        ("institution", ("id",), "DE-Nordbib", ("id",), "pattern"),
        ("institution", ("id",), "de-n\u043erdbib", ("id",), "pattern"),  # Cyrillic o
        ("institution", ("name",), "Nordbibliothek\n", ("name",), "pattern"),
        ("institution", ("request_channels", 0, "url"), REMOVED, ("request_channels", 0), "required"),
        ("institution", ("request_channels", 0, "host"), "ill.example", ("request_channels", 0), "additionalProperties"),
        ("institution", ("request_channels", 0, "method"), "fax", ("request_channels", 0, "method"), "enum"),
        ("institution", ("lending",), {"countries": ["*", "de"]}, ("lending", "countries", 1), "enum"),
        ("institution", ("last_reviewed",), "1. Oktober 2026", ("last_reviewed",), "pattern"),
        ("pod", ("members",), [], ("members",), "minItems"),
        ("request", ("service_type",), "Scan", ("service_type",), "enum"),
        ("request", ("max_cost",), {"amount": 10}, ("max_cost",), "required"),
    ],
)
def test_invalid_record_is_rejected(
    name: str,
    path: tuple,
    value: object,
    error_path: tuple,
    keyword: str,
    validators: dict[str, Draft202012Validator],
) -> None:
    record = changed(MINIMAL[name], path, value)
    found = {(tuple(error.absolute_path), error.validator) for error in validators[name].iter_errors(record)}
    assert (error_path, keyword) in found
    assert not jsonschema_rs.validator_for(SCHEMAS[name]).is_valid(record)
