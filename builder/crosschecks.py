"""Checks the schema cannot make: a record against its file, and records against each other.

Each check is one small function taking the whole directory and yielding problems, so every
problem in every file is found in one run. A check reads a few fields of each record and runs on
every record whose schema check found nothing wrong in those fields, so a typo in a contact does
not hide a fee without its currency; references are resolved against every record that was read,
valid or not. Each problem is said in the language the directory is checked in (builder/messages.py,
`crosscheck.*`), as the schema's are.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator, Mapping

from . import codes
from .catalogs import SOURCE_LANGUAGE
from .identifiers import agency_key
from .messages import say
from .problems import Problem
from .records import INSTITUTION, POD, RecordFile

RESERVED_IDS = frozenset({
    "index", "404", "search", "assets", "feed", "schema", "schemas", "api", "static", "sitemap",
    "institutions", "pods", "countries", "guide", "reference", "docs", "admin", "new",
    "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
})
ISIL_NON_COUNTRY_LENGTHS = (1, 3, 4)
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
REVIEW_MONTHS = 18


Part = tuple          # a path into a record; "*" stands for any position in a list
ANY_INDEX = "*"


def touches(invalid: tuple, part: Part) -> bool:
    """Whether the invalid value at path `invalid` lies inside `part`, or holds it."""
    for wrong, read in zip(invalid, part):
        if not (read == wrong or (read == ANY_INDEX and isinstance(wrong, int))):
            return False
    return True


@dataclass(frozen=True)
class Checked:
    """What the cross-record checks see: every record read, and where the schema check found
    something wrong in each (the paths its errors touch; no entry for a valid record)."""

    records: tuple[RecordFile, ...]
    invalid_parts: Mapping[str, tuple[tuple, ...]]   # by the record's file name
    today: dt.date
    unreadable: tuple[tuple[str, str], ...] = ()   # (kind, file stem) of files that could not be read
    lang: str = SOURCE_LANGUAGE                      # the language the problems are said in

    def say(self, key: str, /, **values: object) -> str:
        return say(key, lang=self.lang, **values)

    def _known_ids(self, kind: str) -> set[str]:
        """Ids other records may refer to. A record without a usable id, or a file that could not be
        read at all, is known by its file name, so one broken file yields one error, not one in
        every record that names it."""
        known = {stem for unreadable_kind, stem in self.unreadable if unreadable_kind == kind}
        for record in self.records:
            if record.kind == kind:
                record_id = record.data.get("id")
                known.add(record_id if isinstance(record_id, str) else record.stem)
        return known

    @cached_property
    def institution_ids(self) -> set[str]:
        return self._known_ids(INSTITUTION)

    @cached_property
    def pod_ids(self) -> set[str]:
        return self._known_ids(POD)

    @cached_property
    def _by_kind(self) -> dict[str | None, list[RecordFile]]:
        # Every check asks for these lists; building them once keeps 10,000 records fast.
        by_kind: dict[str | None, list[RecordFile]] = {None: list(self.records), INSTITUTION: [], POD: []}
        for record in self.records:
            by_kind.setdefault(record.kind, []).append(record)
        return by_kind

    def fit(self, kind: str | None, *parts: Part) -> list[RecordFile]:
        """The records of `kind` (None: every kind) whose `parts` the schema check found valid:
        the records a check reading those parts can run on."""
        records = self._by_kind.get(kind, [])
        if not self.invalid_parts:
            return records
        return [record for record in records
                if not any(touches(wrong, part) for wrong in self.invalid_parts.get(record.document.file, ())
                           for part in parts)]

    @cached_property
    def institution_by_id(self) -> dict[str, RecordFile]:
        """The first institution with each valid id and partner list (a duplicate id is reported
        elsewhere)."""
        by_id: dict[str, RecordFile] = {}
        for record in self.fit(INSTITUTION, ("id",), ("partners",)):
            by_id.setdefault(record.data["id"], record)
        return by_id

    @cached_property
    def pod_members(self) -> dict[str, set[str]]:
        return {r.data["id"]: set(r.data.get("members", [])) for r in self.fit(POD, ("id",), ("members",))}

    @cached_property
    def institution_pods(self) -> dict[str, set[str]]:
        return {r.data["id"]: set(r.data.get("pods", [])) for r in self.fit(INSTITUTION, ("id",), ("pods",))}


Check = Callable[[Checked], Iterator[Problem]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _written_dates(directory: Checked) -> Iterator[tuple[RecordFile, tuple, str]]:
    """Every date of the records whose dates are valid: `last_reviewed` and the closures' ends."""
    for record in directory.fit(None, ("last_reviewed",)):
        if "last_reviewed" in record.data:
            yield record, ("last_reviewed",), record.data["last_reviewed"]
    for record in directory.fit(INSTITUTION, ("lending", "closures")):
        for index, closure in enumerate(record.data.get("lending", {}).get("closures", [])):
            for end in ("from", "to"):
                yield record, ("lending", "closures", index, end), closure[end]


