"""Automatic Persisted Queries: a client sends the hash of a query instead of its text."""

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from settings import Settings
from tests.api import Api


def apq(query: str, version: int = 1) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def code(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


@pytest.fixture
def anonymous_only_persisted(api: Api) -> Iterator[None]:
    settings: Settings = api.client.app.state.settings  # type: ignore[attr-defined]
    settings.persisted_queries_only_for_anonymous = True
    yield
    settings.persisted_queries_only_for_anonymous = False


async def test_a_mobile_client_runs_a_query_by_hash(api: Api) -> None:
    query = "# mobile: catalogue\nquery($n: Int) { publicAgreements(first: $n) { totalCount } }"
    mobile = api.as_(None)
    unknown = (await mobile.post({"extensions": apq(query), "variables": {"n": 5}})).json()
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    assert code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert await api.count("persisted_queries") == 0

    registered = await mobile.post(
        {"query": query, "extensions": apq(query), "variables": {"n": 5}}
    )
    assert registered.json()["data"] == {"publicAgreements": {"totalCount": 0}}
    stored = await api.database.db.persisted_queries.find_one({})
    assert stored is not None
    assert stored["_id"] == apq(query)["persistedQuery"]["sha256Hash"]
    assert stored["query"] == query

    by_hash = await mobile.post({"extensions": apq(query), "variables": {"n": 5}})
    assert by_hash.json()["data"] == {"publicAgreements": {"totalCount": 0}}
    as_get = await api.client.get(
        "/graphql",
        params={"extensions": json.dumps(apq(query)), "variables": json.dumps({"n": 1})},
        headers={"Accept": "application/json"},
    )
    assert as_get.status_code == 200
    assert as_get.json()["data"] == {"publicAgreements": {"totalCount": 0}}


async def test_documents_are_shared_through_the_database(api: Api) -> None:
    """A document another API process stored is found here, though this one never saw it."""
    query = "# dashboard: stats\n{ publicStatistics { total } }"
    key = apq(query)["persistedQuery"]["sha256Hash"]
    await api.database.db.persisted_queries.insert_one(
        {"_id": key, "query": query, "registered_by": "someone", "registered_at": datetime.now(UTC)}
    )
    body = (await api.as_(None).post({"extensions": apq(query)})).json()
    assert body["data"] == {"publicStatistics": {"total": 0}}


async def test_a_wrong_hash_or_version_is_refused_and_nothing_runs(api: Api) -> None:
    query = '# wrong hash\nmutation { createOrgUnit(input: {code: "APQ", name: "APQ"}) { errors { code } } }'
    other = apq("{ viewer { id } }")
    mismatch = (await api.post({"query": query, "extensions": other})).json()
    assert code(mismatch) == "PERSISTED_QUERY_HASH_MISMATCH"
    unsupported = (await api.post({"query": query, "extensions": apq(query, version=2)})).json()
    assert code(unsupported) == "PERSISTED_QUERY_NOT_SUPPORTED"
    malformed = (
        await api.post({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}})
    ).json()
    assert code(malformed) == "BAD_USER_INPUT"
    assert await api.count("persisted_queries") == 0
    assert await api.count("org_units") == 0


async def test_anonymous_clients_may_be_held_to_registered_documents(
    api: Api, anonymous_only_persisted: None
) -> None:
    query = "# registered by the app's build\n{ procedures { title } }"
    anonymous = api.as_(None)
    plain = (await anonymous.post({"query": query})).json()
    assert code(plain) == "PERSISTED_QUERY_REQUIRED"
    # Sending the text does not register it for anonymous clients.
    assert code((await anonymous.post({"query": query, "extensions": apq(query)})).json()) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    assert await api.count("persisted_queries") == 0

    # A signed-in client (the app's release process) registers it; anyone may then run it.
    assert (await api.post({"query": query, "extensions": apq(query)})).json()["data"] == {
        "procedures": []
    }
    assert (await anonymous.post({"extensions": apq(query)})).json()["data"] == {"procedures": []}
    # Signed-in clients are not held to persisted documents.
    assert (await api.post({"query": "{ viewer { email } }"})).json()["data"]["viewer"]


async def test_documents_sent_anonymously_earlier_need_a_signed_in_client(
    api: Api, anonymous_only_persisted: None
) -> None:
    query = "# sent anonymously before the setting\n{ faq { totalCount } }"
    key = apq(query)["persistedQuery"]["sha256Hash"]
    await api.database.db.persisted_queries.insert_one(
        {
            "_id": key,
            "query": query,
            "registered_by": "anonymous",
            "registered_at": datetime.now(UTC),
        }
    )
    anonymous = api.as_(None)
    assert code((await anonymous.post({"extensions": apq(query)})).json()) == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    await api.post({"query": query, "extensions": apq(query)})
    stored = await api.database.db.persisted_queries.find_one({"_id": key})
    assert stored is not None
    assert stored["registered_by"] != "anonymous"
    assert (await anonymous.post({"extensions": apq(query)})).json()["data"] == {
        "faq": {"totalCount": 0}
    }
