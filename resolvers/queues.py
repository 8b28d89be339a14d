"""How much background work waits, for the metrics: the mail outbox."""

from models import Notification
from models.notification import EmailStatus


async def queue_lengths() -> dict[str, int]:
    return {"mail": await Notification.find({"email_status": EmailStatus.PENDING}).count()}
