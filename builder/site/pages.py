"""The generated pages of the site: one per institution, pod and country, the country overview,
the list of pods, the field reference and the summary on the home page, as Markdown files for the
site engine.

Pure: a `Directory` (and the JSON Schemas) in, `{relative path: GeneratedPage}` out. Every page
body is one block of HTML rendered by Jinja2 with autoescaping, so text from a record is escaped
before it reaches the page and never passes through the Markdown parser as Markdown: Markdown
hands a block of HTML through untouched. Page titles travel separately (`GeneratedPage.title`,
plain text) so that whoever prints them escapes them once.

Links between pages are relative and assume directory URLs (`institutions/<id>.md` is served
at `institutions/<id>/`), which is how the site is configured.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import BuiltinFunctionType, FunctionType, MethodType
from urllib.parse import quote, urlsplit

import jinja2
import jinja2.ext
import jinja2.lexer
import jinja2.runtime
from markupsafe import Markup, escape

from ..catalogs import SOURCE_LANGUAGE
from ..codes import CODE_WORDS, words_in
from ..schemas import schema
from ..wording import family_name, requests_in_words
from ..model import CHANNEL_FAMILY, FAMILY_NAMES, Directory, Institution, Pod
from . import languages, maps
from .maps import WorldMap
from .words import PageWords, page_words

ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
SAFE_LINK_SCHEMES = ("https", "mailto")

# The schema's plain words for each channel method, which the profile editor shows too.
_METHOD = schema("institution")["$defs"]["channel"]["properties"]["method"]
CHANNEL_LABELS = dict(zip(_METHOD["enum"], _METHOD["enumDescriptions"]))
ENGLISH = page_words(SOURCE_LANGUAGE)


def role_labels(words: PageWords) -> dict[str, str]:
    """A contact's role as a heading of the contact (`lending` → "Lending")."""
    return {
        "lending": words.pgettext("contact role", "Lending"), "borrowing": words.pgettext("contact role", "Borrowing"),
        "billing": words.pgettext("contact role", "Billing"), "returns": words.pgettext("contact role", "Returns"),
        "general": words.pgettext("contact role", "General"), "technical": words.pgettext("contact role", "Technical"),
    }


def purpose_labels(words: PageWords) -> dict[str, str]:
    """What an address is for (`shipping` → "shipping")."""
    return {
        "shipping": words.pgettext("address purpose", "shipping"), "returns": words.pgettext("address purpose", "returns"),
        "billing": words.pgettext("address purpose", "billing"), "postal": words.pgettext("address purpose", "postal"),
    }


def channel_label(method: str, lang: str) -> str:
    """A request channel's method in plain words, as the schema gives them, in `lang`."""
    return words_in(method, CHANNEL_LABELS.get(method, method), lang)


def code_words(code: str, lang: str) -> str | None:
    """An ISO 18626 code in plain words in `lang` (the schemas' words, in the engine's catalog);
    None where they are the code itself, as "Book" is in English."""
    said = words_in(code, CODE_WORDS.get(code, code), lang)
    return None if said == code else said


class UnsafePageName(ValueError):
    """A page name built from something that is not a validated id: refuse rather than write it."""


@dataclass(frozen=True)
class GeneratedPage:
    title: str   # plain text, not escaped: the page engine escapes it where it prints it
    body: str    # the Markdown file: a single block of already escaped HTML
    # What the site's search finds the page by (escaped HTML, as the theme's search index holds
    # it); only for the record pages, which the theme's search plugin does not see.
    search: str | None = None


