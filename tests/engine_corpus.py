"""The shared corpus of the two engines: requests and partnership questions generated from a
directory, answered by the Python engine (the reference), to be answered again by the site's
`assets/decide.mjs` and compared whole.

Cases are built from what each lender's profile says, so that every check, every rule condition
and exemption, closures at both ends, fees in other currencies, agency-id borrowers and the
refusals of bad requests come up; `coverage` counts what the Python answers actually covered,
so a corpus that stops covering something fails instead of passing emptier.

Each request goes through the command's own path: written as a YAML file (one field per line),
read by the strict loader, checked against the request schema, its libraries resolved.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from builder.decide import COPY_OR_LOAN, CONDITIONS, Case, decide, rule_matches
from builder.loader import load
from builder.model import COPY, LOAN, UnknownInstitution, Directory, Institution
from builder.partners import named_pair, partnerships
from builder.requests import RequestError, parse_request, resolve_parties
from builder.route import route

ON = dt.date(2026, 12, 1)
BUILTIN_CHECKS = ("builtin:inactive", "builtin:not-lending", "builtin:partnership", "builtin:channel",
                  "builtin:country", "builtin:closure", "builtin:service", "builtin:publication-type",
                  "builtin:service-level", "builtin:delivery-method", "builtin:payment-method", "builtin:cost",
                  "builtin:need-before")
AGENCY_FORMS = ("ISIL", "OCLC", "ROR", "ALMA", "other authority", "channel symbol")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def request_yaml(data: dict) -> str:
    """A request file written one field per line, strings in double quotes: the layout
    `assets/engine/requests.mjs` assumes for data that was never a file."""
    lines: list[str] = []

    def scalar(value) -> str:
        if isinstance(value, dict) or isinstance(value, list):
            assert not value, "only empty containers are written inline"
            return "{}" if isinstance(value, dict) else "[]"
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            # The loader reads decimals written out in full (`1e+16` would stay text).
            text = repr(value) if "e" not in repr(value) else f"{value:.1f}"
            assert float(text) == value, text
            return text
        if isinstance(value, int):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def write(mapping: dict, indent: str) -> None:
        for key, value in mapping.items():
            written = key if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)
            if isinstance(value, dict) and value:
                lines.append(f"{indent}{written}:")
                write(value, indent + "  ")
            elif isinstance(value, list) and value:
                lines.append(f"{indent}{written}:")
                lines.extend(f"{indent}  - {scalar(item)}" for item in value)
            else:
                lines.append(f"{indent}{written}: {scalar(value)}")

    write(data, "")
    return "\n".join(lines) + "\n"


def _error(err: RequestError | UnknownInstitution) -> dict:
    if isinstance(err, RequestError):
        return {"error": str(err), "problems": [[p.path, p.code, p.message] for p in err.problems]}
    return {"error": str(err)}


def _read(data: dict, lang: str):
    document = load(request_yaml(data).encode("utf-8"), "request.yaml")
    assert document.data == data, "the corpus writes requests that read back as written"
    return parse_request(document, lang), document


def answer_check(directory: Directory, data: dict, lang: str = "en"):
    """What `rsdir check --format json` says about one request: its result without `file`, or
    the problems that make it exit 2. Also returns the decision, for the coverage."""
    try:
        request, document = _read(data, lang)
        borrower, lender = resolve_parties(directory, request, document, need_lender=True, lang=lang)
    except RequestError as err:
        return _error(err), None
    decision = decide(directory, request, borrower, lender, ON, lang)
    result = decision.as_json()
    del result["file"]
    return result, decision


def answer_route(directory: Directory, data: dict, with_refused: bool, lang: str = "en") -> dict:
    try:
        request, document = _read(data, lang)
        borrower, _ = resolve_parties(directory, request, document, need_lender=False, lang=lang)
    except RequestError as err:
        return _error(err)
    result = route(directory, request, borrower, ON, with_refused=with_refused, lang=lang).as_json(
        with_refused=with_refused)
    for refused in result.get("refused", []):
        del refused["file"]
    return result


def answer_partners(directory: Directory, institution: str, other: str | None, lang: str = "en") -> dict:
    try:
        me, partner = named_pair(directory, institution, other, lang)
    except UnknownInstitution as err:
        return _error(err)
    return partnerships(directory, me.id, partner.id if partner else None, lang)


def answer(directory: Directory, case: dict, lang: str):
    """The Python engine's answer to a case of the corpus, in `lang`."""
    if case["kind"] == "check":
        return answer_check(directory, case["request"], lang)[0]
    if case["kind"] == "route":
        return answer_route(directory, case["request"], case["all"], lang)
    return answer_partners(directory, case["id"], case["other"], lang)


