"""A new institution profile, written so that it validates and shows the optional sections."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .loader import YamlProblem, load
from .problems import Problem
from .records import INSTITUTION, LoadedRecords, RecordFile, display_path, load_records
from .validate import validate_loaded

CHANNEL_METHODS = ("email", "iso18626", "illiad", "alma", "iso-ill")


def _q(value) -> str:
    """A YAML scalar that reads back as exactly this value (JSON strings are YAML strings)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Profile:
    record_id: str
    name: str
    country: str
    maintainer: str
    email: str
    channel: dict
    reviewed: dt.date

    @classmethod
    def from_answers(cls, answers: dict, today: dt.date) -> "Profile":
        method = answers["channel_method"]
        channel: dict = {"method": method}
        if method == "email":
            channel["email"] = answers.get("channel_email") or answers["email"]
        if method in ("iso18626", "illiad"):
            channel["url"] = answers["channel_url"]
        if method == "iso-ill":
            channel["host"] = answers["channel_host"]
            channel["port"] = answers["channel_port"]
        if method in ("iso18626", "illiad", "iso-ill"):
            channel["symbol"] = answers["channel_symbol"]
        if method == "alma":
            channel["institution_code"] = answers["channel_code"]
        return cls(answers["record_id"].strip(), answers["name"].strip(), answers["country"].strip().upper(),
                   answers["maintainer"].strip().lstrip("@"), answers["email"].strip(), channel, today)


def render_profile(profile: Profile) -> str:
    channel = ", ".join(f"{key}: {_q(value)}" for key, value in profile.channel.items())
    return f"""# yaml-language-server: $schema=../../../schema/institution.schema.json
# Profile of {profile.name.replace(chr(10), ' ')} in the Open Resource Sharing Directory.
# Every field is described in the field reference on the directory's site.
id: {_q(profile.record_id)}
name: {_q(profile.name)}
status: active
country: {_q(profile.country)}
maintainers:
  - {_q(profile.maintainer)}
last_reviewed: "{profile.reviewed.isoformat()}"
contacts:
  - role: lending
    email: {_q(profile.email)}
request_channels:
  - {{{channel}}}

# Optional sections: remove the "# " in front of the lines you want and fill them in.
#
# timezone: Europe/Berlin
# website: https://www.example.org/
# description: >-
#   One or two sentences about your collections and your interlibrary-loan service.
# identifiers:
#   isil: DE-0000
#   oclc: ABCDE
#
# lending:
#   countries: ["*"]          # countries you lend to; "*" means every country
#   currency: EUR             # needed as soon as a fee is above 0
#   days_to_respond: 4
#   loan:
#     publication_types: [Book, Thesis]
#     loan_period_days: 28
#     fee: 0
#     delivery_methods: [Mail]
#   copy:
#     publication_types: [Article, Chapter]
#     fee: 0
#     delivery_methods: [Email, URL]
#
# partners:                   # institutions (or pod:<id>) you accept requests from
#   - de-nordbib
# pods: []
"""


def scaffold_problems(text: str, target: Path, records_dir: Path, today: dt.date) -> list[Problem]:
    """Errors the new profile would have in the directory as it is now (a duplicate id, an
    identifier another library already claims, ...): the same checks `rsdir validate` runs."""
    name = display_path(target)
    try:
        document = load(text.encode("utf-8"), name)
    except YamlProblem as err:
        return [err.problem]
    existing = load_records(records_dir)
    record = RecordFile(INSTITUTION, target, target.stem, target.parent.name, document)
    with_new = LoadedRecords(existing.root, existing.records + (record,), existing.problems, existing.unreadable)
    return [p for p in validate_loaded(with_new, today).problems if p.file == name and p.severity == "error"]
