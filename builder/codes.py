"""The code lists of the directory (ISO 18626, ISO 3166-1, ISO 4217) and the tool that keeps
the `enum` arrays of the JSON Schemas (and their plain words, `enumDescriptions`) in step with them.

`python -m builder.codes` rewrites the generated `$defs` of every schema in place;
`python -m builder.codes --check` only reports the ones that differ and exits 1 if any do.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from . import schemas
from .catalogs import SOURCE_LANGUAGE, translations

# ISO 18626 (2021 edition) open code lists, in the order the specification gives them.
REASON_UNFILLED = (
    "NonCirculating",
    "NotAvailableForILL",
    "NotHeld",
    "NotOnShelf",
    "PolicyProblem",
    "PoorCondition",
)
REASON_RETRY = (
    "AtBindery",
    "CostExceedsMaxCost",
    "CourierNotSupp",
    "MultiVolAvail",
    "MustMeetLoanCondition",
    "NotCurrentAvailableForILL",
    "NotFoundAsCited",
    "OnLoan",
    "OnOrder",
    "ReqDelDateNotPossible",
    "ReqDelMethodNotSupp",
    "ReqEditionNotPossible",
    "ReqFormatNotPossible",
    "ReqPayMethodNotSupported",
    "ReqServLevelNotSupp",
    "ReqServTypeNotPossible",
)
PUBLICATION_TYPE = (
    "ArchiveMaterial",
    "Article",
    "AudioBook",
    "Book",
    "Chapter",
    "ConferenceProc",
    "Game",
    "GovernmentPubl",
    "Image",
    "Journal",
    "Manuscript",
    "Map",
    "Movie",
    "MusicRecording",
    "MusicScore",
    "Newspaper",
    "Patent",
    "Report",
    "SoundRecording",
    "Thesis",
)
SERVICE_LEVEL = ("Express", "Normal", "Rush", "SecondaryMail", "Standard", "Urgent")
DELIVERY_METHOD = ("ArticleExchange", "Courier", "Email", "FTP", "Mail", "Odyssey", "URL")
PAYMENT_METHOD = (
    "BankTransfer",
    "CreditCard",
    "DebitCard",
    "EFTS",
    "IBS",
    "IIBS",
    "IFLAVoucher",
    "IFM",
    "LAPS",
    "Paypal",
)
ITEM_FORMAT = (
    "Blu-ray",
    "Braille",
    "CassetteTape",
    "CD",
    "CD-ROM",
    "Daisy-ROM",
    "DVD",
    "EPUB",
    "EPUB2",
    "EPUB3",
    "JPEG",
    "LargePrint",
    "LP",
    "Microform",
    "MP3",
    "Multimedia",
    "PaperCopy",
    "PDF",
    "Printed",
    "Tape",
    "TIFF",
    "UltraHD",
    "VHS",
)

# Plain words for the codes whose name does not say it plainly enough. They are written into the
# schemas as `enumDescriptions` beside each generated `enum` (YAML editors show them while
# completing a code; the site's profile editor shows them beside the codes it offers).
CODE_WORDS = {
    "ArchiveMaterial": "Archive material", "AudioBook": "Audiobook",
    "ConferenceProc": "Conference proceedings", "GovernmentPubl": "Government publication",
    "Movie": "Film", "MusicRecording": "Music recording", "MusicScore": "Music score",
    "SoundRecording": "Sound recording",
    "SecondaryMail": "Secondary mail (surface post)",
    "ArticleExchange": "OCLC Article Exchange", "FTP": "FTP server", "Mail": "Post",
    "URL": "A link to download it",
    "BankTransfer": "Bank transfer", "CreditCard": "Credit card", "DebitCard": "Debit card",
    "EFTS": "EFTS (DOCLINE's electronic fund transfer system)", "IFLAVoucher": "IFLA voucher",
    "IFM": "IFM (OCLC ILL Fee Management)",
    "CassetteTape": "Cassette tape", "Daisy-ROM": "DAISY talking book", "LargePrint": "Large print",
    "LP": "LP record", "PaperCopy": "Paper copy", "UltraHD": "Ultra HD Blu-ray",
    "NonCirculating": "Does not circulate", "NotAvailableForILL": "Not available for interlibrary loan",
    "NotHeld": "Not held", "NotOnShelf": "Not on the shelf", "PolicyProblem": "Against our lending policy",
    "PoorCondition": "In poor condition", "AtBindery": "At the bindery",
    "CostExceedsMaxCost": "Costs more than the borrower's maximum", "CourierNotSupp": "Courier not supported",
    "MultiVolAvail": "Several volumes: say which", "MustMeetLoanCondition": "Only with a loan condition",
    "NotCurrentAvailableForILL": "Not available for interlibrary loan at the moment",
    "NotFoundAsCited": "Not found as cited", "OnLoan": "On loan", "OnOrder": "On order",
    "ReqDelDateNotPossible": "Requested delivery date not possible",
    "ReqDelMethodNotSupp": "Requested delivery method not supported",
    "ReqEditionNotPossible": "Requested edition not possible",
    "ReqFormatNotPossible": "Requested format not possible",
    "ReqPayMethodNotSupported": "Requested payment method not supported",
    "ReqServLevelNotSupp": "Requested service level not supported",
    "ReqServTypeNotPossible": "Requested service type not possible",
}
# Country and currency names come from elsewhere (pycountry, the browser), not from the schema.
UNWORDED_LISTS = frozenset({"country", "currency"})


def code_words(codes: Sequence[str]) -> list[str]:
    """The plain words for each code, the code itself where it is plain already."""
    return [CODE_WORDS.get(code, code) for code in codes]


def words_in(code: str, words: str, lang: str) -> str:
    """The plain words the schemas give a code (`enumDescriptions`), in `lang`: the `engine`
    catalog holds them with the code as the context."""
    return translations("engine", lang).pgettext(code, words)


def code_lists_with_words(lang: str = SOURCE_LANGUAGE) -> dict[str, list[list[str]]]:
    """Each ISO 18626 code list a request names, as `[code, plain words]` pairs in the list's
    order, for pages that offer the codes as choices or show them in an answer (the words are
    empty where they would only repeat the code)."""
    lists = {"publication_type": PUBLICATION_TYPE, "service_level": SERVICE_LEVEL,
             "delivery_method": DELIVERY_METHOD, "payment_method": PAYMENT_METHOD, "item_format": ITEM_FORMAT,
             "reason": REASON_UNFILLED + REASON_RETRY}
    return {name: [[code, _shown_words(code, lang)] for code in codes] for name, codes in lists.items()}


def _shown_words(code: str, lang: str) -> str:
    words = words_in(code, CODE_WORDS.get(code, code), lang)
    return "" if words == code else words


# The record and request schemas whose code lists are generated (the feed schema has none).
SCHEMA_FILES = tuple(schemas.SCHEMA_DIR / name for name in schemas.SCHEMA_FILES.values())


# pycountry is imported where its codes are first needed: importing it (with the package metadata
# it reads) is a tenth of an answer from the cache, which needs no country list.
@cache
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes of every country, sorted."""
    import pycountry

    return tuple(sorted(country.alpha_2 for country in pycountry.countries))


