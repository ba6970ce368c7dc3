"""The published feed under `/feed/v1/`: the directory as JSON, CSV, a JSON Feed of profile
changes, Alma partner records, ReShare directory entries and the compact file the site's engine answers from, plus a
manifest with sizes and hashes.

`build_feed` is pure: it takes the model, the git history and the site address and returns every
file as bytes, keyed by its path in the site. The same inputs give the same bytes: every list
the feed makes is sorted, JSON keys are sorted, and dates come from the history, not the clock.
What the feed promises to consumers is documented in `site_src/feed.md`; change it only in
ways that page allows for `/feed/v1/`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from typing import Any, Iterable

from .. import partners
from .alma import alma_partner
from .compact import compact_directory
from .reshare import reshare_entry
from ..history import INSTITUTION, POD, ADDED, REMOVED, Change, History, rfc3339
from ..model import Directory, Institution, Pod
from ..schemas import SCHEMA_DIR

FEED = "feed/v1/"
SCHEMA_VERSION = 1
# Changes per archive page of the JSON Feed; updates.json holds the newest one to two pages' worth.
# Chosen so that updates.json stays well under 250 KB (measured by benchmarks/updates.py).
UPDATES_PAGE = 200
SUBJECT_LIMIT = 200          # characters of a commit subject quoted in an item
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
CSV_COLUMNS = (
    "id", "name", "status", "country", "city", "website", "isil", "oclc", "ror", "alma",
    "lends_loans", "lends_copies", "loan_publication_types", "copy_publication_types",
    "lends_to_countries", "channels", "lending_email", "pods", "page_url", "last_changed",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); records are
# written by strangers, so such cells are prefixed with an apostrophe, which shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _json(value: Any) -> bytes:
    """Every JSON file of the feed: sorted keys and no whitespace. Indenting the per-record files
    made them half as large again, 3 KB per institution across the feed; a reader or a browser's
    JSON viewer lays them out."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


class Links:
    """Absolute addresses of pages and feed files on the published site."""

    def __init__(self, site_url: str):
        if not site_url.startswith(("https://", "http://")):
            raise ValueError(f"the feed needs the absolute address of the site (site_url in mkdocs.yml), "
                             f"not `{site_url}`")
        self.site = site_url.rstrip("/") + "/"

    def institution_page(self, institution_id: str) -> str:
        return f"{self.site}institutions/{institution_id}/"

    def directory_page(self) -> str:
        return f"{self.site}directory/"

    def pod_page(self, pod_id: str) -> str:
        return f"{self.site}pods/{pod_id}/"

    def file(self, path: str) -> str:
        return f"{self.site}{path}"


def institution_entry(directory: Directory, history: History, links: Links, institution: Institution) -> dict:
    """The institution's record as written, plus what the directory works out about it."""
    entry = dict(institution.record)
    entry["derived"] = {
        "confirmed_pods": sorted(directory.confirmed_pods[institution.id]),
        "mutual_partners": directory.mutual_partners(institution.id),
        "waiting_on_them": directory.waiting_on_them(institution.id),
        "waiting_on_us": directory.waiting_on_us(institution.id),
        "page_url": links.institution_page(institution.id),
        "feed_url": links.file(f"{FEED}institutions/{institution.id}.json"),
        "alma_url": links.file(f"{FEED}alma/{institution.id}.json"),
        "reshare_url": links.file(f"{FEED}reshare/{institution.id}.json"),
        "last_changed": rfc3339(history.last_changed(INSTITUTION, institution.id)),
    }
    return entry


def pod_entry(directory: Directory, history: History, links: Links, pod: Pod) -> dict:
    """The pod's record as written, plus which listed members have confirmed their membership."""
    confirmed = directory.pod_members[pod.id]
    entry = dict(pod.record)
    entry["derived"] = {
        "confirmed_members": sorted(confirmed),
        "pending_members": sorted(set(pod.listed_members) - confirmed),
        "page_url": links.pod_page(pod.id),
        "feed_url": links.file(f"{FEED}pods/{pod.id}.json"),
        "last_changed": rfc3339(history.last_changed(POD, pod.id)),
    }
    return entry


def mutual_pairs(directory: Directory) -> Iterable[tuple[str, str]]:
    """Every pair of institutions that list each other, once, the smaller id first."""
    for first in directory.institutions:
        for second in directory.mutual_partners(first):
            if first < second:
                yield first, second