# --- the record against its file -------------------------------------------------------------

@check
def id_matches_file_name(directory: Checked) -> Iterator[Problem]:
    """A record's `id` is its file name without `.yaml`, so its address never surprises anyone."""
    for record in directory.fit(None, ("id",)):
        if record.data["id"] != record.stem:
            yield record.document.problem(
                ("id",), "id-file-mismatch",
                directory.say("crosscheck.id-file-mismatch", id=record.data["id"], stem=record.stem))


@check
def folder_matches_country(directory: Checked) -> Iterator[Problem]:
    """An institution lives in the folder of its country: `records/institutions/de/` for DE."""
    for record in directory.fit(INSTITUTION, ("country",)):
        country = record.data["country"]
        if record.folder != country.lower():
            yield record.document.problem(
                ("country",), "country-folder-mismatch",
                directory.say("crosscheck.country-folder-mismatch",
                              country=country, folder=record.folder, wanted=country.lower()))


@check
def id_not_reserved(directory: Checked) -> Iterator[Problem]:
    """Some names are taken by the site itself or by operating systems and cannot be ids."""
    for record in directory.fit(None, ("id",)):
        if record.data["id"] in RESERVED_IDS:
            yield record.document.problem(
                ("id",), "reserved-id", directory.say("crosscheck.reserved-id", id=record.data["id"]))


@check
def ids_unique(directory: Checked) -> Iterator[Problem]:
    """Two institutions (or two pods) cannot share an id."""
    seen: dict[tuple[str, str], RecordFile] = {}
    for record in directory.fit(None, ("id",)):
        key = (record.kind, record.data["id"])
        if key in seen:
            yield record.document.problem(
                ("id",), "duplicate-id",
                directory.say("crosscheck.duplicate-id", id=key[1], file=seen[key].document.file))
        else:
            seen[key] = record


@check
def dates_exist(directory: Checked) -> Iterator[Problem]:
    """Dates must be real calendar days (no 2026-02-30)."""
    for record, path, text in _written_dates(directory):
        if parse_date(text) is None:
            yield record.document.problem(path, "invalid-date", directory.say("crosscheck.invalid-date", text=text))


# --- identifiers -----------------------------------------------------------------------------

def isil_problem(isil: str) -> tuple[str, dict[str, str]] | None:
    """Why `isil` is not a well-formed ISIL (ISO 15511), as the message saying it
    (`crosscheck.isil-*`) and its values besides the ISIL; or None."""
    if len(isil) > 16:
        return "crosscheck.isil-too-long", {}
    prefix, hyphen, unit = isil.partition("-")
    if not hyphen or not prefix or not unit:
        return "crosscheck.isil-form", {}
    if len(prefix) == 2:
        if not prefix.isupper() or prefix not in codes.country_codes():
            return "crosscheck.isil-country", {"prefix": prefix}
    elif len(prefix) not in ISIL_NON_COUNTRY_LENGTHS:
        return "crosscheck.isil-prefix", {}
    return None


def ror_checksum_ok(ror: str) -> bool:
    bare = ror.removeprefix("https://ror.org/").lower()
    number = 0
    for char in bare[:7]:
        number = number * 32 + CROCKFORD.index(char)
    return 98 - (number * 100) % 97 == int(bare[7:9])


@check
def isil_well_formed(directory: Checked) -> Iterator[Problem]:
    """An ISIL is a country (or agency) prefix, a hyphen and a library code, at most 16 characters."""
    for record in directory.fit(INSTITUTION, ("identifiers", "isil")):
        isil = record.data.get("identifiers", {}).get("isil")
        if isil is not None and (why := isil_problem(isil)):
            key, values = why
            yield record.document.problem(("identifiers", "isil"), "isil-syntax",
                                          directory.say(key, isil=isil, **values))


