"""Every sentence `rsdir` says about partnerships, decisions and request files, as one table.

Each entry is one whole message with named placeholders (`{lender}`), never a sentence glued
from pieces, so that it can be translated as it stands; a sentence with a number in it has a
plural form, chosen by that number as each language's grammar wants. The English words are the
message ids of the `engine` gettext domain (builder/catalogs.py), the key its message context.
The site's engine (`assets/decide.mjs`) reads the same table in each language, written out by the
build as `assets/messages/<lang>.json`, so the browser and the command line say exactly the
same. Placeholders are plain names: both sides only replace `{name}` with the value's text.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass

from .catalogs import SOURCE_LANGUAGE, fill, plural_count, plural_expression, plural_forms, translations


@dataclass(frozen=True)
class Message:
    key: str
    text: str                      # English; for a plural message, the singular
    plural: str | None = None      # the English plural
    count: str | None = None       # the placeholder whose number chooses between them

    def forms(self, lang: str) -> list[str]:
        """The message in `lang`: its text, or for a plural message every form, in the order of
        the language's plural expression."""
        if self.plural is None:
            return [translations("engine", lang).pgettext(self.key, self.text)]
        return plural_forms("engine", lang, self.key, self.text, self.plural)


# These two names mark the messages for extraction (`message:1c,2`, `plural:1c,3,4`).
def message(key: str, text: str) -> Message:
    return Message(key, text)


def plural(key: str, count: str, singular: str, many: str) -> Message:
    return Message(key, singular, many, count)


def _table(*messages: Message) -> dict[str, Message]:
    return {entry.key: entry for entry in messages}


