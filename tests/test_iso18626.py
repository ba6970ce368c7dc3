"""ISO 18626 request messages: `rsdir check --iso18626 DIR` on the example requests, every file
parsed back to its request's values and checked against the element order and required elements
of the 2021-2 schema (ISO-18626-2021-2.xsd), hostile text, and the requests that get no file."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from builder.cli import main
from builder.exports.iso18626 import NAMESPACE
from builder.identifiers import split_agency_id
from conftest import EXAMPLE_REQUESTS, FIXTURES, SAMPLE_RECORDS

NS = f"{{{NAMESPACE}}}"
# Facts of ISO-18626-2021-2.xsd for a request: each element's children in the order of its
# sequence, the required ones marked with "!". Elements not listed here hold text only.
SEQUENCES = {
    "ISO18626Message": ["request!"],
    "request": ["header!", "bibliographicInfo!", "publicationInfo", "serviceInfo!", "supplierInfo",
                "requestedDeliveryInfo", "requestingAgencyInfo", "patronInfo", "billingInfo"],
    "header": ["supplyingAgencyId", "requestingAgencyId!", "consortialId", "multipleItemRequestId", "timestamp!",
               "requestingAgencyRequestId!", "requestingAgencyAuthentication"],
    "supplyingAgencyId": ["agencyIdType!", "agencyIdValue!"],
    "requestingAgencyId": ["agencyIdType!", "agencyIdValue!"],
    "bibliographicInfo": ["supplierUniqueRecordId", "title", "author", "authorId", "subtitle", "seriesTitle",
                          "edition", "titleOfComponent", "authorOfComponent", "volume", "issue", "pagesRequested",
                          "estimatedNoPages", "bibliographicItemId", "sponsor", "informationSource",
                          "bibliographicRecordId"],
    "publicationInfo": ["publisher", "publisherId", "publicationType", "publicationDate", "placeOfPublication"],
    "serviceInfo": ["requestType", "requestSubType", "requestingAgencyPreviousRequestId", "serviceType!",
                    "serviceLevel", "itemFormat", "needBeforeDate", "copyrightCompliance", "anyEdition",
                    "preferredEdition", "loanCondition", "startDate", "endDate", "note"],
    "requestedDeliveryInfo": ["sortOrder", "address", "deliveryMethod", "courierName"],
    "requestingAgencyInfo": ["name", "contactName", "address"],
    "address": ["physicalAddress"],
    "physicalAddress": ["line1", "line2", "locality", "postalCode", "region", "country"],
    "billingInfo": ["paymentMethod", "maximumCosts", "billingMethod", "billingName", "address"],
    "maximumCosts": ["currencyCode!", "monetaryValue!"],
}
REPEATABLE = {"supplierInfo", "requestedDeliveryInfo", "volume", "bibliographicItemId", "bibliographicRecordId",
              "requestSubType", "loanCondition", "address"}
DATE_TIMES = {"timestamp", "needBeforeDate"}
SERVICE_TYPES = {"Copy", "Loan", "CopyOrLoan"}
REQUEST_TYPES = {"New", "Retry", "Reminder"}
# The accepted examples whose channel speaks ISO 18626, by request id; accept-email-channel goes
# by email and gets no message.
ISO_EXAMPLES = {"LKS-2026-0412": "accept-copy-article.yaml", "NHB-FL-2026-8831": "accept-agency-id-borrower.yaml",
                "PSU-ILL-55120": "accept-copy-or-loan.yaml", "NRV-FJ-2026-0077": "accept-pod-exemption.yaml"}


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def local(element: ET.Element) -> str:
    assert element.tag.startswith(NS), f"{element.tag} is outside the ISO 18626 namespace"
    return element.tag[len(NS):]


def check_against_schema(element: ET.Element) -> None:
    """Children in the order of the element's sequence, required ones present, no repeats of
    what the schema does not repeat, and text only in elements without children."""
    name = local(element)
    children = [local(child) for child in element]
    if name not in SEQUENCES:
        assert children == [], f"{name} holds elements"
        assert element.text, f"{name} is empty"
        return
    order = [entry.rstrip("!") for entry in SEQUENCES[name]]
    unknown = [child for child in children if child not in order]
    assert unknown == [], f"{name} holds {unknown}"
    positions = [order.index(child) for child in children]
    assert positions == sorted(positions), f"{name}: {children} is not in the schema's order"
    required = [entry.rstrip("!") for entry in SEQUENCES[name] if entry.endswith("!")]
    assert all(child in children for child in required), f"{name} lacks one of {required}"
    repeated = {child for child in children if children.count(child) > 1}
    assert repeated <= REPEATABLE, f"{name} repeats {repeated}"
    for child in element:
        check_against_schema(child)


def text(root: ET.Element, path: str) -> str | None:
    found = root.find("/".join(f"{NS}{step}" for step in path.split("/")))
    return None if found is None else found.text


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("iso") / "out"
    result = run("check", "--records", SAMPLE_RECORDS, *sorted(EXAMPLE_REQUESTS.glob("*.yaml")), "--iso18626", out)
    return out, result


def test_check_writes_one_file_per_accepted_iso18626_request_and_nothing_else(written):
    out, result = written
    assert result.exit_code == 1                    # some examples are refused, as their README says
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{i}.xml" for i in ISO_EXAMPLES)
    assert "ISO 18626 request messages written into" in result.stderr and result.stderr.rstrip().endswith(": 4")


def test_every_message_follows_the_2021_2_schema(written):
    out, _ = written
    for path in out.iterdir():
        root = ET.fromstring(path.read_bytes())
        assert local(root) == "ISO18626Message"
        assert root.attrib == {f"{NS}version": "2021-2"}, "ill:version is the only attribute"
        check_against_schema(root)
        for element in root.iter():
            if local(element) in DATE_TIMES:
                assert len(element.text) == 20 and element.text.endswith("T00:00:00Z"), element.text
        assert text(root, "request/serviceInfo/serviceType") in SERVICE_TYPES
        assert text(root, "request/serviceInfo/requestType") in REQUEST_TYPES


def test_messages_parse_back_to_their_requests(written):
    out, _ = written
    for request_id, example in ISO_EXAMPLES.items():
        request = yaml.safe_load((EXAMPLE_REQUESTS / example).read_text(encoding="utf-8"))
        root = ET.fromstring((out / f"{request_id}.xml").read_bytes())
        header = "request/header/"
        assert text(root, header + "requestingAgencyRequestId") == request["id"]
        assert text(root, header + "timestamp") == f"{request['date']}T00:00:00Z"
        assert text(root, "request/bibliographicInfo/title") == request["title"]
        assert text(root, "request/bibliographicInfo/author") == request.get("author")
        assert text(root, "request/bibliographicInfo/estimatedNoPages") == (
            str(request["pages"]) if "pages" in request else None)
        assert text(root, "request/publicationInfo/publicationType") == request["publication_type"]
        assert text(root, "request/publicationInfo/publicationDate") == request.get("publication_date")
        assert text(root, "request/serviceInfo/serviceLevel") == request.get("service_level")
        assert text(root, "request/serviceInfo/itemFormat") == request.get("item_format")
        need_before = request.get("need_before")
        assert text(root, "request/serviceInfo/needBeforeDate") == (need_before and f"{need_before}T00:00:00Z")
        assert text(root, "request/requestedDeliveryInfo/deliveryMethod") == request.get("delivery_method")
        assert text(root, "request/billingInfo/paymentMethod") == request.get("payment_method")
        max_cost = request.get("max_cost")
        assert text(root, "request/billingInfo/maximumCosts/currencyCode") == (max_cost and max_cost["currency"])
        assert text(root, "request/billingInfo/maximumCosts/monetaryValue") == (max_cost and str(max_cost["amount"]))


def test_agency_ids_come_from_channel_symbols_and_identifiers(written):
    out, _ = written

    def agencies(request_id: str) -> tuple[tuple[str, str], tuple[str, str]]:
        root = ET.fromstring((out / f"{request_id}.xml").read_bytes())
        return tuple((text(root, f"request/header/{who}/agencyIdType"), text(root, f"request/header/{who}/agencyIdValue"))
                     for who in ("supplyingAgencyId", "requestingAgencyId"))

    # us-lakeside's ILLiad channel symbol; de-nordbib's ISO 18626 channel symbol.
    assert agencies("LKS-2026-0412") == (("ISIL", "DE-Nb1"), ("OCLC", "ZLKS1"))
    # us-prairie has an Alma channel only, without a symbol: its ISIL stands for it.
    assert agencies("PSU-ILL-55120") == (("ISIL", "CA-OMwU"), ("ISIL", "US-PrsU"))
    # CopyOrLoan resolved: the lender lends no conference proceedings, so a copy.
    root = ET.fromstring((out / "PSU-ILL-55120.xml").read_bytes())
    assert text(root, "request/serviceInfo/serviceType") == "Copy"


@pytest.mark.parametrize("symbol, split", [("ISIL:DE-Nb1", ("ISIL", "DE-Nb1")), ("ISIL:CA-OMwU", ("ISIL", "CA-OMwU")),
                                           ("ISIL:XX-a:b", ("ISIL", "XX-a:b"))])
def test_agency_id_splits_at_the_first_colon(symbol, split):
    assert split_agency_id(symbol) == split


def test_same_request_gives_the_same_bytes(written, tmp_path):
    out, _ = written
    again = tmp_path / "again"
    run("check", "--records", SAMPLE_RECORDS, *sorted(EXAMPLE_REQUESTS.glob("*.yaml")), "--iso18626", again)
    for path in out.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes()


def write_request(folder: Path, name: str, **fields: object) -> Path:
    base = {"id": name, "borrower": "us-lakeside", "lender": "de-nordbib", "service_type": "Copy",
            "publication_type": "Article", "title": "A title", "date": "2026-12-01"}
    base.update(fields)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return path


def test_hostile_text_is_escaped_and_reads_back_unchanged(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "hostile", records)
    plain = records / "institutions" / "us" / "us-plain.yaml"
    plain.write_text(plain.read_text(encoding="utf-8").replace(
        "  - {method: email, email: ill@plain.example}",
        "  - {method: iso18626, url: 'https://ill.plain.example/iso18626', symbol: 'ISIL:US-Pln'}\n"
        "  - {method: email, email: ill@plain.example}"), encoding="utf-8")
    hostile_title = "</ill:title><script>alert(1)</script> & &amp; ]]> <![CDATA[x]]> \"'{{ 7*7 }}"
    request = write_request(tmp_path, "R-<&>", borrower="de-hostile", lender="us-plain",
                            title=hostile_title, author="<b>Ö'Brien & Søn</b>", publication_date="<2020>")
    out = tmp_path / "out"
    result = run("check", "--records", records, request, "--iso18626", out)
    assert result.exit_code == 0, result.output
    root = ET.fromstring((out / "R-<&>.xml").read_bytes())       # well-formed, or this raises
    check_against_schema(root)
    assert text(root, "request/bibliographicInfo/title") == hostile_title
    assert text(root, "request/bibliographicInfo/author") == "<b>Ö'Brien & Søn</b>"
    assert text(root, "request/header/requestingAgencyRequestId") == "R-<&>"
    record = yaml.safe_load((records / "institutions" / "de" / "de-hostile.yaml").read_text(encoding="utf-8"))
    assert text(root, "request/requestingAgencyInfo/name") == record["name"]
    assert text(root, "request/requestingAgencyInfo/address/physicalAddress/line1") == record["addresses"][0]["lines"][0]
    assert text(root, "request/requestingAgencyInfo/address/physicalAddress/locality") == record["addresses"][0]["city"]


def test_borrower_without_a_symbol_gets_no_file_and_a_reason_while_others_are_written(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(SAMPLE_RECORDS, records)
    norrvik = records / "institutions" / "se" / "se-norrvik.yaml"
    norrvik.write_text(norrvik.read_text(encoding="utf-8").replace('  isil: "SE-NrvU"\n', "")
                       .replace('  oclc: "ZNRV5"\n', ""), encoding="utf-8")
    out = tmp_path / "out"
    result = run("check", "--records", records, EXAMPLE_REQUESTS / "accept-pod-exemption.yaml",
                 EXAMPLE_REQUESTS / "accept-copy-article.yaml", "--iso18626", out)
    assert result.exit_code == 0                      # both are still accepted
    assert sorted(p.name for p in out.iterdir()) == ["LKS-2026-0412.xml"]
    lines = [line for line in result.stderr.splitlines() if "NRV-FJ-2026-0077" in line]
    assert len(lines) == 1
    assert "no ISO 18626 message written" in lines[0] and "se-norrvik has no ISO 18626 agency symbol" in lines[0]
    assert result.stdout.count("ACCEPT") == 2


def test_refused_and_email_requests_get_no_file(tmp_path):
    out = tmp_path / "out"
    result = run("check", "--records", SAMPLE_RECORDS, EXAMPLE_REQUESTS / "unfilled-lender-rule.yaml",
                 EXAMPLE_REQUESTS / "accept-email-channel.yaml", "--iso18626", out, "--format", "json")
    assert result.exit_code == 1
    assert list(out.iterdir()) == []
    assert result.stdout.startswith("{")              # stdout stays the JSON document


@pytest.mark.parametrize("request_id", ["../escape", "a/b", "a\\b", "..", "."])
def test_request_id_that_is_no_file_name_gets_no_file(tmp_path, request_id):
    request = write_request(tmp_path, "bad", id=request_id)
    out = tmp_path / "out"
    result = run("check", "--records", SAMPLE_RECORDS, request, "--iso18626", out)
    assert result.exit_code == 0
    assert list(out.iterdir()) == [] and not (tmp_path / "escape.xml").exists()
    assert "cannot be a file name" in result.stderr


def test_second_request_with_the_same_id_is_not_written_over_the_first(tmp_path):
    first = write_request(tmp_path, "one", id="SAME", title="First")
    second = write_request(tmp_path, "two", id="SAME", title="Second")
    out = tmp_path / "out"
    result = run("check", "--records", SAMPLE_RECORDS, first, second, "--iso18626", out)
    assert [p.name for p in out.iterdir()] == ["SAME.xml"]
    assert text(ET.fromstring((out / "SAME.xml").read_bytes()), "request/bibliographicInfo/title") == "First"
    assert "same id" in result.stderr and "two.yaml" in result.stderr


def test_text_xml_cannot_carry_gets_no_file(tmp_path):
    request = tmp_path / "odd.yaml"
    request.write_text('id: ODD\nborrower: us-lakeside\nlender: de-nordbib\nservice_type: Copy\n'
                       'publication_type: Article\ntitle: "Odd \\uFFFF title"\ndate: "2026-12-01"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run("check", "--records", SAMPLE_RECORDS, request, "--iso18626", out)
    assert result.exit_code == 0
    assert list(out.iterdir()) == []
    assert "U+FFFF" in result.stderr and "title" in result.stderr


def test_a_file_where_the_folder_should_be_is_a_usage_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder", encoding="utf-8")
    result = run("check", "--records", SAMPLE_RECORDS, EXAMPLE_REQUESTS / "accept-copy-article.yaml",
                 "--iso18626", target)
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "not a folder"