@check
def ror_checksum(directory: Checked) -> Iterator[Problem]:
    """A ROR id ends in two check digits; a typo in the id almost always breaks them."""
    for record in directory.fit(INSTITUTION, ("identifiers", "ror")):
        ror = record.data.get("identifiers", {}).get("ror")
        if ror is not None and not ror_checksum_ok(ror):
            yield record.document.problem(("identifiers", "ror"), "ror-checksum",
                                          directory.say("crosscheck.ror-checksum", ror=ror))


def identifier_keys(data: dict) -> Iterator[tuple[tuple, str]]:
    """Every identifier of an institution as (path, comparable key)."""
    identifiers = data.get("identifiers", {})
    for name in ("isil", "oclc", "ror", "alma"):
        if name in identifiers:
            yield ("identifiers", name), agency_key(name, identifiers[name])
    for index, other in enumerate(identifiers.get("other", [])):
        yield ("identifiers", "other", index, "value"), agency_key(other["authority"], other["value"])


@check
def identifiers_unique(directory: Checked) -> Iterator[Problem]:
    """No two institutions share an identifier (ISILs compared ignoring case)."""
    seen: dict[str, str] = {}
    for record in directory.fit(INSTITUTION, ("id",), ("identifiers",)):
        for path, key in identifier_keys(record.data):
            owner = seen.setdefault(key, record.data["id"])
            if owner != record.data["id"]:
                yield record.document.problem(
                    path, "duplicate-identifier", directory.say("crosscheck.duplicate-identifier", owner=owner))


@check
def timezone_exists(directory: Checked) -> Iterator[Problem]:
    """Closures start at local midnight, so the time zone must be a real IANA name."""
    for record in directory.fit(INSTITUTION, ("timezone",)):
        name = record.data.get("timezone")
        if name is None:
            continue
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            yield record.document.problem(("timezone",), "unknown-timezone",
                                          directory.say("crosscheck.unknown-timezone", name=name))


# --- references ------------------------------------------------------------------------------

@check
def partners_exist(directory: Checked) -> Iterator[Problem]:
    """Every partner is an institution of the directory, or `pod:<id>` of one of its pods."""
    for record in directory.fit(INSTITUTION, ("partners",)):
        for index, partner in enumerate(record.data.get("partners", [])):
            if partner.startswith("pod:"):
                if partner[4:] not in directory.pod_ids:
                    yield record.document.problem(
                        ("partners", index), "unknown-pod", directory.say("crosscheck.unknown-pod", pod=partner[4:]))
            elif partner not in directory.institution_ids:
                yield record.document.problem(
                    ("partners", index), "unknown-partner",
                    directory.say("crosscheck.unknown-partner", partner=partner))


@check
def pods_exist(directory: Checked) -> Iterator[Problem]:
    """Every pod an institution says it belongs to has a record in `records/pods/`."""
    for record in directory.fit(INSTITUTION, ("pods",)):
        for index, pod in enumerate(record.data.get("pods", [])):
            if pod not in directory.pod_ids:
                yield record.document.problem(("pods", index), "unknown-pod",
                                              directory.say("crosscheck.unknown-pod", pod=pod))


@check
def rule_exemptions_exist(directory: Checked) -> Iterator[Problem]:
    """A rule's `unless` names institutions and pods that exist."""
    for record in directory.fit(INSTITUTION, ("lending", "rules", ANY_INDEX, "unless")):
        for index, rule in enumerate(record.data.get("lending", {}).get("rules", [])):
            unless = rule.get("unless", {})
            for position, requester in enumerate(unless.get("requester", [])):
                if requester not in directory.institution_ids:
                    yield record.document.problem(
                        ("lending", "rules", index, "unless", "requester", position), "unknown-exemption",
                        directory.say("crosscheck.unknown-institution", institution=requester))
            for position, pod in enumerate(unless.get("requester_pod", [])):
                if pod not in directory.pod_ids:
                    yield record.document.problem(
                        ("lending", "rules", index, "unless", "requester_pod", position), "unknown-exemption",
                        directory.say("crosscheck.unknown-pod", pod=pod))


@check
def pod_members_exist(directory: Checked) -> Iterator[Problem]:
    """A pod lists only institutions that are in the directory."""
    for record in directory.fit(POD, ("members",)):
        for index, member in enumerate(record.data.get("members", [])):
            if member not in directory.institution_ids:
                yield record.document.problem(
                    ("members", index), "unknown-pod-member",
                    directory.say("crosscheck.unknown-member", member=member))


# --- the record's own consistency ------------------------------------------------------------

