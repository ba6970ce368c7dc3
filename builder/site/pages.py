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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from posixpath import relpath
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from ..money import format_money
from ..schemas import schema
from ..wording import country_name, countries_in_words, join_words, requests_in_words
from ..progress import SILENT, Progress
from ..model import CHANNEL_FAMILY, FAMILY_NAMES, Directory, Institution, Pod
from . import maps
from .maps import WorldMap

ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
SAFE_LINK_SCHEMES = ("https", "mailto")

# The schema's plain words for each channel method, which the profile editor shows too.
_METHOD = schema("institution")["$defs"]["channel"]["properties"]["method"]
CHANNEL_LABELS = dict(zip(_METHOD["enum"], _METHOD["enumDescriptions"]))
ROLE_LABELS = {
    "lending": "Lending", "borrowing": "Borrowing", "billing": "Billing",
    "returns": "Returns", "general": "General", "technical": "Technical",
}


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
RECORD_FOLDERS = ("institutions", "pods", "countries")


def is_record_page(path: str) -> bool:
    """Whether `path` is the page of one institution, pod or country: the thousands of pages
    that go into the theme's page without mkdocs (builder/site/shell.py), rather than an overview."""
    folder, _, name = path.partition("/")
    return folder in RECORD_FOLDERS and "/" not in name and name != "index.md"


def page_url(path: str) -> str:
    """Where a Markdown page is served, relative to the site root (directory URLs)."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def link(here: str, target: str) -> str:
    """A relative link from page `here` to a page (`*.md`) or a file (anything else)."""
    base = page_url(here) or "."
    destination = page_url(target) if target.endswith(".md") else target
    relative = relpath(destination or ".", base)
    if target.endswith(".md"):
        relative = "./" if relative == "." else relative + "/"
    return relative


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


def services_of(institution: Institution) -> list[str]:
    lending = institution.lending or {}
    return [service for service in ("loan", "copy") if service in lending]


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain-text field. Folded YAML (`>-`) turns each empty line into a single
    line break, so without empty lines every remaining line break starts a paragraph."""
    separator = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    return [block.strip() for block in re.split(separator, text) if block.strip()]


def lends_to_in_words(lending: Mapping) -> str:
    countries = lending.get("countries", [])
    excluded = lending.get("exclude_countries", [])
    said = "every country" if "*" in countries else countries_in_words(countries)
    if excluded:
        said += f" except {countries_in_words(excluded)}"
    return said


def fee_in_words(terms: Mapping, currency: str | None) -> str | None:
    """A service's fee with its currency ("EUR 5"), "free", or None when the record says nothing."""
    if "fee" not in terms:
        return None
    if not terms["fee"]:
        return "free"
    return format_money(terms["fee"], currency)


def exchange_in_words(institution: Institution) -> str:
    """Which way requests flow for the institution, in a few words."""
    if not institution.active:
        return "listed, but takes part in no exchange"
    lends, borrows = bool(institution.lending), institution.borrowing_enabled
    if lends and borrows:
        return "lends and borrows"
    if lends:
        return "lends, does not borrow"
    return "borrows, does not lend" if borrows else "neither lends nor borrows"


@dataclass(frozen=True)
class Identifier:
    label: str                  # "ISIL", "OCLC", an authority named in the record...
    value: str
    title: str | None = None    # the label spelled out, for an <abbr>
    url: str | None = None      # where the identifier resolves, if anywhere


def identifiers_of(institution: Institution) -> list[Identifier]:
    """The institution's identifiers in the order librarians look for them: ISIL, OCLC, ROR."""
    ids = institution.record.get("identifiers", {})
    found: list[Identifier] = []
    if ids.get("isil"):
        found.append(Identifier("ISIL", ids["isil"], "International Standard Identifier for Libraries"))
    if ids.get("oclc"):
        found.append(Identifier("OCLC", ids["oclc"], "OCLC symbol"))
    if ids.get("ror"):
        ror = ids["ror"].removeprefix("https://ror.org/")
        found.append(Identifier("ROR", ror, "Research Organization Registry", f"https://ror.org/{ror}"))
    if ids.get("alma"):
        found.append(Identifier("Alma", ids["alma"], "Alma institution code"))
    found.extend(Identifier(other["authority"], other["value"]) for other in ids.get("other", []))
    return found


def institution_search(institution: Institution) -> str:
    """Where and by which identifiers the site's search finds an institution: its city and country
    and every identifier (its name is the page's title)."""
    where = ", ".join(part for part in (institution.city, country_name(institution.country)) if part)
    ids = Markup(" · ").join(Markup("{} <code>{}</code>").format(identifier.label, identifier.value)
                             for identifier in identifiers_of(institution))
    return Markup("<p>{}</p>").format(where) + (Markup("<p>{}</p>").format(ids) if ids else "")


def closures_ahead(lending: Mapping, today: dt.date | None) -> list[Mapping]:
    """Closures that have not ended by `today` (all of them without a date), earliest first.

    The page is static, so `today` is the day the site was built, never the reader's day; the
    page shows the dates themselves and leaves the comparison with the calendar to the reader."""
    closures = sorted(lending.get("closures", []), key=lambda closure: (str(closure["from"]), str(closure["to"])))
    if today is None:
        return closures
    return [closure for closure in closures if str(closure["to"]) >= today.isoformat()]


