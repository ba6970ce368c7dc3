/*
 * The directory's answers in the browser: what `rsdir check`, `rsdir route` and `rsdir partners`
 * print with `--format json`, computed from the published feed with no server.
 *
 *   const directory = await loadDirectory("/");            // the site's root
 *   check(directory, request, {on: "2026-12-01"})           // one element of `results`, without `file`
 *   route(directory, request, {on, all: true})              // {request, lenders, refused}
 *   partners(directory, "de-nordbib", "us-lakeside")        // {id, mutual, waiting_on_them, ...}
 *
 * `request` is a request file's data (or a file read by engine/loader.mjs); `on` plays the part
 * of `--on`: the day a request without its own `date` is checked on (default: today). A request
 * the command would refuse with exit status 2 throws a `RequestError` whose message is the
 * command's and whose `problems` say which field each message belongs to; an unknown library in
 * `partners` throws an `Error` with the command's message.
 *
 * The engine is pure once loaded (no DOM, no fetch) and keeps the Python side's shape: the
 * ordered checks are in engine/decide.mjs as in builder/decide.py, the pair checks in
 * engine/partners.mjs, ranking in engine/route.mjs, and every sentence comes from the table of
 * builder/messages.py.
 */

import { parseDay, today } from "./engine/days.mjs";
import { decide } from "./engine/decide.mjs";
import { speaking, say } from "./engine/messages.mjs";
import { Directory, UnknownInstitution } from "./engine/model.mjs";
import { PyNumber } from "./engine/numbers.mjs";
import { partnerships } from "./engine/partners.mjs";
import { LoadedFile, RequestError, parseRequest, resolveParties } from "./engine/requests.mjs";
import { route as routeRequest } from "./engine/route.mjs";
import { Schema } from "./engine/schemas.mjs";

export { RequestError };

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url} could not be loaded (HTTP ${response.status})`);
  return response.json();
}

/** The directory of the site at `siteRoot` (absolute, or relative to the page), read from the
 *  feed: feed/v1/compact.json, the request schema and the engine's sentences in `lang` (or in
 *  each of `languages`), the languages its answers can then be asked in. */
export async function loadDirectory(siteRoot, { lang = "en", languages = [lang] } = {}) {
  const root = new URL(siteRoot, globalThis.location?.href);
  if (!root.pathname.endsWith("/")) root.pathname += "/";
  const [compact, schema, ...words] = await Promise.all([
    fetchJson(new URL("feed/v1/compact.json", root)),
    fetchJson(new URL("schema/request.schema.json", root)),
    ...languages.map((code) => fetchJson(new URL(`assets/messages/${code}.json`, root))),
  ]);
  const directory = new Directory(compact);
  directory.requestSchema = new Schema(schema);
  directory.languages = new Map(languages.map((code, n) => [code, words[n]]));
  return directory;
}

function answering(directory, lang = "en", answer) {
  const words = directory.languages.get(lang);
  if (words === undefined) {
    throw new Error(`the directory was loaded without its sentences in the language \`${lang}\`; `
      + "load it with {lang} set to it");
  }
  return speaking(words, answer);
}

/** Plain request data: properties left undefined are absent, as they are from a file. */
function withoutUndefined(value) {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== "object" || value instanceof PyNumber) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)
    .map(([key, item]) => [key, withoutUndefined(item)]));
}

function asDocument(request) {
  return request instanceof LoadedFile ? request : LoadedFile.fromData(withoutUndefined(request));
}

function dayOf(on) {
  if (on === undefined || on === null) return today();
  if (parseDay(on) === null) throw new Error(say("cli.on-not-a-date", { value: on }));
  return on;
}

/** The decision on one request, as `rsdir check --format json` prints it (without `file`). */
export function check(directory, request, { on, lang } = {}) {
  return answering(directory, lang, () => {
    const day = dayOf(on);
    const document = asDocument(request);
    const parsed = parseRequest(directory.requestSchema, document);
    const { borrower, lender } = resolveParties(directory, parsed, document, { needLender: true });
    return decide(directory, parsed, borrower, lender, day).asJson();
  });
}

/** Every lender that would accept the request, best first, as `rsdir route --format json`
 *  prints it; with `all`, every other lender's decision too, under `refused` (without `file`). */
export function route(directory, request, { on, all = false, lang } = {}) {
  return answering(directory, lang, () => {
    const day = dayOf(on);
    const document = asDocument(request);
    const parsed = parseRequest(directory.requestSchema, document);
    const { borrower } = resolveParties(directory, parsed, document, { needLender: false });
    return routeRequest(directory, parsed, borrower, day, { all });
  });
}

/** A request file's content (`bytes`, as read from a file the user chose), read as strictly as
 *  `rsdir` reads it, for `check` or `route`; throws a `YamlError` carrying the positioned problem
 *  when it is not readable YAML. Loads the YAML parser the first time it is needed. */
export async function readRequestFile(directory, bytes, file, { lang } = {}) {
  const loader = await import("./engine/loader.mjs");
  return answering(directory, lang, () => loader.readRequestFile(bytes, file));
}

/** The partnerships of `id` (a directory id or an agency id), as `rsdir partners ID [OTHER]
 *  --format json` prints them. */
export function partners(directory, id, other = null, { lang } = {}) {
  return answering(directory, lang, () => {
    let me;
    let partner = null;
    try {
      me = directory.resolve(id);
      if (other !== null && other !== undefined && other !== "") partner = directory.resolve(other);
    } catch (error) {
      if (error instanceof UnknownInstitution) throw new Error(error.message);
      throw error;
    }
    if (partner !== null && partner.id === me.id) {
      throw new Error(say("partners.same-library", { institution: id, other, library: me.id }));
    }
    return partnerships(directory, me.id, partner === null ? null : partner.id);
  });
}
