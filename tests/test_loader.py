"""The strict loader refuses every kind of hostile or confusing YAML with one positioned problem,
the same way with libyaml (`CSafeLoader`) and with PyYAML's pure-Python parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder import loader
from builder.loader import MAX_BYTES, MAX_NODES, MAX_SCALAR_CHARS, YamlProblem, load
from conftest import FIXTURES, expectations

PARSERS = {"libyaml": yaml.CSafeLoader, "pure": yaml.SafeLoader}
LOADER_CASES = sorted((FIXTURES / "invalid").glob("yaml-*/*.yaml"))


def refusal(raw: bytes, parser=yaml.CSafeLoader, file: str = "case.yaml"):
    with pytest.raises(YamlProblem) as caught:
        load(raw, file, parser=parser)
    return caught.value.problem


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_every_loader_case_announces_its_problem():
    assert len(LOADER_CASES) >= 40
    for path in LOADER_CASES:
        (expected,) = expectations(path) or [None]
        assert expected is not None, f"{path} has no `# expect:` line"
        assert expected.code == path.parent.name, f"{path} sits in the folder of another code"


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("path", LOADER_CASES, ids=case_id)
def test_loader_case_is_refused_with_code_and_position(path: Path, parser):
    (expected,) = expectations(path)
    problem = refusal(path.read_bytes(), parser, file=path.name)
    assert (problem.code, problem.line) == (expected.code, expected.line), problem
    if expected.column is not None:
        assert problem.column == expected.column, problem
    assert problem.file == path.name
    assert problem.severity == "error"
    assert problem.message and "Traceback" not in problem.message


@pytest.mark.parametrize("path", LOADER_CASES, ids=case_id)
def test_both_parsers_report_the_same_problem(path: Path):
    fast, pure = (refusal(path.read_bytes(), parser) for parser in PARSERS.values())
    assert (fast.code, fast.line, fast.path) == (pure.code, pure.line, pure.path)
    # The two parsers word (and place) pure syntax errors a little differently; anything the
    # loader itself detects must be identical.
    if fast.code != "yaml-syntax":
        assert fast == pure


def counting(parser):
    """`parser`, counting the events the loader takes from it in `counting.events`."""
    def start(text):
        events = parser(text)
        get_event = events.get_event

        def counted():
            start.events += 1
            return get_event()
        events.get_event = counted
        return events
    start.events = 0
    return start


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_billion_laughs_is_refused_at_the_first_anchor(parser):
    raw = (FIXTURES / "invalid" / "yaml-anchor" / "billion-laughs.yaml").read_bytes()
    events = counting(parser)
    problem = refusal(raw, events)
    # Line 2 holds the first anchor: nothing after it, and so no alias, was ever read.
    assert (problem.code, problem.line, problem.column) == ("yaml-anchor", 2, 4)
    assert events.events <= 6   # stream, document, mapping, key, the anchored value


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_empty_file(parser):
    problem = refusal(b"", parser)
    assert (problem.code, problem.line, problem.column) == ("yaml-empty", 1, 1)


def test_two_megabyte_scalar_is_refused_before_parsing():
    raw = b"id: acme\nname: " + b"x" * (2 * 1024 * 1024) + b"\n"

    def never(text):
        pytest.fail("a file over the size limit was handed to the parser")
    problem = refusal(raw, never)
    assert (problem.code, problem.line, problem.column) == ("yaml-too-large", 1, 1)
    assert f"{MAX_BYTES:,}" in problem.message


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_long_scalar_within_the_file_limit(parser):
    raw = b"id: acme\ndescription: " + b"x" * (MAX_SCALAR_CHARS + 1) + b"\n"
    problem = refusal(raw, parser)
    assert (problem.code, problem.line, problem.column, problem.path) == (
        "yaml-scalar-too-long", 2, 14, "$.description")


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_too_many_values(parser, monkeypatch):
    # The real limit (MAX_NODES) takes seconds to reach with the pure-Python parser; the
    # counting is the same with a smaller one.
    monkeypatch.setattr(loader, "MAX_NODES", 100)
    raw = b"id: acme\npartners:\n" + b"- a\n" * 101
    problem = refusal(raw, parser)
    assert problem.code == "yaml-too-many-nodes"
    # The mapping, two keys, `acme` and the list are five values; the item that goes over the
    # limit is on line 2 + (100 + 1 - 5).
    assert (problem.line, problem.column, problem.path) == (98, 3, "$.partners")
    assert "100" in problem.message


def test_real_node_limit_allows_a_large_record():
    raw = b"id: acme\npartners:\n" + b"- a\n" * (MAX_NODES - 10)
    assert len(load(raw, "case.yaml").data["partners"]) == MAX_NODES - 10


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_values_that_look_like_other_types_stay_text(parser):
    raw = (b"country: NO\nname: yes\nlast_reviewed: 2026-01-01\npostal_code: 012\ntime: 1:20\n"
           b"octal: 0o12\nhex: 0x1F\nexponent: 1e5\nsigned: +1\nTrue: True\nnull_word: Null\n"
           b"off: off\ntilde_text: '~'\nquoted_number: \"5\"\n")
    data = load(raw, "case.yaml", parser=parser).data
    assert data == {
        "country": "NO", "name": "yes", "last_reviewed": "2026-01-01", "postal_code": "012",
        "time": "1:20", "octal": "0o12", "hex": "0x1F", "exponent": "1e5", "signed": "+1",
        "True": "True", "null_word": "Null", "off": "off", "tilde_text": "~", "quoted_number": "5",
    }


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_plain_numbers_booleans_and_null_are_typed(parser):
    raw = b"a: 12\nb: -3\nc: 5.00\nd: true\ne: false\nf: null\ng: ~\nh:\n"
    data = load(raw, "case.yaml", parser=parser).data
    assert data == {"a": 12, "b": -3, "c": 5.0, "d": True, "e": False, "f": None, "g": None, "h": None}
    assert isinstance(data["c"], float) and isinstance(data["a"], int) and data["d"] is True


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_positions_of_values_and_keys(parser):
    raw = b"\xef\xbb\xbf# comment\r\nid: acme\r\ncontacts:\r\n  - role: lending\r\n    email: a@b.example\r\n"
    document = load(raw, "case.yaml", parser=parser)
    assert document.data["contacts"][0]["email"] == "a@b.example"
    assert document.position(("id",)) == (2, 5)
    assert document.position(("contacts", 0)) == (4, 5)
    assert document.position(("contacts", 0, "email")) == (5, 12)
    assert document.position(("contacts", 0, "email"), at_key=True) == (5, 5)
    # A path that is not there falls back to its nearest parent.
    assert document.position(("contacts", 0, "phone")) == (4, 5)
    problem = document.problem(("contacts", 0, "role"), "some-code", "what to do")
    assert (problem.line, problem.column, problem.path) == (4, 11, "$.contacts[0].role")


def test_tab_and_ordinary_unicode_are_text():
    data = load("name: \"Bibliothèque\tZürich 東京 \U0001F4DA\"\n".encode(), "case.yaml").data
    assert data["name"] == "Bibliothèque\tZürich 東京 \U0001F4DA"


def _written_positions(raw: bytes) -> tuple[dict, dict]:
    """Every value's and key's position straight from the parser's events, kept by path: how the
    loader used to keep them, to check the compact marks against."""
    values, keys, stack = {}, {}, []    # stack: [path, next index or pending key, is a mapping]
    for event in yaml.parse(raw.decode("utf-8-sig"), Loader=yaml.CSafeLoader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        position = (event.start_mark.line + 1, event.start_mark.column + 1)
        if stack and stack[-1][2] and stack[-1][1] is None:
            stack[-1][1] = event.value
            keys[stack[-1][0] + (event.value,)] = position
            continue
        if not stack:
            path = ()
        elif stack[-1][2]:
            path, stack[-1][1] = stack[-1][0] + (stack[-1][1],), None
        else:
            path = stack[-1][0] + (stack[-1][1],)
            stack[-1][1] += 1
        values[path] = position
        if isinstance(event, yaml.MappingStartEvent):
            stack.append([path, None, True])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append([path, 0, False])
    return values, keys


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_every_position_is_where_the_parser_saw_it(parser):
    from conftest import SAMPLE_RECORDS

    for path in sorted(SAMPLE_RECORDS.rglob("*.yaml")):
        raw = path.read_bytes()
        document = load(raw, path.name, parser=parser)
        values, keys = _written_positions(raw)
        assert {p: document.position(p) for p in values} == values, path
        assert {p: document.position(p, at_key=True) for p in keys} == keys, path


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
def test_what_yaml_1_2_allows_next_to_the_refused_cases_is_read(parser):
    """The neighbours of the refused layouts stay valid: a comment after a space, a `?` followed
    by a space in a flow mapping (an explicit key), indented continuation lines, JSON-like keys."""
    raw = (b"id: de-acme  # the id\nname: \"Acme Library\" # quoted\ndescription: >- # folded\n  We lend.\n"
           b"maintainers: [acme-ill, # first\n  acme-admin]\nnote: \"two\n  lines\"\n"
           b"terms: {? fee: 0, \"days\":4}\nwebsite: https://acme.example/#ill?lang=en\n")
    assert load(raw, "case.yaml", parser=parser).data == {
        "id": "de-acme", "name": "Acme Library", "description": "We lend.",
        "maintainers": ["acme-ill", "acme-admin"], "note": "two lines", "terms": {"fee": 0, "days": 4},
        "website": "https://acme.example/#ill?lang=en"}
