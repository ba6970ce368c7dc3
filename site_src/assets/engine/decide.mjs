/*
 * The decision on one request (builder/decide.py): the ordered checks of the specification, each
 * a small function. Every check returns null when the request passes it, or a `Refusal`. The
 * first refusal decides; the later ones are reported as `also`, so the borrower sees everything
 * to fix at once. A check whose data is missing (a lender without `lending`, a request without
 * `need_before`) passes.
 */

import { daysBetween, yearOf } from "./days.mjs";
import { codeName, say } from "./messages.mjs";
import { COPY, LOAN } from "./model.mjs";
import { formatDay, formatMoney } from "./formats.mjs";
import { isZero, numberText, plain } from "./numbers.mjs";
import * as pair from "./partners.mjs";
import { RETRY, Refusal, UNFILLED } from "./partners.mjs";
import { codesInWords, requestsInWords } from "./wording.mjs";

export const ACCEPT = "accept";
export const COPY_OR_LOAN = "CopyOrLoan";

/** A request on its way from a borrower to one lender, on one day. */
class Case {
  constructor(directory, request, borrower, lender, day) {
    Object.assign(this, { directory, request, borrower, lender, day });
    this.serviceType = this.chooseService();
    this.service = lender.terms === null ? null : lender.terms.service(this.serviceType);
  }

  /** `Loan` or `Copy`; "copy or loan" becomes a loan when the lender lends that kind of item. */
  chooseService() {
    if (this.request.service_type !== COPY_OR_LOAN) return this.request.service_type;
    const terms = this.lender.terms;
    if (terms === null) return LOAN;
    if (terms.loan !== null && terms.loan.publicationTypes.has(this.request.publication_type)) return LOAN;
    // No loan of this kind: a copy if copies are offered at all, else the loan section decides
    // (and says the publication type is not lent).
    return terms.copy !== null || terms.loan === null ? COPY : LOAN;
  }
}

