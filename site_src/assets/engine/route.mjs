/*
 * Every lender that would accept a request, best first, reusing the decision checks
 * (builder/route.py). Ranking: a confirmed pod shared with the borrower first, then the lower
 * fee, fewer days to respond, a lender in the borrower's country, and the id. Fees are never
 * converted: a free lender ranks first, paid fees in the currency of the request's `max_cost`
 * come before the others, which are grouped by currency code, each group by amount. A lender
 * that does not state `days_to_respond` ranks after those that do.
 */

import { decide, jsonNumber } from "./decide.mjs";
import { isZero, plain } from "./numbers.mjs";

function rankKey(decision, sharedPods, borrower, referenceCurrency) {
  const fee = decision.fee === null || isZero(decision.fee) ? null : plain(decision.fee);
  const currency = decision.currency ?? "";
  const feeKey = fee === null ? [0, 0, "", 0] : [1, currency !== referenceCurrency ? 1 : 0, currency, fee];
  const days = decision.lender.terms.daysToRespond;
  return [sharedPods.length === 0 ? 1 : 0, ...feeKey, days === null ? 1 : 0, days === null ? 0 : plain(days),
    decision.lender.country !== borrower.country ? 1 : 0, decision.lender.id];
}

function compareKeys(first, second) {
  for (let n = 0; n < first.length; n++) {
    if (first[n] < second[n]) return -1;
    if (second[n] < first[n]) return 1;
  }
  return 0;
}

function rankedJson({ decision, sharedPods }) {
  const lender = decision.lender;
  const days = lender.terms.daysToRespond;
  return { id: lender.id, name: lender.name, fee: decision.feeJson(),
    days_to_respond: days === null ? null : jsonNumber(days), channel: decision.channel.asJson(), shared_pods: sharedPods };
}

/** The `rsdir route` object: every accepting lender, best first; with `all`, the decisions of
 *  every other lender under `refused`, by id.
 *
 *  Only mutual partners can accept, so without `all` only they are asked: the same answer,
 *  without deciding for thousands of libraries that are refused at the partnership step. */
export function route(directory, request, borrower, today, { all = false } = {}) {
  const lenders = all
    ? [...directory.institutions.values()].filter((lender) => lender.id !== borrower.id)
    : directory.mutualPartners(borrower.id).map((id) => directory.institutions.get(id));
  const reference = request.max_cost === null ? null : request.max_cost.currency;
  const accepted = [];
  const refused = [];
  for (const lender of lenders) {
    const decision = decide(directory, request, borrower, lender, today);
    if (decision.accepted) {
      const sharedPods = directory.sharedPods(borrower.id, lender.id);
      accepted.push({ decision, sharedPods, key: rankKey(decision, sharedPods, borrower, reference) });
    } else {
      refused.push(decision);
    }
  }
  accepted.sort((first, second) => compareKeys(first.key, second.key));
  const document = { request: request.id, lenders: accepted.map(rankedJson) };
  if (all) document.refused = refused.map((decision) => decision.asJson());
  return document;
}
