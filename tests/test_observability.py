"""One structured log line per request, and the Prometheus metrics behind a token."""

from collections.abc import AsyncIterator

import pytest
from structlog.testing import capture_logs

from models import Notification
from models.notification import EmailStatus
from tests.api import PDF, Api

TOKEN = "metrics-token-for-the-test-0123456789"


@pytest.fixture
async def metrics_on(api: Api) -> AsyncIterator[None]:
    state = api.client.app.state  # type: ignore[attr-defined]
    suite_settings = state.settings
    state.settings = suite_settings.model_copy(update={"metrics_token": TOKEN})
    yield
    state.settings = suite_settings


async def test_each_request_is_logged_with_its_id_operation_role_and_commands(api: Api) -> None:
    await api.agreement()
    with capture_logs() as logs:
        response = await api.post(
            {"query": "{ agreements(first: 5) { nodes { id } } dashboard { agreementCount } }"},
            headers={"X-Request-ID": "req-observed-1"},
        )
        assert response.status_code == 200
        await api.as_(None).get("/healthz")
    [line] = [entry for entry in logs if entry.get("request_id") == "req-observed-1"]
    assert line["event"] == "request"
    assert line["operation"] == "query agreements,dashboard"
    assert line["role"] == "ADMIN"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    # The sign-in check, the page and the dashboard's aggregation at least.
    assert line["db_commands"] >= 3
    [health] = [entry for entry in logs if entry.get("operation") == "GET /healthz"]
    assert health["role"] == "ANONYMOUS"
    assert health["db_commands"] == 0  # a ping is the driver's own, not counted


async def test_metrics_are_off_without_a_token(api: Api) -> None:
    response = await api.get("/metrics")
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_metrics_need_the_token(api: Api, metrics_on: None) -> None:
    for given in (None, "wrong-token", TOKEN[:-1]):
        headers = {"Authorization": f"Bearer {given}"} if given else {}
        assert (await api.as_(None).get("/metrics", headers=headers)).status_code == 404


async def test_metrics_count_requests_commands_uploads_and_the_mail_queue(
    api: Api, metrics_on: None
) -> None:
    agreement = await api.agreement()
    await api.uploaded(agreement["id"], PDF)
    admin = await api.database.db.users.find_one({})
    assert admin is not None
    user = admin["_id"]
    for _ in range(3):
        await Notification(
            user_id=user, kind="TEST", title="t", email_status=EmailStatus.PENDING
        ).insert()
    response = await api.as_(None).get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    created = 'sikerma_requests_total{operation="mutation createAgreement",status="200"}'
    assert samples[created] >= 1
    assert (
        samples['sikerma_request_duration_seconds_count{operation="mutation createAgreement"}'] >= 1
    )
    assert samples['sikerma_database_commands_total{command="insert"}'] >= 1
    assert samples["sikerma_upload_bytes_total"] > len(PDF)
    assert samples['sikerma_queue_length{queue="mail"}'] == 3
