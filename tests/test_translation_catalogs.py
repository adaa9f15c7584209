"""The catalogs are complete: every text of the code and templates, extracted afresh, is translated,
reviewed (not fuzzy), with the same placeholders and every plural form, and compiled."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from petition.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "petition" / "translations"
BABEL_CFG = ROOT / "babel.cfg"
TEMPLATES = ROOT / "templates"
SOURCE = "fr"
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def extract() -> Catalog:
    """What `bash scripts/translations update` extracts, read straight from the code."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(locale=SOURCE)
    skipped = {"__pycache__", "node_modules"}
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        directory_filter=lambda path: (
            not (os.path.basename(path).startswith(".") or os.path.basename(path) in skipped)
        ),
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalog(locale: str) -> Catalog:
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def as_tuple(string) -> tuple:
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def format_error(text: str, allowed: set[str]) -> str | None:
    """Templates always %-format a message, so a stray % would break the page."""
    try:
        text % dict.fromkeys(allowed, 1)
    except (KeyError, ValueError, TypeError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def problems(source: Catalog, catalog: Catalog) -> list[str]:
    """Everything wrong with `catalog` for the messages of `source`, one line each."""
    found = []
    forms = catalog.num_plurals
    is_source_language = str(catalog.locale) == SOURCE
    for wanted in source:
        if not wanted.id:
            continue
        label = repr(wanted.id if isinstance(wanted.id, str) else wanted.id[0])
        message: Message | None = catalog.get(wanted.id, context=wanted.context)
        plural = isinstance(wanted.id, tuple | list)
        if message is None:
            if not (is_source_language and not plural):  # a French msgid is its own text
                found.append(f"missing: {label}")
            continue
        if message.fuzzy:
            found.append(f"fuzzy (to review): {label}")
        if not plural:
            if is_source_language and not message.string:
                continue
            if not message.string:
                found.append(f"untranslated: {label}")
            elif names(message.string) != names(wanted.id):
                found.append(
                    f"placeholders {sorted(names(message.string))} instead of {sorted(names(wanted.id))}: {label}"
                )
            elif error := format_error(message.string, names(wanted.id)):
                found.append(f"broken format ({error}): {label}")
            continue
        strings = as_tuple(message.string)
        allowed = names(wanted.id[0]) | names(wanted.id[1])
        if len(strings) != forms or not all(strings):
            found.append(f"plural forms: {sum(1 for s in strings if s)} of {forms} filled: {label}")
            continue
        for index, text in enumerate(strings):
            if not names(text) <= allowed:
                found.append(f"plural form {index} uses unknown {sorted(names(text) - allowed)}: {label}")
            elif error := format_error(text, allowed):
                found.append(f"plural form {index} broken ({error}): {label}")
        # The general form (used for most numbers) must say everything the source says.
        if names(strings[-1]) != names(wanted.id[1]):
            found.append(
                f"last plural form lacks {sorted(names(wanted.id[1]) - names(strings[-1]))}: {label}"
            )
    return found


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return extract()


def test_extraction_finds_the_text_of_code_templates_macros_and_mails(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert "Indiquez votre prénom." in ids  # _l() in a form
    assert "Choix de la langue" in ids  # a template
    assert "Un champ est à corriger\u00a0:" in ids  # ngettext in templates/_macros/
    assert "Bonjour %(name)s," in ids  # a mail
    assert "Pétition KLEEMA" in ids  # the SVG badge


def test_every_template_is_read_for_text():
    """A template that extraction skips keeps its words in French on every page."""
    sections = BABEL_CFG.read_text()
    kinds = {path.suffix for path in TEMPLATES.rglob("*") if path.is_file()}
    assert kinds, "no templates found"
    for kind in sorted(kinds):
        assert f"[jinja2: templates/**{kind}]" in sections, f"babel.cfg does not extract {kind} templates"


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_catalog_is_complete_and_sound(extracted, locale):
    assert (CATALOGS / locale / "LC_MESSAGES" / "messages.po").exists(), f"no catalog for {locale}"
    found = problems(extracted, read_catalog(locale))
    assert not found, (
        f"{len(found)} problem(s) in the {locale} catalog; run `bash scripts/translations update`, "
        "translate, then `bash scripts/translations compile`:\n" + "\n".join(found)
    )


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_compiled_catalog_matches_its_source(locale):
    catalog = read_catalog(locale)
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        # read_mo gives a message's context as bytes
        compiled = {
            (
                as_tuple(built.id),
                built.context.decode() if isinstance(built.context, bytes) else built.context,
            ): built
            for built in read_mo(mo)
        }
    stale = []
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        built = compiled.get((as_tuple(message.id), message.context))
        if built is None or as_tuple(built.string) != as_tuple(message.string):
            stale.append(message.id)
    assert not stale, (
        f"messages.mo is older than messages.po for {locale}: run `bash scripts/translations compile`"
    )


def test_the_check_catches_each_kind_of_mistake():
    source = Catalog(locale=SOURCE)
    source.add("Bonjour %(name)s,")
    source.add("Signer")
    source.add("Merci")
    source.add("Nouveau texte")
    source.add("À revoir")
    source.add("Objectif : %(num)s", None)
    source.add(("Un champ", "%(num)d champs"))
    source.add(("Une ligne", "%(num)d lignes"))

    arabic = Catalog(locale="ar")
    arabic.add("Bonjour %(name)s,", "مرحبًا %(nom)s،")  # renamed placeholder
    arabic.add("Signer", "")  # untranslated
    arabic.add("Merci", "100 % شكرًا")  # a stray % breaks formatting
    arabic.add("À revoir", "للمراجعة", flags=["fuzzy"])
    arabic.add("Objectif : %(num)s", "الهدف")  # placeholder dropped
    arabic.add(("Un champ", "%(num)d champs"), ("a", "b", "c"))  # 3 of 6 forms
    arabic.add(("Une ligne", "%(num)d lignes"), ("0", "1", "2", "%(n)d", "%(num)d", "%(num)d"))

    found = "\n".join(problems(source, arabic))
    for expected in (
        "placeholders ['nom'] instead of ['name']: 'Bonjour %(name)s,'",
        "untranslated: 'Signer'",
        "broken format",
        "missing: 'Nouveau texte'",
        "fuzzy (to review): 'À revoir'",
        "placeholders [] instead of ['num']: 'Objectif : %(num)s'",
        "plural forms: 3 of 6 filled: 'Un champ'",
        "plural form 3 uses unknown ['n']: 'Une ligne'",
    ):
        assert expected in found
    assert len(found.splitlines()) == 8
