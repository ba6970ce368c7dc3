/*
 * The directory in memory (builder/model.py), built from feed/v1/compact.json: institutions and
 * pods by id, confirmed pod membership, partner sets and the index of agency ids. What a single
 * answer does not need (the whole agency index, who lists whom) is worked out on first use and
 * kept, so the first answer after loading comes quickly.
 */

import { parseDay } from "./days.mjs";
import { agencyKey } from "./identifiers.mjs";
import { say } from "./messages.mjs";
import { portableNumber } from "./numbers.mjs";

export const ISO18626 = "iso18626";
export const ISO_ILL = "iso-ill";
export const EMAIL = "email";
export const CHANNEL_FAMILY = new Map([
  ["alma", ISO18626], ["iso18626", ISO18626], ["illiad", ISO18626], ["iso-ill", ISO_ILL], ["email", EMAIL],
]);
export const LOAN = "Loan";
export const COPY = "Copy";
// The numbers of a rule's conditions (strings in the compact file when Python writes them otherwise).
const NUMERIC_CONDITIONS = ["published_within_years", "published_before", "need_before_within_days",
  "pages_over", "max_cost_below"];

export class Channel {
  constructor(settings) {
    this.method = settings.method;
    this.settings = settings;          // the channel's fields as `rsdir` prints them, `method` included
    this.family = CHANNEL_FAMILY.get(settings.method);
  }

  asJson() {
    return structuredClone(this.settings);
  }
}

/** What a lender offers under one service type (`Loan` or `Copy`). */
class Service {
  constructor(name, section) {
    this.name = name;
    this.publicationTypes = new Set(section.publication_types ?? []);
    this.fee = portableNumber(section.fee ?? 0);
    this.deliveryMethods = section.delivery_methods === undefined ? null : new Set(section.delivery_methods);
  }
}

function optionalSet(values) {
  return values === undefined ? null : new Set(values);
}

/** The `lending` section read once into sets and days, so each request is checked quickly. */
export class LendingTerms {
  constructor(lending) {
    const listed = lending.countries ?? [];
    this.countries = listed.includes("*") ? null : new Set(listed);   // null: every country
    this.listedCountries = listed;
    this.excludedCountries = new Set(lending.exclude_countries ?? []);
    this.currency = lending.currency ?? null;
    this.daysToRespond = lending.days_to_respond === undefined ? null : portableNumber(lending.days_to_respond);
    this.paymentMethods = optionalSet(lending.payment_methods);
    this.serviceLevels = optionalSet(lending.service_levels);
    this.loan = lending.loan === undefined ? null : new Service(LOAN, lending.loan);
    this.copy = lending.copy === undefined ? null : new Service(COPY, lending.copy);
    // A closure whose day does not exist is reported by validation; here it is skipped.
    this.closures = (lending.closures ?? [])
      .filter((closure) => parseDay(closure.from) && parseDay(closure.to))
      .map((closure) => ({ start: closure.from, end: closure.to, note: closure.note ?? null }));
    this.rules = (lending.rules ?? []).map((rule) => this.rule(rule));
  }

  rule(rule) {
    const conditions = Object.entries(rule.when ?? {}).map(([name, value]) =>
      [name, NUMERIC_CONDITIONS.includes(name) ? portableNumber(value) : value]);
    return {
      id: rule.id,
      when: Object.fromEntries(conditions),
      conditions,                        // the same, as a list: checked for every request
      exemptRequesters: new Set(rule.unless?.requester ?? []),
      exemptPods: new Set(rule.unless?.requester_pod ?? []),
      outcome: rule.outcome,
      reason: rule.reason,
      note: rule.note ?? null,
    };
  }

  lendsTo(country) {
    return (this.countries === null || this.countries.has(country)) && !this.excludedCountries.has(country);
  }

  service(name) {
    return name === LOAN ? this.loan : name === COPY ? this.copy : null;
  }

