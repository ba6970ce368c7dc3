"""An institution as an Alma resource sharing partner (the JSON of Alma's Partners API,
`rest_partner.xsd`), so an Alma library can create the partner from the feed instead of by hand.

Only what the profile says is filled in. Settings that belong to the importing library
(workflows, locate profile, holding code, notes) are left out for it to choose; the mapping is
documented in `site_src/feed.md`.
"""

from __future__ import annotations

from typing import Any

from ..codes import alpha3
from ..model import Channel, Institution

# Alma profile type and `profile_details` entry for each request channel method.
PROFILE_TYPE = {"alma": "ISO_18626", "iso18626": "ISO_18626", "illiad": "ISO_18626",
                "iso-ill": "ISO", "email": "EMAIL"}
# Codes of Alma's PartnerSystemTypes table; "OTHER" when the profile does not say the software.
SYSTEM_TYPE = {"alma": ("ALMA", "Alma"), "illiad": ("ILLIAD", "ILLiad")}
OTHER_SYSTEM = ("OTHER", "Other")
# Our address purposes as Alma address types; `postal` has no Alma type of its own.
ADDRESS_TYPE = {"shipping": "shipping", "returns": "returns", "billing": "billing"}
ALL = [{"value": "ALL"}]


def _profile(channel: Channel | None, fallback_email: str | None) -> dict[str, Any]:
    """`profile_details` for the channel requests should reach the institution by."""
    if channel is None:
        # Nothing to send requests to (an inactive institution without channels): email the
        # lending desk, which Alma needs a profile for even if the partner stays inactive.
        return {"profile_type": "EMAIL", "email_details": {"email": fallback_email or ""}}
    settings = channel.settings
    profile_type = PROFILE_TYPE[channel.method]
    if channel.method == "email":
        return {"profile_type": profile_type, "email_details": {"email": settings["email"]}}
    if channel.method == "iso-ill":
        return {"profile_type": profile_type,
                "iso_details": {"ill_server": settings["host"], "ill_port": settings["port"],
                                "iso_symbol": settings["symbol"]}}
    if channel.method == "alma":
        # Alma-to-Alma peers are addressed by institution code, which also serves as the symbol.
        return {"profile_type": profile_type,
                "iso_18626_details": {"iso_symbol": settings["institution_code"]}}
    return {"profile_type": profile_type,
            "iso_18626_details": {"iso_symbol": settings["symbol"], "server_address": settings["url"]}}


def _addresses(institution: Institution) -> list[dict[str, Any]]:
    addresses = []
    for number, address in enumerate(institution.record.get("addresses", [])):
        entry: dict[str, Any] = {f"line{index + 1}": line for index, line in enumerate(address["lines"])}
        entry["city"] = address["city"]
        if "region" in address:
            entry["state_province"] = address["region"]
        if "postal_code" in address:
            entry["postal_code"] = str(address["postal_code"])
        entry["country"] = {"value": alpha3(address["country"])}
        types = [{"value": ADDRESS_TYPE[p]} for p in address["purpose"] if p in ADDRESS_TYPE]
        entry["address_type"] = types or ALL
        entry["preferred"] = number == 0
        addresses.append(entry)
    return addresses


def _ordered_contacts(institution: Institution) -> list[dict]:
    """Contacts with the lending desk first, then general, then the rest as written."""
    rank = {"lending": 0, "general": 1}
    return sorted(institution.record.get("contacts", []), key=lambda c: rank.get(c["role"], 2))


def _described(contact: dict) -> str:
    return f"{contact['role']}: {contact['name']}" if contact.get("name") else contact["role"]


def _emails(contacts: list[dict]) -> list[dict[str, Any]]:
    emails, seen = [], set()
    for contact in contacts:
        if contact["email"] in seen:
            continue
        seen.add(contact["email"])
        emails.append({"email_address": contact["email"], "description": _described(contact),
                       "email_type": ALL, "preferred": not emails})
    return emails


def _phones(contacts: list[dict]) -> list[dict[str, Any]]:
    phones, seen = [], set()
    for contact in contacts:
        phone = contact.get("phone")
        if phone is None or phone in seen:
            continue
        seen.add(phone)
        phones.append({"phone_number": str(phone), "description": _described(contact),
                       "phone_type": ALL, "preferred": not phones})
    return phones


def alma_partner(institution: Institution) -> dict[str, Any]:
    """The Alma partner record of an institution, for `POST /almaws/v1/partners`."""
    channel = institution.channels[0] if institution.channels else None
    contacts = _ordered_contacts(institution)
    lending = institution.lending
    system_value, system_desc = SYSTEM_TYPE.get(channel.method if channel else "", OTHER_SYSTEM)
    details: dict[str, Any] = {
        "code": institution.id,
        "name": institution.name,
        "status": "ACTIVE" if institution.active else "INACTIVE",
        "system_type": {"value": system_value, "desc": system_desc},
        "profile_details": _profile(channel, contacts[0]["email"] if contacts else None),
        # Alma's wording is from the importing library's side: it borrows from a partner that
        # lends, and lends to a partner that borrows.
        "borrowing_supported": institution.active and lending is not None,
        "lending_supported": institution.active and institution.borrowing_enabled,
    }
    if lending and "days_to_respond" in lending:
        details["avg_supply_time"] = lending["days_to_respond"]
    if lending and "currency" in lending:
        details["currency"] = {"value": lending["currency"]}
    if channel is not None and channel.method == "alma":
        details["institution_code"] = channel.settings["institution_code"]
    return {
        "partner_details": details,
        "contact_info": {"address": _addresses(institution), "email": _emails(contacts),
                         "phone": _phones(contacts)},
    }
