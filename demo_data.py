"""Demo data: departments, partners and 30 agreements of Kota Bogor with scans and years of history.

The content (accounts, departments, partners, agreements and their stories, proposals,
procedures, FAQ and templates) is data, in demo/*.json; this loader puts it into the archive,
and makes the scans, photos and Word files as it goes (demo_files.py).

Everything goes through the project's use cases (create, upload, activate, amend, extend, ...),
so every rule is checked and every step leaves its chronology event, as if the cooperation
unit had typed the archive in. Dates are relative to today and one seeded random generator
makes every other choice, so a load on the same day gives the same data and the agreements
meant to be "expiring" are expiring whenever it is loaded.

People, e-mail addresses, phone numbers, tax numbers and the companies and foundation are
invented; the scans say on every page that they are demo documents.
"""

import calendar
import io
import itertools
import json
import logging
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from beanie import PydanticObjectId

from database import Database
from demo_files import docx, jpeg_photo, pdf_scan
from i18n import format_day, language
from models import Agreement, FaqEntry, OrgUnit, Partner, Procedure, Template, User
from models.chronology import ChronologyEvent, event, start_of_day
from models.documents import DocumentRef
from models.enums import (
    FORM_NAMES,
    SIGNED_DOCUMENT_TYPE,
    AgreementForm,
    AgreementStatus,
    ChronologyKind,
    CooperationType,
    DocumentType,
    Indicator,
    PartnerKind,
    Recommendation,
    ReviewRecommendation,
    Role,
    Visibility,
)
from resolvers import (
    agreements,
    documents,
    evaluations,
    org_units,
    partners,
    proposals,
    public,
    users,
)
from resolvers.context import CITY_TIMEZONE, Context
from resolvers.monitoring import was_in_force
from resolvers.viewer import ANONYMOUS, Viewer
from settings import get_settings

log = logging.getLogger("sikerma")

# Perwali Kota Bogor No. 38/2018, the city's rule on cooperation.
SEED = 38

DEMO_DIR = Path(__file__).parent / "demo"


def _read(name: str) -> Any:
    return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))


# One account per role, for trying the access rules. The passwords are in the README and are
# for the demo only.
DEMO_USERS: list[dict[str, Any]] = [{**u, "role": Role(u["role"])} for u in _read("users")]


Kind = ChronologyKind
Form = AgreementForm
Coop = CooperationType


# --- master data ------------------------------------------------------------------------------

ORG_UNITS: list[dict[str, Any]] = _read("org_units")


@dataclass(frozen=True)
class DemoPartner:
    fields: dict[str, Any]
    label: str  # how the party is named in a party-number list
    numbering: str  # its own registry format; {n} and {year} are filled in
    contact: tuple[str, str]  # name, position
    mailbox: str
    identifiers: tuple[str, ...] = ("NPWP",)  # the registry numbers to invent for it


def _partner(spec: dict[str, Any]) -> DemoPartner:
    extra = {"identifiers": tuple(spec["identifiers"])} if "identifiers" in spec else {}
    return DemoPartner(
        {**spec["fields"], "kind": PartnerKind(spec["fields"]["kind"])},
        spec["label"],
        spec["numbering"],
        tuple(spec["contact"]),
        spec["mailbox"],
        **extra,
    )


_PARTNER_DATA = _read("partners")
PARTNERS: dict[str, DemoPartner] = {
    key: _partner(spec) for key, spec in _PARTNER_DATA["partners"].items()
}

# Telephone numbers in the style of each partner's city; the precision cuts the invented
# digits to the local length.
PHONE_FORMATS: dict[str, str] = _PARTNER_DATA["phone_formats"]


# --- agreements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A historical event particular to one agreement, `after` months from its signing."""

    kind: ChronologyKind
    after: int
    title: str
    description: str = ""
    minutes: bool = False  # a signed Berita Acara scan belongs to it
    hand_over_to: str | None = None  # the org unit code that leads the agreement from then on


@dataclass(frozen=True)
class DemoAmendment:
    after: int  # months from the agreement's signing
    title: str
    description: str


Outcome = Literal["draft", "active", "expired", "terminated"]