def request_flow(directory: Directory, borrower: Institution, lender: Institution) -> dict:
    """Whether `borrower` can send requests to `lender`, as `rsdir partners` decides it.

    Only the channel's method is given (its settings are in the lender's record) and no sentence,
    since a directory of 10,000 libraries has some 200,000 directions to list.
    """
    answer = partners.flow(directory, borrower, lender)
    return {"borrower": borrower.id, "lender": lender.id, "ok": answer.ok,
            "channel": answer.channel.method if answer.channel is not None else None,
            "rule": answer.refusal.rule if answer.refusal is not None else None}


def counts(directory: Directory, pairs: int) -> dict:
    by_country = Counter(i.country for i in directory.institutions.values())
    return {
        "institutions": len(directory.institutions),
        "active_institutions": sum(i.active for i in directory.institutions.values()),
        "pods": len(directory.pods),
        "countries": len(by_country),
        "mutual_partnerships": pairs,
        "by_country": dict(sorted(by_country.items())),
    }


def partnerships_document(directory: Directory, generated_at: str, pairs: list[tuple[str, str]]) -> dict:
    found = []
    for first, second in pairs:
        a, b = directory.institutions[first], directory.institutions[second]
        found.append({"institutions": [first, second],
                      "flows": [request_flow(directory, a, b), request_flow(directory, b, a)]})
    return {"schema_version": SCHEMA_VERSION, "generated_at": generated_at, "partnerships": found}


def _subject(subject: str) -> str:
    """The commit subject as quoted in an item: cut at a word, so one long subject cannot make
    the feed heavy."""
    if len(subject) <= SUBJECT_LIMIT:
        return subject
    return subject[:SUBJECT_LIMIT].rsplit(" ", 1)[0] + " …"


def _update_item(directory: Directory, links: Links, change: Change) -> dict:
    record = (directory.institutions if change.kind == INSTITUTION else directory.pods).get(change.record_id)
    # A removed record has no name left in the directory; its id stands in.
    name = record.name if record is not None else change.record_id
    what = {ADDED: "joined", REMOVED: "removed"}.get(change.action, "profile updated")
    verb = {ADDED: "joined the directory", REMOVED: "was removed from the directory"}.get(
        change.action, "updated its profile")
    if record is not None:
        url = (links.institution_page if change.kind == INSTITUTION else links.pod_page)(change.record_id)
    else:
        # Its page went with it; the directory is where a reader goes next.
        url = links.directory_page()
    return {
        "id": f"{change.commit}:{change.path}",
        "title": f"{name} {what}",
        "content_text": f"{name} ({change.record_id}) {verb} in commit {change.commit[:12]}: "
                        f"{_subject(change.subject)}",
        "date_published": rfc3339(change.date),
        "tags": [change.kind, change.action],
        "url": url,
    }


def updates_path(page: int | None = None) -> str:
    """updates.json, or archive page `page` of the JSON Feed (`updates/<page>.json`)."""
    return f"{FEED}updates.json" if page is None else f"{FEED}updates/{page}.json"


def _feed_page(directory: Directory, links: Links, changes: Iterable[Change], older: int | None) -> dict:
    document = {
        "version": JSON_FEED_VERSION,
        "title": "Open Resource Sharing Directory: profile changes",
        "description": "Institutions and pods that joined, changed their profile or left the directory, "
                       "newest first; where there are older changes, next_url leads to them.",
        "home_page_url": links.site,
        "feed_url": links.file(updates_path()),
        "language": "en",
        "items": [_update_item(directory, links, change) for change in changes],
    }
    if older is not None:
        document["next_url"] = links.file(updates_path(older))
    return document


def update_files(directory: Directory, history: History, links: Links) -> dict[str, bytes]:
    """updates.json and its archive pages as published, by path."""
    return {path: _json(page) for path, page in update_pages(directory, history, links).items()}


