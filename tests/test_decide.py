"""Decisions: every check and every rule condition, each with a request file that trips it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from builder.decide import CHECKS, decide
from builder.money import format_money
from builder.requests import Cost

from decisions_support import REQUESTS, TODAY, directory, expectation, request_case

REQUEST_FILES = sorted(REQUESTS.glob("*.yaml"))


@pytest.mark.parametrize("path", REQUEST_FILES, ids=lambda p: p.stem)
def test_fixture_request_gets_expected_decision(path):
    request, borrower, lender = request_case(path)
    decision = decide(directory(), request, borrower, lender, TODAY).as_json()
    assert (decision["decision"], decision["reason"], decision["rule"]) == expectation(path)


def test_every_builtin_check_and_rule_condition_has_a_fixture():
    rules = {expectation(p)[2] for p in REQUEST_FILES}
    builtin = {f"builtin:{name}" for name in ("inactive", "not-lending", "partnership", "channel", "country",
                                              "closure", "service", "publication-type", "service-level",
                                              "delivery-method", "payment-method", "cost", "need-before")}
    assert builtin <= rules
    conditions = {"service_type", "publication_type", "item_format", "published_within_years",
                  "published_before", "requester_country", "service_level", "need_before_within_days",
                  "pages_over", "max_cost_below"}
    used = {name for rule in directory().institutions["de-lender"].terms.rules for name in rule.when}
    assert conditions == used


def test_checks_run_in_the_specification_order():
    names = [check.__name__ for check in CHECKS]
    assert names == ["check_active", "check_lending", "check_partnership", "check_channel", "check_country",
                     "check_closure", "check_service", "check_publication_type", "check_rules",
                     "check_service_level", "check_delivery_method", "check_payment_method", "check_cost",
                     "check_need_before"]


def _case(name: str, **changes):
    request, borrower, lender = request_case(REQUESTS / f"{name}.yaml")
    return dataclasses.replace(request, **changes), borrower, lender


def test_later_failures_are_listed_as_also_in_order():
    request, borrower, lender = _case("accept-loan", delivery_method="Courier", payment_method="Paypal",
                                      need_before=dt.date(2026, 12, 2))
    decision = decide(directory(), request, borrower, lender, TODAY).as_json()
    assert decision["rule"] == "rule:r-need-before"
    assert [a["rule"] for a in decision["also"]] == ["builtin:delivery-method", "builtin:payment-method",
                                                     "builtin:need-before"]
    assert decision["channel"] is None and decision["fee"] is None


def test_accepted_copy_reports_channel_fee_and_chosen_service():
    request, borrower, lender = request_case(REQUESTS / "accept-copy-or-loan-as-copy.yaml")
    decision = decide(directory(), request, borrower, lender, TODAY).as_json()
    assert decision["service_type"] == "Copy"
    assert decision["fee"] == {"amount": 4.5, "currency": "EUR"}
    assert decision["channel"]["method"] == "iso18626"
    assert decision["also"] == []


@pytest.mark.parametrize("day, closed", [("2026-12-23", False), ("2026-12-24", True), ("2026-12-26", True),
                                         ("2026-12-27", False)])
def test_closure_covers_whole_days_from_first_to_last(day, closed):
    request, borrower, lender = _case("accept-loan", date=dt.date.fromisoformat(day))
    decision = decide(directory(), request, borrower, lender, TODAY)
    assert (decision.decision == "retry") is closed


def test_request_date_wins_over_today_and_today_is_used_without_one():
    request, borrower, lender = _case("closure")
    assert decide(directory(), request, borrower, lender, dt.date(2027, 3, 1)).decision == "retry"
    undated = dataclasses.replace(request, date=None)
    assert decide(directory(), undated, borrower, lender, dt.date(2027, 3, 1)).decision == "accept"
    assert decide(directory(), undated, borrower, lender, dt.date(2026, 12, 25)).decision == "retry"


def test_request_without_a_publication_year_matches_no_age_rule():
    request, borrower, lender = _case("rule-published-before", publication_date="undated")
    assert decide(directory(), request, borrower, lender, TODAY).decision == "accept"


def test_max_cost_in_another_currency_does_not_match_max_cost_below():
    request, borrower, lender = _case("rule-service-level-max-cost-below", max_cost=Cost(10, "USD"))
    decision = decide(directory(), request, borrower, lender, TODAY)
    # The rule cannot compare USD with EUR; the cost check then refuses the EUR fee.
    assert decision.refusals[0].rule == "builtin:cost"


def test_pages_over_applies_to_copies_only():
    request, borrower, lender = _case("accept-loan", pages=400)
    assert decide(directory(), request, borrower, lender, TODAY).decision == "accept"


def test_messages_name_the_institution_and_the_limit():
    request, borrower, lender = request_case(REQUESTS / "country.yaml")
    message = decide(directory(), request, borrower, lender, TODAY).message
    assert message == ("Lender State Library lends to Germany, United States, United Kingdom, Sweden, France, "
                       "Netherlands, Canada and Australia only; Far East University Library is in Japan.")
    request, borrower, lender = request_case(REQUESTS / "country-excluded.yaml")
    message = decide(directory(), request, borrower, lender, TODAY).message
    assert message == "Noemail University Library does not lend to Japan, where Far East University Library is."
    request, borrower, lender = request_case(REQUESTS / "partnership.yaml")
    message = decide(directory(), request, borrower, lender, TODAY).message
    assert "Lender State Library has not listed Onesided University Library" in message
    request, borrower, lender = request_case(REQUESTS / "cost.yaml")
    assert "EUR 4.50" in decide(directory(), request, borrower, lender, TODAY).message


def test_closure_to_the_end_of_the_calendar_is_worded_without_the_next_day():
    request, borrower, lender = _case("closure", date=dt.date(9999, 12, 31))
    closed = dataclasses.replace(lender, record={**lender.record, "lending": {
        **lender.record["lending"], "closures": [{"from": "2026-01-01", "to": "9999-12-31", "note": "Gone."}]}})
    refusal = decide(directory(), request, borrower, closed, TODAY).refusals[0]
    assert refusal.rule == "builtin:closure"
    assert refusal.message == ("Lender State Library is closed from 2026-01-01 to 9999-12-31, both days included; "
                               "send the request again after 9999-12-31. Its note: Gone.")


def test_need_before_at_the_end_of_the_calendar_is_compared_in_days():
    late = dt.date(9999, 12, 31)
    request, borrower, lender = _case("need-before", date=late, need_before=late)
    refusal = decide(directory(), request, borrower, lender, TODAY).refusals[-1]
    assert refusal.rule == "builtin:need-before"
    assert "of the request date (9999-12-31); the request is needed before 9999-12-31" in refusal.message
    request, borrower, lender = _case("need-before", date=dt.date(9999, 12, 20), need_before=late)
    assert decide(directory(), request, borrower, lender, TODAY).decision == "accept"


@pytest.mark.parametrize("amount, text", [(1234567, "EUR 1234567"), (1234567.0, "EUR 1234567"), (5, "EUR 5"),
                                          (7.5, "EUR 7.50"), (7.1, "EUR 7.10"), (1e20, "EUR 1" + "0" * 20),
                                          (4.999, "EUR 5"), (0.5, "EUR 0.50")])
def test_money_is_a_plain_decimal_with_cents_only_when_there_are_some(amount, text):
    assert format_money(amount, "EUR") == text
    assert format_money(amount, None) == text.removeprefix("EUR ")


def test_large_fees_and_costs_are_never_in_scientific_notation():
    request, borrower, lender = _case("cost", max_cost=Cost(25000000, "EUR"))
    terms = lender.record["lending"]
    costly = dataclasses.replace(lender, record={**lender.record, "lending": {
        **terms, "copy": {**terms["copy"], "fee": 123456789}}})
    message = decide(directory(), request, borrower, costly, TODAY).message
    assert "charges EUR 123456789 per copy, more than the maximum cost of EUR 25000000." in message
    assert "e+" not in message


def test_lists_of_allowed_values_read_like_the_rules():
    request, borrower, lender = request_case(REQUESTS / "publication-type.yaml")
    refusal = decide(directory(), request, borrower, lender, TODAY).refusals[0]
    assert refusal.rule == "builtin:publication-type"
    allowed = sorted(lender.terms.service(decide(directory(), request, borrower, lender, TODAY).service_type)
                     .publication_types)
    assert len(allowed) >= 2
    assert f"{', '.join(allowed[:-1])} or {allowed[-1]} only" in refusal.message


def test_accept_message_keeps_the_fee_apart_from_the_channel():
    request, borrower, lender = request_case(REQUESTS / "accept-loan.yaml")
    decision = decide(directory(), request, borrower, lender, TODAY)
    assert decision.accepted and decision.message.endswith(f": send it by {decision.channel.method}; no fee.")
    terms = lender.record["lending"]
    paid = dataclasses.replace(lender, record={**lender.record, "lending": {
        **terms, "loan": {**terms["loan"], "fee": 5}}})
    decision = decide(directory(), request, borrower, paid, TODAY)
    assert decision.accepted
    assert decision.message.endswith(f": send it by {decision.channel.method}; fee: {format_money(5, paid.terms.currency)}.")


@pytest.mark.parametrize("name", ["publication-type", "rule-requester-country-publication-type", "service-level",
                                  "delivery-method", "payment-method"])
def test_codes_in_a_sentence_are_named_in_the_readers_words(name):
    """In German, French and Spanish a sentence names an ISO 18626 code by its plain words
    (`Book`: Buch); in English, the command line's language, it keeps the code."""
    from builder.wording import code_names

    request, borrower, lender = request_case(REQUESTS / f"{name}.yaml")
    english = decide(directory(), request, borrower, lender, TODAY).refusals[0].message
    named = [code for code in code_names("de") if re.search(rf"\b{code}\b", english)]
    assert named, english
    for lang in ("de", "fr", "es"):
        said = decide(directory(), request, borrower, lender, TODAY, lang).refusals[0].message
        assert [code for code in named if code in code_names(lang) and code_names(lang)[code] not in said] == [], said
