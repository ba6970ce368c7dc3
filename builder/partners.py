"""Whether requests can flow from one library to another, by which channel, or the first reason not.

These are the checks that depend only on the two libraries (steps 1 to 4 of the decisions), so
`rsdir partners` and `rsdir check` give the same answer for the same pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Callable

from .messages import say
from .catalogs import SOURCE_LANGUAGE
from .model import Channel, Directory, Institution, UnknownInstitution
from .records import cycle_collector_paused
from .wording import aligned, countries_in_words, country_name, family_name, join_words

UNFILLED, RETRY = "unfilled", "retry"


@dataclass(frozen=True)
class Refusal:
    """Why a request would not be accepted: ISO 18626 outcome, reason code, deciding check, a sentence."""

    decision: str        # unfilled | retry
    reason: str          # ISO 18626 ReasonUnfilled / ReasonRetry code
    rule: str            # builtin:<check> or rule:<lender's rule id>
    message: str

    def as_json(self) -> dict:
        return {"rule": self.rule, "reason": self.reason, "message": self.message}


# (directory, borrower, lender, lang): the refusal said in `lang`, or None.
PairCheck = Callable[[Directory, Institution, Institution, str], "Refusal | None"]


def usable_channel(borrower: Institution, lender: Institution) -> Channel | None:
    """The lender's first channel the borrower can use: email, or a family the borrower speaks."""
    return lender.channel_for(borrower.families)


