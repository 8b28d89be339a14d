"""Mail: notifications queued in the outbox reach a real SMTP server (aiosmtpd on a loopback
port), through the background sender, with retries, leases and give-ups."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from beanie import PydanticObjectId

from models.clock import utcnow
from resolvers.mailer import MailSender
from resolvers.notifications import Message, notify
from settings import Settings
from tests.api import PDF, Api
from tests.proposals import cast, member, reach, stored

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An SMTP server's mailbox that can be told to refuse."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []
        self.refused: dict[str, str] = {}  # address → the reply to RCPT TO
        self.busy_replies = 0  # how many DATA commands to answer "try again later"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.busy_replies:
            self.busy_replies -= 1
            return "451 4.3.0 Server sibuk, coba lagi nanti"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
async def inbox() -> AsyncIterator[tuple[Inbox, int]]:
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def mail_settings(base: Settings, port: int, **changes: Any) -> Settings:
    return base.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "smtp_from": "SIKERMA Kota Bogor <sikerma@kotabogor.example>",
            "smtp_timeout_seconds": 5,
            "mail_poll_seconds": 0.02,
            "mail_retry_base_seconds": 0.05,
            "mail_retry_max_seconds": 0.2,
            "mail_max_attempts": 3,
            **changes,
        }
    )


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 20) -> None:
    """Wait until `check` holds (the sender works in the background)."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "it did not happen in time"
        await asyncio.sleep(0.02)


async def outbox(api: Api) -> list[dict[str, Any]]:
    return await api.database.db.notifications.find({}).sort("created_at", 1).to_list()


async def queued(api: Api, email: str = "penerima@kotabogor.example") -> dict[str, Any]:
    """One notification for a new user, queued for mail."""
    user_id, _ = await member(api, "REVIEWER")
    await api.database.db.users.update_one(
        {"_id": PydanticObjectId(user_id)}, {"$set": {"email": email}}
    )
    await notify(
        [PydanticObjectId(user_id)],
        Message(kind="NOTE", title="Rapat TKKSD", body="Rapat pada hari Senin pukul 09.00 WIB."),
        email=True,
    )
    return await stored(api, "notifications", {"user_id": PydanticObjectId(user_id)})


