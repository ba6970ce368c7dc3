/*
 * Numbers as Python holds them, so that a sentence says "4.0 days" or "EUR 12345678901234567"
 * exactly where `rsdir` does. Python tells whole floats from integers and keeps integers of any
 * size; a JavaScript number does neither. Such values travel as a `PyNumber`: its value for
 * comparisons (a number, or a BigInt beyond 2**53) and the text Python prints for it. Ordinary
 * numbers stay plain numbers: an integral one is a Python int, any other a Python float.
 */

export class PyNumber {
  constructor(value, text) {
    this.value = value;
    this.text = text;
    Object.freeze(this);
  }

  // Comparisons (<, <=) call this, so a PyNumber compares like its value, BigInt or not.
  valueOf() { return this.value; }

  toString() { return this.text; }

  toJSON() { return JSON.rawJSON(this.text); }
}

const DIGITS = /^-?[0-9]+$/;

/** A number of the compact feed file: written there as a string when JavaScript would not read
 *  or print it as Python does (see builder/exports/compact.py). */
export function portableNumber(written) {
  if (typeof written !== "string") return written;
  return new PyNumber(DIGITS.test(written) ? BigInt(written) : Number(written), written);
}

/** Python's repr() of a float, from JavaScript's shortest digits of the same double. */
export function floatRepr(value) {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const [mantissa, exponent] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const point = Number(exponent) + 1;          // where the decimal point falls in `digits`
  if (point <= -4 || point > 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const power = Math.abs(point - 1);
    return `${sign}${digits[0]}${rest}e${point - 1 < 0 ? "-" : "+"}${String(power).padStart(2, "0")}`;
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** What Python's str() prints for a number. */
export function numberText(value) {
  if (value instanceof PyNumber) return value.text;
  if (typeof value === "bigint") return String(value);
  return Number.isInteger(value) ? String(value) : floatRepr(value);
}

// builder/loader.py's plain integers and decimals: what a file may hold as a number.
export const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]{0,17})$/;
export const DECIMAL_TEXT = /^-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,18}$/;

/** A number read from text as the strict YAML loader reads a plain scalar (builder/loader.py):
 *  `12` an integer, `12.0` a float; undefined for anything else. */
export function numberFromText(text) {
  if (INTEGER_TEXT.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? (Object.is(value, -0) ? 0 : value) : new PyNumber(BigInt(text), String(BigInt(text)));
  }
  if (DECIMAL_TEXT.test(text)) {
    const value = Number(text);
    return Number.isInteger(value) ? new PyNumber(value, floatRepr(value)) : value;
  }
  return undefined;
}

export function isNumber(value) {
  return (typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint" || value instanceof PyNumber;
}

/** Python's "integer" in JSON Schema: an int, or a float with nothing after the point. */
export function isWholeNumber(value) {
  const plain = value instanceof PyNumber ? value.value : value;
  return typeof plain === "bigint" || Number.isInteger(plain);
}

/** Python's truth of a number: zero (0, 0.0, -0.0) is false. */
export function isZero(value) {
  return Number(value) === 0;
}

/** The plain value to compute with: a number, or a BigInt for integers beyond 2**53. */
export function plain(value) {
  return value instanceof PyNumber ? value.value : value;
}
