"""A minimal GraphQL client over HTTP, including the multipart upload request."""

import json
from typing import Any, BinaryIO

import httpx


class GraphQLError(RuntimeError):
    pass


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        return _data(response)

    async def mutate(self, query: str, name: str, input_: dict[str, Any]) -> dict[str, Any]:
        """Run a mutation taking `input:`; business-rule errors in the payload fail too."""
        payload: dict[str, Any] = (await self.execute(query, {"input": input_}))[name]
        if payload["errors"]:
            raise GraphQLError(f"{name}: {payload['errors']}")
        return payload

    async def upload(
        self,
        query: str,
        name: str,
        input_: dict[str, Any],
        file: tuple[str, bytes | BinaryIO, str],
    ) -> dict[str, Any]:
        """The GraphQL multipart request spec: operations, map, then the file part.

        An open file is streamed from disk by httpx in small blocks, never read whole.
        """
        operations = {"query": query, "variables": {"input": {**input_, "file": None}}}
        response = await self.client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.input.file"]}),
            },
            files={"0": file},
            # Without it the server refuses multipart requests (CSRF protection).
            headers={"Apollo-Require-Preflight": "1"},
        )
        payload: dict[str, Any] = _data(response)[name]
        if payload["errors"]:
            raise GraphQLError(f"{name}: {payload['errors']}")
        return payload


def _data(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise GraphQLError(f"HTTP {response.status_code}: {response.text[:500]}") from None
    if response.status_code != 200 or body.get("errors"):
        raise GraphQLError(f"HTTP {response.status_code}: {body.get('errors')}")
    data: dict[str, Any] = body["data"]
    return data
