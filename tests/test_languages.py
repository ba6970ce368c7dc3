"""Where each language's pages live, how a page names its copies in the other languages, how their
links reach what only the root has, and the theme's page the generated pages go into."""

from __future__ import annotations

import pytest

from builder.site import languages
from builder.site.languages import LANGUAGES, alternates, chosen, folder, rebased_links
from builder.site.shell import STAND_IN, TITLE, CONTENT, ShellError, shell_from

EN, DE, FR, ES = LANGUAGES


def test_english_is_the_root_and_every_other_language_has_a_folder():
    assert [language.code for language in LANGUAGES] == ["en", "de", "fr", "es"]
    assert [language.name for language in LANGUAGES] == ["English", "Deutsch", "Français", "Español"]
    assert folder(EN) == "" and folder(DE) == "de/"


@pytest.mark.parametrize("setting, expected", [
    (None, ["en", "de", "fr", "es"]), ("", ["en", "de", "fr", "es"]), ("en", ["en"]),
    ("es,de", ["en", "de", "es"]), ([" fr "], ["en", "fr"]),
])
def test_chosen_languages_keep_the_sites_order_and_always_english(setting, expected):
    assert [language.code for language in chosen(setting)] == expected


def test_a_language_the_site_is_not_written_in_is_refused():
    with pytest.raises(languages.UnknownLanguage, match="`it`.*en, de, fr, es"):
        chosen("en,it")


@pytest.mark.parametrize("shown, page_url, expected_hrefs", [
    (EN, "", ["./", "de/", "fr/", "es/"]),
    (DE, "", ["../", "./", "../fr/", "../es/"]),
    (EN, "institutions/de-nordbib/", ["./", "../../de/institutions/de-nordbib/", "../../fr/institutions/de-nordbib/",
                                      "../../es/institutions/de-nordbib/"]),
    (FR, "check/", ["../../check/", "../../de/check/", "./", "../../es/check/"]),
])
def test_alternates_lead_to_the_same_page_in_every_language(shown, page_url, expected_hrefs):
    found = alternates(LANGUAGES, shown, page_url, "/directory/")
    assert [alternate.href for alternate in found] == expected_hrefs
    assert [alternate.path for alternate in found] == [
        f"/directory/{folder(language)}{page_url}" for language in LANGUAGES]


ROOT_ONLY = frozenset({"feed/v1/directory.json", "assets/check.mjs", "assets/world.svg"})


def test_links_of_another_language_to_what_only_the_root_has_lead_out_of_its_folder():
    html = ('<a href="../../feed/v1/directory.json">JSON</a><script src="../../assets/check.mjs"></script>'
            '<use href="../../assets/world.svg#DE"/><a href="../../check/">check</a>'
            '<a href="https://example.org/feed/v1/directory.json">elsewhere</a>'
            '<code>&lt;a href="../../feed/v1/directory.json"&gt;</code>')
    assert rebased_links(html, DE, "institutions/x/", ROOT_ONLY) == (
        '<a href="../../../feed/v1/directory.json">JSON</a><script src="../../../assets/check.mjs"></script>'
        '<use href="../../../assets/world.svg#DE"/><a href="../../check/">check</a>'
        '<a href="https://example.org/feed/v1/directory.json">elsewhere</a>'
        '<code>&lt;a href="../../feed/v1/directory.json"&gt;</code>')


@pytest.mark.parametrize("page_url, link, expected", [
    ("", "feed/v1/directory.json", "../feed/v1/directory.json"),
    ("feed/", "v1/directory.json", "../../feed/v1/directory.json"),
    ("check/", "../assets/check.mjs", "../../assets/check.mjs"),
])
def test_links_to_the_root_are_rebased_from_any_depth(page_url, link, expected):
    assert rebased_links(f'<a href="{link}">', ES, page_url, ROOT_ONLY) == f'<a href="{expected}">'


def shell_page() -> str:
    return (f'<html><head><title>{TITLE} - Site</title>\n      <link rel="canonical" href="https://x.org/{STAND_IN}/">'
            f'</head>\n\n    <body><span>{TITLE}</span><a href="../../{STAND_IN}/">self</a>'
            f'<article>{CONTENT}</article></body></html>')


def test_the_shell_is_filled_with_each_pages_title_address_and_content():
    shell = shell_from(shell_page())
    page = shell.page("institutions/de-x/", 'A & B <"Library">', "<h1>A &amp; B</h1><p>body</p>")
    assert page == ('<html><head><title>A &amp; B &lt;&#34;Library&#34;&gt; - Site</title>\n'
                    '<link rel="canonical" href="https://x.org/institutions/de-x/"></head>\n'
                    '<body><span>A &amp; B &lt;&#34;Library&#34;&gt;</span><a href="../../institutions/de-x/">self</a>'
                    '<article><h1>A &amp; B</h1><p>body</p></article></body></html>')


@pytest.mark.parametrize("path", ["institutions/", "reference/", "institutions/x/y/", "institutions/x"])
def test_only_pages_two_folders_deep_go_into_the_shell(path):
    with pytest.raises(ShellError, match="folders deep"):
        shell_from(shell_page()).page(path, "t", "c")


def test_a_theme_page_without_the_marks_is_refused():
    with pytest.raises(ShellError, match="lost the title or content mark"):
        shell_from("<html><title>x</title></html>")
