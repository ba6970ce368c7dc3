"""The theme's script as the site ships it: without the theme's navigation between alternate sites,
which asks the server for files this site does not have.

mkdocs-material's bundle (`assets/javascripts/bundle.<hash>.min.js`, its `setupAlternate`) takes
every `<link rel="alternate">` of a page for the root of another copy of the whole site, fetches
the `sitemap.xml` beside it (`new URL("sitemap.xml", link.href)`) and, on a click on a link into
that copy, looks the page up in that sitemap. It does so on every page, whatever the theme's
features, for every alternate link, whatever its `hreflang` or `type`. Our alternate links name the
page itself in each language (`/directory/de/institutions/<id>/`, as hreflang links should) and the
JSON Feed (`feed/v1/updates.json`); beside none of them is a sitemap, so every page had 5–6
requests answer 404. Nothing of ours uses that navigation: the language switch
(overrides/partials/alternate.html) links each language's copy of the page itself. So the bundle is
shipped without the one statement that sets it up, and everything else of the theme's script
stays as it is.
"""

from __future__ import annotations

import re

# The bundle's file, as the theme names it in every version (the hash changes with its content).
BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")
# The minified `setupAlternate({ document$ })`: the function that selects `link[rel=alternate]`
# (its body has no braces up to there), found by what it does rather than by its minified name.
_SETUP_ALTERNATE = re.compile(r'function ([\w$]+)\(\{document\$:[\w$]+\}\)\{[^{}]*"link\[rel=alternate\]"')


class ThemeScriptChanged(Exception):
    """The installed theme's script does not set up its alternate navigation as expected."""


def without_alternate_navigation(bundle: str) -> str:
    """The theme's bundle with its call of `setupAlternate` blanked out. Spaces of the same length
    take its place, so that the theme's source map still points at the right columns."""
    found = _SETUP_ALTERNATE.findall(bundle)
    calls = [call for name in found
             for call in re.finditer(rf"(?<![\w$.]){re.escape(name)}\(\{{document\$:[\w$]+\}}\);", bundle)]
    if len(found) != 1 or len(calls) != 1:
        raise ThemeScriptChanged(
            "mkdocs-material's script no longer sets up its alternate-site navigation the way "
            "builder/site/theme_script.py expects (one setupAlternate, called once); check what the "
            "installed version does with <link rel=\"alternate\"> and update that module")
    call = calls[0]
    return bundle[:call.start()] + " " * len(call[0]) + bundle[call.end():]
