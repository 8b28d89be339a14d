"""What a hostile client sends gets a coded answer, never INTERNAL_ERROR and never an internal
detail, and changes nothing."""

import json
from typing import Any

import pytest

from tests.api import Api
from tests.proposals import snapshot

CREATE = "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } errors { field code message } } }"


def only_code(body: dict[str, Any]) -> str:
    """The one error's code; every error carries one."""
    errors = body["errors"]
    assert all("code" in e.get("extensions", {}) for e in errors), errors
    return str(errors[0]["extensions"]["code"])


async def test_an_error_outside_a_field_is_masked(api: Api) -> None:
    # A lone surrogate cannot be encoded: the persisted-query store fails while hashing it.
    body = (
        '{"query": "{ __typename } # \\ud800", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "'
        + "a" * 64
        + '"}}}'
    )
    response = await api.client.post(
        "/graphql", content=body, headers={**api.headers, "Content-Type": "application/json"}
    )
    assert response.status_code < 500
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert "codec" not in errors[0]["message"]
    assert "surrogate" not in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert errors[0]["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_a_huge_list_in_a_filter_is_refused_before_any_work(api: Api) -> None:
    statuses = ["ACTIVE"] * 200_000
    body = await api.raw(
        "query($s: [AgreementStatus!]) { agreements(filter: {status: $s}) { totalCount } }",
        {"s": statuses},
    )
    assert only_code(body) == "TOO_MANY_ITEMS"
    assert "variables.s" in body["errors"][0]["message"] or body["errors"][0]["extensions"].get(
        "field"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1" * 50, "OUT_OF_RANGE"),
        ("1E+400", "OUT_OF_RANGE"),
        ("12.345", "INVALID"),
        ("-5", "OUT_OF_RANGE"),
    ],
)
async def test_unreasonable_money_is_a_coded_error(api: Api, value: str, code: str) -> None:
    partner, unit = await api.partner(), await api.org_unit()
    before = await snapshot(api)
    data = {
        "number": "1/2025",
        "title": "Kerja sama",
        "form": "KSB",
        "cooperationType": "KSDPK",
        "partnerIds": [partner["id"]],
        "leadOrgUnitIds": [unit["id"]],
        "value": value,
    }
    body = await api.raw(CREATE, {"input": data})
    if "errors" in body:
        assert only_code(body) != "INTERNAL_ERROR"
        assert only_code(body) in {code, "BAD_USER_INPUT"}
    else:
        errors = body["data"]["createAgreement"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("value", code)]
    assert await snapshot(api) == before


async def test_dates_outside_a_sane_range_are_refused(api: Api) -> None:
    partner, unit = await api.partner(), await api.org_unit()
    data = {
        "number": "2/2025",
        "title": "Kerja sama",
        "form": "KSB",
        "cooperationType": "KSDPK",
        "partnerIds": [partner["id"]],
        "leadOrgUnitIds": [unit["id"]],
        "signedOn": "9999-12-31",
    }
    payload = await api.mutate("createAgreement", "agreement { id }", data)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("signedOn", "OUT_OF_RANGE")]


async def test_a_huge_day_count_is_a_coded_error(api: Api) -> None:
    body = await api.raw("{ agreements(filter: {expiringWithinDays: 1000000000}) { totalCount } }")
    assert only_code(body) == "OUT_OF_RANGE"


@pytest.mark.parametrize("text", ["Kerja\x00sama", "Kerja sama \u202egpj.exe", "\u2066x\u2069"])
async def test_nul_and_bidi_controls_are_refused_in_stored_text(api: Api, text: str) -> None:
    before = await snapshot(api)
    body = await api.raw(
        "mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) { orgUnit { id } errors { field code } } }",
        {"input": {"code": "X1", "name": text}},
    )
    assert only_code(body) == "INVALID_CHARACTERS"
    # Written in the document itself rather than in variables: the same answer.
    literal = json.dumps(text)
    body = await api.raw(
        f'mutation {{ createOrgUnit(input: {{code: "X2", name: {literal}}}) {{ orgUnit {{ id }} errors {{ code }} }} }}'
    )
    assert only_code(body) == "INVALID_CHARACTERS"
    assert await snapshot(api) == before


async def test_a_very_long_password_is_a_coded_error(api: Api) -> None:
    payload = await api.mutate(
        "createUser",
        "user { id }",
        {
            "email": "panjang@kotabogor.example",
            "displayName": "Panjang",
            "role": "REVIEWER",
            "password": "Hujan-Sore-di-Bogor-" * 20,
        },
    )
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("password", "TOO_LONG")]
    assert await api.count("users", {"email": "panjang@kotabogor.example"}) == 0


async def test_an_upload_given_as_a_string_is_a_coded_error(api: Api) -> None:
    body = await api.raw(
        'mutation { uploadTemplate(input: {file: "", title: "Templat"}) { errors { code } } }'
    )
    assert only_code(body) == "BAD_USER_INPUT"


async def test_an_upload_without_a_filename_is_a_coded_error(api: Api) -> None:
    agreement = await api.agreement()
    response = await api.upload(agreement["id"], filename="")
    assert response.status_code == 200, response.text
    body = response.json()
    if "errors" in body:
        assert only_code(body) == "BAD_USER_INPUT"
    else:
        errors = body["data"]["uploadAgreementDocument"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("file", "REQUIRED")]
    assert await api.count("files.files") == 0


# --- malformed HTTP requests get the GraphQL error shape -------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "code"),
    [
        (
            "POST",
            {"content": b"not json", "headers": {"Content-Type": "application/json"}},
            400,
            "BAD_REQUEST",
        ),
        (
            "POST",
            {"content": b"query=x", "headers": {"Content-Type": "text/plain"}},
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "POST",
            {"json": [{"query": "{ __typename }"}, {"query": "{ __typename }"}]},
            400,
            "BAD_REQUEST",
        ),
        (
            "POST",
            {"json": {"query": "query A { __typename }", "operationName": "B"}},
            400,
            "BAD_REQUEST",
        ),
        ("POST", {"json": {"variables": {}}}, 400, "BAD_REQUEST"),
        (
            "GET",
            {"params": {"query": "mutation { logout { errors { code } } }"}},
            405,
            "METHOD_NOT_ALLOWED",
        ),
        ("PUT", {"json": {"query": "{ __typename }"}}, 405, "METHOD_NOT_ALLOWED"),
        ("DELETE", {}, 405, "METHOD_NOT_ALLOWED"),
    ],
)
async def test_malformed_requests_get_coded_json(
    api: Api, method: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    headers = {**api.headers, **kwargs.pop("headers", {})}
    response = await api.client.request(method, "/graphql", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == code
