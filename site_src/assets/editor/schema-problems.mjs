/*
 * The schema check of builder/schemas.py in the browser: a record against its JSON Schema
 * (draft 2020-12, through @cfworker/json-schema), each error turned into the problem
 * `rsdir validate` reports for it — the same code, JSON path and message, word for word
 * (tests/test_editor.py holds the two together on every invalid fixture).
 *
 * Pure: no page, no fetch. A problem is {path: [...], code, message, severity}.
 */
import { Validator } from "../vendor/@cfworker/json-schema/dist/esm/index.js";
import { closeMatches, compareCodePoints } from "./difflib.mjs";

// Keywords that only say "something below failed"; the errors below them are the ones shown.
const WRAPPERS = new Set(["$ref", "properties", "items", "prefixItems", "allOf", "anyOf", "oneOf", "if",
  "propertyNames", "false"]);
const TYPE_WORDS = {
  string: "text", integer: "a whole number", number: "a number", boolean: "true or false",
  array: "a list", object: "a mapping of fields", null: "empty",
};

/* --- Python's ways of writing values, which the messages quote -------------------------------- */

function pythonNumber(value) {
  // Python prints a whole float with ".0"; the browser cannot tell 5.0 from 5, and records hold
  // whole numbers as integers, so integers it is.
  return String(value);
}

/* json.dumps(value, ensure_ascii=False) */
export function pythonJson(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map(pythonJson).join(", ") + "]";
  return "{" + Object.keys(value).map((key) => JSON.stringify(key) + ": " + pythonJson(value[key])).join(", ") + "}";
}

function pythonStringRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === "\\") out += "\\\\";
    else if (char === quote) out += "\\" + quote;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else out += char;
  }
  return out + quote;
}

function pythonRepr(value) {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return pythonStringRepr(value);
  if (Array.isArray(value)) return "[" + value.map(pythonRepr).join(", ") + "]";
  return "{" + Object.keys(value).map((key) => pythonStringRepr(key) + ": " + pythonRepr(value[key])).join(", ") + "}";
}

/* str(value) */
function pythonStr(value) {
  return typeof value === "string" ? value : pythonRepr(value);
}

/* schemas._shown: the value as JSON, cut to 60 characters */
export function shown(value) {
  const text = Array.from(pythonJson(value));
  return text.length <= 60 ? text.join("") : text.slice(0, 57).join("") + "...";
}

