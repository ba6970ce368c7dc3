/*
 * The one layout of record files, as builder/layout.py writes it for `rsdir fmt`: the same rules
 * in the same order, so a profile saved from the editor and one formatted by `rsdir fmt` are the
 * same bytes (tests/test_editor.py compares them over the sample records and synthetic ones).
 * Read builder/layout.py for the rules; this file follows it function by function.
 *
 * Lengths are counted in code points, as Python counts a string's characters.
 */

import { FORBIDDEN } from "../engine/loader.mjs";
import { say } from "../engine/messages.mjs";
import { DECIMAL_TEXT, INTEGER_TEXT } from "../engine/numbers.mjs";

export const MODELINES = {
  institution: "# yaml-language-server: $schema=../../../schema/institution.schema.json",
  pod: "# yaml-language-server: $schema=../../schema/pod.schema.json",
};
export const WIDTH = 100;
const NARROWEST = 40;
const INDENT = "  ";
const ESCAPES = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r" };
const BLANK = " \t";

/* What no record file can hold, in the words of builder/messages.py (`layout.*`) in the language
 * being spoken (engine/messages.mjs `speaking`). */
export class LayoutError extends Error {
  constructor(key, values = {}) {
    super(say(`layout.${key}`, values));
  }
}

function length(text) {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function render(kind, data, schema) {
  const lines = [MODELINES[kind]];
  let previousLong = false;
  for (const key of orderedKeys(data, schema, schema)) {
    const entryLines = entry(keyText(key, schema), data[key], child(schema, schema, key), schema, "");
    const long = entryLines.length > 1;
    if (lines.length > 1 && (long || previousLong)) lines.push("");
    lines.push(...entryLines);
    previousLong = long;
  }
  return lines.join("\n") + "\n";
}

/* --- the schema ---------------------------------------------------------------------------- */

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function resolve(root, node) {
  if (!isMapping(node)) return {};
  while (typeof node.$ref === "string" && node.$ref.startsWith("#/$defs/")) {
    const { $ref, ...rest } = node;
    node = { ...root.$defs[$ref.slice("#/$defs/".length)], ...rest };
  }
  return node;
}

function child(root, node, key) {
  const properties = resolve(root, node).properties || {};
  if (Object.prototype.hasOwnProperty.call(properties, key)) return resolve(root, properties[key]);
  return resolve(root, resolve(root, node).additionalProperties);
}

function items(root, node) {
  return resolve(root, resolve(root, node).items);
}

function compareCodePoints(first, second) {
  const a = Array.from(first), b = Array.from(second);
  for (let n = 0; n < Math.min(a.length, b.length); n++) {
    if (a[n] !== b[n]) return a[n].codePointAt(0) - b[n].codePointAt(0);
  }
  return a.length - b.length;
}

function orderedKeys(value, node, root) {
  const properties = resolve(root, node).properties || {};
  const known = Object.keys(properties).filter((key) => Object.prototype.hasOwnProperty.call(value, key));
  const others = Object.keys(value).filter((key) => !Object.prototype.hasOwnProperty.call(properties, key));
  return known.concat(others.sort(compareCodePoints));
}

function keyText(key, node) {
  return Object.prototype.hasOwnProperty.call(node.properties || {}, key) ? key : quoted(key);
}

function isCodeList(root, itemSchema) {
  if ("enum" in itemSchema || "const" in itemSchema) return true;
  return ["then", "else"].some((branch) => "enum" in resolve(root, itemSchema[branch]));
}

/* --- values -------------------------------------------------------------------------------- */

function isScalar(value) {
  return value === null || typeof value !== "object";
}

function entry(key, value, node, root, indent) {
  const head = `${indent}${key}:`;
  if (isMapping(value)) {
    if (!Object.keys(value).length) return [`${head} {}`];
    return [head, ...mapping(value, node, root, indent + INDENT)];
  }
  if (Array.isArray(value)) {
    if (!value.length) return [`${head} []`];
    const itemSchema = items(root, node);
    if (value.every(isScalar) && isCodeList(root, itemSchema)) return [`${head} [${value.map(scalar).join(", ")}]`];
    return [head, ...sequence(value, itemSchema, root, indent + INDENT)];
  }
  const line = `${head} ${scalar(value)}`;
  if (typeof value === "string" && writesAsBlock(value, length(line))) {
    return [`${head} ${blockHeader(value)}`, ...folded(value, indent + INDENT)];
  }
  return [line];
}

function mapping(value, node, root, indent) {
  const lines = [];
  for (const key of orderedKeys(value, node, root)) {
    lines.push(...entry(keyText(key, resolve(root, node)), value[key], child(root, node, key), root, indent));
  }
  return lines;
}

function sequence(value, itemSchema, root, indent) {
  const dash = indent + "- ", inner = indent + INDENT;
  const lines = [];
  for (const item of value) {
    if (isMapping(item) && Object.keys(item).length) {
      const block = mapping(item, itemSchema, root, inner);
      lines.push(dash + block[0].slice(inner.length), ...block.slice(1));
    } else if (isMapping(item)) {
      lines.push(dash + "{}");
    } else if (Array.isArray(item)) {
      throw new LayoutError("list-in-list");
    } else if (typeof item === "string" && writesAsBlock(item, length(dash + quoted(item)))) {
      lines.push(dash + blockHeader(item), ...folded(item, inner));
    } else {
      lines.push(dash + scalar(item));
    }
  }
  return lines;
}

export function scalar(value) {
  if (value === null) return "null";
  if (value === true || value === false) return value ? "true" : "false";
  if (typeof value === "number") return numberText(value);
  if (typeof value === "string") return quoted(value);
  throw new LayoutError("not-a-value", { kind: typeof value });
}

export function quoted(text) {
  let out = '"';
  for (const char of text) {
    if (char in ESCAPES) out += ESCAPES[char];
    else if (FORBIDDEN.test(char)) {
      const code = char.codePointAt(0);
      out += code <= 0xffff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += char;
  }
  return out + '"';
}

/* The shortest digits that read back as the same number (Number#toExponential() gives them, as
 * Python's repr does), spelled out without an exponent. */
export function numberText(value) {
  if (!Number.isFinite(value)) throw new LayoutError("not-a-number", { number: value });
  let text;
  if (value === 0) text = "0";
  else {
    const [mantissa, exponentText] = value.toExponential().split("e");
    const negative = mantissa.startsWith("-");
    const digits = mantissa.replace("-", "").replace(".", "");
    const point = Number(exponentText) + 1;   // digits before the decimal point
    if (point <= 0) text = "0." + "0".repeat(-point) + digits;
    else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
    else text = digits.slice(0, point) + "." + digits.slice(point);
    if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    if (negative) text = "-" + text;
  }
  if (!(INTEGER_TEXT.test(text) || DECIMAL_TEXT.test(text))) {
    throw new LayoutError("too-many-digits", { number: text });
  }
  return text;
}

/* --- folded text --------------------------------------------------------------------------- */

export function writesAsBlock(text, lineLength) {
  if (!text.includes("\n") && !(lineLength > WIDTH && text.includes(" "))) return false;
  if (text.startsWith("\n") || text.endsWith("\n\n") || text.includes("\r") || FORBIDDEN.test(text)) return false;
  return textLines(text).every((line) => !line || (!BLANK.includes(line[0]) && !BLANK.includes(line[line.length - 1])));
}

function textLines(text) {
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

function blockHeader(text) {
  return text.endsWith("\n") ? ">" : ">-";
}

function folded(text, indent) {
  const width = Math.max(WIDTH - length(indent), NARROWEST);
  const lines = [];
  textLines(text).forEach((line, number) => {
    if (number) lines.push("");
    if (line) lines.push(...wrap(line, width).map((part) => indent + part));
  });
  return lines;
}

export function wrap(line, width) {
  const parts = [];
  let rest = Array.from(line);
  while (rest.length > width) {
    let cut = breakAt(rest, Math.min(width, rest.length - 2), 0, -1);
    if (cut === null) cut = breakAt(rest, width + 1, rest.length - 1, 1);
    if (cut === null) break;
    parts.push(rest.slice(0, cut).join(""));
    rest = rest.slice(cut + 1);
  }
  parts.push(rest.join(""));
  return parts;
}

/* The first position from `start` towards `stop` (not included) holding a single space between
 * two visible characters. */
function breakAt(chars, start, stop, step) {
  for (let position = start; step < 0 ? position > stop : position < stop; position += step) {
    if (chars[position] === " " && !BLANK.includes(chars[position - 1]) && !BLANK.includes(chars[position + 1])) {
      return position;
    }
  }
  return null;
}