/** The codes a lender allows, in the words of the rules: "Book, MusicScore or Thesis". */
function listing(values) {
  return codesInWords([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A check about the two libraries only (steps 1 to 4), shared with `partners`. */
function pairCheck(check) {
  return Object.defineProperty((theCase) => check(theCase.directory, theCase.borrower, theCase.lender),
    "name", { value: check.name });
}

/** The lender takes no requests on a day it is closed (whole local days, both ends included). */
function checkClosure(theCase) {
  const terms = theCase.lender.terms;
  const closure = terms === null ? null : terms.closureOn(theCase.day);
  if (closure === null) return null;
  // Worded without the day after the closure: a closure may run to the last day of the calendar.
  return new Refusal(RETRY, "NotCurrentAvailableForILL", "builtin:closure",
    say(closure.note ? "refusal.closure-with-note" : "refusal.closure",
      { lender: theCase.lender.name, start: formatDay(closure.start), end: formatDay(closure.end), note: closure.note }));
}

/** The lender offers the service asked for; if it offers only the other one, ask for that. */
function checkService(theCase) {
  const terms = theCase.lender.terms;
  if (terms === null || theCase.service !== null) return null;
  const other = theCase.serviceType === LOAN ? COPY : LOAN;
  if (terms.service(other) !== null) {
    return new Refusal(RETRY, "ReqServTypeNotPossible", "builtin:service",
      say(other === COPY ? "refusal.service-copies-only" : "refusal.service-loans-only", { lender: theCase.lender.name }));
  }
  return new Refusal(UNFILLED, "NotAvailableForILL", "builtin:service", say("refusal.service-none", { lender: theCase.lender.name }));
}

/** The lender supplies this kind of publication under the service asked for. */
function checkPublicationType(theCase) {
  const service = theCase.service;
  if (service === null || service.publicationTypes.has(theCase.request.publication_type)) return null;
  return new Refusal(UNFILLED, "NotAvailableForILL", "builtin:publication-type",
    say(`refusal.publication-type-${service.name.toLowerCase()}`, {
      lender: theCase.lender.name, types: listing(service.publicationTypes), asked: codeName(theCase.request.publication_type),
    }));
}

// --- the lender's own rules -------------------------------------------------------------------

function publishedWithin(theCase, years) {
  const year = theCase.request.publicationYear;
  // Written without subtracting from `years`, which may be an integer beyond 2**53 (a BigInt).
  return year !== null && yearOf(theCase.day) - year <= years;
}

function publishedBefore(theCase, year) {
  const published = theCase.request.publicationYear;
  return published !== null && published < year;
}

function neededWithin(theCase, days) {
  const needBefore = theCase.request.need_before;
  return needBefore !== null && daysBetween(theCase.day, needBefore) <= days;
}

function pagesOver(theCase, pages) {
  // Pages only make sense for copies (the field's meaning in the schema).
  return theCase.serviceType === COPY && theCase.request.pages !== null && theCase.request.pages > pages;
}

function maxCostBelow(theCase, amount) {
  // The amount is in the lending currency; a maximum in another currency cannot be compared, so
  // the condition does not hold (the cost check still compares fees and currencies).
  const maxCost = theCase.request.max_cost;
  const terms = theCase.lender.terms;
  return maxCost !== null && terms !== null && maxCost.currency === terms.currency && maxCost.amount < amount;
}

const CONDITIONS = new Map([
  ["service_type", (theCase, wanted) => theCase.serviceType === wanted],
  ["publication_type", (theCase, wanted) => wanted.includes(theCase.request.publication_type)],
  ["item_format", (theCase, wanted) => wanted.includes(theCase.request.item_format)],
  ["published_within_years", publishedWithin],
  ["published_before", publishedBefore],
  ["requester_country", (theCase, wanted) => wanted.includes(theCase.borrower.country)],
  ["service_level", (theCase, wanted) => wanted.includes(theCase.request.service_level)],
  ["need_before_within_days", neededWithin],
  ["pages_over", pagesOver],
  ["max_cost_below", maxCostBelow],
]);

/** Every condition holds, and the borrower is not exempted by id or by confirmed pod. */
export function ruleMatches(theCase, rule) {
  const conditions = rule.conditions;
  if (conditions.length === 0) return false;
  for (const [name, value] of conditions) if (!CONDITIONS.get(name)?.(theCase, value)) return false;
  if (rule.exemptRequesters.has(theCase.borrower.id)) return false;
  return !theCase.directory.inSharedPod(theCase.borrower.id, rule.exemptPods);
}

/** The lender's rules, in its order; the first that matches decides. */
function checkRules(theCase) {
  const terms = theCase.lender.terms;
  if (terms === null || theCase.service === null) return null;
  let rule;
  for (const candidate of terms.rules) {
    if (ruleMatches(theCase, candidate)) {
      rule = candidate;
      break;
    }
  }
  if (rule === undefined) return null;
  return new Refusal(rule.outcome, rule.reason, `rule:${rule.id}`,
    say(rule.note ? "refusal.rule-with-note" : "refusal.rule", {
      lender: theCase.lender.name, requests: requestsInWords(rule.when, terms.currency), rule: rule.id, note: rule.note,
    }));
}

// --- terms of the service ---------------------------------------------------------------------

/** A lender without a list takes anything, and a request that asks for nothing fits any list. */
function offers(offered, asked) {
  return offered === null || asked === null || offered.has(asked);
}

/** The lender serves the service level asked for (a lender without a list serves all). */
function checkServiceLevel(theCase) {
  const terms = theCase.lender.terms;
  const level = theCase.request.service_level;
  if (terms === null || offers(terms.serviceLevels, level)) return null;
  return new Refusal(RETRY, "ReqServLevelNotSupp", "builtin:service-level",
    say("refusal.service-level", { lender: theCase.lender.name, levels: listing(terms.serviceLevels), asked: codeName(level) }));
}

/** The lender delivers this service by the method asked for (no list: any method). */
function checkDeliveryMethod(theCase) {
  const service = theCase.service;
  const method = theCase.request.delivery_method;
  if (service === null || offers(service.deliveryMethods, method)) return null;
  return new Refusal(RETRY, "ReqDelMethodNotSupp", "builtin:delivery-method",
    say(`refusal.delivery-method-${service.name.toLowerCase()}`,
      { lender: theCase.lender.name, methods: listing(service.deliveryMethods), asked: codeName(method) }));
}

/** The lender accepts the payment method offered (no list: any method). */
function checkPaymentMethod(theCase) {
  const terms = theCase.lender.terms;
  const method = theCase.request.payment_method;
  if (terms === null || offers(terms.paymentMethods, method)) return null;
  return new Refusal(RETRY, "ReqPayMethodNotSupported", "builtin:payment-method",
    say("refusal.payment-method", { lender: theCase.lender.name, methods: listing(terms.paymentMethods), asked: codeName(method) }));
}

/** The fee fits the borrower's maximum cost; a fee in another currency cannot be said to fit. */
function checkCost(theCase) {
  const service = theCase.service;
  const maxCost = theCase.request.max_cost;
  if (service === null || maxCost === null || isZero(service.fee)) return null;
  const currency = theCase.lender.terms.currency;
  const fee = formatMoney(service.fee, currency);
  const kind = service.name.toLowerCase();
  if (currency !== maxCost.currency) {
    return new Refusal(RETRY, "CostExceedsMaxCost", "builtin:cost", say(`refusal.cost-currency-${kind}`,
      { lender: theCase.lender.name, fee, max_currency: maxCost.currency, currency }));
  }
  if (plain(service.fee) <= plain(maxCost.amount)) return null;
  return new Refusal(RETRY, "CostExceedsMaxCost", "builtin:cost", say(`refusal.cost-over-${kind}`,
    { lender: theCase.lender.name, fee, max_cost: formatMoney(maxCost.amount, maxCost.currency) }));
}

/** The lender can answer before the item is no longer needed (without `days_to_respond`, the
 *  request date itself is the earliest answer). */
function checkNeedBefore(theCase) {
  const terms = theCase.lender.terms;
  const needBefore = theCase.request.need_before;
  if (terms === null || needBefore === null) return null;
  const days = terms.daysToRespond === null || isZero(terms.daysToRespond) ? 0 : terms.daysToRespond;
  // Days between the two dates rather than the request date plus `days`: that sum does not exist
  // for a request dated at the end of the calendar (9999-12-31).
  if (daysBetween(theCase.day, needBefore) >= days) return null;
  return new Refusal(RETRY, "ReqDelDateNotPossible", "builtin:need-before", say("refusal.need-before", {
    lender: theCase.lender.name, days: numberText(days), day: formatDay(theCase.day), need_before: formatDay(needBefore),
  }));
}

// The order of the specification's "Decisions"; the first refusal decides.
export const CHECKS = [
  pairCheck(pair.checkActive),         // 1 builtin:inactive
  pairCheck(pair.checkLending),        // 1 builtin:not-lending
  pairCheck(pair.checkPartnership),    // 2 builtin:partnership
  pairCheck(pair.checkChannel),        // 3 builtin:channel
  pairCheck(pair.checkCountry),        // 4 builtin:country
  checkClosure,                        // 5 builtin:closure
  checkService,                        // 6 builtin:service
  checkPublicationType,                // 7 builtin:publication-type
  checkRules,                          // 8 rule:<id>
  checkServiceLevel,                   // 9 builtin:service-level
  checkDeliveryMethod,                 // 9 builtin:delivery-method
  checkPaymentMethod,                  // 9 builtin:payment-method
  checkCost,                           // 10 builtin:cost
  checkNeedBefore,                     // 11 builtin:need-before
];

/** A number as `rsdir` prints it in JSON: a whole amount as an integer, digits however large
 *  (as a `JSON.rawJSON` value when no JavaScript number holds it exactly). */
export function jsonNumber(number) {
  const value = plain(number);
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : JSON.rawJSON(String(value));
  if (!Number.isInteger(value) || Number.isSafeInteger(value)) return Object.is(value, -0) ? 0 : value;
  return JSON.rawJSON(BigInt(value).toString());
}

export class Decision {
  constructor(fields) {
    Object.assign(this, fields);
  }

  get accepted() {
    return this.refusals.length === 0;
  }

  get decision() {
    return this.accepted ? ACCEPT : this.refusals[0].decision;
  }

  get message() {
    if (!this.accepted) return this.refusals[0].message;
    const key = `accept.${this.serviceType.toLowerCase()}-${isZero(this.fee) ? "free" : "fee"}`;
    return say(key, { lender: this.lender.name, borrower: this.borrower.name, method: this.channel.method,
      fee: formatMoney(this.fee, this.currency) });
  }

  feeJson() {
    return this.accepted ? { amount: jsonNumber(this.fee), currency: this.currency } : null;
  }

  /** The object `rsdir check --format json` prints for the request, without `file`. */
  asJson() {
    const first = this.refusals[0] ?? null;
    return {
      request: this.request.id, borrower: this.borrower.id, lender: this.lender.id,
      decision: this.decision,
      reason: first === null ? null : first.reason,
      rule: first === null ? null : first.rule,
      message: this.message,
      also: this.refusals.slice(1).map((refusal) => refusal.asJson()),
      service_type: this.serviceType,
      channel: this.accepted ? this.channel.asJson() : null,
      fee: this.feeJson(),
    };
  }
}

/** The decision on `request` sent to `lender`; the request's own `date` wins over `today`. */
export function decide(directory, request, borrower, lender, today) {
  const theCase = new Case(directory, request, borrower, lender, request.date ?? today);
  const refusals = [];
  for (const check of CHECKS) {
    const refusal = check(theCase);
    if (refusal !== null) refusals.push(refusal);
  }
  const accepted = refusals.length === 0;
  return new Decision({
    request, borrower, lender, day: theCase.day, serviceType: theCase.serviceType, refusals,
    channel: accepted ? pair.usableChannel(borrower, lender) : null,
    fee: accepted ? theCase.service.fee : null,
    currency: accepted && lender.terms !== null ? lender.terms.currency : null,
  });
}
