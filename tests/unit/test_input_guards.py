"""The two rules every input value keeps, checked on plain values (schema/input_guards.py)."""

import pytest
from graphql import GraphQLError

from models.errors import ErrorCode
from schema.input_guards import check_value

LIMIT = 3


def refusal(value: object) -> tuple[str, str]:
    with pytest.raises(GraphQLError) as refused:
        check_value(value, "variables", LIMIT)
    extensions = refused.value.extensions or {}
    return extensions["code"], extensions["field"]


@pytest.mark.parametrize(
    "text",
    [
        "Kerja sama\tdaerah\r\nKota Bogor",  # tab and line breaks are text
        "Perjanjian — Kesepakatan «Bersama» 合作",
        "\u200b zero width is not an override",
        "",
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    check_value({"input": {"title": text}}, "variables", LIMIT)


@pytest.mark.parametrize(
    "character",
    [
        "\x00",
        "\x08",
        "\x0b",
        "\x0c",
        "\x0e",
        "\x1f",
        "\x7f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
    ],
)
def test_control_and_bidirectional_override_characters_are_refused(character: str) -> None:
    code, field = refusal({"input": {"titles": ["ok", f"judul{character}"]}})
    assert (code, field) == (ErrorCode.INVALID_CHARACTERS.value, "variables.input.titles.1")


@pytest.mark.parametrize("character", ["\x09", "\x0a", "\x0d", "\x80", "\u2029", "\u206a"])
def test_neighbours_of_the_forbidden_ranges_pass(character: str) -> None:
    check_value(f"a{character}b", "variables", LIMIT)


def test_a_list_may_hold_up_to_the_limit() -> None:
    check_value({"ids": ["a"] * LIMIT, "nested": [[1] * LIMIT] * LIMIT}, "variables", LIMIT)


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"ids": ["a"] * (LIMIT + 1)}, "variables.ids"),
        ({"input": {"rows": [[1], [1] * (LIMIT + 1)]}}, "variables.input.rows.1"),
    ],
)
def test_a_longer_list_is_refused_wherever_it_is(value: object, field: str) -> None:
    assert refusal(value) == (ErrorCode.TOO_MANY_ITEMS.value, field)


def test_other_values_are_not_text_and_pass() -> None:
    check_value({"n": 5, "flag": True, "none": None, "x": 1.5}, "variables", LIMIT)