@cache
def currency_codes() -> tuple[str, ...]:
    """ISO 4217 alphabetic currency codes, sorted."""
    import pycountry

    return tuple(sorted(currency.alpha_3 for currency in pycountry.currencies))


@cache
def _alpha3_codes() -> dict[str, str]:
    import pycountry

    return {country.alpha_2: country.alpha_3 for country in pycountry.countries}


def alpha3(code: str) -> str:
    """The ISO 3166-1 alpha-3 code of an alpha-2 country code (`DE` -> `DEU`)."""
    return _alpha3_codes()[code.upper()]


def generated_code_lists() -> dict[str, tuple[str, ...]]:
    """Which `$defs` entry of a schema holds which code list, by the name of the entry."""
    return {
        "country": country_codes(),
        "currency": currency_codes(),
        "publication_type": PUBLICATION_TYPE,
        "service_level": SERVICE_LEVEL,
        "delivery_method": DELIVERY_METHOD,
        "payment_method": PAYMENT_METHOD,
        "item_format": ITEM_FORMAT,
        "reason": REASON_UNFILLED + REASON_RETRY,
    }


def _render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _with_current_codes(schema: dict) -> tuple[dict, list[str]]:
    """The schema with every generated code list brought up to date, and the names of the
    `$defs` entries whose list changed."""
    definitions = schema.get("$defs", {})
    changed = []
    for name, codes in generated_code_lists().items():
        if name not in definitions:
            continue
        wanted = {"enum": list(codes)}
        if name not in UNWORDED_LISTS:
            wanted["enumDescriptions"] = code_words(codes)
        if any(definitions[name].get(key) != value for key, value in wanted.items()):
            definitions[name].update(wanted)
            changed.append(name)
    return schema, changed


def expected_schema_text(path: Path) -> str:
    """The text `python -m builder.codes` would write to the schema file at `path`."""
    schema, _ = _with_current_codes(json.loads(Path(path).read_text(encoding="utf-8")))
    return _render(schema)


def drift(path: Path) -> list[str]:
    """What in the schema file at `path` differs from what this module would write: the names
    of out-of-date code lists, or a note that only the layout of the file differs."""
    text = Path(path).read_text(encoding="utf-8")
    schema, changed = _with_current_codes(json.loads(text))
    if changed:
        return [f"$defs/{name}" for name in changed]
    if _render(schema) != text:
        return ["layout (not as json.dumps with indent=2 writes it)"]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m builder.codes",
        description="Write the ISO code lists into the enum arrays of the JSON Schemas.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 and name every schema whose code lists are out of date",
    )
    arguments = parser.parse_args(argv)

    out_of_date = 0
    for path in SCHEMA_FILES:
        differences = drift(path)
        if not differences:
            continue
        out_of_date += 1
        if arguments.check:
            for difference in differences:
                print(f"{path.name}: {difference} is out of date", file=sys.stderr)
        else:
            path.write_text(expected_schema_text(path), encoding="utf-8")
            print(f"{path.name}: rewrote {', '.join(differences)}")
    if arguments.check and out_of_date:
        print("run `python -m builder.codes` to update them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
