"""Partnerships: who lists whom, and whether requests flow each way, by which channel or why not."""

from __future__ import annotations

from builder.partners import flow, graph, partnerships

from decisions_support import SAMPLE_RECORDS, directory


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
    assert "Noemail University Library takes requests by ISO 18626" in blocked.refusal.message


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
