/*
 * Amounts of money as people read them (builder/money.py): a currency code and a plain decimal
 * number, digits however large ("EUR 1234567"), cents only when there are some ("EUR 7.50").
 * Worked out on the decimal text Python prints for the amount, rounded half up as Python's
 * Decimal does, so both sides write the same digits.
 */

import { numberText } from "./numbers.mjs";

const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/;

function plainNumber(amount) {
  const text = numberText(amount);
  const parts = DECIMAL.exec(text);
  if (!parts) return text;                   // inf or nan: Python prints them as they are
  const [, sign, whole, fraction = "", exponent = "0"] = parts;
  // The amount is digits × 10^shift; in cents, digits × 10^(shift + 2).
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + 2;
  let cents;
  if (shift >= 0) {
    cents = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    cents = digits / divisor + (2n * (digits % divisor) >= divisor ? 1n : 0n);
  }
  const units = cents / 100n;
  const rest = cents % 100n;
  return rest === 0n ? `${sign}${units}` : `${sign}${units}.${String(rest).padStart(2, "0")}`;
}

/** `EUR 1234567`, `EUR 5`, `EUR 7.50`; the bare number when the currency is not known. */
export function formatMoney(amount, currency) {
  const number = plainNumber(amount);
  return currency ? `${currency} ${number}` : number;
}
