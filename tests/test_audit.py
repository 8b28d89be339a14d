"""Every mutation leaves an audit entry — successful, refused, forbidden or unauthenticated."""

import json

from schema import Mutation
from schema.audit import AuditTrail
from tests.api import ADMIN_EMAIL, Api

ENTRIES = """query($f: AuditFilter) { auditLog(filter: $f, first: 100) { totalCount nodes {
  actorKind actorId actorName apiTokenId operation targetIds outcome errorCodes requestId clientAddress
  changes { target field before after } } } }"""


async def entries(api: Api, **flt: object) -> list[dict]:
    return (await api.gql(ENTRIES, {"f": flt}))["auditLog"]["nodes"]


def test_every_mutation_is_audited() -> None:
    fields = Mutation.__strawberry_definition__.fields  # type: ignore[attr-defined]
    assert len(fields) >= 20
    missing = [f.name for f in fields if not any(isinstance(e, AuditTrail) for e in f.extensions)]
    assert missing == []


async def test_success_records_before_and_after(api: Api) -> None:
    agreement = await api.agreement(scope="Lingkup lama")
    await api.ok(
        "updateAgreement", "agreement { id }", {"id": agreement["id"], "scope": "Lingkup baru"}
    )
    [entry] = await entries(api, operation="updateAgreement")
    assert entry["outcome"] == "SUCCESS"
    assert entry["actorKind"] == "user"
    assert entry["actorName"] == "Admin Bagian Kerja Sama"
    assert entry["clientAddress"]
    assert len(entry["requestId"]) == 32
    [target] = entry["targetIds"]
    assert target.startswith("Agreement:")
    scope = next(c for c in entry["changes"] if c["field"] == "scope")
    assert (scope["before"], scope["after"]) == ("Lingkup lama", "Lingkup baru")
    chronology = next(c for c in entry["changes"] if c["field"] == "chronology")
    assert chronology["after"]["added"][0]["kind"] == "UPDATED"
    by_target = await entries(api, targetId=target)
    assert {e["operation"] for e in by_target} == {"createAgreement", "updateAgreement"}


async def test_refused_forbidden_and_anonymous_attempts_are_recorded(api: Api) -> None:
    first = await api.agreement(number="DUP/1")
    duplicate = await api.mutate(
        "createAgreement",
        "agreement { id }",
        {
            "number": "DUP/1",
            "title": "x",
            "form": "KSB",
            "cooperationType": "KSDD",
            "partnerIds": [p["id"] for p in first["partners"]],
            "leadOrgUnitIds": [u["id"] for u in first["leadOrgUnits"]],
        },
    )
    assert duplicate["errors"][0]["code"] == "DUPLICATE"
    _, reviewer = await api.user("REVIEWER")
    await reviewer.raw(
        'mutation { createOrgUnit(input: {code: "R", name: "R"}) { errors { code } } }'
    )
    await api.as_(None).raw(
        'mutation { createOrgUnit(input: {code: "A", name: "A"}) { errors { code } } }'
    )

    refused = [
        e for e in await entries(api, operation="createAgreement") if e["outcome"] == "REFUSED"
    ]
    assert refused[0]["errorCodes"] == ["DUPLICATE"]
    assert refused[0]["changes"] == []
    forbidden = await entries(api, operation="createOrgUnit", outcome=["FORBIDDEN"])
    assert forbidden[0]["actorName"].startswith("Pengguna REVIEWER")
    anonymous = await entries(api, operation="createOrgUnit", outcome=["UNAUTHENTICATED"])
    assert anonymous[0]["actorKind"] == "anonymous"
    assert anonymous[0]["actorId"] is None


async def test_sign_ins_are_recorded_without_secrets(api: Api) -> None:
    await api.as_(None).login(ADMIN_EMAIL, "a-wrong-password!")
    user, _ = await api.user("EXECUTIVE")
    await api.ok(
        "resetPassword",
        "user { id }",
        {"userId": user["id"], "newPassword": "Batu-Tulis-Prasasti-1533"},
    )
    logins = await entries(api, operation="login")
    assert {e["outcome"] for e in logins} == {"SUCCESS", "REFUSED"}
    # A successful sign-in is recorded as the person who signed in; a failed one names nobody.
    signed_in = [e for e in logins if e["outcome"] == "SUCCESS"]
    assert {(e["actorKind"], e["actorName"]) for e in signed_in} == {
        ("user", "Admin Bagian Kerja Sama"),
        ("user", "Pengguna EXECUTIVE 1"),
    }
    assert all(e["actorId"] for e in signed_in)
    refused = [e for e in logins if e["outcome"] == "REFUSED"]
    assert [(e["actorKind"], e["actorName"]) for e in refused] == [("anonymous", "")]
    reset = (await entries(api, operation="resetPassword"))[0]
    password = next(c for c in reset["changes"] if c["field"] == "password_hash")
    assert password["before"] == password["after"] == "[redacted]"
    everything = json.dumps(await entries(api))
    assert "a-wrong-password!" not in everything
    assert "Batu-Tulis" not in everything
    assert "argon2" not in everything


async def test_api_token_actions_name_the_token(api: Api) -> None:
    created = await api.ok("createApiToken", "token apiToken { id }", {"name": "ETL"})
    await api.ok(
        "setApiTokenWrite", "apiToken { id }", {"id": created["apiToken"]["id"], "canWrite": True}
    )
    await api.as_(created["token"]).ok(
        "createOrgUnit", "orgUnit { id }", {"code": "ETL", "name": "ETL"}
    )
    [entry] = await entries(api, operation="createOrgUnit")
    assert entry["actorKind"] == "api_token"
    assert entry["apiTokenId"] == created["apiToken"]["id"]
