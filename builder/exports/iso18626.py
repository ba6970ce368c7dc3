"""The ISO 18626 `request` message a borrower would send for an accepted request: an
`ISO18626Message` of the 2021 revision (schema ISO-18626-2021-2.xsd), built from the decision.

`request_message` is pure: a decision in, the message's bytes out, the same bytes for the same
decision. Record and request text goes into the XML only through ElementTree, which escapes it.
Which request field becomes which element is tabled in `site_src/decisions.md`.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from ..decide import Decision
from ..identifiers import split_agency_id
from ..messages import say
from ..model import ISO18626, Channel, Institution

NAMESPACE = "http://illtransactions.org/2013/iso18626"
VERSION = "2021-2"
PREFIX = "ill"
# Characters XML 1.0 cannot carry at all, escaped or not (its `Char` production).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A request id becomes a file name: these would leave or name the output folder.
NOT_A_FILE_NAME = re.compile(r"[/\\]|^\.\.?$")

# ElementTree names prefixes from one table of its own; the message's prefix is the one the
# standard's examples use for the `ill:version` attribute.
ET.register_namespace(PREFIX, NAMESPACE)


class NotSendable(Exception):
    """An accepted request for which no message can be written; the text says why and what to do."""


def agency_symbol(institution: Institution, channel: Channel | None = None) -> str | None:
    """The institution's symbol on ISO 18626: that of `channel` if it has one, else of its first
    ISO 18626-family channel with one, else its ISIL, else its OCLC symbol."""
    symbols = [c.settings.get("symbol") for c in ([channel] if channel else []) + list(institution.channels)
               if c.family == ISO18626]
    identifiers = institution.record.get("identifiers", {})
    symbols += [f"{authority}:{identifiers[key]}" for key, authority in (("isil", "ISIL"), ("oclc", "OCLC"))
                if key in identifiers]
    return next((symbol for symbol in symbols if symbol), None)


def message_file_name(request_id: str) -> str:
    """The file the message of request `request_id` is written to, `<request id>.xml`."""
    if NOT_A_FILE_NAME.search(request_id):
        raise NotSendable(say("iso18626.bad-file-name", id=request_id))
    return f"{request_id}.xml"


def _timestamp(day: dt.date) -> str:
    # ISO 18626 wants a date and time; a request file gives the day only, taken at 00:00 UTC.
    return f"{day.isoformat()}T00:00:00Z"


def _decimal(amount: float) -> str:
    """An amount as xs:decimal, which has no exponent: 1e3 is written 1000."""
    return format(Decimal(repr(amount)), "f")


class _Writer:
    """Elements in the message's namespace, with every text checked to be text XML can carry."""

    def __init__(self) -> None:
        self.root = ET.Element(f"{{{NAMESPACE}}}ISO18626Message", {f"{{{NAMESPACE}}}version": VERSION})

    def add(self, parent: ET.Element, name: str, text: str | None = None, *, field: str = "") -> ET.Element:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}")
        if text is not None:
            bad = NOT_XML.search(text)
            if bad:
                raise NotSendable(say("iso18626.not-xml-text", field=field or name,
                                      code=f"{ord(bad.group()):04X}"))
            element.text = text
        return element

    def agency(self, parent: ET.Element, name: str, symbol: str) -> None:
        authority, value = split_agency_id(symbol)
        agency = self.add(parent, name)
        self.add(agency, "agencyIdType", authority)
        self.add(agency, "agencyIdValue", value)

    def optional(self, parent: ET.Element, name: str, text: str | None, field: str) -> None:
        if text is not None:
            self.add(parent, name, text, field=field)