@dataclass(frozen=True)
class DemoAgreement:
    key: str  # how the other entries name it (parent, renewal)
    form: AgreementForm
    cooperation_type: CooperationType
    title: str
    purpose: str
    scope: str
    field: str
    partners: tuple[str, ...]
    units: tuple[str, ...]
    signed_ago: tuple[int, int]  # (years, months) before today; for a draft: its proposal
    years: int = 0  # the term; or, for the agreements meant to be expiring now:
    ends_in_days: int | None = None
    outcome: Outcome = "active"
    parent: str | None = None
    renews: str | None = None
    value: int | None = None  # rupiah
    funding: str = "Tanpa pembiayaan (beban masing-masing pihak)"
    visibility: Visibility = Visibility.PUBLIC
    termination: tuple[int, str] | None = None  # months after signing, reason
    stories: tuple[Story, ...] = ()
    photos: int = 0
    amendment: DemoAmendment | None = None
    rescanned: bool = False  # the signed scan was replaced by a better one (version 2)


def _agreement(spec: dict[str, Any]) -> DemoAgreement:
    amendment, termination = spec.get("amendment"), spec.get("termination")
    stories = spec.get("stories", ())
    return DemoAgreement(
        **{
            **spec,
            "form": AgreementForm(spec["form"]),
            "cooperation_type": CooperationType(spec["cooperation_type"]),
            "partners": tuple(spec["partners"]),
            "units": tuple(spec["units"]),
            "signed_ago": tuple(spec["signed_ago"]),
            "visibility": Visibility(spec.get("visibility", Visibility.PUBLIC)),
            "termination": tuple(termination) if termination else None,
            "stories": tuple(Story(**{**s, "kind": ChronologyKind(s["kind"])}) for s in stories),
            "amendment": DemoAmendment(**amendment) if amendment else None,
        }
    )


AGREEMENTS: list[DemoAgreement] = [_agreement(spec) for spec in _read("agreements")]

_MONITORING = _read("monitoring")
EVALUATION_FINDINGS: tuple[str, ...] = tuple(_MONITORING["evaluation_findings"])
EVALUATION_OBSTACLES: tuple[str, ...] = tuple(_MONITORING["evaluation_obstacles"])
FOLLOW_UPS: tuple[tuple[str, str], ...] = tuple(
    (what, owner) for what, owner in _MONITORING["follow_ups"]
)
MEETING_AGENDAS: tuple[str, ...] = tuple(_MONITORING["meeting_agendas"])


# --- dates and numbers ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def indonesian_date(day: date) -> str:
    """The demo's letters are Indonesian whatever language the loader runs in."""
    with language("id"):
        return format_day(day)


@dataclass
class Planned:
    """One agreement with its dates and numbers fixed for today."""

    spec: DemoAgreement
    number: str
    signed_on: date  # for a draft: when it was proposed
    ends_on: date
    party_numbers: list[dict[str, str]]
    archive_location: str


def plan(today: date, rng: random.Random) -> list[Planned]:
    used: set[tuple[int, int]] = set()

    def sequence(year: int) -> int:
        # A registry hands out each number once a year.
        while True:
            n = rng.randint(1, 180)
            if (year, n) not in used:
                used.add((year, n))
                return n

    planned = []
    for spec in AGREEMENTS:
        years, months = spec.signed_ago
        signed_on = add_months(today, -(12 * years + months))
        if spec.outcome != "draft":
            signed_on -= timedelta(days=rng.randint(0, 20))
        if spec.ends_in_days is not None:
            ends_on = today + timedelta(days=spec.ends_in_days)
        else:
            ends_on = add_months(signed_on, 12 * spec.years) - timedelta(days=1)
        year = signed_on.year
        if spec.outcome == "draft":
            number = f"RANCANGAN/{year}/{sequence(year):03d}"
            party_numbers = []
        else:
            number = f"119.2/{sequence(year)}-Kerja Sama/{year}"
            party_numbers = [
                {
                    "party": PARTNERS[key].label,
                    "number": PARTNERS[key].numbering.format(n=rng.randint(10, 999), year=year),
                }
                for key in spec.partners
            ]
        shelf = f"Lemari {rng.choice('ABCD')}-{rng.randint(1, 6)}, boks {rng.randint(1, 40)}"
        planned.append(
            Planned(
                spec,
                number,
                signed_on,
                ends_on,
                party_numbers,
                f"Ruang Arsip Bagian Kerja Sama Setda Kota Bogor, {shelf}",
            )
        )
    return planned


