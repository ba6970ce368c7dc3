"""The weight of the built site: pages without the indentation of the theme's templates, and the
most the published site may weigh.

GitHub Pages publishes no site larger than 1 GB, and the directory grows by thousands of pages;
the build measures what it made and fails, before anything replaces the published output, when it
is over the limit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# GitHub Pages: "Published GitHub Pages sites may be no larger than 1 GB."
PAGES_LIMIT = 10**9

# Elements whose text is shown or run as written: their whitespace is left exactly as it is.
_AS_WRITTEN = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# A tag, whose attribute values (which may hold line breaks) are never touched.
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
# Only ASCII whitespace: a no-break space is text, not layout.
_INDENTATION = re.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*")


def without_indentation(html: str) -> str:
    """The page with every line break that is followed by more whitespace (indentation, blank
    lines) reduced to the line break alone, outside tags and outside `pre`, `textarea`, `script` and
    `style`. A browser shows a run of whitespace between words or tags as one space, or as
    nothing, so the page looks and reads the same: the theme's templates indent a third of its
    bytes."""
    kept = []
    start = 0
    for element in _AS_WRITTEN.finditer(html):
        kept.append(_text_without_indentation(html[start:element.start()]))
        kept.append(element.group(0))
        start = element.end()
    kept.append(_text_without_indentation(html[start:]))
    return "".join(kept)


def _text_without_indentation(html: str) -> str:
    parts = []
    start = 0
    for tag in _TAG.finditer(html):
        parts.append(_INDENTATION.sub("\n", html[start:tag.start()]))
        parts.append(tag.group(0))
        start = tag.end()
    parts.append(_INDENTATION.sub("\n", html[start:]))
    return "".join(parts)


@dataclass(frozen=True)
class SiteWeight:
    files: int
    bytes: int
    pages: int = 0        # HTML files, in every language
    feed_files: int = 0   # files under feed/


def site_weight(folder: Path) -> SiteWeight:
    """How many files the built site has, how many bytes they hold, and how many of them are
    pages and feed files."""
    files = size = pages = feed_files = 0
    feed = os.path.join(folder, "feed")
    for parent, _, names in os.walk(folder):
        in_feed = parent == feed or parent.startswith(feed + os.sep)
        for name in names:
            files += 1
            size += os.lstat(os.path.join(parent, name)).st_size
            pages += name.endswith(".html")
            feed_files += in_feed
    return SiteWeight(files, size, pages, feed_files)


def megabytes(size: int) -> str:
    return f"{size / 10**6:,.1f} MB"
