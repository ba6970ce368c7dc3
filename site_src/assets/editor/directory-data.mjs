/*
 * The directory as the profile editor's checks see it, read from the directory page's index
 * (assets/directory-index.json, written by builder/site/directory_index.py): who is in it, which
 * identifiers each institution claims, which pods exist. Pure.
 */
import { agencyKey } from "./crosschecks.mjs";

/* `leaving`: the id of the profile being edited, whose own entry is left out, so that its id
 * and identifiers count as free for it. */
export function directoryFromIndex(index, { leaving = null } = {}) {
  const institutions = new Map();
  const identifierOwners = new Map();
  for (const entry of index.institutions) {
    if (entry.i === leaving) continue;
    institutions.set(entry.i, { name: entry.n, country: entry.c, active: !entry.z });
    const claims = [["isil", entry.k], ["oclc", entry.q], ["ror", entry.r], ["alma", entry.a], ...(entry.x || [])];
    for (const [authority, value] of claims) {
      if (value === undefined) continue;
      const key = agencyKey(authority, value);
      if (!identifierOwners.has(key)) identifierOwners.set(key, entry.i);
    }
  }
  return {
    institutions,
    identifierOwners,
    pods: new Map(index.pods.map(([id, name]) => [id, name])),
    countries: index.countries,
  };
}
