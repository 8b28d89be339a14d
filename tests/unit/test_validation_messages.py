"""Pydantic's validation errors as our own messages (models/validation_messages.py)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import pytest
from pydantic import BaseModel, EmailStr, Field, StringConstraints, ValidationError

import i18n
from models.validation_messages import INVALID, MESSAGES, message_of
from models.values import CalendarDate, Money


class Form(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=5)] = "a"
    code: Annotated[str, StringConstraints(min_length=3)] = "abc"
    score: int = Field(default=1, ge=1, le=5)
    tags: list[str] = Field(default=[], max_length=2)


def first_error(data: dict[str, object]) -> tuple[str, dict[str, object]]:
    with pytest.raises(ValidationError) as refused:
        Form.model_validate(data)
    return message_of(refused.value.errors()[0])


@pytest.mark.parametrize(
    ("data", "message", "params"),
    [
        ({"name": "abcdef"}, "enter at most %(max_length)s characters", {"max_length": 5}),
        ({"code": "ab"}, "enter at least %(min_length)s characters", {"min_length": 3}),
        ({"name": ""}, "this field is required", {"min_length": 1}),  # empty is missing
        ({"score": 6}, "must be at most %(le)s", {"le": 5}),
        ({"score": 0}, "must be at least %(ge)s", {"ge": 1}),
        ({"score": "lima"}, "must be a whole number", {}),
        ({"score": 1.5}, "must be a whole number", {}),
        ({"tags": ["a", "b", "c"]}, "give at most %(max_length)s items", {"max_length": 2}),
    ],
)
def test_each_error_type_reads_as_its_message_with_its_context(
    data: dict[str, object], message: str, params: dict[str, object]
) -> None:
    found, found_params = first_error(data)
    assert found == message
    assert {name: found_params[name] for name in params} == params


def test_an_unknown_error_type_is_a_plain_invalid_value() -> None:
    assert message_of({"type": "something_new", "ctx": {"x": 1}}) == (INVALID, {})


def test_the_placeholders_of_each_message_come_from_the_error_context() -> None:
    # Choices reach the reader as the codes themselves, not as Python lists.
    message, params = message_of({"type": "enum", "ctx": {"expected": "'A' or 'B'"}})
    assert (message, params) == (MESSAGES["enum"], {"expected": "'A' or 'B'"})
    message, params = message_of({"type": "less_than", "ctx": {"lt": [1, 2]}})
    assert params == {"lt": "[1, 2]"}


def test_every_message_is_distinct_from_the_fallback_unless_it_is_the_fallback() -> None:
    assert {kind for kind, text in MESSAGES.items() if text == INVALID} == {"value_error"}


class Record(BaseModel):
    value: Money = Decimal(0)
    signed_on: CalendarDate = date(2026, 1, 1)
    email: EmailStr = "a@kotabogor.example"


def rendered(data: dict[str, object]) -> str:
    """The message a reader gets (in English) for the first error of `data`."""
    with pytest.raises(ValidationError) as refused:
        Record.model_validate(data)
    message, params = message_of(refused.value.errors()[0])
    token = i18n.set_language("en")
    try:
        return i18n._(message, **params)
    finally:
        i18n.reset_language(token)


def test_a_bad_email_reads_as_one() -> None:
    assert rendered({"email": "bukan-email"}) == "is not a valid email address"


def test_an_amount_finer_than_a_sen_names_the_places_allowed() -> None:
    assert rendered({"value": "1.005"}) == "use at most 2 decimal places"


def test_an_amount_or_a_date_out_of_range_names_its_limits() -> None:
    assert rendered({"value": "-1"}) == "must be between IDR 0 and IDR 1,000,000,000,000,000"
    assert rendered({"signed_on": "1899-12-31"}) == (
        "must be between 1 January 1900 and 31 December 2199"
    )
