"""Strict YAML loading for records written by strangers.

Records are read from the parser's event stream, never composed or constructed by PyYAML, so an
alias is refused before anything could expand it and no tag can build an object. Only a small,
predictable part of YAML is accepted: mappings with text keys, lists, and scalars that stay text
unless they are plainly `true`, `false`, `null`, an integer or a decimal. Every value keeps the
line and column it was written at, so later checks can point at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem, json_path

MAX_BYTES = 512 * 1024
MAX_SCALAR_CHARS = 20_000
MAX_DEPTH = 24
MAX_NODES = 50_000

DEFAULT_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,18}")
_SPECIAL_NUMBER = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NULLS = {"null", "~", ""}
_KEY_BREAKS = re.compile("[\t\n\r]")
_BOOLEANS = {"true": True, "false": False}
# Every integer, decimal, infinity or not-a-number starts with one of these; other plain text
# can skip the three patterns, which matters at 10,000 records.
_NUMBER_START = frozenset("-+.0123456789")
# Control characters (tab and line breaks aside), characters that make text display differently
# from what it is (Trojan Source), stray byte-order marks and halves of surrogate pairs.
# U+2028 and U+2029 count as line breaks to YAML but not to editors, so they would also shift
# every line number reported after them.
_FORBIDDEN_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
_UNICODE_ESCAPE_LENGTH = {"x": 2, "u": 4, "U": 8}


class YamlProblem(Exception):
    """The file cannot be read as a record; carries the one positioned problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Document:
    """One loaded file: plain JSON-like data plus where each value and key was written."""

    file: str
    data: Any
    value_positions: dict[tuple, tuple[int, int]] = field(repr=False)
    key_positions: dict[tuple, tuple[int, int]] = field(repr=False)

    def position(self, path: tuple, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of its nearest parent."""
        parts = tuple(path)
        if at_key and parts in self.key_positions:
            return self.key_positions[parts]
        while parts:
            if parts in self.value_positions:
                return self.value_positions[parts]
            parts = parts[:-1]
        return self.value_positions.get((), (1, 1))

    def problem(self, path: tuple, code: str, message: str, *, severity: str = "error",
                at_key: bool = False) -> Problem:
        line, column = self.position(path, at_key=at_key)
        return Problem(self.file, line, column, severity, json_path(tuple(path)), code, message)


def _fail(file: str, line: int, column: int, code: str, message: str, path: tuple = ()) -> YamlProblem:
    return YamlProblem(Problem(file, line, column, "error", json_path(path), code, message))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _fail(file, 1, 1, "yaml-too-large",
                    f"the file is larger than the {MAX_BYTES:,} bytes a record may have; "
                    "shorten long texts")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start].decode("utf-8", errors="replace")
        line, column = _line_col(before, len(before))
        raise _fail(file, line, column, "yaml-not-utf8",
                    f"byte 0x{raw[err.start]:02x} is not UTF-8; save the file as UTF-8 text") from None
    found = _FORBIDDEN_CHARACTER.search(text)
    if found:
        line, column = _line_col(text, found.start())
        code, message = _character_problem(found.group())
        raise _fail(file, line, column, code, message)
    return text


def _character_problem(char: str) -> tuple[str, str]:
    if "\ud800" <= char <= "\udfff":
        return ("yaml-surrogate", f"U+{ord(char):04X} is half of a character (a lone surrogate); write "
                "the character itself, or one `\\U0001F600`-style escape instead of a pair of `\\u` escapes")
    if char in "\u2028\u2029":
        return ("yaml-control-character", f"U+{ord(char):04X} (an invisible line or paragraph separator) "
                "is not allowed; use an ordinary line break or a space instead")
    if char == "\ufeff":
        return ("yaml-control-character", "a byte-order mark is allowed only at the very start of the file")
    if unicodedata.category(char) == "Cc":
        return ("yaml-control-character", f"control character U+{ord(char):04X} is not allowed; delete it")
    return ("yaml-bidi-control",
            f"invisible direction-changing character U+{ord(char):04X} is not allowed; delete it")


def _escape_problem(text: str, file: str, line: int, column: int, path: tuple,
                    scalar_start: tuple[int, int]) -> YamlProblem:
    """The problem for a `\\u`/`\\U` escape that names no character, said the same way whichever
    parser found it: libyaml rejects such escapes while scanning, the pure-Python parser
    decodes lone surrogates (caught later as text) and fails in `chr()` beyond U+10FFFF.

    `line` and `column` (1-based) point at the first hex digit of the escape.
    """
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    letter = source[column - 2: column - 1]
    digits = source[column - 1: column - 1 + _UNICODE_ESCAPE_LENGTH.get(letter, 0)]
    try:
        code = int(digits, 16)
    except ValueError:
        code = None
    if code is not None and 0xD800 <= code <= 0xDFFF:
        _, message = _character_problem(chr(code))
        return _fail(file, *scalar_start, "yaml-surrogate", message, path)
    shown = f"\\{letter}{digits}" if digits else "this escape"
    return _fail(file, line, column, "yaml-bad-escape",
                 f"`{shown}` is not a Unicode character (the highest is U+10FFFF); "
                 "write the character itself or fix the code", path)


def _check_text(value: str, file: str, mark, path: tuple) -> None:
    """Escapes in quoted strings (`"\\0"`, `"\\u202e"`) can produce what the raw file may not contain."""
    if len(value) > MAX_SCALAR_CHARS:
        raise _fail(file, mark.line + 1, mark.column + 1, "yaml-scalar-too-long",
                    f"this value is {len(value):,} characters long; the limit is {MAX_SCALAR_CHARS:,}",
                    path)
    found = _FORBIDDEN_CHARACTER.search(value)
    if found:
        code, message = _character_problem(found.group())
        raise _fail(file, mark.line + 1, mark.column + 1, code, message, path)


def _scalar_value(event: yaml.ScalarEvent, file: str, path: tuple) -> Any:
    text = event.value
    if not event.implicit[0]:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if text[0] not in _NUMBER_START:
        return text
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _SPECIAL_NUMBER.fullmatch(text):
        mark = event.start_mark
        raise _fail(file, mark.line + 1, mark.column + 1, "yaml-special-number",
                    f"`{text}` (infinity or not-a-number) is not allowed; write a plain number", path)
    return text


_SCALAR, _MAPPING_START, _SEQUENCE_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


def _may_hide_characters(event: yaml.ScalarEvent, value: str) -> bool:
    """Whether `value` needs `_check_text`: the whole file was already searched for forbidden
    characters, so only the escapes of a double-quoted value can add new ones (or a long one)."""
    return event.style == '"' or len(value) > MAX_SCALAR_CHARS


@dataclass
class _Open:
    container: dict | list
    path: tuple
    pending_key: str | None = None
    key_mark: Any = None


def load(raw: bytes, file: str, *, parser=DEFAULT_PARSER) -> Document:
    """Read one YAML file that must hold a single mapping; raise `YamlProblem` otherwise.

    `parser` is PyYAML's libyaml-backed `CSafeLoader` by default; the pure-Python `SafeLoader`
    gives the same results (the tests run both).
    """
    text = _decode(raw, file)
    values: dict[tuple, tuple[int, int]] = {}
    keys: dict[tuple, tuple[int, int]] = {}
    stack: list[_Open] = []
    root: Any = None
    documents = 0
    nodes = 0

    def next_path() -> tuple:
        """Path the next value will have in the open container."""
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        return top.path + (top.pending_key,)

    def take_key(event, mark) -> None:
        top = stack[-1]
        if not isinstance(event, yaml.ScalarEvent):
            raise _fail(file, mark.line + 1, mark.column + 1, "yaml-key-not-text",
                        "a key must be a plain name, not a list or mapping", top.path)
        key = _scalar_value(event, file, top.path)
        if not isinstance(key, str):
            raise _fail(file, mark.line + 1, mark.column + 1, "yaml-key-not-text",
                        f"the key `{event.value}` is not text; field names are words such as `name`",
                        top.path)
        if _may_hide_characters(event, key):
            _check_text(key, file, mark, top.path)
        if not key.isidentifier() and _KEY_BREAKS.search(key):
            # A key is echoed in messages; a line break in it could forge further report lines.
            raise _fail(file, mark.line + 1, mark.column + 1, "yaml-key-not-text",
                        "a field name cannot contain line breaks or tabs; field names are words "
                        "such as `name`", top.path)
        if key in top.container:
            first = keys[top.path + (key,)]
            raise _fail(file, mark.line + 1, mark.column + 1, "yaml-duplicate-key",
                        f"`{key}` appears twice in the same mapping (first at line {first[0]}); "
                        "keep one of them", top.path + (key,))
        top.pending_key = key
        keys[top.path + (key,)] = (mark.line + 1, mark.column + 1)

    def current_path() -> tuple:
        """Path of what the parser is reading now: a key is reported at its mapping."""
        if stack and isinstance(stack[-1].container, dict) and stack[-1].pending_key is None:
            return stack[-1].path
        return next_path()

    events = parser(text)
    try:
        while events.check_event():
            event = events.get_event()
            mark = event.start_mark
            kind = type(event)
            # Values and the ends of containers are nearly every event, so they are told apart
            # first by exact class; the stream and document events and aliases are rare.
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
                continue
            where = stack[-1].path if stack else ()
            if kind is not _SCALAR and kind is not _MAPPING_START and kind is not _SEQUENCE_START:
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise _fail(file, mark.line + 1, mark.column + 1, "yaml-several-documents",
                                    "the file holds more than one YAML document (`---`); "
                                    "keep one record per file")
                if isinstance(event, yaml.AliasEvent):
                    raise _fail(file, mark.line + 1, mark.column + 1, "yaml-alias",
                                f"`*{event.anchor}` refers to an anchor; anchors and aliases are not "
                                "allowed, write the value out in full", where)
                continue   # stream start and end, document start and end
            if event.anchor is not None:
                raise _fail(file, mark.line + 1, mark.column + 1, "yaml-anchor",
                            f"`&{event.anchor}` defines an anchor; anchors and aliases are not "
                            "allowed, write the value out in full", where)
            if event.tag is not None:
                raise _fail(file, mark.line + 1, mark.column + 1, "yaml-tag",
                            f"the tag `{event.tag}` is not allowed; remove it and write a plain value",
                            where)
            nodes += 1
            if nodes > MAX_NODES:
                raise _fail(file, mark.line + 1, mark.column + 1, "yaml-too-many-nodes",
                            f"the file has more than {MAX_NODES:,} values; a record is much smaller",
                            where)
            top = stack[-1] if stack else None
            if top is not None and top.pending_key is None and type(top.container) is dict:
                take_key(event, mark)
                continue
            path = next_path()
            values[path] = (mark.line + 1, mark.column + 1)
            if kind is _SCALAR:
                value = _scalar_value(event, file, path)
                if type(value) is str and _may_hide_characters(event, value):
                    _check_text(value, file, mark, path)
            elif len(stack) >= MAX_DEPTH:
                raise _fail(file, mark.line + 1, mark.column + 1, "yaml-too-deep",
                            f"values are nested more than {MAX_DEPTH} levels deep", where)
            else:
                value = {} if kind is _MAPPING_START else []
            if top is None:
                root = value
            elif type(top.container) is list:
                top.container.append(value)
            else:
                top.container[top.pending_key] = value
                top.pending_key = None
            if kind is not _SCALAR:
                stack.append(_Open(value, path))
    except yaml.MarkedYAMLError as err:
        if err.problem == "found invalid Unicode character escape code" and err.problem_mark:
            start = err.context_mark or err.problem_mark
            raise _escape_problem(text, file, err.problem_mark.line + 1, err.problem_mark.column + 1,
                                  current_path(), (start.line + 1, start.column + 1)) from None
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = err.problem or "the file is not valid YAML"
        raise _fail(file, line, column, "yaml-syntax",
                    f"YAML syntax error: {what}; check indentation, colons and quotes here") from None
    except yaml.YAMLError as err:
        raise _fail(file, 1, 1, "yaml-syntax", f"YAML syntax error: {err}") from None
    except RecursionError:
        raise _fail(file, 1, 1, "yaml-too-deep", "values are nested too deeply") from None
    except ValueError:
        # Only the pure-Python scanner gets here: `chr()` of an escape beyond U+10FFFF.
        mark = events.get_mark()
        raise _escape_problem(text, file, mark.line + 1, mark.column + 1, current_path(),
                              (mark.line + 1, mark.column + 1)) from None
    finally:
        events.dispose()

    if root is None:
        raise _fail(file, 1, 1, "yaml-empty",
                    "the file is empty; a record is a mapping of fields such as `id: ...`")
    if not isinstance(root, dict):
        line, column = values.get((), (1, 1))
        raise _fail(file, line, column, "yaml-not-a-mapping",
                    "the file must hold a mapping of fields (`id: ...`, `name: ...`), "
                    f"not a {'list' if isinstance(root, list) else 'single value'}")
    return Document(file, root, values, keys)

