"""A small client for the tests: GraphQL over HTTP, uploads, and handy record makers."""

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from database import Database

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


ADMIN_EMAIL = "admin@kotabogor.example"
ADMIN_PASSWORD = "Kebun-Raya-1817-Bogor"


@dataclass
class Api:
    """Requests carry `token` (an access or API token) unless it is None (anonymous)."""

    client: httpx.AsyncClient
    database: Database
    commands: Any
    token: str | None = None
    counter: dict[str, int] = field(default_factory=dict)

    def as_(self, token: str | None) -> "Api":
        return Api(self.client, self.database, self.commands, token, self.counter)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.get(url, headers={**self.headers, **(headers or {})})

    async def post(
        self, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            "/graphql", json=body, headers={**self.headers, **(headers or {})}
        )

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post({"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        return response.json()

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run and expect no top-level errors."""
        body = await self.raw(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def mutate(self, name: str, selection: str, input: dict[str, Any]) -> dict[str, Any]:
        """Run `name(input:)` and return its payload (which has `errors`)."""
        op = f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ {selection} errors {{ field code message }} }} }}"
        return (await self.gql(op, {"input": input}))[name]

    async def ok(self, name: str, selection: str, input: dict[str, Any]) -> dict[str, Any]:
        payload = await self.mutate(name, selection, input)
        assert payload["errors"] == [], payload["errors"]
        return payload

    def _next(self, prefix: str) -> int:
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        return self.counter[prefix]

    async def org_unit(self, **fields: Any) -> dict[str, Any]:
        n = self._next("unit")
        data = {"code": f"OPD{n}", "name": f"Dinas Uji {n}", **fields}
        return (await self.ok("createOrgUnit", "orgUnit { id code name }", data))["orgUnit"]

    async def partner(self, **fields: Any) -> dict[str, Any]:
        n = self._next("partner")
        data = {"name": f"Mitra Uji {n}", "kind": "UNIVERSITY", **fields}
        return (await self.ok("createPartner", "partner { id name kind }", data))["partner"]

    async def agreement(self, **fields: Any) -> dict[str, Any]:
        n = self._next("agreement")
        if "partnerIds" not in fields:
            fields["partnerIds"] = [(await self.partner())["id"]]
        if "leadOrgUnitIds" not in fields:
            fields["leadOrgUnitIds"] = [(await self.org_unit())["id"]]
        data = {
            "number": f"119/{n:03d}-KS/2024",
            "title": f"Kerja sama uji {n}",
            "form": "KSB",
            "cooperationType": "KSDPK",
            **fields,
        }
        return (await self.ok("createAgreement", AGREEMENT_FIELDS, data))["agreement"]

    async def active(self, **fields: Any) -> dict[str, Any]:
        """A new agreement, signed in 2020 unless `fields` say otherwise, with its scan, ACTIVE."""
        dates = {"signedOn": "2020-01-01", "startsOn": "2020-01-01"}
        agreement = await self.agreement(**{**dates, **fields})
        await self.uploaded(agreement["id"])
        return await self.activated(agreement["id"])

    async def activated(self, agreement_id: str, signed_on: str | None = None) -> dict[str, Any]:
        """A draft made ACTIVE: `signed_on` recorded if given, then activation (its scan must
        be uploaded already)."""
        if signed_on is not None:
            await self.ok(
                "updateAgreement", "agreement { id }", {"id": agreement_id, "signedOn": signed_on}
            )
        payload = await self.ok(
            "activateAgreement", AGREEMENT_FIELDS, {"agreementId": agreement_id}
        )
        return payload["agreement"]

    async def upload(
        self,
        agreement_id: str,
        content: bytes = PDF,
        *,
        filename: str = "naskah.pdf",
        type: str = "SIGNED_KSB",
        title: str = "Naskah KSB",
        supersedes_id: str | None = None,
        content_type: str = "application/pdf",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        query = (
            "mutation($input: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $input) {"
            " document { id type title filename contentType size sha256 version isCurrent downloadUrl"
            " supersedes { id } } agreement { id revision documents { id } }"
            " errors { field code message } } }"
        )
        variables = {
            "input": {
                "agreementId": agreement_id,
                "type": type,
                "title": title,
                "file": None,
                "supersedesId": supersedes_id,
            }
        }
        data = {
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        }
        return await self.client.post(
            "/graphql",
            data=data,
            files={"0": (filename, content, content_type)},
            headers={
                **self.headers,
                **({"Apollo-Require-Preflight": "true"} if headers is None else headers),
            },
        )

    async def uploaded(self, agreement_id: str, content: bytes = PDF, **kw: Any) -> dict[str, Any]:
        response = await self.upload(agreement_id, content, **kw)
        assert response.status_code == 200, response.text
        payload = response.json()["data"]["uploadAgreementDocument"]
        assert payload["errors"] == [], payload["errors"]
        return payload

    async def login(self, email: str, password: str) -> dict[str, Any]:
        """Sign in; the payload (tokens and errors)."""
        return await self.mutate(
            "login",
            "accessToken refreshToken expiresIn retryAfterSeconds user { id email role }",
            {"email": email, "password": password},
        )

    async def signed_in(self, email: str, password: str) -> "Api":
        payload = await self.login(email, password)
        assert payload["errors"] == [], payload["errors"]
        return self.as_(payload["accessToken"])

    async def user(self, role: str, **fields: Any) -> tuple[dict[str, Any], "Api"]:
        """A new account of `role`, and a client signed in as it."""
        n = self._next("user")
        email = f"{role.lower()}{n}@kotabogor.example"
        password = f"Hujan-Sore-di-Bogor-{n}"
        data = {
            "email": email,
            "displayName": f"Pengguna {role} {n}",
            "role": role,
            "password": password,
            **fields,
        }
        created = await self.ok("createUser", "user { id email role }", data)
        return created["user"], await self.signed_in(email, password)

    async def count(self, collection: str, query: dict[str, Any] | None = None) -> int:
        return await self.database.db[collection].count_documents(query or {})


AGREEMENT_FIELDS = """agreement {
  id number title purpose scope field form cooperationType status visibility
  signedOn startsOn endsOn isExpiring fundingSource value archiveLocation revision
  partners { id name } leadOrgUnits { id name } parent { id number } children { id number }
  predecessor { id number } successor { id number }
  documents { id type title filename contentType size sha256 version isCurrent downloadUrl }
  amendments { id number title signedOn document { id } }
  chronology(first: 50) { totalCount nodes { id kind title description occurredAt recordedBy { id name } } }
}"""
