"""The directory in memory: typed records, indexes by id and agency id, pods and partner sets.

Built once from the records that passed validation; everything that answers questions about the
directory (partnerships, decisions, routing, the feed, the site) reads this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping

from .records import INSTITUTION, POD, RecordFile

ISO18626, ISO_ILL, EMAIL = "iso18626", "iso-ill", "email"
CHANNEL_FAMILY = {"alma": ISO18626, "iso18626": ISO18626, "illiad": ISO18626, "iso-ill": ISO_ILL, "email": EMAIL}
FAMILY_NAMES = {ISO18626: "ISO 18626 (Alma, ISO 18626, ILLiad)", ISO_ILL: "ISO ILL", EMAIL: "email"}


@dataclass(frozen=True)
class Channel:
    method: str
    settings: Mapping[str, object]     # the channel's fields as written, `method` included

    @property
    def family(self) -> str:
        return CHANNEL_FAMILY[self.method]

    def as_json(self) -> dict:
        return dict(sorted(self.settings.items()))


@dataclass(frozen=True)
class Institution:
    id: str
    name: str
    status: str
    country: str
    record: Mapping = field(repr=False)   # the validated record as written
    file: str = ""

    @property
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

    @property
    def lending(self) -> Mapping | None:
        return self.record.get("lending")

    @property
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


def agency_key(authority: str, value: str) -> str:
    """Comparable form of `AUTHORITY:VALUE`: ISILs ignore case, ROR ids lose their URL prefix."""
    authority = authority.upper()
    if authority == "ISIL":
        value = value.casefold()
    elif authority == "ROR":
        value = value.removeprefix("https://ror.org/").lower()
    return f"{authority}:{value}"


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
        if channel.method == "alma":
            yield agency_key("alma", str(channel.settings["institution_code"]))


class Directory:
    """Institutions and pods by id, confirmed pod membership and expanded partner sets."""

    def __init__(self, institutions: Iterable[Institution], pods: Iterable[Pod]):
        self.institutions: dict[str, Institution] = {i.id: i for i in sorted(institutions, key=lambda i: i.id)}
        self.pods: dict[str, Pod] = {p.id: p for p in sorted(pods, key=lambda p: p.id)}
        self.pod_members: dict[str, frozenset[str]] = {
            pod.id: frozenset(m for m in pod.listed_members
                              if m in self.institutions and pod.id in self.institutions[m].listed_pods)
            for pod in self.pods.values()
        }
        pods_of: dict[str, set[str]] = {i: set() for i in self.institutions}
        for pod_id, members in self.pod_members.items():
            for member in members:
                pods_of[member].add(pod_id)
        self.confirmed_pods: dict[str, frozenset[str]] = {i: frozenset(p) for i, p in pods_of.items()}
        self.partners: dict[str, frozenset[str]] = {
            i.id: self._expand(i) for i in self.institutions.values()
        }
        self._listed_by: dict[str, set[str]] = {i: set() for i in self.institutions}
        for owner, partners in self.partners.items():
            for partner in partners:
                self._listed_by[partner].add(owner)
        self._agency_index: dict[str, set[str]] = {}
        for institution in self.institutions.values():
            for key in _agency_ids(institution):
                self._agency_index.setdefault(key, set()).add(institution.id)

    @classmethod
    def from_records(cls, records: Iterable[RecordFile]) -> "Directory":
        records = list(records)
        institutions = [Institution(r.data["id"], r.data["name"], r.data["status"], r.data["country"],
                                    r.data, r.document.file) for r in records if r.kind == INSTITUTION]
        pods = [Pod(r.data["id"], r.data["name"], r.data, r.document.file) for r in records if r.kind == POD]
        return cls(institutions, pods)

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

    def lists(self, owner: str, other: str) -> bool:
        """Whether `owner` accepts requests from `other` (directly or through a pod entry)."""
        return other in self.partners.get(owner, ())

    def mutual(self, first: str, second: str) -> bool:
        return self.lists(first, second) and self.lists(second, first)

    def mutual_partners(self, institution_id: str) -> list[str]:
        return sorted(p for p in self.partners[institution_id] if self.lists(p, institution_id))

    def waiting_on_them(self, institution_id: str) -> list[str]:
        """We listed them; they have not listed us."""
        return sorted(p for p in self.partners[institution_id] if not self.lists(p, institution_id))

    def waiting_on_us(self, institution_id: str) -> list[str]:
        """They listed us; we have not listed them."""
        return sorted(p for p in self._listed_by[institution_id] if not self.lists(institution_id, p))

    def shared_pods(self, first: str, second: str) -> list[str]:
        return sorted(self.confirmed_pods.get(first, frozenset()) & self.confirmed_pods.get(second, frozenset()))

    def resolve(self, reference: str) -> Institution:
        """An institution by directory id or by agency id (`ISIL:DE-89`, `OCLC:GWTIB`, a channel symbol)."""
        if reference in self.institutions:
            return self.institutions[reference]
        if ":" not in reference:
            raise UnknownInstitution(f"`{reference}` is not an institution of the directory; check the id")
        authority, _, value = reference.partition(":")
        matches = sorted(self._agency_index.get(agency_key(authority, value), ()))
        if not matches:
            raise UnknownInstitution(f"no institution has the identifier `{reference}`; check it, or use "
                                     "the directory id")
        if len(matches) > 1:
            raise UnknownInstitution(f"`{reference}` matches several institutions ({', '.join(matches)}); "
                                     "use the directory id instead")
        return self.institutions[matches[0]]
