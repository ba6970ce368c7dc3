/*
 * Calendar days as `YYYY-MM-DD` text, which Python's `datetime.date` prints and which sorts as the
 * days do. Only days Python has (years 1 to 9999) exist; counting is done on day numbers, so
 * that no day is ever off by a time zone or a change of summer time.
 */

const SHAPE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function leap(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** The day `text` names, as the same text; null when it is not a day of the calendar. */
export function parseDay(text) {
  const parts = typeof text === "string" ? SHAPE.exec(text) : null;
  if (!parts) return null;
  const [year, month, day] = parts.slice(1).map(Number);
  const lengths = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= lengths[month - 1] ? text : null;
}

// A route compares the same few days thousands of times.
const numbers = new Map();

function dayNumber(text) {
  let number = numbers.get(text);
  if (number === undefined) {
    if (numbers.size > 10_000) numbers.clear();
    numbers.set(text, number = civilDayNumber(text));
  }
  return number;
}

function civilDayNumber(text) {
  // Days since 0000-03-01 of the proleptic Gregorian calendar (the "days from civil" method).
  let [year, month, day] = text.split("-").map(Number);
  if (month <= 2) year -= 1;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
}

/** Days from `first` to `second` (negative when `second` is earlier). */
export function daysBetween(first, second) {
  return dayNumber(second) - dayNumber(first);
}

export function yearOf(day) {
  return Number(day.slice(0, 4));
}

/** Today on the reader's own calendar. */
export function today() {
  const now = new Date();
  return [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map((part, n) => String(part).padStart(n === 0 ? 4 : 2, "0")).join("-");
}
