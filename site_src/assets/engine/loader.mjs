/*
 * Request files dropped on the page, read as strictly as `rsdir` reads them (builder/loader.py):
 * size and nesting are refused before the YAML parser sees the text, then anchors, aliases,
 * tags, duplicate keys, keys that are not text, forbidden characters and special numbers are
 * refused with the line and column `rsdir` gives, and scalars are typed as its loader types
 * them (only plain `true`, `false`, `null`, integers and decimals are not text: `NO` stays NO).
 *
 * The parser is eemeli/yaml, shipped with the site (assets/vendor/yaml), read with its "failsafe"
 * schema so that it types nothing itself. Only a YAML syntax error is worded by that parser
 * rather than by libyaml, so its message (and sometimes its column) can differ from `rsdir`'s.
 */

import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from "../vendor/yaml/browser/dist/index.js";
import { say } from "./messages.mjs";
import { numberFromText } from "./numbers.mjs";
import { LoadedFile, jsonPath } from "./requests.mjs";

export const MAX_BYTES = 512 * 1024;
const MAX_SCALAR_CHARS = 20_000;
const MAX_DEPTH = 24;
const MAX_NODES = 50_000;
// Flow brackets this deep are refused before parsing, so that no parser recursion is spent on
// them; anything deeper than MAX_DEPTH is refused either way.
const DEPTH_BEFORE_PARSING = 8 * MAX_DEPTH;

const NULLS = new Set(["null", "~", ""]);
const SPECIAL_NUMBER = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const KEY_BREAKS = /[\t\n\r]/;
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/u;

/** A file that cannot be read as a request; carries the one positioned problem that says why. */
export class YamlError extends Error {
  constructor(problem) {
    super(problem.message);
    this.name = "YamlError";
    this.problem = problem;
  }
}

function fail(file, [line, column], code, message, path = []) {
  return new YamlError({ file, line, column, severity: "error", path: jsonPath(path), code, message });
}

function hex(code, width) {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

function characterProblem(char) {
  const point = char.codePointAt(0);
  const code = hex(point, 4);
  if (point >= 0xd800 && point <= 0xdfff) return ["yaml-surrogate", say("yaml.surrogate", { code })];
  if (char === "\u2028" || char === "\u2029") return ["yaml-control-character", say("yaml.separator", { code })];
  if (char === "\ufeff") return ["yaml-control-character", say("yaml.byte-order-mark")];
  if (/\p{Cc}/u.test(char)) return ["yaml-control-character", say("yaml.control-character", { code })];
  return ["yaml-bidi-control", say("yaml.bidi-control", { code })];
}

/** Where the first byte that is not UTF-8 starts, or -1 (the byte Python's decoder names). */
function firstInvalidByte(bytes) {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    if (lead < 0x80) { i += 1; continue; }
    const [length, low, high] = lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf] : lead === 0xed ? [3, 0x80, 0x9f]
        : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf] : lead === 0xf0 ? [4, 0x90, 0xbf]
          : lead === 0xf4 ? [4, 0x80, 0x8f] : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf] : [0, 0, 0];
    if (length === 0 || i + length > bytes.length || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let n = 2; n < length; n++) if (bytes[i + n] < 0x80 || bytes[i + n] > 0xbf) return i;
    i += length;
  }
  return -1;
}

/** Lines and columns counted as Python counts them: lines by "\n", columns in code points. */
class Positions {
  constructor(text) {
    this.text = text;
    this.starts = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  at(offset) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle; else high = middle - 1;
    }
    return [low + 1, Array.from(this.text.slice(this.starts[low], offset)).length + 1];
  }
}

function decode(bytes, file) {
  if (bytes.length > MAX_BYTES) {
    throw fail(file, [1, 1], "yaml-too-large", say("yaml.too-large", { limit: MAX_BYTES.toLocaleString("en-US") }));
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const invalid = firstInvalidByte(body);
  if (invalid >= 0) {
    const before = new TextDecoder().decode(body.subarray(0, invalid));
    throw fail(file, new Positions(before).at(before.length), "yaml-not-utf8",
      say("yaml.not-utf8", { byte: body[invalid].toString(16).padStart(2, "0") }));
  }
  const text = new TextDecoder().decode(body);
  const found = FORBIDDEN.exec(text);
  if (found) {
    const [code, message] = characterProblem(String.fromCodePoint(found[0].codePointAt(0)));
    throw fail(file, new Positions(text).at(found.index), code, message);
  }
  return text;
}

/** The first flow bracket nested deeper than `MAX_DEPTH` when brackets go deeper than the
 *  parser should be asked to follow; quoted text and comments are skipped. */
function tooDeepBeforeParsing(text) {
  let depth = 0;
  let deepest = 0;
  let firstTooDeep = -1;
  // Block collections open around the flow ones: one per indentation still open (an estimate,
  // right for the usual `key: [[...` of a mapping).
  const indents = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (atLineStart && depth === 0) {
      let indent = 0;
      while (text[i + indent] === " ") indent += 1;
      if (!/[\n#]/.test(text[i + indent] ?? "\n")) {
        while (indents.length && indents[indents.length - 1] > indent) indents.pop();
        if (!indents.length || indents[indents.length - 1] < indent) indents.push(indent);
      }
    }
    atLineStart = char === "\n";
    if (char === "'" || char === '"') {
      for (i += 1; i < text.length && text[i] !== char; i++) if (char === '"' && text[i] === "\\") i += 1;
    } else if (char === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== "\n") i += 1;
    } else if (char === "[" || char === "{") {
      depth += 1;
      if (indents.length + depth > MAX_DEPTH && firstTooDeep < 0) firstTooDeep = i;
      deepest = Math.max(deepest, depth);
    } else if ((char === "]" || char === "}") && depth > 0) {
      depth -= 1;
    }
  }
  return deepest > DEPTH_BEFORE_PARSING ? firstTooDeep : -1;
}