MESSAGES: dict[str, Message] = _table(
    # --- the checks between two libraries (steps 1 to 4; partners.py) -------------------------
    message("refusal.inactive", "{library} is inactive in the directory and takes part in no interlibrary loan for now."),
    message("refusal.borrowing-off", "{borrower} does not borrow through the directory (borrowing is switched off in its "
                     "profile)."),
    message("refusal.not-lending", "{lender} does not lend through the directory."),
    message("refusal.partnership-neither", "{lender} and {borrower} have not listed each other as partners."),
    message("refusal.partnership-lender-missing", "{lender} has not listed {borrower} as a partner, so it does not take its "
                                  "requests."),
    message("refusal.partnership-borrower-missing", "{borrower} has not listed {lender} as a partner; partnerships must be "
                                    "listed on both sides."),
    message("refusal.channel-none-listed", "{lender} lists no request channel, so no request can reach it."),
    message("refusal.channel-other-family", "{lender} takes requests by {theirs} only, and {borrower} has no such channel: its "
                            "own channels use {ours}."),
    message("refusal.channel-borrower-has-none", "{lender} takes requests by {theirs} only, and {borrower} has no such "
                                 "channel: it lists no request channel."),
    message("refusal.country-excluded", "{lender} does not lend to {country}, where {borrower} is."),
    message("refusal.country-not-listed", "{lender} lends to {countries} only; {borrower} is in {country}."),
    # --- the checks of one request (steps 5 to 11; decide.py) ----------------------------------
    message("refusal.closure", "{lender} is closed from {start} to {end}, both days included; send the request again after "
               "{end}."),
    message("refusal.closure-with-note", "{lender} is closed from {start} to {end}, both days included; send the request "
                         "again after {end}. Its note: {note}"),
    message("refusal.service-copies-only", "{lender} supplies no loans, only copies; ask for a copy instead."),
    message("refusal.service-loans-only", "{lender} supplies no copies, only loans; ask for a loan instead."),
    message("refusal.service-none", "{lender} offers neither loans nor copies."),
    message("refusal.publication-type-loan", "{lender} supplies loans of {types} only, not of {asked}."),
    message("refusal.publication-type-copy", "{lender} supplies copies of {types} only, not of {asked}."),
    message("refusal.rule", "{lender} does not accept {requests} (its rule {rule})."),
    message("refusal.rule-with-note", "{lender} does not accept {requests} (its rule {rule}). {note}"),
    message("refusal.service-level", "{lender} serves the service levels {levels} only; the request asks for {asked}."),
    message("refusal.delivery-method-loan", "{lender} sends loans by {methods} only; the request asks for {asked}."),
    message("refusal.delivery-method-copy", "{lender} sends copies by {methods} only; the request asks for {asked}."),
    message("refusal.payment-method", "{lender} accepts payment by {methods} only; the request offers {asked}."),
    message("refusal.cost-currency-loan", "{lender} charges {fee} per loan, and the maximum cost is in {max_currency}; give a "
                          "maximum cost in {currency}."),
    message("refusal.cost-currency-copy", "{lender} charges {fee} per copy, and the maximum cost is in {max_currency}; give a "
                          "maximum cost in {currency}."),
    message("refusal.cost-over-loan", "{lender} charges {fee} per loan, more than the maximum cost of {max_cost}."),
    message("refusal.cost-over-copy", "{lender} charges {fee} per copy, more than the maximum cost of {max_cost}."),
    plural("refusal.need-before", "days",
           "{lender} answers within {days} day of the request date ({day}); the request is needed before {need_before}.",
           "{lender} answers within {days} days of the request date ({day}); the request is needed before "
           "{need_before}."),
    message("accept.loan-fee", "{lender} would accept this loan request from {borrower}: send it by {method}; fee: "
                       "{fee}."),
    message("accept.loan-free", "{lender} would accept this loan request from {borrower}: send it by {method}; no fee."),
    message("accept.copy-fee", "{lender} would accept this copy request from {borrower}: send it by {method}; fee: "
                       "{fee}."),
    message("accept.copy-free", "{lender} would accept this copy request from {borrower}: send it by {method}; no fee."),
    # --- the requests a lender's rule describes (wording.py) -----------------------------------
    message("rule.requests-loan", "loan requests"),
    message("rule.requests-copy", "copy requests"),
    message("rule.requests-any", "requests"),
    message("rule.publication-type", "for {types}"),
    message("rule.item-format", "in the format {formats}"),
    plural("rule.published-within-years", "years", "published in the last {years} year",
           "published in the last {years} years"),
    message("rule.published-before", "published before {year}"),
    message("rule.requester-country", "from libraries in {countries}"),
    message("rule.service-level", "at the service level {levels}"),
    plural("rule.need-before-within-days", "days", "needed within {days} day", "needed within {days} days"),
    plural("rule.pages-over", "pages", "for more than {pages} page", "for more than {pages} pages"),
    message("rule.max-cost-below", "offering to pay less than {amount}"),
    # --- the families of request channels, as sentences name them (partners.py) ---------------
    message("family.iso18626", "ISO 18626 (Alma, ISO 18626 or ILLiad)"),
    message("family.iso-ill", "ISO ILL"),
    message("family.email", "email"),
    # --- naming a library (model.py, requests.py, cli.py) -------------------------------------
    message("reference.left-out", "the profile of `{reference}` has validation errors and was left out; run "
                          "`rsdir validate` to see them"),
    message("reference.unknown-id", "`{reference}` is not an institution of the directory; check the id"),
    message("reference.unknown-agency-id", "no institution has the identifier `{reference}`; check it, or use the "
                                   "directory id"),
    message("reference.ambiguous", "`{reference}` matches several institutions ({matches}); use the directory id "
                           "instead"),
    message("request.date-invalid", "`{field}` is {text}, which is not a day of the calendar; write an existing date as "
                            "YYYY-MM-DD"),
    message("request.lender-missing", "`lender` is missing; name the library to ask (or use `rsdir route` to find "
                              "lenders)"),
    message("request.same-library", "borrower and lender are both {library}; a library does not request from itself"),
    message("cli.on-not-a-date", "`{value}` is not a date; write YYYY-MM-DD"),
    # --- ISO 18626 request messages (exports/iso18626.py, `rsdir check --iso18626`) ------------
    message("iso18626.no-symbol", "{library} has no ISO 18626 agency symbol: none of its ISO 18626 or ILLiad channels "
                          "has a `symbol`, and its identifiers have no ISIL or OCLC symbol; add one to its profile"),
    message("iso18626.not-xml-text", "the {field} holds the character U+{code}, which XML cannot carry; remove it"),
    message("iso18626.bad-file-name", "its id `{id}` cannot be a file name (it holds `/` or `\\`, or is `.` or `..`); "
                              "give the request another id"),
    message("iso18626.duplicate-id", "an earlier request of this run has the same id and was written as {file}; give "
                             "each request its own id"),
    message("iso18626.not-written", "{file}: request {id}: no ISO 18626 message written: {reason}"),
    message("iso18626.written", "ISO 18626 request messages written into {folder}: {count}"),
    message("iso18626.folder-unusable", "cannot write ISO 18626 messages into {folder}: {reason}; choose another folder"),
    message("partners.same-library", "`{institution}` and `{other}` are both {library}; give a different library as "
                             "OTHER, or leave it out to see all of its partnerships"),
    # --- reading a YAML file strictly (loader.py, records.py) -----------------------------------
    message("yaml.too-large", "the file is larger than the {limit} bytes a record may have; shorten long texts"),
    message("yaml.not-utf8", "byte 0x{byte} is not UTF-8; save the file as UTF-8 text"),
    message("yaml.surrogate", "U+{code} is half of a character (a lone surrogate); write the character itself, or one "
                      "`\\U0001F600`-style escape instead of a pair of `\\u` escapes"),
    message("yaml.separator", "U+{code} (an invisible line or paragraph separator) is not allowed; use an ordinary line "
                      "break or a space instead"),
    message("yaml.byte-order-mark", "a byte-order mark is allowed only at the very start of the file"),
    message("yaml.control-character", "control character U+{code} is not allowed; delete it"),
    message("yaml.bidi-control", "invisible direction-changing character U+{code} is not allowed; delete it"),
    message("yaml.bad-escape", "`{escape}` is not a Unicode character (the highest is U+10FFFF); write the character itself "
                       "or fix the code"),
    message("yaml.this-escape", "this escape"),
    message("yaml.scalar-too-long", "this value is {length} characters long; the limit is {limit}"),
    message("yaml.special-number", "`{text}` (infinity or not-a-number) is not allowed; write a plain number"),
    message("yaml.key-is-container", "a key must be a plain name, not a list or mapping"),
    message("yaml.key-not-text", "the key `{key}` is not text; field names are words such as `name`"),
    message("yaml.key-line-break", "a field name cannot contain line breaks or tabs; field names are words such as `name`"),
    message("yaml.duplicate-key", "`{key}` appears twice in the same mapping (first at line {line}); keep one of them"),
    message("yaml.several-documents", "the file holds more than one YAML document (`---`); keep one record per file"),
    message("yaml.alias", "`*{anchor}` refers to an anchor; anchors and aliases are not allowed, write the value out in full"),
    message("yaml.anchor", "`&{anchor}` defines an anchor; anchors and aliases are not allowed, write the value out in full"),
    message("yaml.tag", "the tag `{tag}` is not allowed; remove it and write a plain value"),
    message("yaml.directive", "a `%YAML` or `%TAG` directive is not allowed; delete the line that starts with `%` (and "
                      "the `---` below it)"),
    message("yaml.comment-touching", "a comment needs a space before its `#`: without one, YAML readers disagree on where "
                             "the value ends; put a space before the `#`"),
    plural("yaml.continuation-indent", "least",
           "this line continues a value that started on line {line}, so it must be indented by at least {least} space "
           "(more than the field it belongs to); indent it",
           "this line continues a value that started on line {line}, so it must be indented by at least {least} spaces "
           "(more than the field it belongs to); indent it"),
    message("yaml.flow-key", "`?` right before a word is read as an explicit-key sign by some YAML readers and as part of "
                     "the text by others; put the text in quotes (`\"?...\"`) or a space after the `?`"),
    message("yaml.too-many-nodes", "the file has more than {limit} values; a record is much smaller"),
    message("yaml.too-deep", "values are nested more than {limit} levels deep"),
    message("yaml.too-deep-unlimited", "values are nested too deeply"),
    message("yaml.syntax", "YAML syntax error: {problem}; check indentation, colons and quotes here"),
    message("yaml.syntax-only", "YAML syntax error: {problem}"),
    message("yaml.not-valid", "the file is not valid YAML"),
    message("yaml.empty", "the file is empty; a record is a mapping of fields such as `id: ...`"),
    message("yaml.list-not-mapping", "the file must hold a mapping of fields (`id: ...`, `name: ...`), not a list"),
    message("yaml.value-not-mapping", "the file must hold a mapping of fields (`id: ...`, `name: ...`), not a single value"),
    message("yaml.unreadable", "cannot read the file: {reason}"),
    # --- a record against its file and the other records (crosschecks.py, editor/crosschecks.mjs)
    message("crosscheck.id-file-mismatch", "id `{id}` does not match the file name `{stem}.yaml`; rename the file to "
                                           "`{id}.yaml` or change the id"),
    message("crosscheck.country-folder-mismatch", "country `{country}` does not match the folder `{folder}/`; move the "
                                                  "file to `records/institutions/{wanted}/` or correct the country"),
    message("crosscheck.reserved-id", "`{id}` is reserved by the site or by Windows; choose another id, for example one "
                                      "starting with your country code"),
    message("crosscheck.duplicate-id", "id `{id}` is already used by {file}; choose another id"),
    message("crosscheck.invalid-date", "`{text}` is not a real date; write YYYY-MM-DD"),
    message("crosscheck.isil-too-long", "`{isil}` is not a valid ISIL: an ISIL has at most 16 characters"),
    message("crosscheck.isil-form", "`{isil}` is not a valid ISIL: an ISIL is a prefix, a hyphen and a library code, "
                                    "like `DE-89`"),
    message("crosscheck.isil-country", "`{isil}` is not a valid ISIL: `{prefix}` is not an upper-case ISO 3166 country "
                                       "code"),
    message("crosscheck.isil-prefix", "`{isil}` is not a valid ISIL: the prefix must be a 2-letter country code or a 1-, "
                                      "3- or 4-character agency prefix"),
    message("crosscheck.ror-checksum", "`{ror}` fails the ROR checksum; copy the id again from ror.org"),
    message("crosscheck.duplicate-identifier", "this identifier is already claimed by `{owner}`; check it, or ask the "
                                               "directory admins if the other record is wrong"),
    message("crosscheck.unknown-timezone", "`{name}` is not an IANA time zone; use a name like `Europe/Berlin`"),
    message("crosscheck.unknown-pod", "pod `{pod}` is not in the directory; check the spelling or remove it"),
    message("crosscheck.unknown-partner", "partner `{partner}` is not in the directory; check the spelling or remove it"),
    message("crosscheck.unknown-institution", "institution `{institution}` is not in the directory; check the spelling or "
                                              "remove it"),
    message("crosscheck.unknown-member", "member `{member}` is not in the directory; check the spelling or remove it"),
    message("crosscheck.no-request-channels", "an active institution needs `request_channels` (at least an email "
                                              "channel); add one, or set `status: inactive`"),
    message("crosscheck.alma-code-missing", "an `alma` channel needs `institution_code`, or set `identifiers.alma`"),
    message("crosscheck.fee-without-currency", "a fee of {fee} needs `lending.currency` (for example `currency: EUR`)"),
    message("crosscheck.pod-fee-without-currency", "a fee of {fee} needs `terms.currency` (for example `currency: EUR`)"),
    message("crosscheck.max-cost-without-currency", "`max_cost_below` is an amount in `lending.currency`; add the "
                                                    "currency"),
    message("crosscheck.rule-without-conditions", "rule `{rule}` has no conditions in `when`, so it would reject every "
                                                  "request; add a condition or remove the rule"),
    message("crosscheck.rule-reason-outcome", "`{reason}` is not a reason for outcome `{outcome}`; use one of: {reasons}"),
    message("crosscheck.duplicate-rule-id", "rule id `{rule}` is used twice; rename one"),
    message("crosscheck.closure-order", "this closure ends ({end}) before it starts ({start}); swap the dates"),
    message("crosscheck.pod-membership-unconfirmed", "pod `{pod}` does not list `{institution}` as a member yet, so the "
                                                     "membership does not count; ask the pod's maintainers to add you"),
    message("crosscheck.member-pods-unconfirmed", "`{member}` does not list pod `{pod}` in its `pods` yet, so the "
                                                  "membership does not count; ask its maintainers to add it"),
    plural("crosscheck.review-overdue", "months",
           "last reviewed {day}, more than {months} month ago; check the profile and update `last_reviewed`",
           "last reviewed {day}, more than {months} months ago; check the profile and update `last_reviewed`"),
    message("crosscheck.partnership-one-sided", "`{partner}` has not listed `{institution}` as a partner, so no requests "
                                                "flow yet"),
    # --- what no record file can hold (layout.py, editor/layout.mjs) ---------------------------
    message("layout.list-in-list", "a list inside a list is not part of any record"),
    message("layout.not-a-value", "{kind} is not a value a record can hold"),
    message("layout.not-a-number", "{number} is not a number a record can hold"),
    message("layout.too-many-digits", "{number} has too many digits for a record; use at most 18 before and after the "
                                      "point"),
    # --- a value against its JSON Schema (schemas.py) -----------------------------------------
    message("schema.field", "`{name}`"),
    message("schema.this-value", "this value"),
    # English says both forms in the same words, as `rsdir validate` always has; the translations
    # say several missing fields in the plural.
    plural("schema.required", "count", "required field {names} is missing; add it here",
           "required field {names} is missing; add it here"),
    message("schema.unknown-field-close", "unknown field {names}; did you mean `{close}`?"),
    message("schema.unknown-field", "unknown field {names}; allowed here: {allowed}"),
    message("schema.type", "{field} must be {wanted}, not {value}"),
    message("schema.type-string", "text"),
    message("schema.type-integer", "a whole number"),
    message("schema.type-number", "a number"),
    message("schema.type-boolean", "true or false"),
    message("schema.type-array", "a list"),
    message("schema.type-object", "a mapping of fields"),
    message("schema.type-null", "empty"),
    message("schema.type-alternatives", "{first} or {second}"),
    message("schema.enum-close", "{value} is not allowed for {field}; did you mean `{close}`?"),
    message("schema.enum-options", "{value} is not allowed for {field}; use one of: {options}"),
    message("schema.enum-reference", "{value} is not allowed for {field}; see the field reference"),
    message("schema.pattern", "{value} is not in the expected form for {field}"),
    message("schema.pattern-hint", "{value} is not in the expected form for {field} ({hint})"),
    message("schema.empty", "{field} must not be empty"),
    plural("schema.too-short", "limit", "{field} needs at least {limit} character", "{field} needs at least {limit} characters"),
    plural("schema.too-long", "limit", "{field} is {length} characters long; at most {limit} is allowed",
           "{field} is {length} characters long; at most {limit} are allowed"),
    plural("schema.items-at-least", "limit", "{field} needs at least {limit} entry", "{field} needs at least {limit} entries"),
    plural("schema.items-at-most", "limit", "{field} needs at most {limit} entry", "{field} needs at most {limit} entries"),
    message("schema.unique", "{field} lists the same entry twice; remove the repeat"),
    message("schema.minimum", "{field} must be at least {bound}, not {value}"),
    message("schema.maximum", "{field} must be at most {bound}, not {value}"),
    message("schema.exclusive-minimum", "{field} must be more than {bound}, not {value}"),
    message("schema.exclusive-maximum", "{field} must be less than {bound}, not {value}"),
    message("schema.other", "{field}: {detail}"),
)