@dataclass
class Corpus:
    """Cases of one directory with the Python engine's answers; `coverage` counts what they touch."""

    name: str
    directory: Directory
    cases: list[dict] = field(default_factory=list)
    coverage: Counter = field(default_factory=Counter)

    def check(self, data: dict, note: str | None = None) -> None:
        expected, decision = answer_check(self.directory, data)
        self.cases.append({"kind": "check", "request": data, "expected": expected})
        self.coverage["check"] += 1
        if note:
            self.coverage[note] += 1
        if "problems" in expected:
            for _, code, _ in expected["problems"]:
                self.coverage[f"refused input: {code}"] += 1
        if decision is not None:
            self._cover(decision)

    def route(self, data: dict) -> None:
        for with_refused in (False, True):
            expected = answer_route(self.directory, data, with_refused)
            self.cases.append({"kind": "route", "request": data, "all": with_refused, "expected": expected})
            self.coverage["route --all" if with_refused else "route"] += 1
            if len({lender["fee"]["currency"] for lender in expected.get("lenders", []) if lender["fee"]["amount"]}) > 1:
                self.coverage["route ranking fees in several currencies"] += 1

    def partners(self, institution: str, other: str | None = None) -> None:
        expected = answer_partners(self.directory, institution, other)
        self.cases.append({"kind": "partners", "id": institution, "other": other, "expected": expected})
        self.coverage["partners"] += 1

    def _cover(self, decision) -> None:
        self.coverage[f"decision {decision.decision}"] += 1
        borrower, lender = decision.borrower, decision.lender
        families = "+".join(sorted(borrower.families)) or "none"
        for family in sorted({channel.family for channel in lender.channels}):
            self.coverage[f"channel pairing {families} -> {family}"] += 1
        if decision.request.service_type == COPY_OR_LOAN:
            self.coverage[f"CopyOrLoan as {decision.service_type}"] += 1
        for refusal in decision.refusals:
            self.coverage[refusal.rule if refusal.rule.startswith("builtin:") else "rule:*"] += 1
            if refusal.rule == "builtin:cost" and decision.request.max_cost.currency != lender.terms.currency:
                self.coverage["fee in another currency than max_cost"] += 1
        case = Case(self.directory, decision.request, borrower, lender, decision.day)
        terms = lender.terms
        if terms is None or case.service is None:
            return
        for rule in terms.rules:
            conditions_hold = rule.when and all(CONDITIONS[name](case, value) for name, value in rule.when.items())
            if not conditions_hold:
                continue
            for name in rule.when:
                self.coverage[f"rule condition {name}"] += 1
            if not rule_matches(case, rule):
                self.coverage["unless requester" if borrower.id in rule.exempt_requesters else "unless requester_pod"] += 1
        for closure in terms.closures:
            if decision.day == closure.start:
                self.coverage["closure: first day"] += 1
            if decision.day == closure.end:
                self.coverage["closure: last day"] += 1
            if decision.day == closure.start - dt.timedelta(days=1) or (
                    closure.end < dt.date.max and decision.day == closure.end + dt.timedelta(days=1)):
                self.coverage["closure: day just outside"] += 1


