"""Helpers for the proposal tests: a cast of users, proposals driven to any status through
the real API, attachments over multipart, and a snapshot of what a refused call must leave."""

import base64
import json
from dataclasses import dataclass
from typing import Any

import httpx
from beanie import PydanticObjectId

from models import ApiToken, User
from models.credentials import digest, new_secret
from models.enums import Role
from tests.api import PDF, Api

PROPOSAL = """proposal {
  id trackingCode status revision editable title purpose scope benefits field cooperationType form
  durationMonths fundingSource estimatedValue submittedAt statusChangedAt ageInStateSeconds
  ageInStateDays rejectionReason createdBy { id name }
  partners { id name } orgUnit { id name } proposerPartner { id } proposerOrgUnit { id }
  attachments { id type title filename version isCurrent downloadUrl sha256 supersedes { id } }
  history { id fromStatus toStatus note recommendation actor { id name } at }
  missingForSubmission { field code message }
  agreement { id number status }
}"""

READY = {
    "purpose": "Meningkatkan layanan kesehatan ibu dan anak di Kota Bogor",
    "scope": "Pelatihan kader posyandu dan pendampingan puskesmas",
    "benefits": "Angka stunting turun",
    "field": "Kesehatan",
    "cooperationType": "KSDPK",
    "form": "KSB",
    "durationMonths": 60,
}

ATTACH_QUERY = (
    "mutation($input: UploadProposalAttachmentInput!) { uploadProposalAttachment(input: $input) {"
    " document { id type title filename version isCurrent downloadUrl sha256 supersedes { id } }"
    " proposal { id revision attachments { id } } errors { field code message } } }"
)


async def attach(
    client: Api,
    proposal_id: str,
    content: bytes = PDF,
    *,
    type: str = "REQUEST_LETTER",
    title: str = "Surat permohonan",
    filename: str = "surat.pdf",
    supersedes_id: str | None = None,
    idempotency_key: str | None = None,
) -> httpx.Response:
    variables = {
        "input": {
            "proposalId": proposal_id,
            "type": type,
            "title": title,
            "file": None,
            "supersedesId": supersedes_id,
            "idempotencyKey": idempotency_key,
        }
    }
    return await client.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": ATTACH_QUERY, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, content, "application/pdf")},
        headers={**client.headers, "Apollo-Require-Preflight": "true"},
    )


async def attached(client: Api, proposal_id: str, **kw: Any) -> dict[str, Any]:
    response = await attach(client, proposal_id, **kw)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["uploadProposalAttachment"]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def propose(client: Api, **fields: Any) -> dict[str, Any]:
    data = {"title": "Kerja sama penurunan stunting", **fields}
    return (await client.ok("createProposal", PROPOSAL, data))["proposal"]


async def move(client: Api, name: str, proposal_id: str, **extra: Any) -> dict[str, Any]:
    selection = "agreement { id } " + PROPOSAL if name == "approveProposal" else PROPOSAL
    return await client.mutate(name, selection, {"proposalId": proposal_id, **extra})


async def moved(client: Api, name: str, proposal_id: str, **extra: Any) -> dict[str, Any]:
    payload = await move(client, name, proposal_id, **extra)
    assert payload["errors"] == [], (name, payload["errors"])
    return payload["proposal"]


@dataclass
class Cast:
    admin: Api
    reviewer: Api
    executive: Api
    partner: Api  # a user of partner `p1` (verified: recorded by the ADMIN)
    other_partner: Api  # a user of partner `p2`
    officer: Api  # an officer of `unit`
    other_officer: Api  # an officer of `other_unit`
    anonymous: Api
    p1: dict[str, Any]
    p2: dict[str, Any]
    unit: dict[str, Any]
    other_unit: dict[str, Any]
    ids: dict[str, str]  # role name → the user's database id

    def client(self, role: str) -> Api:
        return {
            "ADMIN": self.admin,
            "REVIEWER": self.reviewer,
            "EXECUTIVE": self.executive,
            "PARTNER": self.partner,
            "OTHER_PARTNER": self.other_partner,
            "OFFICER": self.officer,
            "OTHER_OFFICER": self.other_officer,
            "ANONYMOUS": self.anonymous,
        }[role]


async def member(api: Api, role: str, *, can_write: bool = True, **links: Any) -> tuple[str, Api]:
    """A user of `role` and a client acting as it through a write-enabled API token. Made
    straight in the database, without password hashing: these tests are about proposals
    (sign-in has its own tests), and a dozen hashes per test would dominate their time."""
    n = api._next("member")
    user = User(
        email=f"{role.lower()}.{n}@kotabogor.example",
        display_name=f"{role.title()} {n}",
        role=Role(role),
        password_hash="!",  # no password: it cannot sign in with one
        **{name: PydanticObjectId(raw_id(value)) for name, value in links.items()},
    )
    await user.insert()
    secret = new_secret()
    token = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name="tests",
        token_hash=digest(secret),
        prefix=secret[:6],
        can_write=can_write,
    )
    await token.insert()
    return str(user.id), api.as_(f"skt_{token.id}_{secret}")


