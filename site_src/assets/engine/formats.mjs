/*
 * Money, days and lists as a reader of each language writes them (builder/formats.py). English
 * keeps the command line's own forms; the other languages follow Babel, from the locale data the
 * build exports into assets/messages/<lang>.json (`formats`), applied here by Babel's rules:
 * the browser's Intl has CLDR data of its own, which does not always agree with Babel's.
 */

import { formats } from "./messages.mjs";
import { formatMoney as plainMoney } from "./money.mjs";
import { numberText } from "./numbers.mjs";

function pattern(template, first, second) {
  return template.replace(/\{([01])\}/g, (whole, which) => (which === "0" ? first : second));
}

/** `a`, `a or b`, `a, b or c` (`last` is "or" or "and"), as Babel's `format_list` joins them. */
export function joinList(words, last) {
  if (words.length <= 1) return words.join("");
  const patterns = formats().lists[last];
  if (words.length === 2) return pattern(patterns["2"], words[0], words[1]);
  let joined = pattern(patterns.start, words[0], words[1]);
  for (const word of words.slice(2, -1)) joined = pattern(patterns.middle, joined, word);
  return pattern(patterns.end, joined, words[words.length - 1]);
}

const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/;

/** The digits of `amount` (as Python writes it) rounded to `places` decimals, half to even as
 *  Python's Decimal rounds by default: [negative, integer digits, fraction digits]. */
function rounded(amount, places) {
  const [, sign, whole, fraction = "", exponent = "0"] = DECIMAL.exec(numberText(amount));
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + places;    // amount = digits × 10^(shift - places)
  let units;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const [quotient, rest] = [digits / divisor, digits % divisor];
    const up = 2n * rest > divisor || (2n * rest === divisor && quotient % 2n === 1n);
    units = quotient + (up ? 1n : 0n);
  }
  const text = String(units).padStart(places + 1, "0");
  return [sign === "-", text.slice(0, text.length - places), text.slice(text.length - places)];
}

function groupedInteger(digits, numberPattern, group) {
  let value = digits.padStart(numberPattern.integer_digits, "0");
  let size = numberPattern.grouping[0];
  let grouped = "";
  while (value.length > size) {
    grouped = group + value.slice(-size) + grouped;
    value = value.slice(0, -size);
    size = numberPattern.grouping[1];
  }
  return value + grouped;
}

function fractionText(digits, [least, most], decimal) {
  let value = digits.padEnd(least, "0");
  if (most === 0 || (least === 0 && /^0*$/.test(value))) return "";
  while (value.length > least && value.endsWith("0")) value = value.slice(0, -1);
  return decimal + value;
}

/** Babel's `NumberPattern.apply` for the currency and decimal patterns the build exports. */
function applyPattern(amount, currency, money) {
  const numberPattern = currency ? money.currency_pattern : money.decimal_pattern;
  const [symbol, digits] = currency ? money.currencies[currency] ?? [currency, 2] : [null, null];
  const places = currency ? [digits, digits] : numberPattern.fraction_digits;
  const [negative, whole, fraction] = rounded(amount, places[1]);
  const number = groupedInteger(whole, numberPattern, money.group) + fractionText(fraction || "0", places, money.decimal);
  let text = numberPattern.prefix[negative ? 1 : 0] + number + numberPattern.suffix[negative ? 1 : 0];
  if (currency && text.includes("¤")) text = text.replaceAll("¤¤", currency.toUpperCase()).replaceAll("¤", symbol);
  return text.replace(/'([^']*)'/g, (whole, inner) => inner || "'");
}

/** An amount in the language: "EUR 7.50" in English, "7,50 €" in German; the bare number when
 *  the currency is not known. */
export function formatMoney(amount, currency) {
  const money = formats().money;
  return money === null ? plainMoney(amount, currency) : applyPattern(amount, currency, money);
}

/** A day (`YYYY-MM-DD`) in the language: as it is in English, "23. Dezember 2026" in German,
 *  by the long date pattern's fields (day, month, year) and quoted text. */
export function formatDay(day) {
  const format = formats().day;
  if (format === null) return day;
  const [year, month, date] = day.split("-").map(Number);
  const fields = {
    d: (count) => String(date).padStart(count, "0"),
    M: (count) => (count >= 4 ? format.months[month - 1] : String(month).padStart(count, "0")),
    y: (count) => (count === 2 ? String(year % 100).padStart(2, "0") : String(year).padStart(count, "0")),
  };
  return format.pattern.replace(/'([^']*)'|([a-zA-Z])\2*/g, (whole, quoted, letter) => {
    if (letter === undefined) return quoted || "'";
    if (!Object.hasOwn(fields, letter) || (letter === "M" && whole.length === 3)) {
      throw new Error(`the date pattern ${format.pattern} has a field (${whole}) the engine does not write`);
    }
    return fields[letter](whole.length);
  });
}
