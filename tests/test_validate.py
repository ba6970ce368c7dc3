"""Whole-directory validation: each schema and cross-record problem is reported with its code at
the right file, line and column, nothing else is reported, and the two schema validators agree."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from builder import schemas
from builder.crosschecks import review_overdue
from builder.loader import load
from builder.records import load_records
from builder.validate import validate_directory, validate_loaded
from conftest import EXAMPLE_REQUESTS, FIXTURES, REMOVED, SAMPLE_RECORDS, TODAY, changed, expectations

TREES = sorted(path.parent for path in (FIXTURES / "invalid").glob("*/records"))
CROSS_RECORD_CODES = {
    "id-file-mismatch", "country-folder-mismatch", "reserved-id", "duplicate-id", "invalid-date",
    "isil-syntax", "ror-checksum", "duplicate-identifier", "unknown-timezone", "unknown-partner",
    "unknown-pod", "unknown-exemption", "unknown-pod-member", "no-request-channels",
    "alma-code-missing", "fee-without-currency", "rule-without-conditions", "rule-reason-outcome",
    "duplicate-rule-id", "closure-order", "pod-membership-unconfirmed", "review-overdue",
    "partnership-one-sided",
}
SEVERITY = {"pod-membership-unconfirmed": "warning", "review-overdue": "warning",
            "partnership-one-sided": "notice"}


def announced(tree: Path) -> set[tuple[str, str, int, int | None]]:
    return {(e.code, e.file.as_posix(), e.line, e.column)
            for path in sorted(tree.rglob("*.yaml")) for e in expectations(path)}


def test_every_cross_record_check_has_a_fixture_tree():
    assert CROSS_RECORD_CODES <= {tree.name for tree in TREES}


@pytest.mark.parametrize("parser", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure"])
@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_tree_reports_exactly_what_its_files_announce(tree: Path, parser):
    expected = announced(tree)
    assert expected, f"{tree} announces no problem"
    assert {code for code, *_ in expected} == {tree.name}
    validation = validate_directory(tree / "records", TODAY, parser=parser)
    found = {(p.code, Path(p.file).resolve().as_posix(), p.line, p.column) for p in validation.problems}
    assert found == expected
    for problem in validation.problems:
        assert problem.severity == SEVERITY.get(problem.code, "error"), problem
        assert problem.path.startswith("$")
        assert problem.message[0].islower() or problem.message[0] in "`\"", problem.message


def test_messages_say_what_to_do():
    validation = validate_directory(FIXTURES / "invalid" / "unknown-partner" / "records", TODAY)
    (problem,) = validation.problems
    assert problem.path == "$.partners[1]"
    assert problem.message == "partner `de-tib` is not in the directory; check the spelling or remove it"


SEVERAL_FORMS = FIXTURES / "invalid" / "schema-pattern" / "records" / "institutions" / "de" / "several-forms.yaml"
# What a value not in its field's form is told in each language: the form in the reader's words
# (the first sentence of the field's description as the site catalog translates it).
NOT_IN_ITS_FORM = {
    "en": {"$.contacts[0].email": '"ill at several-forms.example" is not in the expected form for `email` (An email '
                                  'address such as fernleihe@nordbib.example: no spaces, one @, a domain name with at '
                                  'least one dot)',
           "$.identifiers.isil": '"DE 89" is not in the expected form for `isil` (International Standard Identifier for '
                                 'Libraries (ISO 15511): a prefix, a hyphen and a unit id, at most 16 characters of '
                                 'letters, digits, / - and :)',
           "$.maintainers[0]": '"-several-forms-" is not in the expected form for this value (A GitHub user name '
                               '(login), for example nordbib-ill: letters, digits and single hyphens, at most 39 '
                               'characters, not starting or ending with a hyphen)'},
    "de": {"$.contacts[0].email": '`email` hat nicht die erwartete Form: "ill at several-forms.example" (Eine '
                                  'E-Mail-Adresse wie fernleihe@nordbib.example: keine Leerzeichen, ein @, ein '
                                  'Domainname mit mindestens einem Punkt)',
           "$.identifiers.isil": '`isil` hat nicht die erwartete Form: "DE 89" (Internationales Bibliothekssigel (ISIL, '
                                 'ISO 15511): ein Präfix, ein Bindestrich und eine Kennung der Einheit, höchstens 16 '
                                 'Zeichen aus Buchstaben, Ziffern, / - und :)',
           "$.maintainers[0]": 'dieser Wert hat nicht die erwartete Form: "-several-forms-" (Ein GitHub-Benutzername '
                               '(Login), zum Beispiel nordbib-ill: Buchstaben, Ziffern und einzelne Bindestriche, '
                               'höchstens 39 Zeichen, nicht mit einem Bindestrich am Anfang oder Ende)'},
    "fr": {"$.contacts[0].email": '"ill at several-forms.example" n’a pas la forme attendue pour `email` (Une adresse '
                                  'électronique comme fernleihe@nordbib.example : pas d’espaces, un seul @, un nom de '
                                  'domaine avec au moins un point)',
           "$.identifiers.isil": '"DE 89" n’a pas la forme attendue pour `isil` (Identifiant international normalisé '
                                 'des bibliothèques (ISIL, ISO 15511) : un préfixe, un tiret et un identifiant d’unité, '
                                 '16 caractères au plus parmi les lettres, les chiffres, / - et :)',
           "$.maintainers[0]": '"-several-forms-" n’a pas la forme attendue pour cette valeur (Un nom d’utilisateur '
                               'GitHub (login), par exemple nordbib-ill : lettres, chiffres et tirets simples, 39 '
                               'caractères au plus, sans tiret au début ni à la fin)'},
    "es": {"$.contacts[0].email": '"ill at several-forms.example" no tiene la forma esperada para `email` (Una '
                                  'dirección de correo electrónico como fernleihe@nordbib.example: sin espacios, una @, '
                                  'un nombre de dominio con al menos un punto)',
           "$.identifiers.isil": '"DE 89" no tiene la forma esperada para `isil` (Identificador internacional '
                                 'normalizado de bibliotecas (ISIL, ISO 15511): un prefijo, un guion y un id de la '
                                 'unidad, como máximo 16 caracteres entre letras, cifras, / - y :)',
           "$.maintainers[0]": '"-several-forms-" no tiene la forma esperada para este valor (Un nombre de usuario de '
                               'GitHub (login), por ejemplo nordbib-ill: letras, cifras y guiones sueltos, como máximo '
                               '39 caracteres, sin guion al principio ni al final)'},
}


@pytest.mark.parametrize("lang", list(NOT_IN_ITS_FORM))
def test_a_value_not_in_its_form_is_told_the_form_in_the_readers_language(lang):
    document = load(SEVERAL_FORMS.read_bytes(), SEVERAL_FORMS.name)
    problems = schemas.check("institution", document, lang)
    assert {p.code for p in problems} == {"schema-pattern"} and len(problems) == 6
    said = {p.path: p.message for p in problems}
    for path, message in NOT_IN_ITS_FORM[lang].items():
        assert said[path] == message
    if lang != "en":
        # Nor does any of the six say a word of an English description.
        english = [schemas.pattern_hint(description) for description in schemas.pattern_descriptions()]
        assert not [(path, hint) for path, message in said.items() for hint in english if hint in message]


def test_unknown_field_points_at_the_key_and_suggests_the_spelling():
    validation = validate_directory(FIXTURES / "invalid" / "schema-unknown-field" / "records", TODAY)
    by_file = {Path(p.file).name: p for p in validation.problems}
    assert by_file["misspelt-top.yaml"].path == "$.websiet"
    assert "did you mean `website`?" in by_file["misspelt-top.yaml"].message
    assert "did you mean `phone`?" in by_file["misspelt-nested.yaml"].message
    # An email channel takes only `email`: the message names what the method allows.
    assert "`url`" in by_file["field-of-other-method.yaml"].message


def test_missing_field_points_at_the_mapping_that_lacks_it():
    validation = validate_directory(FIXTURES / "invalid" / "schema-required" / "records", TODAY)
    by_file = {Path(p.file).name: p for p in validation.problems}
    assert by_file["no-name.yaml"].path == "$"
    assert "`name`" in by_file["no-name.yaml"].message
    assert by_file["contact-without-email.yaml"].path == "$.contacts[0]"
    assert "`symbol`" in by_file["channel-without-symbol.yaml"].message


def test_valid_tree_has_no_problems_and_keeps_lookalike_values_as_text():
    validation = validate_directory(FIXTURES / "valid" / "records", TODAY)
    assert validation.problems == ()
    record = next(r for r in validation.valid if r.stem == "no-lookalike")
    assert record.data["name"] == "yes"
    assert record.data["country"] == "NO"
    assert record.data["last_reviewed"] == "2026-10-01"
    assert record.data["addresses"][0]["postal_code"] == "0123"
    assert record.data["addresses"][0]["lines"] == ["Postboks 012", "1:20"]
    assert record.data["contacts"][0]["name"] == "1:20"


def test_sample_directory_is_valid():
    validation = validate_directory(SAMPLE_RECORDS, TODAY)
    assert validation.errors == []
    assert validation.ok()
    assert len(validation.valid) == len(validation.loaded.records) >= 15
    # The sample shows one unconfirmed pod membership and one one-sided partnership on purpose.
    assert {(Path(p.file).name, p.code) for p in validation.problems} == {
        ("fi-koivula.yaml", "pod-membership-unconfirmed"), ("au-wattle.yaml", "partnership-one-sided")}
    assert not validation.ok(strict=True)


def test_problems_in_many_files_are_all_found_in_one_run(records_copy):
    root = records_copy(SAMPLE_RECORDS)
    for name in ("institutions/au/au-wattle.yaml", "institutions/fi/fi-koivula.yaml", "pods/nordic-share.yaml"):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8") + "unexpected: 1\n", encoding="utf-8")
    broken = root / "institutions" / "de" / "de-nordbib.yaml"
    broken.write_bytes(b"id: [\n")
    validation = validate_directory(root, TODAY)
    assert len({p.file for p in validation.errors}) == 4
    assert any(p.code == "yaml-syntax" and p.file.endswith("de-nordbib.yaml") for p in validation.errors)
    # Partners of the unreadable record are still resolved against it: no false "unknown" errors.
    assert not any(p.code == "unknown-partner" for p in validation.problems)


def test_misplaced_files_are_reported(tmp_path):
    (tmp_path / "institutions").mkdir()
    (tmp_path / "institutions" / "acme.yaml").write_text("id: acme\n", encoding="utf-8")
    (tmp_path / "pods").mkdir()
    (tmp_path / "pods" / "north.yml").write_text("id: north\n", encoding="utf-8")
    codes = {(Path(p.file).name, p.code) for p in validate_directory(tmp_path, TODAY).problems}
    assert codes == {("acme.yaml", "misplaced-file"), ("north.yml", "misplaced-file")}


# --- the fast and the detailed schema validator agree ------------------------------------------

def _kind(path: Path) -> str:
    if EXAMPLE_REQUESTS in path.parents:
        return "request"
    return "pod" if path.parent.name == "pods" else "institution"


def _schema_inputs() -> list[Path]:
    """Every YAML file the schema check would see: fixtures the loader refuses never reach it."""
    candidates = sorted([*FIXTURES.rglob("*.yaml"), *SAMPLE_RECORDS.rglob("*.yaml"),
                         *EXAMPLE_REQUESTS.glob("*.yaml")])
    return [path for path in candidates if not path.parent.name.startswith("yaml-")]


@pytest.mark.parametrize("path", _schema_inputs(), ids=lambda path: path.relative_to(path.parents[2]).as_posix())
def test_fast_and_detailed_validators_agree(path: Path):
    data = load(path.read_bytes(), path.name).data
    kind = _kind(path)
    assert schemas.is_valid_fast(kind, data) == schemas.is_valid_detailed(kind, data)


def test_fixtures_include_both_verdicts():
    verdicts = {schemas.is_valid_fast(_kind(path), load(path.read_bytes(), path.name).data)
                for path in _schema_inputs()}
    assert verdicts == {True, False}


MINIMAL = {
    "id": "de-acme", "name": "Acme", "status": "active", "country": "DE", "maintainers": ["acme-ill"],
    "last_reviewed": "2026-10-01", "contacts": [{"role": "lending", "email": "ill@acme.example"}],
    "request_channels": [{"method": "iso-ill", "host": "ill.acme.example", "port": 499, "symbol": "ISIL:DE-A1"}],
}
EDGE_CASES = [
    ("port written as a decimal", ("request_channels", 0, "port"), 499.0),
    ("port as boolean", ("request_channels", 0, "port"), True),
    ("port of 2**70", ("request_channels", 0, "port"), 2 ** 70),
    ("name with a line break", ("name",), "Acme\nLibrary"),
    ("name with a trailing newline", ("name",), "Acme\n"),
    ("id with a trailing newline", ("id",), "de-acme\n"),
    ("id with Cyrillic a", ("id",), "de-\u0430cme"),
    ("name with emoji", ("name",), "Acme \U0001F4DA"),
    ("name of 200 characters", ("name",), "é" * 200),
    ("name of 201 characters", ("name",), "é" * 201),
    ("maintainers repeated", ("maintainers",), ["acme-ill", "acme-ill"]),
    ("contact null", ("contacts", 0), None),
    ("country lower case", ("country",), "de"),
]


@pytest.mark.parametrize("label,path,value", EDGE_CASES, ids=[case[0] for case in EDGE_CASES])
def test_validators_agree_on_edge_values(label, path, value):
    data = copy.deepcopy(MINIMAL)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert schemas.is_valid_fast("institution", data) == schemas.is_valid_detailed("institution", data)
    assert schemas.is_valid_fast("institution", MINIMAL) and schemas.is_valid_detailed("institution", MINIMAL)


def test_a_review_date_far_in_the_future_is_not_overdue_and_does_not_crash(records_copy):
    records = records_copy(SAMPLE_RECORDS)
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    text = target.read_text(encoding="utf-8")
    changed = text.replace('last_reviewed: "2026-10-14"', 'last_reviewed: "9999-12-31"')
    assert changed != text
    target.write_text(changed, encoding="utf-8")
    result = validate_directory(records, TODAY)
    assert result.errors == []
    assert not [p for p in result.problems if p.code == "review-overdue"]


def test_a_symbolic_link_is_refused_and_not_read(records_copy, tmp_path):
    records = records_copy(SAMPLE_RECORDS)
    secret = tmp_path / "secret.yaml"
    secret.write_text("secret_token: do-not-print\n", encoding="utf-8")
    (records / "institutions" / "de" / "de-link.yaml").symlink_to(secret)
    result = validate_directory(records, TODAY)
    assert [p.code for p in result.errors] == ["file-is-link"]
    assert not any("secret_token" in p.message for p in result.problems)


@pytest.mark.parametrize("reviewed, today, overdue", [
    ("2026-02-28", "2027-08-28", False),   # exactly 18 months: still in time
    ("2026-02-28", "2027-08-29", True),
    ("2025-05-31", "2026-11-30", False),   # November has no 31st: due on its last day
    ("2025-05-31", "2026-12-01", True),
    ("9999-12-31", "0001-01-01", False),   # far apart either way: no date arithmetic overflows
    ("0001-01-01", "9999-12-31", True),
])
def test_review_is_overdue_the_day_after_eighteen_months(reviewed, today, overdue):
    assert review_overdue(dt.date.fromisoformat(reviewed), dt.date.fromisoformat(today)) is overdue


def test_a_symbolic_link_to_a_folder_is_refused_once_and_not_read(records_copy, tmp_path):
    records = records_copy(SAMPLE_RECORDS)
    outside = tmp_path / "outside"
    (outside / "deeper").mkdir(parents=True)
    (outside / "fr-hidden.yaml").write_text("secret_token: do-not-print\n", encoding="utf-8")
    (outside / "deeper" / "fr-deeper.yaml").write_text("secret_token: do-not-print\n", encoding="utf-8")
    link = records / "institutions" / "xx"
    link.symlink_to(outside, target_is_directory=True)
    result = validate_directory(records, TODAY)
    assert [(p.code, Path(p.file).name) for p in result.errors] == [("file-is-link", "xx")]
    assert "folders under records/ must be ordinary folders" in result.errors[0].message
    assert not any("hidden" in str(p.file) or "deeper" in str(p.file) for p in result.problems)
    assert not any("secret_token" in p.message for p in result.problems)


def test_an_identifier_repeated_under_other_is_a_duplicate(records_copy):
    """`other` entries are compared in the same form as agency ids in requests, so an ISIL written
    there cannot sneak past the uniqueness check and later make a request ambiguous."""
    records = records_copy(SAMPLE_RECORDS)
    target = records / "institutions" / "nl" / "nl-dijkstad.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('  ror: "0dj8k4a90"\n',
                                   '  ror: "0dj8k4a90"\n  other:\n    - {authority: ISIL, value: de-nb1}\n'),
                      encoding="utf-8")
    result = validate_directory(records, TODAY)
    assert [(p.code, p.file.endswith("nl-dijkstad.yaml")) for p in result.errors] == [("duplicate-identifier", True)]


# --- every problem in one run: schema errors do not hide cross-record problems -----------------

def test_a_schema_error_and_a_cross_record_error_of_one_file_are_reported_together():
    tree = FIXTURES / "all-problems"
    expected = announced(tree)
    assert {code for code, *_ in expected} == {"schema-unknown-field", "fee-without-currency"}
    for parser in (yaml.CSafeLoader, yaml.SafeLoader):
        validation = validate_directory(tree / "records", TODAY, parser=parser)
        found = {(p.code, Path(p.file).resolve().as_posix(), p.line, p.column) for p in validation.problems}
        assert found == expected
        # The record is still left out of the answers: it did not pass its schema check.
        assert validation.valid == ()


def test_a_check_skips_only_a_record_whose_fields_it_reads_are_invalid(records_copy):
    records = records_copy(SAMPLE_RECORDS)
    target = records / "institutions" / "de" / "de-nordbib.yaml"
    text = target.read_text(encoding="utf-8")
    # A fee written as text is a schema error in `lending`: the currency check reads the fees and
    # must not guess; the unknown partner, elsewhere in the record, is still reported.
    for before, after in (("    fee: 5\n", "    fee: five euros\n"), ('  currency: "EUR"\n', ""),
                          ('  - "fr-valbrune"\n', '  - "fr-valbrune"\n  - "de-nowhere"\n')):
        assert before in text
        text = text.replace(before, after)
    target.write_text(text, encoding="utf-8")
    codes = sorted(p.code for p in validate_directory(records, TODAY).errors)
    assert codes == ["schema-type", "unknown-partner"]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


WRONG_VALUES = [REMOVED, 7, "text", {"unexpected": 1}]


def test_no_invalid_value_anywhere_in_a_record_breaks_the_cross_record_checks():
    """Each value of a rich profile (and of a pod) replaced by one of the wrong kind, or removed:
    validation reports a schema error and never fails on data the checks cannot read."""
    from builder.loader import Document
    from builder.records import LoadedRecords, RecordFile, load_records
    from builder.validate import validate_loaded

    loaded = load_records(SAMPLE_RECORDS)
    for name in ("de-nordbib", "nordic-share"):
        index, record = next((i, r) for i, r in enumerate(loaded.records) if r.stem == name)
        for path in [p for p in _paths(record.data) if p]:
            for wrong in WRONG_VALUES:
                data = changed(record.data, path, wrong)
                document = Document(record.document.file, data)
                records = list(loaded.records)
                records[index] = RecordFile(record.kind, record.path, record.stem, record.folder, document)
                result = validate_loaded(LoadedRecords(loaded.root, tuple(records), loaded.problems), TODAY)
                if not schemas.is_valid_fast(record.kind, data):
                    assert any(p.code.startswith("schema-") and p.file == record.document.file
                               for p in result.errors), (path, wrong)


# The cross-record checks say their problems in the language the directory is checked in, as the
# schema's are: one fixture's problem in each language, as a librarian there reads it.
CROSS_RECORD_IN_LANGUAGES = {
    "de": ("`QQ-89` ist kein gültiges ISIL: `QQ` ist kein Ländercode nach ISO 3166 in Großbuchstaben",
           "zuletzt geprüft am 2024-01-31, vor mehr als 18 Monaten; prüfen Sie das Profil und aktualisieren Sie "
           "`last_reviewed`"),
    "fr": ("`QQ-89` n’est pas un ISIL valide\u202f: `QQ` n’est pas un code de pays ISO 3166 en majuscules",
           "dernière révision le 2024-01-31, il y a plus de 18 mois\u202f; vérifiez le profil et mettez à jour "
           "`last_reviewed`"),
    "es": ("`QQ-89` no es un ISIL válido: `QQ` no es un código de país ISO 3166 en mayúsculas",
           "revisado por última vez el 2024-01-31, hace más de 18 meses; revise el perfil y actualice `last_reviewed`"),
}


@pytest.mark.parametrize("lang", sorted(CROSS_RECORD_IN_LANGUAGES))
def test_cross_record_problems_are_said_in_the_language_asked_for(lang):
    isil, review = CROSS_RECORD_IN_LANGUAGES[lang]
    said = {tree: {p.message for p in validate_loaded(load_records(FIXTURES / "invalid" / tree / "records"), TODAY,
                                                       lang=lang).problems}
            for tree in ("isil-syntax", "review-overdue")}
    assert isil in said["isil-syntax"]
    assert review in said["review-overdue"]
    english = {p.message for p in validate_loaded(load_records(FIXTURES / "invalid" / "isil-syntax" / "records"),
                                                  TODAY).problems}
    assert "`QQ-89` is not a valid ISIL: `QQ` is not an upper-case ISO 3166 country code" in english
    assert not said["isil-syntax"] & english


# A mapping missing two fields says so in the plural where the language has one (English keeps the
# words `rsdir validate` has always printed).
SEVERAL_MISSING = {
    "en": "required field `id`, `name` is missing; add it here",
    "de": "die Pflichtfelder `id`, `name` fehlen; ergänzen Sie sie hier",
    "fr": "les champs obligatoires `id`, `name` manquent\u202f; ajoutez-les ici",
    "es": "faltan los campos obligatorios `id`, `name`; añádalos aquí",
}


@pytest.mark.parametrize("lang", sorted(SEVERAL_MISSING))
def test_several_missing_fields_are_said_in_the_plural(lang):
    pod = (SAMPLE_RECORDS / "pods" / "atlantic-rapido.yaml").read_text(encoding="utf-8")
    without = "".join(line for line in pod.splitlines(keepends=True) if not line.startswith(("id:", "name:")))
    said = [p.message for p in schemas.check("pod", load(without.encode(), "atlantic-rapido.yaml"), lang)]
    assert said == [SEVERAL_MISSING[lang]]
