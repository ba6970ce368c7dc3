"""The file the site's engine (`assets/decide.mjs`) reads beside the feed: its sentences.

`assets/messages/en.json` holds builder/messages.py's table with the names the sentences put in
(countries, channel families), the request channels' names and the ISO 18626 codes with plain
words, which the request form offers as choices. The feed's `compact.json` holds the directory itself.
"""

from __future__ import annotations

from ..codes import code_lists_with_words
from ..messages import messages_json
from ..model import FAMILY_NAMES
from .directory_index import country_names
from .pages import CHANNEL_LABELS

MESSAGES_FILE = "assets/messages/en.json"


def messages_file() -> bytes:
    return messages_json({"countries": country_names(), "families": FAMILY_NAMES, "channels": CHANNEL_LABELS,
                          "codes": code_lists_with_words()})
