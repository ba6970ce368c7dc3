/*
 * Agency identifiers (`AUTHORITY:VALUE`) in one comparable form (builder/identifiers.py): ISILs
 * and OCLC symbols ignore case, ROR ids lose their URL prefix. Agency ids are ASCII (the schemas
 * say so), where JavaScript's case mappings are Python's.
 */

export function agencyKey(authority, value) {
  const upper = authority.toUpperCase();
  let comparable = value;
  if (upper === "ISIL") comparable = value.toLowerCase();
  else if (upper === "OCLC") comparable = value.toUpperCase();     // borrowers often type them in lower case
  else if (upper === "ROR") comparable = (value.startsWith("https://ror.org/") ? value.slice(16) : value).toLowerCase();
  return `${upper}:${comparable}`;
}
