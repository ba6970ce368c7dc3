"""The one layout of record files: what `rsdir fmt` writes, and byte for byte what the site's
profile editor writes (`site_src/assets/editor/layout.mjs` is the same rules in JavaScript; a
test runs both over the sample records and synthetic ones and compares the bytes).

The rules, so that a file reads the same whoever wrote it:
- the schema modeline first, then the fields in the order the schema lists them (names the
  schema does not know come last, sorted: the entries of a free mapping such as ILLiad's
  `parameters`);
- every string double-quoted, so `NO` stays Norway and `2026-10-01` stays text; a text with line
  breaks, or one whose line would pass column 100, is a folded block (`>-`) wrapped at 100
  columns instead;
- numbers in plain decimals (`5`, `2.5`; a fee written `5.00` becomes `5`), `true`/`false`;
- a list of codes from a code list on one line (`[“Book”, “Thesis”]`), any other list one entry
  per line, the first field of a listed mapping on the dash line;
- a blank line around every top-level field that takes more than one line.
Comments are not kept: the layout is computed from the data alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .loader import _DECIMAL, _FORBIDDEN_CHARACTER, _INTEGER
from .messages import say

MODELINES = {
    "institution": "# yaml-language-server: $schema=../../../schema/institution.schema.json",
    "pod": "# yaml-language-server: $schema=../../schema/pod.schema.json",
}
WIDTH = 100          # lines end by this column where a space allows
NARROWEST = 40       # deeply indented text still gets this many columns per line
INDENT = "  "
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_BLANK = " \t"


class LayoutError(ValueError):
    """The data holds something no record file can say (a number too large to write, say), in
    the words of builder/messages.py (`layout.*`), which the editor says in the page's language."""


def render(kind: str, data: Mapping, schema: Mapping) -> str:
    """The record file for `data`, a record of `kind` ("institution" or "pod") described by `schema`."""
    lines = [MODELINES[kind]]
    previous_long = False
    for key in _ordered_keys(data, schema, schema):
        entry = _entry(_key_text(key, schema), data[key], _child(schema, schema, key), schema, "")
        long = len(entry) > 1
        if len(lines) > 1 and (long or previous_long):
            lines.append("")
        lines.extend(entry)
        previous_long = long
    return "\n".join(lines) + "\n"


# --- the schema: which field comes first, and which lists hold codes ---------------------------

def _resolve(root: Mapping, node: Any) -> Mapping:
    if not isinstance(node, Mapping):
        return {}
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        target = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _child(root: Mapping, node: Mapping, key: str) -> Mapping:
    node = _resolve(root, node)
    properties = node.get("properties", {})
    if key in properties:
        return _resolve(root, properties[key])
    return _resolve(root, node.get("additionalProperties"))


def _items(root: Mapping, node: Mapping) -> Mapping:
    return _resolve(root, _resolve(root, node).get("items"))


def _ordered_keys(value: Mapping, node: Mapping, root: Mapping) -> list[str]:
    properties = _resolve(root, node).get("properties", {})
    known = [key for key in properties if key in value]
    return known + sorted(key for key in value if key not in properties)


def _key_text(key: str, node: Mapping) -> str:
    """Field names the schema lists are written plainly; any other name (a free mapping's key)
    is quoted, since a plain `true` or `1` would not be read back as text."""
    return key if key in node.get("properties", {}) else quoted(key)


def _is_code_list(root: Mapping, items: Mapping) -> bool:
    """Whether a list's entries come from a code list: an `enum`, possibly behind `if`/`else`
    (as in `lending.countries`, where `*` stands beside the country codes)."""
    if "enum" in items or "const" in items:
        return True
    return any("enum" in _resolve(root, items.get(branch)) for branch in ("then", "else"))


# --- values ------------------------------------------------------------------------------------

def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list))


def _entry(key: str, value: Any, node: Mapping, root: Mapping, indent: str) -> list[str]:
    """The lines of `key: value` at `indent`."""
    head = f"{indent}{key}:"
    if isinstance(value, Mapping):
        if not value:
            return [f"{head} {{}}"]
        return [head] + _mapping(value, node, root, indent + INDENT)
    if isinstance(value, list):
        if not value:
            return [f"{head} []"]
        items = _items(root, node)
        if all(map(_is_scalar, value)) and _is_code_list(root, items):
            return [f"{head} [{', '.join(scalar(item) for item in value)}]"]
        return [head] + _sequence(value, items, root, indent + INDENT)
    line = f"{head} {scalar(value)}"
    if isinstance(value, str) and writes_as_block(value, len(line)):
        return [f"{head} {_block_header(value)}"] + _folded(value, indent + INDENT)
    return [line]


def _mapping(value: Mapping, node: Mapping, root: Mapping, indent: str) -> list[str]:
    lines: list[str] = []
    for key in _ordered_keys(value, node, root):
        lines.extend(_entry(_key_text(key, _resolve(root, node)), value[key], _child(root, node, key), root, indent))
    return lines


