"""The password rules (models/credentials.py `check_password_rules`)."""

import pytest

from models.credentials import MAX_PASSWORD_LENGTH, check_password_rules
from models.errors import DomainError, ErrorCode
from resolvers.passwords import words_of

STRONG = "kopi-talas-hujan-Bogor-93"
# As the resolvers give them: the email and the name, whole and in their parts.
HINTS = words_of("siti.rahma@kotabogor.go.id", "Siti Rahmawati")


def refusal(password: str, min_length: int = 12, hints: list[str] = HINTS) -> DomainError:
    with pytest.raises(DomainError) as refused:
        check_password_rules(password, min_length, hints)
    assert refused.value.field == "password"
    return refused.value


def test_a_strong_password_passes() -> None:
    check_password_rules(STRONG, 12, HINTS)


@pytest.mark.parametrize(
    ("length", "passes"), [(MAX_PASSWORD_LENGTH, True), (MAX_PASSWORD_LENGTH + 1, False)]
)
def test_at_most_128_characters(length: int, passes: bool) -> None:
    password = (STRONG * 10)[:length]
    if passes:
        check_password_rules(password, 12, HINTS)
        return
    error = refusal(password)
    assert (error.code, error.params) == (ErrorCode.TOO_LONG, {"most": MAX_PASSWORD_LENGTH})


@pytest.mark.parametrize(("min_length", "passes"), [(len(STRONG), True), (len(STRONG) + 1, False)])
def test_at_least_the_minimum_length(min_length: int, passes: bool) -> None:
    if passes:
        check_password_rules(STRONG, min_length, HINTS)
        return
    error = refusal(STRONG, min_length)
    assert (error.code, error.params) == (ErrorCode.WEAK_PASSWORD, {"count": min_length})


@pytest.mark.parametrize(
    "password",
    [
        "SitiRahmawati2026!",  # the name and digits
        "siti.rahma@kotabogor.go.id",  # the email itself
        "RAHMAWATI-siti-1234",  # the name in other case and order
        "Rahma-Siti-xyz!",  # three letters left besides the hints
    ],
)
def test_a_password_built_from_the_name_or_email_is_weak(password: str) -> None:
    error = refusal(password)
    assert error.code == ErrorCode.WEAK_PASSWORD
    assert error.msgid == "the password must not be built from your name or email"


@pytest.mark.parametrize("password", ["passwordpassword", "qwertyuiopasdf", "password1234567"])
def test_a_common_or_guessable_password_is_weak(password: str) -> None:
    error = refusal(password)
    assert error.code == ErrorCode.WEAK_PASSWORD
    assert error.msgid.startswith("choose a stronger password")
