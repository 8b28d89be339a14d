"""Open data: the public catalogue in the shape of the Open Contracting Data Standard (1.1).

A record package with one record per public agreement (ocid = prefix + agreement id), one
release per chronology event, and a compiled release of the agreement as it stands. OCDS is
made for procurement; the mapping (README, "Open data") reads a cooperation as a contract
awarded to its partners: the city is the buyer, the lead departments the procuring entities,
the partners the suppliers, the signed text a `contractSigned` document, an addendum a
contract amendment. Only public fields leave: an event whose content is internal (a meeting,
a monitoring visit, a note) becomes a release with its date and stage but nothing else, and
documents are listed without a link (the files stay behind sign-in).
"""

import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

from beanie import PydanticObjectId

from models import Agreement, OrgUnit, Partner
from models.chronology import ChronologyEvent, start_of_day
from models.clock import utcnow
from models.documents import DocumentRef
from models.enums import FORM_NAMES, AgreementStatus, ChronologyKind, DocumentType
from resolvers import scoped
from resolvers.context import Context
from resolvers.scoped import Use
from settings import OCDS_EXAMPLE_PREFIX, Settings

OCDS_VERSION = "1.1"
LANGUAGE = "id"
CITY_PARTY_ID = "pemkot-bogor"
CITY_NAME = "Pemerintah Kota Bogor"
# Bogor's calendar dates, as OCDS date-times.
WIB = "+07:00"
CHUNK_CHARS = 64 * 1024

# The signed texts are public facts; minutes, reports, photos and letters are not.
PUBLIC_DOCUMENT_TYPES = {
    DocumentType.SIGNED_KSB: "contractSigned",
    DocumentType.SIGNED_PKS: "contractSigned",
    DocumentType.SIGNED_NK: "contractSigned",
    DocumentType.ADDENDUM: "contractAnnexe",
}
CONTRACT_STATUS = {
    AgreementStatus.DRAFT: "pending",
    AgreementStatus.ACTIVE: "active",
    AgreementStatus.EXPIRED: "terminated",
    AgreementStatus.TERMINATED: "terminated",
    AgreementStatus.EXTENDED: "terminated",
}
# Events about the archive itself (not about the cooperation in the world).
BOOKKEEPING = frozenset(
    {
        ChronologyKind.CREATED,
        ChronologyKind.UPDATED,
        ChronologyKind.DOCUMENT_ADDED,
        ChronologyKind.CORRECTION,
        ChronologyKind.STATUS_CHANGED,
        ChronologyKind.EXTENDED,
    }
)


