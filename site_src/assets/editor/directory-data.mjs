/*
 * The directory as the profile editor's checks see it, read from the feed's compact file
 * (feed/v1/compact.json, which the site's request check reads too; ../engine/model.mjs decodes
 * it): who is in it, which identifiers each institution claims, whom each one lists as partners,
 * which pods exist and whom each pod lists. Pure.
 */
import { agencyKey } from "../engine/identifiers.mjs";
import { Directory } from "../engine/model.mjs";

/* `leaving`: the id of the profile being edited, whose own entry is left out, so that the
 * profile is checked as a newcomer to the rest of the directory, as `rsdir new` checks one. */
export function directoryFromCompact(compact, { leaving = null } = {}) {
  const decoded = new Directory(compact);
  const ids = compact.institutions.map((entry) => entry.i);
  const podIds = compact.pods.map(([id]) => id);
  const institutions = new Map();
  const identifierOwners = new Map();
  for (const entry of compact.institutions) {
    if (entry.i === leaving) continue;
    institutions.set(entry.i, {
      name: entry.n, country: entry.c,
      partners: decoded.direct.get(entry.i),                     // institutions it lists itself
      podPartners: decoded.podEntries.get(entry.i),              // pods it lists as `pod:<id>`
      pods: new Set((entry.o ?? []).map((position) => podIds[position])),
    });
    const identifiers = entry.d ?? {};
    const claims = ["isil", "oclc", "ror", "alma"].filter((name) => Object.hasOwn(identifiers, name))
      .map((name) => agencyKey(name, String(identifiers[name])))
      .concat((identifiers.other ?? []).map((other) => agencyKey(other.authority, other.value)));
    for (const key of claims) if (!identifierOwners.has(key)) identifierOwners.set(key, entry.i);
  }
  const pods = new Map(compact.pods.map(([id, name, members]) =>
    [id, { name, members: new Set(members.map((position) => ids[position])) }]));
  return { institutions, identifierOwners, pods };
}
