"""An institution as a ReShare directory entry: the DirectoryEntry JSON of the open-source
ReShare / FOLIO `mod-directory` (name, slug, symbols, services, addresses, tags), so a ReShare
tenant can load the directory's libraries as it loads its own seed entries.

Only what the profile says is written; the mapping is documented in `site_src/feed.md`.
"""

from __future__ import annotations

from typing import Any

from ..identifiers import split_agency_id
from ..model import Channel, Directory, Institution
from ..wording import country_name

# mod-directory's service types for the channels it can use; Alma and email channels have none
# (an Alma channel has no address in the directory, and ReShare does not send requests by email).
SERVICE_TYPES = {"iso18626": "ISO18626", "illiad": "ISO18626", "iso-ill": "ISO10161.TCP"}
SERVICE_NAMES = {"ISO18626": "ISO 18626", "ISO10161.TCP": "ISO ILL"}
# Identifier fields that are agency symbols, with the naming authority ReShare knows them by.
SYMBOL_AUTHORITIES = (("isil", "ISIL"), ("oclc", "OCLC"))


def _symbol(authority: str, value: str) -> dict[str, str]:
    return {"authority": authority, "symbol": value, "priority": "a"}


def _symbols(institution: Institution) -> list[dict[str, str]]:
    """Channel symbols first (the ones requests are addressed to), then the agency identifiers;
    each authority and value once."""
    pairs: list[tuple[str, str]] = []
    for channel in institution.channels:
        if "symbol" in channel.settings:
            pairs.append(split_agency_id(str(channel.settings["symbol"])))
    identifiers = institution.record.get("identifiers", {})
    pairs += [(authority, identifiers[key]) for key, authority in SYMBOL_AUTHORITIES if key in identifiers]
    pairs += [(other["authority"], other["value"]) for other in identifiers.get("other", [])]
    unique = list(dict.fromkeys(pairs))
    return [_symbol(authority, value) for authority, value in unique]


def _service(institution: Institution, channel: Channel, slug: str) -> dict[str, Any]:
    settings = channel.settings
    service_type = SERVICE_TYPES[channel.method]
    address = settings["url"] if service_type == "ISO18626" else f"tcp:{settings['host']}:{settings['port']}"
    authority, _ = split_agency_id(str(settings["symbol"]))
    return {
        "slug": slug,
        "service": {"name": f"{institution.name} {SERVICE_NAMES[service_type]}", "address": address,
                    "type": service_type, "businessFunction": "ILL"},
        # Which of the entry's symbols this service answers to.
        "customProperties": {"ILLPreferredNamespaces": [authority]},
    }


def _services(institution: Institution) -> list[dict[str, Any]]:
    """One service account a usable channel, preferred first; slugs unique within the entry."""
    services, counted = [], {}
    for channel in institution.channels:
        if channel.method not in SERVICE_TYPES:
            continue
        kind = SERVICE_TYPES[channel.method].replace(".", "_")
        counted[kind] = counted.get(kind, 0) + 1
        suffix = "" if counted[kind] == 1 else f"_{counted[kind]}"
        services.append(_service(institution, channel, f"{institution.id}_{kind}{suffix}"))
    return services


def _line(number: int, kind: str, value: str) -> dict[str, Any]:
    return {"seq": number, "type": {"value": kind}, "value": value}


def _address(address: dict) -> dict[str, Any]:
    """An address as typed lines (mod-directory's AddressLine types). Our lines are free text: the
    last is the street or post box, the first names the building, and any between the office."""
    lines = address["lines"]
    typed: list[tuple[str, str]] = []
    if len(lines) > 1:
        typed.append(("premise", lines[0]))
    if len(lines) > 2:
        typed.append(("department", ", ".join(lines[1:-1])))
    typed.append(("thoroughfare", lines[-1]))
    typed.append(("locality", address["city"]))
    if "region" in address:
        typed.append(("administrativearea", address["region"]))
    if "postal_code" in address:
        typed.append(("postalcode", str(address["postal_code"])))
    typed.append(("country", country_name(address["country"])))
    return {
        "addressLabel": ", ".join(address["purpose"]),
        "lines": [_line(number, kind, value) for number, (kind, value) in enumerate(typed)],
        "tags": list(address["purpose"]),
    }


def _desk(institution: Institution) -> dict | None:
    """The contact ReShare shows for the entry: the lending desk, else the general one."""
    contacts = institution.record.get("contacts", [])
    return next((c for role in ("lending", "general") for c in contacts if c["role"] == role), None)


def reshare_entry(directory: Directory, institution: Institution, entry_url: str) -> dict[str, Any]:
    """The institution's DirectoryEntry; `entry_url` is where this entry is published, which
    mod-directory follows to refresh it (`foafUrl`)."""
    record = institution.record
    entry: dict[str, Any] = {
        "name": institution.name,
        "slug": institution.id,
        "type": "Institution",
        "foafUrl": entry_url,
        "symbols": _symbols(institution),
        "services": _services(institution),
        "addresses": [_address(address) for address in record.get("addresses", [])],
        "tags": [f"status:{institution.status}"]
                + [f"pod:{pod}" for pod in sorted(directory.confirmed_pods[institution.id])],
    }
    for field, key in (("description", "description"), ("url", "website")):
        if key in record:
            entry[field] = record[key]
    desk = _desk(institution)
    if desk is not None:
        entry["emailAddress"] = desk["email"]
        if "name" in desk:
            entry["contactName"] = desk["name"]
        if "phone" in desk:
            entry["phoneNumber"] = str(desk["phone"])
    return entry
