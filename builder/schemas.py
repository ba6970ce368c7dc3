"""The JSON Schemas of `schema/` and the schema check that turns their verdicts into problems.

A compiled validator (jsonschema-rs) answers "is this record valid?" quickly for the usual case
of a valid record; only an invalid record goes through `jsonschema`, whose detailed errors become
positioned problems a librarian can act on. The tests check both agree on every fixture.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from .loader import Document
from .problems import Problem

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
    return jsonschema.Draft202012Validator(schema(kind))


@cache
def _fast_validator(kind: str):
    return jsonschema_rs.validator_for(schema(kind))


def is_valid_fast(kind: str, data: Any) -> bool:
    return _fast_validator(kind).is_valid(data)


def is_valid_detailed(kind: str, data: Any) -> bool:
    return _detailed_validator(kind).is_valid(data)


def check(kind: str, document: Document) -> list[Problem]:
    """Problems of one document against the schema of its kind; none for a valid one."""
    if is_valid_fast(kind, document.data):
        return []
    problems = {_problem(document, error) for error in _leaf_errors(_detailed_validator(kind), document.data)}
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
    for error in validator.iter_errors(data):
        if error.context:
            yield jsonschema.exceptions.best_match(error.context)
        elif error.validator not in ("if", "allOf"):
            yield error


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(document: Document, error: jsonschema.ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    kind = error.validator
    value = error.instance
    field = f"`{path[-1]}`" if path and isinstance(path[-1], str) else "this value"
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    hint = f" ({description.split('. ')[0].rstrip('.')})" if description and kind in ("pattern", "format") else ""

    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        names = ", ".join(f"`{name}`" for name in missing)
        return document.problem(path, "schema-required", f"required field {names} is missing; add it here")
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = sorted(set(value) - set(allowed))
        # Point at the first unexpected key; every extra is named in the message.
        key = extras[0]
        close = difflib.get_close_matches(key, allowed, n=1)
        advice = f"did you mean `{close[0]}`?" if close else f"allowed here: {', '.join(allowed)}"
        extra_text = ", ".join(f"`{name}`" for name in extras)
        return document.problem(path + (key,), "schema-unknown-field",
                                f"unknown field {extra_text}; {advice}", at_key=True)
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        words = {"string": "text", "integer": "a whole number", "number": "a number",
                 "boolean": "true or false", "array": "a list", "object": "a mapping of fields",
                 "null": "empty"}
        wanted_words = " or ".join(words.get(w, w) for w in wanted.split(" or "))
        return document.problem(path, "schema-type", f"{field} must be {wanted_words}, not {_shown(value)}")
    if kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        advice = f"did you mean `{close[0]}`?" if close else (
            f"use one of: {', '.join(map(str, options))}" if len(options) <= 25 else "see the field reference")
        return document.problem(path, "schema-enum", f"{_shown(value)} is not allowed for {field}; {advice}")
    if kind == "pattern":
        return document.problem(path, "schema-pattern",
                                f"{_shown(value)} is not in the expected form for {field}{hint}")
    if kind in ("minLength", "maxLength"):
        limit = error.validator_value
        if kind == "minLength":
            message = f"{field} must not be empty" if limit == 1 else f"{field} needs at least {limit} characters"
        else:
            message = f"{field} is {len(value)} characters long; at most {limit} are allowed"
        return document.problem(path, "schema-length", message)
    if kind in ("minItems", "maxItems"):
        limit = error.validator_value
        need = "at least" if kind == "minItems" else "at most"
        return document.problem(path, "schema-items", f"{field} needs {need} {limit} entr{'y' if limit == 1 else 'ies'}")
    if kind == "uniqueItems":
        return document.problem(path, "schema-unique", f"{field} lists the same entry twice; remove the repeat")
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "maximum": "at most",
                 "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}[kind]
        return document.problem(path, "schema-range", f"{field} must be {bound} {error.validator_value}, not {_shown(value)}")
    if kind in ("minProperties", "maxProperties"):
        return document.problem(path, "schema-size", f"{field}: {error.message}")
    return document.problem(path, f"schema-{kind.lower()}", f"{field}: {error.message}")