/* problems.json_path: ["lending", "rules", 0] → "$.lending.rules[0]" */
export function jsonPath(parts) {
  let out = "$";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[\x00-\x7f]+$/.test(part) && /^[A-Za-z0-9]+$/.test(part.replace(/[_-]/g, ""))) out += `.${part}`;
    else out += `['${part.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
  }
  return out;
}

/* --- finding the schema behind an error ------------------------------------------------------- */

function resolve(root, node) {
  while (node && typeof node === "object" && typeof node.$ref === "string" && node.$ref.startsWith("#/$defs/")) {
    const { $ref, ...rest } = node;
    node = { ...root.$defs[$ref.slice("#/$defs/".length)], ...rest };
  }
  return node && typeof node === "object" ? node : {};
}

function pointerParts(pointer) {
  return pointer.replace(/^#\/?/, "").split("/").filter((part) => part !== "")
    .map((part) => decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/* The schema object holding the failing keyword, following `$ref`s as the validator did. */
function schemaAt(root, keywordLocation) {
  const parts = pointerParts(keywordLocation);
  parts.pop();
  let node = root;
  for (const part of parts) {
    node = part === "$ref" ? resolve(root, { $ref: node.$ref }) : node[part];
  }
  return node;
}

function instancePath(location) {
  return pointerParts(location).map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function valueAt(data, path) {
  return path.reduce((value, part) => (value == null ? undefined : value[part]), data);
}

/* --- the validator's verdict as leaf errors -------------------------------------------------- */

const validators = new WeakMap();

function validatorFor(schema) {
  // The validator annotates the schema it is given; it gets its own copy.
  if (!validators.has(schema)) validators.set(schema, new Validator(structuredClone(schema), "2020-12", false));
  return validators.get(schema);
}

/* Each error jsonschema's iter_errors would give: {keyword, path, schema, value}. A property
 * name that breaks `propertyNames` is reported at its mapping, with the name as its value. */
function leafErrors(schema, data) {
  const result = validatorFor(schema).validate(data);
  if (result.valid) return [];
  const errors = [];
  for (const error of result.errors) {
    if (WRAPPERS.has(error.keyword)) continue;
    const node = schemaAt(schema, error.keywordLocation);
    if (error.keyword === "additionalProperties" && node.additionalProperties !== false) continue;
    let path = instancePath(error.instanceLocation);
    let value = valueAt(data, path);
    if (error.keywordLocation.includes("/propertyNames/")) {
      value = path[path.length - 1];
      path = path.slice(0, -1);
    }
    errors.push({ keyword: error.keyword, path, schema: node, value });
  }
  return errors;
}

function sortedCodePoints(values) {
  return [...values].sort(compareCodePoints);
}

function problem(path, code, message) {
  return { path, code, message, severity: "error" };
}

/* schemas._problem */
function errorProblem(error) {
  const { keyword, path, schema: node, value } = error;
  const last = path[path.length - 1];
  const field = path.length && typeof last === "string" ? `\`${last}\`` : "this value";
  const description = typeof node.description === "string" ? node.description : "";
  const hint = description && (keyword === "pattern" || keyword === "format")
    ? ` (${description.split(". ")[0].replace(/\.+$/, "")})` : "";
  const present = value && typeof value === "object" && !Array.isArray(value) ? value : {};

  if (keyword === "required") {
    const missing = node.required.filter((name) => !Object.prototype.hasOwnProperty.call(present, name));
    return problem(path, "schema-required",
      `required field ${missing.map((name) => `\`${name}\``).join(", ")} is missing; add it here`);
  }
  if (keyword === "additionalProperties") {
    const allowed = sortedCodePoints(Object.keys(node.properties || {}));
    const extras = sortedCodePoints(Object.keys(present).filter((name) => !allowed.includes(name)));
    const key = extras[0];
    const close = closeMatches(key, allowed, 1);
    const advice = close.length ? `did you mean \`${close[0]}\`?` : `allowed here: ${allowed.join(", ")}`;
    return { ...problem([...path, key], "schema-unknown-field",
      `unknown field ${extras.map((name) => `\`${name}\``).join(", ")}; ${advice}`), atKey: true };
  }
  if (keyword === "type") {
    const wanted = Array.isArray(node.type) ? node.type : [node.type];
    return problem(path, "schema-type",
      `${field} must be ${wanted.map((name) => TYPE_WORDS[name] || name).join(" or ")}, not ${shown(value)}`);
  }
  if (keyword === "enum" || keyword === "const") {
    const options = keyword === "enum" ? node.enum : [node.const];
    const close = closeMatches(pythonStr(value), options.map(pythonStr), 1);
    const advice = close.length ? `did you mean \`${close[0]}\`?`
      : options.length <= 25 ? `use one of: ${options.map(pythonStr).join(", ")}` : "see the field reference";
    return problem(path, "schema-enum", `${shown(value)} is not allowed for ${field}; ${advice}`);
  }
  if (keyword === "pattern") {
    return problem(path, "schema-pattern", `${shown(value)} is not in the expected form for ${field}${hint}`);
  }
  if (keyword === "minLength") {
    const limit = node.minLength;
    return problem(path, "schema-length",
      limit === 1 ? `${field} must not be empty` : `${field} needs at least ${limit} characters`);
  }
  if (keyword === "maxLength") {
    return problem(path, "schema-length",
      `${field} is ${Array.from(value).length} characters long; at most ${node.maxLength} are allowed`);
  }
  if (keyword === "minItems" || keyword === "maxItems") {
    const limit = node[keyword];
    const need = keyword === "minItems" ? "at least" : "at most";
    return problem(path, "schema-items", `${field} needs ${need} ${limit} entr${limit === 1 ? "y" : "ies"}`);
  }
  if (keyword === "uniqueItems") {
    return problem(path, "schema-unique", `${field} lists the same entry twice; remove the repeat`);
  }
  const bounds = { minimum: "at least", maximum: "at most", exclusiveMinimum: "more than", exclusiveMaximum: "less than" };
  if (bounds[keyword]) {
    return problem(path, "schema-range", `${field} must be ${bounds[keyword]} ${pythonNumber(node[keyword])}, not ${shown(value)}`);
  }
  return problem(path, `schema-${keyword.toLowerCase()}`, `${field}: does not fit the schema (${keyword})`);
}

/* schemas.check without positions: the problems of `data` against `schema`, each once. */
export function schemaProblems(schema, data) {
  const seen = new Set();
  const problems = [];
  for (const error of leafErrors(schema, data)) {
    const found = errorProblem(error);
    const key = JSON.stringify([found.path, found.code, found.message]);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(found);
    }
  }
  return problems;
}

/* schemas.invalid_parts: where the schema finds something wrong, as paths (see there). */
export function invalidParts(schema, data) {
  const parts = [];
  for (const { keyword, path, schema: node, value } of leafErrors(schema, data)) {
    const present = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    if (keyword === "required") {
      for (const name of node.required) if (!Object.prototype.hasOwnProperty.call(present, name)) parts.push([...path, name]);
    } else if (keyword === "additionalProperties") {
      for (const name of Object.keys(present)) if (!(name in (node.properties || {}))) parts.push([...path, name]);
    } else {
      parts.push(path);
    }
  }
  return parts;
}
