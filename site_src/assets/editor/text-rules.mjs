/*
 * What builder/loader.py refuses in any text of a record file, whatever the schema says:
 * invisible control and direction-changing characters, byte-order marks, halves of surrogate
 * pairs and texts over the loader's length limit. The editor finds them before it writes a file,
 * with the loader's codes and messages (the site's strict reader, ../engine/loader.mjs, holds
 * them), so it never offers a file `rsdir validate` would refuse to read. Pure.
 */
import { FORBIDDEN, MAX_SCALAR_CHARS, characterProblem } from "../engine/loader.mjs";
import { say } from "../engine/messages.mjs";

function textProblem(text, path) {
  const length = Array.from(text).length;
  if (length > MAX_SCALAR_CHARS) {
    return { path, code: "yaml-scalar-too-long", severity: "error", message: say("yaml.scalar-too-long", {
      length: length.toLocaleString("en-US"), limit: MAX_SCALAR_CHARS.toLocaleString("en-US") }) };
  }
  const found = FORBIDDEN.exec(text);
  if (!found) return null;
  const [code, message] = characterProblem(String.fromCodePoint(found[0].codePointAt(0)));
  return { path, code, message, severity: "error" };
}

/* A problem for every text (field names of free mappings included) the loader would refuse. */
export function textProblems(value, path = []) {
  if (typeof value === "string") {
    const found = textProblem(value, path);
    return found ? [found] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => textProblems(item, [...path, index]));
  if (value && typeof value === "object") {
    return Object.keys(value).flatMap((key) => {
      const found = textProblem(key, path);
      return (found ? [found] : []).concat(textProblems(value[key], [...path, key]));
    });
  }
  return [];
}

export { MAX_SCALAR_CHARS };
