"""The decision on one request: the ordered checks of the specification, each a small function.

Every check returns None when the request passes it, or a `Refusal`. The first refusal decides;
the later ones are reported as `also`, so the borrower sees everything to fix at once. A check
whose data is missing (a lender without `lending`, a request without `need_before`) passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from . import partners
from .model import COPY, LOAN, Channel, Directory, Institution, LendingRule, Service
from .catalogs import SOURCE_LANGUAGE
from .formats import format_day, format_money
from .messages import say
from .partners import RETRY, UNFILLED, Refusal
from .requests import Request
from .wording import code_name, codes_in_words, requests_in_words

ACCEPT = "accept"
COPY_OR_LOAN = "CopyOrLoan"


@dataclass(frozen=True)
class Case:
    """A request on its way from a borrower to one lender, on one day."""

    directory: Directory
    request: Request
    borrower: Institution
    lender: Institution
    day: dt.date
    lang: str = SOURCE_LANGUAGE      # the language of the sentences

    @cached_property
    def service_type(self) -> str:
        """`Loan` or `Copy`; "copy or loan" becomes a loan when the lender lends that kind of item."""
        if self.request.service_type != COPY_OR_LOAN:
            return self.request.service_type
        terms = self.lender.terms
        if terms is None:
            return LOAN
        if terms.loan is not None and self.request.publication_type in terms.loan.publication_types:
            return LOAN
        # No loan of this kind: a copy if copies are offered at all, else the loan section decides
        # (and says the publication type is not lent).
        return COPY if terms.copy is not None or terms.loan is None else LOAN

    @cached_property
    def service(self) -> Service | None:
        terms = self.lender.terms
        return terms.service(self.service_type) if terms is not None else None


Check = Callable[[Case], "Refusal | None"]


def _listing(values, lang: str) -> str:
    """The codes a lender allows, in the words of the rules: "Book, MusicScore or Thesis"."""
    return codes_in_words(sorted(values), lang)


def _pair(check: partners.PairCheck) -> Check:
    """A check about the two libraries only (steps 1 to 4), shared with `rsdir partners`."""
    def run(case: Case) -> Refusal | None:
        return check(case.directory, case.borrower, case.lender, case.lang)
    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


def check_closure(case: Case) -> Refusal | None:
    """The lender takes no requests on a day it is closed (whole local days, both ends included)."""
    terms = case.lender.terms
    closure = terms.closure_on(case.day) if terms is not None else None
    if closure is None:
        return None
    # Worded without the day after the closure: a closure may run to the last day of the calendar.
    return Refusal(RETRY, "NotCurrentAvailableForILL", "builtin:closure",
                   say("refusal.closure-with-note" if closure.note else "refusal.closure", lang=case.lang,
                       lender=case.lender.name, start=format_day(closure.start, case.lang),
                       end=format_day(closure.end, case.lang), note=closure.note))


def check_service(case: Case) -> Refusal | None:
    """The lender offers the service asked for; if it offers only the other one, ask for that."""
    terms = case.lender.terms
    if terms is None or case.service is not None:
        return None
    other = COPY if case.service_type == LOAN else LOAN
    if terms.service(other) is not None:
        return Refusal(RETRY, "ReqServTypeNotPossible", "builtin:service",
                       say("refusal.service-copies-only" if other == COPY else "refusal.service-loans-only",
                           lang=case.lang, lender=case.lender.name))
    return Refusal(UNFILLED, "NotAvailableForILL", "builtin:service",
                   say("refusal.service-none", lang=case.lang, lender=case.lender.name))


def check_publication_type(case: Case) -> Refusal | None:
    """The lender supplies this kind of publication under the service asked for."""
    service = case.service
    if service is None or case.request.publication_type in service.publication_types:
        return None
    return Refusal(UNFILLED, "NotAvailableForILL", "builtin:publication-type",
                   say(f"refusal.publication-type-{service.name.lower()}", lang=case.lang, lender=case.lender.name,
                       types=_listing(service.publication_types, case.lang),
                       asked=code_name(case.request.publication_type, case.lang)))


# --- the lender's own rules -------------------------------------------------------------------

def _published_within(case: Case, years: int) -> bool:
    year = case.request.publication_year
    return year is not None and year >= case.day.year - years


def _published_before(case: Case, year: int) -> bool:
    published = case.request.publication_year
    return published is not None and published < year


def _needed_within(case: Case, days: int) -> bool:
    need_before = case.request.need_before
    return need_before is not None and (need_before - case.day).days <= days


def _pages_over(case: Case, pages: int) -> bool:
    # Pages only make sense for copies (the field's meaning in the schema).
    return case.service_type == COPY and case.request.pages is not None and case.request.pages > pages


def _max_cost_below(case: Case, amount: float) -> bool:
    # The amount is in the lending currency; a maximum in another currency cannot be compared, so
    # the condition does not hold (the cost check still compares fees and currencies).
    max_cost = case.request.max_cost
    terms = case.lender.terms
    return (max_cost is not None and terms is not None and max_cost.currency == terms.currency
            and max_cost.amount < amount)


CONDITIONS: dict[str, Callable[[Case, object], bool]] = {
    "service_type": lambda case, wanted: case.service_type == wanted,
    "publication_type": lambda case, wanted: case.request.publication_type in wanted,
    "item_format": lambda case, wanted: case.request.item_format in wanted,
    "published_within_years": _published_within,
    "published_before": _published_before,
    "requester_country": lambda case, wanted: case.borrower.country in wanted,
    "service_level": lambda case, wanted: case.request.service_level in wanted,
    "need_before_within_days": _needed_within,
    "pages_over": _pages_over,
    "max_cost_below": _max_cost_below,
}


def rule_matches(case: Case, rule: LendingRule) -> bool:
    """Every condition holds, and the borrower is not exempted by id or by confirmed pod."""
    if not rule.when or not all(CONDITIONS[name](case, value) for name, value in rule.when.items()):
        return False
    if case.borrower.id in rule.exempt_requesters:
        return False
    return not (rule.exempt_pods & case.directory.confirmed_pods.get(case.borrower.id, frozenset()))


def check_rules(case: Case) -> Refusal | None:
    """The lender's rules, in its order; the first that matches decides."""
    terms = case.lender.terms
    if terms is None or case.service is None:
        return None
    for rule in terms.rules:
        if rule_matches(case, rule):
            return Refusal(rule.outcome, rule.reason, f"rule:{rule.id}",
                           say("refusal.rule-with-note" if rule.note else "refusal.rule", lang=case.lang,
                               lender=case.lender.name, requests=requests_in_words(rule.when, terms.currency, case.lang),
                               rule=rule.id, note=rule.note))
    return None


