"""Keeping the gettext catalogs in step with the code (Babel's extraction and merge).

`python cli.py update-catalogs` extracts every message of the code into the Indonesian and
English catalogs: new messages arrive with an empty translation (the English one starts as a
copy of the msgid, which is English), messages gone from the code are dropped. A test runs
the same extraction and fails while any message lacks a translation in either catalog.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from i18n import LANGUAGES, catalog_path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = Path(__file__).with_name("babel.cfg")
# The calls whose argument is a message: gettext's own, and the errors that take a msgid.
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "DomainError": (2,),
    "ApiError": (2,),
}


def extract() -> Catalog:
    """Every message in the code, with where it is used."""
    with MAPPING.open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="sikerma", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
            flags=("python-format",) if _has_placeholder(message) else (),
        )
    return catalog


def _has_placeholder(message: str | tuple[str, ...]) -> bool:
    texts = message if isinstance(message, tuple) else (message,)
    return any("%(" in text for text in texts)


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def untranslated(template: Catalog, language: str) -> list[str]:
    """The messages of `template` that `language`'s catalog lacks or leaves empty or fuzzy."""
    catalog = read(language)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found is not None else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(texts):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> dict[str, int]:
    """Merge the code's messages into each catalog; the number still untranslated in each."""
    template = extract()
    counts = {}
    for language in LANGUAGES:
        path = catalog_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read(language) if path.exists() else Catalog(locale=language, fuzzy=False)
        # No fuzzy matching: a guessed translation of a different message is worse than none.
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        with path.open("wb") as po:
            write_po(po, catalog, width=100, omit_header=False, sort_output=False)
        counts[language] = len(untranslated(template, language))
    return counts