# --- requests built from what a lender's profile says -----------------------------------------

def _agency_ids(institution: Institution) -> list[tuple[str, str]]:
    """(form, agency id as a borrower might type it) for each way the institution can be named."""
    identifiers = institution.record.get("identifiers", {})
    found = []
    if "isil" in identifiers:
        found.append(("ISIL", f"ISIL:{identifiers['isil'].upper()}"))
    if "oclc" in identifiers:
        found.append(("OCLC", f"OCLC:{identifiers['oclc'].lower()}"))
    if "ror" in identifiers:
        found.append(("ROR", f"ROR:https://ror.org/{identifiers['ror'].removeprefix('https://ror.org/')}"))
    if "alma" in identifiers:
        found.append(("ALMA", f"ALMA:{identifiers['alma']}"))
    found += [("other authority", f"{o['authority']}:{o['value']}") for o in identifiers.get("other", [])]
    found += [("channel symbol", c.settings["symbol"]) for c in institution.channels if "symbol" in c.settings]
    return found


def _base(borrower: str, lender: str | None, number: int) -> dict:
    data = {"id": f"C-{number}", "borrower": borrower}
    if lender is not None:
        data["lender"] = lender
    return data


def _service_requests(lender: Institution) -> list[dict]:
    """Every service and publication type the lender offers, one it does not, and CopyOrLoan."""
    terms = lender.terms
    wanted = []
    for service in (terms.loan, terms.copy) if terms else ():
        if service is not None:
            for publication_type in sorted(service.publication_types):
                wanted.append({"service_type": service.name, "publication_type": publication_type})
                wanted.append({"service_type": COPY_OR_LOAN, "publication_type": publication_type})
    wanted += [{"service_type": LOAN, "publication_type": "Patent"}, {"service_type": COPY, "publication_type": "Book"},
               {"service_type": COPY_OR_LOAN, "publication_type": "Game"}]
    return wanted


def _rule_requests(lender: Institution) -> list[dict]:
    """For each rule, a request meeting all its conditions, and ones just outside each bound."""
    terms = lender.terms
    found = []
    for rule in terms.rules if terms else ():
        when = rule.when
        service = when.get("service_type") or (LOAN if terms.loan else COPY)
        offered = terms.service(service)
        types = when.get("publication_type") or sorted(offered.publication_types if offered else ["Book"])
        data: dict = {"service_type": service, "publication_type": types[0]}
        if "item_format" in when:
            data["item_format"] = when["item_format"][0]
        if "service_level" in when:
            data["service_level"] = when["service_level"][0]
        variants = [dict(data)]
        if "published_within_years" in when:
            years = int(when["published_within_years"])
            variants = [dict(v, publication_date=f"Spring {ON.year - years + shift}") for v in variants for shift in (0, -1)]
        if "published_before" in when:
            year = int(when["published_before"])
            variants = [dict(v, publication_date=str(year + shift)) for v in variants for shift in (-1, 0)]
        if "need_before_within_days" in when:
            days = int(when["need_before_within_days"])
            variants = [dict(v, need_before=(ON + dt.timedelta(days=days + shift)).isoformat(), date=ON.isoformat())
                        for v in variants for shift in (0, 1)]
        if "pages_over" in when:
            pages = int(when["pages_over"])
            variants = [dict(v, pages=pages + shift) for v in variants for shift in (1, 0)]
        if "max_cost_below" in when:
            amount = float(when["max_cost_below"])
            variants = [dict(v, max_cost={"amount": amount + shift, "currency": currency})
                        for v in variants for shift, currency in ((-0.5, terms.currency), (0.0, terms.currency),
                                                                  (-0.5, "JPY" if terms.currency != "JPY" else "EUR"))]
        found += variants
    return found


