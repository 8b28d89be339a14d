"""The reminder job: new alerts become notifications, each exactly once.

It runs inside every API process (a background task, every REMINDER_INTERVAL_SECONDS) and
from cron (`python cli.py run-reminders`). However often and wherever it runs, each alert at
each severity reaches each recipient once: the notifications' unique dedupe key refuses a
second copy, also when two processes run at the same moment.
"""

from dataclasses import dataclass
from datetime import date

from beanie import PydanticObjectId

from i18n import later
from models import Notification, User
from models.clock import utcnow
from models.enums import AlertKind, AlertSeverity, PeriodLength, Role
from resolvers.context import CITY_TIMEZONE
from resolvers.monitoring import Alert, Schedule, compute_alerts
from resolvers.notifications import Message, notify, subject, users_with_role
from settings import Settings

# The first run waits until the server has settled (and loaded demo data, if asked to).
FIRST_RUN_DELAY_SECONDS = 60.0
TITLES = {
    AlertKind.EXPIRING: later("Agreement ending soon"),
    AlertKind.PAST_END: later("Agreement past its end date"),
    AlertKind.EVALUATION_OVERDUE: later("Monitoring and evaluation not done"),
    AlertKind.FOLLOW_UP_OVERDUE: later("Evaluation follow-up overdue"),
}


@dataclass(frozen=True)
class ReminderRun:
    alerts: int
    notifications: int  # made in this run


def dedupe_key(alert: Alert) -> str:
    """One notification per alert and severity: a warning that turns critical is sent
    again, an unchanged one never."""
    return f"alert:{alert.key}:{alert.severity}"


def message(alert: Alert) -> Message:
    title = later("%(what)s: %(number)s", what=TITLES[alert.kind], number=alert.number)
    if alert.severity == AlertSeverity.CRITICAL:
        title = later("[URGENT] %(title)s", title=title)
    return Message(
        kind=f"ALERT_{alert.kind}",
        title=title,
        body=alert.text,
        subject_id=subject("Agreement", alert.agreement_id),
    )


async def run_reminders(settings: Settings, today: date | None = None) -> ReminderRun:
    """Notify the cooperation unit and the lead departments' officers of every alert they
    have not been told of yet."""
    today = today or utcnow().astimezone(CITY_TIMEZONE).date()
    when = Schedule.of(today, PeriodLength(settings.evaluation_period))
    alerts = await compute_alerts({}, when, settings.expiring_window_days)
    if not alerts:
        return ReminderRun(0, 0)
    admins = await users_with_role(Role.ADMIN)
    units = list({u for a in alerts for u in a.lead_org_unit_ids})
    officers: dict[PydanticObjectId, list[PydanticObjectId]] = {}
    query = {"role": Role.OFFICER.value, "active": True, "org_unit_id": {"$in": units}}
    for officer in await User.find(query).to_list():
        if officer.org_unit_id is not None and officer.id is not None:
            officers.setdefault(officer.org_unit_id, []).append(officer.id)

    def recipients(alert: Alert) -> list[PydanticObjectId]:
        found = [*admins, *(o for u in alert.lead_org_unit_ids for o in officers.get(u, []))]
        return list(dict.fromkeys(found))

    # Skip what was sent before without a write per alert; the unique index still decides.
    wanted = [f"{dedupe_key(a)}:{u}" for a in alerts for u in recipients(a)]
    rows = Notification.get_pymongo_collection().find(
        {"dedupe_key": {"$in": wanted}}, {"dedupe_key": 1}
    )
    known = {r["dedupe_key"] for r in await rows.to_list()}
    made = 0
    for alert in alerts:
        key = dedupe_key(alert)
        users = [u for u in recipients(alert) if f"{key}:{u}" not in known]
        if users:
            made += await notify(users, message(alert), email=True, dedupe_key=key)
    return ReminderRun(len(alerts), made)
