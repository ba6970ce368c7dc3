"""Request files: read strictly, checked against the request schema, and their libraries found.

A request file is untrusted input like a record: every problem with it comes back positioned
(file, line, column, field) so the borrower can fix it, and none of them stops the other
request files of the same run from being answered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from . import schemas
from .crosschecks import parse_date
from .loader import Document, YamlProblem
from .messages import say
from .model import Directory, Institution, UnknownInstitution
from .problems import Problem
from .records import read_document

_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")


class RequestError(Exception):
    """A request file that cannot be answered; carries the positioned problems that say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Cost:
    amount: float
    currency: str


@dataclass(frozen=True)
class Request:
    """One request as the decision checks see it; optional fields the borrower left out are None."""

    id: str
    file: str
    borrower: str                    # as written: a directory id or an agency id
    lender: str | None
    service_type: str                # Loan, Copy or CopyOrLoan
    publication_type: str
    title: str
    author: str | None = None
    publication_date: str | None = None
    item_format: str | None = None
    service_level: str | None = None
    delivery_method: str | None = None
    payment_method: str | None = None
    pages: int | None = None
    need_before: dt.date | None = None
    max_cost: Cost | None = None
    date: dt.date | None = None      # the day it is sent; None: the day the check runs

    @property
    def publication_year(self) -> int | None:
        """The first four-digit year in `publication_date` (ISO 18626 leaves its form free)."""
        if self.publication_date is None:
            return None
        found = _YEAR.search(self.publication_date)
        return int(found.group(1)) if found else None


def _real_date(document: Document, key: str, problems: list[Problem], lang: str) -> dt.date | None:
    """The schema only checks the YYYY-MM-DD shape; the day must also exist in the calendar."""
    text = document.data.get(key)
    if text is None:
        return None
    day = parse_date(text)
    if day is None:
        problems.append(document.problem((key,), "request-date-invalid",
                                         say("request.date-invalid", lang=lang, field=key, text=text)))
    return day


def parse_request(document: Document, lang: str = "en") -> Request:
    """The request held by a loaded document; raises `RequestError`, its problems said in `lang`,
    when it is not a valid request."""
    problems = schemas.check("request", document, lang)
    if problems:
        raise RequestError(problems)
    data = document.data
    need_before = _real_date(document, "need_before", problems, lang)
    date = _real_date(document, "date", problems, lang)
    if problems:
        raise RequestError(problems)
    max_cost = data.get("max_cost")
    return Request(
        id=data["id"], file=document.file, borrower=data["borrower"], lender=data.get("lender"),
        service_type=data["service_type"], publication_type=data["publication_type"],
        title=data["title"], author=data.get("author"), publication_date=data.get("publication_date"),
        item_format=data.get("item_format"), service_level=data.get("service_level"),
        delivery_method=data.get("delivery_method"), payment_method=data.get("payment_method"),
        pages=data.get("pages"), need_before=need_before,
        max_cost=Cost(max_cost["amount"], max_cost["currency"]) if max_cost else None,
        date=date,
    )


def load_request(path: Path) -> tuple[Request, Document]:
    """Read and check one request file; raises `RequestError` with positioned problems."""
    try:
        document = read_document(path)
    except YamlProblem as err:
        raise RequestError([err.problem]) from None
    return parse_request(document), document


def resolve_party(directory: Directory, document: Document, key: str, lang: str = "en") -> Institution:
    """The institution named by the request's `borrower` or `lender` field."""
    try:
        return directory.resolve(document.data[key], lang)
    except UnknownInstitution as err:
        # The problem's path names the field already.
        raise RequestError([document.problem((key,), "unknown-institution", str(err))]) from None


def resolve_parties(directory: Directory, request: Request, document: Document,
                    *, need_lender: bool, lang: str = "en") -> tuple[Institution, Institution | None]:
    """The borrower and (for `rsdir check`) the lender; every naming problem is reported at once."""
    problems: list[Problem] = []
    borrower = lender = None
    try:
        borrower = resolve_party(directory, document, "borrower", lang)
    except RequestError as err:
        problems.extend(err.problems)
    if need_lender:
        if request.lender is None:
            problems.append(document.problem((), "request-lender-missing", say("request.lender-missing", lang=lang)))
        else:
            try:
                lender = resolve_party(directory, document, "lender", lang)
            except RequestError as err:
                problems.extend(err.problems)
    if borrower is not None and lender is not None and borrower.id == lender.id:
        problems.append(document.problem(("lender",), "request-same-library",
                                         say("request.same-library", lang=lang, library=borrower.id)))
    if problems:
        raise RequestError(problems)
    return borrower, lender
