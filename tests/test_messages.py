"""The one table of sentences: whole messages with plain named placeholders, every key the code
asks for present, and the file the site's engine reads written from it unchanged."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from builder.codes import CODE_WORDS, code_lists_with_words
from builder.catalogs import LANGUAGES, plural_expression
from builder.messages import MESSAGES, placeholders, say, table_in
from builder.model import FAMILY_NAMES
from builder.schemas import pattern_descriptions, pattern_hint, schema
from builder.site.engine import messages_file

BUILDER = Path(__file__).resolve().parent.parent / "builder"


def test_placeholders_are_plain_names_the_engine_can_fill():
    # assets/i18n.mjs replaces `{name}` with /\{([a-z_]+)\}/ and nothing else.
    for key, entry in MESSAGES.items():
        for template in (entry.text, entry.plural or entry.text):
            assert all(re.fullmatch(r"[a-z_]+", name) for name in placeholders(template)), key
            assert re.sub(r"\{[a-z_]+\}", "", template).count("{") == 0, key
            assert "}" not in re.sub(r"\{[a-z_]+\}", "", template), key
        if entry.plural is not None:
            # The number choosing the form is said in the message, or counts the names it lists
            # (`schema.required`: the missing fields).
            for template in (entry.text, entry.plural):
                assert entry.count in placeholders(template) or "names" in placeholders(template), key


def test_every_language_fills_the_same_placeholders():
    for lang in LANGUAGES:
        for key, entry in MESSAGES.items():
            for form in entry.forms(lang):
                assert set(placeholders(form)) <= set(placeholders(entry.plural or entry.text)), (lang, key, form)


def test_plural_messages_take_the_form_of_their_number():
    assert say("rule.published-within-years", years=1) == "published in the last 1 year"
    assert say("rule.published-within-years", years=2) == "published in the last 2 years"
    assert say("rule.pages-over", pages=4.0) == "for more than 4.0 pages"
    assert say("rule.pages-over", pages=1) == "for more than 1 page"


def test_every_message_the_code_names_is_in_the_table():
    named = set()
    for path in BUILDER.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "say(" not in source:
            continue
        tree = ast.parse(source)
        # The pieces of f-strings (`f"refusal.cost-over-{kind}"`) are checked below, whole.
        pieces = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            if id(node) in pieces:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"(refusal|accept|rule|list|reference|request|partners|schema|cli|iso18626)\.[a-z-]+", node.value):
                named.add(node.value)
    assert named and named <= set(MESSAGES), sorted(named - set(MESSAGES))
    # Keys put together from a service or a fee: every combination exists.
    for kind in ("loan", "copy"):
        for prefix in ("refusal.publication-type", "refusal.delivery-method", "refusal.cost-currency", "refusal.cost-over"):
            assert f"{prefix}-{kind}" in MESSAGES
        assert {f"accept.{kind}-fee", f"accept.{kind}-free"} <= set(MESSAGES)


def test_say_fills_every_placeholder():
    assert say("refusal.not-lending", lender="<b>Library</b> {x}") == "<b>Library</b> {x} does not lend through the directory."


def test_engine_file_holds_the_table_and_the_names_it_needs():
    document = json.loads(messages_file())
    assert document["messages"] == table_in("en")
    assert document["plural"] == "(n != 1)" and document["lang"] == "en"
    assert document["messages"]["rule.pages-over"] == {
        "count": "pages", "forms": ["for more than {pages} page", "for more than {pages} pages"]}
    assert document["families"] == FAMILY_NAMES
    assert document["countries"]["NO"] == "Norway"
    assert document["codes"] == json.loads(json.dumps(code_lists_with_words()))
    assert messages_file() == messages_file()
    assert ["ConferenceProc", CODE_WORDS["ConferenceProc"]] in document["codes"]["publication_type"]
    assert ["Book", ""] in document["codes"]["publication_type"]


def test_every_message_the_browser_engine_names_is_in_the_table():
    engine = Path(__file__).resolve().parent.parent / "site_src" / "assets"
    named = {key for path in engine.rglob("*.mjs")
             for key in re.findall(r"""say\(\s*["']([a-z]+\.[a-z-]+)["']""", path.read_text(encoding="utf-8"))}
    assert len(named) > 30 and named <= set(MESSAGES), sorted(named - set(MESSAGES))


def test_each_language_names_countries_codes_and_channels_in_its_own_words():
    # Country names are pycountry's (the iso-codes translations); code and channel words the
    # engine catalog's. A word that would only repeat the code stays empty in every language.
    expected = {"de": ("Deutschland", "Buch", "Nicht für die Fernleihe verfügbar", "E-Mail", "Fernleihe"),
                "fr": ("Allemagne", "Livre", "Non disponible pour le PEB", "courriel",
                       "prêt entre bibliothèques"),
                "es": ("Alemania", "Libro", "No disponible para préstamo interbibliotecario", "correo electrónico",
                       "préstamo interbibliotecario")}
    for lang, (germany, book, reason, email, loan) in expected.items():
        document = json.loads(messages_file(lang))
        assert document["lang"] == lang and document["countries"]["DE"] == germany
        assert ["Book", book] in document["codes"]["publication_type"]
        assert ["NotAvailableForILL", reason] in document["codes"]["reason"]
        assert ["Blu-ray", ""] in document["codes"]["item_format"]
        assert document["families"]["email"] == email
        assert loan in say("refusal.inactive", lang=lang, library="X")
        assert document["messages"] == table_in(lang) and document["plural"] == plural_expression(lang)


def test_the_engine_file_says_the_forms_patterns_want_in_its_language():
    # The browser's schema check gives a value not in its field's form the words Python gives it
    # (builder/schemas.py `pattern_hint`); in English it takes the description's first sentence.
    date = schema("request")["$defs"]["date"]["description"]
    assert json.loads(messages_file())["pattern_hints"] == {}
    expected = {"de": "Ein Kalenderdatum in der Form JJJJ-MM-TT, zum Beispiel 2026-10-01",
                "fr": "Une date du calendrier écrite AAAA-MM-JJ, par exemple 2026-10-01",
                "es": "Una fecha escrita AAAA-MM-DD, por ejemplo 2026-10-01"}
    for lang, words in expected.items():
        hints = json.loads(messages_file(lang))["pattern_hints"]
        assert hints[date] == words
        assert hints == {description: pattern_hint(description, lang) for description in pattern_descriptions()}
