/*
 * The sentences of the engine: builder/messages.py's table, written by the build as
 * assets/messages/<lang>.json together with the names of countries, channel families and codes
 * and the locale data of ./formats.mjs.
 *
 * The public functions of ../decide.mjs choose the table of the language asked for before they
 * answer (answering is synchronous, so no other answer can come in between); the checks then
 * only say which message they mean, as the Python checks do.
 */

import { pluralIndex } from "../i18n.mjs";

let table = null;

export function speaking(words, answer) {
  const before = table;
  table = words;
  try {
    return answer();
  } finally {
    table = before;
  }
}

// Each template split once into its text and its placeholders: a route with every refusal says
// tens of thousands of sentences. A message with a number in it keeps one split per plural form.
const compiled = new WeakMap();

const split = (template) => template.split(/\{([a-z_]+)\}/);

function parts(key) {
  let templates = compiled.get(table);
  if (templates === undefined) compiled.set(table, templates = new Map());
  let entry = templates.get(key);
  if (entry === undefined) {
    if (!Object.hasOwn(table.messages, key)) throw new Error(`no message ${key}`);
    const message = table.messages[key];
    entry = typeof message === "string" ? split(message) : { count: message.count, forms: message.forms.map(split) };
    templates.set(key, entry);
  }
  return entry;
}

/** The message `key` with each `{name}` replaced by the text of `values[name]`; a message with
 *  a number in it takes the form that number needs in the language (builder/messages.py). */
export function say(key, values = {}) {
  const entry = parts(key);
  const pieces = Array.isArray(entry) ? entry : entry.forms[pluralIndex(table.plural, values[entry.count])];
  let text = pieces[0];
  for (let n = 1; n < pieces.length; n += 2) text += String(values[pieces[n]]) + pieces[n + 1];
  return text;
}

/** The name people use for a country (`DE` → Germany); the code itself when it is not one. */
export function countryName(code) {
  return Object.hasOwn(table.countries, code) ? table.countries[code] : code;
}

/** An ISO 18626 code as the sentences name it: the code itself in English, the schemas' plain
 *  words for it in the other languages (`Book` → Buch; builder/wording.py `code_names`). */
export function codeName(code) {
  return Object.hasOwn(table.code_names, code) ? table.code_names[code] : code;
}

/** What the description of a value with a pattern says of the form it wants, in the language
 *  of the sentences: its first sentence, as the site catalog translates it (builder/schemas.py
 *  `pattern_hint`; the table holds the languages' words where they are not the English ones). */
export function patternHint(description) {
  if (Object.hasOwn(table.pattern_hints, description)) return table.pattern_hints[description];
  return description.split(". ")[0].replace(/\.+$/, "");
}

/** The locale data money, days and lists are written with (./formats.mjs). */
export function formats() {
  return table.formats;
}

/** A family of request channels as a reader meets it in a sentence. */
export function familyName(family) {
  return table.families[family];
}
