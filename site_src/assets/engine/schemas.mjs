/*
 * A value against its JSON Schema, with the problems `rsdir` reports (builder/schemas.py): the
 * same errors as Python's jsonschema for the keywords the request schema uses, worded by the
 * same messages. The schema itself is the published one (schema/request.schema.json); a keyword
 * this module does not know is refused when the schema is read, so a change to the schema that
 * the browser cannot follow fails loudly instead of passing requests `rsdir` would refuse.
 */

import { closeMatch, codePointOrder } from "./difflib.mjs";
import { patternHint, say } from "./messages.mjs";
import { PyNumber, isNumber, isWholeNumber, numberText, plain } from "./numbers.mjs";

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$defs", "examples", "default", "enumDescriptions"]);
const KEYWORDS = new Set(["type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "required", "properties", "additionalProperties", "items",
  "minItems", "maxItems", "uniqueItems", "$ref"]);
const BOUNDS = {
  minimum: ["schema.minimum", (value, bound) => value >= bound],
  maximum: ["schema.maximum", (value, bound) => value <= bound],
  exclusiveMinimum: ["schema.exclusive-minimum", (value, bound) => value > bound],
  exclusiveMaximum: ["schema.exclusive-maximum", (value, bound) => value < bound],
};
const TYPE_WORDS = new Set(["string", "integer", "number", "boolean", "array", "object", "null"]);

export function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof PyNumber);
}

function isType(value, type) {
  switch (type) {
    case "object": return isMapping(value);
    case "array": return Array.isArray(value);
    case "string": return typeof value === "string";
    case "boolean": return typeof value === "boolean";
    case "null": return value === null;
    case "number": return isNumber(value);
    case "integer": return isNumber(value) && isWholeNumber(value);
    default: return false;
  }
}

function codePoints(text) {
  return Array.from(text).length;
}

/** What Python's `json.dumps(value, ensure_ascii=False)` writes. */
export function pythonJson(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return JSON.stringify(value);
  if (isNumber(value)) return numberText(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(", ")}}`;
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function pythonRepr(value) {
  if (typeof value !== "string") {
    if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
    if (isMapping(value)) return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
    return pythonStr(value);
  }
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0);
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char !== " " && NOT_PRINTABLE.test(char)) {
      out += code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}`
        : code < 0x10000 ? `\\u${code.toString(16).padStart(4, "0")}` : `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += char;
  }
  return out + quote;
}

/** What Python's `str(value)` writes for a value read from YAML. */
function pythonStr(value) {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (isNumber(value)) return numberText(value);
  return pythonRepr(value);
}

function shown(value) {
  const text = pythonJson(value);
  const characters = Array.from(text);
  return characters.length <= 60 ? text : `${characters.slice(0, 57).join("")}...`;
}

/** The request schema, checked once for keywords this module knows. */
export class Schema {
  constructor(root) {
    this.root = root;
    const visit = (node) => {
      if (!isMapping(node)) return;
      for (const [keyword, value] of Object.entries(node)) {
        if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) {
          throw new Error(`the request schema uses \`${keyword}\`, which the browser's check does not know`);
        }
        if (keyword === "properties" || keyword === "$defs") Object.values(value).forEach(visit);
        if (keyword === "items" || keyword === "additionalProperties") visit(value);
      }
    };
    visit(root);
  }

  resolve(reference) {
    return reference.replace(/^#\//, "").split("/").reduce((node, part) => node[part], this.root);
  }

  /** jsonschema's errors for `value` at `path`: {path, keyword, value, node, expected}. */
  *errors(node, value, path = []) {
    const error = (keyword, at = path, expected = node[keyword]) => ({ path: at, keyword, value, node, expected });
    if (node.$ref !== undefined) yield* this.errors(this.resolve(node.$ref), value, path);
    if (node.type !== undefined) {
      const types = Array.isArray(node.type) ? node.type : [node.type];
      if (!types.some((type) => isType(value, type))) yield error("type");
    }
    if (node.enum !== undefined && !node.enum.some((option) => option === value)) yield error("enum");
    if (node.const !== undefined && node.const !== value) yield error("const");
    if (typeof value === "string") {
      if (node.pattern !== undefined && !new RegExp(node.pattern, "u").test(value)) yield error("pattern");
      if (node.minLength !== undefined && codePoints(value) < node.minLength) yield error("minLength");
      if (node.maxLength !== undefined && codePoints(value) > node.maxLength) yield error("maxLength");
    }
    if (isNumber(value)) {
      for (const [keyword, [, holds]] of Object.entries(BOUNDS)) {
        if (node[keyword] !== undefined && !holds(plain(value), node[keyword])) yield error(keyword);
      }
    }
    if (Array.isArray(value)) {
      if (node.minItems !== undefined && value.length < node.minItems) yield error("minItems");
      if (node.maxItems !== undefined && value.length > node.maxItems) yield error("maxItems");
      if (node.uniqueItems && new Set(value.map(pythonJson)).size < value.length) yield error("uniqueItems");
      if (isMapping(node.items)) {
        for (const [n, item] of value.entries()) yield* this.errors(node.items, item, [...path, n]);
      }
    }
    if (isMapping(value)) {
      const properties = node.properties ?? {};
      if (node.required !== undefined && node.required.some((name) => !Object.hasOwn(value, name))) yield error("required");
      for (const [name, child] of Object.entries(properties)) {
        if (Object.hasOwn(value, name)) yield* this.errors(child, value[name], [...path, name]);
      }
      const extras = Object.keys(value).filter((name) => !Object.hasOwn(properties, name));
      if (node.additionalProperties === false && extras.length) yield error("additionalProperties");
      else if (isMapping(node.additionalProperties)) {
        for (const name of extras) yield* this.errors(node.additionalProperties, value[name], [...path, name]);
      }
    }
  }
}

