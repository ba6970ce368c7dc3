"""The theme's page around the generated pages of one language, rendered once and filled thousands
of times.

Institution, pod and country pages all sit two folders deep (`institutions/<id>/`), so the theme
gives every one of them the same page around its content, except for the page's title and address.
The theme renders that page once per language, for a stand-in page at the same depth whose title,
address and content are marks; each generated page is then that text with the marks replaced. A
generated page costs a string join instead of a run of the theme and of the search plugin's HTML
parser over it, which is what makes four languages of 10,000 institutions affordable (see
benchmarks/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from builder.site.weight import without_indentation

# The stand-in page: its address, title and content only ever appear as these marks.
STAND_IN_FOLDER = "rsdir-shell-folder"
STAND_IN = f"{STAND_IN_FOLDER}/rsdir-shell-page"
TITLE = "rsdir-shell-title"
# With "<h1" in it, so that the theme does not put a heading of its own above the content.
CONTENT = "<h1>rsdir-shell-content</h1>"
DEPTH = 2
_MARK = re.compile("(" + "|".join(re.escape(mark) for mark in (STAND_IN, TITLE, CONTENT)) + ")")


class ShellError(ValueError):
    """A page cannot go into the shell (wrong depth), or the theme's page lost a mark."""


@dataclass(frozen=True)
class Shell:
    """The theme's page as text between marks: `parts` alternates text and a mark."""

    parts: tuple[str, ...]

    def page(self, path: str, title: str, content: str) -> str:
        """The full page at `path` ("institutions/x/"): `title` is plain text, `content` HTML."""
        if path.count("/") != DEPTH or not path.endswith("/"):
            raise ShellError(f"`{path}` is not {DEPTH} folders deep; it cannot share the shell")
        values = {STAND_IN: path.removesuffix("/"), TITLE: str(escape(title)), CONTENT: content}
        return "".join(values[part] if index % 2 else part for index, part in enumerate(self.parts))


def shell_from(html: str) -> Shell:
    # Without the indentation of the theme's templates, a quarter of every page's bytes.
    parts = tuple(_MARK.split(without_indentation(html)))
    found = set(parts[1::2])
    if {TITLE, CONTENT} - found:
        raise ShellError("the theme's page lost the title or content mark; the shell cannot be used")
    return Shell(parts)


def render_shell(config: MkDocsConfig, env, nav: Navigation, files: Files, on_context=None) -> str:
    """The theme's page for the stand-in (`shell_from` makes it a `Shell`), with
    `on_context(context, page)` applied first: what the site's hook does to every page's context,
    such as naming its copies in the other languages."""
    stand_in = File.generated(config, f"{STAND_IN}.md", content="")
    page = Page(None, stand_in, config)
    page.meta = {"title": Markup(TITLE)}
    page.content = CONTENT
    context = get_context(nav, files, config, page)
    if on_context is not None:
        context = on_context(context, page)
    template = env.get_template(page.meta.get("template", "main.html"))
    return template.render(context)
