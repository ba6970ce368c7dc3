"""Strict YAML loading for records written by strangers.

Records are read from the parser's event stream, never composed or constructed by PyYAML, so an
alias is refused before anything could expand it and no tag can build an object. Only a small,
predictable part of YAML is accepted: mappings with text keys, lists, and scalars that stay text
unless they are plainly `true`, `false`, `null`, an integer or a decimal. Every key and value keeps
the line and column it was written at, so later checks can point at it; they are kept compactly, in
the order they were written, and matched to paths only when a problem asks for one.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Sequence

import yaml

from .messages import say
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


# Positions are kept packed into one number each, line * 2**20 + column (both 0-based): a line of
# a record is never 2**20 characters long, since the whole file is at most 512 KiB. Numbers, unlike
# the parser's mark objects, are neither tracked by the cycle collector nor large.
_COLUMN_BITS = 20
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1


def _position_of(packed: int) -> tuple[int, int]:
    """1-based line and column of a packed position."""
    return (packed >> _COLUMN_BITS) + 1, (packed & _COLUMN_MASK) + 1


def _size(value: Any) -> int:
    """How many nodes `value` was written as: itself, and each key and value inside it."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return 1
    size = 1 + len(value) if kind is dict else 1
    for item in (value.values() if kind is dict else value):
        size += _size(item) if type(item) is dict or type(item) is list else 1
    return size


def _key_ordinals(mapping: dict, start: int) -> dict[str, int]:
    """The place of each key's node of `mapping`, whose own node is at `start`."""
    ordinals, ordinal = {}, start + 1
    for key, item in mapping.items():
        ordinals[key] = ordinal
        ordinal += 1 + _size(item)
    return ordinals


def _ordinal(data: Any, path: tuple, top_keys: dict[str, int]) -> tuple[int, int]:
    """The place of the value at `path` among the nodes of `data` in document order (a mapping,
    then each of its keys followed by that key's value; the order the data was built in), and how
    many parts of `path` lead to it: fewer than all when the path is not in `data`, in which case
    it is the place of the nearest parent. A key's node comes just before its value's.
    `top_keys` are the places of the top-level keys (`_key_ordinals(data, 0)`)."""
    ordinal, value = 0, data
    for depth, part in enumerate(path):
        if type(value) is dict and part in value:
            ordinal = (top_keys if depth == 0 else _key_ordinals(value, ordinal))[part] + 1
        elif type(value) is list and type(part) is int and 0 <= part < len(value):
            ordinal += 1 + sum(_size(item) for item in value[:part])
        else:
            return ordinal, depth
        value = value[part]
    return ordinal, len(path)


