/*
 * The sentences of the engine: builder/messages.py's table, written by the build as
 * assets/messages/<lang>.json together with the names of countries, channel families and codes.
 *
 * The public functions of ../decide.mjs choose the table of the language asked for before they
 * answer (answering is synchronous, so no other answer can come in between); the checks then
 * only say which message they mean, as the Python checks do.
 */

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
// tens of thousands of sentences.
const compiled = new WeakMap();

function parts(key) {
  let templates = compiled.get(table);
  if (templates === undefined) compiled.set(table, templates = new Map());
  let split = templates.get(key);
  if (split === undefined) {
    if (!Object.hasOwn(table.messages, key)) throw new Error(`no message ${key}`);
    split = table.messages[key].split(/\{([a-z_]+)\}/);
    templates.set(key, split);
  }
  return split;
}

/** The message `key` with each `{name}` replaced by the text of `values[name]`. */
export function say(key, values = {}) {
  const split = parts(key);
  let text = split[0];
  for (let n = 1; n < split.length; n += 2) text += String(values[split[n]]) + split[n + 1];
  return text;
}

/** The name people use for a country (`DE` → Germany); the code itself when it is not one. */
export function countryName(code) {
  return Object.hasOwn(table.countries, code) ? table.countries[code] : code;
}

/** A family of request channels as a reader meets it in a sentence. */
export function familyName(family) {
  return table.families[family];
}
