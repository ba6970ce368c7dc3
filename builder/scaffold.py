"""A new institution profile, written in the directory's layout so that it validates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import layout, schemas
from .loader import YamlProblem, load
from .problems import Problem
from .records import INSTITUTION, RecordFile, display_path, load_records
from .cache import Cache
from .validate import problems_joining, validate_directory

CHANNEL_METHODS = ("email", "iso18626", "illiad", "alma", "iso-ill")


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

    def record(self) -> dict:
        """The profile as record data: only what is asked for; the rest is added later."""
        return {
            "id": self.record_id, "name": self.name, "status": "active", "country": self.country,
            "maintainers": [self.maintainer], "last_reviewed": self.reviewed.isoformat(),
            "contacts": [{"role": "lending", "email": self.email}], "request_channels": [self.channel],
        }


def render_profile(profile: Profile) -> str:
    """The new profile in the directory's layout (as `rsdir fmt` and the site's editor write it)."""
    return layout.render(INSTITUTION, profile.record(), schemas.schema(INSTITUTION))


def scaffold_problems(text: str, target: Path, records_dir: Path, today: dt.date,
                      cache: Cache | None = None) -> list[Problem]:
    """Errors the new profile would have in the directory as it is now (a duplicate id, an
    identifier another library already claims, ...): the same checks `rsdir validate` runs."""
    name = display_path(target)
    try:
        document = load(text.encode("utf-8"), name)
    except YamlProblem as err:
        return [err.problem]
    record = RecordFile(INSTITUTION, target, target.stem, target.parent.name, document)
    existing = validate_directory(records_dir, today, cache=cache).loaded if cache else load_records(records_dir)
    return [p for p in problems_joining(existing, record, today) if p.severity == "error"]
