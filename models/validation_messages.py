"""Pydantic's validation errors in the reader's language.

Pydantic words its messages in English; what a rule says is in the error's `type` and `ctx`
(`less_than_equal`, `{"le": 5}`). Each type we can meet gets its own message here, with the
context as named placeholders; any other type reads as a plain "invalid value".
"""

from datetime import date
from typing import Any

from i18n import N_, Money

MESSAGES = {
    "missing": N_("this field is required"),
    "string_too_short": N_("enter at least %(min_length)s characters"),
    "string_too_long": N_("enter at most %(max_length)s characters"),
    "too_short": N_("give at least %(min_length)s items"),
    "too_long": N_("give at most %(max_length)s items"),
    "less_than_equal": N_("must be at most %(le)s"),
    "less_than": N_("must be less than %(lt)s"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "greater_than": N_("must be greater than %(gt)s"),
    "string_pattern_mismatch": N_("does not have the expected form"),
    "string_type": N_("must be text"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "decimal_max_digits": N_("use at most %(max_digits)s digits"),
    "decimal_max_places": N_("use at most %(decimal_places)s decimal places"),
    "finite_number": N_("must be a finite number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "date_type": N_("must be a date"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "datetime_type": N_("must be a date and time"),
    "datetime_parsing": N_("must be a date and time"),
    "timezone_aware": N_("give the time with its UTC offset"),
    "url_type": N_("must be a web address"),
    "url_parsing": N_("must be a web address"),
    "url_scheme": N_("the web address must start with %(expected_schemes)s"),
    "enum": N_("must be one of %(expected)s"),
    "literal_error": N_("must be one of %(expected)s"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "extra_forbidden": N_("is not a known field"),
    "value_error": N_("is not a valid value"),
    "out_of_range": N_("must be between %(low)s and %(high)s"),
}
EMAIL = N_("is not a valid email address")
INVALID = N_("is not a valid value")


def message_of(item: Any) -> tuple[str, dict[str, Any]]:
    """The msgid and its parameters for one of pydantic's error items."""
    kind = item["type"]
    context = {k: v for k, v in (item.get("ctx") or {}).items() if k != "error"}
    if kind == "value_error" and "email address" in item.get("msg", ""):
        return EMAIL, {}
    if kind in {"string_too_short", "too_short"} and context.get("min_length") == 1:
        kind = "missing"  # an empty value is a missing one
    message = MESSAGES.get(kind)
    if message is None:
        return INVALID, {}
    return message, {k: _plain(v) for k, v in context.items()}


def _plain(value: Any) -> Any:
    # Pydantic gives choices as "'A', 'B' or 'C'"; the codes themselves are what clients send.
    # Dates and amounts stay values, for the message to write the reader's way.
    return value if isinstance(value, int | float | str | date | Money) else str(value)