/** Where a node's properties (`&anchor`, `!tag`) begin: that is where libyaml places the node. */
function nodeStart(text, node) {
  let start = node.range[0];
  const crossLines = !isScalar(node);
  for (let i = start - 1; i >= 0;) {
    let end = i + 1;
    while (i >= 0 && (text[i] === " " || text[i] === "\t" || (crossLines && (text[i] === "\n" || text[i] === "\r")))) i -= 1;
    end = i + 1;
    while (i >= 0 && !/\s/.test(text[i])) i -= 1;
    const token = text.slice(i + 1, end);
    if (!token.startsWith("&") && !token.startsWith("!")) break;
    start = i + 1;
  }
  return start;
}

function scalarValue(node, text, positions, file, path) {
  const value = node.value;
  if (node.type !== "PLAIN" || node.tag) return value;
  if (NULLS.has(value)) return null;
  if (value === "true") return true;
  if (value === "false") return false;
  if (!"-+.0123456789".includes(value[0])) return value;
  const number = numberFromText(value);
  if (number !== undefined) return number;
  if (SPECIAL_NUMBER.test(value)) {
    throw fail(file, positions.at(nodeStart(text, node)), "yaml-special-number", say("yaml.special-number", { text: value }), path);
  }
  return value;
}

function checkText(value, node, positions, text, file, path) {
  if (node.type === "QUOTE_DOUBLE") {
    const problem = escapeProblem(node, text, positions, file, path);
    if (problem !== null) throw problem;
  }
  const where = positions.at(nodeStart(text, node));
  const length = Array.from(value).length;
  if (length > MAX_SCALAR_CHARS) {
    throw fail(file, where, "yaml-scalar-too-long", say("yaml.scalar-too-long", {
      length: length.toLocaleString("en-US"), limit: MAX_SCALAR_CHARS.toLocaleString("en-US"),
    }), path);
  }
  const found = FORBIDDEN.exec(value);
  if (found) {
    const [code, message] = characterProblem(String.fromCodePoint(found[0].codePointAt(0)));
    throw fail(file, where, code, message, path);
  }
}

function mayHideCharacters(node, value) {
  return node.type === "QUOTE_DOUBLE" || Array.from(value).length > MAX_SCALAR_CHARS;
}

/** libyaml refuses, while reading a double-quoted scalar, every `\u`/`\U` escape that names no
 *  character: half of a surrogate pair (even a whole pair) or a code beyond U+10FFFF. The
 *  problem as `rsdir` words it, or null. */
function escapeProblem(node, text, positions, file, path) {
  const source = text.slice(node.range[0], node.range[1]);
  const escape = /\\(?:\\|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))/g;
  for (const found of source.matchAll(escape)) {
    if (found[1] === undefined && found[2] === undefined) continue;      // an escaped backslash
    const code = parseInt(found[1] ?? found[2], 16);
    if (code >= 0xd800 && code <= 0xdfff) {
      return fail(file, positions.at(nodeStart(text, node)), "yaml-surrogate", say("yaml.surrogate", { code: hex(code, 4) }), path);
    }
    if (code > 0x10ffff) {
      return fail(file, positions.at(node.range[0] + found.index + 2), "yaml-bad-escape",
        say("yaml.bad-escape", { escape: found[0] }), path);
    }
  }
  return null;
}

/** Reads the composed document in the order libyaml's events come, as builder/loader.py does. */
class Reader {
  constructor(text, file) {
    Object.assign(this, { text, file, positions: new Positions(text), values: new Map(), keys: new Map(), nodes: 0 });
  }

  where(node) {
    return this.positions.at(nodeStart(this.text, node));
  }

  properties(node, parentPath) {
    if (isAlias(node)) {
      throw fail(this.file, this.positions.at(node.range[0]), "yaml-alias", say("yaml.alias", { anchor: node.source }), parentPath);
    }
    if (node.anchor) throw fail(this.file, this.where(node), "yaml-anchor", say("yaml.anchor", { anchor: node.anchor }), parentPath);
    if (node.tag) throw fail(this.file, this.where(node), "yaml-tag", say("yaml.tag", { tag: node.tag }), parentPath);
    this.nodes += 1;
    if (this.nodes > MAX_NODES) {
      throw fail(this.file, this.where(node), "yaml-too-many-nodes",
        say("yaml.too-many-nodes", { limit: MAX_NODES.toLocaleString("en-US") }), parentPath);
    }
  }

