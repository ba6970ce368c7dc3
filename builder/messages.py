"""Every sentence `rsdir` says about partnerships, decisions and request files, as one table.

Each entry is one whole message with named placeholders (`{lender}`), never a sentence glued
from pieces, so that it can be translated as it stands. The site's engine (`assets/decide.mjs`)
reads the same table, written out by the build as `assets/messages/en.json`, so the browser and
the command line say exactly the same. Placeholders are plain names: both sides only replace
`{name}` with the value's text.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping

MESSAGES: dict[str, str] = {
    # --- the checks between two libraries (steps 1 to 4; partners.py) -------------------------
    "refusal.inactive": "{library} is inactive in the directory and takes part in no interlibrary loan for now.",
    "refusal.borrowing-off": "{borrower} does not borrow through the directory (borrowing is switched off in its "
                     "profile).",
    "refusal.not-lending": "{lender} does not lend through the directory.",
    "refusal.partnership-neither": "{lender} and {borrower} have not listed each other as partners.",
    "refusal.partnership-lender-missing": "{lender} has not listed {borrower} as a partner, so it does not take its "
                                  "requests.",
    "refusal.partnership-borrower-missing": "{borrower} has not listed {lender} as a partner; partnerships must be "
                                    "listed on both sides.",
    "refusal.channel-none-listed": "{lender} lists no request channel, so no request can reach it.",
    "refusal.channel-other-family": "{lender} takes requests by {theirs} only, and {borrower} has no such channel: its "
                            "own channels use {ours}.",
    "refusal.channel-borrower-has-none": "{lender} takes requests by {theirs} only, and {borrower} has no such "
                                 "channel: it lists no request channel.",
    "refusal.country-excluded": "{lender} does not lend to {country}, where {borrower} is.",
    "refusal.country-not-listed": "{lender} lends to {countries} only; {borrower} is in {country}.",
    # --- the checks of one request (steps 5 to 11; decide.py) ----------------------------------
    "refusal.closure": "{lender} is closed from {start} to {end}, both days included; send the request again after "
               "{end}.",
    "refusal.closure-with-note": "{lender} is closed from {start} to {end}, both days included; send the request "
                         "again after {end}. Its note: {note}",
    "refusal.service-copies-only": "{lender} supplies no loans, only copies; ask for a copy instead.",
    "refusal.service-loans-only": "{lender} supplies no copies, only loans; ask for a loan instead.",
    "refusal.service-none": "{lender} offers neither loans nor copies.",
    "refusal.publication-type-loan": "{lender} supplies loans of {types} only, not of {asked}.",
    "refusal.publication-type-copy": "{lender} supplies copies of {types} only, not of {asked}.",
    "refusal.rule": "{lender} does not accept {requests} (its rule {rule}).",
    "refusal.rule-with-note": "{lender} does not accept {requests} (its rule {rule}). {note}",
    "refusal.service-level": "{lender} serves the service levels {levels} only; the request asks for {asked}.",
    "refusal.delivery-method-loan": "{lender} sends loans by {methods} only; the request asks for {asked}.",
    "refusal.delivery-method-copy": "{lender} sends copies by {methods} only; the request asks for {asked}.",
    "refusal.payment-method": "{lender} accepts payment by {methods} only; the request offers {asked}.",
    "refusal.cost-currency-loan": "{lender} charges {fee} per loan, and the maximum cost is in {max_currency}; give a "
                          "maximum cost in {currency}.",
    "refusal.cost-currency-copy": "{lender} charges {fee} per copy, and the maximum cost is in {max_currency}; give a "
                          "maximum cost in {currency}.",
    "refusal.cost-over-loan": "{lender} charges {fee} per loan, more than the maximum cost of {max_cost}.",
    "refusal.cost-over-copy": "{lender} charges {fee} per copy, more than the maximum cost of {max_cost}.",
    "refusal.need-before": "{lender} answers within {days} days of the request date ({day}); the request is needed "
                   "before {need_before}.",
    "accept.loan-fee": "{lender} would accept this loan request from {borrower}: send it by {method}; fee: "
                       "{fee}.",
    "accept.loan-free": "{lender} would accept this loan request from {borrower}: send it by {method}; no fee.",
    "accept.copy-fee": "{lender} would accept this copy request from {borrower}: send it by {method}; fee: "
                       "{fee}.",
    "accept.copy-free": "{lender} would accept this copy request from {borrower}: send it by {method}; no fee.",
    # --- the requests a lender's rule describes (wording.py) -----------------------------------
    "rule.requests-loan": "loan requests",
    "rule.requests-copy": "copy requests",
    "rule.requests-any": "requests",
    "rule.publication-type": "for {types}",
    "rule.item-format": "in the format {formats}",
    "rule.published-within-one-year": "published in the last {years} year",
    "rule.published-within-years": "published in the last {years} years",
    "rule.published-before": "published before {year}",
    "rule.requester-country": "from libraries in {countries}",
    "rule.service-level": "at the service level {levels}",
    "rule.need-before-within-days": "needed within {days} days",
    "rule.pages-over": "for more than {pages} pages",
    "rule.max-cost-below": "offering to pay less than {amount}",
    # --- lists in sentences: "a, b or c", "a, b and c" ----------------------------------------
    "list.separator": ", ",
    "list.or": "{first} or {last}",
    "list.and": "{first} and {last}",
    # --- naming a library (model.py, requests.py, cli.py) -------------------------------------
    "reference.left-out": "the profile of `{reference}` has validation errors and was left out; run "
                          "`rsdir validate` to see them",
    "reference.unknown-id": "`{reference}` is not an institution of the directory; check the id",
    "reference.unknown-agency-id": "no institution has the identifier `{reference}`; check it, or use the "
                                   "directory id",
    "reference.ambiguous": "`{reference}` matches several institutions ({matches}); use the directory id "
                           "instead",
    "request.date-invalid": "`{field}` is {text}, which is not a day of the calendar; write an existing date as "
                            "YYYY-MM-DD",
    "request.lender-missing": "`lender` is missing; name the library to ask (or use `rsdir route` to find "
                              "lenders)",
    "request.same-library": "borrower and lender are both {library}; a library does not request from itself",
    "cli.on-not-a-date": "`{value}` is not a date; write YYYY-MM-DD",
    # --- ISO 18626 request messages (exports/iso18626.py, `rsdir check --iso18626`) ------------
    "iso18626.no-symbol": "{library} has no ISO 18626 agency symbol: none of its ISO 18626 or ILLiad channels "
                          "has a `symbol`, and its identifiers have no ISIL or OCLC symbol; add one to its profile",
    "iso18626.not-xml-text": "the {field} holds the character U+{code}, which XML cannot carry; remove it",
    "iso18626.bad-file-name": "its id `{id}` cannot be a file name (it holds `/` or `\\`, or is `.` or `..`); "
                              "give the request another id",
    "iso18626.duplicate-id": "an earlier request of this run has the same id and was written as {file}; give "
                             "each request its own id",
    "iso18626.not-written": "{file}: request {id}: no ISO 18626 message written: {reason}",
    "iso18626.written": "ISO 18626 request messages written into {folder}: {count}",
    "iso18626.folder-unusable": "cannot write ISO 18626 messages into {folder}: {reason}; choose another folder",
    "partners.same-library": "`{institution}` and `{other}` are both {library}; give a different library as "
                             "OTHER, or leave it out to see all of its partnerships",
    # --- reading a YAML file strictly (loader.py, records.py) -----------------------------------
    "yaml.too-large": "the file is larger than the {limit} bytes a record may have; shorten long texts",
    "yaml.not-utf8": "byte 0x{byte} is not UTF-8; save the file as UTF-8 text",
    "yaml.surrogate": "U+{code} is half of a character (a lone surrogate); write the character itself, or one "
                      "`\\U0001F600`-style escape instead of a pair of `\\u` escapes",
    "yaml.separator": "U+{code} (an invisible line or paragraph separator) is not allowed; use an ordinary line "
                      "break or a space instead",
    "yaml.byte-order-mark": "a byte-order mark is allowed only at the very start of the file",
    "yaml.control-character": "control character U+{code} is not allowed; delete it",
    "yaml.bidi-control": "invisible direction-changing character U+{code} is not allowed; delete it",
    "yaml.bad-escape": "`{escape}` is not a Unicode character (the highest is U+10FFFF); write the character itself "
                       "or fix the code",
    "yaml.this-escape": "this escape",
    "yaml.scalar-too-long": "this value is {length} characters long; the limit is {limit}",
    "yaml.special-number": "`{text}` (infinity or not-a-number) is not allowed; write a plain number",
    "yaml.key-is-container": "a key must be a plain name, not a list or mapping",
    "yaml.key-not-text": "the key `{key}` is not text; field names are words such as `name`",
    "yaml.key-line-break": "a field name cannot contain line breaks or tabs; field names are words such as `name`",
    "yaml.duplicate-key": "`{key}` appears twice in the same mapping (first at line {line}); keep one of them",
    "yaml.several-documents": "the file holds more than one YAML document (`---`); keep one record per file",
    "yaml.alias": "`*{anchor}` refers to an anchor; anchors and aliases are not allowed, write the value out in full",
    "yaml.anchor": "`&{anchor}` defines an anchor; anchors and aliases are not allowed, write the value out in full",
    "yaml.tag": "the tag `{tag}` is not allowed; remove it and write a plain value",
    "yaml.directive": "a `%YAML` or `%TAG` directive is not allowed; delete the line that starts with `%` (and "
                      "the `---` below it)",
    "yaml.comment-touching": "a comment needs a space before its `#`: without one, YAML readers disagree on where "
                             "the value ends; put a space before the `#`",
    "yaml.continuation-indent": "this line continues a value that started on line {line}, so it must be indented "
                                "by at least {least} spaces (more than the field it belongs to); indent it",
    "yaml.continuation-indent-one": "this line continues a value that started on line {line}, so it must be "
                                    "indented by at least {least} space (more than the field it belongs to); indent "
                                    "it",
    "yaml.flow-key": "`?` right before a word is read as an explicit-key sign by some YAML readers and as part of "
                     "the text by others; put the text in quotes (`\"?...\"`) or a space after the `?`",
    "yaml.too-many-nodes": "the file has more than {limit} values; a record is much smaller",
    "yaml.too-deep": "values are nested more than {limit} levels deep",
    "yaml.too-deep-unlimited": "values are nested too deeply",
    "yaml.syntax": "YAML syntax error: {problem}; check indentation, colons and quotes here",
    "yaml.syntax-only": "YAML syntax error: {problem}",
    "yaml.not-valid": "the file is not valid YAML",
    "yaml.empty": "the file is empty; a record is a mapping of fields such as `id: ...`",
    "yaml.list-not-mapping": "the file must hold a mapping of fields (`id: ...`, `name: ...`), not a list",
    "yaml.value-not-mapping": "the file must hold a mapping of fields (`id: ...`, `name: ...`), not a single value",
    "yaml.unreadable": "cannot read the file: {reason}",
    # --- a value against its JSON Schema (schemas.py) -----------------------------------------
    "schema.field": "`{name}`",
    "schema.this-value": "this value",
    "schema.required": "required field {names} is missing; add it here",
    "schema.unknown-field-close": "unknown field {names}; did you mean `{close}`?",
    "schema.unknown-field": "unknown field {names}; allowed here: {allowed}",
    "schema.type": "{field} must be {wanted}, not {value}",
    "schema.type-string": "text",
    "schema.type-integer": "a whole number",
    "schema.type-number": "a number",
    "schema.type-boolean": "true or false",
    "schema.type-array": "a list",
    "schema.type-object": "a mapping of fields",
    "schema.type-null": "empty",
    "schema.type-alternatives": "{first} or {second}",
    "schema.enum-close": "{value} is not allowed for {field}; did you mean `{close}`?",
    "schema.enum-options": "{value} is not allowed for {field}; use one of: {options}",
    "schema.enum-reference": "{value} is not allowed for {field}; see the field reference",
    "schema.pattern": "{value} is not in the expected form for {field}",
    "schema.pattern-hint": "{value} is not in the expected form for {field} ({hint})",
    "schema.empty": "{field} must not be empty",
    "schema.too-short": "{field} needs at least {limit} characters",
    "schema.too-long": "{field} is {length} characters long; at most {limit} are allowed",
    "schema.items-at-least-one": "{field} needs at least {limit} entry",
    "schema.items-at-least": "{field} needs at least {limit} entries",
    "schema.items-at-most-one": "{field} needs at most {limit} entry",
    "schema.items-at-most": "{field} needs at most {limit} entries",
    "schema.unique": "{field} lists the same entry twice; remove the repeat",
    "schema.minimum": "{field} must be at least {bound}, not {value}",
    "schema.maximum": "{field} must be at most {bound}, not {value}",
    "schema.exclusive-minimum": "{field} must be more than {bound}, not {value}",
    "schema.exclusive-maximum": "{field} must be less than {bound}, not {value}",
    "schema.other": "{field}: {detail}",
}


def say(key: str, /, **values: object) -> str:
    """The message `key` with its placeholders filled in by the text of `values`."""
    return MESSAGES[key].format_map({name: str(value) for name, value in values.items()})


def placeholders(template: str) -> list[str]:
    """The names of a message's placeholders, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def messages_json(extra: Mapping[str, object] | None = None) -> bytes:
    """The table as the site's engine reads it (`assets/messages/en.json`), with `extra` tables
    (country names, code labels) beside it; sorted keys, so a rebuild gives the same bytes."""
    document = {"messages": MESSAGES, **(extra or {})}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
