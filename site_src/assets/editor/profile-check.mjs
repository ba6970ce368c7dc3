/*
 * Everything the editor says about a profile, and the file it writes when nothing stops it:
 * the schema check (schema-problems.mjs), what the loader refuses in any text (text-rules.mjs),
 * numbers no file can hold (layout.mjs), then the directory checks (crosschecks.mjs) on the parts
 * the schema found right, as `rsdir validate` runs them. Pure.
 */
import { speaking } from "../engine/messages.mjs";
import { recordProblems } from "./crosschecks.mjs";
import { LayoutError, numberText, render } from "./layout.mjs";
import { invalidParts, schemaProblems } from "./schema-problems.mjs";
import { textProblems } from "./text-rules.mjs";

function numberProblems(value, path = []) {
  if (typeof value === "number") {
    try {
      numberText(value);
      return [];
    } catch (error) {
      if (!(error instanceof LayoutError)) throw error;
      return [{ path, code: "layout-impossible", message: error.message, severity: "error" }];
    }
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => numberProblems(item, [...path, index]));
  if (value && typeof value === "object") return Object.keys(value).flatMap((key) => numberProblems(value[key], [...path, key]));
  return [];
}

/* {problems, file}: `file` is the record file's text, or null while any problem is an error.
 * `words` are the engine's sentences in the page's language (assets/messages/<lang>.json), in
 * which every problem is said. */
export function checkProfile(record, { schema, directory, rules, words, today }) {
  const countryCodes = schema.$defs.country.enum;
  return speaking(words, () => {
    const problems = [
      ...schemaProblems(schema, record),
      ...textProblems(record),
      ...numberProblems(record),
      ...recordProblems(record, { directory, rules, countryCodes, invalid: invalidParts(schema, record), today }),
    ];
    const blocked = problems.some((problem) => problem.severity === "error");
    return { problems, file: blocked ? null : render("institution", record, schema) };
  });
}

/* Where the file lives in the repository, once its id and country say it. */
export function recordPath(record) {
  if (typeof record.id !== "string" || typeof record.country !== "string") return null;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(record.id) || !/^[A-Z]{2}$/.test(record.country)) return null;
  return `records/institutions/${record.country.toLowerCase()}/${record.id}.yaml`;
}
