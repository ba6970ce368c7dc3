/*
 * The checks of builder/crosschecks.py that one profile can be put through in the browser, as a
 * newcomer to the published directory: the same rules, under the same names, in the same order,
 * with the same codes and messages. The two the editor cannot get wrong (the file's name and
 * folder follow from the id and the country) are left to `rsdir validate`.
 *
 * Pure: the record, the directory (see directory-data.mjs), the rules Python publishes
 * (assets/editor-rules.json) and today's date in; problems out, said in the language being
 * spoken (engine/messages.mjs `speaking`) with the messages of builder/messages.py
 * (`crosscheck.*`).
 */
import { parseDay } from "../engine/days.mjs";
import { agencyKey } from "../engine/identifiers.mjs";
import { say } from "../engine/messages.mjs";

export const ANY_INDEX = "*";
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/* crosschecks.touches */
export function touches(invalid, part) {
  for (let n = 0; n < Math.min(invalid.length, part.length); n++) {
    const read = part[n], wrong = invalid[n];
    if (!(read === wrong || (read === ANY_INDEX && typeof wrong === "number"))) return false;
  }
  return true;
}

function problem(path, code, message, severity = "error") {
  return { path, code, message, severity };
}


function lendingOf(record) {
  return record.lending || {};
}

function rulesOf(record) {
  return lendingOf(record).rules || [];
}

function daysInMonth(year, month) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/* A real day written YYYY-MM-DD (crosschecks.parse_date) as its year, month and day; or null. */
function parseDate(text) {
  if (parseDay(text) === null) return null;
  const [year, month, day] = text.split("-").map(Number);
  return { year, month, day };
}

