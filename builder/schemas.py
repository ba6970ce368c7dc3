"""The JSON Schemas of `schema/` and the schema check that turns their verdicts into problems.

A compiled validator (jsonschema-rs) answers "is this record valid?" quickly for the usual case
of a valid record; only an invalid record goes through `jsonschema`, whose detailed errors become
positioned problems a librarian can act on. The tests check both agree on every fixture.
"""

from __future__ import annotations

import difflib
import functools
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogs import SOURCE_LANGUAGE, schema_nodes, translations
from .loader import Document
from .messages import say
from .problems import Problem

if TYPE_CHECKING:
    import jsonschema

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_FILES = {
    "institution": "institution.schema.json",
    "pod": "pod.schema.json",
    "request": "request.schema.json",
}


@cache
def schema(kind: str) -> dict:
    return json.loads((SCHEMA_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))


@cache
def _detailed_validator(kind: str) -> jsonschema.Draft202012Validator:
    # Imported only when a record is invalid: it is most of rsdir's start-up time otherwise.
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


@cache
def _fast_validator(kind: str):
    # Imported when a record or request is first checked: an answer from the cache checks none.
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(kind))


def is_valid_fast(kind: str, data: Any) -> bool:
    return _fast_validator(kind).is_valid(data)


def is_valid_detailed(kind: str, data: Any) -> bool:
    return _detailed_validator(kind).is_valid(data)


def check(kind: str, document: Document, lang: str = SOURCE_LANGUAGE) -> list[Problem]:
    """Problems of one document against the schema of its kind, said in `lang`; none for a
    valid one."""
    if is_valid_fast(kind, document.data):
        return []
    problems = {_problem(document, error, lang) for error in _leaf_errors(_detailed_validator(kind), document.data)}
    return sorted(problems, key=lambda p: (p.line, p.column, p.path, p.code, p.message))


def invalid_parts(kind: str, data: Any) -> tuple[tuple, ...]:
    """Where in `data` the schema finds something wrong, as paths: a missing field is the path it
    should be at, an unknown field its own path, any other error the value that breaks a rule (for
    `anyOf`/`oneOf`, the whole value no alternative accepts). The cross-record checks skip only
    what these paths touch, so one typo does not hide the record's other problems."""
    if is_valid_fast(kind, data):
        return ()
    parts: set[tuple] = set()
    for error in _detailed_validator(kind).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            parts.update(path + (name,) for name in error.validator_value if name not in present)
        elif error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            parts.update(path + (name,) for name in error.instance if name not in allowed)
        else:
            parts.add(path)
    return tuple(sorted(parts, key=lambda part: [str(p) for p in part]))


def _leaf_errors(validator: jsonschema.Draft202012Validator, data: Any):
    """The errors worth showing: for `anyOf`/`oneOf`, the best of the alternatives' errors."""
    from jsonschema.exceptions import best_match

    for error in validator.iter_errors(data):
        if error.context:
            yield best_match(error.context)
        elif error.validator not in ("if", "allOf"):
            yield error


def pattern_hint(description: str, lang: str = SOURCE_LANGUAGE) -> str:
    """What the description of a value with a `pattern` says of the form it wants, as a message
    about a value not in that form puts it in brackets: the description's first sentence, in
    `lang`. The descriptions are translated once, in the site catalog, where the profile editor
    shows them as hints and the field reference as meanings; the message takes its words from
    there, so that the hint says what the editor's form says beside the field."""
    return translations("site", lang).gettext(description).split(". ")[0].rstrip(".")


def pattern_descriptions() -> list[str]:
    """The description of every value with a `pattern` in the schemas records and requests are
    checked against: the texts `pattern_hint` is asked about."""
    return sorted({node["description"] for kind in SCHEMA_FILES for node in schema_nodes(schema(kind))
                   if "pattern" in node and isinstance(node.get("description"), str)})


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = ("string", "integer", "number", "boolean", "array", "object", "null")
_BOUNDS = {"minimum": "schema.minimum", "maximum": "schema.maximum",
           "exclusiveMinimum": "schema.exclusive-minimum", "exclusiveMaximum": "schema.exclusive-maximum"}


def _type_words(wanted: str | list[str], lang: str) -> str:
    """`text`, `text or a number`: the JSON Schema types in a librarian's words."""
    words = functools.partial(say, lang=lang)
    names = [words(f"schema.type-{name}") if name in _TYPE_WORDS else name
             for name in (wanted if isinstance(wanted, list) else [wanted])]
    return functools.reduce(lambda first, second: words("schema.type-alternatives", first=first, second=second), names)


def _problem(document: Document, error: jsonschema.ValidationError, lang: str) -> Problem:
    words = functools.partial(say, lang=lang)
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    field = words("schema.field", name=path[-1]) if path and isinstance(path[-1], str) else words("schema.this-value")

    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        names = ", ".join(f"`{name}`" for name in missing)
        return document.problem(path, "schema-required", words("schema.required", names=names, count=len(missing)))
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = sorted(set(value) - set(allowed))
        # Point at the first unexpected key; every extra is named in the message.
        key = extras[0]
        close = difflib.get_close_matches(key, allowed, n=1)
        names = ", ".join(f"`{name}`" for name in extras)
        message = (words("schema.unknown-field-close", names=names, close=close[0]) if close
                   else words("schema.unknown-field", names=names, allowed=", ".join(allowed)))
        return document.problem(path + (key,), "schema-unknown-field", message, at_key=True)
    if kind == "type":
        return document.problem(path, "schema-type", words("schema.type", field=field,
                                                         wanted=_type_words(error.validator_value, lang),
                                                         value=_shown(value)))
    if kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        if close:
            message = words("schema.enum-close", value=_shown(value), field=field, close=close[0])
        elif len(options) <= 25:
            message = words("schema.enum-options", value=_shown(value), field=field, options=", ".join(map(str, options)))
        else:
            message = words("schema.enum-reference", value=_shown(value), field=field)
        return document.problem(path, "schema-enum", message)
    if kind == "pattern":
        description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
        hint = pattern_hint(description, lang) if description else ""
        return document.problem(path, "schema-pattern",
                                words("schema.pattern-hint" if hint else "schema.pattern", value=_shown(value),
                                      field=field, hint=hint))
    if kind in ("minLength", "maxLength"):
        limit = error.validator_value
        if kind == "maxLength":
            message = words("schema.too-long", field=field, length=len(value), limit=limit)
        else:
            message = words("schema.empty" if limit == 1 else "schema.too-short", field=field, limit=limit)
        return document.problem(path, "schema-length", message)
    if kind in ("minItems", "maxItems"):
        limit = error.validator_value
        key = f"schema.items-at-{'least' if kind == 'minItems' else 'most'}"
        return document.problem(path, "schema-items", words(key, field=field, limit=limit))
    if kind == "uniqueItems":
        return document.problem(path, "schema-unique", words("schema.unique", field=field))
    if kind in _BOUNDS:
        return document.problem(path, "schema-range", words(_BOUNDS[kind], field=field, bound=error.validator_value,
                                                          value=_shown(value)))
    code = "schema-size" if kind in ("minProperties", "maxProperties") else f"schema-{kind.lower()}"
    return document.problem(path, code, words("schema.other", field=field, detail=error.message))
