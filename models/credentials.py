"""Passwords and secret tokens: how they are checked, made and stored (never in clear)."""

import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from models.errors import DomainError, ErrorCode

# Argon2id with the library's defaults (RFC 9106's low-memory profile).
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
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


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
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
