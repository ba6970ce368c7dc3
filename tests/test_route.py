"""Routing: every accepting lender, ranked by shared pod, fee, days to respond, country and id."""

from __future__ import annotations

import datetime as dt

from builder.model import Directory, Institution, Pod
from builder.requests import Cost, Request
from builder.route import route

from decisions_support import REQUESTS, TODAY, directory, request_case


def _lender(id: str, country: str, *, fee: float = 0, currency: str = "EUR", days: int | None = 5,
            pods: tuple[str, ...] = ()) -> Institution:
    lending = {"countries": ["*"], "currency": currency, "copy": {"publication_types": ["Article"], "fee": fee}}
    if days is not None:
        lending["days_to_respond"] = days
    record = {"id": id, "request_channels": [{"method": "email", "email": f"ill@{id}.example"}],
              "lending": lending, "partners": ["borrower"], "pods": list(pods)}
    return Institution(id, id.title(), "active", country, record)


def _directory(*lenders: Institution) -> Directory:
    borrower = Institution("borrower", "Borrower", "active", "DE",
                           {"id": "borrower", "request_channels": [{"method": "email", "email": "b@x.example"}],
                            "partners": [lender.id for lender in lenders], "pods": ["pod-a"]})
    members = [borrower.id] + [lender.id for lender in lenders if "pod-a" in lender.listed_pods]
    return Directory([borrower, *lenders], [Pod("pod-a", "Pod A", {"id": "pod-a", "members": members})])


def _request(**changes) -> Request:
    fields = dict(id="R1", file="r1.yaml", borrower="borrower", lender=None, service_type="Copy",
                  publication_type="Article", title="T", date=dt.date(2026, 12, 1))
    fields.update(changes)
    return Request(**fields)


def _ranked(directory: Directory, request: Request) -> list[str]:
    result = route(directory, request, directory.institutions["borrower"], TODAY)
    return [lender.decision.lender.id for lender in result.lenders]


def test_shared_pod_first_then_fee_then_days_then_country_then_id():
    lenders = _directory(
        _lender("z-pod-paid", "FR", fee=9, pods=("pod-a",)),
        _lender("a-free-slow", "FR", days=9),
        _lender("b-free-fast", "FR", days=2),
        _lender("c-free-fast-home", "DE", days=2),
        _lender("d-free-fast-home", "DE", days=2),
        _lender("e-paid", "DE", fee=1, days=1),
        _lender("f-free-unknown-days", "DE", days=None),
    )
    assert _ranked(lenders, _request()) == ["z-pod-paid", "c-free-fast-home", "d-free-fast-home", "b-free-fast",
                                            "a-free-slow", "f-free-unknown-days", "e-paid"]


def test_fees_are_compared_within_the_max_cost_currency_first():
    lenders = _directory(_lender("eur-5", "FR", fee=5), _lender("gbp-1", "FR", fee=1, currency="GBP"),
                         _lender("eur-3", "FR", fee=3))
    # Without a maximum cost there is no reference currency: paid fees group by currency code.
    assert _ranked(lenders, _request()) == ["eur-3", "eur-5", "gbp-1"]
    # With a maximum in EUR the GBP lender is refused by the cost check, and EUR fees rank by amount.
    assert _ranked(lenders, _request(max_cost=Cost(10, "EUR"))) == ["eur-3", "eur-5"]


def test_route_on_fixture_lists_accepting_lenders_and_refusals_with_all():
    request, borrower, _ = request_case(REQUESTS / "accept-loan.yaml")
    result = route(directory(), request, borrower, TODAY, with_refused=True)
    assert [lender.decision.lender.id for lender in result.lenders] == ["nl-noemail", "de-lender"]
    refused = {d.lender.id: d.refusals[0].rule for d in result.refused}
    assert refused["us-sleeper"] == "builtin:inactive"
    assert refused["au-onesided"] == "builtin:not-lending"
    assert refused["dk-nothing"] == "builtin:service"
    assert "us-borrow" not in refused
    quick = route(directory(), request, borrower, TODAY)
    assert [lender.as_json() for lender in quick.lenders] == [lender.as_json() for lender in result.lenders]
    assert set(result.as_json(with_refused=True)) == {"request", "lenders", "refused"}
    assert set(quick.as_json()) == {"request", "lenders"}


def test_route_table_prints_large_and_fractional_fees_as_plain_decimals():
    lenders = _directory(_lender("big", "FR", fee=123456789), _lender("cents", "FR", fee=7.5),
                         _lender("free", "FR"))
    result = route(lenders, _request(), lenders.institutions["borrower"], TODAY)
    fees = {line.split()[1]: line.split()[2:4] for line in result.as_text().splitlines()[2:]}
    assert fees == {"free": ["free", "5"], "cents": ["EUR", "7.50"], "big": ["EUR", "123456789"]}
