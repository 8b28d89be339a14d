"""The mail sender: a background task that emails the notifications queued for it.

The notifications collection is the outbox. Every API process with SMTP settings runs one
sender. A sender claims one message at a time with a single atomic update that also sets a
lease (the next-attempt time moves past the lease), so two senders never take the same
message at once, and a message whose sender died is taken again when the lease runs out.
A failed delivery is retried after doubling delays; a permanent refusal (a 5xx about the
message or its recipient) or the last attempt marks it FAILED. Requests never wait for mail:
they only queue it.
"""

import asyncio
import contextlib
import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

import aiosmtplib
from pymongo import ReturnDocument

from i18n import _, language
from models import Notification, User
from models.clock import utcnow
from models.date_ranges import dated
from models.notification import EmailStatus
from settings import Settings

log = logging.getLogger("sikerma.mail")

PERMANENT_REFUSALS = (
    aiosmtplib.SMTPRecipientRefused,
    aiosmtplib.SMTPSenderRefused,
    aiosmtplib.SMTPDataError,
)


def is_permanent(error: Exception) -> bool:
    """A 5xx answer about this message or its recipient will not change on a retry; a
    connection fault, a timeout, a 4xx or a failed sign-in (fixable in the settings) may."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in error.recipients)
    return isinstance(error, PERMANENT_REFUSALS) and error.code >= 500


def compose(notification: Notification, user: User, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = formataddr((user.display_name, user.email))
    message["Subject"] = notification.title
    message["Date"] = format_datetime(notification.created_at)
    # The same id on every attempt, so a receiver can drop a copy sent twice.
    message["Message-ID"] = make_msgid(idstring=str(notification.id), domain="sikerma")
    # The notification's text is already in the recipient's language; so are these.
    with language(user.preferred_language):
        greeting = _("Dear %(name)s,", name=user.display_name)
        signature = _(
            "SIKERMA - Regional Cooperation Information System\n"
            "Cooperation Unit, Regional Secretariat of the City of Bogor\n"
            "This message was sent automatically; please do not reply."
        )
    text = notification.body or notification.title
    message.set_content(f"{greeting}\n\n{text}\n\n--\n{signature}")
    return message


class MailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mail-sender")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                if await self.send_next():
                    continue
            except Exception:
                # The database or the network may be away for a while; keep trying.
                log.exception("the mail sender failed; trying again shortly")
            await asyncio.sleep(self.settings.mail_poll_seconds)

    async def send_next(self) -> bool:
        """Claim and send one due message; False when none is due."""
        notification = await self._claim()
        if notification is None:
            return False
        settings = self.settings
        too_old = utcnow() - timedelta(hours=settings.mail_max_age_hours)
        if notification.created_at < too_old:
            await self._finish(notification, EmailStatus.FAILED, "queued too long ago; not sent")
            return True
        user = await User.get(notification.user_id)
        if user is None:
            await self._finish(notification, EmailStatus.FAILED, "the user no longer exists")
            return True
        try:
            await aiosmtplib.send(
                compose(notification, user, settings),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_tls,
                start_tls=settings.smtp_starttls and not settings.smtp_tls,
                timeout=settings.smtp_timeout_seconds,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            await self._failed(notification, error)
            return True
        await self._finish(notification, EmailStatus.SENT, "")
        return True

    async def _claim(self) -> Notification | None:
        now = utcnow()
        raw = await Notification.get_pymongo_collection().find_one_and_update(
            {
                "email_status": EmailStatus.PENDING.value,
                "email_next_attempt_at": dated({"$lte": now}),
            },
            {
                "$set": {
                    "email_next_attempt_at": now
                    + timedelta(seconds=self.settings.mail_lease_seconds)
                },
                "$inc": {"email_attempts": 1},
            },
            sort=[("email_next_attempt_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        return Notification.model_validate(raw) if raw is not None else None

    async def _failed(self, notification: Notification, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"[:500]
        settings = self.settings
        attempts = notification.email_attempts
        if is_permanent(error) or attempts >= settings.mail_max_attempts:
            log.warning("gave up mailing notification %s: %s", notification.id, reason)
            await self._finish(notification, EmailStatus.FAILED, reason)
            return
        delay = min(
            settings.mail_retry_base_seconds * 2 ** (attempts - 1), settings.mail_retry_max_seconds
        )
        log.info(
            "mailing notification %s failed (%s); retry in %.0f s", notification.id, reason, delay
        )
        await self._store(
            notification,
            {"email_next_attempt_at": utcnow() + timedelta(seconds=delay), "email_error": reason},
        )

    async def _finish(self, notification: Notification, status: EmailStatus, error: str) -> None:
        await self._store(
            notification,
            {"email_status": status.value, "email_next_attempt_at": None, "email_error": error},
        )

    async def _store(self, notification: Notification, changes: dict[str, object]) -> None:
        # Only while our claim holds: a sender that took the message over after our lease ran
        # out has counted another attempt, and its outcome is the one that stands.
        await Notification.get_pymongo_collection().update_one(
            {
                "_id": notification.id,
                "email_status": EmailStatus.PENDING.value,
                "email_attempts": notification.email_attempts,
            },
            {"$set": changes},
        )
