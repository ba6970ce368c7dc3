"""The published feed: golden files, schema conformance, CSV safety, JSON Feed shape from a real
git history, the manifest and byte-for-byte determinism.

Regenerate the golden files after an intended change with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_feed.py

and review the diff of tests/fixtures/feed/expected/ like any other change.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from builder.exports.feed import FEED, SUBJECT_LIMIT, UPDATES_PAGE, build_feed, spreadsheet_safe
from builder.history import ADDED, INSTITUTION, POD, REMOVED, UPDATED, Change, History, read_history, rfc3339
from builder.model import Directory
from builder.validate import validate_directory
from test_history import FIRST, SECOND, commit_all, git, utc

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "feed"
GOLDEN = FIXTURE / "expected"
SITE = "https://directory.example/"
TODAY = dt.date(2026, 11, 1)
COMMIT_A, COMMIT_B = "a" * 40, "b" * 40
SECOND_STAMP = rfc3339(utc(SECOND))
HISTORY = History(
    generated_at=utc(SECOND),
    changes=(
        Change(COMMIT_B, utc(SECOND), INSTITUTION, "de-hafen", "records/institutions/de/de-hafen.yaml",
               UPDATED, "de-hafen: faster answers"),
        Change(COMMIT_B, utc(SECOND), INSTITUTION, "xx-gone", "records/institutions/de/xx-gone.yaml",
               REMOVED, "Remove a library that closed"),
        Change(COMMIT_A, utc(FIRST), INSTITUTION, "de-hafen", "records/institutions/de/de-hafen.yaml",
               ADDED, "Add the first records"),
        Change(COMMIT_A, utc(FIRST), POD, "coast-ring", "records/pods/coast-ring.yaml", ADDED,
               "Add the first records"),
    ),
)


def directory_of(records: Path) -> Directory:
    validation = validate_directory(records, TODAY)
    assert not validation.errors, [p.as_text() for p in validation.errors]
    return Directory.from_records(validation.valid)


def fixture_feed() -> dict[str, bytes]:
    return build_feed(directory_of(FIXTURE / "records"), HISTORY, SITE)


def schema_validator(definition: str | None = None) -> Draft202012Validator:
    schemas = {name: json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
               for name in ("institution", "pod", "feed")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    feed = schemas["feed"]
    schema = feed if definition is None else {"$ref": f"{feed['$id']}#/$defs/{definition}"}
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator: Draft202012Validator, document: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def load(files: dict[str, bytes], name: str) -> object:
    return json.loads(files[FEED + name])


# Schema files and the manifest change whenever any schema changes; they are checked on their own.
def golden_paths(files: dict[str, bytes]) -> list[str]:
    return [p for p in files if p.startswith(FEED) and p != FEED + "index.json"]


def test_feed_matches_golden_files() -> None:
    files = fixture_feed()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path in golden_paths(files):
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
    expected = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())
    assert golden_paths(files) == expected
    for path in expected:
        assert files[path] == (GOLDEN / path).read_bytes(), f"{path} differs; see the module docstring"


def test_same_input_builds_identical_bytes() -> None:
    assert fixture_feed() == fixture_feed()


def test_sample_directory_feed_is_deterministic() -> None:
    history = read_history(ROOT / "records", {})
    first = build_feed(directory_of(ROOT / "records"), history, SITE)
    second = build_feed(directory_of(ROOT / "records"), read_history(ROOT / "records", {}), SITE)
    assert first == second


@pytest.mark.parametrize("records", [FIXTURE / "records", ROOT / "records"], ids=["fixture", "sample"])
def test_feed_files_validate_against_the_feed_schema(records: Path) -> None:
    files = build_feed(directory_of(records), HISTORY, SITE)
    assert errors(schema_validator(), load(files, "directory.json")) == []
    institution, pod = schema_validator("institution"), schema_validator("pod")
    per_record = [p for p in files if p.startswith((FEED + "institutions/", FEED + "pods/"))]
    assert per_record
    for path in per_record:
        validator = institution if "/institutions/" in path else pod
        assert errors(validator, json.loads(files[path])) == [], path
    assert errors(schema_validator("partnerships"), load(files, "partnerships.json")) == []
    assert errors(schema_validator("compact"), load(files, "compact.json")) == []
    assert errors(schema_validator("index"), load(files, "index.json")) == []
    reshare = schema_validator("reshare")
    entries = [p for p in files if p.startswith(FEED + "reshare/")]
    assert len(entries) == len(load(files, "directory.json")["institutions"])
    for path in entries:
        assert errors(reshare, json.loads(files[path])) == [], path


def test_schema_rejects_an_entry_without_derived_facts() -> None:
    entry = load(fixture_feed(), "institutions/de-hafen.json")
    del entry["derived"]
    assert errors(schema_validator("institution"), entry)


def test_per_record_files_are_the_entries_of_directory_json() -> None:
    files = fixture_feed()
    directory = load(files, "directory.json")
    for entry in directory["institutions"]:
        assert load(files, f"institutions/{entry['id']}.json") == entry
    for entry in directory["pods"]:
        assert load(files, f"pods/{entry['id']}.json") == entry


def test_entries_keep_the_record_and_add_derived_facts() -> None:
    files = fixture_feed()
    hafen = load(files, "institutions/de-hafen.json")
    assert [c["method"] for c in hafen["request_channels"]] == ["alma", "email"]   # authors' order kept
    assert hafen["derived"]["mutual_partners"] == ["fr-lumiere", "gb-quill"]
    assert hafen["derived"]["confirmed_pods"] == ["coast-ring"]
    assert hafen["derived"]["last_changed"] == SECOND_STAMP
    assert hafen["derived"]["page_url"] == "https://directory.example/institutions/de-hafen/"
    ring = load(files, "pods/coast-ring.json")
    assert ring["derived"]["confirmed_members"] == ["de-hafen"]
    assert ring["derived"]["pending_members"] == ["gb-quill"]
    # Not in the history: dated like the build.
    assert load(files, "institutions/gb-quill.json")["derived"]["last_changed"] == SECOND_STAMP


def test_partnerships_say_which_way_requests_flow() -> None:
    pairs = {tuple(p["institutions"]): p["flows"] for p in load(fixture_feed(), "partnerships.json")["partnerships"]}
    assert set(pairs) == {("de-hafen", "fr-lumiere"), ("de-hafen", "gb-quill")}
    to_lumiere, to_hafen = pairs[("de-hafen", "fr-lumiere")]
    assert (to_lumiere["borrower"], to_lumiere["lender"], to_lumiere["ok"]) == ("de-hafen", "fr-lumiere", True)
    assert to_lumiere["channel"] == "email"          # de-hafen speaks no ISO ILL
    assert to_hafen["ok"] and to_hafen["channel"] == "email"
    assert [f["rule"] for f in pairs[("de-hafen", "gb-quill")]] == ["builtin:inactive", "builtin:inactive"]


def read_csv(files: dict[str, bytes]) -> list[dict[str, str]]:
    raw = files[FEED + "directory.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_formulas_from_records() -> None:
    rows = {row["id"]: row for row in read_csv(fixture_feed())}
    lumiere = rows["fr-lumiere"]
    assert lumiere["name"] == "'=HYPERLINK(\"https://evil.example\",\"Bibliothèque Lumière\")"
    assert lumiere["city"] == "'-Lyon"
    assert rows["de-hafen"]["name"] == "Hafenstadt University Library"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


@pytest.mark.parametrize("cell, shown", [("=1+1", "'=1+1"), ("+49 40", "'+49 40"), ("-2", "'-2"),
                                          ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Lyon", "Lyon"),
                                          ("", "")])
def test_spreadsheet_safe(cell: str, shown: str) -> None:
    assert spreadsheet_safe(cell) == shown


def test_csv_has_one_row_per_institution_with_the_documented_columns() -> None:
    rows = read_csv(fixture_feed())
    assert [r["id"] for r in rows] == ["de-hafen", "fr-lumiere", "gb-quill"]
    hafen = rows[0]
    assert (hafen["lends_loans"], hafen["lends_copies"], hafen["channels"]) == ("yes", "yes", "alma;email")
    assert hafen["lending_email"] == "fernleihe@hafen.example"
    documented = (ROOT / "site_src" / "feed.md").read_text(encoding="utf-8")
    for column in hafen:
        assert f"`{column}`" in documented, f"CSV column {column} is not documented in site_src/feed.md"


def test_alma_partner_records() -> None:
    files = fixture_feed()
    hafen = load(files, "alma/de-hafen.json")
    details = hafen["partner_details"]
    # An Alma channel has no ISO 18626 server in the directory: the institution code is given,
    # and the profile comes from the next channel, email.
    assert details["institution_code"] == "49HAF_INST"           # from identifiers.alma
    assert details["profile_details"] == {"profile_type": "EMAIL",
                                          "email_details": {"email": "fernleihe@hafen.example"}}
    assert details["system_type"] == {"value": "ALMA", "desc": "Alma"}
    assert details["status"] == "ACTIVE" and details["avg_supply_time"] == 3
    assert details["currency"] == "EUR"
    addresses = hafen["contact_info"]["address"]
    assert addresses[0]["country"] == {"value": "DEU", "desc": "Germany"}
    assert addresses[0]["address_type"] == ["shipping", "returns"]
    assert addresses[1]["address_type"] == ["ALL"]                # postal only
    emails = {e["email_address"]: e["email_type"] for e in hafen["contact_info"]["email"]}
    assert emails == {"fernleihe@hafen.example": ["order_mail", "claim_mail"],
                      "rechnung@hafen.example": ["payment_mail"]}
    assert hafen["contact_info"]["phone"] == [
        {"phone_number": "+49 40 5550 100", "phone_type": ["order_phone", "claim_phone"], "preferred": True}]
    lumiere = load(files, "alma/fr-lumiere.json")["partner_details"]["profile_details"]
    assert lumiere == {"profile_type": "ISO", "iso_details": {
        "ill_server": "ill.lumiere.example", "ill_port": 1611, "iso_symbol": "ISIL:FR-Lum1"}}
    quill = load(files, "alma/gb-quill.json")["partner_details"]
    assert quill["status"] == "INACTIVE" and not quill["borrowing_supported"]
    assert quill["profile_details"] == {"profile_type": "EMAIL", "email_details": {"email": "library@quill.example"}}


def test_alma_takes_illiad_as_iso_18626_at_its_address() -> None:
    lakeside = build_feed(directory_of(ROOT / "records"), HISTORY, SITE)[FEED + "alma/us-lakeside.json"]
    details = json.loads(lakeside)["partner_details"]
    assert details["system_type"]["value"] == "ILLIAD"
    assert details["profile_details"] == {"profile_type": "ISO_18626", "iso_18626_details": {
        "ill_server": "https://ill.lakeside.example/illiad/iso18626", "iso_symbol": "OCLC:ZLKS1"}}


def test_reshare_directory_entries() -> None:
    files = build_feed(directory_of(ROOT / "records"), HISTORY, SITE)
    nordbib = load(files, "reshare/de-nordbib.json")
    assert (nordbib["name"], nordbib["slug"], nordbib["type"]) == (
        "Nordhafen State and University Library", "de-nordbib", "Institution")
    assert nordbib["foafUrl"] == "https://directory.example/feed/v1/reshare/de-nordbib.json"
    assert load(files, "institutions/de-nordbib.json")["derived"]["reshare_url"] == nordbib["foafUrl"]
    # The channel's symbol, then the identifiers; each authority and value once.
    assert [(s["authority"], s["symbol"]) for s in nordbib["symbols"]] == [("ISIL", "DE-Nb1"), ("OCLC", "ZNHB1")]
    # An ISO 18626 service at the endpoint; the email channel has no ReShare service.
    assert nordbib["services"] == [{
        "slug": "de-nordbib_ISO18626", "customProperties": {"ILLPreferredNamespaces": ["ISIL"]},
        "service": {"name": "Nordhafen State and University Library ISO 18626", "type": "ISO18626",
                    "address": "https://ill.nordbib.example/iso18626", "businessFunction": "ILL"}}]
    assert nordbib["tags"] == ["status:active", "pod:euro-scholar", "pod:nordic-share"]
    shipping = nordbib["addresses"][0]
    assert shipping["addressLabel"] == "shipping, returns" and shipping["tags"] == ["shipping", "returns"]
    assert [(line["seq"], line["type"]["value"], line["value"]) for line in shipping["lines"]] == [
        (0, "premise", "Nordhafen State and University Library"), (1, "department", "Interlibrary Loan"),
        (2, "thoroughfare", "Speicherstrasse 12"), (3, "locality", "Nordhafen"), (4, "postalcode", "24999"),
        (5, "country", "Germany")]
    # ISO ILL as ISO10161.TCP at tcp:host:port; a library reached by Alma only has no service.
    dijkstad = load(files, "reshare/nl-dijkstad.json")["services"]
    assert [(s["slug"], s["service"]["type"], s["service"]["address"]) for s in dijkstad] == [
        ("nl-dijkstad_ISO18626", "ISO18626", "https://ill.dijkstad.example/iso18626"),
        ("nl-dijkstad_ISO10161_TCP", "ISO10161.TCP", "tcp:iso-ill.dijkstad.example:9001")]
    assert load(files, "reshare/de-auenfeld.json")["services"] == []
    assert load(files, "reshare/gb-elmstead.json")["tags"] == ["status:inactive"]


def test_index_lists_every_file_with_its_size_and_hash() -> None:
    files = fixture_feed()
    index = load(files, "index.json")
    listed = [entry["path"] for entry in index["files"]]
    assert listed == sorted(p for p in files if p != FEED + "index.json")
    assert "schema/feed.schema.json" in listed and "schema/institution.schema.json" in listed
    for entry in index["files"]:
        content = files[entry["path"]]
        assert entry["size"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()


def test_published_schemas_are_the_repository_schemas() -> None:
    files = fixture_feed()
    for path in (ROOT / "schema").glob("*.schema.json"):
        assert files[f"schema/{path.name}"] == path.read_bytes()


def test_updates_is_a_json_feed_built_from_a_real_history(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURE / "records", tmp_path / "records")
    first = commit_all(tmp_path, "Add the first records", FIRST)
    hafen = tmp_path / "records" / "institutions" / "de" / "de-hafen.yaml"
    hafen.write_text(hafen.read_text(encoding="utf-8").replace("days_to_respond: 3", "days_to_respond: 2")
                     .replace("  - gb-quill\n", ""), encoding="utf-8")
    ring = tmp_path / "records" / "pods" / "coast-ring.yaml"
    ring.write_text(ring.read_text(encoding="utf-8").replace("  - gb-quill\n", ""), encoding="utf-8")
    (tmp_path / "records" / "institutions" / "gb" / "gb-quill.yaml").unlink()
    second = commit_all(tmp_path, "de-hafen answers faster; gb-quill leaves", SECOND)

    history = read_history(tmp_path / "records", {})
    files = build_feed(directory_of(tmp_path / "records"), history, SITE)
    updates = load(files, "updates.json")

    assert updates["version"] == "https://jsonfeed.org/version/1.1"
    assert updates["feed_url"] == "https://directory.example/feed/v1/updates.json"
    assert updates["home_page_url"] == SITE and updates["title"]
    items = updates["items"]
    assert [i["date_published"] for i in items] == sorted((i["date_published"] for i in items), reverse=True)
    by_id = {item["id"]: item for item in items}
    assert len(by_id) == len(items) == 7    # four added, then two updated and one removed
    updated = by_id[f"{second}:records/institutions/de/de-hafen.yaml"]
    assert updated["title"] == "Hafenstadt University Library profile updated"
    assert updated["url"] == "https://directory.example/institutions/de-hafen/"
    assert updated["date_published"] == SECOND_STAMP
    assert "de-hafen answers faster" in updated["content_text"]
    removed = by_id[f"{second}:records/institutions/gb/gb-quill.yaml"]
    # Its page is gone with it: the item leads to the directory instead.
    assert removed["title"] == "gb-quill removed" and removed["url"] == "https://directory.example/directory/"
    joined = by_id[f"{first}:records/pods/coast-ring.yaml"]
    assert joined["title"] == "Coast Ring joined" and joined["url"] == "https://directory.example/pods/coast-ring/"
    for item in items:
        assert isinstance(item["id"], str) and item["content_text"]
        assert dt.datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).tzinfo is not None


def history_of(count: int) -> History:
    """`count` updates of de-hafen, one a second, the newest first."""
    return History(utc(SECOND), tuple(
        Change(f"{n:040x}", utc(FIRST + n), INSTITUTION, "de-hafen", "records/institutions/de/de-hafen.yaml",
               UPDATED, f"change {n}") for n in range(count, 0, -1)))


def feed_pages(files: dict[str, bytes]) -> list[dict]:
    """updates.json and the pages its next_url chain leads to, in that order."""
    pages = [load(files, "updates.json")]
    while "next_url" in pages[-1]:
        pages.append(json.loads(files[pages[-1]["next_url"].removeprefix(SITE)]))
    return pages


def numbers(page: dict) -> list[int]:
    return [int(item["content_text"].rsplit(" ", 1)[1]) for item in page["items"]]


@pytest.mark.parametrize("count", [0, 1, UPDATES_PAGE - 1, UPDATES_PAGE, 2 * UPDATES_PAGE - 1, 2 * UPDATES_PAGE,
                                   5 * UPDATES_PAGE + 7])
def test_updates_page_older_changes_and_every_change_is_on_one_page(count: int) -> None:
    files = build_feed(directory_of(FIXTURE / "records"), history_of(count), SITE)
    pages = feed_pages(files)
    assert [n for page in pages for n in numbers(page)] == list(range(count, 0, -1))   # newest first, once each
    newest = pages[0]["items"]
    assert len(newest) == count if count < 2 * UPDATES_PAGE else UPDATES_PAGE <= len(newest) < 2 * UPDATES_PAGE
    assert all(len(page["items"]) == UPDATES_PAGE for page in pages[1:])
    assert len([p for p in files if p.startswith(FEED + "updates")]) == len(pages)
    for page in pages:
        assert page["feed_url"] == SITE + FEED + "updates.json" and page["version"].endswith("/1.1")


def test_full_archive_pages_keep_their_bytes_as_changes_arrive() -> None:
    before = build_feed(directory_of(FIXTURE / "records"), history_of(3 * UPDATES_PAGE + 5), SITE)
    after = build_feed(directory_of(FIXTURE / "records"), history_of(3 * UPDATES_PAGE + 90), SITE)
    archived = [p for p in before if p.startswith(FEED + "updates/")]
    assert archived == [FEED + "updates/1.json", FEED + "updates/2.json"]
    for path in archived:
        assert after[path] == before[path]
    assert after[FEED + "updates.json"] != before[FEED + "updates.json"]


def test_a_long_commit_subject_is_quoted_short() -> None:
    subject = "word " * 100
    history = History(utc(SECOND), (Change(COMMIT_A, utc(FIRST), INSTITUTION, "de-hafen",
                                           "records/institutions/de/de-hafen.yaml", UPDATED, subject),))
    text = load(build_feed(directory_of(FIXTURE / "records"), history, SITE), "updates.json")["items"][0]["content_text"]
    quoted = text.split(": ", 1)[1]
    assert quoted.endswith(" …") and len(quoted) <= SUBJECT_LIMIT + 2 and subject.startswith(quoted[:-2])


def test_site_address_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="site_url"):
        build_feed(directory_of(FIXTURE / "records"), HISTORY, "/directory/")


def walk_properties(node: object, where: str = "$"):
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            yield f"{where}.{name}", value
        for key, value in node.items():
            yield from walk_properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_properties(value, f"{where}[{index}]")


def test_feed_schema_describes_every_property_and_follows_the_record_schemas() -> None:
    feed = json.loads((ROOT / "schema" / "feed.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(feed)
    undescribed = [where for where, prop in walk_properties(feed) if "description" not in prop]
    assert undescribed == []
    for kind in ("institution", "pod"):
        record = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        entry = feed["$defs"][kind]
        assert set(entry["properties"]) == set(record["properties"]) | {"derived"}, kind
        assert set(entry["required"]) == set(record["required"]) | {"derived"}, kind
