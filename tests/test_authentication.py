"""Each API request's credentials are checked once, by the authentication layer; the rate
limit, the upload guard, the resolvers and the routes all take the viewer it found."""

from typing import Any

import pytest

from resolvers import auth
from tests.api import Api


async def test_each_request_is_authenticated_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str | None] = []
    authenticate = auth.authenticate

    async def counted(header: str | None, *args: Any) -> Any:
        checked.append(header)
        return await authenticate(header, *args)

    monkeypatch.setattr(auth, "authenticate", counted)
    agreement = await api.agreement()
    checked.clear()
    document = (await api.uploaded(agreement["id"]))["document"]
    assert len(checked) == 1
    for request in (
        api.gql("{ viewer { id } }"),
        api.get(document["downloadUrl"]),
        api.get("/exports/agreements.csv"),
        api.get(f"/dossiers/{agreement['id']}.zip"),
    ):
        checked.clear()
        await request
        assert checked == [f"Bearer {api.token}"]
    # The web app's files and the health check act for nobody.
    checked.clear()
    await api.get("/healthz")
    assert checked == []
