"""The directory in memory: typed records, indexes by id and agency id, pods and partner sets.

Built once from the records that passed validation; everything that answers questions about the
directory (partnerships, decisions, routing, the feed, the site) reads this model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping

from .crosschecks import parse_date
from .identifiers import agency_key
from .messages import say
from .records import INSTITUTION, POD, RecordFile

ISO18626, ISO_ILL, EMAIL = "iso18626", "iso-ill", "email"
CHANNEL_FAMILY = {"alma": ISO18626, "iso18626": ISO18626, "illiad": ISO18626, "iso-ill": ISO_ILL, "email": EMAIL}
# Each family as a reader meets it in a sentence (in English; wording.family_name in any
# language); written with their own parentheses, these names are never put inside another pair.
FAMILY_NAMES = {family: say(f"family.{family}") for family in (ISO18626, ISO_ILL, EMAIL)}


@dataclass(frozen=True)
class Channel:
    method: str
    settings: Mapping[str, object]     # the channel's fields as written, `method` included

    @cached_property
    def family(self) -> str:
        return CHANNEL_FAMILY[self.method]

    def as_json(self) -> dict:
        return dict(self._json)

    @cached_property
    def _json(self) -> dict:
        # Sorted once: the partnership graph prints the same channel for many pairs.
        return dict(sorted(self.settings.items()))


LOAN, COPY = "Loan", "Copy"


@dataclass(frozen=True)
class Service:
    """What a lender offers under one service type (`Loan` or `Copy`)."""

    name: str
    publication_types: frozenset[str]
    fee: float
    delivery_methods: frozenset[str] | None      # None: any delivery method


@dataclass(frozen=True)
class Closure:
    start: dt.date       # first closed local day
    end: dt.date         # last closed local day
    note: str | None


@dataclass(frozen=True)
class LendingRule:
    id: str
    when: Mapping[str, object]
    exempt_requesters: frozenset[str]
    exempt_pods: frozenset[str]
    outcome: str
    reason: str
    note: str | None


@dataclass(frozen=True)
class LendingTerms:
    """The `lending` section read once into sets and dates, so each request is checked quickly."""

    countries: frozenset[str] | None    # None: every country ("*")
    listed_countries: tuple[str, ...]
    excluded_countries: frozenset[str]
    currency: str | None
    days_to_respond: int | None
    payment_methods: frozenset[str] | None
    service_levels: frozenset[str] | None
    loan: Service | None
    copy: Service | None
    closures: tuple[Closure, ...]
    rules: tuple[LendingRule, ...]

    @classmethod
    def from_section(cls, lending: Mapping) -> "LendingTerms":
        listed = tuple(lending.get("countries", []))

        def optional_set(key: str) -> frozenset[str] | None:
            return frozenset(lending[key]) if key in lending else None

        def service(name: str, key: str) -> Service | None:
            section = lending.get(key)
            if section is None:
                return None
            methods = section.get("delivery_methods")
            return Service(name, frozenset(section.get("publication_types", [])), section.get("fee", 0),
                           frozenset(methods) if methods is not None else None)

        closures = []
        for closure in lending.get("closures", []):
            # A closure whose day does not exist is reported by validation; here it is skipped.
            start, end = parse_date(closure["from"]), parse_date(closure["to"])
            if start and end:
                closures.append(Closure(start, end, closure.get("note")))
        rules = tuple(
            LendingRule(rule["id"], rule.get("when", {}),
                        frozenset(rule.get("unless", {}).get("requester", [])),
                        frozenset(rule.get("unless", {}).get("requester_pod", [])),
                        rule["outcome"], rule["reason"], rule.get("note"))
            for rule in lending.get("rules", [])
        )
        return cls(None if "*" in listed else frozenset(listed), listed,
                   frozenset(lending.get("exclude_countries", [])), lending.get("currency"),
                   lending.get("days_to_respond"), optional_set("payment_methods"),
                   optional_set("service_levels"), service(LOAN, "loan"), service(COPY, "copy"),
                   tuple(closures), rules)

    @property
    def lends_to_codes(self) -> tuple[str, ...]:
        """Where it lends as codes: `("*", "-AU", "-NZ")` for every country but the excluded ones,
        else the countries listed (less any excluded), sorted."""
        if self.countries is None:
            return ("*",) + tuple(f"-{code}" for code in sorted(self.excluded_countries))
        return tuple(sorted(self.countries - self.excluded_countries))

    def lends_to(self, country: str) -> bool:
        return (self.countries is None or country in self.countries) and country not in self.excluded_countries

    def service(self, name: str) -> Service | None:
        return self.loan if name == LOAN else self.copy if name == COPY else None

    def closure_on(self, day: dt.date) -> Closure | None:
        """The closure covering `day`, a local calendar day of the lender (both ends included)."""
        for closure in self.closures:
            if closure.start <= day <= closure.end:
                return closure
        return None


@dataclass(frozen=True)
class Institution:
    id: str
    name: str
    status: str
    country: str
    record: Mapping = field(repr=False)   # the validated record as written
    file: str = ""

    @cached_property
    def active(self) -> bool:
        return self.status == "active"

    @cached_property
    def channels(self) -> tuple[Channel, ...]:
        alma_code = self.record.get("identifiers", {}).get("alma")
        channels = []
        for settings in self.record.get("request_channels", []):
            settings = dict(settings)
            if settings["method"] == "alma" and "institution_code" not in settings and alma_code:
                settings["institution_code"] = alma_code
            channels.append(Channel(settings["method"], settings))
        return tuple(channels)

    @cached_property
    def families(self) -> frozenset[str]:
        return frozenset(channel.family for channel in self.channels)

    def channel_for(self, families: frozenset[str]) -> Channel | None:
        """Our first channel a borrower speaking `families` can use (anyone can use email).

        Remembered per set of families: there are only a few such sets, asked about very often.
        """
        cache = self._channel_choice
        if families not in cache:
            cache[families] = next((c for c in self.channels if c.family == EMAIL or c.family in families), None)
        return cache[families]

    @cached_property
    def _channel_choice(self) -> dict[frozenset[str], Channel | None]:
        return {}

    @property
    def lending(self) -> Mapping | None:
        return self.record.get("lending")

    @cached_property
    def city(self) -> str | None:
        """The city people know the institution by: of its postal address, else of its shipping
        address, else of the first address given."""
        addresses = self.record.get("addresses", [])
        for purpose in ("postal", "shipping"):
            for address in addresses:
                if purpose in address.get("purpose", []):
                    return address["city"]
        return addresses[0]["city"] if addresses else None

    @cached_property
    def terms(self) -> LendingTerms | None:
        """The lending terms, or None for a library that does not lend."""
        lending = self.lending
        return LendingTerms.from_section(lending) if lending is not None else None

    @cached_property
    def borrowing_enabled(self) -> bool:
        return self.record.get("borrowing", {}).get("enabled", True)

    @property
    def listed_partners(self) -> tuple[str, ...]:
        return tuple(self.record.get("partners", []))

    @property
    def listed_pods(self) -> tuple[str, ...]:
        return tuple(self.record.get("pods", []))


@dataclass(frozen=True)
class Pod:
    id: str
    name: str
    record: Mapping = field(repr=False)
    file: str = ""

    @property
    def listed_members(self) -> tuple[str, ...]:
        return tuple(self.record.get("members", []))


class UnknownInstitution(LookupError):
    """An id or agency id that names no institution, or more than one."""


def _agency_ids(institution: Institution) -> Iterable[str]:
    identifiers = institution.record.get("identifiers", {})
    for authority in ("isil", "oclc", "ror", "alma"):
        if authority in identifiers:
            yield agency_key(authority, identifiers[authority])
    for other in identifiers.get("other", []):
        yield agency_key(other["authority"], other["value"])
    for channel in institution.channels:
        symbol = channel.settings.get("symbol")
        if isinstance(symbol, str) and ":" in symbol:
            authority, _, value = symbol.partition(":")
            yield agency_key(authority, value)
        # An Alma channel without any code is a validation error, yet such a record still answers
        # requests (`answering_directory` keeps records that failed only cross-record checks).
        code = channel.settings.get("institution_code") if channel.method == "alma" else None
        if code is not None:
            yield agency_key("alma", str(code))


class _PerInstitution(dict):
    """A value per institution, worked out the first time it is asked for: a question about one
    library needs the partner sets of a few dozen, not of all 10,000."""

    def __init__(self, institutions: Mapping[str, "Institution"], work_out):
        super().__init__()
        self._institutions = institutions
        self._work_out = work_out

    def __missing__(self, key: str):
        if key not in self._institutions:
            raise KeyError(key)
        value = self[key] = self._work_out(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._institutions

    def get(self, key: str, default=None):
        return self[key] if key in self._institutions else default


class _RecordOnDemand(Mapping):
    """A record as written, decoded from the cache only when something in it is read."""

    __slots__ = ("_document",)

    def __init__(self, document):
        self._document = document

    def __getitem__(self, key: str):
        return self._document.data[key]

    def get(self, key: str, default=None):
        return self._document.data.get(key, default)

    def __iter__(self):
        return iter(self._document.data)

    def __len__(self) -> int:
        return len(self._document.data)


def _rows_and_records(rows: list, records: list[RecordFile]) -> Iterable[tuple[list, RecordFile]]:
    """Each row of known facts (whose last field is the file) with the record of that file."""
    by_file = {record.document.file: record for record in records}
    for *fields, file in rows:
        yield fields, by_file[file]


class Directory:
    """Institutions and pods by id, confirmed pod membership and expanded partner sets.

    Partner sets are worked out when asked for. What only the whole directory tells (confirmed pod
    members, who lists whom, the agency ids) is worked out once, or taken from `known`: the same
    facts kept from an earlier run on exactly these records (`Directory.known_facts`), which spares
    decoding every record to answer one question.
    """

    def __init__(self, institutions: Iterable[Institution], pods: Iterable[Pod], *,
                 left_out: Iterable[str] = (), known: Mapping | None = None):
        self.institutions: dict[str, Institution] = {i.id: i for i in sorted(institutions, key=lambda i: i.id)}
        self.pods: dict[str, Pod] = {p.id: p for p in sorted(pods, key=lambda p: p.id)}
        if known is not None:
            self.pod_members: dict[str, frozenset[str]] = {
                pod: frozenset(members) for pod, members in known["pod_members"].items()}
        else:
            self.pod_members = {
                pod.id: frozenset(m for m in pod.listed_members
                                  if m in self.institutions and pod.id in self.institutions[m].listed_pods)
                for pod in self.pods.values()
            }
        pods_of: dict[str, set[str]] = {i: set() for i in self.institutions}
        for pod_id, members in self.pod_members.items():
            for member in members:
                pods_of[member].add(pod_id)
        self.confirmed_pods: dict[str, frozenset[str]] = {i: frozenset(p) for i, p in pods_of.items()}
        self.partners: Mapping[str, frozenset[str]] = _PerInstitution(
            self.institutions, lambda i: self._expand(self.institutions[i]))
        # Worked out once per library: the partnership graph asks for every one's mutual partners.
        self._mutual: Mapping[str, frozenset[str]] = _PerInstitution(self.institutions, self._work_out_mutual)
        self._known = known
        # Ids (and file names) of institution records that failed validation and are not in the
        # model: a request naming one is told why, rather than that no such library exists.
        self.left_out: frozenset[str] = frozenset(left_out) - self.institutions.keys()

    @cached_property
    def _listed_by(self) -> Mapping[str, frozenset[str]]:
        """Who lists each institution as a partner (directly or through a pod entry)."""
        if self._known is not None:
            # Kept as positions in the sorted ids, a third of the size of the ids themselves.
            ids, known = list(self.institutions), self._known["listed_by"]
            return _PerInstitution(self.institutions, lambda i: frozenset(ids[owner] for owner in known[i]))
        listed_by: dict[str, set[str]] = {i: set() for i in self.institutions}
        for owner in self.institutions:
            for partner in self.partners[owner]:
                listed_by[partner].add(owner)
        return {i: frozenset(owners) for i, owners in listed_by.items()}

    @cached_property
    def _agency_index(self) -> dict[str, list[str]]:
        if self._known is not None:
            return self._known["agency_ids"]
        index: dict[str, set[str]] = {}
        for institution in self.institutions.values():
            for key in _agency_ids(institution):
                index.setdefault(key, set()).add(institution.id)
        return {key: sorted(ids) for key, ids in index.items()}

    def known_facts(self) -> dict:
        """What only the whole directory tells, as JSON data: `known` for a later `Directory` of
        exactly the same records."""
        positions = {institution_id: position for position, institution_id in enumerate(self.institutions)}
        return {"institutions": [[i.id, i.name, i.status, i.country, i.file] for i in self.institutions.values()],
                "pods": [[p.id, p.name, p.file] for p in self.pods.values()],
                "pod_members": {pod: sorted(members) for pod, members in self.pod_members.items()},
                "listed_by": {i: sorted(positions[owner] for owner in self._listed_by[i]) for i in self.institutions},
                "agency_ids": self._agency_index}

    @classmethod
    def from_records(cls, records: Iterable[RecordFile], *, left_out: Iterable[str] = (),
                     known: Mapping | None = None) -> "Directory":
        """The model of the valid `records`; `left_out` names institutions whose records failed.
        With `known` (see `known_facts`), a record is decoded only when something about it is asked."""
        records = list(records)
        if known is not None:
            institutions = [Institution(*fields, record=_RecordOnDemand(record.document), file=record.document.file)
                            for fields, record in _rows_and_records(known["institutions"], records)]
            pods = [Pod(*fields, record=_RecordOnDemand(record.document), file=record.document.file)
                    for fields, record in _rows_and_records(known["pods"], records)]
            return cls(institutions, pods, left_out=left_out, known=known)
        institutions = [Institution(r.data["id"], r.data["name"], r.data["status"], r.data["country"],
                                    r.data, r.document.file) for r in records if r.kind == INSTITUTION]
        pods = [Pod(r.data["id"], r.data["name"], r.data, r.document.file) for r in records if r.kind == POD]
        return cls(institutions, pods, left_out=left_out)

    def _expand(self, institution: Institution) -> frozenset[str]:
        """Listed partners with each `pod:<id>` replaced by the pod's confirmed members."""
        expanded: set[str] = set()
        for entry in institution.listed_partners:
            if entry.startswith("pod:"):
                expanded |= self.pod_members.get(entry[4:], frozenset())
            elif entry in self.institutions:
                expanded.add(entry)
        expanded.discard(institution.id)
        return frozenset(expanded)

    def _work_out_mutual(self, owner: str) -> frozenset[str]:
        partners = self.partners[owner]
        if self._known is not None or "_listed_by" in self.__dict__:
            # Who lists whom is known (from the cache, or worked out for the whole directory):
            # one intersection instead of a look into each partner's set.
            return partners & self._listed_by[owner]
        return frozenset(p for p in partners if owner in self.partners[p])

    def lists(self, owner: str, other: str) -> bool:
        """Whether `owner` accepts requests from `other` (directly or through a pod entry)."""
        return other in self.partners.get(owner, ())

    def mutual_partners(self, institution_id: str) -> list[str]:
        return sorted(self._mutual[institution_id])

    def waiting_on_them(self, institution_id: str) -> list[str]:
        """We listed them; they have not listed us."""
        return sorted(self.partners[institution_id] - self._mutual[institution_id])

    def waiting_on_us(self, institution_id: str) -> list[str]:
        """They listed us; we have not listed them."""
        return sorted(self._listed_by[institution_id] - self.partners[institution_id])

    @cached_property
    def partner_counts(self) -> Mapping[str, tuple[int, int, int]]:
        """For each institution, how many mutual partners it has, how many it waits on to list it
        back and how many wait on it: the lengths of the three lists above, which its page counts
        in every language."""
        return {i: (len(self._mutual[i]), len(self.partners[i] - self._mutual[i]), len(self._listed_by[i] - self.partners[i]))
                for i in self.institutions}

    def shared_pods(self, first: str, second: str) -> list[str]:
        return sorted(self.confirmed_pods.get(first, frozenset()) & self.confirmed_pods.get(second, frozenset()))

    def resolve(self, reference: str, lang: str = "en") -> Institution:
        """An institution by directory id or by agency id (`ISIL:DE-89`, `OCLC:GWTIB`, a channel
        symbol); a reference that names none raises `UnknownInstitution` saying why, in `lang`."""
        if reference in self.institutions:
            return self.institutions[reference]
        if reference in self.left_out:
            raise UnknownInstitution(say("reference.left-out", lang=lang, reference=reference))
        if ":" not in reference:
            raise UnknownInstitution(say("reference.unknown-id", lang=lang, reference=reference))
        authority, _, value = reference.partition(":")
        matches = sorted(self._agency_index.get(agency_key(authority, value), ()))
        if not matches:
            raise UnknownInstitution(say("reference.unknown-agency-id", lang=lang, reference=reference))
        if len(matches) > 1:
            raise UnknownInstitution(say("reference.ambiguous", lang=lang, reference=reference,
                                         matches=", ".join(matches)))
        return self.institutions[matches[0]]