/* Python's f"{number:g}": six significant digits, an exponent below 1e-4 and from 1e6 on. */
export function pythonG(number) {
  if (number === 0) return "0";
  const [mantissa, exponentText] = number.toExponential(5).split("e");
  const exponent = Number(exponentText);
  const strip = (text) => (text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return strip(number.toFixed(Math.max(0, 5 - exponent)));
}

/* crosschecks.identifier_keys */
export function identifierKeys(record) {
  const identifiers = record.identifiers || {};
  const keys = [];
  for (const name of ["isil", "oclc", "ror", "alma"]) {
    if (name in identifiers) keys.push([["identifiers", name], agencyKey(name, identifiers[name])]);
  }
  (identifiers.other || []).forEach((other, index) => {
    keys.push([["identifiers", "other", index, "value"], agencyKey(other.authority, other.value)]);
  });
  return keys;
}

/* crosschecks.isil_problem: [the message saying why, its values besides the ISIL], or null. */
export function isilProblem(isil, countryCodes, nonCountryLengths) {
  if (Array.from(isil).length > 16) return ["crosscheck.isil-too-long", {}];
  const hyphen = isil.indexOf("-");
  const prefix = hyphen < 0 ? isil : isil.slice(0, hyphen);
  const unit = hyphen < 0 ? "" : isil.slice(hyphen + 1);
  if (hyphen < 0 || !prefix || !unit) return ["crosscheck.isil-form", {}];
  if (prefix.length === 2) {
    if (prefix !== prefix.toUpperCase() || prefix === prefix.toLowerCase() || !countryCodes.includes(prefix)) {
      return ["crosscheck.isil-country", { prefix }];
    }
  } else if (!nonCountryLengths.includes(prefix.length)) {
    return ["crosscheck.isil-prefix", {}];
  }
  return null;
}

/* crosschecks.ror_checksum_ok */
export function rorChecksumOk(ror) {
  const bare = ror.replace(/^https:\/\/ror\.org\//, "").toLowerCase();
  let number = 0;
  for (const char of bare.slice(0, 7)) number = number * 32 + CROCKFORD.indexOf(char);
  return 98 - (number * 100) % 97 === Number(bare.slice(7, 9));
}

/* crosschecks.review_overdue */
export function reviewOverdue(reviewed, today, months) {
  const apart = (today.year - reviewed.year) * 12 + (today.month - reviewed.month);
  if (apart !== months) return apart > months;
  return today.day > Math.min(reviewed.day, daysInMonth(today.year, today.month));
}

/* --- the checks, in the order of builder/crosschecks.py ---------------------------------------- */

function* idNotReserved({ record, fit, rules }) {
  if (fit(["id"]) && rules.reserved_ids.includes(record.id)) {
    yield problem(["id"], "reserved-id", say("crosscheck.reserved-id", { id: record.id }));
  }
}

function* idsUnique({ record, fit, directory }) {
  const other = fit(["id"]) && directory.institutions.get(record.id);
  if (other) {
    yield problem(["id"], "duplicate-id", say("crosscheck.duplicate-id",
      { id: record.id, file: `records/institutions/${other.country.toLowerCase()}/${record.id}.yaml` }));
  }
}

function* datesExist({ record, fit }) {
  const dates = [];
  if (fit(["last_reviewed"]) && "last_reviewed" in record) dates.push([["last_reviewed"], record.last_reviewed]);
  if (fit(["lending", "closures"])) {
    (lendingOf(record).closures || []).forEach((closure, index) => {
      for (const end of ["from", "to"]) dates.push([["lending", "closures", index, end], closure[end]]);
    });
  }
  for (const [path, text] of dates) {
    if (!parseDate(text)) yield problem(path, "invalid-date", say("crosscheck.invalid-date", { text }));
  }
}

function* isilWellFormed({ record, fit, rules, countryCodes }) {
  const isil = (record.identifiers || {}).isil;
  const why = fit(["identifiers", "isil"]) && isil !== undefined
    && isilProblem(isil, countryCodes, rules.isil_non_country_lengths);
  if (why) yield problem(["identifiers", "isil"], "isil-syntax", say(why[0], { isil, ...why[1] }));
}

function* rorChecksum({ record, fit }) {
  const ror = (record.identifiers || {}).ror;
  if (fit(["identifiers", "ror"]) && ror !== undefined && !rorChecksumOk(ror)) {
    yield problem(["identifiers", "ror"], "ror-checksum", say("crosscheck.ror-checksum", { ror }));
  }
}

function* identifiersUnique({ record, fit, directory }) {
  if (!fit(["id"], ["identifiers"])) return;
  for (const [path, key] of identifierKeys(record)) {
    const owner = directory.identifierOwners.get(key);
    if (owner !== undefined && owner !== record.id) {
      yield problem(path, "duplicate-identifier", say("crosscheck.duplicate-identifier", { owner }));
    }
  }
}

function* timezoneExists({ record, fit, rules }) {
  const name = record.timezone;
  if (fit(["timezone"]) && name !== undefined && !rules.time_zones.includes(name)) {
    yield problem(["timezone"], "unknown-timezone", say("crosscheck.unknown-timezone", { name }));
  }
}

function* partnersExist({ record, fit, known }) {
  if (!fit(["partners"])) return;
  for (const [index, partner] of (record.partners || []).entries()) {
    if (partner.startsWith("pod:")) {
      if (!known.pods.has(partner.slice(4))) {
        yield problem(["partners", index], "unknown-pod", say("crosscheck.unknown-pod", { pod: partner.slice(4) }));
      }
    } else if (!known.institutions.has(partner)) {
      yield problem(["partners", index], "unknown-partner", say("crosscheck.unknown-partner", { partner }));
    }
  }
}

function* podsExist({ record, fit, known }) {
  if (!fit(["pods"])) return;
  for (const [index, pod] of (record.pods || []).entries()) {
    if (!known.pods.has(pod)) {
      yield problem(["pods", index], "unknown-pod", say("crosscheck.unknown-pod", { pod }));
    }
  }
}

function* ruleExemptionsExist({ record, fit, known }) {
  if (!fit(["lending", "rules", ANY_INDEX, "unless"])) return;
  for (const [index, rule] of rulesOf(record).entries()) {
    const unless = rule.unless || {};
    for (const [position, requester] of (unless.requester || []).entries()) {
      if (!known.institutions.has(requester)) {
        yield problem(["lending", "rules", index, "unless", "requester", position], "unknown-exemption",
          say("crosscheck.unknown-institution", { institution: requester }));
      }
    }
    for (const [position, pod] of (unless.requester_pod || []).entries()) {
      if (!known.pods.has(pod)) {
        yield problem(["lending", "rules", index, "unless", "requester_pod", position], "unknown-exemption",
          say("crosscheck.unknown-pod", { pod }));
      }
    }
  }
}

function* activeHasChannels({ record, fit }) {
  if (fit(["status"], ["request_channels"]) && record.status === "active"
      && !(record.request_channels && record.request_channels.length)) {
    yield problem([], "no-request-channels", say("crosscheck.no-request-channels"));
  }
}

function* almaChannelHasCode({ record, fit }) {
  if (!fit(["identifiers", "alma"], ["request_channels"])) return;
  const hasIdentifier = "alma" in (record.identifiers || {});
  for (const [index, channel] of (record.request_channels || []).entries()) {
    if (channel.method === "alma" && !("institution_code" in channel) && !hasIdentifier) {
      yield problem(["request_channels", index], "alma-code-missing", say("crosscheck.alma-code-missing"));
    }
  }
}

function* feeHasCurrency({ record, fit }) {
  if (!fit(["lending", "currency"], ["lending", "loan", "fee"], ["lending", "copy", "fee"],
    ["lending", "rules", ANY_INDEX, "when", "max_cost_below"])) return;
  const lending = lendingOf(record);
  if ("currency" in lending) return;
  for (const service of ["loan", "copy"]) {
    const fee = service in lending ? lending[service].fee : undefined;
    if (fee !== undefined && fee > 0) {
      yield problem(["lending", service, "fee"], "fee-without-currency",
        say("crosscheck.fee-without-currency", { fee: pythonG(fee) }));
    }
  }
  for (const [index, rule] of rulesOf(record).entries()) {
    if ("max_cost_below" in (rule.when || {})) {
      yield problem(["lending", "rules", index, "when", "max_cost_below"], "fee-without-currency",
        say("crosscheck.max-cost-without-currency"));
    }
  }
}

function* rulesHaveConditions({ record, fit }) {
  if (!fit(["lending", "rules", ANY_INDEX, "when"], ["lending", "rules", ANY_INDEX, "id"])) return;
  for (const [index, rule] of rulesOf(record).entries()) {
    if (!rule.when || !Object.keys(rule.when).length) {
      yield problem(["lending", "rules", index, "when"], "rule-without-conditions",
        say("crosscheck.rule-without-conditions", { rule: rule.id }));
    }
  }
}

function* ruleReasonFitsOutcome({ record, fit, rules }) {
  if (!fit(["lending", "rules", ANY_INDEX, "outcome"], ["lending", "rules", ANY_INDEX, "reason"])) return;
  for (const [index, rule] of rulesOf(record).entries()) {
    const allowed = rules.reasons[rule.outcome];
    if (!allowed.includes(rule.reason)) {
      yield problem(["lending", "rules", index, "reason"], "rule-reason-outcome",
        say("crosscheck.rule-reason-outcome",
          { reason: rule.reason, outcome: rule.outcome, reasons: allowed.join(", ") }));
    }
  }
}

function* ruleIdsUnique({ record, fit }) {
  if (!fit(["lending", "rules", ANY_INDEX, "id"])) return;
  const seen = new Set();
  for (const [index, rule] of rulesOf(record).entries()) {
    if (seen.has(rule.id)) {
      yield problem(["lending", "rules", index, "id"], "duplicate-rule-id",
        say("crosscheck.duplicate-rule-id", { rule: rule.id }));
    }
    seen.add(rule.id);
  }
}

function* closuresInOrder({ record, fit }) {
  if (!fit(["lending", "closures"])) return;
  for (const [index, closure] of (lendingOf(record).closures || []).entries()) {
    const start = parseDate(closure.from), end = parseDate(closure.to);
    if (start && end && closure.to < closure.from) {
      yield problem(["lending", "closures", index, "to"], "closure-order",
        say("crosscheck.closure-order", { end: closure.to, start: closure.from }));
    }
  }
}

function* podMembershipConfirmed({ record, fit, directory }) {
  if (!fit(["id"], ["pods"])) return;
  for (const [index, pod] of (record.pods || []).entries()) {
    const listed = directory.pods.get(pod);
    if (listed && !listed.members.has(record.id)) {
      yield problem(["pods", index], "pod-membership-unconfirmed",
        say("crosscheck.pod-membership-unconfirmed", { pod, institution: record.id }), "warning");
    }
  }
}

function* reviewedRecently({ record, fit, rules, today }) {
  const reviewed = fit(["last_reviewed"]) && parseDate(record.last_reviewed);
  if (reviewed && reviewOverdue(reviewed, today, rules.review_months)) {
    yield problem(["last_reviewed"], "review-overdue",
      say("crosscheck.review-overdue", { day: record.last_reviewed, months: rules.review_months }), "warning");
  }
}

/* crosschecks._shares_listed_pod: `partner` lists `own` through a `pod:` entry covering it. */
function sharesListedPod(directory, record, partner) {
  const pods = new Set(record.pods || []);
  return directory.institutions.get(partner).podPartners.some((pod) =>
    directory.pods.has(pod) && directory.pods.get(pod).members.has(record.id) && pods.has(pod));
}

function* partnershipsListedBothWays({ record, fit, directory }) {
  if (!fit(["id"], ["partners"])) return;
  for (const [index, partner] of (record.partners || []).entries()) {
    const other = partner.startsWith("pod:") ? undefined : directory.institutions.get(partner);
    if (other && !other.partners.has(record.id) && !(fit(["pods"]) && sharesListedPod(directory, record, partner))) {
      yield problem(["partners", index], "partnership-one-sided",
        say("crosscheck.partnership-one-sided", { partner, institution: record.id }), "notice");
    }
  }
}

export const CHECKS = [
  idNotReserved, idsUnique, datesExist, isilWellFormed, rorChecksum, identifiersUnique, timezoneExists,
  partnersExist, podsExist, ruleExemptionsExist, activeHasChannels, almaChannelHasCode, feeHasCurrency,
  rulesHaveConditions, ruleReasonFitsOutcome, ruleIdsUnique, closuresInOrder, podMembershipConfirmed,
  reviewedRecently, partnershipsListedBothWays,
];

/* Every problem the checks find in `record`, a newcomer to `directory` (the profile being edited
 * already left out of it), skipping the parts `invalid` (schema-problems.invalidParts) names. */
export function recordProblems(record, { directory, rules, countryCodes, invalid = [], today }) {
  const fit = (...parts) => !invalid.some((wrong) => parts.some((part) => touches(wrong, part)));
  // Like `_known_ids`: the directory's ids, and this record's own.
  const institutions = new Set(directory.institutions.keys());
  if (typeof record.id === "string") institutions.add(record.id);
  const known = { institutions, pods: new Set(directory.pods.keys()) };
  const context = { record, fit, directory, rules, countryCodes, known, today: parseDate(today) };
  return CHECKS.flatMap((check) => [...check(context)]);
}
