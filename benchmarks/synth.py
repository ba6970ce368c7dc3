"""A synthetic directory of N realistic institutions, for benchmarks and scale tests.

Everything is drawn from one seeded `random.Random`, so the same (n, seed, partners) always
writes the same files. The output follows the specification: it validates with no errors
(warnings such as overdue reviews aside), partnerships are mostly mutual, pod membership is
stated on both sides, and every channel method, service, fee, closure and rule condition occurs.

    python benchmarks/synth.py --n 1000 --out benchmarks/out/dir-1000
    python benchmarks/synth.py --n 1000 --shape small --out benchmarks/out/small-1000
    python benchmarks/synth.py --requests 500 --records benchmarks/out/dir-1000 --out benchmarks/out/req-1000

YAML is written by hand rather than through a YAML library: every string is double-quoted
JSON-style (valid YAML, so `NO`, `yes` and dates stay text for the strict loader), and writing
text directly keeps 10,000 institutions within a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

# (country, currency, time zone, towns) — towns make names and addresses look like real ones.
COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("US", "USD", "America/Chicago", ("Lakeside", "Prairie City", "Riverton", "Oakdale", "Millbrook")),
    ("CA", "CAD", "America/Toronto", ("Maplewood", "Northbay", "Cedar Falls", "Pinecrest")),
    ("MX", "MXN", "America/Mexico_City", ("San Aurelio", "Valle Claro", "Puerto Lindo")),
    ("BR", "BRL", "America/Sao_Paulo", ("Serra Azul", "Rio Verde", "Campo Alto")),
    ("AR", "ARS", "America/Argentina/Buenos_Aires", ("Villa Sol", "Puerto Norte")),
    ("CL", "CLP", "America/Santiago", ("Valle Sur", "Punta Clara")),
    ("GB", "GBP", "Europe/London", ("Elmstead", "Fenwick", "Ashby", "Kingsmere", "Holloway")),
    ("IE", "EUR", "Europe/Dublin", ("Ballycarra", "Kilmore")),
    ("DE", "EUR", "Europe/Berlin", ("Nordhafen", "Auenfeld", "Lindenau", "Bergheim", "Talstadt")),
    ("AT", "EUR", "Europe/Vienna", ("Seewalden", "Almdorf")),
    ("CH", "CHF", "Europe/Zurich", ("Seeberg", "Talwil")),
    ("FR", "EUR", "Europe/Paris", ("Valbrune", "Montclair", "Saint-Aubin", "Rivesaltes")),
    ("BE", "EUR", "Europe/Brussels", ("Hoogdal", "Beaumont")),
    ("NL", "EUR", "Europe/Amsterdam", ("Dijkstad", "Zeewolde", "Veenhoven")),
    ("LU", "EUR", "Europe/Luxembourg", ("Esch-Haut",)),
    ("DK", "DKK", "Europe/Copenhagen", ("Havby", "Skovlund")),
    ("NO", "NOK", "Europe/Oslo", ("Fjellheim", "Sjoholm", "Bergvik")),
    ("SE", "SEK", "Europe/Stockholm", ("Norrvik", "Sjostad", "Granby")),
    ("FI", "EUR", "Europe/Helsinki", ("Koivula", "Jarvela", "Kallio")),
    ("IS", "ISK", "Atlantic/Reykjavik", ("Fjardarvik",)),
    ("ES", "EUR", "Europe/Madrid", ("Villaclara", "Puerto Alto", "Sierra Blanca")),
    ("PT", "EUR", "Europe/Lisbon", ("Vila Nova", "Porto Claro")),
    ("IT", "EUR", "Europe/Rome", ("Valfiore", "Montebello", "Porto Sereno")),
    ("GR", "EUR", "Europe/Athens", ("Akrotiri Nea",)),
    ("PL", "PLN", "Europe/Warsaw", ("Zielony Gaj", "Nowa Wola")),
    ("CZ", "CZK", "Europe/Prague", ("Lesna", "Horni Brod")),
    ("HU", "HUF", "Europe/Budapest", ("Tiszavar",)),
    ("EE", "EUR", "Europe/Tallinn", ("Metsaküla",)),
    ("LT", "EUR", "Europe/Vilnius", ("Ežerai",)),
    ("TR", "TRY", "Europe/Istanbul", ("Yesilkoy",)),
    ("IL", "ILS", "Asia/Jerusalem", ("Ein Tamar",)),
    ("ZA", "ZAR", "Africa/Johannesburg", ("Fynbos", "Kloofdal")),
    ("KE", "KES", "Africa/Nairobi", ("Mlima",)),
    ("IN", "INR", "Asia/Kolkata", ("Nilagiri", "Suryanagar")),
    ("SG", "SGD", "Asia/Singapore", ("Bukit Hijau",)),
    ("JP", "JPY", "Asia/Tokyo", ("Kawabe", "Minamiyama", "Aoshima")),
    ("KR", "KRW", "Asia/Seoul", ("Haneul",)),
    ("CN", "CNY", "Asia/Shanghai", ("Qinghe",)),
    ("AU", "AUD", "Australia/Sydney", ("Wattle", "Banksia Bay", "Redgum")),
    ("NZ", "NZD", "Pacific/Auckland", ("Kowhai", "Totara")),
)
# Larger countries have more libraries; the weights follow the order of COUNTRIES.
WEIGHTS = (30, 8, 3, 4, 2, 2, 12, 2, 14, 3, 3, 9, 3, 5, 1, 2, 3, 4, 3, 1,
           6, 2, 6, 1, 4, 2, 2, 1, 1, 2, 1, 2, 1, 4, 1, 5, 2, 3, 5, 2)
EUROPE = ("GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "DK", "NO", "SE", "FI", "IS",
          "ES", "PT", "IT", "GR", "PL", "CZ", "HU", "EE", "LT")
KINDS = ("University Library", "State Library", "Public Library", "College Library",
         "Medical Library", "Institute of Technology Library", "Law Library", "Music Library",
         "Research Library", "City Library")
STREETS = ("Main Street", "Library Lane", "Harbour Road", "College Avenue", "Market Square",
           "Station Road", "Park Way", "Bahnhofstrasse", "Rue des Écoles", "Kirkegata")
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
CHANNEL_METHODS = ("alma", "iso18626", "illiad", "iso-ill", "email")
LOAN_TYPES = ("Book", "Thesis", "Report", "MusicScore", "GovernmentPubl", "Map", "AudioBook",
              "Movie", "MusicRecording", "ConferenceProc")
COPY_TYPES = ("Article", "Chapter", "ConferenceProc", "Report", "Patent", "Newspaper", "Journal")
DELIVERY_LOAN = ("Mail", "Courier")
DELIVERY_COPY = ("Email", "URL", "ArticleExchange", "FTP", "Odyssey")
PAYMENT_METHODS = ("BankTransfer", "CreditCard", "DebitCard", "EFTS", "IBS", "IIBS",
                   "IFLAVoucher", "IFM", "LAPS", "Paypal")
SERVICE_LEVELS = ("Express", "Normal", "Rush", "SecondaryMail", "Standard", "Urgent")
ITEM_FORMATS = ("Blu-ray", "CD", "DVD", "LargePrint", "Microform", "PaperCopy", "Printed", "VHS")
UNFILLED = ("NonCirculating", "NotAvailableForILL", "PolicyProblem", "PoorCondition")
RETRY = ("CostExceedsMaxCost", "MustMeetLoanCondition", "NotCurrentAvailableForILL",
         "ReqServTypeNotPossible", "ReqServLevelNotSupp", "ReqFormatNotPossible")
# Review dates stay within 18 months of late 2026, so most records raise no overdue warning.
REVIEWED_FROM = dt.date(2025, 9, 1)
REVIEWED_DAYS = 420
SUMMARY_FILE = ".synth-summary.json"   # not `.yaml`, so the record loader never reads it
MODELINE = "# yaml-language-server: $schema=../../../schema/institution.schema.json\n"
POD_MODELINE = "# yaml-language-server: $schema=../../schema/pod.schema.json\n"


# --- a tiny YAML writer for JSON-like data -------------------------------------------------------

# Text that starts with a letter and holds no YAML indicators is safe unquoted; everything else
# (dates, numbers-as-text, `NO`, URLs with `#`) is written JSON-style in double quotes.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _./@:+()'-]*[A-Za-z0-9./)]|[A-Za-z]")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}

@lru_cache(maxsize=None)
def _text(value: str) -> str:
    """Written plain, as people write profiles, unless YAML could read it as something else.
    Cached: ids, codes and enum values repeat thousands of times."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}"


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Block mappings, flow lists of scalars, block lists of mappings."""
    for key, item in value.items():
        if isinstance(item, dict):
            out.append(f"{indent}{key}:\n")
            _emit(item, indent + "  ", out)
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            out.append(f"{indent}{key}:\n")
            for entry in item:
                lines: list[str] = []
                _emit(entry, indent + "    ", lines)
                lines[0] = indent + "  - " + lines[0][len(indent) + 4:]
                out.extend(lines)
        elif isinstance(item, list):
            out.append(f"{indent}{key}: [{', '.join(_scalar(x) for x in item)}]\n")
        else:
            out.append(f"{indent}{key}: {_scalar(item)}\n")


def to_yaml(record: dict, modeline: str = "") -> str:
    out: list[str] = [modeline] if modeline else []
    _emit(record, "", out)
    return "".join(out)


# --- identifiers ------------------------------------------------------------------------------

def ror_id(number: int) -> str:
    """A syntactically valid ROR id (leading 0, six Crockford characters, MOD 97-10 check digits)."""
    body = ""
    value = number
    for _ in range(6):
        body = CROCKFORD[value % 32] + body
        value //= 32
    total = 0
    for char in "0" + body:
        total = total * 32 + CROCKFORD.index(char)
    return f"0{body}{98 - (total * 100) % 97:02d}"


# --- the plan: who exists, who is in which pod, who lists whom ---------------------------------

@dataclass
class Library:
    number: int
    id: str
    country: str
    currency: str
    timezone: str
    town: str
    active: bool = True
    lends: bool = True
    pods: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    loan_types: tuple[str, ...] = ()
    copy_types: tuple[str, ...] = ()


def _libraries(rng: random.Random, n: int) -> list[Library]:
    picks = rng.choices(range(len(COUNTRIES)), weights=WEIGHTS, k=n)
    libraries = []
    for number, index in enumerate(picks, start=1):
        cc, currency, timezone, towns = COUNTRIES[index]
        library = Library(number, f"{cc.lower()}-lib-{number}", cc, currency, timezone, rng.choice(towns))
        library.active = rng.random() >= 0.05
        library.lends = rng.random() >= 0.10
        libraries.append(library)
    return libraries


def _pods(rng: random.Random, libraries: list[Library]) -> dict[str, list[Library]]:
    """Several pods of 50-200 members (fewer in a small directory); members list the pod too."""
    n = len(libraries)
    count = max(2, min(40, n // 150))
    pods: dict[str, list[Library]] = {}
    for index in range(1, count + 1):
        size = min(n, rng.randint(50, 200))
        members = rng.sample(libraries, size)
        pod_id = f"synth-pod-{index}"
        pods[pod_id] = members
        for member in members:
            member.pods.append(pod_id)
    return pods


def _partnerships(rng: random.Random, libraries: list[Library], partners: int) -> None:
    """Each library lists about `partners` others: mostly mutual, half within its own country,
    some through a `pod:` entry, and a few listed by one side only."""
    by_country: dict[str, list[Library]] = {}
    for library in libraries:
        by_country.setdefault(library.country, []).append(library)
    listed: dict[str, set[str]] = {library.id: set() for library in libraries}
    ids = [library.id for library in libraries]
    for library in libraries:
        compatriots = by_country[library.country]
        for _ in range(max(1, partners // 2)):
            pool = compatriots if rng.random() < 0.5 and len(compatriots) > 1 else libraries
            other = pool[rng.randrange(len(pool))] if pool is compatriots else None
            other_id = other.id if other else ids[rng.randrange(len(ids))]
            if other_id == library.id:
                continue
            listed[library.id].add(other_id)
            if rng.random() >= 0.04:          # the other side reciprocates almost always
                listed[other_id].add(library.id)
    for library in libraries:
        entries = sorted(listed[library.id], key=lambda i: int(i.rsplit("-", 1)[1]))
        if library.pods and rng.random() < 0.3:
            entries.insert(0, f"pod:{rng.choice(library.pods)}")
        library.partners = entries


# --- one institution record ----------------------------------------------------------------------

def _pick(rng: random.Random, options: tuple[str, ...], low: int, high: int) -> list[str]:
    chosen = set(rng.sample(options, rng.randint(low, min(high, len(options)))))
    return [option for option in options if option in chosen]


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _channels(rng: random.Random, library: Library, isil: str, domain: str, alma: str | None) -> list[dict]:
    """`alma` is the record's `identifiers.alma`; without it an Alma channel must name its code."""
    methods = rng.sample(CHANNEL_METHODS, rng.randint(1, 3))
    channels = []
    for method in methods:
        if method == "alma":
            channel: dict = {"method": "alma"}
            if alma is None or rng.random() < 0.5:
                channel["institution_code"] = alma or f"{library.country}SYN{library.number}_INST"
        elif method == "iso18626":
            channel = {"method": "iso18626", "url": f"https://ill.{domain}/iso18626", "symbol": f"ISIL:{isil}"}
        elif method == "illiad":
            channel = {"method": "illiad", "url": f"https://illiad.{domain}/illiad/iso18626",
                       "symbol": f"ISIL:{isil}"}
            if rng.random() < 0.5:
                channel["parameters"] = {"site_code": f"S{library.number}", "delivery": "Odyssey"}
        elif method == "iso-ill":
            channel = {"method": "iso-ill", "host": f"ill.{domain}", "port": rng.choice((210, 1611, 4999)),
                       "symbol": f"ISIL:{isil}"}
        else:
            channel = {"method": "email", "email": f"ill@{domain}"}
        channels.append(channel)
    return channels


