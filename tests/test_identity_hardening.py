"""Passwords built from the city's own words, API tokens after a password reset, forwarded
addresses, and a lock-out that an attacker elsewhere cannot cause."""

from collections.abc import AsyncIterator

import httpx
import pytest
from beanie import init_beanie

from demo_data import DEMO_USERS
from lifespan import UnsafeForProduction
from models import DOCUMENT_MODELS, User
from models.credentials import use_hashing
from models.enums import Role
from server import create_app
from settings import Settings
from tests.api import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from tests.conftest import TEST_DATABASE

REGISTRATION = {
    "name": "Yayasan Lestari Ciliwung",
    "kind": "NGO",
    "contactName": "Dewi Lestari",
    "email": "dewi@ciliwung.example",
}


@pytest.mark.parametrize("password", ["sikerma2026", "kotabogor123", "Kerjasama1!"])
async def test_passwords_from_the_citys_words_are_refused(api: Api, password: str) -> None:
    payload = await api.as_(None).mutate(
        "registerPartner", "user { id }", {**REGISTRATION, "password": password}
    )
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("password", "WEAK_PASSWORD")]
    assert await api.count("users", {"email": REGISTRATION["email"]}) == 0


async def test_a_unit_name_is_a_weak_password_for_its_officers(api: Api) -> None:
    unit = await api.org_unit(name="Dinas Pariwisata")
    payload = await api.mutate(
        "createUser",
        "user { id }",
        {
            "email": "petugas@kotabogor.example",
            "displayName": "Petugas",
            "role": "OFFICER",
            "orgUnitId": unit["id"],
            "password": "DinasPariwisata2026",
        },
    )
    assert [e["code"] for e in payload["errors"]] == ["WEAK_PASSWORD"]


async def test_a_password_reset_revokes_the_users_api_tokens(api: Api) -> None:
    user, reviewer = await api.user("REVIEWER")
    created = await reviewer.ok("createApiToken", "token", {"name": "skrip"})
    machine = api.as_(created["token"])
    assert (await machine.gql("{ viewer { email } }"))["viewer"]["email"] == user["email"]
    await api.ok(
        "resetPassword", "user { id }", {"userId": user["id"], "newPassword": "Batu-Tulis-1533-Ok"}
    )
    assert (await machine.gql("{ viewer { email } }"))["viewer"] is None


async def audit_addresses(api: Api) -> list[str | None]:
    data = await api.gql("{ auditLog(first: 5) { nodes { operation clientAddress } } }")
    return [n["clientAddress"] for n in data["auditLog"]["nodes"]]


async def test_forwarded_for_is_ignored_from_an_untrusted_client(api: Api) -> None:
    await api.post(
        {
            "query": 'mutation { createOrgUnit(input: {code: "F1", name: "F1"}) { errors { code } } }'
        },
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert "203.0.113.9" not in await audit_addresses(api)


async def test_an_attacker_elsewhere_cannot_lock_the_owner_out(api: Api) -> None:
    attacker = api.as_(None)
    for _ in range(8):
        failed = await attacker.login(ADMIN_EMAIL, "wrong-password-!")
        assert failed["errors"][0]["code"] in {"INVALID_CREDENTIALS", "RATE_LIMITED"}
    # The owner signs in from another address.
    app = api.client.app  # type: ignore[attr-defined]
    elsewhere = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=elsewhere, base_url="http://test") as client:
        owner = await Api(client, api.database, api.commands).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert owner["errors"] == []


# --- production mode -------------------------------------------------------------------------


@pytest.fixture
async def second_app(api: Api, settings: Settings) -> AsyncIterator[None]:
    """Starting another app binds the documents to its database client, which its shutdown
    closes, and sets the process's password hashing: give both back to the suite's after."""
    yield
    await init_beanie(database=api.database.db, document_models=DOCUMENT_MODELS)
    use_hashing(settings.password_hashing)


def production(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(
        update={
            "environment": "production",
            "database_name": "sikerma_production",
            "password_hashing": "rfc9106-low-memory",
            **changes,
        }
    )


async def test_production_refuses_to_start_without_a_signing_key(settings: Settings) -> None:
    with pytest.raises(UnsafeForProduction, match="JWT_SECRET"):
        create_app(production(settings, jwt_secret=""))
    with pytest.raises(UnsafeForProduction, match="PASSWORD_HASHING"):
        create_app(production(settings, jwt_secret="s" * 40, password_hashing="cheapest"))
    with pytest.raises(UnsafeForProduction, match="demo"):
        create_app(production(settings, jwt_secret="s" * 40), load_demo=True)


async def test_production_refuses_to_start_with_the_demo_accounts(
    api: Api, settings: Settings, second_app: None
) -> None:
    demo = DEMO_USERS[0]
    await User(
        email=demo["email"], display_name="Demo", role=Role.ADMIN, password_hash="!"
    ).insert()
    app = create_app(production(settings, jwt_secret="s" * 40, database_name=TEST_DATABASE))
    with pytest.raises(UnsafeForProduction, match="demo accounts"):
        async with app.router.lifespan_context(app):
            pass


async def test_production_hides_introspection_and_graphiql(
    settings: Settings, second_app: None
) -> None:
    app = create_app(production(settings, jwt_secret="s" * 40))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = (
                await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
            ).json()
            assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            assert "introspection" in body["errors"][0]["message"].lower()
            page = await client.get("/graphql", headers={"Accept": "text/html"})
            assert page.status_code == 404
            assert "graphiql" not in page.text.lower()
            # The API itself answers.
            ok = await client.post("/graphql", json={"query": "{ __typename }"})
            assert ok.json() == {"data": {"__typename": "Query"}} or "data" in ok.json()
