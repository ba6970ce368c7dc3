/*
 * What builder/loader.py refuses in any text of a record file, whatever the schema says:
 * invisible control and direction-changing characters, byte-order marks, halves of surrogate
 * pairs and texts over the loader's length limit. The editor finds them before it writes a file,
 * with the loader's codes and messages, so it never offers a file `rsdir validate` would refuse
 * to read. Pure.
 */
import { FORBIDDEN_CHARACTER } from "./layout.mjs";

function hex(char) {
  return char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
}

/* loader._character_problem */
export function characterProblem(char) {
  const code = char.codePointAt(0);
  if (code >= 0xd800 && code <= 0xdfff) {
    return ["yaml-surrogate", `U+${hex(char)} is half of a character (a lone surrogate); write the character itself, `
      + "or one `\\U0001F600`-style escape instead of a pair of `\\u` escapes"];
  }
  if (char === "\u2028" || char === "\u2029") {
    return ["yaml-control-character", `U+${hex(char)} (an invisible line or paragraph separator) is not allowed; `
      + "use an ordinary line break or a space instead"];
  }
  if (char === "\ufeff") return ["yaml-control-character", "a byte-order mark is allowed only at the very start of the file"];
  if (/\p{Cc}/u.test(char)) return ["yaml-control-character", `control character U+${hex(char)} is not allowed; delete it`];
  return ["yaml-bidi-control", `invisible direction-changing character U+${hex(char)} is not allowed; delete it`];
}

function textProblem(text, path, maxChars) {
  const length = Array.from(text).length;
  if (length > maxChars) {
    return { path, code: "yaml-scalar-too-long", severity: "error",
      message: `this value is ${length.toLocaleString("en-US")} characters long; the limit is ${maxChars.toLocaleString("en-US")}` };
  }
  const found = FORBIDDEN_CHARACTER.exec(text);
  if (!found) return null;
  const [code, message] = characterProblem(found[0]);
  return { path, code, message, severity: "error" };
}

/* A problem for every text (field names of free mappings included) the loader would refuse. */
export function textProblems(value, maxChars, path = []) {
  if (typeof value === "string") {
    const found = textProblem(value, path, maxChars);
    return found ? [found] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => textProblems(item, maxChars, [...path, index]));
  if (value && typeof value === "object") {
    return Object.keys(value).flatMap((key) => {
      const found = textProblem(key, path, maxChars);
      return (found ? [found] : []).concat(textProblems(value[key], maxChars, [...path, key]));
    });
  }
  return [];
}