def checked_id(value: str) -> str:
    """An id that is safe as a file name; records passed validation, so failing here is a bug."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise UnsafePageName(f"`{value!r}` is not a directory id; no page is written for it")
    return value


def checked_country(code: str) -> str:
    if not isinstance(code, str) or not COUNTRY_PATTERN.fullmatch(code):
        raise UnsafePageName(f"`{code!r}` is not a country code; no page is written for it")
    return code


def institution_path(institution_id: str) -> str:
    return f"institutions/{checked_id(institution_id)}.md"


def pod_path(pod_id: str) -> str:
    return f"pods/{checked_id(pod_id)}.md"


def country_path(code: str) -> str:
    return f"countries/{checked_country(code).lower()}.md"


COUNTRIES_PATH = "countries/index.md"
PODS_PATH = "pods/index.md"
REFERENCE_PATH = "reference.md"


def page_url(path: str) -> str:
    """Where a Markdown page is served, relative to the site root (directory URLs)."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def link(here: str, target: str) -> str:
    """A relative link from page `here` to a page (`*.md`) or a file (anything else).

    Worked out on the paths' parts rather than by posixpath.relpath, which asks the file system
    for the working folder on every call: a page links to each of its partners, in every language."""
    base, destination = _parts(here), _parts(target)
    common = 0
    while common < min(len(base), len(destination)) and base[common] == destination[common]:
        common += 1
    relative = "/".join(("..",) * (len(base) - common) + destination[common:]) or "."
    if target.endswith(".md"):
        relative = "./" if relative == "." else relative + "/"
    return relative


@lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[str, ...]:
    """The folders and name where a page (`*.md`, by its address) or a file is: a page's links all
    start from its own, and many lead to the same few pages and files."""
    return tuple(part for part in (page_url(path) if path.endswith(".md") else path).split("/") if part)


def safe_url(url: object) -> str | None:
    """The URL if it is one we link to (https or mailto); None for anything else."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in SAFE_LINK_SCHEMES else None


def mailto_url(address: str) -> str:
    """A `mailto:` link to exactly this address: `?`, `&`, `#` and `%` in it are percent-encoded,
    so a record cannot add a subject, a copy recipient or a body to the message."""
    return "mailto:" + quote(address, safe="@")


def external(url: object, text: object) -> Markup:
    """A link out of the site, if `url` is one we link to (`safe_url`); the text alone if not."""
    href = safe_url(url)
    if not href:
        return escape(text)
    return Markup(f'<a href="{escape(href)}" rel="nofollow noopener">{escape(text)}</a>')


def mailto(address: str) -> Markup:
    """A link that writes to exactly this address (`mailto_url`, which is always one we link to)."""
    return Markup(f'<a href="{escape(mailto_url(address))}" rel="nofollow noopener">{escape(address)}</a>')


def codes(values: Iterable[object], lang: str, in_words: bool = False) -> Markup:
    """Values as the records write them, each in `<code>`; with `in_words`, ISO 18626 codes in the
    reader's words too ("Buch (<code>Book</code>)"), or in words alone where those contain the code."""
    shown = []
    for value in values:
        said = code_words(value, lang) if in_words else None
        if said and value in said:
            shown.append(str(escape(said)))
        elif said:
            shown.append(f"{escape(said)} (<code>{escape(value)}</code>)")
        else:
            shown.append(f"<code>{escape(value)}</code>")
    return Markup(", ".join(shown))


def code_list(values: Iterable[str], lang: str) -> Markup:
    """Codes in the reader's words, where it has them, without the codes."""
    return Markup(", ".join(str(escape(code_words(value, lang) or value)) for value in values))


def services_of(institution: Institution) -> list[str]:
    lending = institution.lending or {}
    return [service for service in ("loan", "copy") if service in lending]


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain-text field. Folded YAML (`>-`) turns each empty line into a single
    line break, so without empty lines every remaining line break starts a paragraph."""
    separator = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    return [block.strip() for block in re.split(separator, text) if block.strip()]


def lends_to_in_words(lending: Mapping, words: PageWords = ENGLISH) -> str:
    countries = lending.get("countries", [])
    excluded = lending.get("exclude_countries", [])
    if "*" in countries:
        if excluded:
            return words.gettext("every country except {countries}", countries=words.countries(excluded))
        return words.gettext("every country")
    if excluded:
        return words.gettext("{countries} except {excluded}", countries=words.countries(countries),
                          excluded=words.countries(excluded))
    return words.countries(countries)


def lends_to_sentence(lending: Mapping, words: PageWords = ENGLISH) -> str:
    """"Lends to libraries in every country except Japan.", as one sentence in the language."""
    countries = lending.get("countries", [])
    excluded = lending.get("exclude_countries", [])
    if "*" not in countries:
        return words.gettext("Lends to libraries in {countries}.", countries=lends_to_in_words(lending, words))
    if excluded:
        return words.gettext("Lends to libraries in every country except {countries}.",
                             countries=words.countries(excluded))
    return words.gettext("Lends to libraries in every country.")


def fee_in_words(terms: Mapping, currency: str | None, words: PageWords = ENGLISH) -> str | None:
    """A service's fee with its currency ("€5.00"), "free", or None when the record says nothing."""
    if "fee" not in terms:
        return None
    if not terms["fee"]:
        return words.pgettext("fee", "free")
    return words.money(terms["fee"], currency)


