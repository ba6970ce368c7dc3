/*
 * The site's words in the reader's language: gettext catalogs compiled by the build to JSON
 * (builder/catalogs.py), read here. Every script that shows a sentence uses this module:
 *
 *   import { t, nt } from "./i18n.mjs";
 *   await speak(lang);                                   // once, before the first sentence
 *   t("Check a request")                                 // the page's words, by their English
 *   t("{count} lenders would accept it", { count })      // named placeholders, never glued
 *   nt("{count} lender", "{count} lenders", count, { count })   // plural forms of the language
 *
 * Babel extracts the messages of `t("…")` and `nt("…", "…", …)` calls into the `site` domain,
 * so their first arguments must be plain string literals. The engine (assets/engine/) reads its
 * own table, keyed by message, but fills and chooses plural forms with the functions below, so
 * the two agree with Python's gettext.
 */

/** `template` with each `{name}` replaced by the text of `values[name]`; a placeholder without a
 *  value stays as it is, so that a page can look its sentences up once and fill them later. */
export function fill(template, values = {}) {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/** A count as the whole number gettext chooses a form by (a number, a BigInt, a number read
 *  as Python holds it, or its text). */
function wholeNumber(count) {
  if (typeof count === "bigint") return count;
  if (typeof count === "string") return BigInt(/^-?[0-9]+/.exec(count)?.[0] ?? "0");
  if (count !== null && typeof count === "object") return wholeNumber(count.valueOf());
  return BigInt(Math.trunc(Number(count)));
}

// gettext's plural expressions are C expressions over `n`. They are parsed here rather than
// handed to `new Function`, which the site's content security policy need not allow.
const TOKENS = /\s*(\d+|n|\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()])/y;
const BINARY = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];
const APPLY = {
  "||": (a, b) => (a || b ? 1n : 0n), "&&": (a, b) => (a && b ? 1n : 0n),
  "==": (a, b) => (a === b ? 1n : 0n), "!=": (a, b) => (a !== b ? 1n : 0n),
  "<": (a, b) => (a < b ? 1n : 0n), ">": (a, b) => (a > b ? 1n : 0n),
  "<=": (a, b) => (a <= b ? 1n : 0n), ">=": (a, b) => (a >= b ? 1n : 0n),
  "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b, "/": (a, b) => a / b, "%": (a, b) => a % b,
};

function parsePlural(expression) {
  const tokens = [];
  TOKENS.lastIndex = 0;
  while (TOKENS.lastIndex < expression.trimEnd().length) {
    const found = TOKENS.exec(expression);
    if (found === null) throw new Error(`cannot read the plural expression ${expression}`);
    tokens.push(found[1]);
  }
  let at = 0;
  const next = () => tokens[at++];
  const expect = (token) => {
    if (next() !== token) throw new Error(`cannot read the plural expression ${expression}`);
  };
  function primary() {
    const token = next();
    if (token === "(") {
      const inner = conditional();
      expect(")");
      return inner;
    }
    if (token === "!") {
      const operand = primary();
      return (n) => (operand(n) ? 0n : 1n);
    }
    if (token === "n") return (n) => n;
    if (/^\d+$/.test(token ?? "")) return () => BigInt(token);
    throw new Error(`cannot read the plural expression ${expression}`);
  }
  function binary(level) {
    if (level === BINARY.length) return primary();
    let left = binary(level + 1);
    while (BINARY[level].includes(tokens[at])) {
      const apply = APPLY[next()];
      const [first, second] = [left, binary(level + 1)];
      left = (n) => apply(first(n), second(n));
    }
    return left;
  }
  function conditional() {
    const test = binary(0);
    if (tokens[at] !== "?") return test;
    next();
    const yes = conditional();
    expect(":");
    const no = conditional();
    return (n) => (test(n) ? yes(n) : no(n));
  }
  const evaluate = conditional();
  if (at !== tokens.length) throw new Error(`cannot read the plural expression ${expression}`);
  return evaluate;
}

const parsed = new Map();

/** Which plural form `count` takes under a gettext plural expression (`(n != 1)`). */
export function pluralIndex(expression, count) {
  if (!parsed.has(expression)) parsed.set(expression, parsePlural(expression));
  return Number(parsed.get(expression)(wholeNumber(count)));
}

/** The catalog's words for `id` (its text or plural forms), the English `fallback` when the
 *  catalog has none. */
function lookup(catalog, id, fallback) {
  return catalog !== null && Object.hasOwn(catalog.messages, id) ? catalog.messages[id] : fallback;
}

let pageCatalog = null;

/** Reads the `site` catalog of `lang` (assets/messages/site-<lang>.json) for `t` and `nt`. */
export async function speak(lang) {
  const response = await fetch(new URL(`messages/site-${lang}.json`, import.meta.url), { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the site's words in ${lang} could not be loaded (HTTP ${response.status})`);
  pageCatalog = await response.json();
  return pageCatalog;
}

/** The page's words for the English `message`, its placeholders filled from `values`. */
export function t(message, values = {}) {
  return fill(lookup(pageCatalog, message, message), values);
}

/** The page's words for a sentence with a number: the form `count` takes in the language. */
export function nt(singular, plural, count, values = {}) {
  const forms = lookup(pageCatalog, singular, [singular, plural]);
  const expression = pageCatalog === null ? "(n != 1)" : pageCatalog.plural;
  return fill(forms[pluralIndex(expression, count)] ?? forms[forms.length - 1], values);
}
