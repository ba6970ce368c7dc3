"""An institution as an Alma resource sharing partner: the JSON form of Ex Libris' `rest_partner.xsd`
and `rest_contact_info.xsd` (Alma's Partners API), so an Alma library can create the partner from
the feed instead of by hand.

In that JSON form a field whose values come from an Alma code table is `{"value", "desc"}` and
every other field is a plain value; address, email and phone types are lists of plain strings
from the XSD's enumerations. Only what the profile says is filled in, except where Alma insists
on a value; which values those are, and what the importing library still sets itself, is
documented in `site_src/feed.md`.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..codes import alpha3
from ..model import Channel, Institution
from ..wording import country_name

# Channel methods Alma can be given completely from a profile, with their profile type. An
# `alma` channel is not among them: the directory holds no ISO 18626 server address for it,
# which Alma requires, so the partner gets its institution code and the next usable channel.
PROFILE_TYPE = {"iso18626": "ISO_18626", "illiad": "ISO_18626", "iso-ill": "ISO", "email": "EMAIL"}
# Values of Alma's PartnerSystemTypes code table (information only in Alma); see site_src/feed.md.
SYSTEM_TYPE = {"alma": {"value": "ALMA", "desc": "Alma"}, "illiad": {"value": "ILLIAD", "desc": "ILLiad"}}
OTHER_SYSTEM = {"value": "OTHER", "desc": "Other"}
ALL = "ALL"
# Our address purposes as Alma address types; `postal` has none of its own (see `_address_types`).
ADDRESS_TYPES = {"shipping": "shipping", "returns": "returns", "billing": "billing"}
# Contact roles as Alma email and phone types, from the importing library's side: the lending
# desk takes its requests (orders) and reminders (claims), the borrowing desk its questions.
EMAIL_TYPES = {"lending": ("order_mail", "claim_mail"), "borrowing": ("queries",), "billing": ("payment_mail",),
               "returns": ("returns_mail",), "technical": ("error_reporting",), "general": ("general",)}
PHONE_TYPES = {"lending": ("order_phone", "claim_phone"), "borrowing": ("general",), "billing": ("payment_phone",),
               "returns": ("returns_phone",), "technical": ("error_reporting",), "general": ("general",)}


def profile_channel(institution: Institution) -> Channel | None:
    """The channel the Alma profile is made from: the first one Alma can be given completely."""
    return next((c for c in institution.channels if c.method in PROFILE_TYPE), None)


def _profile(channel: Channel | None, fallback_email: str) -> dict[str, Any]:
    """`profile_details` for the channel requests should reach the institution by."""
    if channel is None:
        # Only an Alma channel, or none (an inactive institution): Alma needs a profile all the
        # same, and the lending desk's email is one that reaches a person.
        return {"profile_type": "EMAIL", "email_details": {"email": fallback_email}}
    settings = channel.settings
    profile_type = PROFILE_TYPE[channel.method]
    if channel.method == "email":
        return {"profile_type": profile_type, "email_details": {"email": settings["email"]}}
    if channel.method == "iso-ill":
        return {"profile_type": profile_type,
                "iso_details": {"ill_server": settings["host"], "ill_port": settings["port"],
                                "iso_symbol": settings["symbol"]}}
    # ILLiad takes ISO 18626 requests through its ISO component, at the channel's address.
    return {"profile_type": profile_type,
            "iso_18626_details": {"ill_server": settings["url"], "iso_symbol": settings["symbol"]}}


def _system_type(institution: Institution) -> dict[str, str]:
    """What software the partner runs, as far as its channels tell."""
    return next((SYSTEM_TYPE[c.method] for c in institution.channels if c.method in SYSTEM_TYPE), OTHER_SYSTEM)


def _address_types(purposes: Iterable[str]) -> list[str]:
    """The Alma types of an address; a postal address with no other purpose is for everything."""
    types = [ADDRESS_TYPES[p] for p in purposes if p in ADDRESS_TYPES]
    return types or [ALL]


def _addresses(institution: Institution) -> list[dict[str, Any]]:
    addresses = []
    for number, address in enumerate(institution.record.get("addresses", [])):
        entry: dict[str, Any] = {f"line{index + 1}": line for index, line in enumerate(address["lines"])}
        entry["city"] = address["city"]
        if "region" in address:
            entry["state_province"] = address["region"]
        if "postal_code" in address:
            entry["postal_code"] = str(address["postal_code"])
        entry["country"] = {"value": alpha3(address["country"]), "desc": country_name(address["country"])}
        entry["address_type"] = _address_types(address["purpose"])
        entry["preferred"] = number == 0
        addresses.append(entry)
    return addresses


def _ordered_contacts(institution: Institution) -> list[dict]:
    """Contacts with the lending desk first, then general, then the rest as written."""
    rank = {"lending": 0, "general": 1}
    return sorted(institution.record.get("contacts", []), key=lambda c: rank.get(c["role"], 2))


def _by_value(contacts: list[dict], key: str) -> dict[str, list[dict]]:
    """The contacts sharing each email address or phone number, in order: one Alma entry each."""
    found: dict[str, list[dict]] = {}
    for contact in contacts:
        if contact.get(key) is not None:
            found.setdefault(str(contact[key]), []).append(contact)
    return found


def _types(contacts: list[dict], table: dict[str, tuple[str, ...]]) -> list[str]:
    types: list[str] = []
    for contact in contacts:
        types.extend(t for t in table[contact["role"]] if t not in types)
    return types


def _described(contacts: list[dict]) -> str:
    return "; ".join(f"{c['role']}: {c['name']}" if c.get("name") else c["role"] for c in contacts)


def _emails(contacts: list[dict]) -> list[dict[str, Any]]:
    return [{"email_address": address, "description": _described(sharing),
             "email_type": _types(sharing, EMAIL_TYPES), "preferred": number == 0}
            for number, (address, sharing) in enumerate(_by_value(contacts, "email").items())]


def _phones(contacts: list[dict]) -> list[dict[str, Any]]:
    return [{"phone_number": number_text, "phone_type": _types(sharing, PHONE_TYPES), "preferred": number == 0}
            for number, (number_text, sharing) in enumerate(_by_value(contacts, "phone").items())]


def alma_partner(institution: Institution) -> dict[str, Any]:
    """The Alma partner record of an institution, for `POST /almaws/v1/partners`."""
    contacts = _ordered_contacts(institution)
    lending = institution.lending or {}
    details: dict[str, Any] = {
        "code": institution.id,
        "name": institution.name,
        "status": "ACTIVE" if institution.active else "INACTIVE",
        "system_type": _system_type(institution),
        "profile_details": _profile(profile_channel(institution), contacts[0]["email"]),
        # Mandatory in Alma; a profile that does not say is taken as answering the same day, as
        # the decision checks do.
        "avg_supply_time": lending.get("days_to_respond", 0),
        # Alma's wording is from the importing library's side: it borrows from a partner that
        # lends, and lends to a partner that borrows.
        "borrowing_supported": institution.active and institution.lending is not None,
        "lending_supported": institution.active and institution.borrowing_enabled,
    }
    if "currency" in lending:
        details["currency"] = lending["currency"]
    alma_code = next((c.settings.get("institution_code") for c in institution.channels if c.method == "alma"), None)
    if alma_code:
        details["institution_code"] = alma_code
    return {
        "partner_details": details,
        "contact_info": {"address": _addresses(institution), "email": _emails(contacts),
                         "phone": _phones(contacts)},
    }
