"""Language: enum labels, the choice of language per request, and complete catalogs."""

from typing import Any

from tests.api import Api

LABELS = "query($types: [String!]) { enumLabels(types: $types) { type value label description } }"


async def labels(api: Api, types: list[str] | None, language: str | None) -> list[dict[str, Any]]:
    headers = {"Accept-Language": language} if language else {}
    response = await api.post({"query": LABELS, "variables": {"types": types}}, headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["enumLabels"]


async def test_enum_labels_in_indonesian_by_default_and_english_on_request(api: Api) -> None:
    anonymous = api.as_(None)
    indonesian = await labels(anonymous, ["AgreementStatus"], None)
    assert [(i["type"], i["value"]) for i in indonesian] == [
        ("AgreementStatus", v) for v in ("DRAFT", "ACTIVE", "EXPIRED", "TERMINATED", "EXTENDED")
    ]
    by_value = {i["value"]: i for i in indonesian}
    assert by_value["ACTIVE"]["label"] == "Aktif"
    assert by_value["EXTENDED"]["description"] == "Digantikan oleh perpanjangan yang sudah berlaku."
    english = {
        i["value"]: i for i in await labels(anonymous, ["AgreementStatus"], "en-GB,en;q=0.8")
    }
    assert english["ACTIVE"]["label"] == "Active"
    # A language we do not serve falls back to Indonesian; the best supported one wins.
    assert (await labels(anonymous, ["AgreementStatus"], "fr"))[1]["label"] == "Aktif"
    assert (await labels(anonymous, ["AgreementStatus"], "fr, en;q=0.5, id;q=0.4"))[1][
        "label"
    ] == "Active"


async def test_every_enum_value_has_a_label_and_a_description(api: Api) -> None:
    introspection = await api.gql(
        "{ __schema { types { kind name enumValues { name description } } } }"
    )
    enums = {
        t["name"]: t["enumValues"]
        for t in introspection["__schema"]["types"]
        if t["kind"] == "ENUM" and not t["name"].startswith("__")
    }
    for values in enums.values():
        assert all(v["description"] for v in values)
    for language in ("id", "en"):
        every = await labels(api.as_(None), None, language)
        assert {(i["type"], i["value"]) for i in every} == {
            (name, v["name"]) for name, values in enums.items() for v in values
        }
        assert all(i["label"] and i["description"] for i in every)


async def test_unknown_enum_is_a_coded_error(api: Api) -> None:
    body = await api.raw(LABELS, {"types": ["AgreementStatus", "Nope"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "Nope" in body["errors"][0]["message"]
