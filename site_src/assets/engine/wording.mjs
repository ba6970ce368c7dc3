/* Directory data in the words a librarian reads (builder/wording.py). */

import { formatMoney, joinList } from "./formats.mjs";
import { codeName, countryName, say } from "./messages.mjs";
import { numberText } from "./numbers.mjs";

/** `a`, `a or b`, `a, b or c` (`last` is "or" or "and"), as lists are written in the language. */
export function joinWords(words, last = "or") {
  return joinList([...words], last);
}

export function countriesInWords(codes) {
  return joinWords([...codes].map(countryName), "and");
}

/** `Book or Thesis` in English, `Buch oder Hochschulschrift` in German. */
export function codesInWords(codes) {
  return joinWords([...codes].map(codeName));
}

// Each condition of a rule as the words that narrow "requests", in the order they read best.
const CONDITION_WORDS = [
  ["publication_type", (value) => say("rule.publication-type", { types: codesInWords(value) })],
  ["item_format", (value) => say("rule.item-format", { formats: codesInWords(value) })],
  ["published_within_years", (value) => say("rule.published-within-years", { years: numberText(value) })],
  ["published_before", (value) => say("rule.published-before", { year: numberText(value) })],
  ["requester_country", (value) => say("rule.requester-country", { countries: countriesInWords(value) })],
  ["service_level", (value) => say("rule.service-level", { levels: codesInWords(value) })],
  ["need_before_within_days", (value) => say("rule.need-before-within-days", { days: numberText(value) })],
  ["pages_over", (value) => say("rule.pages-over", { pages: numberText(value) })],
  ["max_cost_below", (value, currency) => say("rule.max-cost-below", { amount: formatMoney(value, currency) })],
];
const RULE_SERVICES = new Map([["Loan", "rule.requests-loan"], ["Copy", "rule.requests-copy"]]);

/** The requests a rule's conditions describe: "loan requests for Book published in the last 2 years". */
export function requestsInWords(when, currency) {
  const service = say(RULE_SERVICES.get(when.service_type) ?? "rule.requests-any");
  return [service, ...CONDITION_WORDS.filter(([name]) => Object.hasOwn(when, name)).map(([name, words]) => words(when[name], currency))]
    .join(" ");
}
