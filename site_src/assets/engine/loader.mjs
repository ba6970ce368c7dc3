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
export const MAX_SCALAR_CHARS = 20_000;
const MAX_DEPTH = 24;
const MAX_NODES = 50_000;
// Flow brackets this deep are refused before parsing, so that no parser recursion is spent on
// them; anything deeper than MAX_DEPTH is refused either way.
const DEPTH_BEFORE_PARSING = 8 * MAX_DEPTH;

const NULLS = new Set(["null", "~", ""]);
const SPECIAL_NUMBER = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const KEY_BREAKS = /[\t\n\r]/;
export const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]/u;

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

export function characterProblem(char) {
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

/** `%YAML 1.1` would make YAML 1.1 readers take `yes` and `0755` for other values, and `%TAG`
 *  only serves tags: both are refused, at the first line that starts with `%`. */
function directive(text, positions, file) {
  const start = /^---(?=\s|$)/m.exec(text);
  const head = start ? text.slice(0, start.index) : "";
  if (/^%(?:YAML|TAG)(?=[ \t]|$)/m.test(head)) {
    throw fail(file, [positions.at(/^%/m.exec(text).index)[0], 1], "yaml-directive", say("yaml.directive"));
  }
  // YAML reserves other directives; libyaml does not know any and stops at the name.
  const other = /^%([^ \t\r\n]*)/m.exec(head);
  if (other) {
    throw fail(file, positions.at(other.index + other[0].length), "yaml-syntax",
      say("yaml.syntax", { problem: `unknown directive %${other[1]}` }));
  }
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

// --- what libyaml reads otherwise than YAML 1.2 (builder/loader.py's `_layout_problem`) --------

function touchingComment(text, offset) {
  return text[offset] === "#" && offset > 0 && text[offset - 1] !== " " && text[offset - 1] !== "\t"
    && text[offset - 1] !== "\n" && text[offset - 1] !== "\r";
}

/** Where the quoted value starting at `start` ends, read from the text itself: the YAML 1.2
 *  parser stops early at a continuation line it finds underindented. */
function quotedEnd(text, start) {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i += 1;
    else if (quote === "'" && text[i] === "'" && text[i + 1] === "'") i += 1;
    else if (text[i] === quote) return i + 1;
  }
  return text.length;
}

/** Where the flow collection starting at `start` ends, read from the text itself (for the same
 *  reason as `quotedEnd`). */
function flowEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'") i = quotedEnd(text, i) - 1;
    else if (char === "#" && /[ \t\n]/.test(text[i - 1] ?? "\n")) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (char === "[" || char === "{") depth += 1;
    else if ((char === "]" || char === "}") && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The first place where `rsdir` refuses a layout that YAML readers disagree on: a flow
 *  collection or quoted value continued on a line no more indented than the field holding it,
 *  or a `?` right before a word in a flow collection. Each comes with the span it covers. */
function layoutProblems(root, text, positions, file) {
  const found = [];
  const lineStarts = positions.starts;
  const continuation = (node, least, end = node.range[1]) => {
    const [first] = positions.at(node.range[0]);
    const [last] = positions.at(Math.max(node.range[0], end - 1));
    for (let line = first + 1; line <= last; line++) {
      const source = text.slice(lineStarts[line - 1], line < lineStarts.length ? lineStarts[line] : text.length).replace(/\r?\n$/, "");
      if (source.replace(/[ \t]/g, "") !== "" && source.length - source.trimStart().length < least) {
        found.push({ offset: lineStarts[line - 1], span: [node.range[0], end], error: fail(file, [line, 1],
          "yaml-continuation-indent", say("yaml.continuation-indent", { line: first, least })) });
        return;
      }
    }
  };
  const visit = (node, blockColumn, inFlow) => {
    if (node === null || isAlias(node)) return;
    if (isScalar(node)) {
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if (quoted && !inFlow) continuation(node, blockColumn + 1, quotedEnd(text, node.range[0]));
      if (inFlow && node.type === "PLAIN" && /^\?[^ \t]/.test(String(node.source ?? node.value))) {
        found.push({ offset: node.range[0], span: [node.range[0], node.range[1]],
          error: fail(file, positions.at(node.range[0]), "yaml-flow-key", say("yaml.flow-key")) });
      }
      return;
    }
    if (node.flow && !inFlow) continuation(node, blockColumn + 1, flowEnd(text, node.range[0]));
    const column = node.flow ? blockColumn : positions.at(node.range[0])[1] - 1;
    for (const item of node.items) {
      if (isMap(node)) {
        visit(item.key, column, inFlow || node.flow);
        visit(item.value, column, inFlow || node.flow);
      } else {
        visit(item, column, inFlow || node.flow);
      }
    }
  };
  // No open block collection: libyaml asks for no indentation at all.
  visit(root, -1, false);
  return found.sort((a, b) => a.offset - b.offset);
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
  directive(text, positions, file);
  const reader = new Reader(text, file);
  let root;
  let walkProblem = null;
  try {
    root = document.contents === null ? null : reader.value(document.contents, [], [], 0);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    walkProblem = error;
  }
  const layout = document.contents === null ? [] : layoutProblems(document.contents, text, positions, file);
  // The YAML 1.2 parser refuses some layouts libyaml reads: `rsdir` refuses those with problems
  // of their own, after everything else.
  const ownLayout = (error) => touchingComment(text, error.pos[0])
    || layout.some(({ span }) => span[0] <= error.pos[0] && error.pos[0] <= span[1]);
  const touching = document.errors.filter((error) => touchingComment(text, error.pos[0])).map((error) => ({
    offset: error.pos[0], error: fail(file, positions.at(error.pos[0]), "yaml-comment-touching", say("yaml.comment-touching")),
  }));
  const syntax = document.errors.find((error) => !ownLayout(error));
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
  const first = [...layout, ...touching].sort((a, b) => a.offset - b.offset)[0];
  if (first !== undefined) throw first.error;
  if (root === null) throw fail(file, [1, 1], "yaml-empty", say("yaml.empty"));
  if (typeof root !== "object" || Array.isArray(root)) {
    throw fail(file, reader.values.get("$") ?? [1, 1], "yaml-not-a-mapping",
      say(Array.isArray(root) ? "yaml.list-not-mapping" : "yaml.value-not-mapping"));
  }
  return new LoadedFile(file, root, reader.values, reader.keys);
}