def day(value: date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00{WIB}" if value else None


def moment(value: datetime) -> str:
    return value.isoformat()


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """OCDS omits what is unknown rather than writing null or empty lists."""
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


class Mapper:
    """The OCDS view of one agreement, given its partners, departments and public links."""

    def __init__(
        self,
        prefix: str,
        agreement: Agreement,
        partners: list[Partner],
        units: list[OrgUnit],
        public_ids: set[PydanticObjectId],
    ) -> None:
        self.a = agreement
        self.ocid = f"{prefix}-{agreement.id}"
        self.partners = partners
        self.units = units
        self.public_ids = public_ids
        self.prefix = prefix

    # --- pieces every release shares ---------------------------------------------------------

    def parties(self) -> list[dict[str, Any]]:
        city = {"id": CITY_PARTY_ID, "name": CITY_NAME, "roles": ["buyer"]}
        units = [
            {"id": f"opd-{u.id}", "name": u.name, "roles": ["procuringEntity"]} for u in self.units
        ]
        partners = [
            _clean(
                {
                    "id": f"mitra-{p.id}",
                    "name": p.name,
                    "roles": ["supplier"],
                    "address": _clean({"countryName": p.country}),
                    "details": {"partnerKind": p.kind.value},
                }
            )
            for p in self.partners
        ]
        return [city, *units, *partners]

    def related_processes(self) -> list[dict[str, Any]]:
        """Links to other public agreements only: a PKS's KSB is its framework, a renewal
        follows on from the agreement it renews."""
        links = []
        for relationship, other in (
            ("framework", self.a.parent_id),
            ("prior", self.a.predecessor_id),
        ):
            if other is not None and other in self.public_ids:
                links.append(
                    {
                        "id": relationship,
                        "relationship": [relationship],
                        "scheme": "ocid",
                        "identifier": f"{self.prefix}-{other}",
                    }
                )
        return links

    def common(self, release_id: str, when: str, tags: list[str]) -> dict[str, Any]:
        return _clean(
            {
                "ocid": self.ocid,
                "id": release_id,
                "date": when,
                "tag": tags,
                "initiationType": "tender",
                "language": LANGUAGE,
                "buyer": {"id": CITY_PARTY_ID, "name": CITY_NAME},
                "parties": self.parties(),
                "relatedProcesses": self.related_processes(),
            }
        )

    # --- the award and the contract -----------------------------------------------------------

    def award(self) -> dict[str, Any]:
        a = self.a
        return _clean(
            {
                "id": a.number,
                "title": a.title,
                "status": "active",
                "date": day(a.signed_on),
                "suppliers": [{"id": f"mitra-{p.id}", "name": p.name} for p in self.partners],
                "contractPeriod": self.period(),
            }
        )

    def period(self) -> dict[str, Any]:
        return _clean(
            {"startDate": day(self.a.starts_on or self.a.signed_on), "endDate": day(self.a.ends_on)}
        )

    def contract(self, **extra: Any) -> dict[str, Any]:
        a = self.a
        description = f"{FORM_NAMES[a.form]} ({a.form.value}); jenis {a.cooperation_type.value}" + (
            f"; bidang {a.field}" if a.field else ""
        )
        return _clean(
            {
                "id": a.number,
                "awardID": a.number,
                "title": a.title,
                "description": description,
                **extra,
            }
        )

    def document(self, doc: DocumentRef) -> dict[str, Any]:
        return {
            "id": str(doc.id),
            "documentType": PUBLIC_DOCUMENT_TYPES[doc.type],
            "title": doc.title,
            "datePublished": moment(doc.uploaded_at),
            "format": doc.content_type,
            "language": LANGUAGE,
        }

    def public_documents(self, ids: list[PydanticObjectId] | None = None) -> list[dict[str, Any]]:
        """The signed texts among `ids` (all current ones when None)."""
        superseded = self.a.superseded_ids()
        return [
            self.document(d)
            for d in self.a.documents
            if d.type in PUBLIC_DOCUMENT_TYPES
            and (d.id in ids if ids is not None else d.id not in superseded)
        ]

    def amendments(self, only: ChronologyEvent | None = None) -> list[dict[str, Any]]:
        found = []
        for m in self.a.amendments:
            if only is not None and not (
                (m.document_id is not None and m.document_id in only.document_ids)
                or only.title.startswith(f"Adendum {m.number}:")
            ):
                continue
            found.append(
                {"id": str(m.id), "date": day(m.signed_on), "description": f"{m.number}: {m.title}"}
            )
        return found

    # --- releases ------------------------------------------------------------------------------

    def release(self, event: ChronologyEvent, tags: list[str]) -> dict[str, Any]:
        release = self.common(str(event.id), moment(event.occurred_at), tags)
        kind = event.kind
        if kind == ChronologyKind.SIGNED:
            release["awards"] = [self.award()]
            release["contracts"] = [
                self.contract(
                    status="active",
                    period=self.period(),
                    dateSigned=day(self.a.signed_on),
                    documents=self.public_documents(event.document_ids),
                )
            ]
        elif kind == ChronologyKind.AMENDED:
            release["contracts"] = [
                self.contract(
                    amendments=self.amendments(event),
                    documents=self.public_documents(event.document_ids),
                )
            ]
        elif kind == ChronologyKind.TERMINATED:
            ended = {"endDate": moment(event.occurred_at)}
            release["contracts"] = [self.contract(status="terminated", period=ended)]
        return release

    def releases(self) -> list[dict[str, Any]]:
        """One per event, in the order they happened, each tagged with its stage."""
        signed = start_of_day(self.a.signed_on) if self.a.signed_on else None
        events = sorted(self.a.chronology, key=lambda e: (e.occurred_at, e.recorded_at))
        seen: set[str] = set()
        out = []
        for event in events:
            tags = self.tags(event, signed, seen)
            seen.update(tags)
            out.append(self.release(event, tags))
        return out

    @staticmethod
    def tags(event: ChronologyEvent, signed: datetime | None, seen: set[str]) -> list[str]:
        kind = event.kind
        if kind == ChronologyKind.SIGNED:
            return ["award", "contract"]
        if kind == ChronologyKind.AMENDED:
            return ["contractAmendment"]
        if kind == ChronologyKind.TERMINATED:
            return ["contractTermination"]
        if signed is None or event.occurred_at < signed:
            return ["planningUpdate" if "planning" in seen else "planning"]
        if kind in BOOKKEEPING:
            return ["contractUpdate"]
        return ["implementationUpdate" if "implementation" in seen else "implementation"]

    def compiled(self) -> dict[str, Any]:
        """The agreement as it stands now."""
        latest = max((e.occurred_at for e in self.a.chronology), default=self.a.updated_at)
        release = self.common(f"{self.a.id}-compiled", moment(latest), ["compiled"])
        release["awards"] = [self.award()]
        release["contracts"] = [
            self.contract(
                status=CONTRACT_STATUS[self.a.status],
                period=self.period(),
                dateSigned=day(self.a.signed_on),
                documents=self.public_documents(),
                amendments=self.amendments(),
            )
        ]
        return release

    def record(self) -> dict[str, Any]:
        return {"ocid": self.ocid, "releases": self.releases(), "compiledRelease": self.compiled()}


def publishable(settings: Settings) -> bool:
    """Production publishes only under the city's own registered ocid prefix."""
    return settings.environment != "production" or settings.ocds_ocid_prefix != (
        OCDS_EXAMPLE_PREFIX
    )


async def records(ctx: Context) -> AsyncIterator[dict[str, Any]]:
    """An OCDS record per public agreement, a batch of agreements per round trip."""
    size = max(1, ctx.settings.export_batch_size // 10)
    prefix = ctx.settings.ocds_ocid_prefix
    async for batch in await scoped.batches(ctx.viewer, Agreement, {}, None, size, Use.PUBLIC):
        agreements = [Agreement.model_validate(raw) for raw in batch]
        partner_ids = {i for a in agreements for i in a.partner_ids}
        unit_ids = {i for a in agreements for i in a.lead_org_unit_ids}
        linked = {i for a in agreements for i in (a.parent_id, a.predecessor_id) if i}
        named = await scoped.by_ids(ctx.viewer, Partner, list(partner_ids), Use.NAMED)
        partners = {p.id: p for p in named if p is not None}
        led = await scoped.by_ids(ctx.viewer, OrgUnit, list(unit_ids), Use.NAMED)
        units = {u.id: u for u in led if u is not None}
        public_ids: set[PydanticObjectId] = set()
        if linked:
            among = {"_id": {"$in": list(linked)}}
            public_ids = set(await scoped.ids(ctx.viewer, Agreement, among, Use.PUBLIC) or [])
        for a in agreements:
            yield Mapper(
                prefix,
                a,
                [partners[i] for i in a.partner_ids if i in partners],
                [units[i] for i in a.lead_org_unit_ids if i in units],
                public_ids,
            ).record()


async def record_package(ctx: Context, uri: str) -> AsyncIterator[bytes]:
    """The record package as JSON, written record by record."""
    settings = ctx.settings
    publisher = _clean({"name": settings.ocds_publisher_name, "uri": settings.ocds_publisher_uri})
    head = _clean(
        {
            "uri": uri,
            "version": OCDS_VERSION,
            "publisher": publisher,
            "publishedDate": moment(utcnow()),
            "license": settings.ocds_license,
        }
    )
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
    first = True
    async for record in records(ctx):
        text += ("" if first else ",") + json.dumps(record, ensure_ascii=False)
        first = False
        if len(text) >= CHUNK_CHARS:
            yield text.encode()
            text = ""
    yield (text + "]}").encode()