function typeWords(expected) {
  const names = (Array.isArray(expected) ? expected : [expected])
    .map((name) => (TYPE_WORDS.has(name) ? say(`schema.type-${name}`) : name));
  return names.reduce((first, second) => say("schema.type-alternatives", { first, second }));
}

/** The positioned problem for one error, worded as builder/schemas.py words it (the profile
 *  editor words the errors of its validator with it too). */
export function problemOf(document, { path, keyword, value, node, expected }) {
  const last = path[path.length - 1];
  const field = path.length && typeof last === "string" ? say("schema.field", { name: last }) : say("schema.this-value");
  if (keyword === "required") {
    const missing = expected.filter((name) => !Object.hasOwn(value, name));
    const names = missing.map((name) => `\`${name}\``).join(", ");
    // The missing fields are named apart too, so that a form can show the message beside each.
    return { ...document.problem(path, "schema-required", say("schema.required", { names, count: missing.length })), missing };
  }
  if (keyword === "additionalProperties") {
    const allowed = Object.keys(node.properties ?? {}).sort(codePointOrder);
    const extras = Object.keys(value).filter((name) => !allowed.includes(name)).sort(codePointOrder);
    const close = closeMatch(extras[0], allowed);
    const names = extras.map((name) => `\`${name}\``).join(", ");
    const message = close.length ? say("schema.unknown-field-close", { names, close: close[0] })
      : say("schema.unknown-field", { names, allowed: allowed.join(", ") });
    // Pointed at the first unexpected key; every extra is named in the message.
    return document.problem([...path, extras[0]], "schema-unknown-field", message, { atKey: true });
  }
  if (keyword === "type") {
    return document.problem(path, "schema-type", say("schema.type", { field, wanted: typeWords(expected), value: shown(value) }));
  }
  if (keyword === "enum" || keyword === "const") {
    const options = keyword === "enum" ? expected : [expected];
    const close = closeMatch(pythonStr(value), options.map(pythonStr));
    const message = close.length ? say("schema.enum-close", { value: shown(value), field, close: close[0] })
      : options.length <= 25 ? say("schema.enum-options", { value: shown(value), field, options: options.map(pythonStr).join(", ") })
        : say("schema.enum-reference", { value: shown(value), field });
    return document.problem(path, "schema-enum", message);
  }
  if (keyword === "pattern") {
    const description = typeof node.description === "string" ? node.description : "";
    const hint = description ? patternHint(description) : "";
    return document.problem(path, "schema-pattern",
      say(hint ? "schema.pattern-hint" : "schema.pattern", { value: shown(value), field, hint }));
  }
  if (keyword === "maxLength") {
    return document.problem(path, "schema-length", say("schema.too-long", { field, length: codePoints(value), limit: expected }));
  }
  if (keyword === "minLength") {
    return document.problem(path, "schema-length", say(expected === 1 ? "schema.empty" : "schema.too-short", { field, limit: expected }));
  }
  if (keyword === "minItems" || keyword === "maxItems") {
    const key = `schema.items-at-${keyword === "minItems" ? "least" : "most"}`;
    return document.problem(path, "schema-items", say(key, { field, limit: expected }));
  }
  if (keyword === "uniqueItems") return document.problem(path, "schema-unique", say("schema.unique", { field }));
  return document.problem(path, "schema-range", say(BOUNDS[keyword][0], { field, bound: numberText(expected), value: shown(value) }));
}

function compareProblems(first, second) {
  return first.line - second.line || first.column - second.column || codePointOrder(first.path, second.path)
    || codePointOrder(first.code, second.code) || codePointOrder(first.message, second.message);
}

/** Problems of one document against `schema`, in the order `rsdir` prints them; none for a valid one. */
export function schemaProblems(schema, document) {
  const problems = new Map();
  for (const error of schema.errors(schema.root, document.data)) {
    const problem = problemOf(document, error);
    problems.set(JSON.stringify(problem), problem);
  }
  return [...problems.values()].sort(compareProblems);
}

