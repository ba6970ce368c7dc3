"""The theme's icons as one shared file that every page points into, instead of inline on each.

The theme prints each icon of its header, search box and navigation as a whole SVG: nine on every
page, 3 KB of a page whose own content is about 10 KB, repeated on every one of tens of thousands
of pages. `mkdocs.yml` names our icon set (`theme.icon`: `site/<name>`), whose files in
`site_src/overrides/.icons/site/` are each a `<use>` of a symbol in `assets/icons.svg`; this module
makes that file from the theme's own icons, so the pages look exactly as with the theme's defaults.
"""

from __future__ import annotations

import re
from typing import Callable

SPRITE_PATH = "assets/icons.svg"
# Our name of each icon (the key of `theme.icon` the theme reads it from, or the file our own
# overrides include) and the theme's icon it stands for: the theme's defaults, so nothing looks
# different.
THEME_ICONS = {
    "logo": "material/library",
    "menu": "material/menu",
    "search": "material/magnify",
    "previous": "material/arrow-left",
    "next": "material/arrow-right",
    "close": "material/close",
    "repo": "fontawesome/brands/git-alt",
    "translate": "material/translate",  # our language switch's, not the theme's
}
# The theme's icon files are one `<svg>` element with a viewBox; Font Awesome's carry a comment
# with their licence, which the symbol keeps.
_ICON = re.compile(r'\s*<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="([0-9. ]+)">(.*)</svg>\s*', re.DOTALL)


class IconMissing(Exception):
    """The installed theme does not have an icon this site uses, or not in the expected form."""


def icon_sprite(theme_icon: Callable[[str], str]) -> bytes:
    """`assets/icons.svg`: a symbol per icon, with our name as its id; `theme_icon` gives the text of
    one of the theme's icon files by its name (`material/menu`)."""
    symbols = []
    for name, source in THEME_ICONS.items():
        svg = theme_icon(source)
        match = _ICON.fullmatch(svg)
        if match is None:
            raise IconMissing(f"the theme's icon `{source}` is not a plain SVG file as expected")
        symbols.append(f'<symbol id="{name}" viewBox="{match.group(1)}">{match.group(2)}</symbol>')
    return ('<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n").encode("utf-8")