async def test_status_changes_are_emailed_in_the_background(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    c = await cast(api)
    proposal = await reach(c, "SUBMITTED")
    code = proposal["trackingCode"]
    rows = await outbox(api)
    assert {r["email_status"] for r in rows} == {"PENDING"}  # the request only queued them
    assert box.messages == []
    sender = MailSender(mail_settings(settings, port))
    sender.start()
    try:
        await eventually(lambda: _all_sent(api))
    finally:
        await sender.stop()
    partner = await stored(api, "users", {"_id": PydanticObjectId(c.ids["PARTNER"])})
    admin = await stored(api, "users", {"role": "ADMIN"})
    by_recipient = {str(m["To"]): m for m in box.messages}
    assert set(box.recipients) == {partner["email"], admin["email"]}
    receipt = next(m for to, m in by_recipient.items() if partner["email"] in to)
    assert receipt["Subject"] == f"Pengajuan {code} diterima"
    assert receipt["From"] == "SIKERMA Kota Bogor <sikerma@kotabogor.example>"
    body = receipt.get_content()
    assert code in body
    assert body.startswith(f"Yth. {partner['display_name']},")
    row = next(r for r in await outbox(api) if r["user_id"] == partner["_id"])
    assert str(row["_id"]) in receipt["Message-ID"]
    assert (row["email_status"], row["email_attempts"], row["email_error"]) == ("SENT", 1, "")
    notice = next(m for to, m in by_recipient.items() if admin["email"] in to)
    assert notice["Subject"] == f"Pengajuan baru {code}"


async def _all_sent(api: Api) -> bool:
    return all(r["email_status"] == "SENT" for r in await outbox(api))


async def test_a_busy_server_is_tried_again_later(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    box.busy_replies = 1
    row = await queued(api)
    sender = MailSender(
        mail_settings(settings, port, mail_retry_base_seconds=60, mail_retry_max_seconds=3600)
    )
    assert await sender.send_next() is True
    waiting = await stored(api, "notifications", {"_id": row["_id"]})
    assert (waiting["email_status"], waiting["email_attempts"]) == ("PENDING", 1)
    assert "451" in waiting["email_error"]
    assert waiting["email_next_attempt_at"] > utcnow() + timedelta(seconds=30)
    assert await sender.send_next() is False  # not due yet: the back-off holds it
    assert box.messages == []
    # The minute passes.
    await api.database.db.notifications.update_one(
        {"_id": row["_id"]}, {"$set": {"email_next_attempt_at": utcnow()}}
    )
    assert await sender.send_next() is True
    sent = await stored(api, "notifications", {"_id": row["_id"]})
    assert (sent["email_status"], sent["email_attempts"], sent["email_error"]) == ("SENT", 2, "")
    assert sent["email_next_attempt_at"] is None
    assert [m["Subject"] for m in box.messages] == ["Rapat TKKSD"]


async def test_a_refused_recipient_fails_at_once(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    box.refused["hilang@kotabogor.example"] = "550 5.1.1 Kotak surat tidak ada"
    row = await queued(api, "hilang@kotabogor.example")
    sender = MailSender(mail_settings(settings, port))
    assert await sender.send_next() is True
    failed = await stored(api, "notifications", {"_id": row["_id"]})
    assert (failed["email_status"], failed["email_attempts"]) == ("FAILED", 1)
    assert "550" in failed["email_error"]
    assert await sender.send_next() is False
    assert box.messages == []
    # The notification itself stays readable in the app.
    assert failed["title"] == "Rapat TKKSD"


async def test_an_unreachable_server_is_given_up_after_the_last_attempt(
    api: Api, settings: Settings
) -> None:
    row = await queued(api)
    sender = MailSender(mail_settings(settings, free_port()))  # nothing listens there

    async def given_up() -> bool:
        await sender.send_next()
        saved = await stored(api, "notifications", {"_id": row["_id"]})
        return bool(saved["email_status"] == "FAILED")

    await eventually(given_up)
    failed = await stored(api, "notifications", {"_id": row["_id"]})
    assert failed["email_attempts"] == 3
    assert failed["email_error"]


async def test_two_senders_share_the_outbox_and_send_each_mail_once(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    rows = [await queued(api, f"anggota{n}@kotabogor.example") for n in range(6)]
    senders = [MailSender(mail_settings(settings, port)) for _ in range(2)]
    for sender in senders:
        sender.start()
    try:
        await eventually(lambda: _all_sent(api))
        # Give both a few more rounds: nothing may go out twice.
        await asyncio.sleep(0.2)
    finally:
        for sender in senders:
            await sender.stop()
    assert sorted(box.recipients) == sorted(f"anggota{n}@kotabogor.example" for n in range(6))
    assert len({m["Message-ID"] for m in box.messages}) == 6
    stored = await outbox(api)
    assert {(r["email_status"], r["email_attempts"]) for r in stored} == {("SENT", 1)}
    assert len(stored) == len(rows)


async def test_a_claim_whose_sender_died_is_taken_again_after_its_lease(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    held = await queued(api, "ditahan@kotabogor.example")
    lost = await queued(api, "terlantar@kotabogor.example")
    # Two claims of senders that died: one lease still runs, the other ran out.
    notifications = api.database.db.notifications
    await notifications.update_one(
        {"_id": held["_id"]},
        {"$set": {"email_attempts": 1, "email_next_attempt_at": utcnow() + timedelta(minutes=5)}},
    )
    await notifications.update_one(
        {"_id": lost["_id"]},
        {"$set": {"email_attempts": 1, "email_next_attempt_at": utcnow() - timedelta(seconds=1)}},
    )
    sender = MailSender(mail_settings(settings, port))
    assert await sender.send_next() is True
    assert await sender.send_next() is False
    assert box.recipients == ["terlantar@kotabogor.example"]
    taken = await stored(api, "notifications", {"_id": lost["_id"]})
    assert (taken["email_status"], taken["email_attempts"]) == ("SENT", 2)
    still = await stored(api, "notifications", {"_id": held["_id"]})
    assert still["email_status"] == "PENDING"


async def test_mail_queued_too_long_ago_is_not_sent(
    api: Api, settings: Settings, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    row = await queued(api)
    await api.database.db.notifications.update_one(
        {"_id": row["_id"]}, {"$set": {"created_at": utcnow() - timedelta(days=3)}}
    )
    sender = MailSender(mail_settings(settings, port))
    assert await sender.send_next() is True
    stale = await stored(api, "notifications", {"_id": row["_id"]})
    assert stale["email_status"] == "FAILED"
    assert "too long ago" in stale["email_error"]
    assert box.messages == []


async def test_without_smtp_settings_nothing_is_sent(api: Api, settings: Settings) -> None:
    """The suite's app runs without SMTP_HOST: its lifespan starts no sender."""
    assert settings.smtp_host == ""
    row = await queued(api)
    await asyncio.sleep(0.1)
    saved = await stored(api, "notifications", {"_id": row["_id"]})
    assert (saved["email_status"], saved["email_attempts"]) == ("PENDING", 0)


def _graphql(base: str, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=60,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _upload(base: str, token: str, proposal_id: str, doc_type: str) -> None:
    query = (
        "mutation($input: UploadProposalAttachmentInput!) { uploadProposalAttachment(input: $input)"
        " { errors { code } } }"
    )
    variables = {
        "input": {"proposalId": proposal_id, "type": doc_type, "title": doc_type, "file": None}
    }
    response = httpx.post(
        f"{base}/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("berkas.pdf", PDF, "application/pdf")},
        headers={"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "1"},
        timeout=60,
    )
    assert response.json()["data"]["uploadProposalAttachment"]["errors"] == []


async def test_the_server_process_mails_what_its_requests_queue(
    api: Api, database_uri: str, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    """`python server.py` with SMTP settings: its lifespan runs the sender."""
    box, smtp_port = inbox
    port = free_port()
    database_name = "sikerma_mail_process"
    env = {
        **os.environ,
        "MONGODB_URI": database_uri,
        "DATABASE_NAME": database_name,
        "DATA_DIR": str(tmp_path),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "false",
        "MAIL_POLL_SECONDS": "0.1",
    }
    base = f"http://127.0.0.1:{port}"
    try:
        await asyncio.to_thread(_mail_through_the_process, env, base, box)
    finally:
        await api.database.client.drop_database(database_name)
    [message] = box.messages
    assert box.recipients == ["humas@pakuan.example"]
    assert str(message["Subject"]).startswith("Pengajuan PGJ-")
    assert str(message["Subject"]).endswith(" diterima")


def _mail_through_the_process(env: dict[str, str], base: str, box: Inbox) -> None:
    process = subprocess.Popen(
        [sys.executable, "server.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        _story_through_the_process(base, process)
        deadline = time.monotonic() + 60
        while not box.messages:
            assert time.monotonic() < deadline, "no mail arrived"
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=60)


def _story_through_the_process(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "the server stopped"
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not come up"
        time.sleep(0.2)
    password = "Tugu-Kujang-Pakuan-1980"
    registered = _graphql(
        base,
        "mutation($i: RegisterPartnerInput!) { registerPartner(input: $i) { errors { code } } }",
        {
            "i": {
                "name": "Universitas Pakuan",
                "kind": "UNIVERSITY",
                "contactName": "Humas Unpak",
                "email": "humas@pakuan.example",
                "password": password,
            }
        },
    )
    assert registered["registerPartner"]["errors"] == []
    login = _graphql(
        base,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }",
        {"i": {"email": "humas@pakuan.example", "password": password}},
    )
    token = login["login"]["accessToken"]
    created = _graphql(
        base,
        "mutation($i: CreateProposalInput!) { createProposal(input: $i) { proposal { id } errors { code } } }",
        {
            "i": {
                "title": "Magang mahasiswa di perangkat daerah",
                "purpose": "Pengalaman kerja mahasiswa",
                "scope": "Magang satu semester",
                "cooperationType": "KSDPK",
                "form": "KSB",
                "durationMonths": 36,
            }
        },
        token,
    )
    proposal_id = created["createProposal"]["proposal"]["id"]
    for doc_type in ("REQUEST_LETTER", "TOR"):
        _upload(base, token, proposal_id, doc_type)
    submitted = _graphql(
        base,
        "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { errors { code } } }",
        {"i": {"proposalId": proposal_id}},
        token,
    )
    assert submitted["submitProposal"]["errors"] == []