def say(key: str, /, lang: str = SOURCE_LANGUAGE, **values: object) -> str:
    """The message `key` in `lang` with its placeholders filled in by the text of `values`."""
    entry = MESSAGES[key]
    if lang == SOURCE_LANGUAGE:
        template = entry.text if entry.plural is None or plural_count(values[entry.count]) == 1 else entry.plural
    elif entry.plural is None:
        template = translations("engine", lang).pgettext(key, entry.text)
    else:
        template = translations("engine", lang).npgettext(key, entry.text, entry.plural,
                                                           plural_count(values[entry.count]))
    return fill(template, values)


def placeholders(template: str) -> list[str]:
    """The names of a message's placeholders, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def table_in(lang: str) -> dict[str, object]:
    """Every message in `lang` as the site's engine reads it: a plain message as its text, a
    plural one as `{"count": placeholder, "forms": [...]}` in the order of `lang`'s plural
    expression."""
    return {key: entry.forms(lang)[0] if entry.plural is None else {"count": entry.count, "forms": entry.forms(lang)}
            for key, entry in MESSAGES.items()}


def messages_json(lang: str = SOURCE_LANGUAGE, extra: Mapping[str, object] | None = None) -> bytes:
    """The table in `lang` as the site's engine reads it (`assets/messages/<lang>.json`), with its
    plural expression and `extra` tables (country names, code labels) beside it; sorted keys, so
    a rebuild gives the same bytes."""
    document = {"lang": lang, "plural": plural_expression(lang), "messages": table_in(lang), **(extra or {})}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