def loan_period_in_words(terms: Mapping, words: PageWords = ENGLISH, as_loan: bool = False) -> str:
    """"28 days, 1 renewal", or with `as_loan` "28-day loan, 1 renewal", as the summary at the top
    of a page puts it (the renewals only when the record gives them)."""
    days = terms["loan_period_days"]
    renewals = (words.ngettext("{count} renewal", "{count} renewals", terms["renewals"])
                if "renewals" in terms else None)
    if as_loan:
        if renewals is None:
            return words.ngettext("{count}-day loan", "{count}-day loan", days)
        return words.ngettext("{count}-day loan, {renewals}", "{count}-day loan, {renewals}", days, renewals=renewals)
    if renewals is None:
        return words.ngettext("{count} day", "{count} days", days)
    return words.ngettext("{count} day, {renewals}", "{count} days, {renewals}", days, renewals=renewals)


def exchange_in_words(institution: Institution, words: PageWords = ENGLISH) -> str:
    """Which way requests flow for the institution, in a few words."""
    if not institution.active:
        return words.gettext("listed, but takes part in no exchange")
    lends, borrows = bool(institution.lending), institution.borrowing_enabled
    if lends and borrows:
        return words.gettext("lends and borrows")
    if lends:
        return words.gettext("lends, does not borrow")
    return words.gettext("borrows, does not lend") if borrows else words.gettext("neither lends nor borrows")


@dataclass(frozen=True)
class Identifier:
    label: str                  # "ISIL", "OCLC", an authority named in the record...
    value: str
    title: str | None = None    # the label spelled out, for an <abbr>
    url: str | None = None      # where the identifier resolves, if anywhere


def identifiers_of(institution: Institution, words: PageWords = ENGLISH) -> list[Identifier]:
    """The institution's identifiers in the order librarians look for them: ISIL, OCLC, ROR."""
    ids = institution.record.get("identifiers", {})
    found: list[Identifier] = []
    if ids.get("isil"):
        found.append(Identifier("ISIL", ids["isil"], words.gettext("International Standard Identifier for Libraries")))
    if ids.get("oclc"):
        found.append(Identifier("OCLC", ids["oclc"], words.gettext("OCLC symbol")))
    if ids.get("ror"):
        ror = ids["ror"].removeprefix("https://ror.org/")
        found.append(Identifier("ROR", ror, words.gettext("Research Organization Registry"), f"https://ror.org/{ror}"))
    if ids.get("alma"):
        found.append(Identifier("Alma", ids["alma"], words.gettext("Alma institution code")))
    found.extend(Identifier(other["authority"], other["value"]) for other in ids.get("other", []))
    return found


def institution_search(institution: Institution, words: PageWords = ENGLISH,
                       identifiers: list[Identifier] | None = None) -> str:
    """Where and by which identifiers the site's search finds an institution: its city and country
    and every identifier (its name is the page's title); `identifiers` are the page's, if made."""
    where = ", ".join(part for part in (institution.city, words.country(institution.country)) if part)
    ids = " · ".join(f"{escape(identifier.label)} <code>{escape(identifier.value)}</code>"
                     for identifier in (identifiers_of(institution) if identifiers is None else identifiers))
    return Markup(f"<p>{escape(where)}</p>" + (f"<p>{ids}</p>" if ids else ""))


def closures_ahead(lending: Mapping, today: dt.date | None) -> list[Mapping]:
    """Closures that have not ended by `today` (all of them without a date), earliest first.

    The page is static, so `today` is the day the site was built, never the reader's day; the
    page shows the dates themselves and leaves the comparison with the calendar to the reader."""
    closures = sorted(lending.get("closures", []), key=lambda closure: (str(closure["from"]), str(closure["to"])))
    if today is None:
        return closures
    return [closure for closure in closures if str(closure["to"]) >= today.isoformat()]