def _sequence(value: list, items: Mapping, root: Mapping, indent: str) -> list[str]:
    """Entries of a list, each after `- ` at `indent`; a mapping's first field shares the dash line."""
    dash, inner = indent + "- ", indent + INDENT
    lines: list[str] = []
    for item in value:
        if isinstance(item, Mapping) and item:
            block = _mapping(item, items, root, inner)
            lines.append(dash + block[0][len(inner):])
            lines.extend(block[1:])
        elif isinstance(item, Mapping):
            lines.append(dash + "{}")
        elif isinstance(item, list):
            raise LayoutError(say("layout.list-in-list"))
        elif isinstance(item, str) and writes_as_block(item, len(dash + quoted(item))):
            lines.append(dash + _block_header(item))
            lines.extend(_folded(item, inner))
        else:
            lines.append(dash + scalar(item))
    return lines


def scalar(value: Any) -> str:
    """One value on one line: a quoted string, a plain number, true, false or null."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return quoted(value)
    raise LayoutError(say("layout.not-a-value", kind=type(value).__name__))


def quoted(text: str) -> str:
    """A double-quoted YAML string: backslash, quote, tab and line breaks escaped, and every
    character the strict loader refuses in a file written as an escape (so it is refused, on
    reading, with the loader's own message rather than breaking the file)."""
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _FORBIDDEN_CHARACTER.match(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def number_text(value: int | float) -> str:
    """A number in the plain decimals the loader reads back as the same number: no exponent,
    no trailing zeros (`5.0` is `5`), at most 18 digits before and after the point."""
    if isinstance(value, int):
        text = str(value)
    else:
        if not math.isfinite(value):
            raise LayoutError(say("layout.not-a-number", number=value))
        # repr gives the shortest digits that read back as the same float, as JavaScript's
        # Number#toExponential() does; Decimal spells them out without an exponent.
        text = "0" if value == 0 else format(Decimal(repr(value)), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if not (_INTEGER.fullmatch(text) or _DECIMAL.fullmatch(text)):
        raise LayoutError(say("layout.too-many-digits", number=text))
    return text


# --- folded text -------------------------------------------------------------------------------

def writes_as_block(text: str, line_length: int) -> bool:
    """Whether `text`, whose quoted line would be `line_length` characters long, is written as a
    folded block instead: it has line breaks, or that line would pass column 100 and the text
    has a space to wrap at; and it reads back exactly (no line starting or ending with a space
    or tab, no leading line break, at most one trailing one, nothing the loader refuses)."""
    if "\n" not in text and not (line_length > WIDTH and " " in text):
        return False
    if text.startswith("\n") or text.endswith("\n\n") or "\r" in text or _FORBIDDEN_CHARACTER.search(text):
        return False
    return all(not line or (line[0] not in _BLANK and line[-1] not in _BLANK)
               for line in _text_lines(text))


def _text_lines(text: str) -> list[str]:
    return text.removesuffix("\n").split("\n")


def _block_header(text: str) -> str:
    # `>` keeps one final line break, `>-` none.
    return ">" if text.endswith("\n") else ">-"


def _folded(text: str, indent: str) -> list[str]:
    """The block's lines: each line of the text wrapped at single spaces, and one empty line for
    each line break of the text (a folded block reads an empty line as a line break and a wrap
    as a space)."""
    width = max(WIDTH - len(indent), NARROWEST)
    lines: list[str] = []
    for number, line in enumerate(_text_lines(text)):
        if number:
            lines.append("")
        if line:
            lines.extend(indent + part for part in wrap(line, width))
    return lines


def wrap(line: str, width: int) -> list[str]:
    """`line` cut at single spaces (between two visible characters) into parts of at most `width`
    characters where possible; a word longer than `width` stays whole."""
    parts: list[str] = []
    rest = line
    while len(rest) > width:
        cut = _break_at(rest, range(min(width, len(rest) - 2), 0, -1)) or \
            _break_at(rest, range(width + 1, len(rest) - 1))
        if cut is None:
            break
        parts.append(rest[:cut])
        rest = rest[cut + 1:]
    parts.append(rest)
    return parts


def _break_at(text: str, positions: range) -> int | None:
    for position in positions:
        if text[position] == " " and text[position - 1] not in _BLANK and text[position + 1] not in _BLANK:
            return position
    return None


def same_data(first: Any, second: Any) -> bool:
    """Whether two records hold the same data: the same fields, lists in the same order, numbers
    equal in value (`5.0` and `5`), but `true` never equal to `1`."""
    if isinstance(first, bool) or isinstance(second, bool):
        return type(first) is type(second) and first == second
    if isinstance(first, (int, float)) and isinstance(second, (int, float)):
        return first == second
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        return first.keys() == second.keys() and all(same_data(first[k], second[k]) for k in first)
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(same_data, first, second))
    return type(first) is type(second) and first == second

