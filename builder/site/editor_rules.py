"""The rules the profile editor (/edit/) checks a profile by that are not in the JSON Schema: the
constants of the cross-record checks and the time zones their check accepts. Published as
`assets/editor-rules.json`, so the browser reads Python's own lists instead of copies of them.
"""

from __future__ import annotations

import json
import zoneinfo

from .. import codes, crosschecks


def editor_rules() -> bytes:
    """The rules as compact, sorted UTF-8 JSON: the same bytes for the same code."""
    rules = {
        "reserved_ids": sorted(crosschecks.RESERVED_IDS),
        "reasons": {"unfilled": list(codes.REASON_UNFILLED), "retry": list(codes.REASON_RETRY)},
        "review_months": crosschecks.REVIEW_MONTHS,
        "isil_non_country_lengths": list(crosschecks.ISIL_NON_COUNTRY_LENGTHS),
        # What `zoneinfo.ZoneInfo` opens: the IANA names of the tzdata package the project pins.
        "time_zones": sorted(zoneinfo.available_timezones()),
    }
    return json.dumps(rules, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
