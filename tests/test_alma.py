"""Alma partner records against the facts of Ex Libris' `rest_partner.xsd` and
`rest_contact_info.xsd`, in the JSON form of Alma's Partners API.

Every export of the sample directory, the feed fixture, the hostile fixture and a synthetic
directory of 300 institutions is checked, one test per rule:

- A1  the record holds `partner_details` and `contact_info`, and nothing but those and `note`
- A2  `partner_details` has every mandatory field: code, name, status, system_type,
      profile_details, avg_supply_time, borrowing_supported, lending_supported
- A3  `partner_details` holds only fields the XSD defines (no `server_address`, for one)
- A4  `status` is the plain string ACTIVE or INACTIVE
- A5  a code-table field (system_type, locate_profile, an address's country) is
      `{"value", "desc"}` with string values, the country an ISO 3166-1 alpha-3 code
- A6  every other field is a plain value: currency an ISO 4217 string, code, name and
      institution_code strings, avg_supply_time a whole number of days, the two
      `*_supported` fields booleans
- A7  `profile_type` is one of the XSD's profile types, and `profile_details` holds only the
      details object of that type
- A8  an ISO_18626 profile has `ill_server` (the endpoint, an https URL) and `iso_symbol`
- A9  an ISO profile has `ill_server`, `ill_port` (1–65535) and `iso_symbol`
- A10 an EMAIL profile has `email_details.email`
- A11 every address has `line1`, only the XSD's address fields, and `address_type` as a
      non-empty list of plain strings from the XSD's address type enumeration
- A12 every email has `email_address`, only the XSD's email fields, and `email_type` as a
      non-empty list of plain strings from the email type enumeration
- A13 every phone has `phone_number`, only the XSD's phone fields, and `phone_type` as a
      non-empty list of plain strings from the phone type enumeration
- A14 at most one address, one email and one phone is `preferred`, which is a boolean
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from builder.codes import currency_codes
from builder.exports.alma import alma_partner
from builder.model import Directory
from builder.validate import validate_directory
from conftest import FIXTURES, SAMPLE_RECORDS, TODAY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synth import generate  # noqa: E402

# Facts of rest_partner.xsd: the fields of partner_details and the profile types.
PARTNER_FIELDS = {
    "code", "name", "profile_details", "status", "system_type", "avg_supply_time", "delivery_delay",
    "currency", "borrowing_supported", "borrowing_workflow", "lending_supported", "lending_workflow",
    "auto_cancel_supported", "auto_cancel_reason", "auto_cancel_time", "auto_claim_supported",
    "auto_claim_time", "locate_profile", "institution_code", "holding_code",
}
MANDATORY = ("code", "name", "status", "system_type", "profile_details", "avg_supply_time",
             "borrowing_supported", "lending_supported")
CODE_TABLE_FIELDS = ("system_type", "locate_profile")
PROFILE_DETAILS = {"NCIP": "ncip_details", "ART_EMAIL": "art_email_details", "ISO": "iso_details",
                   "ISO_18626": "iso_18626_details", "EMAIL": "email_details", "NCIP_P2P": "ncip_p2p_details",
                   "BLDSS": "bldss_details", "FULFILLMENT_NETWORK": "fulfillment_network_details",
                   "RAPID": "rapid_details", "INNREACH": "innreach_details"}
# Facts of rest_contact_info.xsd: the fields of an address, email and phone, and their types.
ADDRESS_FIELDS = {"preferred", "line1", "line2", "line3", "line4", "line5", "city", "state_province",
                  "postal_code", "country", "address_note", "start_date", "end_date", "address_type"}
EMAIL_FIELDS = {"preferred", "email_address", "description", "email_type"}
PHONE_FIELDS = {"preferred", "preferredSMS", "phone_number", "phone_type"}
ADDRESS_TYPES = {"order", "claim", "payment", "returns", "billing", "shipping", "office", "ALL"}
EMAIL_TYPES = {"order_mail", "claim_mail", "payment_mail", "returns_mail", "personal", "school", "work",
               "order", "queries", "error_reporting", "general", "ALL"}
PHONE_TYPES = {"order_phone", "claim_phone", "payment_phone", "returns_phone", "order_fax", "claim_fax",
               "payment_fax", "returns_fax", "error_reporting", "general", "ALL"}
ALPHA3 = re.compile(r"^[A-Z]{3}$")


def exports_of(records: Path) -> list[dict]:
    validation = validate_directory(records, TODAY)
    assert not validation.errors, [p.as_text() for p in validation.errors]
    directory = Directory.from_records(validation.valid)
    # Through JSON, as the feed publishes them.
    return [json.loads(json.dumps(alma_partner(i))) for i in directory.institutions.values()]


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[dict]:
    synthetic = tmp_path_factory.mktemp("synthetic") / "records"
    generate(synthetic, 300, seed=5)
    found = []
    for records in (SAMPLE_RECORDS, FIXTURES / "feed" / "records", FIXTURES / "hostile", synthetic):
        found.extend(exports_of(records))
    assert len(found) > 300
    return found


def details(export: dict) -> dict:
    return export["partner_details"]


def test_a1_top_level_holds_partner_details_and_contact_info(exports):
    for export in exports:
        assert {"partner_details", "contact_info"} <= set(export) <= {"partner_details", "contact_info", "note"}


def test_a2_mandatory_partner_fields_are_present(exports):
    for export in exports:
        missing = [f for f in MANDATORY if f not in details(export)]
        assert missing == [], (details(export)["code"], missing)


def test_a3_partner_fields_are_fields_of_the_xsd(exports):
    for export in exports:
        assert set(details(export)) <= PARTNER_FIELDS, details(export)["code"]


def test_a4_status_is_a_plain_enumeration_value(exports):
    for export in exports:
        assert details(export)["status"] in ("ACTIVE", "INACTIVE")


def code_table_values(export: dict):
    for field in CODE_TABLE_FIELDS:
        if field in details(export):
            yield details(export)[field]
    for address in export["contact_info"]["address"]:
        yield address["country"]


def test_a5_code_table_fields_are_value_and_desc(exports):
    for export in exports:
        for value in code_table_values(export):
            assert set(value) <= {"value", "desc"} and "value" in value, value
            assert all(isinstance(text, str) and text for text in value.values()), value
        for address in export["contact_info"]["address"]:
            assert ALPHA3.match(address["country"]["value"]), address["country"]


def test_a6_other_fields_are_plain_values(exports):
    currencies = set(currency_codes())
    for export in exports:
        partner = details(export)
        for field in ("code", "name", "institution_code"):
            assert isinstance(partner.get(field, ""), str), field
        if "currency" in partner:
            assert partner["currency"] in currencies, partner["currency"]
        assert isinstance(partner["avg_supply_time"], int) and not isinstance(partner["avg_supply_time"], bool)
        assert partner["avg_supply_time"] >= 0
        assert isinstance(partner["borrowing_supported"], bool) and isinstance(partner["lending_supported"], bool)


def profile(export: dict) -> dict:
    return details(export)["profile_details"]


def test_a7_profile_type_names_its_details(exports):
    for export in exports:
        profile_type = profile(export)["profile_type"]
        assert profile_type in PROFILE_DETAILS
        assert set(profile(export)) == {"profile_type", PROFILE_DETAILS[profile_type]}


def profiles_of(exports: list[dict], profile_type: str) -> list[dict]:
    found = [profile(e)[PROFILE_DETAILS[profile_type]] for e in exports if profile(e)["profile_type"] == profile_type]
    assert found, f"no {profile_type} profile among the exports"
    return found


def test_a8_iso_18626_profile_has_its_server_and_symbol(exports):
    for iso in profiles_of(exports, "ISO_18626"):
        assert iso["ill_server"].startswith("https://"), iso
        assert isinstance(iso["iso_symbol"], str) and iso["iso_symbol"]


def test_a9_iso_profile_has_server_port_and_symbol(exports):
    for iso in profiles_of(exports, "ISO"):
        assert isinstance(iso["ill_server"], str) and iso["ill_server"]
        assert isinstance(iso["ill_port"], int) and 1 <= iso["ill_port"] <= 65535
        assert isinstance(iso["iso_symbol"], str) and iso["iso_symbol"]


def test_a10_email_profile_has_an_email(exports):
    for email in profiles_of(exports, "EMAIL"):
        assert isinstance(email["email"], str) and "@" in email["email"]


def typed_list(values: object, allowed: set[str]) -> bool:
    return isinstance(values, list) and bool(values) and all(isinstance(v, str) and v in allowed for v in values)


def test_a11_addresses_have_line1_and_enumerated_types(exports):
    seen = 0
    for export in exports:
        for address in export["contact_info"]["address"]:
            seen += 1
            assert isinstance(address["line1"], str) and address["line1"]
            assert set(address) <= ADDRESS_FIELDS, address
            assert typed_list(address["address_type"], ADDRESS_TYPES), address["address_type"]
    assert seen


def test_a12_emails_have_an_address_and_enumerated_types(exports):
    for export in exports:
        for email in export["contact_info"]["email"]:
            assert isinstance(email["email_address"], str) and email["email_address"]
            assert set(email) <= EMAIL_FIELDS, email
            assert typed_list(email["email_type"], EMAIL_TYPES), email["email_type"]


def test_a13_phones_have_a_number_and_enumerated_types(exports):
    seen = 0
    for export in exports:
        for phone in export["contact_info"]["phone"]:
            seen += 1
            assert isinstance(phone["phone_number"], str) and phone["phone_number"]
            assert set(phone) <= PHONE_FIELDS, phone
            assert typed_list(phone["phone_type"], PHONE_TYPES), phone["phone_type"]
    assert seen


def test_a14_at_most_one_preferred_entry_of_each_kind(exports):
    for export in exports:
        for kind in ("address", "email", "phone"):
            entries = export["contact_info"][kind]
            assert all(isinstance(e["preferred"], bool) for e in entries)
            assert sum(e["preferred"] for e in entries) <= 1, (details(export)["code"], kind)