async def cast(api: Api) -> Cast:
    unit, other_unit = await api.org_unit(name="Dinas Kesehatan"), await api.org_unit()
    p1, p2 = await api.partner(name="IPB University"), await api.partner()
    ids: dict[str, str] = {}
    clients: dict[str, Api] = {}
    for name, role, links in [
        ("REVIEWER", "REVIEWER", {}),
        ("EXECUTIVE", "EXECUTIVE", {}),
        ("PARTNER", "PARTNER", {"partner_id": p1["id"]}),
        ("OTHER_PARTNER", "PARTNER", {"partner_id": p2["id"]}),
        ("OFFICER", "OFFICER", {"org_unit_id": unit["id"]}),
        ("OTHER_OFFICER", "OFFICER", {"org_unit_id": other_unit["id"]}),
    ]:
        ids[name], clients[name] = await member(api, role, **links)
    admin = await stored(api, "users", {"role": "ADMIN"})
    ids["ADMIN"] = str(admin["_id"])
    return Cast(
        admin=api,
        reviewer=clients["REVIEWER"],
        executive=clients["EXECUTIVE"],
        partner=clients["PARTNER"],
        other_partner=clients["OTHER_PARTNER"],
        officer=clients["OFFICER"],
        other_officer=clients["OTHER_OFFICER"],
        anonymous=api.as_(None),
        p1=p1,
        p2=p2,
        unit=unit,
        other_unit=other_unit,
        ids=ids,
    )


def gid(type_name: str, raw: str) -> str:
    return base64.b64encode(f"{type_name}:{raw}".encode()).decode()


def raw_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def ready(c: Cast, proposer: str = "PARTNER", **fields: Any) -> dict[str, Any]:
    """A DRAFT with everything a submission needs."""
    client = c.client(proposer)
    data = {**READY, **fields}
    if proposer.endswith("PARTNER"):
        data.setdefault("orgUnitId", c.unit["id"])
    else:
        data.setdefault("partnerIds", [c.p1["id"]])
    proposal = await propose(client, **data)
    await attached(client, proposal["id"], type="REQUEST_LETTER", title="Surat permohonan")
    await attached(client, proposal["id"], type="TOR", title="Kerangka acuan kerja")
    return await fetch(client, proposal["id"])


async def fetch(client: Api, proposal_id: str) -> dict[str, Any]:
    query = "query($id: ID!) { " + PROPOSAL.replace("proposal {", "proposal(id: $id) {", 1) + " }"
    return (await client.gql(query, {"id": proposal_id}))["proposal"]


async def reach(c: Cast, status: str, proposer: str = "PARTNER", **fields: Any) -> dict[str, Any]:
    """A proposal driven to `status` through the real moves."""
    client = c.client(proposer)
    proposal = await ready(c, proposer, **fields)
    pid = proposal["id"]
    if status == "DRAFT":
        return proposal
    if status == "WITHDRAWN":
        return await moved(client, "withdrawProposal", pid)
    proposal = await moved(client, "submitProposal", pid)
    if status == "SUBMITTED":
        return proposal
    if status == "REJECTED":
        return await moved(c.admin, "rejectProposal", pid, reason="Tidak sesuai RPJMD")
    if status == "REVISION_REQUESTED":
        return await moved(c.admin, "requestProposalRevision", pid, note="Lengkapi anggaran")
    proposal = await moved(c.admin, "verifyProposal", pid)
    if status == "VERIFIED":
        return proposal
    proposal = await moved(
        c.reviewer,
        "recordProposalReview",
        pid,
        note="Selaras dengan prioritas daerah",
        recommendation="APPROVE",
    )
    if status == "IN_REVIEW":
        return proposal
    assert status == "APPROVED", status
    return await moved(c.admin, "approveProposal", pid)


async def snapshot(api: Api) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    db = api.database.db
    state: dict[str, Any] = {}
    for name in (
        "proposals",
        "agreements",
        "partners",
        "users",
        "files.files",
        "counters",
        "notifications",
    ):
        rows = await db[name].find({}, {"revision": 1, "updated_at": 1, "value": 1}).to_list()
        state[name] = sorted(
            (str(r["_id"]), r.get("revision"), str(r.get("updated_at")), r.get("value"))
            for r in rows
        )
    return state


async def stored(api: Api, collection: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one stored row that matches (it must exist)."""
    row = await api.database.db[collection].find_one(query or {})
    assert row is not None, (collection, query)
    return dict(row)


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def top_code(body: dict[str, Any]) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None
