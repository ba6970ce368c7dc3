"""`rsdir build` and the mkdocs hook end to end: real records, real git repositories, real mkdocs."""

from __future__ import annotations

import gzip
import hashlib
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.site.languages import LANGUAGES, folder

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
CONFIG = ROOT / "mkdocs.yml"
EVERY_LANGUAGE = ",".join(language.code for language in LANGUAGES)


def committed_records(tmp_path: Path, source: Path) -> Path:
    """A copy of `source` as `records/` in a fresh git repository with one commit."""
    repo = tmp_path / "repo"
    shutil.copytree(source, repo / "records")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-10-20T12:00:00Z", "GIT_COMMITTER_DATE": "2026-10-20T12:00:00Z"}
    for args in (["init", "-q"], ["add", "records"],
                 ["-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "records"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    return repo / "records"


def build(records: Path, out: Path, *options: str):
    result = CliRunner().invoke(main, ["build", "--records", str(records), "--out", str(out),
                                       "--config", str(CONFIG), *options])
    return result


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sample")
    records = committed_records(tmp, ROOT / "records")
    result = build(records, tmp / "site")
    assert result.exit_code == 0, result.output
    return tmp / "site"


def test_build_writes_pages_feed_and_directory_index(sample_site):
    assert (sample_site / "institutions" / "de-nordbib" / "index.html").is_file()
    assert (sample_site / "pods" / "euro-scholar" / "index.html").is_file()
    assert (sample_site / "countries" / "de" / "index.html").is_file()
    assert (sample_site / "reference" / "index.html").is_file()
    directory = json.loads((sample_site / "feed" / "v1" / "directory.json").read_bytes())
    assert len(directory["institutions"]) == 15
    assert (sample_site / "feed" / "v1" / "alma" / "de-nordbib.json").is_file()
    assert (sample_site / "assets" / "directory-index.json").is_file()
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert "15 institutions (14 active) in 11 countries" in home
    assert "Last updated 2026-10-20" in home          # the commit date, not the clock
    assert '<a href="countries/de/">Germany</a></td><td>2</td>' in home


def test_build_ships_the_npm_libraries_and_loads_nothing_from_another_host(sample_site):
    shipped = sample_site / "assets" / "vendor" / "yaml"
    assert (shipped / "browser" / "dist" / "index.js").read_bytes() == \
        (ROOT / "node_modules" / "yaml" / "browser" / "dist" / "index.js").read_bytes()
    assert (shipped / "LICENSE").is_file()
    # What a page loads: scripts, images and stylesheets, icons or preloads (not canonical links).
    loads = re.compile(r"""<(?:script|img)\b[^>]*\bsrc=["']?(?:https?:)?//"""
                       r"""|<link\b(?=[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon))[^>]*\bhref=["']?(?:https?:)?//""")
    for page in sample_site.rglob("*.html"):
        assert not loads.search(page.read_text(encoding="utf-8")), page


def test_institution_page_title_and_links(sample_site):
    page = (sample_site / "institutions" / "de-nordbib" / "index.html").read_text(encoding="utf-8")
    assert "<title>Nordhafen State and University Library - Open Resource Sharing Directory</title>" in page
    for kind in ("institutions", "alma", "reshare"):
        assert f'<a href="../../feed/v1/{kind}/de-nordbib.json">' in page, kind
        assert (sample_site / "feed" / "v1" / kind / "de-nordbib.json").is_file(), kind


def test_every_page_names_the_json_feed_of_profile_changes(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        links = [attrs for tag, attrs in parsed(page).elements
                 if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("type") == "application/feed+json"]
        assert len(links) == 1, page
        href = links[0]["href"]
        # The 404 page is served at any depth, so mkdocs links it from the site's own path.
        target = (sample_site / href.removeprefix("/directory/") if href.startswith("/")
                  else page.parent / href).resolve()
        assert target == (sample_site / "feed" / "v1" / "updates.json").resolve(), page
        assert links[0]["title"]
    assert json.loads(target.read_bytes())["version"] == "https://jsonfeed.org/version/1.1"


def test_generated_pages_stay_out_of_the_navigation(sample_site):
    page = (sample_site / "countries" / "index.html").read_text(encoding="utf-8")
    assert "institutions/de-nordbib/" not in page.split('<div class="rsd-page')[0]


def test_search_finds_an_institution_by_name_city_isil_and_oclc(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_bytes())
    entry = next(doc for doc in index["docs"] if doc["location"] == "institutions/de-nordbib/")
    searchable = entry["title"] + " " + entry["text"]
    for term in ("Nordhafen State and University Library", "Nordhafen", "DE-Nb1", "ZNHB1"):
        assert term in searchable


# --- the site in every language -----------------------------------------------------------------

@pytest.fixture(scope="module")
def every_language(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("languages")
    records = committed_records(tmp, ROOT / "records")
    result = build(records, tmp / "site", "--languages", EVERY_LANGUAGE)
    assert result.exit_code == 0, result.output
    return tmp / "site"


PAGES = ("index.html", "directory/index.html", "check/index.html", "countries/index.html", "countries/de/index.html",
         "institutions/de-nordbib/index.html", "pods/euro-scholar/index.html", "reference/index.html",
         "join/index.html", "feed/index.html", "decisions/index.html")


def site_pages(site: Path) -> list[Path]:
    return sorted(page for page in site.rglob("*.html") if page.name != "404.html")


def test_every_page_is_built_in_every_language_under_its_folder(every_language):
    for language in LANGUAGES:
        for page in PAGES:
            path = every_language / folder(language) / page
            assert f'<html lang="{language.code}"' in path.read_text(encoding="utf-8"), path
    # What exists once for every language stays at the root.
    for language in LANGUAGES[1:]:
        own = every_language / language.code
        assert not (own / "feed" / "v1").exists() and not (own / "schema").exists()
        assert sorted(p.name for p in (own / "assets").iterdir()) == ["images", "javascripts", "stylesheets"]
        assert not (own / "404.html").exists()     # the server answers with the root's for every language


def test_the_page_for_a_missing_address_says_so_in_every_language(every_language):
    """The server shows the root's 404 page for a missing address under any language's folder."""
    text = (every_language / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in text
    assert '<p>There is no page at this address. <a href="/directory/">Go to the home page</a></p>' in text
    for code, sentence, home in (("de", "Unter dieser Adresse gibt es keine Seite.", "Zur Startseite"),
                                 ("fr", "Il n’y a pas de page à cette adresse.", "Aller à la page d’accueil"),
                                 ("es", "No hay ninguna página en esta dirección.", "Ir a la página de inicio")):
        assert (f'<p lang="{code}">{sentence} <a href="/directory/{code}/" hreflang="{code}">{home}</a></p>'
                in text), code


def test_every_page_names_its_copies_in_every_language(every_language):
    pages = site_pages(every_language)
    assert len(pages) > 4 * 30
    for page in pages:
        relative = page.relative_to(every_language).as_posix()
        own = next((language for language in LANGUAGES[1:] if relative.startswith(folder(language))), LANGUAGES[0])
        url = relative.removeprefix(folder(own)).removesuffix("index.html")
        elements = parsed(page).elements
        hreflang = {attrs["hreflang"]: attrs["href"] for tag, attrs in elements
                    if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs}
        assert hreflang == {**{language.code: f"/directory/{folder(language)}{url}" for language in LANGUAGES},
                            "x-default": f"/directory/{url}"}, page
        switch = [attrs for tag, attrs in elements if tag == "a" and "rs-language__link" in attrs.get("class", "")]
        assert [attrs["hreflang"] for attrs in switch] == [language.code for language in LANGUAGES], page
        assert [attrs["hreflang"] for attrs in switch if "aria-current" in attrs] == [own.code], page
        for attrs in switch:
            assert (page.parent / attrs["href"] / "index.html").resolve() == \
                (every_language / folder(next(l for l in LANGUAGES if l.code == attrs["hreflang"])) / url / "index.html").resolve()


def _heading(page: Path) -> str:
    return next(text for open_tags, text in parsed(page).texts if "h1" in open_tags).strip()


def _written_heading(source: Path) -> str:
    return next(line.removeprefix("# ").strip() for line in source.read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


def test_every_hand_written_page_is_written_in_every_language(every_language):
    """No page falls back to English (the build warns when one would): each language's copy of a
    hand-written page is built from its own translation, and the language switch leads to them."""
    sources = ROOT / "site_src"
    pages = sorted(path.name for path in sources.glob("*.md"))
    assert {"decisions.md", "feed.md", "check.md", "edit.md"} <= set(pages)
    for language in LANGUAGES[1:]:
        assert [page for page in pages if not (sources / language.code / page).is_file()] == [], language.code
        for page in pages:
            built = every_language / folder(language) / ("index.html" if page == "index.md" else f"{page[:-3]}/index.html")
            assert _heading(built) == _written_heading(sources / language.code / page), built
    decisions = every_language / "de" / "decisions" / "index.html"
    switch = {attrs["hreflang"]: attrs["href"] for tag, attrs in parsed(decisions).elements
              if tag == "a" and "rs-language__link" in attrs.get("class", "")}
    for code, heading in (("fr", "Vérifier les demandes avant de les envoyer"),
                          ("es", "Comprobar las solicitudes antes de enviarlas")):
        assert _heading((decisions.parent / switch[code] / "index.html").resolve()) == heading


def test_relative_links_lead_to_files_of_the_site_in_every_language(every_language):
    broken = []
    for page in site_pages(every_language) + [every_language / "404.html"]:
        for tag, attrs in parsed(page).elements:
            for name in ("href", "src"):
                address = attrs.get(name) or ""
                if not address or address.startswith(("#", "/")) or re.match(r"[a-z]+:", address):
                    continue
                target = (page.parent / address.split("#")[0].split("?")[0]).resolve()
                if not (target / "index.html" if target.is_dir() else target).is_file():
                    broken.append((page.relative_to(every_language).as_posix(), address))
    assert broken == []


def test_the_search_of_each_language_finds_its_own_institution_pages(every_language):
    for language in LANGUAGES:
        index = json.loads((every_language / folder(language) / "search" / "search_index.json").read_bytes())
        assert index["config"]["lang"] == [language.code]
        entry = next(doc for doc in index["docs"] if doc["location"] == "institutions/de-nordbib/")
        assert "DE-Nb1" in entry["text"] and entry["title"] == "Nordhafen State and University Library"
        assert not [doc for doc in index["docs"] if "rsdir-shell" in doc["location"]]


def test_the_sitemap_of_each_language_lists_its_generated_pages(every_language):
    for language in LANGUAGES:
        sitemap = (every_language / folder(language) / "sitemap.xml").read_text(encoding="utf-8")
        locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        prefix = f"https://ors-directory.github.io/directory/{folder(language)}"
        assert f"{prefix}institutions/de-nordbib/" in locations and f"{prefix}countries/de/" in locations
        assert f"{prefix}check/" in locations
        assert len(locations) == len(set(locations)) and not [loc for loc in locations if "rsdir-shell" in loc]
        assert gzip.decompress((every_language / folder(language) / "sitemap.xml.gz").read_bytes()).decode() == sitemap


def test_two_builds_of_one_commit_are_byte_identical(tmp_path):
    records = committed_records(tmp_path, ROOT / "records")
    epoch_before = os.environ.get("SOURCE_DATE_EPOCH")
    assert build(records, tmp_path / "first", "--languages", EVERY_LANGUAGE).exit_code == 0
    assert build(records, tmp_path / "second", "--languages", EVERY_LANGUAGE).exit_code == 0
    first, second = digests(tmp_path / "first"), digests(tmp_path / "second")
    assert "sitemap.xml.gz" in first and "search/search_index.json" in first and "assets/world.svg" in first
    assert "de/sitemap.xml.gz" in first and "es/institutions/de-nordbib/index.html" in first
    assert first == second
    assert os.environ.get("SOURCE_DATE_EPOCH") == epoch_before   # the build does not leak its date


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    records = committed_records(tmp_path, ROOT / "records")
    out = tmp_path / "site"
    assert build(records, out).exit_code == 0
    before = digests(out)
    broken = records / "institutions" / "de" / "de-nordbib.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace('status: "active"', 'status: "sleeping"'),
                      encoding="utf-8")
    result = build(records, out)
    assert result.exit_code == 1
    assert "de-nordbib.yaml:4:" in result.output and "$.status" in result.output
    assert "not built: fix the errors above first" in result.output and "is unchanged" in result.output
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]   # no staging folder left
    fresh = build(records, tmp_path / "fresh")
    assert fresh.exit_code == 1
    assert "fresh was not created" in fresh.output and "unchanged" not in fresh.output


def test_a_build_that_cannot_write_says_so_rather_than_blame_the_records(tmp_path, monkeypatch):
    import builder.site.build

    def full_disk(config):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(builder.site.build, "mkdocs_build", full_disk)
    records = committed_records(tmp_path, ROOT / "records")
    result = build(records, tmp_path / "site")
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "check that its folder can be written to" in result.output and "fix the errors" not in result.output
    assert "site was not created" in result.output


@pytest.mark.parametrize("out", [".", "records", "site_src/generated"])
def test_build_refuses_an_output_folder_it_would_damage(tmp_path, monkeypatch, out):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["build", "--out", out])
    assert result.exit_code == 2
    assert "choose another output folder" in result.output


def test_build_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.pdf").write_bytes(b"keep me")
    result = build(ROOT / "records", out)
    assert result.exit_code == 2
    assert (out / "thesis.pdf").read_bytes() == b"keep me"


class _Markup(html.parser.HTMLParser):
    """Every element, attribute and text of a page, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.open: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        self.texts.append((tuple(self.open), data))


def parsed(path: Path) -> _Markup:
    markup = _Markup()
    markup.feed(path.read_text(encoding="utf-8"))
    return markup


def test_hostile_records_put_no_markup_into_the_site(tmp_path):
    records = committed_records(tmp_path, HOSTILE)
    out = tmp_path / "site"
    result = build(records, out)
    assert result.exit_code == 0, result.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        markup = parsed(page)
        for tag, attrs in markup.elements:
            assert tag not in ("img", "iframe"), (page, tag, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (page, tag, attrs)
                assert not (value or "").strip().lower().startswith("javascript:"), (page, tag, attrs)
                if tag == "meta":
                    assert "alert" not in (value or ""), (page, attrs)
        for where, text in markup.texts:
            if "script" in where:
                assert "alert" not in text, (page, text)
            if where and where[-1] in ("strong", "em", "b", "i"):
                assert text not in ("bold", "em", "1", "AUTH"), (page, where, text)
    hostile = parsed(out / "institutions" / "de-hostile" / "index.html")
    name = ("<script>alert(1)</script> \"><img src=x onerror=alert(1)> {{ 7*7 }} **bold** "
            "&lt;script&gt;")
    title = "".join(text for where, text in hostile.texts if where and where[-1] == "title")
    assert title == f"{name} - Open Resource Sharing Directory"
    heading = "".join(text for where, text in hostile.texts if where and where[-1] == "h1")
    assert heading == name
    topic = [text.strip() for where, text in hostile.texts if "span" in where and text.strip() == name]
    assert topic, "the header shows the name as text"
    index = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script>" not in index and "<img" not in index


def test_plain_mkdocs_build_works_too(tmp_path):
    out = tmp_path / "plain"
    env = {**os.environ, "RSDIR_RECORDS": str(ROOT / "records"), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(CONFIG), "-d", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "institutions" / "us-lakeside" / "index.html").is_file()
    assert (out / "feed" / "v1" / "directory.json").is_file()
    assert not list((ROOT / "site_src").rglob("de-nordbib*")), "nothing generated lands in site_src/"


def test_plain_mkdocs_build_fails_on_invalid_records(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(ROOT / "records", records)
    broken = records / "pods" / "euro-scholar.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("name:", "nmae:"), encoding="utf-8")
    env = {**os.environ, "RSDIR_RECORDS": str(records), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(CONFIG), "-d",
                           str(tmp_path / "out")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode != 0
    assert "euro-scholar.yaml" in done.stderr and "Traceback" not in done.stderr


# --- ordinary mistakes end in a usage message (exit 2), never a traceback ------------------------

def assert_usage_error(result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    for text in expected:
        assert text in result.output, result.output


def test_build_refuses_an_output_folder_below_a_file(tmp_path):
    blocking = tmp_path / "afile"
    blocking.write_text("not a folder", encoding="utf-8")
    result = build(ROOT / "records", blocking / "sub")
    assert_usage_error(result, f"`{blocking}` is a file", "choose another output folder")
    assert blocking.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_build_refuses_an_output_folder_it_cannot_create(tmp_path):
    result = build(ROOT / "records", Path("/proc/rsdir-site"))
    assert_usage_error(result, "--out /proc/rsdir-site cannot be created in `/proc`",
                       "choose a folder you may write to")


@pytest.mark.parametrize("command", [["build", "--out", "OUT"], ["serve", "--port", "1"]])
@pytest.mark.parametrize("epoch", ["yesterday", "-5", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_an_input_error(tmp_path, command, epoch):
    out = tmp_path / "site"
    args = [str(out) if arg == "OUT" else arg for arg in command]
    result = CliRunner().invoke(main, [*args, "--records", str(ROOT / "records"), "--config", str(CONFIG)],
                                env={"SOURCE_DATE_EPOCH": epoch})
    assert_usage_error(result, "SOURCE_DATE_EPOCH", epoch)
    assert "BuildError" not in result.output
    assert not out.exists()


def test_serve_fails_at_once_when_the_port_is_taken(monkeypatch):
    import socket

    import mkdocs.commands.serve

    def must_not_start(**kwargs):
        raise AssertionError("the preview server was started although the port is taken")

    # If the port check ever went missing, the test fails here instead of serving (or hanging).
    monkeypatch.setattr(mkdocs.commands.serve, "serve", must_not_start)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--records", str(ROOT / "records"),
                                           "--config", str(CONFIG)])
    assert_usage_error(result, f"port {port} is in use", f"--port {port + 1}")


def test_build_validates_the_records_once_with_the_validators_messages(tmp_path, monkeypatch):
    import builder.crosschecks

    loads = []
    real_checks = builder.crosschecks.run_all

    def counting_checks(*args, **kwargs):
        loads.append(args[0])
        return real_checks(*args, **kwargs)

    monkeypatch.setattr(builder.crosschecks, "run_all", counting_checks)
    records = committed_records(tmp_path, ROOT / "records")
    out = tmp_path / "site"
    assert build(records, out).exit_code == 0
    assert len(loads) == 1
    before = digests(out)
    broken = records / "pods" / "euro-scholar.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("name:", "nmae:"), encoding="utf-8")
    result = build(records, out)
    assert result.exit_code == 1
    assert "euro-scholar.yaml:" in result.output and "[schema-" in result.output, result.output
    assert "Aborted with a BuildError" not in result.output and "Traceback" not in result.output
    assert result.output.count("the records have") == 1          # listed once, not echoed twice
    assert f"{out} is unchanged" in result.output
    assert len(loads) == 2
    assert digests(out) == before


def test_the_heap_is_set_aside_only_while_a_language_s_pages_are_written():
    import gc

    from builder.site import hook

    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        with hook._heap_set_aside():
            assert gc.get_freeze_count() > 0          # what the build holds is not walked again
            raise RuntimeError("a page failed")
    assert gc.get_freeze_count() == 0                 # and is collected as ever afterwards