def rule_in_words(rule: Mapping, currency: str | None) -> str:
    """A rejection rule as one sentence a librarian can read (the reason code is shown apart)."""
    requests = requests_in_words(rule.get("when", {}), currency)
    verb = ("are refused" if rule.get("outcome") == "unfilled"
            else "are sent back so the borrower can change them")
    sentence = f"{requests[0].upper()}{requests[1:]} {verb}"
    unless = rule.get("unless", {})
    exempt = list(unless.get("requester", [])) + [f"members of the pod {p}" for p in unless.get("requester_pod", [])]
    if exempt:
        sentence += f", except from {join_words(exempt, 'and')}"
    return sentence + "."


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("builder.site", "templates"),
        autoescape=True,                 # every value a template prints is escaped...
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # ...and nothing a record says is ever compiled as a template: records only fill the context.
    environment.filters["safe_url"] = safe_url
    environment.filters["mailto_url"] = mailto_url
    environment.filters["country_name"] = country_name
    environment.filters["money"] = format_money
    environment.filters["coordinate"] = maps.coordinate
    environment.globals.update(
        link=link, institution_path=institution_path, pod_path=pod_path, country_path=country_path,
        channel_labels=CHANNEL_LABELS, role_labels=ROLE_LABELS, family_names=FAMILY_NAMES,
        channel_family=CHANNEL_FAMILY, rule_in_words=rule_in_words, paragraphs=paragraphs,
        lends_to_in_words=lends_to_in_words, services_of=services_of,
        fee_in_words=fee_in_words, exchange_in_words=exchange_in_words, COUNTRIES_PATH=COUNTRIES_PATH,
        countries_in_words=countries_in_words, sprite_path=maps.SPRITE_PATH,
        natural_earth_edition=maps.NATURAL_EARTH_EDITION, atlas_package=maps.ATLAS_PACKAGE,
    )
    return environment


_ENVIRONMENT = _environment()


def _render(template: str, **context) -> str:
    html = _ENVIRONMENT.get_template(template).render(**context)
    # A blank line could end the HTML block early for a Markdown parser; there is no <pre> in
    # the templates, so dropping blank lines changes nothing in the page.
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"


def _names(directory: Directory, ids: Iterable[str]) -> list[tuple[str, str]]:
    return [(i, directory.institutions[i].name) for i in ids if i in directory.institutions]


def institution_page(directory: Directory, institution: Institution, today: dt.date | None = None,
                     world: WorldMap | None = None) -> GeneratedPage:
    """`today` (the build's date) drops closures already over from the summary at the top; with
    `world`, the page maps the countries the institution lends to."""
    here = institution_path(institution.id)
    lending = institution.lending
    confirmed = directory.confirmed_pods.get(institution.id, frozenset())
    pods = [(pod_id, directory.pods[pod_id].name if pod_id in directory.pods else None, pod_id in confirmed)
            for pod_id in institution.listed_pods]
    body = _render(
        "institution.html.j2", here=here, institution=institution, record=institution.record,
        country=country_name(institution.country), city=institution.city, pods=pods,
        identifiers=identifiers_of(institution),
        closures_ahead=closures_ahead(lending, today) if lending else [],
        mutual=_names(directory, directory.mutual_partners(institution.id)),
        waiting_on_them=_names(directory, directory.waiting_on_them(institution.id)),
        waiting_on_us=_names(directory, directory.waiting_on_us(institution.id)),
        feed_json=f"feed/v1/institutions/{checked_id(institution.id)}.json",
        alma_json=f"feed/v1/alma/{checked_id(institution.id)}.json",
        reshare_json=f"feed/v1/reshare/{checked_id(institution.id)}.json",
        lends_to_map=maps.lends_to_figure(world, institution.terms.lends_to_codes) if world and institution.terms else None,
    )
    return GeneratedPage(institution.name, body, institution_search(institution))