def _term_requests(lender: Institution) -> list[dict]:
    """Closures at both ends, service levels, delivery and payment methods, costs and deadlines."""
    terms = lender.terms
    if terms is None:
        return []
    service = terms.loan or terms.copy
    if service is None:
        return []
    base = {"service_type": service.name, "publication_type": sorted(service.publication_types)[0]}
    found = []
    for closure in terms.closures:
        for day in (closure.start - dt.timedelta(days=1), closure.start, closure.end):
            found.append(dict(base, date=day.isoformat()))
        if closure.end < dt.date.max:
            found.append(dict(base, date=(closure.end + dt.timedelta(days=1)).isoformat()))
    for level in ("Normal", "Rush", "SecondaryMail"):
        found.append(dict(base, service_level=level))
    for method in ("Mail", "Email", "Odyssey"):
        found.append(dict(base, delivery_method=method))
    for method in ("IFM", "Paypal"):
        found.append(dict(base, payment_method=method))
    for other in (terms.loan, terms.copy):
        if other is not None and other.fee:
            fee = float(other.fee) if float(other.fee) < 1e15 else 5.0
            typed = {"service_type": other.name, "publication_type": sorted(other.publication_types)[0]}
            for amount, currency in ((fee, terms.currency), (max(fee - 0.25, 0.0), terms.currency),
                                     (fee + 100.0, "USD" if terms.currency != "USD" else "EUR"), (0.0, terms.currency)):
                found.append(dict(typed, max_cost={"amount": amount, "currency": currency}))
    days = terms.days_to_respond or 0
    for shift in (-1, 0):
        found.append(dict(base, date=ON.isoformat(), need_before=(ON + dt.timedelta(days=int(days) + shift)).isoformat()))
    return found


def _bad_requests(directory: Directory, borrower: Institution, lender: Institution) -> list[tuple[dict, str]]:
    """Requests `rsdir check` refuses with exit status 2, each with what is wrong."""
    good = {"borrower": borrower.id, "lender": lender.id, "service_type": LOAN, "publication_type": "Book",
            "title": "A title"}
    first, second = sorted(directory.institutions)[:2]
    return [
        (dict(good, service_type="Lone"), "misspelt service type"),
        (dict(good, publication_type="Boook", pages=0), "two bad values"),
        (dict(good, pages=2.5), "pages not whole"),
        (dict(good, pages=0.0), "pages a whole float below the minimum"),
        (dict(good, title=""), "empty title"),
        (dict(good, title="x" * 501), "long title"),
        (dict(good, title=7), "title a number"),
        (dict(good, colour="red", servce_level="Normal"), "unknown fields"),
        (dict(good, max_cost={"amount": -1.0, "currency": "EURO"}), "bad max_cost"),
        (dict(good, max_cost={"amount": 5}), "max_cost without currency"),
        (dict(good, need_before="2026-02-30", date="2026-13-01"), "impossible dates"),
        (dict(good, date="1.12.2026"), "date in another form"),
        (dict(good, need_before="24.12.2026", date="2026/12/01"), "two dates in another form"),
        (dict(good, lender="ISIL DE-89"), "an agency id with a space"),
        (dict(good, borrower="Lakeside Library"), "a name instead of an id"),
        (dict(good, borrower="zz-nowhere"), "unknown id"),
        (dict(good, borrower="ISIL:ZZ-Nowhere"), "unknown agency id"),
        (dict(good, lender=borrower.id), "same library"),
        ({k: v for k, v in good.items() if k != "lender"}, "no lender"),
        ({k: v for k, v in good.items() if k not in ("title", "service_type")}, "required fields missing"),
        (dict(good, id="R\u202e1"), "id with a direction override"),
        (dict(good, borrower=first, lender=second, service_level="normal"), "code in lower case"),
        (dict(good, item_format=["PDF"]), "a list where one code belongs"),
        (dict(good, payment_method=True), "a boolean where a code belongs"),
        (dict(good, servce_level="Normal"), "a misspelt field"),
        (dict(good, max_cost="5 EUR"), "max_cost as text"),
        (dict(good, max_cost={"amount": "5", "currency": "XYZW"}), "amount as text, currency unknown"),
    ]