  key(node, mapping, path) {
    if (node === null) return null;
    this.properties(node, path);
    const where = this.where(node);
    if (!isScalar(node)) throw fail(this.file, where, "yaml-key-not-text", say("yaml.key-is-container"), path);
    const key = scalarValue(node, this.text, this.positions, this.file, path);
    if (typeof key !== "string") throw fail(this.file, where, "yaml-key-not-text", say("yaml.key-not-text", { key: node.value }), path);
    if (mayHideCharacters(node, key)) checkText(key, node, this.positions, this.text, this.file, path);
    // A key is echoed in messages; a line break in it could forge further report lines.
    if (KEY_BREAKS.test(key)) throw fail(this.file, where, "yaml-key-not-text", say("yaml.key-line-break"), path);
    if (Object.hasOwn(mapping, key)) {
      const first = this.keys.get(jsonPath([...path, key]));
      throw fail(this.file, where, "yaml-duplicate-key", say("yaml.duplicate-key", { key, line: first[0] }), [...path, key]);
    }
    this.keys.set(jsonPath([...path, key]), where);
    return key;
  }

  value(node, path, parentPath, depth) {
    if (node === null) {
      return null;
    }
    this.properties(node, parentPath);
    this.values.set(jsonPath(path), this.where(node));
    if (isScalar(node)) {
      const value = scalarValue(node, this.text, this.positions, this.file, path);
      if (typeof value === "string" && mayHideCharacters(node, value)) checkText(value, node, this.positions, this.text, this.file, path);
      return value;
    }
    if (depth >= MAX_DEPTH) {
      throw fail(this.file, this.where(node), "yaml-too-deep", say("yaml.too-deep", { limit: MAX_DEPTH }), parentPath);
    }
    if (isSeq(node)) return node.items.map((item, n) => this.value(item, [...path, n], path, depth + 1));
    const mapping = {};
    for (const pair of node.items) {
      const key = this.key(pair.key, mapping, path);
      // A key left empty (`? ` alone) reads as null, which is not text.
      if (key === null) throw fail(this.file, this.where(node), "yaml-key-not-text", say("yaml.key-not-text", { key: "" }), path);
      mapping[key] = this.value(pair.value, [...path, key], path, depth + 1);
    }
    return mapping;
  }
}

/** The request in `bytes` (a file's content), read strictly; throws `YamlError` otherwise. */
export function readRequestFile(bytes, file) {
  const text = decode(bytes, file);
  const positions = new Positions(text);
  const deep = tooDeepBeforeParsing(text);
  if (deep >= 0) throw fail(file, positions.at(deep), "yaml-too-deep", say("yaml.too-deep", { limit: MAX_DEPTH }));
  const documents = parseAllDocuments(text, {
    schema: "failsafe", uniqueKeys: false, merge: false, strict: true, version: "1.2", prettyErrors: false,
  });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length === 0) throw fail(file, [1, 1], "yaml-empty", say("yaml.empty"));
  const [document] = list;
  const reader = new Reader(text, file);
  let root;
  let walkProblem = null;
  try {
    root = document.contents === null ? null : reader.value(document.contents, [], [], 0);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    walkProblem = error;
  }
  const syntax = document.errors[0];
  if (syntax !== undefined) {
    const syntaxProblem = fail(file, positions.at(syntax.pos[0]), "yaml-syntax", say("yaml.syntax", { problem: syntax.message }));
    const escaped = syntax.code === "BAD_DQ_ESCAPE" && ["yaml-bad-escape", "yaml-surrogate"].includes(walkProblem?.problem.code);
    const walkFirst = walkProblem !== null && (escaped || walkProblem.problem.line < syntaxProblem.problem.line
      || (walkProblem.problem.line === syntaxProblem.problem.line && walkProblem.problem.column < syntaxProblem.problem.column));
    throw walkFirst ? walkProblem : syntaxProblem;
  }
  if (walkProblem !== null) throw walkProblem;
  if (list.length > 1) {
    const marker = /^---(?=\s|$)/m;
    const rest = text.slice(document.range[2]);
    const found = marker.exec(rest);
    const second = list[1].contents?.range[0] ?? text.length;
    const offset = found && document.range[2] + found.index <= second ? document.range[2] + found.index : second;
    throw fail(file, positions.at(offset), "yaml-several-documents", say("yaml.several-documents"));
  }
  if (root === null) throw fail(file, [1, 1], "yaml-empty", say("yaml.empty"));
  if (typeof root !== "object" || Array.isArray(root)) {
    throw fail(file, reader.values.get("$") ?? [1, 1], "yaml-not-a-mapping",
      say(Array.isArray(root) ? "yaml.list-not-mapping" : "yaml.value-not-mapping"));
  }
  return new LoadedFile(file, root, reader.values, reader.keys);
}
