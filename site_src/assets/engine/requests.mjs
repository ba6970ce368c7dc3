/*
 * Requests: checked against the request schema, their dates and their libraries found
 * (builder/requests.py). Every problem comes back positioned (field, and line and column for a
 * file that was read) with the message `rsdir` prints, so the page can show it beside its field.
 */

import { parseDay } from "./days.mjs";
import { say } from "./messages.mjs";
import { UnknownInstitution } from "./model.mjs";
import { isMapping, schemaProblems } from "./schemas.mjs";

const YEAR = /(?<![0-9])([0-9]{4})(?![0-9])/;

/** `["lending", "rules", 0]` → `$.lending.rules[0]` (builder/problems.py). */
export function jsonPath(parts) {
  let out = "$";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z0-9_-]*$/.test(part) && /[A-Za-z0-9]/.test(part)) out += `.${part}`;
    else out += `['${part.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}']`;
  }
  return out;
}

/** A request file's data with where each value and key was written (builder/loader.py's
 *  Document). Data that was never a file is placed as `rsdir` would read it written out one
 *  field per line, so its problems come in the same order as the command's. */
export class LoadedFile {
  constructor(file, data, valuePositions, keyPositions, { fromFile = true } = {}) {
    Object.assign(this, { file, data, valuePositions, keyPositions, fromFile });
  }

  static fromData(data, file = "") {
    const values = new Map();
    const keys = new Map();
    let line = 1;
    const place = (value, path, column) => {
      values.set(jsonPath(path), [line, column]);
      if (isMapping(value) && Object.keys(value).length) {
        for (const [key, item] of Object.entries(value)) {
          keys.set(jsonPath([...path, key]), [line, column]);
          const written = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
          if (isBlock(item)) {
            line += 1;
            place(item, [...path, key], column + 2);
          } else {
            values.set(jsonPath([...path, key]), [line, column + Array.from(written).length + 2]);
            line += 1;
          }
        }
      } else if (Array.isArray(value) && value.length) {
        value.forEach((item, n) => {
          values.set(jsonPath([...path, n]), [line, column + 2]);
          if (isBlock(item)) place(item, [...path, n], column + 2);
          else line += 1;
        });
      } else {
        line += 1;
      }
    };
    place(data, [], 1);
    return new LoadedFile(file, data, values, keys, { fromFile: false });
  }

  /** Line and column of the value at `path` (or of its key), else of its nearest parent. */
  position(path, { atKey = false } = {}) {
    if (atKey && this.keyPositions.has(jsonPath(path))) return this.keyPositions.get(jsonPath(path));
    for (let end = path.length; end > 0; end--) {
      const found = this.valuePositions.get(jsonPath(path.slice(0, end)));
      if (found) return found;
    }
    return this.valuePositions.get("$") ?? [1, 1];
  }

  problem(path, code, message, { atKey = false } = {}) {
    const [line, column] = this.position(path, { atKey });
    return { file: this.file, line, column, severity: "error", path: jsonPath(path), code, message };
  }
}

function isBlock(value) {
  return (isMapping(value) && Object.keys(value).length > 0) || (Array.isArray(value) && value.length > 0);
}

/** A request that cannot be answered; carries the positioned problems that say why. Its message
 *  is theirs, joined as `rsdir` joins them. */
export class RequestError extends Error {
  constructor(problems) {
    super(problems.map((problem) => problem.message).join("; "));
    this.name = "RequestError";
    this.problems = problems;
  }
}

function realDate(document, key, problems) {
  const text = document.data[key];
  if (text === undefined || text === null) return null;
  const day = parseDay(text);
  if (day === null) {
    problems.push(document.problem([key], "request-date-invalid", say("request.date-invalid", { field: key, text })));
  }
  return day;
}

/** The request held by a document, as the decision checks read it; throws `RequestError` when
 *  it is not a valid request. Optional fields the borrower left out are null. */
export function parseRequest(schema, document) {
  const problems = schemaProblems(schema, document);
  if (problems.length) throw new RequestError(problems);
  const data = document.data;
  const needBefore = realDate(document, "need_before", problems);
  const date = realDate(document, "date", problems);
  if (problems.length) throw new RequestError(problems);
  const optional = (key) => data[key] ?? null;
  const publicationDate = optional("publication_date");
  const year = publicationDate === null ? null : YEAR.exec(publicationDate);
  return {
    id: data.id, borrower: data.borrower, lender: optional("lender"), service_type: data.service_type,
    publication_type: data.publication_type, title: data.title, author: optional("author"),
    publication_date: publicationDate, item_format: optional("item_format"), service_level: optional("service_level"),
    delivery_method: optional("delivery_method"), payment_method: optional("payment_method"), pages: optional("pages"),
    need_before: needBefore, max_cost: data.max_cost ? { amount: data.max_cost.amount, currency: data.max_cost.currency } : null,
    date,
    // The first four-digit year in `publication_date` (ISO 18626 leaves its form free).
    publicationYear: year === null ? null : Number(year[1]),
  };
}

function resolveParty(directory, document, key) {
  try {
    return directory.resolve(document.data[key]);
  } catch (error) {
    if (!(error instanceof UnknownInstitution)) throw error;
    // The problem's path names the field already.
    throw new RequestError([document.problem([key], "unknown-institution", error.message)]);
  }
}

/** The borrower and (for `check`) the lender; every naming problem is reported at once. */
export function resolveParties(directory, request, document, { needLender }) {
  const problems = [];
  let borrower = null;
  let lender = null;
  const attempt = (key) => {
    try {
      return resolveParty(directory, document, key);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      problems.push(...error.problems);
      return null;
    }
  };
  borrower = attempt("borrower");
  if (needLender) {
    if (request.lender === null) problems.push(document.problem([], "request-lender-missing", say("request.lender-missing")));
    else lender = attempt("lender");
  }
  if (borrower !== null && lender !== null && borrower.id === lender.id) {
    problems.push(document.problem(["lender"], "request-same-library", say("request.same-library", { library: borrower.id })));
  }
  if (problems.length) throw new RequestError(problems);
  return { borrower, lender };
}
