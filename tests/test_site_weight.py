"""The site's weight: pages without the templates' indentation, the theme's icons from one shared
file, JSON without whitespace, and a build that refuses to publish more than GitHub Pages takes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import material
import pytest
import yaml

from builder.site.build import BuildFailed, build_site
from builder.site.icons import SPRITE_PATH, THEME_ICONS
from builder.site.weight import PAGES_LIMIT, site_weight, without_indentation
from test_build import CONFIG, ROOT, committed_records, digests

PAGE = "institutions/de-nordbib/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("weight")
    return build_site(CONFIG, committed_records(tmp, ROOT / "records"), tmp / "site", use_cache=False)


def test_indentation_goes_but_words_stay_apart():
    page = '<ul>\n    <li>\n      <a href="x">Home</a>\n    </li>\n\n\n    <li>one\n   two</li>\n</ul>\n'
    assert without_indentation(page) == '<ul>\n<li>\n<a href="x">Home</a>\n</li>\n<li>one\ntwo</li>\n</ul>\n'


@pytest.mark.parametrize("kept", [
    "<pre>  a\n    b</pre>",
    "<textarea id=\"t\" readonly>  key:\n    value</textarea>",
    "<script>\n  if (a) {\n    b();\n  }\n</script>",
    "<style>\n  p {\n    margin: 0;\n  }\n</style>",
    '<p title="first\n   second">x</p>',                  # an attribute value keeps its line breaks
    "<p>a\u00a0\n\u00a0b</p>",                             # a no-break space is text
])
def test_what_is_shown_as_written_keeps_its_whitespace(kept):
    assert without_indentation(f"<div>\n  {kept}\n  </div>") == f"<div>\n{kept}\n</div>"


def test_built_pages_have_no_indentation_outside_preformatted_text(built):
    for page in [PAGE, "index.html", "check/index.html", "reference/index.html"]:
        html = (built / page).read_text(encoding="utf-8")
        outside = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "", html, flags=re.DOTALL)
        assert not re.search(r"\n[ \t]", outside), page
        assert "Nordhafen State and University Library" in (built / PAGE).read_text(encoding="utf-8")


def test_every_icon_is_drawn_from_the_shared_file_of_the_theme_icons(built):
    sprite = (built / SPRITE_PATH).read_text(encoding="utf-8")
    symbols = dict(re.findall(r'<symbol id="([a-z]+)" viewBox="([0-9 ]+)">', sprite))
    assert sorted(symbols) == sorted(THEME_ICONS)
    # The symbols are the theme's own icons, Font Awesome's with its licence.
    menu = (Path(material.__file__).parent / "templates/.icons/material/menu.svg").read_text(encoding="utf-8")
    assert re.search(r"<path[^>]*/>", menu).group(0) in sprite
    assert "Font Awesome Free" in sprite
    for page in [PAGE, "index.html", "404.html"]:
        html = (built / page).read_text(encoding="utf-8")
        header = html[html.index("<header"):html.index("</header>")]
        assert "<path" not in header, page
        uses = re.findall(r'<svg viewBox="([0-9 ]+)"><use href="([^"#]*)#([a-z]+)"/></svg>', html)
        assert {name for _, _, name in uses} >= {"logo", "menu", "search", "close", "repo"}, page
        for view_box, href, name in uses:
            assert symbols[name] == view_box and href.endswith(SPRITE_PATH), (page, href)


def test_no_palette_script_without_a_palette_toggle(built):
    """The theme's palette script only restores a colour scheme chosen with its toggle; the site
    leaves it out (site_src/overrides/partials/javascripts/palette.html), which is right only as
    long as mkdocs.yml has no toggle."""
    config = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    palette = config["theme"].get("palette", {})
    # One colour scheme (a mapping), not a list of schemes with a toggle between them.
    assert isinstance(palette, dict) and "toggle" not in palette
    assert "__palette" not in (built / PAGE).read_text(encoding="utf-8")


def test_feed_json_has_no_whitespace(built):
    feed = sorted((built / "feed" / "v1").rglob("*.json"))
    assert len(feed) > 40
    for path in feed:
        content = path.read_bytes()
        assert content == (json.dumps(json.loads(content), separators=(",", ":"), ensure_ascii=False)
                           + "\n").encode(), path


def test_a_site_over_the_limit_fails_before_it_replaces_the_published_one(tmp_path, built):
    out = tmp_path / "site"
    records = committed_records(tmp_path, ROOT / "records")
    build_site(CONFIG, records, out, use_cache=False)
    before = digests(out)
    size = site_weight(out).bytes
    with pytest.raises(BuildFailed) as failure:
        build_site(CONFIG, records, out, use_cache=False, size_limit=size // 2)
    message = str(failure.value)
    assert f"would be {size / 10**6:,.1f} MB" in message
    assert f"more than the {size / 2 / 10**6:,.1f} MB GitHub Pages publishes" in message
    assert "benchmarks/site.py" in message
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]   # no staging folder left
    assert build_site(CONFIG, records, out, use_cache=False, size_limit=size) == out
    assert PAGES_LIMIT == 10**9