def directory_cases(name: str, directory: Directory, *, pairs_per_lender: int | None = None,
                    requests_per_pair: int = 14, seed: int = 1) -> Corpus:
    """The corpus of one directory. Every lender is asked by its mutual partners (and by a few
    libraries that are not), with up to `requests_per_pair` requests drawn from what its profile
    says; `pairs_per_lender` limits the borrowers per lender in a large directory."""
    rng = random.Random(seed)
    corpus = Corpus(name, directory)
    institutions = list(directory.institutions.values())
    number = 0

    def next_id() -> int:
        nonlocal number
        number += 1
        return number

    for lender in institutions:
        mutual = directory.mutual_partners(lender.id)
        others = [i.id for i in institutions if i.id != lender.id and i.id not in mutual]
        borrowers = mutual + rng.sample(others, min(len(others), 2))
        if pairs_per_lender is not None:
            borrowers = rng.sample(borrowers, min(len(borrowers), pairs_per_lender))
        for borrower_id in borrowers:
            requests = _service_requests(lender) + _rule_requests(lender) + _term_requests(lender)
            requests = rng.sample(requests, min(len(requests), requests_per_pair))
            for fields in requests:
                data = _base(borrower_id, lender.id, next_id())
                data.update(fields)
                data.setdefault("title", "Collected studies")
                corpus.check(data)
    # Borrowers named by agency ids, including ids several institutions answer to.
    for institution in institutions:
        for form, agency_id in _agency_ids(institution):
            mutual = directory.mutual_partners(institution.id)
            lender = mutual[0] if mutual else next(i.id for i in institutions if i.id != institution.id)
            data = _base(agency_id, lender, next_id())
            data.update({"service_type": COPY_OR_LOAN, "publication_type": "Article", "title": "By agency id"})
            try:
                directory.resolve(agency_id)
                note = f"agency-id borrower: {form}"
            except UnknownInstitution:
                note = "agency-id borrower: ambiguous"
            corpus.check(data, note)
    lenders = [i for i in institutions if i.terms is not None]
    borrower, lender = institutions[0], lenders[0]
    for data, note in _bad_requests(directory, borrower, lender):
        data = dict(data, id=f"C-{next_id()}")
        corpus.check(data, f"bad request: {note}")
    # Routes: each borrower with a few kinds of request.
    route_borrowers = institutions if pairs_per_lender is None else rng.sample(institutions, min(len(institutions), 40))
    for borrower in route_borrowers:
        for fields in ({"service_type": COPY, "publication_type": "Article"},
                       {"service_type": COPY_OR_LOAN, "publication_type": "Book", "max_cost": {"amount": 8.0, "currency": "EUR"}},
                       {"service_type": LOAN, "publication_type": "Thesis", "date": "2026-12-24", "need_before": "2027-01-05"}):
            corpus.route(dict(_base(borrower.id, None, next_id()), title="Wherever it is", **fields))
    corpus.route({"id": "R-bad", "borrower": "ISIL:ZZ-Nowhere", "service_type": LOAN, "publication_type": "Book",
                  "title": "Nowhere"})
    # Partnerships: of everyone, and of pairs named in every way.
    for institution in institutions if pairs_per_lender is None else institutions[:60]:
        corpus.partners(institution.id)
        mutual = directory.mutual_partners(institution.id)
        waiting = directory.waiting_on_them(institution.id) + directory.waiting_on_us(institution.id)
        for other in (mutual[:2] + waiting[:2] + [i.id for i in rng.sample(institutions, 2)]):
            if other != institution.id:
                corpus.partners(institution.id, other)
        for _, agency_id in _agency_ids(institution)[:2]:
            corpus.partners(agency_id, mutual[0] if mutual else None)
    first = institutions[0].id
    corpus.partners(first, first)
    corpus.partners("zz-nowhere")
    corpus.partners(first, "OCLC:NOWHERE")
    return corpus