def update_pages(directory: Directory, history: History, links: Links) -> dict[str, dict]:
    """The JSON Feed 1.1 of profile changes (https://jsonfeed.org/version/1.1), by path:
    updates.json with the newest changes, and archive pages updates/1.json, 2.json, … each
    holding UPDATES_PAGE older ones, linked newest to oldest by `next_url`.

    Pages are counted from the oldest change, so a full page keeps its changes as new ones
    arrive and mirrors fetch it once; updates.json holds the last full page and every change
    since (one to two pages' worth).
    """
    oldest_first = history.changes[::-1]
    full = len(oldest_first) // UPDATES_PAGE
    newest = max(full - 1, 0) * UPDATES_PAGE
    pages = {updates_path(): _feed_page(directory, links, oldest_first[newest:][::-1], full - 1 if full > 1 else None)}
    for page in range(1, full):
        changes = oldest_first[(page - 1) * UPDATES_PAGE:page * UPDATES_PAGE][::-1]
        pages[updates_path(page)] = _feed_page(directory, links, changes, page - 1 if page > 1 else None)
    return pages


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows as written instead of evaluating it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_row(directory: Directory, history: History, links: Links, institution: Institution) -> list[str]:
    record = institution.record
    identifiers = record.get("identifiers", {})
    lending = institution.lending or {}
    contacts = record.get("contacts", [])
    lending_email = next((c["email"] for role in ("lending", "general") for c in contacts if c["role"] == role), "")

    def yes_no(present: bool) -> str:
        return "yes" if present else "no"

    row = [
        institution.id, institution.name, institution.status, institution.country,
        institution.city or "", record.get("website", ""),
        identifiers.get("isil", ""), identifiers.get("oclc", ""), identifiers.get("ror", ""),
        identifiers.get("alma", ""),
        yes_no("loan" in lending), yes_no("copy" in lending),
        ";".join(lending.get("loan", {}).get("publication_types", [])),
        ";".join(lending.get("copy", {}).get("publication_types", [])),
        ";".join(institution.terms.lends_to_codes if institution.terms else ()),
        ";".join(channel.method for channel in institution.channels),
        lending_email,
        ";".join(sorted(directory.confirmed_pods[institution.id])),
        links.institution_page(institution.id),
        rfc3339(history.last_changed(INSTITUTION, institution.id)),
    ]
    return [spreadsheet_safe(str(cell)) for cell in row]


def directory_csv(directory: Directory, history: History, links: Links) -> bytes:
    """One row per institution, UTF-8 with a byte-order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for institution in directory.institutions.values():
        writer.writerow(_csv_row(directory, history, links, institution))
    return out.getvalue().encode("utf-8-sig")


def published_schemas() -> dict[str, bytes]:
    """The JSON Schemas of records, requests and the feed, as they are in `schema/`."""
    return {f"schema/{path.name}": path.read_bytes() for path in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def manifest(files: dict[str, bytes], generated_at: str) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "files": [{"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                  for path, content in sorted(files.items())],
    }


def build_feed(directory: Directory, history: History, site_url: str) -> dict[str, bytes]:
    """Every file of the feed and the published schemas, by path relative to the site root."""
    links = Links(site_url)
    generated_at = rfc3339(history.generated_at)
    institutions = [institution_entry(directory, history, links, i) for i in directory.institutions.values()]
    pods = [pod_entry(directory, history, links, p) for p in directory.pods.values()]
    pairs = list(mutual_pairs(directory))

    files: dict[str, bytes] = {}
    files[f"{FEED}directory.json"] = _json({
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "counts": counts(directory, len(pairs)),
        "institutions": institutions,
        "pods": pods,
    })
    for entry in institutions:
        files[f"{FEED}institutions/{entry['id']}.json"] = _json(entry)
        institution = directory.institutions[entry["id"]]
        files[f"{FEED}alma/{entry['id']}.json"] = _json(alma_partner(institution))
        files[f"{FEED}reshare/{entry['id']}.json"] = _json(
            reshare_entry(directory, institution, entry["derived"]["reshare_url"]))
    for entry in pods:
        files[f"{FEED}pods/{entry['id']}.json"] = _json(entry)
    files[f"{FEED}partnerships.json"] = _json(partnerships_document(directory, generated_at, pairs))
    files[f"{FEED}compact.json"] = compact_directory(directory, generated_at)
    files.update(update_files(directory, history, links))
    files[f"{FEED}directory.csv"] = directory_csv(directory, history, links)
    files.update(published_schemas())
    files[f"{FEED}index.json"] = _json(manifest(files, generated_at))
    return dict(sorted(files.items()))
