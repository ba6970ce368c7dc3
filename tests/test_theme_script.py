"""The theme's script as the site ships it: the installed mkdocs-material bundle without the call
that sets up its alternate-site navigation, and a build that stops when the theme has changed."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from builder.site.theme_script import BUNDLE, ThemeScriptChanged, without_alternate_navigation

THEME = Path(material.__file__).parent / "templates"
INSTALLED = next(path for path in (THEME / "assets" / "javascripts").iterdir()
                 if BUNDLE.fullmatch(path.relative_to(THEME).as_posix()))


def test_only_the_call_of_the_alternate_navigation_is_blanked_out_of_the_installed_bundle():
    bundle = INSTALLED.read_text(encoding="utf-8")
    shipped = without_alternate_navigation(bundle)
    changed = [index for index, (before, after) in enumerate(zip(bundle, shipped)) if before != after]
    assert len(shipped) == len(bundle)           # the theme's source map keeps its columns
    blanked = bundle[changed[0]:changed[-1] + 1]
    assert re.fullmatch(r"[\w$]+\(\{document\$:[\w$]+\}\);", blanked), blanked
    assert shipped[changed[0]:changed[-1] + 1] == " " * len(blanked)
    assert '"link[rel=alternate]"' in shipped    # the function is still defined, never called


@pytest.mark.parametrize("bundle", [
    'function a(){}a({document$:d});',                                             # no such function
    'function ui({document$:e}){let t=new Map;e.pipe(M("link[rel=alternate]"))}',   # never called
    'function ui({document$:e}){let t=new Map;e.pipe(M("link[rel=alternate]"))}ui({document$:c});ui({document$:c});',
], ids=["missing", "not called", "called twice"])
def test_a_theme_whose_script_changed_stops_the_build_with_what_to_do(bundle):
    with pytest.raises(ThemeScriptChanged, match="builder/site/theme_script.py"):
        without_alternate_navigation(bundle)