@dataclass(frozen=True)
class Document:
    """One loaded file: plain JSON-like data plus where each value and key was written.

    `marks` holds where every node (mapping, list, key or value) starts, in the order written, as
    packed positions; a cached document holds them as a list of the same numbers.
    """

    file: str
    data: Any
    marks: Sequence = field(default=(), repr=False, compare=False)

    @cached_property
    def _top_keys(self) -> dict[str, int]:
        # Worked out once: a record with problems often has several, and most are near the top.
        return _key_ordinals(self.data, 0) if type(self.data) is dict else {}

    def position(self, path: tuple, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of its nearest parent."""
        ordinal, found = _ordinal(self.data, tuple(path), self._top_keys)
        if at_key and path and found == len(path) and type(path[-1]) is str:
            ordinal -= 1
        return _position_of(self.marks[ordinal]) if ordinal < len(self.marks) else (1, 1)

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
        raise _fail(file, 1, 1, "yaml-too-large", say("yaml.too-large", limit=f"{MAX_BYTES:,}"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start].decode("utf-8", errors="replace")
        line, column = _line_col(before, len(before))
        raise _fail(file, line, column, "yaml-not-utf8", say("yaml.not-utf8", byte=f"{raw[err.start]:02x}")) from None
    found = _FORBIDDEN_CHARACTER.search(text)
    if found:
        line, column = _line_col(text, found.start())
        code, message = _character_problem(found.group())
        raise _fail(file, line, column, code, message)
    return text


def _character_problem(char: str) -> tuple[str, str]:
    code = f"{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return "yaml-surrogate", say("yaml.surrogate", code=code)
    if char in "\u2028\u2029":
        return "yaml-control-character", say("yaml.separator", code=code)
    if char == "\ufeff":
        return "yaml-control-character", say("yaml.byte-order-mark")
    if unicodedata.category(char) == "Cc":
        return "yaml-control-character", say("yaml.control-character", code=code)
    return "yaml-bidi-control", say("yaml.bidi-control", code=code)


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
    shown = f"\\{letter}{digits}" if digits else say("yaml.this-escape")
    return _fail(file, line, column, "yaml-bad-escape", say("yaml.bad-escape", escape=shown), path)


def _check_text(value: str, file: str, mark, path: tuple) -> None:
    """Escapes in quoted strings (`"\\0"`, `"\\u202e"`) can produce what the raw file may not contain."""
    if len(value) > MAX_SCALAR_CHARS:
        raise _fail(file, mark.line + 1, mark.column + 1, "yaml-scalar-too-long",
                    say("yaml.scalar-too-long", length=f"{len(value):,}", limit=f"{MAX_SCALAR_CHARS:,}"), path)
    found = _FORBIDDEN_CHARACTER.search(value)
    if found:
        code, message = _character_problem(found.group())
        raise _fail(file, mark.line + 1, mark.column + 1, code, message, path)


# Plain words YAML reads as something other than text, looked up once per plain scalar.
_WORDS: dict[str, Any] = {"null": None, "~": None, "": None, "true": True, "false": False}
_TEXT = object()


def _scalar_value(event: yaml.ScalarEvent, file: str, path) -> Any:
    """The value of a scalar: text unless plainly a null, a boolean or a number.

    `path` is the path to report a problem at, or a function that gives it (worked out only when
    there is a problem to report)."""
    text = event.value
    if not event.implicit[0]:
        return text
    word = _WORDS.get(text, _TEXT)
    if word is not _TEXT:
        return word
    if text[0] not in _NUMBER_START:
        return text
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _SPECIAL_NUMBER.fullmatch(text):
        mark = event.start_mark
        raise _fail(file, mark.line + 1, mark.column + 1, "yaml-special-number",
                    say("yaml.special-number", text=text), path() if callable(path) else path)
    return text


_SCALAR, _MAPPING_START, _SEQUENCE_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


def _may_hide_characters(event: yaml.ScalarEvent, value: str, escapes: bool) -> bool:
    """Whether `value` needs `_check_text`: the whole file was already searched for forbidden
    characters, so only the escapes of a double-quoted value can add new ones (and only in a file
    with a backslash in it), or it is too long."""
    return (escapes and event.style == '"') or len(value) > MAX_SCALAR_CHARS


class _Walk:
    """The containers open while the events of one file are read, and the marks of every node.

    Paths are not kept as the events go by: the path of the value being read is worked out from
    the open containers only when a problem needs it, which keeps the common case (a file with
    no problem) to a few operations per event.
    """

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.escapes = "\\" in text
        self.marks = array("Q")
        # One entry per open container: the container, its key (or index) in its parent, and for
        # a mapping the key read last, waiting for its value (None: a key comes next).
        self.containers: list[dict | list] = []
        self.places: list = []
        self.pending: list = []
        self.root: Any = None
        # Whether a quoted value or a flow collection (`[...]`, `{...}`) spans lines; only then can
        # their continuation lines be indented too little (see `_layout_problem`).
        self.spans_lines = False
        self.flow_depth = 0        # number of open containers when the outermost flow collection opened
        self.flow_line = 0

    def container_path(self) -> tuple:
        """Path of the innermost open container."""
        return tuple(self.places[1:])

    def next_path(self) -> tuple:
        """Path the next value will have in the innermost open container."""
        if not self.containers:
            return ()
        top = self.containers[-1]
        return self.container_path() + ((len(top),) if type(top) is list else (self.pending[-1],))

    def reading_path(self) -> tuple:
        """Path of what the parser is reading now: a key is reported at its mapping."""
        if self.containers and type(self.containers[-1]) is dict and self.pending[-1] is None:
            return self.container_path()
        return self.next_path()

    def first_key_line(self, key: str) -> int:
        """Line of `key` in the innermost open mapping, read earlier (all it needs is in the data
        built so far: every node before the one being read is in place)."""
        return Document(self.file, self.root, self.marks).position(self.container_path() + (key,),
                                                                   at_key=True)[0]

    def fail(self, mark, code: str, message: str, path: tuple | None = None) -> YamlProblem:
        return _fail(self.file, mark.line + 1, mark.column + 1, code, message,
                     self.container_path() if path is None else path)


def _take_key(walk: _Walk, event, mark, mapping: dict) -> None:
    """`event` is where a key of `mapping` (the innermost open container) should be."""
    if type(event) is not _SCALAR:
        raise walk.fail(mark, "yaml-key-not-text", say("yaml.key-is-container"))
    key = _scalar_value(event, walk.file, walk.container_path)
    if type(key) is not str:
        raise walk.fail(mark, "yaml-key-not-text", say("yaml.key-not-text", key=event.value))
    if _may_hide_characters(event, key, walk.escapes):
        _check_text(key, walk.file, mark, walk.container_path())
    if not key.isidentifier() and _KEY_BREAKS.search(key):
        # A key is echoed in messages; a line break in it could forge further report lines.
        raise walk.fail(mark, "yaml-key-not-text", say("yaml.key-line-break"))
    if key in mapping:
        raise walk.fail(mark, "yaml-duplicate-key", say("yaml.duplicate-key", key=key, line=walk.first_key_line(key)),
                        walk.container_path() + (key,))
    walk.pending[-1] = key


def _rare_event(walk: _Walk, event, documents: int) -> int:
    """Stream and document events and aliases; returns the number of documents seen so far."""
    mark = event.start_mark
    if isinstance(event, yaml.DocumentStartEvent):
        documents += 1
        if documents > 1:
            raise walk.fail(mark, "yaml-several-documents", say("yaml.several-documents"), ())
        if event.version is not None or event.tags:
            # `%YAML 1.1` makes YAML 1.1 readers take `yes` and `0755` for other values; `%TAG`
            # only serves tags, which records do not use.
            raise walk.fail(_directive_mark(walk), "yaml-directive", say("yaml.directive"), ())
    if isinstance(event, yaml.AliasEvent):
        raise walk.fail(mark, "yaml-alias", say("yaml.alias", anchor=event.anchor))
    return documents


_QUOTED = frozenset("\"'")
_FLOW_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_FLOW_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
_BLOCK_OPEN = (yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken)
# Text where another YAML reader could see what libyaml does not (see `_layout_problem`): a `#`
# right after something that is not a space, or a `?` that could start a flow key.
_LAYOUT_SUSPECT = re.compile(r"[^\s]#|\?")
_LINE_BREAK = re.compile("\r\n|\r|\n")


_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


def _directive_mark(walk: _Walk):
    """Where the first directive (a line starting with `%`) is."""
    found = _DIRECTIVE.search(walk.text)
    line = walk.text.count("\n", 0, found.start()) if found else 0
    return yaml.Mark(walk.file, 0, line, 0, None, None)


def _comment_touches(text: str, mark, lines: list[str] | None = None) -> bool:
    """Whether a `#` stands at `mark` right after something other than a space or a tab."""
    lines = lines if lines is not None else _LINE_BREAK.split(text)
    source = lines[mark.line] if mark.line < len(lines) else ""
    return (0 < mark.column < len(source) and source[mark.column] == "#"
            and source[mark.column - 1] not in " \t")


def _layout_problem(text: str, parser, file: str) -> YamlProblem | None:
    """What libyaml reads in its own way where the YAML 1.2 specification says otherwise, so that
    the editor's YAML, GitHub's preview or a feed consumer could read the record differently:

    - a comment must follow a space: `"text"# note`, `'text'# note`, `|# note`, `[a]# note` and
      `a,# note` are errors in YAML 1.2, which libyaml reads as a value and a comment;
    - `?` right before a word in a flow collection (`{?name: x}`, `[?x]`) is the first letter
      of the text `?name`, which libyaml takes for the sign of an explicit key;
    - the lines of a flow collection or a quoted value must be indented more than the field that
      holds it, which libyaml does not ask for.

    Read from the parser's tokens, a second pass made only for the rare file that could have one.
    """
    lines = _LINE_BREAK.split(text)
    scanner = parser(text)
    indents: list[int] = []        # columns of the open block mappings and lists
    flow_depth, flow_start = 0, None

    def char_at(line: int, column: int) -> str:
        source = lines[line] if line < len(lines) else ""
        return source[column] if column < len(source) else ""

    def fail(line: int, column: int, code: str, message: str) -> YamlProblem:
        return _fail(file, line + 1, column + 1, code, message)

    def touching(mark) -> YamlProblem | None:
        if _comment_touches(text, mark, lines):
            return fail(mark.line, mark.column, "yaml-comment-touching", say("yaml.comment-touching"))
        return None

    def underindented(first, last) -> YamlProblem | None:
        """The first line after `first` up to `last` indented no more than the holding field."""
        least = indents[-1] + 1 if indents else 0
        for line in range(first.line + 1, last.line + 1):
            source = lines[line] if line < len(lines) else ""
            if source.strip(" \t") and len(source) - len(source.lstrip(" ")) < least:
                return fail(line, 0, "yaml-continuation-indent",
                            say("yaml.continuation-indent", line=first.line + 1, least=least))
        return None

    try:
        while (token := scanner.get_token()) is not None:
            kind = type(token)
            problem = None
            if kind in _BLOCK_OPEN:
                indents.append(token.start_mark.column)
            elif kind is yaml.BlockEndToken:
                indents.pop()
            elif kind in _FLOW_OPEN:
                flow_depth += 1
                flow_start = flow_start if flow_depth > 1 else token.start_mark
                problem = touching(token.end_mark)
            elif kind in _FLOW_CLOSE:
                flow_depth -= 1
                problem = touching(token.end_mark) or (
                    underindented(flow_start, token.start_mark) if flow_depth == 0 else None)
            elif kind is yaml.FlowEntryToken:
                problem = touching(token.end_mark)
            elif kind is yaml.KeyToken and flow_depth:
                mark = token.start_mark
                if char_at(mark.line, mark.column) == "?" and char_at(mark.line, mark.column + 1) not in " \t":
                    problem = fail(mark.line, mark.column, "yaml-flow-key", say("yaml.flow-key"))
            elif kind is yaml.ScalarToken and token.style in _QUOTED:
                problem = touching(token.end_mark) or (
                    underindented(token.start_mark, token.end_mark) if flow_depth == 0 else None)
            elif kind is yaml.ScalarToken and token.style in ("|", ">"):
                mark = token.start_mark
                header = lines[mark.line][mark.column + 1:] if mark.line < len(lines) else ""
                column = mark.column + 1 + len(header) - len(header.lstrip("+-0123456789"))
                problem = touching(yaml.Mark(file, 0, mark.line, column, None, None))
            if problem is not None:
                return problem
    finally:
        scanner.dispose()
    return None


def _walk_events(walk: _Walk, events) -> None:
    """Build the data of `walk` from the parser's events, refusing what records may not hold."""
    get_event = events.get_event
    keep_mark = walk.marks.append
    containers, places, pending = walk.containers, walk.places, walk.pending
    escapes = walk.escapes
    documents = 0
    nodes = 0
    while True:
        event = get_event()
        if event is None:
            return
        kind = type(event)
        # Values and the ends of containers are nearly every event, so they are told apart first
        # by exact class; the stream and document events and aliases are rare.
        if kind is _MAPPING_END or kind is _SEQUENCE_END:
            if walk.flow_depth == len(containers):
                walk.flow_depth = 0
                if event.start_mark.line != walk.flow_line:
                    walk.spans_lines = True
            containers.pop()
            places.pop()
            pending.pop()
            continue
        if kind is not _SCALAR and kind is not _MAPPING_START and kind is not _SEQUENCE_START:
            documents = _rare_event(walk, event, documents)
            continue
        mark = event.start_mark
        if event.anchor is not None:
            raise walk.fail(mark, "yaml-anchor", say("yaml.anchor", anchor=event.anchor))
        if event.tag is not None:
            raise walk.fail(mark, "yaml-tag", say("yaml.tag", tag=event.tag))
        nodes += 1
        if nodes > MAX_NODES:
            raise walk.fail(mark, "yaml-too-many-nodes", say("yaml.too-many-nodes", limit=f"{MAX_NODES:,}"))
        keep_mark(mark.line << _COLUMN_BITS | mark.column)
        if containers:
            top = containers[-1]
            if type(top) is dict:
                key = pending[-1]
                if key is None:
                    # The usual key, a plain name such as `email`, takes the short way; anything
                    # else goes through every check of `_take_key`.
                    if (kind is _SCALAR and event.implicit[0] and (key := event.value).isidentifier()
                            and key not in _WORDS and key not in top):
                        pending[-1] = key
                    else:
                        _take_key(walk, event, mark, top)
                    continue
                place = key
            else:
                place = len(top)
        else:
            top = place = None
        if kind is _SCALAR:
            value = event.value
            if event.style in _QUOTED and event.end_mark.line != mark.line:
                walk.spans_lines = True
            if event.implicit[0]:
                word = _WORDS.get(value, _TEXT)
                if word is not _TEXT:
                    value = word
                elif value[0] in _NUMBER_START:
                    value = _scalar_value(event, walk.file, walk.next_path)
            # `_may_hide_characters`, written out: it is asked of nearly every value.
            if type(value) is str and ((escapes and event.style == '"') or len(value) > MAX_SCALAR_CHARS):
                _check_text(value, walk.file, mark, walk.next_path())
        elif len(containers) >= MAX_DEPTH:
            raise walk.fail(mark, "yaml-too-deep", say("yaml.too-deep", limit=MAX_DEPTH))
        else:
            value = {} if kind is _MAPPING_START else []
            if event.flow_style and not walk.flow_depth:
                walk.flow_depth, walk.flow_line = len(containers) + 1, mark.line
        if top is None:
            walk.root = value
        elif type(top) is list:
            top.append(value)
        else:
            top[place] = value
            pending[-1] = None
        if kind is not _SCALAR:
            containers.append(value)
            places.append(place)
            pending.append(None)


def load(raw: bytes, file: str, *, parser=DEFAULT_PARSER) -> Document:
    """Read one YAML file that must hold a single mapping; raise `YamlProblem` otherwise.

    `parser` is PyYAML's libyaml-backed `CSafeLoader` by default; the pure-Python `SafeLoader`
    gives the same results (the tests run both).
    """
    text = _decode(raw, file)
    walk = _Walk(file, text)
    events = parser(text)
    try:
        _walk_events(walk, events)
        if walk.spans_lines or _LAYOUT_SUSPECT.search(text):
            problem = _layout_problem(text, parser, file)
            if problem is not None:
                raise problem
    except yaml.MarkedYAMLError as err:
        if err.problem_mark and _comment_touches(text, err.problem_mark):
            # The pure-Python scanner stops at a `#` that touches a block scalar's `|` or `>`,
            # where libyaml reads on: both are told the same.
            raise _fail(file, err.problem_mark.line + 1, err.problem_mark.column + 1,
                        "yaml-comment-touching", say("yaml.comment-touching")) from None
        if err.problem == "found invalid Unicode character escape code" and err.problem_mark:
            start = err.context_mark or err.problem_mark
            raise _escape_problem(text, file, err.problem_mark.line + 1, err.problem_mark.column + 1,
                                  walk.reading_path(), (start.line + 1, start.column + 1)) from None
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = err.problem or say("yaml.not-valid")
        raise _fail(file, line, column, "yaml-syntax", say("yaml.syntax", problem=what)) from None
    except yaml.YAMLError as err:
        raise _fail(file, 1, 1, "yaml-syntax", say("yaml.syntax-only", problem=err)) from None
    except RecursionError:
        raise _fail(file, 1, 1, "yaml-too-deep", say("yaml.too-deep-unlimited")) from None
    except ValueError:
        # Only the pure-Python scanner gets here: `chr()` of an escape beyond U+10FFFF.
        mark = events.get_mark()
        raise _escape_problem(text, file, mark.line + 1, mark.column + 1, walk.reading_path(),
                              (mark.line + 1, mark.column + 1)) from None
    finally:
        events.dispose()

    root = walk.root
    if root is None:
        raise _fail(file, 1, 1, "yaml-empty", say("yaml.empty"))
    if not isinstance(root, dict):
        line, column = _position_of(walk.marks[0])
        raise _fail(file, line, column, "yaml-not-a-mapping",
                    say("yaml.list-not-mapping" if isinstance(root, list) else "yaml.value-not-mapping"))
    return Document(file, root, walk.marks)
