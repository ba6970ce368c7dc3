"""The languages the site is published in and where each one's pages live: English, the default,
at the site's root, every other language in a folder named by its code (`de/institutions/<id>/`),
with the same paths below it. What exists once for every language (the feed, the schemas, the
scripts and the data they read) stays at the root.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from posixpath import relpath


@dataclass(frozen=True)
class Language:
    code: str    # ISO 639-1, as in `<html lang>`, hreflang and the theme's `language`
    name: str    # the language's name in itself, as the language switch shows it


LANGUAGES = (
    Language("en", "English"),
    Language("de", "Deutsch"),
    Language("fr", "Français"),
    Language("es", "Español"),
)
DEFAULT = LANGUAGES[0]
_BY_CODE = {language.code: language for language in LANGUAGES}


class UnknownLanguage(ValueError):
    """A language list names a language the site is not written in."""


def chosen(setting: str | list | tuple | None) -> tuple[Language, ...]:
    """The languages to build from a setting such as "en,de" (or a list of codes), in the site's
    own order; empty means all. The default language is always built: its pages are the root."""
    if not setting:
        return LANGUAGES
    codes = [code.strip() for code in (setting.split(",") if isinstance(setting, str) else setting)]
    unknown = [code for code in codes if code not in _BY_CODE]
    if unknown:
        raise UnknownLanguage(f"the site is not written in `{unknown[0]}`; choose from "
                              f"{', '.join(language.code for language in LANGUAGES)}")
    return tuple(language for language in LANGUAGES if language.code in codes or language == DEFAULT)


def by_code(code: str) -> Language:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownLanguage(f"the site is not written in `{code}`") from None


def folder(language: Language) -> str:
    """Where the language's pages start, relative to the site's root: "" or "de/"."""
    return "" if language == DEFAULT else f"{language.code}/"


@dataclass(frozen=True)
class Alternate:
    """One language's copy of the page being shown."""

    language: Language
    href: str    # relative to the page shown: what the language switch links
    path: str    # from the server's root ("/directory/de/"): what the hreflang links name


def alternates(languages: tuple[Language, ...], shown: Language, page_url: str, site_path: str) -> list[Alternate]:
    """Every language's copy of the page at `page_url` (relative to its language's folder, as
    mkdocs gives it: "" for the home page, "institutions/x/"), seen from the copy in `shown`;
    `site_path` is where the site starts on its server ("/directory/")."""
    here = folder(shown) + page_url
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    found = []
    for language in languages:
        target = folder(language) + page_url
        href = relpath(target or ".", base or ".")
        href = "./" if href == "." else href + ("/" if target.endswith("/") or not target else "")
        found.append(Alternate(language, href, site_path.rstrip("/") + "/" + target))
    return found


# A relative address in a tag's double-quoted href or src, as the theme and the page templates
# write them (not one shown as text in an example: there the tag's "<" is "&lt;").
_LINK = re.compile(r'(<[a-zA-Z][^<>]*?\s(?:href|src)=")([^"#?:/][^"#?:]*)([#?][^"]*)?"')


def rebased_links(html: str, language: Language, page_url: str, root_only: frozenset[str]) -> str:
    """The HTML of a page in `language` (not the default) whose relative links to files only the
    root has (`root_only`: the feed, the scripts, the data) lead there, out of the language's
    folder. `page_url` is the page's address inside that folder ("institutions/x/")."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    here = folder(language) + base

    def rebased(link: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(base, link[2]))
        if target not in root_only:
            return link[0]
        return f'{link[1]}{relpath(target, here)}{link[3] or ""}"'

    return _LINK.sub(rebased, html)