# --- terms of the service ---------------------------------------------------------------------

def _offers(offered, asked) -> bool:
    """A lender without a list takes anything, and a request that asks for nothing fits any list."""
    return offered is None or asked is None or asked in offered


def check_service_level(case: Case) -> Refusal | None:
    """The lender serves the service level asked for (a lender without a list serves all)."""
    terms, level = case.lender.terms, case.request.service_level
    if terms is None or _offers(terms.service_levels, level):
        return None
    return Refusal(RETRY, "ReqServLevelNotSupp", "builtin:service-level",
                   say("refusal.service-level", lang=case.lang, lender=case.lender.name,
                       levels=_listing(terms.service_levels, case.lang), asked=code_name(level, case.lang)))


def check_delivery_method(case: Case) -> Refusal | None:
    """The lender delivers this service by the method asked for (no list: any method)."""
    service, method = case.service, case.request.delivery_method
    if service is None or _offers(service.delivery_methods, method):
        return None
    return Refusal(RETRY, "ReqDelMethodNotSupp", "builtin:delivery-method",
                   say(f"refusal.delivery-method-{service.name.lower()}", lang=case.lang, lender=case.lender.name,
                       methods=_listing(service.delivery_methods, case.lang), asked=code_name(method, case.lang)))


def check_payment_method(case: Case) -> Refusal | None:
    """The lender accepts the payment method offered (no list: any method)."""
    terms, method = case.lender.terms, case.request.payment_method
    if terms is None or _offers(terms.payment_methods, method):
        return None
    return Refusal(RETRY, "ReqPayMethodNotSupported", "builtin:payment-method",
                   say("refusal.payment-method", lang=case.lang, lender=case.lender.name,
                       methods=_listing(terms.payment_methods, case.lang), asked=code_name(method, case.lang)))


def check_cost(case: Case) -> Refusal | None:
    """The fee fits the borrower's maximum cost; a fee in another currency cannot be said to fit."""
    service, max_cost = case.service, case.request.max_cost
    if service is None or max_cost is None or not service.fee:
        return None
    currency = case.lender.terms.currency
    fee = format_money(service.fee, currency, case.lang)
    if currency != max_cost.currency:
        return Refusal(RETRY, "CostExceedsMaxCost", "builtin:cost",
                       say(f"refusal.cost-currency-{service.name.lower()}", lang=case.lang, lender=case.lender.name, fee=fee,
                           max_currency=max_cost.currency, currency=currency))
    if service.fee <= max_cost.amount:
        return None
    return Refusal(RETRY, "CostExceedsMaxCost", "builtin:cost",
                   say(f"refusal.cost-over-{service.name.lower()}", lang=case.lang, lender=case.lender.name, fee=fee,
                       max_cost=format_money(max_cost.amount, max_cost.currency, case.lang)))


