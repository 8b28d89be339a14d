"""Passwords and secret tokens: how they are checked, made and stored (never in clear)."""

import hashlib
import hmac
import re
import secrets
from functools import cache

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from models.errors import DomainError, ErrorCode

# Argon2id profiles by their PASSWORD_HASHING name. A stored hash carries its own
# parameters, so changing the profile only changes the hashes made from then on (and sign-in
# rehashes old ones).
HASH_PROFILES: dict[str, Parameters] = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
_profile = "rfc9106-low-memory"
_hasher = PasswordHasher.from_parameters(HASH_PROFILES[_profile])
# zxcvbn scores 0-4; below 3 a password falls to an offline guessing attack quickly.
MIN_STRENGTH = 3
# Longer passphrases gain nothing and make every sign-in hash that much more work; zxcvbn
# itself refuses more than 72 characters, so it judges the first 72.
MAX_PASSWORD_LENGTH = 128
ZXCVBN_MAX_LENGTH = 72


def check_password_rules(password: str, min_length: int, hints: list[str]) -> None:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            ErrorCode.TOO_LONG,
            "the password may have at most %(most)s characters",
            "password",
            most=MAX_PASSWORD_LENGTH,
        )
    if len(password) < min_length:
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            "the password needs at least %(count)s characters",
            "password",
            count=min_length,
        )
    rest = password.casefold()
    for word in sorted(hints, key=len, reverse=True):
        rest = rest.replace(word.casefold(), "")
    if len(re.sub(r"[\W\d_]+", "", rest)) < 4:
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            "the password must not be built from your name or email",
            "password",
        )
    verdict = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=hints)
    if verdict["score"] < MIN_STRENGTH:
        # zxcvbn's own advice is English only: the reader gets the gist in their language.
        raise DomainError(
            ErrorCode.WEAK_PASSWORD,
            "choose a stronger password: this one is too common or too easy to guess",
            "password",
        )


def use_hashing(profile: str) -> None:
    """Hash new passwords with this profile from now on, in this process."""
    global _profile, _hasher
    _profile = profile
    _hasher = PasswordHasher.from_parameters(HASH_PROFILES[profile])


@cache
def _dummy_hash(profile: str) -> str:
    """Verified against when the email is unknown, so both failures take the same time. Made
    on first use: hashing at full cost would slow every process's start."""
    return PasswordHasher.from_parameters(HASH_PROFILES[profile]).hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        checked = password_hash or _dummy_hash(_profile)
        return _hasher.verify(checked, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(secret: str, stored: str) -> bool:
    return hmac.compare_digest(digest(secret), stored)