def _conditions(rng: random.Random, library: Library, service: str) -> dict:
    when: dict = {"service_type": service}
    types = library.loan_types if service == "Loan" else library.copy_types
    extras = rng.sample(("publication_type", "item_format", "published_within_years", "published_before",
                         "requester_country", "service_level", "need_before_within_days", "pages_over",
                         "max_cost_below"), rng.randint(1, 2))
    for name in extras:
        if name == "publication_type":
            when[name] = rng.sample(types, min(len(types), rng.randint(1, 2)))
        elif name == "item_format":
            when[name] = rng.sample(ITEM_FORMATS, rng.randint(1, 2))
        elif name == "published_within_years":
            when[name] = rng.randint(1, 5)
        elif name == "published_before":
            when[name] = rng.choice((1800, 1850, 1900, 1950))
        elif name == "requester_country":
            when[name] = rng.sample([c[0] for c in COUNTRIES if c[0] != library.country], 2)
        elif name == "service_level":
            when[name] = rng.sample(("Express", "Rush", "Urgent"), rng.randint(1, 2))
        elif name == "need_before_within_days":
            when[name] = rng.randint(2, 10)
        elif name == "pages_over":
            when[name] = rng.choice((50, 100, 150))
        else:
            when[name] = float(rng.choice((1, 2, 5)))
    return when