def _requesting_agency(writer: _Writer, message: ET.Element, borrower: Institution) -> None:
    """Who asks, and where a loan is to be sent: the borrower's name, its borrowing contact and
    its shipping address (else its first address), as the profile gives them."""
    info = writer.add(message, "requestingAgencyInfo")
    writer.add(info, "name", borrower.name, field=f"name of {borrower.id}")
    contact = next((c for role in ("borrowing", "general") for c in borrower.record["contacts"]
                    if c["role"] == role and c.get("name")), None)
    if contact is not None:
        writer.add(info, "contactName", contact["name"], field=f"contact name of {borrower.id}")
    addresses = borrower.record.get("addresses", [])
    address = next((a for a in addresses if "shipping" in a["purpose"]), addresses[0] if addresses else None)
    if address is None:
        return
    physical = writer.add(writer.add(info, "address"), "physicalAddress")
    where = f"address of {borrower.id}"
    lines = address["lines"]
    writer.add(physical, "line1", lines[0], field=where)
    # The schema has two lines; the others are kept, in order, on the second.
    if len(lines) > 1:
        writer.add(physical, "line2", ", ".join(lines[1:]), field=where)
    writer.add(physical, "locality", address["city"], field=where)
    writer.optional(physical, "postalCode", None if "postal_code" not in address else str(address["postal_code"]),
                    where)
    writer.optional(physical, "region", address.get("region"), where)
    writer.add(physical, "country", address["country"], field=where)


def request_message(decision: Decision) -> bytes:
    """The ISO 18626 `request` message of an accepted request sent over an ISO 18626 channel.

    Raises `NotSendable` when the borrower or lender has no ISO 18626 symbol, or when request
    text holds a character XML cannot carry.
    """
    request, borrower, lender = decision.request, decision.borrower, decision.lender
    requesting = agency_symbol(borrower)
    if requesting is None:
        raise NotSendable(say("iso18626.no-symbol", library=borrower.id))
    supplying = agency_symbol(lender, decision.channel)
    if supplying is None:
        raise NotSendable(say("iso18626.no-symbol", library=lender.id))

    # Elements in the order of the 2021-2 schema's sequences.
    writer = _Writer()
    message = writer.add(writer.root, "request")
    header = writer.add(message, "header")
    writer.agency(header, "supplyingAgencyId", supplying)
    writer.agency(header, "requestingAgencyId", requesting)
    writer.add(header, "timestamp", _timestamp(decision.day))
    writer.add(header, "requestingAgencyRequestId", request.id, field="id")

    bibliographic = writer.add(message, "bibliographicInfo")
    writer.add(bibliographic, "title", request.title, field="title")
    writer.optional(bibliographic, "author", request.author, "author")
    writer.optional(bibliographic, "estimatedNoPages", None if request.pages is None else str(request.pages), "pages")

    publication = writer.add(message, "publicationInfo")
    writer.add(publication, "publicationType", request.publication_type, field="publication_type")
    writer.optional(publication, "publicationDate", request.publication_date, "publication_date")

    service = writer.add(message, "serviceInfo")
    writer.add(service, "requestType", "New")
    writer.add(service, "serviceType", decision.service_type, field="service_type")
    writer.optional(service, "serviceLevel", request.service_level, "service_level")
    writer.optional(service, "itemFormat", request.item_format, "item_format")
    if request.need_before is not None:
        writer.add(service, "needBeforeDate", _timestamp(request.need_before), field="need_before")

    if request.delivery_method is not None:
        delivery = writer.add(message, "requestedDeliveryInfo")
        writer.add(delivery, "deliveryMethod", request.delivery_method, field="delivery_method")

    _requesting_agency(writer, message, borrower)

    if request.payment_method is not None or request.max_cost is not None:
        billing = writer.add(message, "billingInfo")
        writer.optional(billing, "paymentMethod", request.payment_method, "payment_method")
        if request.max_cost is not None:
            costs = writer.add(billing, "maximumCosts")
            writer.add(costs, "currencyCode", request.max_cost.currency, field="max_cost.currency")
            writer.add(costs, "monetaryValue", _decimal(request.max_cost.amount), field="max_cost.amount")

    ET.indent(writer.root)
    return ET.tostring(writer.root, encoding="UTF-8", xml_declaration=True) + b"\n"


def sends_iso18626(decision: Decision) -> bool:
    """Whether the borrower would send this request as an ISO 18626 message."""
    return decision.accepted and decision.channel.family == ISO18626