  /** The closure covering `day`, a local calendar day of the lender (both ends included). */
  closureOn(day) {
    return this.closures.find((closure) => closure.start <= day && day <= closure.end) ?? null;
  }
}

const familyKeys = new WeakMap();

export class Institution {
  constructor(entry) {
    this.entry = entry;
    this.id = entry.i;
    this.name = entry.n;
    this.country = entry.c;
    this.active = entry.z !== 1;
    this.borrowingEnabled = entry.b !== 0;
    this.identifiers = entry.d ?? {};
    this.channelChoice = new Map();
  }

  // Channels and terms are read from the entry when first asked for: one answer needs those of
  // a few libraries, not of every one in the directory.
  get channels() {
    const channels = (this.entry.h ?? []).map((settings) => new Channel(settings));
    Object.defineProperty(this, "channels", { value: channels });
    return channels;
  }

  get families() {
    const families = new Set(this.channels.map((channel) => channel.family));
    Object.defineProperty(this, "families", { value: families });
    return families;
  }

  get terms() {
    const terms = this.entry.l === undefined ? null : new LendingTerms(this.entry.l);
    Object.defineProperty(this, "terms", { value: terms });
    return terms;
  }

  /** Our first channel a borrower speaking `families` can use (anyone can use email);
   *  remembered per set of families, of which there are only a few. */
  channelFor(families) {
    // The borrower's own set is asked for thousands of times in a route: its key is kept with it.
    let key = familyKeys.get(families);
    if (key === undefined) familyKeys.set(families, key = [...families].sort().join(" "));
    if (!this.channelChoice.has(key)) {
      this.channelChoice.set(key, this.channels.find((c) => c.family === EMAIL || families.has(c.family)) ?? null);
    }
    return this.channelChoice.get(key);
  }
}

export class UnknownInstitution extends Error {}

function* agencyIds(institution) {
  const identifiers = institution.identifiers;
  for (const authority of ["isil", "oclc", "ror", "alma"]) {
    if (Object.hasOwn(identifiers, authority)) yield agencyKey(authority, String(identifiers[authority]));
  }
  for (const other of identifiers.other ?? []) yield agencyKey(other.authority, other.value);
  for (const channel of institution.channels) {
    const symbol = channel.settings.symbol;
    if (typeof symbol === "string" && symbol.includes(":")) {
      const colon = symbol.indexOf(":");
      yield agencyKey(symbol.slice(0, colon), symbol.slice(colon + 1));
    }
    const code = channel.method === "alma" ? channel.settings.institution_code : undefined;
    if (code !== undefined && code !== null) yield agencyKey("alma", String(code));
  }
}

