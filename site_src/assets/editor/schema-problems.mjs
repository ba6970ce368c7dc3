/*
 * The schema check of builder/schemas.py for a whole profile in the browser: the record against
 * the institution schema (draft 2020-12, through @cfworker/json-schema, which knows every keyword
 * the schema uses: `allOf`/`if`/`then`, `propertyNames`, ...), each error turned into the problem
 * `rsdir validate` reports for it by the wording the site's request check uses
 * (../engine/schemas.mjs: the same code, JSON path and message, word for word; tests/test_editor.py
 * holds them together on every invalid fixture).
 *
 * Pure: no page, no fetch. A problem is {path: [...], code, message, severity}; call it inside
 * ../engine/messages.mjs's `speaking`, which chooses the sentences.
 */
import { Validator } from "../vendor/@cfworker/json-schema/dist/esm/index.js";
import { problemOf } from "../engine/schemas.mjs";

// Keywords that only say "something below failed"; the errors below them are the ones shown,
// as jsonschema's iter_errors gives them.
const WRAPPERS = new Set(["$ref", "properties", "items", "prefixItems", "allOf", "anyOf", "oneOf", "if",
  "propertyNames", "false"]);

function resolve(root, reference) {
  return reference.replace(/^#\//, "").split("/").reduce((node, part) => node[part], root);
}

function pointerParts(pointer) {
  return pointer.replace(/^#\/?/, "").split("/").filter((part) => part !== "")
    .map((part) => decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/* The schema object holding the failing keyword, following `$ref`s as the validator did. */
function schemaAt(root, keywordLocation) {
  const parts = pointerParts(keywordLocation);
  parts.pop();
  return parts.reduce((node, part) => (part === "$ref" ? resolve(root, node.$ref) : node[part]), root);
}

function instancePath(location) {
  return pointerParts(location).map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

function valueAt(data, path) {
  return path.reduce((value, part) => (value == null ? undefined : value[part]), data);
}

const validators = new WeakMap();

function validatorFor(schema) {
  // The validator annotates the schema it is given; it gets its own copy.
  if (!validators.has(schema)) validators.set(schema, new Validator(structuredClone(schema), "2020-12", false));
  return validators.get(schema);
}

/* Each error jsonschema's iter_errors gives, as {path, keyword, value, node, expected}. A property
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
    errors.push({ path, keyword: error.keyword, value, node, expected: node[error.keyword] });
  }
  return errors;
}

// The problems of a record that is not a file: no line or column, only where in the record.
const UNPLACED = {
  problem: (path, code, message, extra = {}) => ({ path, code, message, severity: "error", ...extra }),
};

/* schemas.check without positions: the problems of `data` against `schema`, each once. A
 * missing-field problem also names its fields apart (`missing`), for a form to show each. */
export function schemaProblems(schema, data) {
  const found = new Map();
  for (const error of leafErrors(schema, data)) {
    const problem = problemOf(UNPLACED, error);
    found.set(JSON.stringify([problem.path, problem.code, problem.message]), problem);
  }
  return [...found.values()];
}

/* schemas.invalid_parts: where the schema finds something wrong, as paths, so the directory
 * checks skip only what they cannot read. */
export function invalidParts(schema, data) {
  const parts = [];
  for (const { path, keyword, value, node } of leafErrors(schema, data)) {
    const present = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    if (keyword === "required") {
      for (const name of node.required) if (!Object.hasOwn(present, name)) parts.push([...path, name]);
    } else if (keyword === "additionalProperties") {
      for (const name of Object.keys(present)) if (!Object.hasOwn(node.properties ?? {}, name)) parts.push([...path, name]);
    } else {
      parts.push(path);
    }
  }
  return parts;
}