def rule_in_words(rule: Mapping, currency: str | None, words: PageWords = ENGLISH) -> str:
    """A rejection rule as one sentence a librarian can read (the reason code is shown apart)."""
    requests = requests_in_words(rule.get("when", {}), currency, words.lang)
    unless = rule.get("unless", {})
    exempt = list(unless.get("requester", [])) + [words.gettext("members of the pod {pod}", pod=pod)
                                                   for pod in unless.get("requester_pod", [])]
    refused = rule.get("outcome") == "unfilled"
    if not exempt:
        sentence = (words.gettext("{requests} are refused.", requests=requests) if refused else
                    words.gettext("{requests} are sent back so the borrower can change them.", requests=requests))
    elif refused:
        sentence = words.gettext("{requests} are refused, except from {exempt}.", requests=requests,
                                 exempt=words.join(exempt))
    else:
        sentence = words.gettext("{requests} are sent back so the borrower can change them, except from {exempt}.",
                                 requests=requests, exempt=words.join(exempt))
    return sentence[:1].upper() + sentence[1:]


def _link_in(lang: str):
    """`link` for the pages of `lang`: a file (the feed, a script, the map's shapes) exists only
    once, at the site's root, which is one folder above the pages of a language other than the
    default (builder/site/languages.py)."""
    up = "../" * languages.folder(languages.by_code(lang)).count("/")
    return lambda here, target: link(here, target) if target.endswith(".md") else up + link(here, target)


class _ConstantMessages(jinja2.ext.Extension):
    """`gettext("a message")` with nothing to fill in, translated once, when the template is
    compiled, instead of on every page: a language's 10,000 institution pages print the same
    headings and labels. The translation goes in as a string (data, never template source),
    marked safe as the message markup it is; Babel still reads the call in the template's source."""

    def filter_stream(self, stream):
        words = page_words(self.environment.page_lang)
        tokens = list(stream)
        at = 0
        while at < len(tokens):
            token = tokens[at]
            if (token.type == "name" and token.value == "gettext" and (at == 0 or tokens[at - 1].type != "dot")
                    and [t.type for t in tokens[at + 1:at + 4]] == ["lparen", "string", "rparen"]):
                translated = str(words.markup(tokens[at + 2].value))
                yield jinja2.lexer.Token(token.lineno, "string", translated)
                yield jinja2.lexer.Token(token.lineno, "pipe", "|")
                yield jinja2.lexer.Token(token.lineno, "name", "safe")
                at += 4
                continue
            yield token
            at += 1


class _PageContext(jinja2.runtime.Context):
    """Jinja's context, calling a plain function (the pages' own: words, links, codes; a record
    mapping's `get`) at once: Jinja first looks whether the callable wants the context passed in,
    which a function can only say by an attribute Jinja's decorators set, and none of these has.
    About 80 calls a page, on each of 10,000 pages."""

    def call(__self, __obj, *args, **kwargs):
        if type(__obj) is not BuiltinFunctionType:
            function = __obj.__func__ if type(__obj) is MethodType else __obj
            if type(function) is not FunctionType or "jinja_pass_arg" in function.__dict__:
                return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


_DICT_ATTRIBUTES = frozenset(dir(dict))
_ABSENT = object()