@check
def active_has_channels(directory: Checked) -> Iterator[Problem]:
    """An active institution says how requests reach it."""
    for record in directory.fit(INSTITUTION, ("status",), ("request_channels",)):
        if record.data["status"] == "active" and not record.data.get("request_channels"):
            yield record.document.problem(
                (), "no-request-channels", directory.say("crosscheck.no-request-channels"))


@check
def alma_channel_has_code(directory: Checked) -> Iterator[Problem]:
    """An Alma channel names the Alma institution code, here or in `identifiers.alma`."""
    for record in directory.fit(INSTITUTION, ("identifiers", "alma"), ("request_channels",)):
        has_identifier = "alma" in record.data.get("identifiers", {})
        for index, channel in enumerate(record.data.get("request_channels", [])):
            if channel["method"] == "alma" and "institution_code" not in channel and not has_identifier:
                yield record.document.problem(
                    ("request_channels", index), "alma-code-missing", directory.say("crosscheck.alma-code-missing"))


def _fees(lending: dict) -> Iterator[tuple[tuple, float]]:
    for service in ("loan", "copy"):
        if service in lending and "fee" in lending[service]:
            yield ("lending", service, "fee"), lending[service]["fee"]


@check
def fee_has_currency(directory: Checked) -> Iterator[Problem]:
    """A fee above zero means nothing without its currency."""
    for record in directory.fit(INSTITUTION, ("lending", "currency"), ("lending", "loan", "fee"),
                                ("lending", "copy", "fee"),
                                ("lending", "rules", ANY_INDEX, "when", "max_cost_below")):
        lending = record.data.get("lending", {})
        if "currency" in lending:
            continue
        for path, fee in _fees(lending):
            if fee > 0:
                yield record.document.problem(
                    path, "fee-without-currency", directory.say("crosscheck.fee-without-currency", fee=f"{fee:g}"))
        for index, rule in enumerate(lending.get("rules", [])):
            if "max_cost_below" in rule.get("when", {}):
                yield record.document.problem(
                    ("lending", "rules", index, "when", "max_cost_below"), "fee-without-currency",
                    directory.say("crosscheck.max-cost-without-currency"))
    for record in directory.fit(POD, ("terms", "fee"), ("terms", "currency")):
        terms = record.data.get("terms", {})
        if terms.get("fee", 0) > 0 and "currency" not in terms:
            yield record.document.problem(
                ("terms", "fee"), "fee-without-currency",
                directory.say("crosscheck.pod-fee-without-currency", fee=f"{terms['fee']:g}"))


@check
def rules_have_conditions(directory: Checked) -> Iterator[Problem]:
    """A rule without conditions would reject every request."""
    for record in directory.fit(INSTITUTION, ("lending", "rules", ANY_INDEX, "when"),
                                ("lending", "rules", ANY_INDEX, "id")):
        for index, rule in enumerate(record.data.get("lending", {}).get("rules", [])):
            if not rule.get("when"):
                yield record.document.problem(
                    ("lending", "rules", index, "when"), "rule-without-conditions",
                    directory.say("crosscheck.rule-without-conditions", rule=rule["id"]))


@check
def rule_reason_fits_outcome(directory: Checked) -> Iterator[Problem]:
    """`unfilled` rules give a ReasonUnfilled code, `retry` rules a ReasonRetry code (ISO 18626)."""
    allowed = {"unfilled": codes.REASON_UNFILLED, "retry": codes.REASON_RETRY}
    for record in directory.fit(INSTITUTION, ("lending", "rules", ANY_INDEX, "outcome"),
                                ("lending", "rules", ANY_INDEX, "reason")):
        for index, rule in enumerate(record.data.get("lending", {}).get("rules", [])):
            outcome, reason = rule["outcome"], rule["reason"]
            if reason not in allowed[outcome]:
                yield record.document.problem(
                    ("lending", "rules", index, "reason"), "rule-reason-outcome",
                    directory.say("crosscheck.rule-reason-outcome", reason=reason, outcome=outcome,
                                  reasons=", ".join(allowed[outcome])))


@check
def rule_ids_unique(directory: Checked) -> Iterator[Problem]:
    """Decisions name the rule that decided, so rule ids differ within a record."""
    for record in directory.fit(INSTITUTION, ("lending", "rules", ANY_INDEX, "id")):
        seen: set[str] = set()
        for index, rule in enumerate(record.data.get("lending", {}).get("rules", [])):
            if rule["id"] in seen:
                yield record.document.problem(("lending", "rules", index, "id"), "duplicate-rule-id",
                                              directory.say("crosscheck.duplicate-rule-id", rule=rule["id"]))
            seen.add(rule["id"])