def _rules(rng: random.Random, library: Library) -> list[dict]:
    services = [s for s, types in (("Loan", library.loan_types), ("Copy", library.copy_types)) if types]
    rules = []
    for index in range(1, rng.randint(2, 3) + 1):
        outcome = "unfilled" if rng.random() < 0.6 else "retry"
        rule: dict = {"id": f"rule-{index}", "when": _conditions(rng, library, rng.choice(services)),
                      "outcome": outcome, "reason": rng.choice(UNFILLED if outcome == "unfilled" else RETRY)}
        unless: dict = {}
        plain_partners = [p for p in library.partners if not p.startswith("pod:")]
        if plain_partners and rng.random() < 0.4:
            unless["requester"] = rng.sample(plain_partners, min(2, len(plain_partners)))
        if library.pods and rng.random() < 0.3:
            unless["requester_pod"] = library.pods[:1]
        if unless:
            rule["unless"] = unless
        rule["note"] = f"Automatic rule {index} of {library.id}: we cannot supply these requests."
        rules.append(rule)
    return rules


def _lending(rng: random.Random, library: Library) -> dict:
    lending: dict = {}
    shape = rng.random()
    if shape < 0.6:
        lending["countries"] = ["*"]
        if rng.random() < 0.2:
            lending["exclude_countries"] = rng.sample([c[0] for c in COUNTRIES if c[0] != library.country], 2)
    elif shape < 0.8 and library.country in EUROPE:
        lending["countries"] = list(EUROPE)
    else:
        # A library that names its countries names at least those of its partners.
        partner_countries = {p.split("-", 1)[0].upper() for p in library.partners if not p.startswith("pod:")}
        partner_countries.update(rng.sample([c[0] for c in COUNTRIES], 2))
        partner_countries.discard(library.country)
        lending["countries"] = [library.country, *sorted(partner_countries)]
    lending["currency"] = library.currency
    lending["days_to_respond"] = rng.randint(1, 10)
    if rng.random() < 0.4:
        lending["payment_methods"] = _pick(rng, PAYMENT_METHODS, 1, 3)
    if rng.random() < 0.3:
        lending["service_levels"] = _pick(rng, SERVICE_LEVELS, 2, 4)
    offer = rng.random()
    if offer < 0.8:
        library.loan_types = tuple(_pick(rng, LOAN_TYPES, 1, 4))
        loan: dict = {"publication_types": list(library.loan_types),
                      "loan_period_days": rng.choice((14, 21, 28, 42, 56)), "renewals": rng.randint(0, 2),
                      "fee": rng.choice((0, 0, 0, 5.0, 10.0, 15.5))}
        if rng.random() < 0.7:
            loan["delivery_methods"] = _pick(rng, DELIVERY_LOAN, 1, 2)
        lending["loan"] = loan
    if offer >= 0.55:
        library.copy_types = tuple(_pick(rng, COPY_TYPES, 1, 3))
        copy: dict = {"publication_types": list(library.copy_types), "fee": rng.choice((0, 2.5, 5.0, 8.0))}
        if rng.random() < 0.7:
            copy["delivery_methods"] = _pick(rng, DELIVERY_COPY, 1, 3)
        lending["copy"] = copy
    if rng.random() < 0.4:
        closures = []
        for start in rng.sample((dt.date(2026, 12, 21), dt.date(2027, 4, 1), dt.date(2027, 7, 15)), rng.randint(1, 2)):
            closure = {"from": start.isoformat(), "to": _day(start, rng.randint(0, 14))}
            if rng.random() < 0.6:
                closure["note"] = "Closed for the holidays" if start.month == 12 else "Building works"
            closures.append(closure)
        lending["closures"] = sorted(closures, key=lambda c: c["from"])
    lending["rules"] = _rules(rng, library)
    return lending


