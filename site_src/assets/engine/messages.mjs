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

/** The message `key` with each `{name}` replaced by the text of `values[name]`. */
export function say(key, values = {}) {
  if (!Object.hasOwn(table.messages, key)) throw new Error(`no message ${key}`);
  const template = table.messages[key];
  return template.replace(/\{([a-z_]+)\}/g, (whole, name) => String(values[name]));
}

/** The name people use for a country (`DE` → Germany); the code itself when it is not one. */
export function countryName(code) {
  return Object.hasOwn(table.countries, code) ? table.countries[code] : code;
}

/** A family of request channels as a reader meets it in a sentence. */
export function familyName(family) {
  return table.families[family];
}
