/*
 * What the pages that answer requests share: loading the engine once, building elements (record
 * text only ever through textContent and attribute setters), and showing a channel, a fee and a
 * code the way a librarian reads them. Nothing here knows a rule: the answers come from
 * decide.mjs.
 */

import { formatMoney } from "./engine/formats.mjs";
import { speaking } from "./engine/messages.mjs";
import { speak, t } from "./i18n.mjs";

export const SITE_ROOT = new URL("../", import.meta.url);
/** Where the pages of this page's language start: the site's root for English, `de/` below it for
 *  German (builder/site/languages.py). The theme names it as the page's `base`. */
export const PAGES_ROOT = pagesRoot();

function pagesRoot() {
  const config = globalThis.document?.getElementById("__config");
  return config ? new URL(`${JSON.parse(config.textContent).base}/`, location.href) : SITE_ROOT;
}

/** The language of this page (`<html lang>`), which the engine answers in: English where the
 *  page names no language the engine speaks. */
export const LANG = pageLanguage();

function pageLanguage() {
  const lang = globalThis.document?.documentElement.lang.toLowerCase().split("-")[0];
  return ["en", "de", "fr", "es"].includes(lang) ? lang : "en";
}

// The page's words are read before any module that shows them is evaluated, so their tables of
// words (below, and in the modules that import this one) are in the page's language; English
// needs no catalog, and a catalog that cannot be read leaves the words in English.
if (LANG !== "en") await speak(LANG).catch(() => null);

export const TEXT = {
  loading: t("Loading the directory…"),
  loadFailed: t("The directory could not be loaded, so nothing can be checked here. Reload the page, or use rsdir."),
  channel: t("Channel"),
  channelFields: [
    ["institution_code", t("Alma institution code")], ["url", t("Endpoint")], ["host", t("Host")], ["port", t("Port")],
    ["symbol", t("Agency symbol")], ["email", t("Send requests to")],
  ],
  parameter: t("Parameter"),
  noFee: t("No fee"),
  fee: t("Fee: {amount}"),
};

let engine = null;

/** The engine and the directory of this site, loaded once per page. */
export function loadEngine() {
  if (engine === null) {
    engine = import("./decide.mjs").then(async (decide) => {
      const directory = await decide.loadDirectory(SITE_ROOT, { lang: LANG });
      return { decide, directory, lang: LANG, words: directory.languages.get(LANG) };
    });
  }
  return engine;
}

/** An element with attributes (set one by one) and children (text becomes text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** A problem's message as nodes: what it quotes in `backticks` (a field, a value, a command)
 *  shown as code, the rest as text. (The decision sentences quote nothing so.) */
export function message(text) {
  return String(text).split("`").map((part, n) => (n % 2 ? el("code", {}, part) : part));
}

export function fill(template, values) {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name) => String(values[name]));
}

/** Plain words for a code (`ConferenceProc` → "Conference proceedings"), or "" when it says it plainly. */
export function codeWords(words, list, code) {
  const found = (words.codes[list] ?? []).find(([value]) => value === code);
  return found ? found[1] : "";
}

/** "PolicyProblem (Against our lending policy)": the code as ISO 18626 names it, and its words. */
export function codeWithWords(words, list, code) {
  const plain = codeWords(words, list, code);
  return el("span", { className: "rs-coded" }, el("code", {}, code), plain ? ` (${plain})` : "");
}

/** A fee as the engine's sentences write money in the page's language (`words`). */
export function feeText(fee, words) {
  if (fee === null || Number(fee.amount) === 0) return TEXT.noFee;
  return fill(TEXT.fee, { amount: speaking(words, () => formatMoney(fee.amount, fee.currency)) });
}

/** A `mailto:` link to exactly this address: `?`, `&`, `#` and `%` are encoded, so a record cannot
 *  add a subject, a copy recipient or a body (as the institution pages do). */
export function mailto(address) {
  const href = "mailto:" + Array.from(new TextEncoder().encode(address), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9_.~@-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  return el("a", { href }, address);
}

/** What the borrower needs to send by `channel`: its method in words and each of its settings. */
export function channelDetails(words, channel) {
  const list = el("dl", { className: "rs-channel" },
    el("dt", {}, TEXT.channel), el("dd", {}, words.channels[channel.method] ?? channel.method, " ", el("code", {}, channel.method)));
  for (const [field, label] of TEXT.channelFields) {
    if (channel[field] === undefined) continue;
    const value = field === "email" ? mailto(String(channel[field])) : el("code", {}, String(channel[field]));
    list.append(el("dt", {}, label), el("dd", {}, value));
  }
  for (const [name, value] of Object.entries(channel.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.append(el("dt", {}, TEXT.parameter, " ", el("code", {}, name)), el("dd", {}, el("code", {}, String(value))));
  }
  return list;
}

/** A link to an institution's page on this site. */
export function institutionLink(directory, id) {
  const institution = directory.institutions.get(id);
  return el("a", { href: new URL(`institutions/${encodeURIComponent(id)}/`, PAGES_ROOT).href }, institution ? institution.name : id);
}
