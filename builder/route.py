"""Every lender that would accept a request, best first, reusing the decision checks.

Ranking (the specification's order): a confirmed pod shared with the borrower first, then the
lower fee, fewer days to respond, a lender in the borrower's country, and the id.

Fees in different currencies are not converted (the directory has no exchange rates). A free
lender always ranks as the lowest fee. Paid fees are compared by amount within one currency:
fees in the currency of the request's `max_cost` come first (a lender charging in another
currency is refused anyway when `max_cost` is given), then the others grouped by currency code,
each group by amount. A lender that does not state `days_to_respond` ranks after those that do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .decide import Decision, decide
from .model import Directory, Institution
from .money import format_money
from .requests import Request
from .wording import aligned


@dataclass(frozen=True)
class RankedLender:
    decision: Decision
    shared_pods: tuple[str, ...]

    def as_json(self) -> dict:
        lender = self.decision.lender
        return {"id": lender.id, "name": lender.name, "fee": self.decision.fee_json(),
                "days_to_respond": lender.terms.days_to_respond,
                "channel": self.decision.channel.as_json(), "shared_pods": list(self.shared_pods)}


@dataclass(frozen=True)
class Route:
    request: Request
    borrower: Institution
    lenders: tuple[RankedLender, ...]     # accepting lenders, best first
    refused: tuple[Decision, ...]         # every other lender, by id

    def as_json(self, *, with_refused: bool = False) -> dict:
        document: dict = {"request": self.request.id, "lenders": [lender.as_json() for lender in self.lenders]}
        if with_refused:
            document["refused"] = [decision.as_json() for decision in self.refused]
        return document

    def as_text(self, *, with_refused: bool = False) -> str:
        """An aligned table of the lenders, best first; with `with_refused`, why the others say no."""
        rows = [("#", "lender", "fee", "days", "channel", "shared pods")]
        for rank, lender in enumerate(self.lenders, 1):
            decision = lender.decision
            fee = fee_text(decision)
            days = decision.lender.terms.days_to_respond
            rows.append((str(rank), decision.lender.id, fee, "-" if days is None else str(days),
                         decision.channel.method, ", ".join(lender.shared_pods) or "-"))
        lines = [f"Request {self.request.id} from {self.borrower.id}: "
                 f"{len(self.lenders)} lender{'s' if len(self.lenders) != 1 else ''} would accept it."]
        if self.lenders:
            lines += aligned(rows)
        if with_refused and self.refused:
            lines.append("")
            lines.append("Refused:")
            width = max(len(d.lender.id) for d in self.refused)
            lines += [f"  {d.lender.id.ljust(width)}  {d.decision:<8}  {d.refusals[0].rule}: {d.message}"
                      for d in self.refused]
        return "\n".join(lines)


def fee_text(decision: Decision) -> str:
    return format_money(decision.fee, decision.currency) if decision.fee else "free"


def rank_key(lender: RankedLender, borrower: Institution, reference_currency: str | None) -> tuple:
    decision = lender.decision
    fee, currency = decision.fee or 0, decision.currency or ""
    fee_key = (0, 0, "", 0.0) if not fee else (1, currency != reference_currency, currency, fee)
    days = decision.lender.terms.days_to_respond
    return (not lender.shared_pods, fee_key, days is None, days or 0,
            decision.lender.country != borrower.country, decision.lender.id)


def route(directory: Directory, request: Request, borrower: Institution, today: dt.date,
          *, with_refused: bool = False, lang: str = "en") -> Route:
    """Ask every other institution of the directory, as `rsdir check` would.

    Only mutual partners can accept, so without `with_refused` only they are asked: the same
    answer, without deciding for thousands of libraries that are refused at the partnership step.
    """
    accepted: list[RankedLender] = []
    refused: list[Decision] = []
    if with_refused:
        lenders = [lender for lender in directory.institutions.values() if lender.id != borrower.id]
    else:
        lenders = [directory.institutions[i] for i in directory.mutual_partners(borrower.id)]
    for lender in lenders:
        decision = decide(directory, request, borrower, lender, today, lang)
        if decision.accepted:
            accepted.append(RankedLender(decision, tuple(directory.shared_pods(borrower.id, lender.id))))
        else:
            refused.append(decision)
    reference = request.max_cost.currency if request.max_cost else None
    accepted.sort(key=lambda lender: rank_key(lender, borrower, reference))
    return Route(request, borrower, tuple(accepted), tuple(refused))
