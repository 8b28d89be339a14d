"""Signing in, tokens and their refusal, throttling, API tokens and the first admin."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from tests.api import ADMIN_EMAIL, ADMIN_PASSWORD, Api

ROOT = Path(__file__).resolve().parent.parent
VIEWER = "{ viewer { email role } }"
LIST = "{ agreements { totalCount } }"


REFRESH = "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken } }"


async def _refresh_error(api: Api, token: str) -> str:
    body = await api.raw(REFRESH, {"t": token})
    assert body["data"] is None or body["data"]["refreshToken"] is None
    return str(body["errors"][0]["extensions"]["code"])


async def _code(api: Api, query: str = LIST) -> str | None:
    body = await api.raw(query)
    return body["errors"][0]["extensions"]["code"] if "errors" in body else None


async def test_login_viewer_and_the_same_error_for_unknown_email(api: Api) -> None:
    assert (await api.gql(VIEWER))["viewer"] == {"email": ADMIN_EMAIL, "role": "ADMIN"}
    anonymous = api.as_(None)
    assert (await anonymous.gql(VIEWER))["viewer"] is None
    assert await _code(anonymous) == "UNAUTHENTICATED"

    wrong = await anonymous.login(ADMIN_EMAIL.upper(), "not-the-password")
    unknown = await anonymous.login("nobody@kotabogor.example", ADMIN_PASSWORD)
    assert (
        wrong["errors"]
        == unknown["errors"]
        == [
            {
                "field": None,
                "code": "INVALID_CREDENTIALS",
                "message": "email atau kata sandi salah",
            }
        ]
    )
    again = await anonymous.login(ADMIN_EMAIL.upper(), ADMIN_PASSWORD)
    assert again["errors"] == []
    assert again["expiresIn"] == 15 * 60


async def test_expired_tampered_and_foreign_tokens_are_refused(api: Api) -> None:
    key = api.client.app.state.signing_key  # type: ignore[attr-defined]
    claims = jwt.decode(api.token, key, algorithms=["HS256"])  # type: ignore[arg-type]
    expired = jwt.encode(
        {**claims, "exp": datetime.now(UTC) - timedelta(seconds=5)}, key, algorithm="HS256"
    )
    forged = jwt.encode(claims, "another-key-of-sufficient-length-123", algorithm="HS256")
    assert api.token is not None
    tampered = api.token[:-3] + ("AAA" if not api.token.endswith("AAA") else "BBB")
    for token in (expired, forged, tampered, "garbage", "skt_nope_nope"):
        body = await api.as_(token).raw(LIST)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", token
    expired_body = await api.as_(expired).raw(LIST)
    assert "kedaluwarsa" in expired_body["errors"][0]["message"]


async def test_an_api_token_has_no_session_to_log_out(api: Api) -> None:
    token = await api.ok("createApiToken", "token", {"name": "Skrip"})
    out = await api.as_(token["token"]).mutate("logout", "ok", {})
    assert (out["ok"], [e["code"] for e in out["errors"]]) == (False, ["INVALID"])


async def test_logout_revokes_at_once(api: Api) -> None:
    anonymous = api.as_(None)
    session = await anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    client = api.as_(session["accessToken"])
    assert await _code(client) is None
    out = await client.mutate("logout", "ok", {})
    assert out == {"ok": True, "errors": []}
    assert await _code(client) == "UNAUTHENTICATED"
    assert await _refresh_error(anonymous, session["refreshToken"]) == "UNAUTHENTICATED"
    assert await _code(api) is None  # the other session goes on


async def test_refresh_rotates_and_reuse_revokes_the_session(api: Api) -> None:
    anonymous = api.as_(None)
    first = await anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    second = await anonymous.ok(
        "refreshToken",
        "accessToken refreshToken user { email }",
        {"refreshToken": first["refreshToken"]},
    )
    assert second["refreshToken"] != first["refreshToken"]
    assert await _code(api.as_(second["accessToken"])) is None

    reused = await anonymous.raw(REFRESH, {"t": first["refreshToken"]})
    assert reused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "sudah pernah dipakai" in reused["errors"][0]["message"]
    # The thief's copy and the owner's newest token both die with the session.
    assert await _refresh_error(anonymous, second["refreshToken"]) == "UNAUTHENTICATED"
    assert await _code(api.as_(second["accessToken"])) == "UNAUTHENTICATED"


async def test_deactivated_user_is_refused_at_once(api: Api) -> None:
    user, officer_api = await api.user("EXECUTIVE")
    token = (await officer_api.ok("createApiToken", "token", {"name": "notebook"}))["token"]
    assert await _code(officer_api) is None
    assert await _code(api.as_(token)) is None
    await api.ok("updateUser", "user { active }", {"id": user["id"], "active": False})
    assert await _code(officer_api) == "UNAUTHENTICATED"
    assert await _code(api.as_(token)) == "UNAUTHENTICATED"
    login = await api.as_(None).login(user["email"], "Hujan-Sore-di-Bogor-1")
    assert login["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_throttling_kicks_in_and_lifts(api: Api) -> None:
    anonymous = api.as_(None)
    for _ in range(5):
        failed = await anonymous.login(ADMIN_EMAIL, "wrong-password-!")
        assert failed["errors"][0]["code"] == "INVALID_CREDENTIALS"
    blocked = await anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert blocked["errors"][0]["code"] == "RATE_LIMITED"
    assert blocked["accessToken"] is None
    assert blocked["retryAfterSeconds"] >= 1
    await asyncio.sleep(blocked["retryAfterSeconds"] + 0.2)
    lifted = await anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert lifted["errors"] == []
    # Success resets the account's count: one more failure does not block again.
    await anonymous.login(ADMIN_EMAIL, "wrong-password-!")
    assert (await anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD))["errors"] == []


async def test_api_tokens_are_read_only_until_granted_and_revocable(api: Api) -> None:
    created = await api.ok(
        "createApiToken",
        "token apiToken { id name prefix canWrite lastUsedAt }",
        {"name": "Jupyter"},
    )
    token = created["token"]
    assert token.startswith("skt_")
    assert created["apiToken"]["canWrite"] is False
    machine = api.as_(token)
    assert (await machine.gql(VIEWER))["viewer"]["email"] == ADMIN_EMAIL
    refused = await machine.raw(
        'mutation { createOrgUnit(input: {code: "X", name: "X"}) { errors { code } } }'
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await api.count("org_units") == 0
    minted = await machine.raw('mutation { createApiToken(input: {name: "more"}) { token } }')
    assert minted["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    token_id = created["apiToken"]["id"]
    await api.ok("setApiTokenWrite", "apiToken { canWrite }", {"id": token_id, "canWrite": True})
    await machine.ok("createOrgUnit", "orgUnit { id }", {"code": "X", "name": "X"})
    mine = await api.gql("{ viewer { apiTokens { name canWrite lastUsedAt revokedAt } } }")
    [listed] = mine["viewer"]["apiTokens"]
    assert listed["lastUsedAt"] is not None
    assert listed["canWrite"] is True
    await api.ok("revokeApiToken", "apiToken { revokedAt }", {"id": token_id})
    assert await _code(machine, VIEWER) is None  # viewer is open to anyone: null
    assert (await machine.gql(VIEWER))["viewer"] is None
    assert await _code(machine) == "UNAUTHENTICATED"


async def test_password_rules(api: Api) -> None:
    weak = {"email": "baru@kotabogor.example", "displayName": "Baru", "role": "REVIEWER"}
    short = await api.mutate("createUser", "user { id }", {**weak, "password": "Ab1!"})
    assert short["errors"][0]["code"] == "WEAK_PASSWORD"
    common = await api.mutate("createUser", "user { id }", {**weak, "password": "password1234"})
    assert common["errors"][0]["code"] == "WEAK_PASSWORD"
    own = await api.mutate(
        "createUser", "user { id }", {**weak, "password": "baru@kotabogor.example"}
    )
    assert own["errors"][0]["code"] == "WEAK_PASSWORD"
    assert await api.count("users") == 1


async def test_change_and_reset_password(api: Api) -> None:
    user, reviewer = await api.user("REVIEWER")
    wrong = await reviewer.mutate(
        "changePassword",
        "user { id }",
        {"currentPassword": "nope", "newPassword": "Kujang-Emas-Pajajaran"},
    )
    assert wrong["errors"][0]["code"] == "INVALID_CREDENTIALS"
    await reviewer.ok(
        "changePassword",
        "user { id }",
        {"currentPassword": "Hujan-Sore-di-Bogor-1", "newPassword": "Kujang-Emas-Pajajaran"},
    )
    assert await _code(reviewer) is None  # the session that changed it goes on
    await api.ok(
        "resetPassword",
        "user { id }",
        {"userId": user["id"], "newPassword": "Batu-Tulis-Prasasti-1533"},
    )
    assert await _code(reviewer) == "UNAUTHENTICATED"
    assert (await api.as_(None).login(user["email"], "Batu-Tulis-Prasasti-1533"))["errors"] == []


async def test_user_links_follow_the_role(api: Api) -> None:
    base = {"email": "x@kotabogor.example", "displayName": "X", "password": "Kujang-Emas-Pajajaran"}
    officer = await api.mutate("createUser", "user { id }", {**base, "role": "OFFICER"})
    assert officer["errors"] == [
        {
            "field": "orgUnitId",
            "code": "REQUIRED",
            "message": "petugas perangkat daerah harus terhubung dengan perangkat daerah",
        }
    ]
    unit = await api.org_unit()
    admin_with_unit = await api.mutate(
        "createUser", "user { id }", {**base, "role": "ADMIN", "orgUnitId": unit["id"]}
    )
    assert admin_with_unit["errors"][0]["field"] == "orgUnitId"
    me = (await api.gql("{ viewer { id } }"))["viewer"]["id"]
    demote = await api.mutate("updateUser", "user { id }", {"id": me, "role": "REVIEWER"})
    assert demote["errors"][0]["code"] == "INVALID"


def test_first_admin_from_the_command_line(tmp_path: Path, database_uri: str) -> None:
    env = {
        **os.environ,
        "MONGODB_URI": database_uri,
        "DATABASE_NAME": "sikerma_cli_test",
        "NEW_USER_PASSWORD": "Tegar-Beriman-Kota-Hujan",
    }
    command = [
        sys.executable,
        "cli.py",
        "create-user",
        "--email",
        "Kepala@KotaBogor.example",
        "--role",
        "ADMIN",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "created ADMIN kepala@kotabogor.example" in done.stdout
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert "sudah dipakai" in again.stderr
    weak = subprocess.run(
        [*command[:4], "other@kotabogor.example", *command[5:]],
        cwd=ROOT,
        env={**env, "NEW_USER_PASSWORD": "short"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert weak.returncode == 1