def check_need_before(case: Case) -> Refusal | None:
    """The lender can answer before the item is no longer needed (without `days_to_respond`, the
    request date itself is the earliest answer)."""
    terms, need_before = case.lender.terms, case.request.need_before
    if terms is None or need_before is None:
        return None
    days = terms.days_to_respond or 0
    # Days between the two dates rather than the request date plus `days`: that sum does not exist
    # for a request dated at the end of the calendar (9999-12-31).
    if (need_before - case.day).days >= days:
        return None
    return Refusal(RETRY, "ReqDelDateNotPossible", "builtin:need-before",
                   say("refusal.need-before", lang=case.lang, lender=case.lender.name, days=days,
                       day=format_day(case.day, case.lang), need_before=format_day(need_before, case.lang)))


# The order of the specification's "Decisions"; the first refusal decides.
CHECKS: tuple[Check, ...] = (
    _pair(partners.check_active),         # 1 builtin:inactive
    _pair(partners.check_lending),        # 1 builtin:not-lending
    _pair(partners.check_partnership),    # 2 builtin:partnership
    _pair(partners.check_channel),        # 3 builtin:channel
    _pair(partners.check_country),        # 4 builtin:country
    check_closure,                        # 5 builtin:closure
    check_service,                        # 6 builtin:service
    check_publication_type,               # 7 builtin:publication-type
    check_rules,                          # 8 rule:<id>
    check_service_level,                  # 9 builtin:service-level
    check_delivery_method,                # 9 builtin:delivery-method
    check_payment_method,                 # 9 builtin:payment-method
    check_cost,                           # 10 builtin:cost
    check_need_before,                    # 11 builtin:need-before
)


@dataclass(frozen=True)
class Decision:
    request: Request
    borrower: Institution
    lender: Institution
    day: dt.date
    service_type: str
    refusals: tuple[Refusal, ...]        # in check order; empty when accepted
    channel: Channel | None
    fee: float | None
    currency: str | None
    lang: str = SOURCE_LANGUAGE

    @property
    def accepted(self) -> bool:
        return not self.refusals

    @property
    def decision(self) -> str:
        return ACCEPT if self.accepted else self.refusals[0].decision

    @property
    def message(self) -> str:
        if not self.accepted:
            return self.refusals[0].message
        key = f"accept.{self.service_type.lower()}-{'fee' if self.fee else 'free'}"
        return say(key, lang=self.lang, lender=self.lender.name, borrower=self.borrower.name,
                   method=self.channel.method, fee=format_money(self.fee, self.currency, self.lang))

    def fee_json(self) -> dict | None:
        if not self.accepted:
            return None
        amount = int(self.fee) if float(self.fee).is_integer() else self.fee
        return {"amount": amount, "currency": self.currency}

    def as_text(self) -> str:
        """One block per request: who asks whom, the verdict, and what to change."""
        lines = [f"{self.request.file}: request {self.request.id} on {self.day}",
                 f"  {self.borrower.id} -> {self.lender.id}, {self.service_type}"]
        if self.accepted:
            lines.append(f"  ACCEPT  {self.message}")
            settings = "  ".join(f"{k}={v}" for k, v in self.channel.as_json().items()
                                 if k != "method" and not isinstance(v, dict))
            lines.append(f"  channel: {self.channel.method}  {settings}".rstrip())
        else:
            first = self.refusals[0]
            lines.append(f"  {first.decision.upper()}  {first.reason}  [{first.rule}]")
            lines.append(f"  {first.message}")
            for later in self.refusals[1:]:
                lines.append(f"  also: {later.reason} [{later.rule}] {later.message}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        first = self.refusals[0] if self.refusals else None
        return {
            "request": self.request.id, "file": self.request.file,
            "borrower": self.borrower.id, "lender": self.lender.id,
            "decision": self.decision,
            "reason": first.reason if first else None,
            "rule": first.rule if first else None,
            "message": self.message,
            "also": [refusal.as_json() for refusal in self.refusals[1:]],
            "service_type": self.service_type,
            "channel": self.channel.as_json() if self.accepted else None,
            "fee": self.fee_json(),
        }


def decide(directory: Directory, request: Request, borrower: Institution, lender: Institution,
           today: dt.date, lang: str = SOURCE_LANGUAGE) -> Decision:
    """The decision on `request` sent to `lender`, its sentences in `lang`; the request's own
    `date` wins over `today`."""
    case = Case(directory, request, borrower, lender, request.date or today, lang)
    refusals = tuple(refusal for refusal in (check(case) for check in CHECKS) if refusal is not None)
    accepted = not refusals
    terms = lender.terms
    return Decision(
        request, borrower, lender, case.day, case.service_type, refusals,
        channel=partners.usable_channel(borrower, lender) if accepted else None,
        fee=case.service.fee if accepted else None,
        currency=terms.currency if accepted and terms is not None else None, lang=lang,
    )
