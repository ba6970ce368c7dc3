/*
 * Whether requests can flow from one library to another, by which channel, or the first reason
 * not (builder/partners.py). These are the checks that depend only on the two libraries (steps
 * 1 to 4 of the decisions), so `partners` and `check` give the same answer for the same pair.
 */

import { countryName, familyName, say } from "./messages.mjs";
import { countriesInWords, joinWords } from "./wording.mjs";

export const UNFILLED = "unfilled";
export const RETRY = "retry";

/** Why a request would not be accepted: ISO 18626 outcome, reason code, deciding check, a sentence. */
export class Refusal {
  constructor(decision, reason, rule, message) {
    Object.assign(this, { decision, reason, rule, message });
  }

  asJson() {
    return { rule: this.rule, reason: this.reason, message: this.message };
  }
}

function sortedWords(words) {
  return [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The lender's first channel the borrower can use: email, or a family the borrower speaks. */
export function usableChannel(borrower, lender) {
  return lender.channelFor(borrower.families);
}

/** Inactive libraries take part in no exchange; a library may also choose not to borrow. */
export function checkActive(directory, borrower, lender) {
  for (const side of [lender, borrower]) {
    if (!side.active) {
      return new Refusal(UNFILLED, "NotAvailableForILL", "builtin:inactive", say("refusal.inactive", { library: side.name }));
    }
  }
  if (!borrower.borrowingEnabled) {
    return new Refusal(UNFILLED, "NotAvailableForILL", "builtin:inactive",
      say("refusal.borrowing-off", { borrower: borrower.name }));
  }
  return null;
}

/** A library without a `lending` section lends nothing. */
export function checkLending(directory, borrower, lender) {
  if (lender.terms === null) {
    return new Refusal(UNFILLED, "NotAvailableForILL", "builtin:not-lending", say("refusal.not-lending", { lender: lender.name }));
  }
  return null;
}

/** Both libraries must list each other (directly or through a pod entry). */
export function checkPartnership(directory, borrower, lender) {
  const lenderLists = directory.lists(lender.id, borrower.id);
  const borrowerLists = directory.lists(borrower.id, lender.id);
  if (lenderLists && borrowerLists) return null;
  const key = !lenderLists && !borrowerLists ? "refusal.partnership-neither"
    : !lenderLists ? "refusal.partnership-lender-missing" : "refusal.partnership-borrower-missing";
  return new Refusal(UNFILLED, "PolicyProblem", "builtin:partnership", say(key, { lender: lender.name, borrower: borrower.name }));
}

/** The borrower must be able to use one of the lender's request channels. */
export function checkChannel(directory, borrower, lender) {
  if (usableChannel(borrower, lender) !== null) return null;
  if (lender.channels.length === 0) {
    // An active library without channels fails a cross-record check, yet its record still answers.
    return new Refusal(UNFILLED, "PolicyProblem", "builtin:channel", say("refusal.channel-none-listed", { lender: lender.name }));
  }
  const theirs = joinWords(sortedWords(new Set(lender.channels.map((channel) => familyName(channel.family)))));
  const ours = joinWords(sortedWords([...borrower.families].map(familyName)), "and");
  // The family names carry their own parentheses, so the sentence puts none around them.
  const key = ours ? "refusal.channel-other-family" : "refusal.channel-borrower-has-none";
  return new Refusal(UNFILLED, "PolicyProblem", "builtin:channel",
    say(key, { lender: lender.name, borrower: borrower.name, theirs, ours }));
}

/** The lender lends to the borrower's country. */
export function checkCountry(directory, borrower, lender) {
  const terms = lender.terms;
  if (terms === null || terms.lendsTo(borrower.country)) return null;
  const excluded = terms.excludedCountries.has(borrower.country);
  return new Refusal(UNFILLED, "PolicyProblem", "builtin:country", say(excluded ? "refusal.country-excluded" : "refusal.country-not-listed", {
    lender: lender.name, borrower: borrower.name, country: countryName(borrower.country),
    countries: excluded ? "" : countriesInWords(terms.listedCountries),
  }));
}

// Steps 1 to 4 of the decisions, in the specification's order.
export const PAIR_CHECKS = [checkActive, checkLending, checkPartnership, checkChannel, checkCountry];

export function firstRefusal(directory, borrower, lender, checks = PAIR_CHECKS) {
  for (const check of checks) {
    const refusal = check(directory, borrower, lender);
    if (refusal !== null) return refusal;
  }
  return null;
}

/** One direction of a partnership as `{ok, channel, rule, message}`. */
export function directionJson(refusal, channel) {
  if (refusal !== null) return { ok: false, channel: null, rule: refusal.rule, message: refusal.message };
  // The channel says everything about a working direction; a message is for a refusal.
  return { ok: true, channel, rule: null, message: null };
}

/** Whether `borrower` can send requests to `lender`, and how, as `{ok, channel, rule, message}`. */
export function flowJson(directory, borrower, lender) {
  const refusal = firstRefusal(directory, borrower, lender);
  return directionJson(refusal, refusal === null ? usableChannel(borrower, lender)?.asJson() ?? null : null);
}

/** The `rsdir partners ID [OTHER]` object: mutual partners with both directions, and who waits.
 *  With `other`, every list is narrowed to that library, and `not_mutual` says why the two are
 *  not mutual partners (null when they are). */
export function partnerships(directory, institutionId, other = null) {
  const keep = (ids) => ids.filter((id) => other === null || id === other);
  const me = directory.institutions.get(institutionId);
  const mutual = keep(directory.mutualPartners(institutionId)).map((partnerId) => {
    const partner = directory.institutions.get(partnerId);
    return { id: partnerId, borrow: flowJson(directory, me, partner), lend: flowJson(directory, partner, me) };
  });
  const entry = {
    id: institutionId, mutual,
    waiting_on_them: keep(directory.waitingOnThem(institutionId)),
    waiting_on_us: keep(directory.waitingOnUs(institutionId)),
  };
  if (other !== null) {
    entry.not_mutual = checkPartnership(directory, me, directory.institutions.get(other))?.asJson() ?? null;
  }
  return entry;
}