class _PageEnvironment(jinja2.Environment):
    """Jinja's environment, reading `record.contacts` off a record's mapping without first asking
    Python for an attribute of that name: the same answer as Jinja's (a mapping's own methods, such
    as `get`, stay methods), found in a tenth of the time, which counts over some 200 lookups on
    each of 10,000 pages."""

    context_class = _PageContext

    def make_globals(self, d):
        """A template's globals as one mapping rather than a chain of two, which every page copies:
        the pages' globals are all set before the first template is read."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            value = obj.get(attribute, _ABSENT)
            return self.undefined(obj=obj, name=attribute) if value is _ABSENT else value
        return super().getattr(obj, attribute)


def forget_templates() -> None:
    """Read the page templates afresh at the next page (a build starting, perhaps after an edit:
    within a build they are compiled once and never looked at on disk again)."""
    _environment.cache_clear()


@cache
def _environment(lang: str) -> jinja2.Environment:
    """The templates in `lang`: one environment per language, whose globals speak it."""
    words = page_words(lang)
    environment = _PageEnvironment(
        loader=jinja2.PackageLoader("builder.site", "templates"),
        auto_reload=False,
        autoescape=True,                 # every value a template prints is escaped...
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[_ConstantMessages],
    )
    environment.extend(page_lang=lang)
    # ...and nothing a record says is ever compiled as a template: records only fill the context.
    environment.filters["safe_url"] = safe_url
    environment.filters["mailto_url"] = mailto_url
    environment.filters["country_name"] = words.country
    environment.filters["money"] = words.money
    environment.filters["date"] = words.date
    environment.filters["number"] = words.number
    environment.filters["capitalised"] = lambda text: text[:1].upper() + text[1:]
    environment.filters["code_words"] = lambda code: code_words(code, lang)
    purposes = purpose_labels(words)
    environment.filters["coordinate"] = maps.coordinate
    environment.globals.update(
        external=external, mailto=mailto,
        codes=lambda values, in_words=False: codes(values, lang, in_words),
        code_list=lambda values: code_list(values, lang),
        gettext=words.markup, ngettext=words.markup_plural, lang=lang,
        link=_link_in(lang), institution_path=institution_path, pod_path=pod_path, country_path=country_path,
        channel_labels={method: channel_label(method, lang) for method in CHANNEL_LABELS},
        channels_in_words=lambda channels: ", ".join(channel_label(channel.method, lang) for channel in channels),
        purposes_in_words=lambda listed: ", ".join(purposes.get(purpose, purpose) for purpose in listed),
        role_labels=role_labels(words), family_names={family: family_name(family, lang) for family in FAMILY_NAMES},
        channel_family=CHANNEL_FAMILY, paragraphs=paragraphs, services_of=services_of,
        rule_in_words=lambda rule, currency: rule_in_words(rule, currency, words),
        lends_to_in_words=lambda lending: lends_to_in_words(lending, words),
        lends_to_sentence=lambda lending: lends_to_sentence(lending, words),
        fee_in_words=lambda terms, currency: fee_in_words(terms, currency, words),
        loan_period_in_words=lambda terms: loan_period_in_words(terms, words),
        loan_in_words=lambda terms: loan_period_in_words(terms, words, as_loan=True),
        exchange_in_words=lambda institution: exchange_in_words(institution, words),
        countries_in_words=words.countries, COUNTRIES_PATH=COUNTRIES_PATH, sprite_path=maps.SPRITE_PATH,
        natural_earth_edition=maps.NATURAL_EARTH_EDITION, atlas_package=maps.ATLAS_PACKAGE,
    )
    return environment


def one_block(html: str) -> str:
    """The HTML as one block for a Markdown parser, which a blank line would end early: no blank
    lines, "\n" between lines and at the end. There is no <pre> in the templates, so dropping blank
    lines changes nothing in the page."""
    return "\n".join(filter(str.strip, html.splitlines())) + "\n"


def _render(template: str, words: PageWords, **context) -> str:
    return one_block(_environment(words.lang).get_template(template).render(**context))


def _known(directory: Directory, ids: Iterable[str]) -> list[str]:
    """Those of `ids` that are institutions of the directory: the pages list and count only these."""
    return [i for i in ids if i in directory.institutions]


def _names(directory: Directory, ids: Iterable[str]) -> list[tuple[str, str]]:
    return [(i, directory.institutions[i].name) for i in _known(directory, ids)]


# The map of where an institution lends, by the countries it names: the same for every language,
# and for the many institutions that name the same countries ("*", Europe, their own country).
# Its <svg> is drawn once per language too: institution pages all sit at the same depth, so the
# link to the shared file of shapes, the one thing in it that depends on the page, is the same.
@dataclass(frozen=True)
class DrawnMap:
    figure: maps.MapFigure
    svg: Markup


@dataclass
class _LendsToMaps:
    world: WorldMap
    figure: maps.MapFigure
    drawn: dict[tuple[str, str], DrawnMap]     # by language and link to the file of shapes


_lends_to_maps: dict[tuple[str, ...], _LendsToMaps] = {}


def _lends_to_map(world: WorldMap, lends_to: tuple[str, ...], here: str, words: PageWords) -> DrawnMap:
    known = _lends_to_maps.get(lends_to)
    if known is None or known.world is not world:
        known = _lends_to_maps[lends_to] = _LendsToMaps(world, maps.lends_to_figure(world, lends_to), {})
    environment = _environment(words.lang)
    key = (words.lang, environment.globals["link"](here, maps.SPRITE_PATH))
    if key not in known.drawn:
        macros = environment.get_template("_macros.html.j2").module
        known.drawn[key] = DrawnMap(known.figure, macros.world_map(here, known.figure, "rsd-map-caption"))
    return known.drawn[key]


def institution_page(directory: Directory, institution: Institution, today: dt.date | None = None,
                     world: WorldMap | None = None, words: PageWords = ENGLISH) -> GeneratedPage:
    """`today` (the build's date) drops closures already over from the summary at the top; with
    `world`, the page maps the countries the institution lends to."""
    here = institution_path(institution.id)
    lending = institution.lending
    confirmed = directory.confirmed_pods.get(institution.id, frozenset())
    pods = [(pod_id, directory.pods[pod_id].name if pod_id in directory.pods else None, pod_id in confirmed)
            for pod_id in institution.listed_pods]
    identifiers = identifiers_of(institution, words)
    lends_to_map = (_lends_to_map(world, tuple(institution.terms.lends_to_codes), here, words)
                    if world and institution.terms else None)
    body = _render(
        "institution.html.j2", words, here=here, institution=institution, record=institution.record,
        country=words.country(institution.country), city=institution.city, pods=pods,
        identifiers=identifiers,
        closures_ahead=closures_ahead(lending, today) if lending else [],
        # Only counted here: the page's script lists them by name (assets/partner-lists.mjs).
        partner_counts=directory.partner_counts[institution.id],
        feed_json=f"feed/v1/institutions/{checked_id(institution.id)}.json",
        alma_json=f"feed/v1/alma/{checked_id(institution.id)}.json",
        reshare_json=f"feed/v1/reshare/{checked_id(institution.id)}.json",
        lends_to_map=lends_to_map,
    )
    return GeneratedPage(institution.name, body, institution_search(institution, words, identifiers))


def pod_page(directory: Directory, pod: Pod, words: PageWords = ENGLISH) -> GeneratedPage:
    here = pod_path(pod.id)
    confirmed = directory.pod_members.get(pod.id, frozenset())
    listed = set(pod.listed_members)
    claiming = sorted(i.id for i in directory.institutions.values() if pod.id in i.listed_pods)
    body = _render(
        "pod.html.j2", words, here=here, pod=pod, record=pod.record,
        confirmed=_names(directory, sorted(confirmed)),
        # The pod lists them, but they have not listed the pod (or are not in the directory).
        listed_only=sorted(m for m in listed if m not in confirmed),
        known=set(directory.institutions),
        # They list the pod, but the pod does not list them.
        claiming_only=_names(directory, [i for i in claiming if i not in listed]),
        feed_json=f"feed/v1/pods/{checked_id(pod.id)}.json",
    )
    return GeneratedPage(pod.name, body, "".join(Markup("<p>{}</p>").format(paragraph)
                                                 for paragraph in paragraphs(pod.record.get("description", ""))))


def pods_page(directory: Directory, words: PageWords = ENGLISH) -> GeneratedPage:
    """Every pod with its confirmed members and shared terms, by name."""
    ordered = sorted(directory.pods.values(), key=lambda pod: (pod.name.casefold(), pod.id))
    rows = [(pod, len(directory.pod_members.get(pod.id, ()))) for pod in ordered]
    body = _render("pods.html.j2", words, here=PODS_PATH, pods=rows)
    return GeneratedPage(words.gettext("Pods and consortia"), body)


def _by_country(directory: Directory, words: PageWords = ENGLISH) -> dict[str, list[Institution]]:
    """The institutions of each country, the countries in the order of their names in the language."""
    grouped: dict[str, list[Institution]] = {}
    for institution in directory.institutions.values():
        grouped.setdefault(institution.country, []).append(institution)
    return {code: grouped[code] for code in sorted(grouped, key=lambda c: (words.sort_key(words.country(c)), c))}


def country_page(code: str, institutions: list[Institution], world: WorldMap | None = None,
                 words: PageWords = ENGLISH) -> GeneratedPage:
    here = country_path(code)
    ordered = sorted(institutions, key=lambda i: (i.name.casefold(), i.id))
    country = words.country(code)
    body = _render("country.html.j2", words, here=here, code=code, country=country, institutions=ordered,
                   country_map=maps.country_figure(world, code) if world else None)
    search = Markup("<p>{}</p>").format(words.ngettext("{count} institution in {country}",
                                                       "{count} institutions in {country}",
                                                       len(institutions), country=country))
    return GeneratedPage(words.gettext("Libraries in {country}", country=country), body, search)


def countries_page(by_country: Mapping[str, list[Institution]], words: PageWords = ENGLISH) -> GeneratedPage:
    rows = [(code, words.country(code), len(members), sum(1 for i in members if i.lending and i.active))
            for code, members in by_country.items()]
    body = _render("countries.html.j2", words, here=COUNTRIES_PATH, rows=rows)
    return GeneratedPage(words.gettext("Institutions by country"), body)


def home_summary(directory: Directory, last_updated: str, world: WorldMap | None = None,
                 words: PageWords = ENGLISH) -> str:
    """The numbers on the home page: institutions by country and by service, and the last change;
    with `world`, a map of the institutions by country."""
    by_country = _by_country(directory, words)
    active = [i for i in directory.institutions.values() if i.active]
    services = Counter(service for institution in active for service in services_of(institution))
    methods = Counter(channel.method for institution in active for channel in institution.channels[:1])
    return _render(
        "home_summary.html.j2", words, here="index.md", last_updated=last_updated,
        total=len(directory.institutions), active=len(active), pods=len(directory.pods),
        countries=[(code, words.country(code), len(members)) for code, members in by_country.items()],
        loan=services["loan"], copy=services["copy"],
        borrowing=sum(1 for i in active if i.borrowing_enabled),
        methods=[(channel_label(m, words.lang), methods[m]) for m in CHANNEL_LABELS if methods[m]],
        countries_map=maps.count_figure(world, {code: len(members) for code, members in by_country.items()})
        if world else None,
        world=world,
    )


@dataclass(frozen=True)
class FieldRow:
    path: str
    title: str                                 # the label the profile editor shows for the field
    type: str
    required: bool
    description: str
    allowed: tuple[tuple[str, str | None], ...]   # each allowed value, with its plain words if any


def _resolve(schema: Mapping, node: Mapping) -> Mapping:
    """Follow local `$ref`s, keeping the referring node's own description when it has one."""
    while "$ref" in node and str(node["$ref"]).startswith("#/$defs/"):
        target = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        node = merged
    return node


def _json_type(kind: str, words: PageWords) -> str:
    names = {"string": words.pgettext("JSON type", "string"), "integer": words.pgettext("JSON type", "integer"),
             "number": words.pgettext("JSON type", "number"), "boolean": words.pgettext("JSON type", "boolean"),
             "object": words.pgettext("JSON type", "object"), "array": words.pgettext("JSON type", "list"),
             "null": words.pgettext("JSON type", "null")}
    return names.get(kind, kind)


def _type_of(schema: Mapping, node: Mapping, words: PageWords = ENGLISH) -> str:
    if "enum" in node:
        return words.gettext("one of the allowed values")
    if "const" in node:
        return words.gettext("fixed value")
    kind = node.get("type")
    if kind == "array":
        items = _resolve(schema, node.get("items", {}))
        return words.gettext("list of {items}", items=_type_of(schema, items, words) if items else words.gettext("values"))
    if isinstance(kind, list):
        return words.join_or([_json_type(k, words) for k in kind])
    if "oneOf" in node or "anyOf" in node:
        return words.join_or(sorted({_type_of(schema, _resolve(schema, o), words)
                                     for o in node.get("oneOf", node.get("anyOf", []))}))
    return _json_type(kind, words) if kind else words.pgettext("JSON type", "any")


def _allowed(schema: Mapping, node: Mapping, lang: str) -> tuple[tuple[str, str | None], ...]:
    """Each allowed value of a field, with the plain words the schema gives it in `lang`."""
    if "enum" in node:
        plain = node.get("enumDescriptions", node["enum"])
        said = [(str(value), words_in(str(value), str(words), lang)) for value, words in zip(node["enum"], plain)]
        return tuple((value, words if words != value else None) for value, words in said)
    if node.get("type") == "array":
        return _allowed(schema, _resolve(schema, node.get("items", {})), lang)
    return ()


def field_rows(schema: Mapping, words: PageWords = ENGLISH) -> list[FieldRow]:
    """Every property of a schema, depth first, with dotted paths (`lending.loan.fee`)."""
    rows: list[FieldRow] = []

    def walk(node: Mapping, prefix: str, depth: int) -> None:
        node = _resolve(schema, node)
        if node.get("type") == "array" and "properties" not in node:
            items = _resolve(schema, node.get("items", {}))
            if "properties" in items:
                walk(items, prefix + "[]", depth)
            return
        required = set(node.get("required", []))
        for name, child in node.get("properties", {}).items():
            child = _resolve(schema, child)
            path = f"{prefix}.{name}" if prefix else name
            title, description = str(child.get("title", "")), str(child.get("description", ""))
            rows.append(FieldRow(path, words.text(title) if title else "", _type_of(schema, child, words), name in required,
                                 words.text(description) if description else "", _allowed(schema, child, words.lang)))
            if depth < 6:
                walk(child, path, depth + 1)

    walk(schema, "", 0)
    return rows


def reference_page(schemas: Mapping[str, Mapping], words: PageWords = ENGLISH) -> GeneratedPage:
    """The field reference, from the descriptions in the JSON Schemas (their single source)."""
    sections = [(name, words.text(schema["title"]) if "title" in schema else name,
                 words.text(schema["description"]) if "description" in schema else "", field_rows(schema, words))
                for name, schema in schemas.items()]
    body = _render("reference.html.j2", words, here=REFERENCE_PATH, sections=sections)
    return GeneratedPage(words.gettext("Field reference"), body)


def record_paths(directory: Directory) -> list[str]:
    """Where the institution, pod and country pages go, in sorted order."""
    return sorted([institution_path(i) for i in directory.institutions] + [pod_path(p) for p in directory.pods]
                  + [country_path(code) for code in {i.country for i in directory.institutions.values()}])


def record_pages(directory: Directory, today: dt.date | None = None, world: WorldMap | None = None,
                 words: PageWords = ENGLISH) -> Iterator[tuple[str, GeneratedPage]]:
    """The page of every institution, pod and country in the language of `words`, one at a time
    (a language's pages of 10,000 institutions are written as they come, never all held)."""
    for institution in directory.institutions.values():
        yield institution_path(institution.id), institution_page(directory, institution, today, world, words)
    for pod in directory.pods.values():
        yield pod_path(pod.id), pod_page(directory, pod, words)
    for code, members in _by_country(directory, words).items():
        yield country_path(code), country_page(code, members, world, words)


def overview_pages(directory: Directory, schemas: Mapping[str, Mapping] | None = None,
                   words: PageWords = ENGLISH) -> dict[str, GeneratedPage]:
    """The generated pages that go through mkdocs: the overviews of countries and pods, and the
    field reference."""
    pages = {COUNTRIES_PATH: countries_page(_by_country(directory, words), words), PODS_PATH: pods_page(directory, words)}
    if schemas:
        pages[REFERENCE_PATH] = reference_page(schemas, words)
    return pages


def build_pages(directory: Directory, schemas: Mapping[str, Mapping] | None = None,
                today: dt.date | None = None, world: WorldMap | None = None,
                words: PageWords = ENGLISH) -> dict[str, GeneratedPage]:
    """Every generated page of the site in one language, keyed by its path under the docs folder,
    in sorted order. `today` is the build's date (from the records' history, so a rebuild stays
    identical); with `world`, the pages have maps."""
    pages = dict(record_pages(directory, today, world, words))
    pages.update(overview_pages(directory, schemas, words))
    return dict(sorted(pages.items()))
