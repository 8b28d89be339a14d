"""Demo-like archive data created through the GraphQL API, as a client would enter it."""

import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fpdf import FPDF

from bench.api import Api

ERRORS = "errors { field code message }"
CREATE_ORG_UNIT = f"""mutation($input: CreateOrgUnitInput!) {{
  createOrgUnit(input: $input) {{ orgUnit {{ id }} {ERRORS} }}
}}"""
CREATE_PARTNER = f"""mutation($input: CreatePartnerInput!) {{
  createPartner(input: $input) {{ partner {{ id }} {ERRORS} }}
}}"""
CREATE_AGREEMENT = f"""mutation($input: CreateAgreementInput!) {{
  createAgreement(input: $input) {{ agreement {{ id }} {ERRORS} }}
}}"""
UPLOAD_DOCUMENT = f"""mutation($input: UploadAgreementDocumentInput!) {{
  uploadAgreementDocument(input: $input) {{
    document {{ id size sha256 downloadUrl }}
    {ERRORS}
  }}
}}"""

ORG_UNITS = [
    ("DINKES", "Dinas Kesehatan"),
    ("DISDIK", "Dinas Pendidikan"),
    ("DISHUB", "Dinas Perhubungan"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
]
PARTNERS = [
    ("Institut Pertanian Bogor", "UNIVERSITY"),
    ("Universitas Pakuan", "UNIVERSITY"),
    ("Pemerintah Kabupaten Bogor", "REGIONAL_GOVERNMENT"),
    ("Pemerintah Kota Depok", "REGIONAL_GOVERNMENT"),
    ("PT Transportasi Jakarta", "STATE_ENTERPRISE"),
    ("PT Bank Jabar Banten", "STATE_ENTERPRISE"),
    ("Yayasan Kota Hijau", "NGO"),
    ("Badan Pusat Statistik", "CENTRAL_GOVERNMENT"),
    ("PT Telekomunikasi Indonesia", "COMPANY"),
    ("City of Saint-Denis", "FOREIGN_GOVERNMENT"),
]
FIELDS = ["Pendidikan", "Kesehatan", "Perhubungan", "Lingkungan Hidup", "Pariwisata"]
PURPOSE = (
    "Meningkatkan kualitas layanan publik di Kota Bogor melalui pertukaran data, "
    "peningkatan kapasitas aparatur, dan pelaksanaan program bersama yang terukur. "
)


@dataclass
class SeedResult:
    org_unit_ids: list[str]
    partner_ids: list[str]
    agreement_ids: list[str]
    documents: int
    seconds: float
    create_ms: list[float] = field(default_factory=list)
    upload_ms: list[float] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.agreement_ids)} agreements, {self.documents} documents, "
            f"{len(self.partner_ids)} partners, {len(self.org_unit_ids)} org units "
            f"in {self.seconds:.1f} s (median createAgreement "
            f"{statistics.median(self.create_ms):.0f} ms, upload "
            f"{statistics.median(self.upload_ms):.0f} ms)"
        )


def small_pdf(title: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text=f"NASKAH KERJA SAMA\n{title}\n" + PURPOSE * 3)
    return bytes(pdf.output())


async def create_masters(api: Api) -> tuple[list[str], list[str]]:
    units = [
        (await api.mutate(CREATE_ORG_UNIT, "createOrgUnit", {"code": code, "name": name}))[
            "orgUnit"
        ]["id"]
        for code, name in ORG_UNITS
    ]
    partners = [
        (await api.mutate(CREATE_PARTNER, "createPartner", {"name": name, "kind": kind}))[
            "partner"
        ]["id"]
        for name, kind in PARTNERS
    ]
    return units, partners


async def seed_archive(api: Api, *, frameworks: int = 10, children_each: int = 5) -> SeedResult:
    """`frameworks` KSB, each with `children_each` PKS under it; 1-2 scans and 2-3 partners
    per agreement. Seeded randomness keeps every run's data the same."""
    rng = random.Random(20180738)  # test data, not secrets
    started = time.perf_counter()
    units, partners = await create_masters(api)
    result = SeedResult(units, partners, [], 0, 0.0)

    async def create(
        number: str, form: str, parent: tuple[str, date, date] | None = None
    ) -> tuple[str, date, date]:
        """The agreement's id and term; a PKS runs within its KSB's term."""
        if parent is None:
            signed = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
            ends = signed + timedelta(days=365 * rng.randint(2, 10))
        else:
            _, parent_starts, parent_ends = parent
            signed = parent_starts + timedelta(days=rng.randrange(365))
            ends = min(signed + timedelta(days=365 * rng.randint(1, 5)), parent_ends)
        fields: dict[str, Any] = {
            "number": number,
            "title": f"{form} {number}: kerja sama bidang {rng.choice(FIELDS).lower()}",
            "form": form,
            "cooperationType": rng.choice(["KSDD", "KSDPK", "SINERGI"]),
            "partnerIds": rng.sample(partners, rng.randint(2, 3)),
            "leadOrgUnitIds": rng.sample(units, rng.randint(1, 2)),
            "purpose": PURPOSE * 2,
            "scope": "Ruang lingkup: " + PURPOSE,
            "field": rng.choice(FIELDS),
            "parentId": parent[0] if parent else None,
            "signedOn": signed.isoformat(),
            "startsOn": signed.isoformat(),
            "endsOn": ends.isoformat(),
            "fundingSource": "APBD Kota Bogor",
            "archiveLocation": f"Lemari {rng.randint(1, 9)}, rak {rng.randint(1, 5)}",
        }
        t0 = time.perf_counter()
        payload = await api.mutate(CREATE_AGREEMENT, "createAgreement", fields)
        result.create_ms.append((time.perf_counter() - t0) * 1000)
        agreement_id: str = payload["agreement"]["id"]
        result.agreement_ids.append(agreement_id)
        for n in range(rng.randint(1, 2)):
            doc_type = ("SIGNED_KSB" if form == "KSB" else "SIGNED_PKS") if n == 0 else "MINUTES"
            title = f"Naskah {number}" if n == 0 else f"Berita acara {number}"
            t0 = time.perf_counter()
            await api.upload(
                UPLOAD_DOCUMENT,
                "uploadAgreementDocument",
                {"agreementId": agreement_id, "type": doc_type, "title": title},
                (f"{number.replace('/', '-')}-{n}.pdf", small_pdf(title), "application/pdf"),
            )
            result.upload_ms.append((time.perf_counter() - t0) * 1000)
            result.documents += 1
        return agreement_id, signed, ends

    for k in range(1, frameworks + 1):
        ksb = await create(f"KSB/{k:03d}/2024", "KSB")
        for j in range(1, children_each + 1):
            await create(f"PKS/{k:03d}.{j}/2024", "PKS", ksb)
    result.seconds = time.perf_counter() - started
    return result


async def one_agreement(api: Api) -> str:
    """A KSB to attach files to, with the master data it needs."""
    units, partners = await create_masters(api)
    payload = await api.mutate(
        CREATE_AGREEMENT,
        "createAgreement",
        {
            "number": "KSB/BENCH/2024",
            "title": "Kesepakatan bersama untuk uji beban",
            "form": "KSB",
            "cooperationType": "KSDPK",
            "partnerIds": partners[:2],
            "leadOrgUnitIds": units[:1],
        },
    )
    agreement_id: str = payload["agreement"]["id"]
    return agreement_id