def check_active(directory: Directory, borrower: Institution, lender: Institution,
                 lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    """Inactive libraries take part in no exchange; a library may also choose not to borrow."""
    for side in (lender, borrower):
        if not side.active:
            return Refusal(UNFILLED, "NotAvailableForILL", "builtin:inactive", say("refusal.inactive", lang=lang,
                                                                                   library=side.name))
    if not borrower.borrowing_enabled:
        return Refusal(UNFILLED, "NotAvailableForILL", "builtin:inactive",
                       say("refusal.borrowing-off", lang=lang, borrower=borrower.name))
    return None


def check_lending(directory: Directory, borrower: Institution, lender: Institution,
                  lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    """A library without a `lending` section lends nothing."""
    if lender.terms is None:
        return Refusal(UNFILLED, "NotAvailableForILL", "builtin:not-lending",
                       say("refusal.not-lending", lang=lang, lender=lender.name))
    return None


def check_partnership(directory: Directory, borrower: Institution, lender: Institution,
                      lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    """Both libraries must list each other (directly or through a pod entry)."""
    lender_lists = directory.lists(lender.id, borrower.id)
    borrower_lists = directory.lists(borrower.id, lender.id)
    if lender_lists and borrower_lists:
        return None
    key = ("refusal.partnership-neither" if not lender_lists and not borrower_lists
           else "refusal.partnership-lender-missing" if not lender_lists
           else "refusal.partnership-borrower-missing")
    return Refusal(UNFILLED, "PolicyProblem", "builtin:partnership",
                   say(key, lang=lang, lender=lender.name, borrower=borrower.name))


def check_channel(directory: Directory, borrower: Institution, lender: Institution,
                  lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    """The borrower must be able to use one of the lender's request channels."""
    if usable_channel(borrower, lender) is not None:
        return None
    if not lender.channels:
        # An active library without channels fails a cross-record check, yet its record still answers.
        return Refusal(UNFILLED, "PolicyProblem", "builtin:channel",
                       say("refusal.channel-none-listed", lang=lang, lender=lender.name))
    theirs = _families_in_words(lender.families, "or", lang)
    ours = _families_in_words(borrower.families, "and", lang)
    # The family names carry their own parentheses, so the sentence puts none around them.
    key = "refusal.channel-other-family" if ours else "refusal.channel-borrower-has-none"
    return Refusal(UNFILLED, "PolicyProblem", "builtin:channel",
                   say(key, lang=lang, lender=lender.name, borrower=borrower.name, theirs=theirs, ours=ours))


def check_country(directory: Directory, borrower: Institution, lender: Institution,
                  lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    """The lender lends to the borrower's country."""
    terms = lender.terms
    if terms is None or terms.lends_to(borrower.country):
        return None
    key = ("refusal.country-excluded" if borrower.country in terms.excluded_countries
           else "refusal.country-not-listed")
    return Refusal(UNFILLED, "PolicyProblem", "builtin:country",
                   say(key, lang=lang, lender=lender.name, borrower=borrower.name,
                       country=country_name(borrower.country, lang),
                       countries=_countries_in_words(terms.listed_countries, lang)))


# The partnership graph refuses thousands of pairs for the same few reasons: each lender's list of
# countries, and each set of channel families, is put in words once per language.
@cache
def _countries_in_words(codes: tuple[str, ...], lang: str) -> str:
    return countries_in_words(codes, lang)


@cache
def _families_in_words(families: frozenset[str], last: str, lang: str) -> str:
    return join_words(sorted({family_name(family, lang) for family in families}), last, lang)


# Steps 1 to 4 of the decisions, in the specification's order.
PAIR_CHECKS: tuple[PairCheck, ...] = (check_active, check_lending, check_partnership, check_channel,
                                      check_country)


def first_refusal(directory: Directory, borrower: Institution, lender: Institution,
                  checks: tuple[PairCheck, ...] = PAIR_CHECKS, lang: str = SOURCE_LANGUAGE) -> Refusal | None:
    for check in checks:
        refusal = check(directory, borrower, lender, lang)
        if refusal is not None:
            return refusal
    return None


def direction_json(refusal: Refusal | None, channel: dict | str | None) -> dict:
    """One direction of a partnership as `{ok, channel, rule, message}`."""
    if refusal is not None:
        return {"ok": False, "channel": None, "rule": refusal.rule, "message": refusal.message}
    # The channel says everything about a working direction; a message is for a refusal.
    return {"ok": True, "channel": channel, "rule": None, "message": None}


@dataclass(frozen=True)
class Flow:
    """Whether `borrower` can send requests to `lender`, and how."""

    borrower: Institution
    lender: Institution
    channel: Channel | None
    refusal: Refusal | None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def as_json(self) -> dict:
        return direction_json(self.refusal, self.channel.as_json() if self.channel else None)


def flow(directory: Directory, borrower: Institution, lender: Institution, lang: str = SOURCE_LANGUAGE) -> Flow:
    refusal = first_refusal(directory, borrower, lender, lang=lang)
    return Flow(borrower, lender, None if refusal else usable_channel(borrower, lender), refusal)


def _direction(directory: Directory, borrower: Institution, lender: Institution) -> dict:
    """One direction for the whole graph: like `flow(...).as_json()`, but the channel is named by
    its method only. The graph holds every pair of the directory, and repeating each lender's
    channel settings for every partner would multiply its size; they are in the lender's profile."""
    refusal = first_refusal(directory, borrower, lender, _CHECKS_OF_MUTUAL_PAIRS)
    return direction_json(refusal, None if refusal else usable_channel(borrower, lender).method)


# The graph only pairs mutual partners, so asking again whether they list each other is wasted.
_CHECKS_OF_MUTUAL_PAIRS = tuple(check for check in PAIR_CHECKS if check is not check_partnership)


def named_pair(directory: Directory, institution: str, other: str | None,
               lang: str = SOURCE_LANGUAGE) -> tuple[Institution, Institution | None]:
    """The libraries `rsdir partners INSTITUTION [OTHER]` names (ids or agency ids); raises
    `UnknownInstitution` with the message to print when one names no library, or both the same."""
    me = directory.resolve(institution, lang)
    partner = directory.resolve(other, lang) if other else None
    if partner is not None and partner.id == me.id:
        raise UnknownInstitution(say("partners.same-library", lang=lang, institution=institution, other=other,
                                     library=me.id))
    return me, partner


def partnerships(directory: Directory, institution_id: str, other: str | None = None,
                 lang: str = SOURCE_LANGUAGE) -> dict:
    """The `rsdir partners ID [OTHER]` object: mutual partners with both directions, and who waits.

    With `other` (a library other than `institution_id`), every list is narrowed to that one
    library, and `not_mutual` says why the two are not mutual partners (null when they are): a pair
    that has listed neither the other would otherwise show nothing but empty lists.
    """
    def keep(ids: list[str]) -> list[str]:
        return [i for i in ids if other is None or i == other]

    me = directory.institutions[institution_id]
    mutual = []
    for partner_id in keep(directory.mutual_partners(institution_id)):
        partner = directory.institutions[partner_id]
        mutual.append({"id": partner_id, "borrow": flow(directory, me, partner, lang).as_json(),
                       "lend": flow(directory, partner, me, lang).as_json()})
    entry: dict = {"id": institution_id, "mutual": mutual,
                   "waiting_on_them": keep(directory.waiting_on_them(institution_id)),
                   "waiting_on_us": keep(directory.waiting_on_us(institution_id))}
    if other is not None:
        refusal = check_partnership(directory, me, directory.institutions[other], lang)
        entry["not_mutual"] = refusal.as_json() if refusal is not None else None
    return entry


def graph(directory: Directory) -> dict:
    """The `rsdir partners --all` object: each institution with its partner lists, and each mutual
    pair once (`a` < `b` by id) with whether requests flow each way."""
    institutions, pairs = [], []
    # The answer is hundreds of thousands of small objects that all stay alive until printed;
    # cyclic garbage collection would only scan them again and again while they are built.
    with cycle_collector_paused():
        for institution_id, me in directory.institutions.items():
            mutual = directory.mutual_partners(institution_id)
            institutions.append({"id": institution_id, "mutual": mutual,
                                 "waiting_on_them": directory.waiting_on_them(institution_id),
                                 "waiting_on_us": directory.waiting_on_us(institution_id)})
            for partner_id in mutual:
                if institution_id < partner_id:
                    partner = directory.institutions[partner_id]
                    pairs.append({"a": institution_id, "b": partner_id,
                                  "a_to_b": _direction(directory, me, partner),
                                  "b_to_a": _direction(directory, partner, me)})
    return {"institutions": institutions, "partnerships": pairs}


def _flow_text(direction: dict) -> str:
    if not direction["ok"]:
        return f"no [{direction['rule']}]"
    channel = direction["channel"]
    return f"yes, by {channel['method'] if isinstance(channel, dict) else channel}"


def partnerships_text(entry: dict, names: dict[str, str]) -> str:
    """The `partners` object of one library as a readable block; `names` maps ids to names."""
    me = entry["id"]
    lines = [f"{me}  {names.get(me, '')}".rstrip()]
    if entry["mutual"]:
        rows = [("partner", f"{me} -> partner", f"partner -> {me}")]
        rows += [(m["id"], _flow_text(m["borrow"]), _flow_text(m["lend"])) for m in entry["mutual"]]
        lines.append(f"  mutual partners ({len(entry['mutual'])}):")
        lines += ["    " + line for line in aligned(rows)]
        for m in entry["mutual"]:
            # Named by the same arrows as the table's columns.
            for direction, arrow in (("borrow", f"{me} -> {m['id']}"), ("lend", f"{m['id']} -> {me}")):
                if not m[direction]["ok"]:
                    lines.append(f"    {arrow}: {m[direction]['message']}")
    elif entry.get("not_mutual"):
        lines.append(f"  not mutual partners: {entry['not_mutual']['message']}")
    else:
        lines.append("  mutual partners: none")
    lines.append(f"  waiting on them (listed by {me}, not listing it back): "
                 f"{', '.join(entry['waiting_on_them']) or 'none'}")
    lines.append(f"  waiting on us (listing {me}, not listed back): {', '.join(entry['waiting_on_us']) or 'none'}")
    return "\n".join(lines)


def graph_text(document: dict) -> str:
    """`partners --all` as text: one line per mutual pair, then who is waiting on whom."""
    rows = [("a", "b", "a -> b", "b -> a")]
    rows += [(p["a"], p["b"], _flow_text(p["a_to_b"]), _flow_text(p["b_to_a"])) for p in document["partnerships"]]
    lines = aligned(rows)
    waiting = [f"{entry['id']} waits on {', '.join(entry['waiting_on_them'])}"
               for entry in document["institutions"] if entry["waiting_on_them"]]
    pairs = len(document["partnerships"])
    lines.append(f"{pairs} mutual partnership{'' if pairs == 1 else 's'}; "
                 + (f"{len(waiting)} institutions list partners that have not listed them back"
                    if len(waiting) != 1 else "1 institution lists partners that have not listed it back"))
    lines += [f"  {line}" for line in waiting]
    return "\n".join(lines)