@check
def closures_in_order(directory: Checked) -> Iterator[Problem]:
    """A closure ends on or after the day it starts."""
    for record in directory.fit(INSTITUTION, ("lending", "closures")):
        for index, closure in enumerate(record.data.get("lending", {}).get("closures", [])):
            start, end = parse_date(closure["from"]), parse_date(closure["to"])
            if start and end and end < start:
                yield record.document.problem(
                    ("lending", "closures", index, "to"), "closure-order",
                    directory.say("crosscheck.closure-order", end=closure["to"], start=closure["from"]))


# --- warnings and notices ----------------------------------------------------------------------

@check
def pod_membership_confirmed(directory: Checked) -> Iterator[Problem]:
    """Pod membership counts only when the institution and the pod both state it."""
    for record in directory.fit(INSTITUTION, ("id",), ("pods",)):
        for index, pod in enumerate(record.data.get("pods", [])):
            if pod in directory.pod_members and record.data["id"] not in directory.pod_members[pod]:
                yield record.document.problem(
                    ("pods", index), "pod-membership-unconfirmed",
                    directory.say("crosscheck.pod-membership-unconfirmed", pod=pod, institution=record.data["id"]),
                    severity="warning")
    for record in directory.fit(POD, ("id",), ("members",)):
        for index, member in enumerate(record.data.get("members", [])):
            pods = directory.institution_pods.get(member)
            if pods is not None and record.data["id"] not in pods:
                yield record.document.problem(
                    ("members", index), "pod-membership-unconfirmed",
                    directory.say("crosscheck.member-pods-unconfirmed", member=member, pod=record.data["id"]),
                    severity="warning")


def review_overdue(reviewed: dt.date, today: dt.date) -> bool:
    """More than 18 months between the review and today: reviewed on 2026-02-28, it is still in
    time on 2027-08-28 and overdue from 2027-08-29. Counted in whole months and days, not by
    building a date, so no date in or out of range (9999-12-31, year 1) can overflow."""
    months = (today.year - reviewed.year) * 12 + (today.month - reviewed.month)
    if months != REVIEW_MONTHS:
        return months > REVIEW_MONTHS
    # The same day 18 months later, or the month's last day when that month is shorter.
    due_day = min(reviewed.day, calendar.monthrange(today.year, today.month)[1])
    return today.day > due_day


@check
def reviewed_recently(directory: Checked) -> Iterator[Problem]:
    """Maintainers confirm their profile at least every 18 months."""
    for record in directory.fit(None, ("last_reviewed",)):
        reviewed = parse_date(record.data["last_reviewed"])
        if reviewed and review_overdue(reviewed, directory.today):
            yield record.document.problem(
                ("last_reviewed",), "review-overdue",
                directory.say("crosscheck.review-overdue", day=record.data["last_reviewed"], months=REVIEW_MONTHS),
                severity="warning")


@check
def partnerships_listed_both_ways(directory: Checked) -> Iterator[Problem]:
    """Requests flow only between institutions that list each other; say where one side is missing."""
    listed: dict[str, set[str]] = defaultdict(set)
    partnered = directory.fit(INSTITUTION, ("id",), ("partners",))
    for record in partnered:
        listed[record.data["id"]].update(p for p in record.data.get("partners", []) if not p.startswith("pod:"))
    for record in partnered:
        own = record.data["id"]
        for index, partner in enumerate(record.data.get("partners", [])):
            if partner in listed and own not in listed[partner] and not _shares_listed_pod(directory, own, partner):
                yield record.document.problem(
                    ("partners", index), "partnership-one-sided",
                    directory.say("crosscheck.partnership-one-sided", partner=partner, institution=own),
                    severity="notice")


def _shares_listed_pod(directory: Checked, own: str, partner: str) -> bool:
    """True when `partner` lists `own` through a `pod:` entry that covers it."""
    partner_record = directory.institution_by_id.get(partner)
    if partner_record is None:
        return False
    for entry in partner_record.data.get("partners", []):
        if entry.startswith("pod:") and own in directory.pod_members.get(entry[4:], set()) \
                and entry[4:] in directory.institution_pods.get(own, set()):
            return True
    return False


def run_all(directory: Checked) -> list[Problem]:
    problems: list[Problem] = []
    for function in CHECKS:
        problems.extend(function(directory))
    return problems