def invent_identifier(scheme: str, rng: random.Random) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(15))
    if scheme == "NPWP":  # the 15-digit form 01.234.567.8-901.234
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:]}"
    return digits[:13]  # NIB and a Japanese corporate number have 13 digits


def file_stem(number: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in number)


# --- loading ----------------------------------------------------------------------------------


# Menu 2: proposals at every stage of the review (the demo partner's and the demo officer's).
DEMO_PROPOSALS: list[dict[str, Any]] = [
    {
        **spec,
        "fields": {
            **spec["fields"],
            "cooperation_type": CooperationType(spec["fields"]["cooperation_type"]),
            **({"form": AgreementForm(spec["fields"]["form"])} if "form" in spec["fields"] else {}),
        },
    }
    for spec in _read("proposals")
]


class DemoDataConflict(RuntimeError):
    """Some demo record would collide with one already in the database."""


async def is_empty() -> bool:
    for model in (OrgUnit, Partner, Agreement):
        if await model.find_one({}) is not None:
            return False
    return True


async def check_conflicts(planned: list[Planned]) -> None:
    """Refuse before the first write, so a refused load leaves nothing behind."""
    codes = [u["code"] for u in ORG_UNITS]
    names = [p.fields["name"].casefold() for p in PARTNERS.values()]
    numbers = [p.number for p in planned]
    emails = [u["email"] for u in DEMO_USERS]
    taken = [
        *(u.code for u in await OrgUnit.find({"code": {"$in": codes}}).to_list()),
        *(p.name for p in await Partner.find({"name_key": {"$in": names}}).to_list()),
        *(a.number for a in await Agreement.find({"number": {"$in": numbers}}).to_list()),
        *(u.email for u in await User.find({"email": {"$in": emails}}).to_list()),
    ]
    if taken:
        shown = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise DemoDataConflict(f"the database already holds demo records: {shown}")


async def load_demo_data(database: Database, *, only_if_empty: bool = True) -> bool:
    """Load the demo data; True if it did. Without `only_if_empty` it loads next to existing
    records, unless one of them collides with a demo record (DemoDataConflict)."""
    if only_if_empty and not await is_empty():
        return False
    # The demo signs nobody in, so it needs no signing key.
    ctx = Context(
        database=database,
        settings=get_settings(),
        viewer=ANONYMOUS,
        request_id="demo",
        signing_key="",
    )
    rng = random.Random(SEED)
    planned = plan(ctx.today(), rng)
    await check_conflicts(planned)
    admin = DEMO_USERS[0]
    user = await users.register_user(
        ctx, {k: v for k, v in admin.items() if k != "password"}, admin["password"]
    )
    ctx.viewer = Viewer(id=str(user.id), name=user.display_name, role=Role.ADMIN)
    await DemoLoader(ctx, rng).load(planned)
    await load_public_information(ctx)
    log.info(
        "demo data loaded: %d departments, %d partners, %d agreements",
        len(ORG_UNITS),
        len(PARTNERS),
        len(planned),
    )
    return True