def _identity(rng: random.Random, library: Library) -> tuple[dict, str, str]:
    """The fields every profile starts with, the library's web domain and what kind it is."""
    kind = rng.choice(KINDS)
    record: dict = {
        "id": library.id,
        "name": f"{library.town} {kind} {library.number}",
        "status": "active" if library.active else "inactive",
        "country": library.country,
        "timezone": library.timezone,
    }
    return record, f"lib{library.number}.{library.country.lower()}.example", kind


def _institution(rng: random.Random, library: Library) -> dict:
    cc = library.country
    isil = f"{cc}-Syn{library.number}"
    alma = f"{cc}SYN{library.number}_INST"
    record, domain, kind = _identity(rng, library)
    record["website"] = f"https://www.{domain}/"
    if rng.random() < 0.6:
        record["description"] = (f"The {kind.lower()} of {library.town}, lending to partner libraries "
                                 f"near and far. Requests are answered on working days.")
    record["maintainers"] = [f"synth-maintainer-{library.number}"] + (
        [f"synth-helper-{library.number}"] if rng.random() < 0.3 else [])
    record["last_reviewed"] = _day(REVIEWED_FROM, rng.randrange(REVIEWED_DAYS))
    identifiers: dict = {"isil": isil}
    if rng.random() < 0.7:
        identifiers["oclc"] = f"S{library.number:05d}"
    identifiers["ror"] = ror_id(library.number * 7919)
    if rng.random() < 0.5:
        identifiers["alma"] = alma
    if rng.random() < 0.1:
        identifiers["other"] = [{"authority": "DOCLINE", "value": f"SYN{library.number}"}]
    record["identifiers"] = identifiers
    contacts = [{"role": "lending", "name": "Interlibrary loan desk", "email": f"lending@{domain}",
                 "phone": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(10000, 99999)}"}]
    for role in _pick(rng, ("borrowing", "billing", "returns", "general", "technical"), 0, 3):
        contacts.append({"role": role, "email": f"{role}@{domain}"})
    record["contacts"] = contacts
    record["addresses"] = [{
        "purpose": _pick(rng, ("shipping", "returns", "billing", "postal"), 1, 4),
        "lines": [record["name"], "Interlibrary Loan", f"{rng.randint(1, 200)} {rng.choice(STREETS)}"],
        "city": library.town,
        "postal_code": f"{rng.randint(10000, 99999)}",
        "country": cc,
    }]
    if library.active or rng.random() < 0.5:
        record["request_channels"] = _channels(rng, library, isil, domain, identifiers.get("alma"))
    if library.lends:
        record["lending"] = _lending(rng, library)
    if rng.random() < 0.05:
        record["borrowing"] = {"enabled": False}
    if library.partners:
        record["partners"] = library.partners
    if library.pods:
        record["pods"] = library.pods
    return record


def _small_institution(rng: random.Random, library: Library) -> dict:
    """A profile as most libraries will write one (1-2 KB): the required fields, one or two
    contacts and channels, simple lending terms without rules or closures, a few partners."""
    cc = library.country
    isil = f"{cc}-Syn{library.number}"
    record, domain, kind = _identity(rng, library)
    if rng.random() < 0.5:
        record["website"] = f"https://www.{domain}/"
    record["description"] = (f"The {kind.lower()} of {library.town}. We lend to partner libraries near "
                             "and far, and answer interlibrary-loan requests on working days.")
    record["maintainers"] = [f"synth-maintainer-{library.number}"]
    record["last_reviewed"] = _day(REVIEWED_FROM, rng.randrange(REVIEWED_DAYS))
    identifiers: dict = {"isil": isil}
    if rng.random() < 0.4:
        identifiers["oclc"] = f"S{library.number:05d}"
    record["identifiers"] = identifiers
    record["contacts"] = [{"role": "lending", "name": "Interlibrary loan", "email": f"ill@{domain}",
                           "phone": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(10000, 99999)}"}]
    if rng.random() < 0.4:
        record["contacts"].append({"role": "borrowing", "name": "Borrowing desk", "email": f"borrowing@{domain}"})
    record["addresses"] = [{"purpose": ["shipping", "returns"],
                            "lines": [record["name"], "Interlibrary Loan", f"{rng.randint(1, 200)} {rng.choice(STREETS)}"],
                            "city": library.town, "postal_code": f"{rng.randint(10000, 99999)}", "country": cc}]
    channels: list[dict] = []
    if rng.random() < 0.6:
        channels.append({"method": "iso18626", "url": f"https://ill.{domain}/iso18626", "symbol": f"ISIL:{isil}"})
    channels.append({"method": "email", "email": f"ill@{domain}"})
    record["request_channels"] = channels
    if library.lends:
        lending: dict = {"countries": ["*"] if rng.random() < 0.6 else [cc], "currency": library.currency,
                         "days_to_respond": rng.randint(2, 7)}
        if rng.random() < 0.8:
            library.loan_types = tuple(_pick(rng, LOAN_TYPES[:3], 1, 2))
            lending["loan"] = {"publication_types": list(library.loan_types), "loan_period_days": 28,
                               "fee": rng.choice((0, 0, 5.0))}
        if not library.loan_types or rng.random() < 0.5:
            library.copy_types = tuple(_pick(rng, COPY_TYPES[:2], 1, 2))
            lending["copy"] = {"publication_types": list(library.copy_types), "fee": rng.choice((0, 2.5)),
                               "delivery_methods": ["Email"]}
        record["lending"] = lending
    if library.partners:
        record["partners"] = library.partners
    if library.pods:
        record["pods"] = library.pods
    return record


# The two kinds of profile `generate` writes: rich ones that use every section, and small ones
# such as most libraries will keep. Small directories list fewer partners each.
SHAPES = {"full": _institution, "small": _small_institution}
SMALL_PARTNERS = 6


def _pod(pod_id: str, index: int, members: list[Library]) -> dict:
    return {
        "id": pod_id,
        "name": f"Synthetic Sharing Pod {index}",
        "description": "Members lend to each other on shared terms and share a courier.",
        "website": f"https://{pod_id}.example/",
        "terms": {"loan_period_days": 42, "renewals": 1, "fee": 0, "delivery_days": 5},
        "members": sorted((m.id for m in members), key=lambda i: int(i.rsplit("-", 1)[1])),
        "maintainers": [f"{pod_id}-board"],
        "last_reviewed": "2026-06-01",
    }


def generate(root: Path, n: int, seed: int = 1, partners: int | None = None, shape: str = "full") -> None:
    """Write a records folder of `n` institutions and its pods under `root` (which may exist).

    `shape` is "full" (every section used, about 4.5 KB a profile) or "small" (1-2 KB, few
    optional sections); `partners` defaults to 20 for full profiles, 6 for small ones."""
    if partners is None:
        partners = 20 if shape == "full" else SMALL_PARTNERS
    institution = SHAPES[shape]
    rng = random.Random(seed)
    libraries = _libraries(rng, n)
    pods = _pods(rng, libraries)
    _partnerships(rng, libraries, partners)
    institutions = root / "institutions"
    folders = {library.country.lower() for library in libraries}
    for folder in folders:
        (institutions / folder).mkdir(parents=True, exist_ok=True)
    for library in libraries:
        text = to_yaml(institution(rng, library), MODELINE)
        (institutions / library.country.lower() / f"{library.id}.yaml").write_text(text, encoding="utf-8")
    (root / "pods").mkdir(parents=True, exist_ok=True)
    for index, (pod_id, members) in enumerate(pods.items(), start=1):
        (root / "pods" / f"{pod_id}.yaml").write_text(to_yaml(_pod(pod_id, index, members), POD_MODELINE),
                                                      encoding="utf-8")
    summary = [{"id": lib.id, "country": lib.country, "currency": lib.currency, "active": lib.active,
                "lends": lib.lends, "partners": lib.partners, "pods": lib.pods,
                "loan_types": list(lib.loan_types), "copy_types": list(lib.copy_types),
                "isil": f"{lib.country}-Syn{lib.number}"} for lib in libraries]
    (root / SUMMARY_FILE).write_text(json.dumps(summary), encoding="utf-8")


# --- request files for the decision benchmark ---------------------------------------------------

def _summary(records_root: Path) -> list[dict]:
    """What `generate` remembered about each institution; read back from the YAML if it is gone."""
    path = records_root / SUMMARY_FILE
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    import yaml  # only needed for folders not written by `generate`

    summary = []
    for file in sorted((records_root / "institutions").glob("*/*.yaml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        lending = data.get("lending") or {}
        summary.append({
            "id": data["id"], "country": data["country"], "currency": lending.get("currency", "EUR"),
            "active": data["status"] == "active", "lends": bool(lending),
            "partners": data.get("partners", []), "pods": data.get("pods", []),
            "loan_types": lending.get("loan", {}).get("publication_types", []),
            "copy_types": lending.get("copy", {}).get("publication_types", []),
            "isil": data.get("identifiers", {}).get("isil"),
        })
    return summary


def generate_requests(root: Path, records_root: Path, n: int, seed: int = 1) -> None:
    """Write `n` request files under `root`: mostly between mutual partners, with varied fields,
    so that every kind of decision (accept, unfilled, retry) occurs."""
    rng = random.Random(seed)
    institutions = _summary(records_root)
    by_id = {entry["id"]: entry for entry in institutions}
    mutual = [(a["id"], b) for a in institutions for b in a["partners"]
              if not b.startswith("pod:") and a["id"] in by_id.get(b, {}).get("partners", ())]
    # Libraries mostly ask partners that are open for lending; the rest exercise the refusals.
    open_pairs = [(a, b) for a, b in mutual if by_id[a]["active"] and by_id[b]["active"] and by_id[b]["lends"]]
    ids = list(by_id)
    root.mkdir(parents=True, exist_ok=True)
    for number in range(1, n + 1):
        draw = rng.random()
        if open_pairs and draw < 0.75:
            borrower, lender = open_pairs[rng.randrange(len(open_pairs))]
        elif mutual and draw < 0.9:
            borrower, lender = mutual[rng.randrange(len(mutual))]
        else:
            borrower, lender = rng.sample(ids, 2)
        target = by_id[lender]
        services = [name for name, types in (("Loan", target["loan_types"]), ("Copy", target["copy_types"])) if types]
        if services and rng.random() < 0.85:
            service = rng.choice(services + ["CopyOrLoan"])
        else:
            service = rng.choice(("Loan", "Copy", "CopyOrLoan"))
        offered = {"Loan": target["loan_types"], "Copy": target["copy_types"]}.get(
            service, target["loan_types"] + target["copy_types"])
        if offered and rng.random() < 0.8:
            publication_type = rng.choice(offered)
        else:
            publication_type = rng.choice(LOAN_TYPES + COPY_TYPES)
        request: dict = {"id": f"SYN-REQ-{number}",
                         "borrower": f"ISIL:{by_id[borrower]['isil']}" if rng.random() < 0.1 else borrower,
                         "lender": lender, "service_type": service, "publication_type": publication_type,
                         "title": f"Collected studies, volume {rng.randint(1, 40)}",
                         "author": rng.choice(("Lindqvist, Anna", "Okafor, Chidi", "Moreau, Claire", "Tanaka, Ken"))}
        if rng.random() < 0.8:
            request["publication_date"] = str(rng.randint(1780, 2026))
        if rng.random() < 0.3:
            request["item_format"] = rng.choice(ITEM_FORMATS)
        if rng.random() < 0.4:
            request["service_level"] = rng.choice(SERVICE_LEVELS)
        if rng.random() < 0.4:
            request["delivery_method"] = rng.choice(DELIVERY_LOAN + DELIVERY_COPY)
        if rng.random() < 0.3:
            request["payment_method"] = rng.choice(PAYMENT_METHODS)
        if service != "Loan" and rng.random() < 0.5:
            request["pages"] = rng.randint(1, 300)
        date = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(60))
        if rng.random() < 0.3:
            request["need_before"] = _day(date, rng.randint(1, 30))
        if rng.random() < 0.4:
            currency = target["currency"] if rng.random() < 0.85 else "EUR"
            request["max_cost"] = {"amount": float(rng.choice((0, 5, 10, 25))), "currency": currency}
        request["date"] = date.isoformat()
        (root / f"request-{number}.yaml").write_text(to_yaml(request), encoding="utf-8")


def _main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic records folder (or request files).")
    parser.add_argument("--n", type=int, default=1000, help="number of institutions (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partners", type=int,
                        help="about how many partners each lists (default 20, or 6 with --shape small)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="full",
                        help="full: every section of a profile used (about 4.5 KB); small: 1-2 KB profiles")
    parser.add_argument("--requests", type=int, metavar="N",
                        help="write N request files instead, drawn from the folder given by --records")
    parser.add_argument("--records", type=Path, help="records folder written earlier (with --requests)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.n < 2:
        parser.error("--n must be at least 2")
    if args.requests is not None:
        if args.records is None or not (args.records / "institutions").is_dir():
            parser.error("--requests needs --records pointing at a folder written by this script")
        generate_requests(args.out, args.records, args.requests, args.seed)
    else:
        generate(args.out, args.n, args.seed, args.partners, args.shape)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