def pod_page(directory: Directory, pod: Pod) -> GeneratedPage:
    here = pod_path(pod.id)
    confirmed = directory.pod_members.get(pod.id, frozenset())
    listed = set(pod.listed_members)
    claiming = sorted(i.id for i in directory.institutions.values() if pod.id in i.listed_pods)
    body = _render(
        "pod.html.j2", here=here, pod=pod, record=pod.record,
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


def pods_page(directory: Directory) -> GeneratedPage:
    """Every pod with its confirmed members and shared terms, by name."""
    ordered = sorted(directory.pods.values(), key=lambda pod: (pod.name.casefold(), pod.id))
    rows = [(pod, len(directory.pod_members.get(pod.id, ()))) for pod in ordered]
    body = _render("pods.html.j2", here=PODS_PATH, pods=rows)
    return GeneratedPage("Pods and consortia", body)


def _by_country(directory: Directory) -> dict[str, list[Institution]]:
    grouped: dict[str, list[Institution]] = {}
    for institution in directory.institutions.values():
        grouped.setdefault(institution.country, []).append(institution)
    return {code: grouped[code] for code in sorted(grouped, key=lambda c: (country_name(c), c))}


def country_page(code: str, institutions: list[Institution], world: WorldMap | None = None) -> GeneratedPage:
    here = country_path(code)
    ordered = sorted(institutions, key=lambda i: (i.name.casefold(), i.id))
    body = _render("country.html.j2", here=here, code=code, country=country_name(code), institutions=ordered,
                   country_map=maps.country_figure(world, code) if world else None)
    count = len(institutions)
    search = Markup("<p>{} institution{} in {}</p>").format(count, "s" if count != 1 else "", country_name(code))
    return GeneratedPage(f"Libraries in {country_name(code)}", body, search)


def countries_page(by_country: Mapping[str, list[Institution]]) -> GeneratedPage:
    rows = [(code, country_name(code), len(members), sum(1 for i in members if i.lending and i.active))
            for code, members in by_country.items()]
    body = _render("countries.html.j2", here=COUNTRIES_PATH, rows=rows)
    return GeneratedPage("Institutions by country", body)


def home_summary(directory: Directory, last_updated: str, world: WorldMap | None = None) -> str:
    """The numbers on the home page: institutions by country and by service, and the last change;
    with `world`, a map of the institutions by country."""
    by_country = _by_country(directory)
    active = [i for i in directory.institutions.values() if i.active]
    services = Counter(service for institution in active for service in services_of(institution))
    methods = Counter(channel.method for institution in active for channel in institution.channels[:1])
    return _render(
        "home_summary.html.j2", here="index.md", last_updated=last_updated,
        total=len(directory.institutions), active=len(active), pods=len(directory.pods),
        countries=[(code, country_name(code), len(members)) for code, members in by_country.items()],
        loan=services["loan"], copy=services["copy"],
        borrowing=sum(1 for i in active if i.borrowing_enabled),
        methods=[(CHANNEL_LABELS[m], methods[m]) for m in CHANNEL_LABELS if methods[m]],
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


def _type_of(schema: Mapping, node: Mapping) -> str:
    if "enum" in node:
        return "one of the allowed values"
    if "const" in node:
        return "fixed value"
    kind = node.get("type")
    if kind == "array":
        items = _resolve(schema, node.get("items", {}))
        return f"list of {_type_of(schema, items) if items else 'values'}"
    if isinstance(kind, list):
        return " or ".join(kind)
    if "oneOf" in node or "anyOf" in node:
        return " or ".join(sorted({_type_of(schema, _resolve(schema, o))
                                   for o in node.get("oneOf", node.get("anyOf", []))}))
    return kind or "any"


def _allowed(schema: Mapping, node: Mapping) -> tuple[tuple[str, str | None], ...]:
    if "enum" in node:
        words = node.get("enumDescriptions", [None] * len(node["enum"]))
        return tuple((str(value), word if word != value else None) for value, word in zip(node["enum"], words))
    if node.get("type") == "array":
        return _allowed(schema, _resolve(schema, node.get("items", {})))
    return ()


def field_rows(schema: Mapping) -> list[FieldRow]:
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
            rows.append(FieldRow(path, str(child.get("title", "")), _type_of(schema, child), name in required,
                                 str(child.get("description", "")), _allowed(schema, child)))
            if depth < 6:
                walk(child, path, depth + 1)

    walk(schema, "", 0)
    return rows


def reference_page(schemas: Mapping[str, Mapping]) -> GeneratedPage:
    """The field reference, from the descriptions in the JSON Schemas (their single source)."""
    sections = [(name, schema.get("title", name), schema.get("description", ""), field_rows(schema))
                for name, schema in schemas.items()]
    body = _render("reference.html.j2", here=REFERENCE_PATH, sections=sections)
    return GeneratedPage("Field reference", body)


def build_pages(directory: Directory, schemas: Mapping[str, Mapping] | None = None,
                today: dt.date | None = None, world: WorldMap | None = None,
                progress: Progress = SILENT) -> dict[str, GeneratedPage]:
    """Every generated page of the site, keyed by its path under the docs folder, in sorted order.
    `today` is the build's date (from the records' history, so a rebuild stays identical); with
    `world`, the pages have maps. `progress` is told of each institution's and pod's page."""
    pages: dict[str, GeneratedPage] = {}
    with progress.start("Making pages", len(directory.institutions) + len(directory.pods)) as stage:
        for institution in directory.institutions.values():
            pages[institution_path(institution.id)] = institution_page(directory, institution, today, world)
            stage.advance()
        for pod in directory.pods.values():
            pages[pod_path(pod.id)] = pod_page(directory, pod)
            stage.advance()
    pages[PODS_PATH] = pods_page(directory)
    by_country = _by_country(directory)
    for code, members in by_country.items():
        pages[country_path(code)] = country_page(code, members, world)
    pages[COUNTRIES_PATH] = countries_page(by_country)
    if schemas:
        pages[REFERENCE_PATH] = reference_page(schemas)
    return dict(sorted(pages.items()))
