"""The language people read (Indonesian first, English too) and how numbers and dates read in it.

The language of a request lives in a context variable: the HTTP layer sets it from
`Accept-Language`, then from the signed-in account's preference; mails and notifications set
it to their recipient's for as long as they are rendered. Messages are English msgids in the
code, translated through the gettext catalogs under `i18n/locales/` (compiled in memory when the
process starts, so there is no build step and nothing generated to keep in step).
"""

import gettext
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)
_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?")


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.GNUTranslations:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def supported(language: str | None) -> str | None:
    """The supported language `language` names (`en-US` → `en`), or None."""
    if not language:
        return None
    primary = language.split("-")[0].split("_")[0].strip().lower()
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The supported language a client prefers most (`Accept-Language`), else Indonesian."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for position, item in enumerate((accept_language or "").split(",")):
        match = _ACCEPT_ITEM.match(item)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        language = supported(match.group(1))
        # Equal weights keep the client's order: the first listed wins.
        if language is not None and quality > 0 and quality - position * 1e-6 > best_q:
            best, best_q = language, quality - position * 1e-6
    return best


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> Token[str]:
    return _language.set(supported(language) or DEFAULT_LANGUAGE)


def reset_language(token: Token[str]) -> None:
    _language.reset(token)


@contextmanager
def language(chosen: str | None) -> Iterator[str]:
    """Render in `chosen` (a recipient's preference) for the duration of the block."""
    token = set_language(chosen or DEFAULT_LANGUAGE)
    try:
        yield current_language()
    finally:
        _language.reset(token)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a message for extraction where it is defined; it is translated where it is used."""
    return message


def _(message: str, **params: Any) -> str:
    """`message` in the current language, with its `%(name)s` placeholders filled.

    An enum value among the parameters is shown by its label, never by its code.
    """
    translated = _translations(current_language()).gettext(message)
    return translated % readable(params) if params else translated


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    translated = _translations(current_language()).ngettext(singular, plural, n)
    return translated % readable({"n": n, **params})


def readable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _readable(value) for name, value in params.items()}


def _readable(value: Any) -> Any:
    if isinstance(value, Enum):
        from models.labels import label

        return label(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(_readable(v)) for v in value)
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_day(value)
    return value


# --- numbers and dates ---------------------------------------------------------------------


def format_money(amount: Decimal | int | float) -> str:
    """Rupiah without cents, grouped the local way: `Rp 250.000.000`."""
    return format_currency(
        amount, "IDR", format="¤ #,##0", currency_digits=False, locale=current_language()
    )


def format_number(value: Decimal | int | float) -> str:
    return format_decimal(value, locale=current_language())


def format_day(day: date) -> str:
    """`2 Desember 2026` (English: `2 December 2026`)."""
    return format_date(day, "d MMMM y", locale=current_language())


def format_moment(moment: datetime) -> str:
    """A moment in the city's time: `2 Desember 2026 13.05 WIB`."""
    from settings import city_zone

    local = moment.astimezone(city_zone())
    text = format_datetime(local, "d MMMM y HH.mm", locale=current_language())
    return f"{text} {local.tzname()}"