@dataclass
class DemoLoader:
    ctx: Context
    rng: random.Random
    units: dict[str, OrgUnit] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    agreements: dict[str, PydanticObjectId] = field(default_factory=dict)

    async def load(self, planned: list[Planned]) -> None:
        for fields in ORG_UNITS:
            self.units[fields["code"]] = await org_units.create_org_unit(self.ctx, fields)
        for key in PARTNERS:
            self.partners[key] = await partners.create_partner(self.ctx, self.partner_fields(key))
        for item in planned:
            await self.agreement(item)
        for account in DEMO_USERS[1:]:
            fields = {k: v for k, v in account.items() if k not in {"password", "unit", "partner"}}
            if "unit" in account:
                fields["org_unit_id"] = self.units[account["unit"]].id
            if "partner" in account:
                fields["partner_id"] = self.partners[account["partner"]].id
            await users.register_user(self.ctx, fields, account["password"])
        await self.evaluations()
        await self.proposals()

    async def evaluations(self) -> None:
        """Monitoring: most ACTIVE agreements were evaluated last period (most of those
        reviewed, with follow-up actions, some done); every fifth was not, so its evaluation
        is overdue; and a visit to a Dinas Kesehatan agreement is under way this period."""
        ctx, rng = self.ctx, self.rng
        current = evaluations.current_period(ctx)
        previous = current.previous()
        today = ctx.today()
        active = Agreement.find({"status": AgreementStatus.ACTIVE.value}).sort("number")
        for n, agreement in enumerate(await active.to_list()):
            assert agreement.id is not None
            if not was_in_force(agreement, previous) or n % 5 == 4:
                continue
            visit = min(previous.start + timedelta(days=rng.randint(20, 150)), previous.end)
            actions = [
                {
                    "what": what,
                    "owner": owner,
                    "due_on": visit + timedelta(days=rng.randint(60, 240)),
                }
                for what, owner in rng.sample(FOLLOW_UPS, rng.randint(1, 2))
            ]
            score = [{"indicator": i, "score": rng.choice((3, 4, 4, 5, 2))} for i in Indicator]
            created = await evaluations.create_evaluation(
                ctx,
                agreement.id,
                {
                    "period": previous.code,
                    "visit_date": visit,
                    "scores": score,
                    "findings": rng.choice(EVALUATION_FINDINGS),
                    "obstacles": rng.choice(EVALUATION_OBSTACLES),
                    "recommendation": rng.choice(
                        (Recommendation.CONTINUE,) * 4
                        + (Recommendation.EXPAND, Recommendation.REVISE)
                    ),
                    "follow_up_actions": actions,
                },
                None,
            )
            assert created.id is not None
            submitted = await evaluations.submit_evaluation(ctx, created.id, None)
            if n % 3 != 2:
                await evaluations.review_evaluation(ctx, created.id, "Hasil monev diterima.", None)
            first = submitted.follow_up_actions[0]
            if n % 2 == 0 and first.due_on <= today:
                await evaluations.complete_follow_up(
                    ctx, created.id, first.id, "Sudah dilaksanakan.", None
                )
        dinkes = (
            await Agreement.find(
                {
                    "status": AgreementStatus.ACTIVE.value,
                    "lead_org_unit_ids": self.units["DINKES"].id,
                }
            )
            .sort("number")
            .first_or_none()
        )
        if dinkes is None or dinkes.id is None or not was_in_force(dinkes, current):
            return
        visit = max(current.start, today - timedelta(days=3))
        draft = await evaluations.create_evaluation(
            ctx,
            dinkes.id,
            {
                "period": current.code,
                "visit_date": visit,
                "scores": [{"indicator": Indicator.GOAL_FIT, "score": 4}],
                "findings": "Kunjungan ke lokasi kegiatan; laporan sedang disusun.",
            },
            None,
        )
        assert draft.id is not None
        taken = datetime.combine(visit, time(10, 15), tzinfo=CITY_TIMEZONE)
        await evaluations.upload_evidence(
            ctx,
            draft.id,
            evaluations.EvidenceUpload(
                io.BytesIO(jpeg_photo(rng, f"Kunjungan monev {indonesian_date(visit)}", taken)),
                f"monev-{visit.isoformat()}.jpg",
                caption="Kunjungan lapangan tim monev",
            ),
            None,
        )

    def partner_fields(self, key: str) -> dict[str, Any]:
        partner = PARTNERS[key]
        rng = self.rng
        contact = {
            "name": partner.contact[0],
            "position": partner.contact[1],
            # A reserved domain (RFC 2606): the demo can never mail a real address.
            "email": f"{partner.mailbox}.example",
            "phone": PHONE_FORMATS[partner.fields["city"]].format(
                str(rng.randint(10**7, 10**8 - 1))
            ),
        }
        identifiers = list(partner.fields.get("identifiers", []))
        for scheme in partner.identifiers:
            identifiers.append({"scheme": scheme, "value": invent_identifier(scheme, rng)})
        return {**partner.fields, "contacts": [contact], "identifiers": identifiers}

    async def agreement(self, item: Planned) -> None:
        spec = item.spec
        ctx = self.ctx
        draft = spec.outcome == "draft"
        fields: dict[str, Any] = {
            "number": item.number,
            "party_numbers": item.party_numbers,
            "title": spec.title,
            "purpose": spec.purpose,
            "scope": spec.scope,
            "field": spec.field,
            "form": spec.form,
            "cooperation_type": spec.cooperation_type,
            "partner_ids": [self.partners[k].id for k in spec.partners],
            "lead_org_unit_ids": [self.units[c].id for c in spec.units],
            "parent_id": self.agreements[spec.parent] if spec.parent else None,
            "signed_on": None if draft else item.signed_on,
            "starts_on": None if draft else item.signed_on,
            "ends_on": None if draft else item.ends_on,
            "visibility": spec.visibility,
            "funding_source": spec.funding,
            "value": Decimal(spec.value) if spec.value is not None else None,
            "archive_location": "" if draft else item.archive_location,
        }
        agreement = await agreements.create_agreement(ctx, fields)
        assert agreement.id is not None
        agreement_id = agreement.id
        self.agreements[spec.key] = agreement_id

        if draft:
            await self.upload(agreement_id, DocumentType.DRAFT, "Rancangan naskah", item)
        else:
            signed_type = SIGNED_DOCUMENT_TYPE[spec.form]
            title = f"Naskah {FORM_NAMES[spec.form]} bertanda tangan"
            scan = await self.upload(agreement_id, signed_type, title, item)
            if spec.rescanned:
                await self.upload(
                    agreement_id,
                    signed_type,
                    f"{title} (pindai ulang dengan lampiran)",
                    item,
                    supersedes=scan,
                    pages=3,
                )
            await agreements.activate_agreement(ctx, agreement_id, None)
            for n in range(1, spec.photos + 1):
                await self.photo(agreement_id, item, n)

        await self.record_history(agreement_id, item)

        if spec.amendment is not None:
            await self.amend(agreement_id, item, spec.amendment)
        if spec.outcome == "expired":
            await agreements.expire_agreement(ctx, agreement_id, None)
        elif spec.outcome == "terminated":
            assert spec.termination is not None
            after, reason = spec.termination
            day = add_months(item.signed_on, after)
            await agreements.terminate_agreement(ctx, agreement_id, reason, day, None)
        if spec.renews is not None:
            await agreements.extend_agreement(
                ctx, self.agreements[spec.renews], agreement_id, {}, None
            )

    async def upload(
        self,
        agreement_id: PydanticObjectId,
        doc_type: DocumentType,
        title: str,
        item: Planned,
        *,
        supersedes: DocumentRef | None = None,
        pages: int = 1,
    ) -> DocumentRef:
        spec = item.spec
        partner_names = ", ".join(self.partners[k].name for k in spec.partners)
        lines = [
            f"ANTARA PEMERINTAH KOTA BOGOR DAN {partner_names.upper()}",
            f"TENTANG: {spec.title}",
            f"Nomor Pemerintah Kota Bogor: {item.number}",
            *(f"Nomor {p['party']}: {p['number']}" for p in item.party_numbers),
            f"Maksud dan tujuan: {spec.purpose}",
            f"Ruang lingkup: {spec.scope}",
        ]
        heading = FORM_NAMES[spec.form]
        if doc_type == DocumentType.DRAFT:
            heading = f"Rancangan {heading}"
            lines.append(f"Bogor, ............ {item.signed_on.year}")  # not signed yet
        else:
            lines.append(f"Bogor, {indonesian_date(item.signed_on)}")
        content = pdf_scan(heading, lines, item.signed_on, pages)
        stem = f"{spec.form}_{file_stem(item.number)}"
        filename = f"{stem}_v2.pdf" if supersedes else f"{stem}.pdf"
        doc, _ = await documents.upload(
            self.ctx,
            agreements.DOCUMENTS,
            agreement_id,
            doc_type,
            title,
            io.BytesIO(content),
            filename,
            supersedes.id if supersedes else None,
        )
        return doc

    async def photo(self, agreement_id: PydanticObjectId, item: Planned, n: int) -> None:
        caption = f"Dokumentasi kegiatan {n} - {item.number}"
        content = jpeg_photo(self.rng, caption)
        await documents.upload(
            self.ctx,
            agreements.DOCUMENTS,
            agreement_id,
            DocumentType.EVIDENCE,
            f"Foto dokumentasi kegiatan {n}",
            io.BytesIO(content),
            f"foto-kegiatan-{n}_{file_stem(item.number)}.jpg",
            None,
        )

    async def amend(
        self, agreement_id: PydanticObjectId, item: Planned, amendment: DemoAmendment
    ) -> None:
        signed_on = add_months(item.signed_on, amendment.after)
        # Above the agreements' range (1-180), so it never repeats one of that year.
        number = f"119.2/{self.rng.randint(181, 240)}-Kerja Sama/{signed_on.year}"
        lines = [
            f"ADENDUM I atas {FORM_NAMES[item.spec.form]} Nomor {item.number}",
            f"Nomor adendum: {number}",
            f"Perihal: {amendment.title}",
            amendment.description,
            f"Bogor, {indonesian_date(signed_on)}",
        ]
        doc, _ = await documents.upload(
            self.ctx,
            agreements.DOCUMENTS,
            agreement_id,
            DocumentType.ADDENDUM,
            "Naskah Adendum I bertanda tangan",
            io.BytesIO(pdf_scan("Adendum I", lines, signed_on)),
            f"ADENDUM-I_{file_stem(item.number)}.pdf",
            None,
        )
        fields = {
            "number": number,
            "title": amendment.title,
            "description": amendment.description,
            "signed_on": signed_on,
            "document_id": doc.id,
        }
        await agreements.amend_agreement(self.ctx, agreement_id, fields, None)

    async def record_history(self, agreement_id: PydanticObjectId, item: Planned) -> None:
        """Add what happened before this archive existed: letters, meetings, monitoring and
        hand-overs, each on the day it happened."""
        events = self.routine_events(item)
        hand_over_to = None
        for story in item.spec.stories:
            day = add_months(item.signed_on, story.after)
            document_ids = []
            if story.minutes:
                doc = await self.minutes(agreement_id, item, story, day)
                document_ids = [doc.id]
            events.append(
                event(
                    story.kind,
                    story.title,
                    self.ctx.viewer.actor,
                    description=story.description,
                    occurred_at=start_of_day(day),
                    document_ids=document_ids,
                )
            )
            hand_over_to = story.hand_over_to or hand_over_to
        today = self.ctx.today()
        events = sorted(
            (e for e in events if e.occurred_at < start_of_day(today)),
            key=lambda e: e.occurred_at,
        )
        agreement = await Agreement.get(agreement_id)
        assert agreement is not None
        await agreement.commit({}, events)
        if hand_over_to is not None:
            changes = {"lead_org_unit_ids": [self.units[hand_over_to].id]}
            await agreements.update_agreement(self.ctx, agreement_id, changes, None)

    async def minutes(
        self, agreement_id: PydanticObjectId, item: Planned, story: Story, day: date
    ) -> DocumentRef:
        lines = [
            f"Perihal: {story.title}",
            story.description,
            f"Terkait {FORM_NAMES[item.spec.form]} Nomor {item.number}",
            f"Bogor, {indonesian_date(day)}",
        ]
        doc, _ = await documents.upload(
            self.ctx,
            agreements.DOCUMENTS,
            agreement_id,
            DocumentType.MINUTES,
            f"Berita acara: {story.title}",
            io.BytesIO(pdf_scan("Berita Acara", lines, day)),
            f"BERITA-ACARA_{day.isoformat()}_{file_stem(item.number)}.pdf",
            None,
        )
        return doc

    def routine_events(self, item: Planned) -> list[ChronologyEvent]:
        """The letters and meeting before signing, then a monitoring visit every year, some
        coordination meetings, and a hand-over whenever officials changed (every ~5 years)."""
        rng = self.rng
        spec = item.spec
        actor = self.ctx.viewer.actor
        first_partner = self.partners[spec.partners[0]].name
        unit = self.units[spec.units[0]].short_name

        if spec.renews:
            letter = (
                "Surat usulan perpanjangan kerja sama",
                "Usulan perpanjangan disampaikan kepada Wali Kota Bogor dengan tembusan "
                "Sekretaris Daerah.",
            )
        else:
            letter = (
                "Surat permohonan kerja sama diterima",
                f"Surat permohonan dan kerangka acuan kerja (KAK) dari {first_partner} kepada "
                "Wali Kota Bogor.",
            )
        sent = item.signed_on - timedelta(days=rng.randint(75, 120))
        review = event(
            Kind.MEETING,
            "Rapat TKKSD membahas rancangan naskah",
            actor,
            description=(
                "Tim Koordinasi Kerja Sama Daerah membahas rancangan naskah; menunggu "
                "tanggapan mitra atas ruang lingkup."
                if spec.outcome == "draft"
                else "Tim Koordinasi Kerja Sama Daerah menyetujui rancangan naskah untuk "
                "ditandatangani para pihak."
            ),
            occurred_at=start_of_day(item.signed_on - timedelta(days=rng.randint(20, 45))),
        )
        events = [
            event(
                Kind.CORRESPONDENCE,
                letter[0],
                actor,
                description=letter[1],
                occurred_at=start_of_day(sent),
            ),
            review,
        ]
        if spec.outcome == "draft":
            return events

        last = min(item.ends_on, self.ctx.today())
        if spec.termination is not None:
            last = min(last, add_months(item.signed_on, spec.termination[0]))
        for year in itertools.count(1):
            visit = add_months(item.signed_on, 12 * year) - timedelta(days=rng.randint(15, 60))
            if visit >= last:
                break
            events.append(
                event(
                    Kind.EVALUATED,
                    f"Monitoring dan evaluasi tahun {visit.year}",
                    actor,
                    description=rng.choice(EVALUATION_FINDINGS),
                    occurred_at=start_of_day(visit),
                )
            )
            meeting = visit - timedelta(days=rng.randint(90, 180))
            if rng.random() < 0.4 and meeting > item.signed_on:
                events.append(
                    event(
                        Kind.MEETING,
                        "Rapat koordinasi pelaksanaan kerja sama",
                        actor,
                        description=rng.choice(MEETING_AGENDAS),
                        occurred_at=start_of_day(meeting),
                    )
                )
            # Mid-term, not at the end: that is when officials usually changed.
            if year % 5 == 4:
                handover = visit + timedelta(days=rng.randint(20, 40))
                events.append(
                    event(
                        Kind.HANDOVER,
                        "Serah terima berkas kepada pejabat pengelola yang baru",
                        actor,
                        description=f"Pejabat pengelola di {unit} berganti; naskah, "
                        "korespondensi dan catatan monev diserahterimakan lengkap.",
                        occurred_at=start_of_day(handover),
                    )
                )
        return events

    async def proposals(self) -> None:
        """Menu 2: proposals from the demo partner (IPB) and the demo officer (Dinas
        Kesehatan) at every stage of the review, none approved yet (so the archive keeps its
        30 agreements)."""
        actors = {}
        for key in ("partner", "officer", "reviewer"):
            user = await User.find_one({"email": f"{key}@sikerma.example"})
            assert user is not None
            viewer = Viewer(
                id=str(user.id),
                name=user.display_name,
                role=user.role,
                org_unit_id=user.org_unit_id,
                partner_id=user.partner_id,
            )
            actors[key] = replace(self.ctx, viewer=viewer)
        admin = self.ctx
        for spec in DEMO_PROPOSALS:
            ctx = actors[spec["by"]]
            fields = {
                **spec["fields"],
                "org_unit_id": self.units[spec["unit"]].id,
                "partner_ids": [self.partners[k].id for k in spec["partners"]],
            }
            proposal = await proposals.create_proposal(ctx, fields)
            assert proposal.id is not None
            pid = proposal.id
            papers = [(DocumentType.REQUEST_LETTER, "Surat permohonan kerja sama")]
            if spec["status"] != "DRAFT":
                papers.append((DocumentType.TOR, "Kerangka acuan kerja (KAK)"))
            for doc_type, title in papers:
                lines = [
                    f"Perihal: {title}",
                    f"Usulan: {spec['fields']['title']}",
                    f"Maksud dan tujuan: {spec['fields']['purpose']}",
                    f"Ruang lingkup: {spec['fields']['scope']}",
                ]
                content = pdf_scan(title, lines, self.ctx.today())
                filename = f"{doc_type.value.lower()}_{pid}.pdf"
                await documents.upload(
                    ctx,
                    proposals.ATTACHMENTS,
                    pid,
                    doc_type,
                    title,
                    io.BytesIO(content),
                    filename,
                    None,
                )
            if spec["status"] == "DRAFT":
                continue
            await proposals.submit_proposal(ctx, pid, None)
            if spec["status"] == "REVISION_REQUESTED":
                await proposals.request_revision(admin, pid, spec["note"], None)
            elif spec["status"] == "REJECTED":
                await proposals.reject_proposal(admin, pid, spec["note"], None)
            elif spec["status"] in {"VERIFIED", "IN_REVIEW"}:
                await proposals.verify_proposal(admin, pid, "Berkas lengkap.", None)
                if spec["status"] == "IN_REVIEW":
                    await proposals.record_review(
                        actors["reviewer"], pid, spec["note"], ReviewRecommendation.APPROVE, None
                    )


