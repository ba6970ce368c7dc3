"""Partnerships: who lists whom, and whether requests flow each way, by which channel or why not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.decide import decide
from builder.model import Directory
from builder.partners import flow, graph, graph_text, partnerships, partnerships_text
from builder.records import load_records
from builder.requests import Cost, Request
from builder.route import route
from builder.validate import validate_loaded

from decisions_support import SAMPLE_RECORDS, TODAY, directory


def test_mutual_partners_with_both_directions():
    entry = partnerships(directory(), "us-borrow")
    assert [m["id"] for m in entry["mutual"]] == ["de-lender", "dk-nothing", "nl-noemail", "no-nolend", "us-sleeper"]
    by_id = {m["id"]: m for m in entry["mutual"]}
    assert by_id["de-lender"]["borrow"] == {"ok": True, "rule": None, "message": None, "channel": {
        "method": "iso18626", "symbol": "ISIL:DE-Lender", "url": "https://ill.de-lender.example/iso18626"}}
    assert by_id["no-nolend"]["borrow"]["rule"] == "builtin:not-lending"
    assert by_id["us-sleeper"]["lend"]["rule"] == "builtin:inactive"


def test_waiting_lists_say_who_has_not_listed_whom():
    assert partnerships(directory(), "au-onesided")["waiting_on_them"] == ["de-lender"]
    assert partnerships(directory(), "de-lender")["waiting_on_us"] == ["au-onesided"]


def test_other_narrows_to_one_partner():
    entry = partnerships(directory(), "de-lender", "fr-isoill")
    assert [m["id"] for m in entry["mutual"]] == ["fr-isoill"]
    assert entry["waiting_on_them"] == [] and entry["waiting_on_us"] == []


def test_email_reaches_a_lender_whose_own_protocol_the_borrower_lacks():
    lenders = directory().institutions
    reached = flow(directory(), lenders["fr-isoill"], lenders["de-lender"])
    assert reached.ok and reached.channel.method == "email"
    blocked = flow(directory(), lenders["fr-isoill"], lenders["nl-noemail"])
    assert blocked.refusal.rule == "builtin:channel"
    # The family names carry their own parentheses; the sentence puts none around them.
    assert blocked.refusal.message == (
        "Noemail University Library takes requests by ISO 18626 (Alma, ISO 18626 or ILLiad) only, and "
        "Isoill University Library has no such channel: its own channels use ISO ILL.")


def test_partnership_message_names_the_side_that_has_not_listed():
    lenders = directory().institutions
    refusal = flow(directory(), lenders["au-onesided"], lenders["de-lender"]).refusal
    assert refusal.rule == "builtin:partnership"
    assert refusal.message.startswith("Lender State Library has not listed Onesided University Library")


def test_graph_lists_each_mutual_pair_once_and_agrees_with_single_answers():
    document = graph(directory())
    pairs = [(p["a"], p["b"]) for p in document["partnerships"]]
    assert len(pairs) == len(set(pairs)) and all(a < b for a, b in pairs)
    by_pair = {(p["a"], p["b"]): p for p in document["partnerships"]}
    for entry in document["institutions"]:
        single = partnerships(directory(), entry["id"])
        assert entry["mutual"] == [m["id"] for m in single["mutual"]]
        for m in single["mutual"]:
            a, b = sorted((entry["id"], m["id"]))
            pair = by_pair[(a, b)]
            borrow = pair["a_to_b"] if entry["id"] == a else pair["b_to_a"]
            # The graph names the channel by its method; the single answer gives its settings.
            assert {**borrow, "channel": None} == {**m["borrow"], "channel": None}
            assert borrow["channel"] == (m["borrow"]["channel"] or {}).get("method")


def test_sample_directory_mutual_partners_that_cannot_reach_each_other():
    sample = directory(SAMPLE_RECORDS)
    entry = partnerships(sample, "de-auenfeld", "fr-valbrune")
    both = entry["mutual"][0]
    assert both["borrow"]["rule"] == both["lend"]["rule"] == "builtin:channel"


INVALID_TREES = sorted((Path(__file__).resolve().parent / "fixtures" / "invalid").glob("*/records"))


@pytest.mark.parametrize("root", INVALID_TREES, ids=lambda root: root.parent.name)
def test_records_kept_despite_errors_still_answer_every_question(root):
    """The answering commands keep records that failed only cross-record checks (an Alma channel
    with no code at all, a one-sided pod membership, a duplicate identifier...): every question
    about them must get an answer, not a crash."""
    valid = validate_loaded(load_records(root), TODAY).valid
    directory = Directory.from_records(valid)
    institutions = list(directory.institutions.values())
    for me in institutions:
        entry = partnerships(directory, me.id)
        assert entry["id"] == me.id
        for other in institutions:
            if other.id == me.id:
                continue
            assert partnerships(directory, me.id, other.id)["id"] == me.id
            request = Request(id="R", file="r.yaml", borrower=me.id, lender=other.id, service_type="CopyOrLoan",
                              publication_type="Book", title="T", publication_date="2001",
                              need_before=dt.date(2027, 1, 1), max_cost=Cost(1, "EUR"))
            assert decide(directory, request, me, other, TODAY).decision in {"accept", "unfilled", "retry"}
        route(directory, Request(id="R", file="r.yaml", borrower=me.id, lender=None, service_type="Copy",
                                 publication_type="Article", title="T"), me, TODAY, with_refused=True)
    graph(directory)


def test_alma_channel_without_any_code_is_kept_and_answered():
    root = Path(__file__).resolve().parent / "fixtures" / "invalid" / "alma-code-missing" / "records"
    directory = Directory.from_records(validate_loaded(load_records(root), TODAY).valid)
    # The record without a code is still in the directory; the one with identifiers.alma resolves.
    assert set(directory.institutions) == {"de-acme", "de-identified"}
    assert directory.resolve("ALMA:49DE_ID").id == "de-identified"


def test_pair_that_has_not_listed_each_other_says_so():
    entry = partnerships(directory(), "fr-isoill", "us-borrow")
    assert entry["mutual"] == [] and entry["waiting_on_them"] == [] and entry["waiting_on_us"] == []
    assert entry["not_mutual"] == {
        "rule": "builtin:partnership", "reason": "PolicyProblem",
        "message": "Borrow College Library and Isoill University Library have not listed each other as partners."}


def test_one_sided_pair_names_the_side_that_has_not_listed_the_other():
    waiting = partnerships(directory(), "au-onesided", "de-lender")
    assert waiting["waiting_on_them"] == ["de-lender"]
    assert waiting["not_mutual"]["message"].startswith("Lender State Library has not listed Onesided University")
    listed = partnerships(directory(), "de-lender", "au-onesided")
    assert listed["waiting_on_us"] == ["au-onesided"]
    assert listed["not_mutual"]["message"].startswith("Lender State Library has not listed Onesided University")
    assert partnerships(directory(), "de-lender", "fr-isoill")["not_mutual"] is None
    assert "not_mutual" not in partnerships(directory(), "de-lender")


def test_oclc_symbols_resolve_whatever_their_case():
    for reference in ("OCLC:USBRW", "OCLC:usbrw", "oclc:UsBrW"):
        assert directory().resolve(reference).id == "us-borrow"


def test_text_names_each_direction_by_the_arrows_of_its_table():
    entry = partnerships(directory(), "us-borrow")
    text = partnerships_text(entry, {})
    assert text.splitlines()[2].split() == ["partner", "us-borrow", "->", "partner", "partner", "->", "us-borrow"]
    assert "us-borrow -> no-nolend: " in text and "us-sleeper -> us-borrow: " in text
    assert "(borrow)" not in text and "(lend)" not in text


def test_graph_text_counts_in_the_singular_and_the_plural():
    document = graph(directory())
    waiting = [entry for entry in document["institutions"] if entry["waiting_on_them"]]
    one = {**document, "institutions": waiting[:1], "partnerships": document["partnerships"][:1]}
    assert "1 mutual partnership; 1 institution lists partners that have not listed it back" in graph_text(one)
    two = {**document, "institutions": waiting[:1] * 2}
    assert (f"{len(document['partnerships'])} mutual partnerships; 2 institutions list partners that have not "
            "listed them back") in graph_text(two)