function sortedIds(ids) {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function intersects(first, second) {
  for (const value of first) if (second.has(value)) return true;
  return false;
}

/** Institutions and pods by id, confirmed pod membership and expanded partner sets. */
export class Directory {
  constructor(compact) {
    const entries = compact.institutions;
    this.generatedAt = compact.generated_at;
    this.institutions = new Map(entries.map((entry) => [entry.i, new Institution(entry)]));
    const ids = entries.map((entry) => entry.i);
    this.pods = new Map(compact.pods.map(([id, name]) => [id, { id, name }]));
    const podIds = compact.pods.map(([id]) => id);
    // Who lists whom directly, decoded from the partnership numbers (builder/exports/compact.py).
    const direct = ids.map(() => new Set());
    this.podEntries = new Map();
    const listedPods = new Map();
    entries.forEach((entry, position) => {
      const mine = direct[position];
      let other = position;
      for (const number of entry.p ?? []) {
        other += Math.floor(number / 3) + 1;
        const kind = number % 3;
        if (kind !== 1) mine.add(ids[other]);
        if (kind !== 0) direct[other].add(entry.i);
      }
      this.podEntries.set(entry.i, (entry.pp ?? []).map((n) => podIds[n]));
      listedPods.set(entry.i, new Set((entry.o ?? []).map((n) => podIds[n])));
    });
    this.direct = new Map(ids.map((id, position) => [id, direct[position]]));
    this.podMembers = new Map(compact.pods.map(([id, , members]) =>
      [id, new Set(members.map((n) => ids[n]).filter((member) => listedPods.get(member).has(id)))]));
    this.confirmedPods = new Map(ids.map((id) => [id, new Set()]));
    for (const [podId, members] of this.podMembers) {
      for (const member of members) this.confirmedPods.get(member).add(podId);
    }
    this.expanded = new Map();
    this.mutual = new Map();
    this.listedByIndex = null;
    this.agencyIndex = null;
  }

  /** Whom `id` takes requests from: listed partners with each `pod:<id>` replaced by the pod's
   *  confirmed members. */
  partners(id) {
    let partners = this.expanded.get(id);
    if (partners === undefined) {
      partners = new Set(this.direct.get(id));
      for (const podId of this.podEntries.get(id)) {
        for (const member of this.podMembers.get(podId)) partners.add(member);
      }
      partners.delete(id);
      this.expanded.set(id, partners);
    }
    return partners;
  }

  /** Whether `owner` accepts requests from `other` (directly or through a pod entry); asked
   *  without building `owner`'s whole partner set, since a route asks it of every library. */
  lists(owner, other) {
    if (owner === other || !this.institutions.has(owner)) return false;
    const expanded = this.expanded.get(owner);
    if (expanded !== undefined) return expanded.has(other);
    if (this.direct.get(owner).has(other)) return true;
    return this.podEntries.get(owner).some((podId) => this.podMembers.get(podId).has(other));
  }

  mutualPartners(id) {
    if (!this.mutual.has(id)) {
      this.mutual.set(id, sortedIds([...this.partners(id)].filter((partner) => this.partners(partner).has(id))));
    }
    return this.mutual.get(id);
  }

  /** We listed them; they have not listed us. */
  waitingOnThem(id) {
    const mutual = new Set(this.mutualPartners(id));
    return sortedIds([...this.partners(id)].filter((partner) => !mutual.has(partner)));
  }

  /** They listed us; we have not listed them. */
  waitingOnUs(id) {
    if (this.listedByIndex === null) {
      this.listedByIndex = new Map([...this.institutions.keys()].map((owner) => [owner, new Set()]));
      for (const owner of this.institutions.keys()) {
        for (const partner of this.partners(owner)) this.listedByIndex.get(partner).add(owner);
      }
    }
    const mine = this.partners(id);
    return sortedIds([...this.listedByIndex.get(id)].filter((owner) => !mine.has(owner)));
  }

  sharedPods(first, second) {
    const theirs = this.confirmedPods.get(second) ?? new Set();
    return sortedIds([...(this.confirmedPods.get(first) ?? [])].filter((pod) => theirs.has(pod)));
  }

  inSharedPod(id, pods) {
    return intersects(pods, this.confirmedPods.get(id) ?? new Set());
  }

  /** An institution by directory id or by agency id (`ISIL:DE-89`, `OCLC:GWTIB`, a channel symbol). */
  resolve(reference) {
    if (this.institutions.has(reference)) return this.institutions.get(reference);
    if (!reference.includes(":")) throw new UnknownInstitution(say("reference.unknown-id", { reference }));
    if (this.agencyIndex === null) {
      this.agencyIndex = new Map();
      for (const institution of this.institutions.values()) {
        for (const key of agencyIds(institution)) {
          if (!this.agencyIndex.has(key)) this.agencyIndex.set(key, new Set());
          this.agencyIndex.get(key).add(institution.id);
        }
      }
    }
    const colon = reference.indexOf(":");
    const matches = sortedIds(this.agencyIndex.get(agencyKey(reference.slice(0, colon), reference.slice(colon + 1))) ?? []);
    if (matches.length === 0) throw new UnknownInstitution(say("reference.unknown-agency-id", { reference }));
    if (matches.length > 1) {
      throw new UnknownInstitution(say("reference.ambiguous", { reference, matches: matches.join(", ") }));
    }
    return this.institutions.get(matches[0]);
  }
}