# --- public information (menu 5): procedures, FAQ and templates ------------------------------

_PUBLIC = _read("public_information")
DEMO_PROCEDURES: dict[CooperationType, dict[str, Any]] = {
    CooperationType(cooperation_type): {
        **content,
        "required_documents": [
            {**doc, "document_type": doc["document_type"] and DocumentType(doc["document_type"])}
            for doc in content["required_documents"]
        ],
    }
    for cooperation_type, content in _PUBLIC["procedures"].items()
}
DEMO_FAQ: list[tuple[str, str, str]] = [
    (entry["category"], entry["question"], entry["answer"]) for entry in _PUBLIC["faq"]
]


BLANK = "...................................................."
CITY_LETTERHEAD = "PEMERINTAH KOTA BOGOR"
DEMO_TEMPLATES: list[dict[str, Any]] = [
    {
        **spec,
        "document_type": DocumentType(spec["document_type"]),
        "cooperation_types": [CooperationType(c) for c in spec["cooperation_types"]],
    }
    for spec in _PUBLIC["templates"]
]
CHECKLIST_LINES: list[str] = _PUBLIC["checklist"]


async def load_public_information(ctx: Context) -> None:
    """Procedures, FAQ and templates, through the use cases; one procedure and one template
    have a second version, so their history shows."""
    for model in (Procedure, FaqEntry, Template):
        if await model.find_one({}) is not None:
            log.info("public information already present; demo procedures not loaded")
            return
    for cooperation_type, content in DEMO_PROCEDURES.items():
        await public.update_procedure(ctx, cooperation_type, content, "Versi awal", None)
    first = DEMO_PROCEDURES[Coop.KSDPK]
    revised = {**first, "estimated_duration": "40-60 hari kerja sampai penandatanganan"}
    await public.update_procedure(
        ctx, Coop.KSDPK, revised, "Verifikasi berkas dipersingkat sejak SIKERMA berjalan", None
    )
    for position, (category, question, answer) in enumerate(DEMO_FAQ):
        fields = {"category": category, "question": question, "answer": answer}
        await public.create_faq_entry(ctx, {**fields, "position": position * 10}, "")
    templates = []
    for spec in DEMO_TEMPLATES:
        fields = {
            k: v for k, v in spec.items() if k not in {"filename", "paragraphs", "letterhead"}
        }
        word = docx(spec["title"], spec["paragraphs"], spec.get("letterhead", CITY_LETTERHEAD))
        templates.append(
            await public.upload_template(
                ctx, None, fields, io.BytesIO(word), spec["filename"], "Versi awal", None
            )
        )
    checklist = pdf_scan("Daftar Periksa Kelengkapan Berkas", CHECKLIST_LINES, date(2024, 1, 2))
    await public.upload_template(
        ctx,
        None,
        {
            "title": "Daftar Periksa Kelengkapan Berkas",
            "description": "Dokumen yang perlu disiapkan sebelum mengajukan kerja sama.",
            "document_type": DocumentType.OTHER,
        },
        io.BytesIO(checklist),
        "daftar-periksa-kelengkapan-berkas.pdf",
        "",
        None,
    )
    letter = DEMO_TEMPLATES[0]
    contact = f"Alamat surel dan nomor telepon narahubung: {BLANK}"
    assert templates[0].id is not None
    await public.upload_template(
        ctx,
        templates[0].id,
        {},
        io.BytesIO(
            docx(
                letter["title"],
                [*letter["paragraphs"][:4], contact, "Hormat kami"],
                letter["letterhead"],
            )
        ),
        letter["filename"],
        "Kolom narahubung diperjelas",
        None,
    )
