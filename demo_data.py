"""Demo data: departments, partners and 30 agreements of Kota Bogor with scans and years of history.

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
import logging
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from beanie import PydanticObjectId
from fpdf import FPDF
from PIL import Image, ImageDraw

from database import Database
from models import Agreement, FaqEntry, OrgUnit, Partner, Procedure, Template, User
from models.chronology import ChronologyEvent, event, start_of_day
from models.documents import DocumentRef
from models.enums import (
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
from resolvers import agreements, evaluations, org_units, partners, proposals, public, users
from resolvers.context import CITY_TIMEZONE, Context
from resolvers.monitoring import was_in_force
from resolvers.viewer import ANONYMOUS, Viewer
from settings import get_settings

log = logging.getLogger("sikerma")

# Perwali Kota Bogor No. 38/2018, the city's rule on cooperation.
SEED = 38

# One account per role, for trying the access rules. The passwords are in the README and are
# for the demo only.
DEMO_USERS: list[dict[str, Any]] = [
    {
        "email": "admin@sikerma.example",
        "display_name": "Rina Admin (Bagian Kerja Sama)",
        "role": Role.ADMIN,
        "password": "Demo-Admin-Sikerma-2026",
    },
    {
        "email": "reviewer@sikerma.example",
        "display_name": "Hendra Reviewer (TKKSD)",
        "role": Role.REVIEWER,
        "password": "Demo-Reviewer-Sikerma-2026",
    },
    {
        "email": "officer@sikerma.example",
        "display_name": "Sari Officer (Dinas Kesehatan)",
        "role": Role.OFFICER,
        "unit": "DINKES",
        "password": "Demo-Officer-Sikerma-2026",
    },
    {
        "email": "executive@sikerma.example",
        "display_name": "Bapak Sekda (Pimpinan)",
        "role": Role.EXECUTIVE,
        "password": "Demo-Executive-Sikerma-2026",
    },
    {
        "email": "partner@sikerma.example",
        "display_name": "Dewi Partner (IPB University)",
        "role": Role.PARTNER,
        "partner": "ipb",
        "password": "Demo-Partner-Sikerma-2026",
    },
]

Kind = ChronologyKind
Form = AgreementForm
Coop = CooperationType

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
FORM_NAMES = {
    Form.KSB: "Kesepakatan Bersama",
    Form.PKS: "Perjanjian Kerja Sama",
    Form.NK: "Nota Kesepakatan",
}

# --- master data ------------------------------------------------------------------------------

ORG_UNITS: list[dict[str, Any]] = [
    {"code": "BAGKS", "name": "Bagian Kerja Sama Sekretariat Daerah", "short_name": "Bag. KS"},
    {"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah", "short_name": "Bappeda"},
    {"code": "DINKES", "name": "Dinas Kesehatan", "short_name": "Dinkes"},
    {"code": "DISDIK", "name": "Dinas Pendidikan", "short_name": "Disdik"},
    {"code": "DISHUB", "name": "Dinas Perhubungan", "short_name": "Dishub"},
    {
        "code": "DPMPTSP",
        "name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "short_name": "DPMPTSP",
    },
    {"code": "DLH", "name": "Dinas Lingkungan Hidup", "short_name": "DLH"},
    {"code": "DISKOMINFO", "name": "Dinas Komunikasi dan Informatika", "short_name": "Diskominfo"},
    {
        "code": "DINKOPUKM",
        "name": "Dinas Koperasi dan Usaha Mikro, Kecil, dan Menengah",
        "short_name": "Dinkop UMKM",
    },
    {"code": "DISPARBUD", "name": "Dinas Pariwisata dan Kebudayaan", "short_name": "Disparbud"},
    # Dissolved in the 2016 reorganisation; its agreements moved to DPMPTSP (see "depok").
    {
        "code": "BPPTPM",
        "name": "Badan Pelayanan Perizinan Terpadu dan Penanaman Modal",
        "short_name": "BPPTPM",
        "active": False,
    },
]


@dataclass(frozen=True)
class DemoPartner:
    fields: dict[str, Any]
    label: str  # how the party is named in a party-number list
    numbering: str  # its own registry format; {n} and {year} are filled in
    contact: tuple[str, str]  # name, position
    mailbox: str
    identifiers: tuple[str, ...] = ("NPWP",)  # the registry numbers to invent for it


PARTNERS: dict[str, DemoPartner] = {
    "ipb": DemoPartner(
        {
            "name": "IPB University (Institut Pertanian Bogor)",
            "kind": PartnerKind.UNIVERSITY,
            "province": "Jawa Barat",
            "city": "Kabupaten Bogor",
            "address": "Kampus IPB Dramaga, Jl. Raya Dramaga, Bogor 16680",
        },
        "IPB University",
        "{n}/IT3/KS.00.00/{year}",
        ("Dr. Ir. Rina Kusumawati, M.Si.", "Direktur Kerja Sama"),
        "kerjasama@ipb",
    ),
    "unpak": DemoPartner(
        {
            "name": "Universitas Pakuan",
            "kind": PartnerKind.UNIVERSITY,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Pakuan, Tegallega, Bogor Tengah, Kota Bogor 16129",
        },
        "Universitas Pakuan",
        "{n}/Rek/Unpak/KS/{year}",
        ("Dr. Hendra Gunawan, S.H., M.H.", "Wakil Rektor Bidang Kerja Sama"),
        "humas@unpak",
    ),
    "kab": DemoPartner(
        {
            "name": "Pemerintah Kabupaten Bogor",
            "kind": PartnerKind.REGIONAL_GOVERNMENT,
            "province": "Jawa Barat",
            "city": "Kabupaten Bogor",
            "address": "Jl. Tegar Beriman No. 1, Cibinong 16914",
            "identifiers": [{"scheme": "Kode Wilayah Kemendagri", "value": "32.01"}],
        },
        "Pemkab Bogor",
        "119/{n}-Kerja Sama/{year}",
        ("Drs. Asep Saepudin, M.Si.", "Kepala Bagian Kerja Sama Setda"),
        "kerjasama@bogorkab",
        (),
    ),
    "depok": DemoPartner(
        {
            "name": "Pemerintah Kota Depok",
            "kind": PartnerKind.REGIONAL_GOVERNMENT,
            "province": "Jawa Barat",
            "city": "Kota Depok",
            "address": "Jl. Margonda Raya No. 54, Depok 16431",
            "identifiers": [{"scheme": "Kode Wilayah Kemendagri", "value": "32.76"}],
        },
        "Pemkot Depok",
        "119/{n}/Kerja Sama/{year}",
        ("Dewi Anggraeni, S.IP., M.Si.", "Kepala Bagian Kerja Sama Setda"),
        "kerjasama@depok",
        (),
    ),
    "dki": DemoPartner(
        {
            "name": "Pemerintah Provinsi DKI Jakarta",
            "kind": PartnerKind.REGIONAL_GOVERNMENT,
            "province": "DKI Jakarta",
            "city": "Jakarta Pusat",
            "address": "Jl. Medan Merdeka Selatan No. 8-9, Jakarta Pusat 10110",
            "identifiers": [{"scheme": "Kode Wilayah Kemendagri", "value": "31"}],
        },
        "Pemprov DKI Jakarta",
        "{n}/HK.04.00/{year}",
        ("Ir. Bambang Sutrisno, M.T.", "Kepala Biro Pemerintahan"),
        "birokerjasama@jakarta",
        (),
    ),
    "pln": DemoPartner(
        {
            "name": "PT PLN (Persero) Unit Pelaksana Pelayanan Pelanggan Bogor",
            "kind": PartnerKind.STATE_ENTERPRISE,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Pajajaran, Bogor Timur, Kota Bogor",
        },
        "PT PLN (Persero)",
        "{n}.PJ/HKM.01.02/UP3BGR/{year}",
        ("Yudi Prasetyo", "Manajer UP3 Bogor"),
        "up3bogor@pln",
    ),
    "tirta": DemoPartner(
        {
            "name": "Perumda Air Minum Tirta Pakuan Kota Bogor",
            # A regional public enterprise: the nearest kind the archive has.
            "kind": PartnerKind.STATE_ENTERPRISE,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Siliwangi, Bogor Timur, Kota Bogor",
        },
        "Perumda Tirta Pakuan",
        "{n}/PKS/TP/{year}",
        ("Agus Setiawan, S.T., M.M.", "Direktur Teknik"),
        "sekretariat@tirtapakuan",
    ),
    "pdn": DemoPartner(
        {
            "name": "PT Pakuan Data Nusantara",
            "kind": PartnerKind.COMPANY,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Pajajaran Indah V No. 12, Baranangsiang, Kota Bogor 16143",
        },
        "PT Pakuan Data Nusantara",
        "{n}/PDN-LGL/{year}",
        ("Fajar Nugroho", "Direktur Utama"),
        "legal@pakuandata",
        ("NPWP", "NIB"),
    ),
    "ysc": DemoPartner(
        {
            "name": "Yayasan Sahabat Ciliwung Bogor",
            "kind": PartnerKind.NGO,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Sempur Kaler No. 7, Bogor Tengah, Kota Bogor 16121",
        },
        "Yayasan Sahabat Ciliwung",
        "{n}/YSC/KS/{year}",
        ("Siti Nurhaliza", "Ketua Pengurus"),
        "sekretariat@sahabatciliwung",
    ),
    "mbsa": DemoPartner(
        {
            "name": "Majlis Bandaraya Shah Alam",
            "kind": PartnerKind.FOREIGN_GOVERNMENT,
            "country": "Malaysia",
            "province": "Selangor",
            "city": "Shah Alam",
            "address": "Wisma MBSA, Persiaran Perbandaran, 40000 Shah Alam",
        },
        "Majlis Bandaraya Shah Alam",
        "MBSA.100-2/{n}/{year}",
        ("Nurul Aina binti Ahmad", "Pengarah Jabatan Perhubungan Korporat"),
        "korporat@mbsa",
        (),
    ),
    "jica": DemoPartner(
        {
            "name": "Japan International Cooperation Agency (JICA)",
            "kind": PartnerKind.FOREIGN_INSTITUTION,
            "country": "Jepang",
            "city": "Tokyo",
            "address": "Nibancho Center Building, 5-25 Niban-cho, Chiyoda-ku, Tokyo",
        },
        "JICA",
        "JICA-IDN/{n}/{year}",
        ("Takeshi Yamamoto", "Senior Representative, JICA Indonesia Office"),
        "indonesia@jica",
        ("Corporate Number (Jepang)",),
    ),
    "kemenhub": DemoPartner(
        {
            "name": "Kementerian Perhubungan (Direktorat Jenderal Perhubungan Darat)",
            "kind": PartnerKind.CENTRAL_GOVERNMENT,
            "province": "DKI Jakarta",
            "city": "Jakarta Pusat",
            "address": "Jl. Medan Merdeka Barat No. 8, Jakarta Pusat 10110",
        },
        "Kementerian Perhubungan",
        "HK.201/{n}/DJPD/{year}",
        ("Ir. Wahyu Hidayat, M.T.", "Direktur Angkutan Jalan"),
        "angkutanjalan@dephub",
    ),
    "bps": DemoPartner(
        {
            "name": "Badan Pusat Statistik Kota Bogor",
            "kind": PartnerKind.CENTRAL_GOVERNMENT,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Merdeka, Bogor Tengah, Kota Bogor",
        },
        "BPS Kota Bogor",
        "B-{n}/32710/HM.310/{year}",
        ("Lestari Handayani, S.St., M.Si.", "Kepala BPS Kota Bogor"),
        "bps3271@bps",
    ),
    "brin": DemoPartner(
        {
            "name": "Badan Riset dan Inovasi Nasional (BRIN)",
            "kind": PartnerKind.CENTRAL_GOVERNMENT,
            "province": "DKI Jakarta",
            "city": "Jakarta Pusat",
            "address": "Gedung B.J. Habibie, Jl. M.H. Thamrin No. 8, Jakarta Pusat 10340",
        },
        "BRIN (dahulu LIPI)",
        "B-{n}/II/HK.01.00/{year}",
        ("Prof. Dr. Eko Wibowo", "Kepala Pusat Riset Konservasi Tumbuhan dan Kebun Raya"),
        "kebunraya@brin",
    ),
    "bpjs": DemoPartner(
        {
            "name": "BPJS Kesehatan Kantor Cabang Bogor",
            # A public legal body, neither ministry nor company.
            "kind": PartnerKind.OTHER,
            "province": "Jawa Barat",
            "city": "Kota Bogor",
            "address": "Jl. Pajajaran, Bantarjati, Bogor Utara, Kota Bogor",
        },
        "BPJS Kesehatan",
        "{n}/KTR/III-02/{year}",
        ("dr. Maya Puspitasari, M.K.M.", "Kepala Kantor Cabang Bogor"),
        "kc-bogor@bpjs",
    ),
}

# Telephone numbers in the style of each partner's city; the precision cuts the invented
# digits to the local length.
PHONE_FORMATS = {
    "Kota Bogor": "0251-83{:.5}",
    "Kabupaten Bogor": "0251-86{:.5}",
    "Kota Depok": "021-77{:.6}",
    "Jakarta Pusat": "021-3{:.7}",
    "Shah Alam": "+60 3-55{:.6}",
    "Tokyo": "+81 3-52{:.6}",
}

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


IPB_TITLE = (
    "Kesepakatan Bersama tentang Pengembangan Pendidikan, Penelitian dan Pengabdian kepada "
    "Masyarakat dalam Pembangunan Kota Bogor"
)
IPB_PURPOSE = (
    "Memanfaatkan keahlian dan hasil riset IPB University untuk perencanaan dan pelaksanaan "
    "pembangunan Kota Bogor."
)
IPB_SCOPE = (
    "a. kajian dan penelitian terapan; b. pendidikan dan pelatihan aparatur; c. pengabdian "
    "kepada masyarakat dan KKN tematik; d. pertukaran data dan informasi."
)
GALUGA_COMPENSATION = (
    "Perjanjian Kerja Sama tentang Kompensasi Dampak Negatif bagi Masyarakat Sekitar TPAS Galuga"
)
SISTER_CITY = (
    "Kesepakatan Bersama tentang Kerja Sama Kota Kembar (Sister City) di Bidang Kebudayaan, "
    "Pariwisata dan Pendidikan"
)
SATU_DATA = (
    "Nota Kesepakatan tentang Penyelenggaraan Statistik Sektoral dan Pembinaan Satu Data Kota Bogor"
)
UHC = (
    "Perjanjian Kerja Sama tentang Jaminan Kesehatan bagi Penduduk Kota Bogor yang Didaftarkan "
    "oleh Pemerintah Daerah"
)

AGREEMENTS: list[DemoAgreement] = [
    # IPB: a framework renewed every five years, each with its implementing agreements.
    DemoAgreement(
        "ipb-2014",
        Form.KSB,
        Coop.KSDPK,
        IPB_TITLE,
        IPB_PURPOSE,
        IPB_SCOPE,
        "Pendidikan",
        ("ipb",),
        ("BAPPEDA", "DISDIK"),
        (12, 2),
        years=5,
        funding="Dibebankan pada perjanjian kerja sama turunan",
        stories=(
            Story(
                Kind.NOTE,
                57,
                "Usulan perpanjangan disiapkan",
                "Kedua pihak sepakat memperpanjang sebelum jangka waktu berakhir agar "
                "kegiatan turunan tidak terputus.",
            ),
        ),
    ),
    DemoAgreement(
        "ipb-2019",
        Form.KSB,
        Coop.KSDPK,
        IPB_TITLE,
        IPB_PURPOSE,
        IPB_SCOPE,
        "Pendidikan",
        ("ipb",),
        ("BAPPEDA", "DISDIK"),
        (7, 3),
        years=5,
        outcome="expired",
        renews="ipb-2014",
        funding="Dibebankan pada perjanjian kerja sama turunan",
    ),
    DemoAgreement(
        "ipb-daya-dukung",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Kajian Daya Dukung dan Daya Tampung Lingkungan Hidup "
        "Kota Bogor",
        "Menyediakan dasar ilmiah bagi revisi Rencana Tata Ruang Wilayah Kota Bogor.",
        "a. pengumpulan dan analisis data lingkungan; b. pemodelan daya dukung air dan lahan; "
        "c. rekomendasi kebijakan tata ruang.",
        "Lingkungan Hidup",
        ("ipb",),
        ("BAPPEDA", "DLH"),
        (6, 6),
        years=1,
        outcome="expired",
        parent="ipb-2019",
        value=350_000_000,
        funding="APBD Kota Bogor",
        photos=1,
        stories=(
            Story(
                Kind.NOTE,
                1,
                "Survei lapangan dijadwal ulang",
                "Pengambilan sampel ditunda karena pembatasan sosial berskala besar (PSBB) "
                "COVID-19; jangka waktu perjanjian tidak berubah.",
            ),
            Story(
                Kind.MEETING,
                11,
                "Seminar hasil akhir kajian",
                "Hasil kajian dipaparkan kepada Perangkat Daerah dan menjadi masukan revisi RTRW.",
            ),
        ),
    ),
    DemoAgreement(
        "ipb-2024",
        Form.KSB,
        Coop.KSDPK,
        IPB_TITLE,
        IPB_PURPOSE,
        IPB_SCOPE,
        "Pendidikan",
        ("ipb",),
        ("BAPPEDA", "DISDIK"),
        (2, 1),
        years=5,
        renews="ipb-2019",
        funding="Dibebankan pada perjanjian kerja sama turunan",
    ),
    DemoAgreement(
        "ipb-umkm",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Pendampingan UMKM Pangan Olahan dan Sertifikasi Halal",
        "Meningkatkan mutu, keamanan pangan dan daya saing UMKM pangan olahan Kota Bogor.",
        "a. pelatihan keamanan pangan; b. pendampingan sertifikasi halal; c. klinik kemasan "
        "dan pemasaran digital.",
        "Ekonomi",
        ("ipb",),
        ("DINKOPUKM",),
        (0, 10),
        ends_in_days=34,
        parent="ipb-2024",
        value=175_000_000,
        funding="APBD Kota Bogor",
    ),
    # Universitas Pakuan.
    DemoAgreement(
        "unpak",
        Form.KSB,
        Coop.KSDPK,
        "Kesepakatan Bersama tentang Pelaksanaan Tri Dharma Perguruan Tinggi dalam Mendukung "
        "Pembangunan Kota Bogor",
        "Menyinergikan pendidikan, penelitian dan pengabdian Universitas Pakuan dengan program "
        "Pemerintah Kota Bogor.",
        "a. penelitian kebijakan daerah; b. magang dan praktik kerja mahasiswa; c. peningkatan "
        "kapasitas aparatur.",
        "Pendidikan",
        ("unpak",),
        ("BAPPEDA", "BAGKS"),
        (9, 4),
        years=10,
    ),
    DemoAgreement(
        "unpak-magang",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Program Magang Mahasiswa di Perangkat Daerah",
        "Memberi mahasiswa pengalaman kerja di pemerintahan dan membantu Perangkat Daerah.",
        "a. penempatan mahasiswa magang; b. pembimbingan oleh pejabat fungsional; c. penilaian "
        "dan sertifikat magang.",
        "Pendidikan",
        ("unpak",),
        ("DISKOMINFO", "DISDIK"),
        (2, 10),
        ends_in_days=61,
        parent="unpak",
    ),
    # Kabupaten Bogor: the landfill the city has used since 2008, and its compensation.
    DemoAgreement(
        "galuga",
        Form.KSB,
        Coop.KSDD,
        "Kesepakatan Bersama tentang Pemanfaatan Tempat Pemrosesan Akhir Sampah (TPAS) Galuga",
        "Menjamin pemrosesan akhir sampah Kota Bogor di TPAS Galuga, Kabupaten Bogor.",
        "a. pemanfaatan lahan TPAS; b. pengelolaan lindi dan gas; c. kompensasi bagi warga "
        "sekitar; d. penutupan zona pasif.",
        "Lingkungan Hidup",
        ("kab",),
        ("DLH",),
        (18, 5),
        years=20,
        funding="APBD Kota Bogor (kompensasi melalui perjanjian kerja sama turunan)",
        photos=2,
        amendment=DemoAmendment(
            144,
            "Penyesuaian kewajiban pengelolaan lindi dan penutupan zona pasif",
            "Menambah kewajiban pembangunan instalasi pengolahan lindi dan jadwal penutupan "
            "zona pasif secara bertahap.",
        ),
        stories=(
            Story(
                Kind.NOTE,
                100,
                "Rencana peralihan ke TPPAS Regional Lulut-Nambo",
                "Pemerintah Provinsi Jawa Barat menyiapkan TPPAS Regional Lulut-Nambo; TPAS "
                "Galuga tetap dipakai sampai TPPAS beroperasi penuh.",
            ),
        ),
    ),
    DemoAgreement(
        "galuga-kompensasi-2019",
        Form.PKS,
        Coop.KSDD,
        GALUGA_COMPENSATION,
        "Memberi kompensasi dampak negatif kepada warga desa di sekitar TPAS Galuga.",
        "a. bantuan kesehatan dan air bersih; b. perbaikan jalan desa; c. pemantauan "
        "kualitas lingkungan.",
        "Lingkungan Hidup",
        ("kab",),
        ("DLH",),
        (7, 7),
        years=5,
        outcome="expired",
        parent="galuga",
        value=6_000_000_000,
        funding="APBD Kota Bogor",
    ),
    DemoAgreement(
        "galuga-kompensasi-2024",
        Form.PKS,
        Coop.KSDD,
        GALUGA_COMPENSATION,
        "Memberi kompensasi dampak negatif kepada warga desa di sekitar TPAS Galuga.",
        "a. bantuan kesehatan dan air bersih; b. perbaikan jalan desa; c. pemantauan "
        "kualitas lingkungan.",
        "Lingkungan Hidup",
        ("kab",),
        ("DLH",),
        (2, 5),
        years=4,
        parent="galuga",
        renews="galuga-kompensasi-2019",
        value=8_400_000_000,
        funding="APBD Kota Bogor",
    ),
    # Kota Depok: the agreement that outlived the department that signed it.
    DemoAgreement(
        "depok",
        Form.KSB,
        Coop.KSDD,
        "Kesepakatan Bersama tentang Peningkatan Pelayanan Publik dan Pertukaran Inovasi Daerah",
        "Saling belajar dan mereplikasi inovasi pelayanan perizinan antara Kota Bogor dan "
        "Kota Depok.",
        "a. studi tiru pelayanan terpadu; b. integrasi data perizinan; c. pelatihan petugas "
        "layanan.",
        "Pelayanan Publik",
        ("depok",),
        ("BPPTPM",),
        (11, 0),
        years=5,
        outcome="expired",
        stories=(
            Story(
                Kind.HANDOVER,
                13,
                "Pengelolaan kerja sama beralih dari BPPTPM ke DPMPTSP",
                "Penataan perangkat daerah 2016: urusan perizinan dan penanaman modal beralih "
                "ke DPMPTSP; naskah, korespondensi dan catatan monev diserahterimakan lengkap.",
                minutes=True,
                hand_over_to="DPMPTSP",
            ),
        ),
    ),
    # Several regions along the Ciliwung, and the funds Jakarta gave under that framework.
    DemoAgreement(
        "ciliwung",
        Form.KSB,
        Coop.KSDD,
        "Kesepakatan Bersama tentang Pengendalian Banjir dan Pengelolaan Daerah Aliran Sungai "
        "Ciliwung Terpadu",
        "Mengurangi risiko banjir di hilir dengan penanganan terpadu di hulu dan tengah DAS "
        "Ciliwung.",
        "a. pembangunan kolam retensi dan sumur resapan; b. normalisasi saluran; c. penertiban "
        "sempadan sungai; d. berbagi data curah hujan dan tinggi muka air.",
        "Lingkungan Hidup",
        ("dki", "kab", "depok"),
        ("DLH", "BAPPEDA"),
        (4, 11),
        ends_in_days=29,
        stories=(
            Story(
                Kind.MEETING,
                14,
                "Rapat koordinasi para pihak",
                "Menyepakati rencana aksi tahunan: normalisasi saluran dan dua lokasi kolam "
                "retensi di Kota Bogor.",
            ),
        ),
    ),
    DemoAgreement(
        "ciliwung-bankeu",
        Form.PKS,
        Coop.KSDD,
        "Perjanjian Kerja Sama tentang Pemanfaatan Bantuan Keuangan untuk Pembangunan Kolam "
        "Retensi dan Normalisasi Saluran",
        "Menggunakan bantuan keuangan Provinsi DKI Jakarta untuk prasarana pengendali banjir di "
        "Kota Bogor.",
        "a. pembangunan kolam retensi; b. normalisasi saluran primer; c. pelaporan penggunaan "
        "dana.",
        "Lingkungan Hidup",
        ("dki",),
        ("DLH",),
        (3, 10),
        years=1,
        outcome="expired",
        parent="ciliwung",
        value=12_500_000_000,
        funding="Bantuan Keuangan Provinsi DKI Jakarta",
        photos=2,
        stories=(
            Story(
                Kind.HANDOVER,
                11,
                "Serah terima hasil pekerjaan kolam retensi",
                "Berita acara serah terima ditandatangani; kolam retensi dicatat sebagai barang "
                "milik daerah Kota Bogor.",
                minutes=True,
            ),
        ),
    ),
    # PLN: one agreement ended early, a new one on electric vehicles.
    DemoAgreement(
        "pln-pju",
        Form.KSB,
        Coop.KSDPK,
        "Kesepakatan Bersama tentang Optimalisasi Penerangan Jalan Umum dan Penertiban "
        "Pemakaian Tenaga Listrik",
        "Menekan biaya listrik penerangan jalan umum dan menertibkan sambungan tanpa meter.",
        "a. pendataan titik PJU; b. meterisasi; c. penertiban sambungan ilegal.",
        "Energi",
        ("pln",),
        ("DISHUB",),
        (12, 8),
        years=10,
        outcome="terminated",
        termination=(
            68,
            "Para pihak sepakat mengakhiri kesepakatan karena seluruh titik PJU telah "
            "dimeterisasi dan penagihan diatur dalam perjanjian jual beli tenaga listrik.",
        ),
    ),
    DemoAgreement(
        "pln-spklu",
        Form.KSB,
        Coop.KSDPK,
        "Kesepakatan Bersama tentang Percepatan Ekosistem Kendaraan Listrik dan Penyediaan "
        "Stasiun Pengisian Kendaraan Listrik Umum (SPKLU)",
        "Menyediakan SPKLU di ruang publik Kota Bogor dan mendorong armada listrik.",
        "a. penyediaan lahan SPKLU; b. elektrifikasi armada dinas; c. kampanye kendaraan listrik.",
        "Energi",
        ("pln",),
        ("DISHUB", "DLH"),
        (0, 8),
        years=5,
        funding="Investasi PT PLN (Persero); lahan disediakan Pemerintah Kota Bogor",
    ),
    # Perumda Tirta Pakuan: a 25-year service agreement.
    DemoAgreement(
        "tirta-ipal",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Pengelolaan Air Limbah Domestik dan Layanan Lumpur Tinja "
        "Terjadwal",
        "Mengelola IPAL komunal dan layanan sedot tinja terjadwal untuk rumah tangga.",
        "a. operasi dan pemeliharaan IPAL; b. layanan lumpur tinja terjadwal; c. penagihan "
        "bersama rekening air.",
        "Lingkungan Hidup",
        ("tirta",),
        ("DLH",),
        (6, 1),
        years=25,
        value=4_750_000_000,
        funding="APBD Kota Bogor dan anggaran Perumda Tirta Pakuan",
        rescanned=True,
    ),
    # A company: fibre in the road reserve, and an app that was never finished.
    DemoAgreement(
        "pdn-fiber",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Pemanfaatan Ruang Milik Jalan untuk Penempatan Jaringan "
        "Serat Optik Terpadu",
        "Menata kabel udara menjadi jaringan serat optik bawah tanah terpadu.",
        "a. penempatan ducting bersama; b. sewa ruang milik jalan; c. akses internet gratis "
        "di taman kota.",
        "Teknologi Informasi",
        ("pdn",),
        ("DISKOMINFO", "DPMPTSP"),
        (4, 10),
        ends_in_days=58,
        value=1_250_000_000,
        funding="Kompensasi pemanfaatan ruang (pendapatan asli daerah)",
        visibility=Visibility.INTERNAL,
    ),
    DemoAgreement(
        "pdn-superapp",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Pengembangan Aplikasi Layanan Publik Terintegrasi",
        "Menyatukan layanan publik Kota Bogor dalam satu aplikasi warga.",
        "a. pengembangan aplikasi; b. integrasi layanan Perangkat Daerah; c. pemeliharaan "
        "tiga tahun.",
        "Teknologi Informasi",
        ("pdn",),
        ("DISKOMINFO",),
        (2, 7),
        years=3,
        outcome="terminated",
        funding="Investasi mitra; tanpa beban APBD",
        visibility=Visibility.INTERNAL,
        termination=(
            19,
            "Mitra tidak menyelesaikan tahap integrasi layanan sesuai jadwal setelah dua kali "
            "teguran tertulis; para pihak sepakat mengakhiri perjanjian.",
        ),
        stories=(
            Story(Kind.CORRESPONDENCE, 14, "Teguran tertulis pertama kepada mitra"),
            Story(Kind.CORRESPONDENCE, 17, "Teguran tertulis kedua kepada mitra"),
        ),
    ),
    # An NGO: a finished programme, and the next one still being negotiated.
    DemoAgreement(
        "ysc-bersih",
        Form.PKS,
        Coop.KSDPK,
        "Perjanjian Kerja Sama tentang Gerakan Bersih Sungai Ciliwung dan Edukasi Pengelolaan "
        "Sampah Berbasis Masyarakat",
        "Mengurangi sampah di Sungai Ciliwung dengan melibatkan warga bantaran.",
        "a. aksi pungut sampah rutin; b. bank sampah kelurahan; c. edukasi di sekolah.",
        "Lingkungan Hidup",
        ("ysc",),
        ("DLH",),
        (7, 0),
        years=3,
        outcome="expired",
        value=150_000_000,
        funding="Swadaya mitra dan APBD Kota Bogor",
        photos=2,
    ),
    DemoAgreement(
        "ysc-rth",
        Form.KSB,
        Coop.KSDPK,
        "Kesepakatan Bersama tentang Restorasi Sempadan Sungai dan Penambahan Ruang Terbuka Hijau",
        "Memulihkan sempadan Sungai Ciliwung dan Cisadane menjadi ruang terbuka hijau.",
        "a. penanaman pohon sempadan; b. taman tematik sungai; c. pemeliharaan bersama warga.",
        "Lingkungan Hidup",
        ("ysc",),
        ("DLH", "BAPPEDA"),
        (0, 0),
        years=5,
        outcome="draft",
    ),
    # A sister city abroad.
    DemoAgreement(
        "shah-alam-2012",
        Form.KSB,
        Coop.KSDPL,
        SISTER_CITY,
        "Mempererat hubungan kota kembar Bogor - Shah Alam melalui pertukaran budaya, wisata "
        "dan pendidikan.",
        "a. festival budaya timbal balik; b. promosi pariwisata bersama; c. pertukaran pelajar "
        "dan guru.",
        "Pariwisata",
        ("mbsa",),
        ("DISPARBUD", "BAGKS"),
        (14, 3),
        years=5,
        outcome="expired",
        stories=(
            Story(
                Kind.CORRESPONDENCE,
                -2,
                "Persetujuan Kementerian Luar Negeri diterima",
                "Rancangan naskah kerja sama luar negeri telah mendapat pertimbangan Kementerian "
                "Luar Negeri dan persetujuan DPRD.",
            ),
        ),
    ),
    DemoAgreement(
        "shah-alam-2018",
        Form.KSB,
        Coop.KSDPL,
        SISTER_CITY,
        "Mempererat hubungan kota kembar Bogor - Shah Alam melalui pertukaran budaya, wisata "
        "dan pendidikan.",
        "a. festival budaya timbal balik; b. promosi pariwisata bersama; c. pertukaran pelajar "
        "dan guru.",
        "Pariwisata",
        ("mbsa",),
        ("DISPARBUD", "BAGKS"),
        (8, 4),
        years=10,
        renews="shah-alam-2012",
        photos=1,
        amendment=DemoAmendment(
            72,
            "Penambahan bidang ekonomi kreatif dan UMKM",
            "Ruang lingkup ditambah dengan temu bisnis UMKM dan promosi produk ekonomi kreatif.",
        ),
    ),
    # A foreign institution.
    DemoAgreement(
        "jica-3r",
        Form.PKS,
        Coop.KSDLL,
        "Perjanjian Kerja Sama Teknis tentang Peningkatan Kapasitas Pengelolaan Sampah Berbasis 3R",
        "Mengurangi sampah yang dibawa ke TPAS dengan pengelolaan 3R di tingkat kelurahan.",
        "a. tenaga ahli JICA; b. percontohan TPS3R; c. pelatihan petugas kebersihan.",
        "Lingkungan Hidup",
        ("jica",),
        ("DLH",),
        (12, 0),
        years=4,
        outcome="expired",
        value=3_200_000_000,
        funding="Hibah Pemerintah Jepang melalui JICA",
    ),
    # Central government (sinergi).
    DemoAgreement(
        "bts",
        Form.NK,
        Coop.SINERGI,
        "Nota Kesepakatan tentang Penyelenggaraan Angkutan Massal Perkotaan dengan Skema "
        "Pembelian Layanan (Buy The Service)",
        "Menghadirkan bus perkotaan yang terjadwal dan terjangkau di Kota Bogor.",
        "a. pembelian layanan bus oleh Kementerian Perhubungan; b. penyediaan halte dan lajur "
        "oleh Pemerintah Kota Bogor; c. reorganisasi trayek angkutan kota.",
        "Perhubungan",
        ("kemenhub",),
        ("DISHUB",),
        (4, 9),
        ends_in_days=85,
        value=27_600_000_000,
        funding="APBN Kementerian Perhubungan; halte dan lajur dari APBD Kota Bogor",
        stories=(
            Story(
                Kind.NOTE,
                1,
                "Layanan bus Trans Pakuan mulai beroperasi",
                "Koridor pertama beroperasi; angkutan kota di koridor yang sama dikonversi "
                "bertahap.",
            ),
        ),
    ),
    DemoAgreement(
        "bps-2020",
        Form.NK,
        Coop.SINERGI,
        SATU_DATA,
        "Meningkatkan mutu statistik sektoral Perangkat Daerah sesuai prinsip Satu Data Indonesia.",
        "a. pembinaan statistik sektoral; b. penyusunan metadata; c. publikasi Kota Bogor "
        "Dalam Angka.",
        "Statistik",
        ("bps",),
        ("DISKOMINFO", "BAPPEDA"),
        (6, 3),
        years=5,
        outcome="expired",
    ),
    DemoAgreement(
        "bps-2025",
        Form.NK,
        Coop.SINERGI,
        SATU_DATA,
        "Meningkatkan mutu statistik sektoral Perangkat Daerah sesuai prinsip Satu Data Indonesia.",
        "a. pembinaan statistik sektoral; b. penyusunan metadata; c. publikasi Kota Bogor "
        "Dalam Angka.",
        "Statistik",
        ("bps",),
        ("DISKOMINFO", "BAPPEDA"),
        (1, 1),
        years=5,
        renews="bps-2020",
    ),
    DemoAgreement(
        "lipi-2010",
        Form.NK,
        Coop.SINERGI,
        "Nota Kesepakatan tentang Penataan Kawasan Penyangga Kebun Raya Bogor",
        "Menjaga kawasan penyangga Kebun Raya Bogor dari alih fungsi dan kemacetan.",
        "a. penataan pedagang dan parkir; b. jalur hijau sekitar Kebun Raya; c. pengendalian "
        "bangunan di kawasan penyangga.",
        "Lingkungan Hidup",
        ("brin",),
        ("DISPARBUD", "DLH"),
        (16, 6),
        years=10,
        outcome="expired",
        stories=(
            Story(
                Kind.HANDOVER,
                136,
                "LIPI dilebur ke dalam BRIN",
                "Pengelolaan Kebun Raya Bogor beralih dari LIPI ke BRIN; arsip kerja sama "
                "diteruskan kepada BRIN sebagai pihak yang baru.",
            ),
        ),
    ),
    DemoAgreement(
        "brin-2023",
        Form.NK,
        Coop.SINERGI,
        "Nota Kesepakatan tentang Sinergi Pengembangan Kebun Raya Bogor sebagai Destinasi Wisata "
        "Ilmiah dan Kawasan Konservasi",
        "Mengembangkan Kebun Raya Bogor sebagai wisata ilmiah tanpa mengorbankan konservasi.",
        "a. penataan kawasan penyangga; b. paket wisata edukasi; c. riset dan konservasi tumbuhan.",
        "Pariwisata",
        ("brin",),
        ("DISPARBUD", "DLH"),
        (3, 6),
        years=5,
        renews="lipi-2010",
    ),
    # BPJS Kesehatan: the universal health coverage agreement, signed again every year.
    DemoAgreement(
        "uhc-2025",
        Form.PKS,
        Coop.KSDPK,
        UHC,
        "Menjamin seluruh penduduk Kota Bogor terdaftar sebagai peserta Jaminan Kesehatan "
        "Nasional (Universal Health Coverage).",
        "a. pendaftaran peserta PBI daerah; b. pembayaran iuran; c. rekonsiliasi data kepesertaan.",
        "Kesehatan",
        ("bpjs",),
        ("DINKES",),
        (1, 11),
        years=1,
        outcome="expired",
        value=96_800_000_000,
        funding="APBD Kota Bogor (iuran PBI daerah)",
    ),
    DemoAgreement(
        "uhc-2026",
        Form.PKS,
        Coop.KSDPK,
        UHC,
        "Menjamin seluruh penduduk Kota Bogor terdaftar sebagai peserta Jaminan Kesehatan "
        "Nasional (Universal Health Coverage).",
        "a. pendaftaran peserta PBI daerah; b. pembayaran iuran; c. rekonsiliasi data kepesertaan.",
        "Kesehatan",
        ("bpjs",),
        ("DINKES",),
        (0, 10),
        ends_in_days=33,
        renews="uhc-2025",
        value=104_250_000_000,
        funding="APBD Kota Bogor (iuran PBI daerah)",
        stories=(
            Story(
                Kind.MEETING,
                6,
                "Rekonsiliasi data kepesertaan semester I",
                "Data peserta dicocokkan dengan data kependudukan; peserta ganda dinonaktifkan.",
            ),
        ),
    ),
]

EVALUATION_FINDINGS = (
    "Kegiatan berjalan sesuai rencana kerja; laporan pelaksanaan diterima tepat waktu.",
    "Sebagian kegiatan tertunda karena penyesuaian anggaran; para pihak menyepakati jadwal baru.",
    "Manfaat kerja sama dirasakan masyarakat; direkomendasikan untuk dilanjutkan.",
    "Dokumen pendukung belum lengkap; mitra diminta melengkapi laporan triwulan.",
    "Koordinasi antarpihak baik; perlu indikator keluaran yang lebih terukur.",
    "Target keluaran tercapai; rekomendasi monev sebelumnya telah ditindaklanjuti.",
)
EVALUATION_OBSTACLES = (
    "Pergantian pejabat penghubung di pihak mitra memperlambat pelaporan.",
    "Anggaran kegiatan baru tersedia pada triwulan kedua.",
    "Data capaian belum dihimpun dalam satu format yang sama.",
    "",
)
FOLLOW_UPS = (
    ("Menyampaikan laporan capaian semester secara tertulis", "Mitra kerja sama"),
    ("Menyusun jadwal rapat koordinasi triwulanan", "Perangkat Daerah pengampu"),
    ("Melengkapi dokumentasi kegiatan dan daftar hadir", "Perangkat Daerah pengampu"),
    ("Mengkaji kebutuhan adendum ruang lingkup", "Bagian Kerja Sama"),
)
MEETING_AGENDAS = (
    "Membahas capaian, kendala lapangan dan rencana kegiatan berikutnya.",
    "Menyepakati pembagian tugas tim teknis dan jadwal pelaporan.",
    "Membahas usulan penyesuaian kegiatan dengan kebutuhan Perangkat Daerah.",
)


# --- dates and numbers ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def indonesian_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


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


# --- generated files --------------------------------------------------------------------------


def pdf_scan(heading: str, lines: Sequence[str], on: date, pages: int = 1) -> bytes:
    """A small PDF standing in for a scanned paper document."""
    pdf = FPDF(format="A4")
    # A fixed creation date keeps the bytes (and so the sha256) the same on every load.
    pdf.set_creation_date(start_of_day(on))
    pdf.set_title(heading)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_draw_color(150)
        pdf.rect(12, 12, 186, 273)
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 8, "PEMERINTAH KOTA BOGOR", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 12)
        label = heading if page == 1 else f"LAMPIRAN {page - 1}"
        pdf.multi_cell(0, 7, label.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 11)
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_y(-30)
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, "Dokumen contoh (data demo) - bukan naskah resmi.", align="C")
    return bytes(pdf.output())


def jpeg_photo(rng: random.Random, caption: str, taken: datetime | None = None) -> bytes:
    """A small field photo: sky, ground, a few buildings and trees, and a caption band;
    with `taken`, the EXIF time and Balai Kota Bogor's position, as a phone camera writes."""
    width, height = 480, 320
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(150, 200)
    for y in range(horizon):
        shade = 150 + y * 80 // horizon
        draw.line([(0, y), (width, y)], fill=(shade - 60, shade - 20, 255))
    draw.rectangle([0, horizon, width, height], fill=(70 + rng.randint(0, 40), 120, 60))
    for _ in range(rng.randint(3, 6)):
        x, w, h = rng.randint(0, width - 60), rng.randint(30, 90), rng.randint(30, 110)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(rng.randint(120, 220),) * 3)
    for _ in range(rng.randint(4, 9)):
        x, r = rng.randint(0, width), rng.randint(12, 28)
        draw.rectangle([x - 3, horizon - r - 2, x + 3, horizon], fill=(90, 60, 30))
        draw.ellipse([x - r, horizon - 3 * r, x + r, horizon - r], fill=(30, 110, 40))
    draw.rectangle([0, height - 24, width, height], fill=(0, 0, 0))
    draw.text((8, height - 19), caption, fill=(255, 255, 255))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[0x9011] = taken.strftime("%z")[:3] + ":" + taken.strftime("%z")[3:]
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "S", (6.0, 35.0, 42.0)
        gps[3], gps[4] = "E", (106.0, 47.0, 50.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, exif=exif)
    return out.getvalue()


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
        "by": "partner",
        "status": "SUBMITTED",
        "unit": "DLH",
        "partners": ["ipb"],
        "fields": {
            "title": "Pemetaan Ruang Terbuka Hijau dengan Citra Satelit",
            "purpose": "Menyediakan peta ruang terbuka hijau Kota Bogor yang mutakhir tiap tahun.",
            "scope": "Pengolahan citra satelit, survei lapangan, dan pelatihan staf DLH.",
            "benefits": "Dasar perencanaan RTH 30 persen yang terukur.",
            "field": "Lingkungan Hidup",
            "cooperation_type": CooperationType.KSDPK,
            "form": AgreementForm.KSB,
            "duration_months": 36,
            "funding_source": "Dana penelitian IPB",
        },
    },
    {
        "by": "partner",
        "status": "REVISION_REQUESTED",
        "unit": "DINKOPUKM",
        "partners": ["ipb"],
        "note": "Mohon lengkapi rincian pembiayaan dan jadwal kegiatan dalam KAK.",
        "fields": {
            "title": "Inkubator Usaha Pangan Lokal Berbasis Talas Bogor",
            "purpose": "Mendampingi pelaku UMKM pangan olahan talas naik kelas.",
            "scope": "Pelatihan produksi, sertifikasi halal dan PIRT, serta pemasaran daring.",
            "field": "Koperasi dan UMKM",
            "cooperation_type": CooperationType.KSDPK,
            "form": AgreementForm.KSB,
            "duration_months": 24,
        },
    },
    {
        "by": "partner",
        "status": "VERIFIED",
        "unit": "DISDIK",
        "partners": ["ipb"],
        "fields": {
            "title": "Sekolah Lapang Pertanian Perkotaan",
            "purpose": "Mengenalkan pertanian perkotaan kepada siswa SMP di Kota Bogor.",
            "scope": "Kebun sekolah, modul ajar, dan pendampingan guru oleh mahasiswa.",
            "field": "Pendidikan",
            "cooperation_type": CooperationType.KSDPK,
            "form": AgreementForm.KSB,
            "duration_months": 36,
        },
    },
    {
        "by": "officer",
        "status": "IN_REVIEW",
        "unit": "DINKES",
        "partners": ["unpak"],
        "note": "Selaras dengan program kesehatan jiwa remaja dalam RPJMD; lanjutkan.",
        "fields": {
            "title": "Skrining Kesehatan Jiwa Remaja di Sekolah",
            "purpose": "Menemukan sejak dini remaja yang membutuhkan dukungan kesehatan jiwa.",
            "scope": "Skrining oleh mahasiswa psikologi, rujukan ke puskesmas, pelatihan guru BK.",
            "field": "Kesehatan",
            "cooperation_type": CooperationType.KSDPK,
            "form": AgreementForm.KSB,
            "duration_months": 24,
            "funding_source": "APBD Kota Bogor",
        },
    },
    {
        "by": "officer",
        "status": "REJECTED",
        "unit": "DINKES",
        "partners": ["bpjs"],
        "note": "Sudah tercakup dalam kerja sama yang berlaku dengan BPJS Kesehatan.",
        "fields": {
            "title": "Pendataan Bersama Peserta JKN di Posyandu",
            "purpose": "Memutakhirkan data kepesertaan JKN warga melalui posyandu.",
            "scope": "Pendataan oleh kader posyandu dan pemadanan data kependudukan.",
            "field": "Kesehatan",
            "cooperation_type": CooperationType.SINERGI,
            "form": AgreementForm.NK,
            "duration_months": 12,
        },
    },
    {
        "by": "officer",
        "status": "DRAFT",
        "unit": "DINKES",
        "partners": ["bpjs"],
        "fields": {
            "title": "Telekonsultasi Puskesmas dengan Rumah Sakit Rujukan",
            "purpose": "Mempercepat konsultasi dokter puskesmas kepada dokter spesialis.",
            "scope": "",
            "field": "Kesehatan",
            "cooperation_type": CooperationType.SINERGI,
        },
    },
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
        doc, _ = await agreements.upload_document(
            self.ctx,
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
        await agreements.upload_document(
            self.ctx,
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
        doc, _ = await agreements.upload_document(
            self.ctx,
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
        doc, _ = await agreements.upload_document(
            self.ctx,
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
                await proposals.upload_attachment(
                    ctx, pid, doc_type, title, io.BytesIO(content), filename, None
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

LEGAL_DOMESTIC = (
    "Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah; Peraturan Menteri "
    "Dalam Negeri Nomor 22 Tahun 2020 tentang Tata Cara Kerja Sama Daerah dengan Daerah Lain "
    "dan Kerja Sama Daerah dengan Pihak Ketiga; Peraturan Wali Kota Bogor Nomor 38 Tahun 2018."
)
LEGAL_FOREIGN = (
    "Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah; Peraturan Menteri "
    "Dalam Negeri Nomor 25 Tahun 2020 tentang Tata Cara Kerja Sama Daerah dengan Pemerintah "
    "Daerah di Luar Negeri dan Kerja Sama Daerah dengan Lembaga di Luar Negeri; Peraturan Wali "
    "Kota Bogor Nomor 38 Tahun 2018."
)


def _step(title: str, description: str, actor: str, duration: str) -> dict[str, str]:
    return {"title": title, "description": description, "actor": actor, "duration": duration}


def _doc(
    title: str, description: str, doc_type: DocumentType | None, required: bool = True
) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "document_type": doc_type,
        "required": required,
    }


REQUEST_LETTER = _doc(
    "Surat permohonan/penawaran kerja sama",
    "Ditujukan kepada Wali Kota Bogor, ditandatangani pimpinan lembaga pemohon, memuat maksud, "
    "tujuan, dan objek kerja sama.",
    DocumentType.REQUEST_LETTER,
)
TOR = _doc(
    "Kerangka Acuan Kerja (KAK/TOR)",
    "Latar belakang, maksud dan tujuan, ruang lingkup, hak dan kewajiban, jangka waktu, "
    "pembiayaan, serta manfaat bagi masyarakat Kota Bogor.",
    DocumentType.TOR,
)
PROFILE = _doc(
    "Profil dan dokumen legalitas lembaga",
    "Akta pendirian beserta perubahannya, NIB/NPWP, dan surat keterangan domisili.",
    DocumentType.OTHER,
)

DEMO_PROCEDURES: dict[CooperationType, dict[str, Any]] = {
    Coop.KSDPK: {
        "title": "Kerja Sama Daerah dengan Pihak Ketiga (KSDPK)",
        "summary": "Untuk perusahaan, BUMN/BUMD, perguruan tinggi swasta, lembaga pendidikan, "
        "dan organisasi kemasyarakatan yang ingin bekerja sama dengan Pemerintah Kota Bogor.",
        "steps": [
            _step(
                "Penyampaian surat penawaran",
                "Pemohon mengirim surat penawaran beserta KAK kepada Wali Kota Bogor melalui "
                "Bagian Kerja Sama Setda atau mengunggahnya di SIKERMA.",
                "Pemohon",
                "1 hari kerja",
            ),
            _step(
                "Verifikasi kelengkapan berkas",
                "Bagian Kerja Sama memeriksa kelengkapan dan keabsahan dokumen; berkas yang "
                "belum lengkap dikembalikan dengan catatan perbaikan.",
                "Bagian Kerja Sama",
                "5 hari kerja",
            ),
            _step(
                "Pembahasan oleh TKKSD",
                "Tim Koordinasi Kerja Sama Daerah menilai kelayakan, manfaat, risiko, dan "
                "kesesuaian dengan RPJMD serta menunjuk Perangkat Daerah pengampu.",
                "TKKSD",
                "14 hari kerja",
            ),
            _step(
                "Penyusunan rancangan naskah",
                "Rancangan Kesepakatan Bersama dan/atau Perjanjian Kerja Sama dibahas bersama "
                "mitra, Perangkat Daerah pengampu, dan Bagian Hukum.",
                "Bagian Kerja Sama, Perangkat Daerah, mitra",
                "30 hari kerja",
            ),
            _step(
                "Penandatanganan",
                "Naskah ditandatangani Wali Kota Bogor (atau pejabat yang ditunjuk) dan "
                "pimpinan mitra, lalu dicatat dan dipindai ke dalam arsip SIKERMA.",
                "Wali Kota dan pimpinan mitra",
                "Sesuai jadwal",
            ),
            _step(
                "Pelaksanaan, pelaporan, dan monev",
                "Perangkat Daerah pengampu melaksanakan kerja sama dan melaporkannya; Bagian "
                "Kerja Sama melakukan monitoring dan evaluasi setiap semester.",
                "Perangkat Daerah pengampu",
                "Selama jangka waktu kerja sama",
            ),
        ],
        "required_documents": [
            REQUEST_LETTER,
            TOR,
            PROFILE,
            _doc(
                "Kajian kelayakan",
                "Wajib bila kerja sama menggunakan aset daerah, membebani APBD, atau bernilai "
                "investasi.",
                DocumentType.FEASIBILITY_STUDY,
                required=False,
            ),
        ],
        "legal_basis": LEGAL_DOMESTIC,
        "estimated_duration": "45-60 hari kerja sampai penandatanganan",
    },
    Coop.KSDD: {
        "title": "Kerja Sama Daerah dengan Daerah Lain (KSDD)",
        "summary": "Untuk pemerintah provinsi, kabupaten, atau kota lain di Indonesia, misalnya "
        "kerja sama wilayah perbatasan, pengelolaan sampah, atau transportasi.",
        "steps": [
            _step(
                "Surat usulan kepala daerah",
                "Kepala daerah mitra menyampaikan surat usulan kepada Wali Kota Bogor disertai "
                "KAK dan rencana kerja.",
                "Pemerintah daerah mitra",
                "1 hari kerja",
            ),
            _step(
                "Verifikasi dan pembahasan TKKSD",
                "Bagian Kerja Sama memverifikasi berkas; TKKSD kedua daerah membahas objek, "
                "pembiayaan, dan pembagian peran.",
                "Bagian Kerja Sama, TKKSD",
                "14 hari kerja",
            ),
            _step(
                "Persetujuan DPRD (bila diperlukan)",
                "Kerja sama yang membebani masyarakat atau APBD yang belum dianggarkan "
                "memerlukan persetujuan DPRD Kota Bogor.",
                "Wali Kota dan DPRD",
                "30-45 hari kerja",
            ),
            _step(
                "Penandatanganan KSB dan PKS",
                "Kesepakatan Bersama ditandatangani kedua kepala daerah; Perjanjian Kerja Sama "
                "oleh kepala Perangkat Daerah pengampu.",
                "Kepala daerah, Perangkat Daerah",
                "Sesuai jadwal",
            ),
            _step(
                "Pelaporan kepada Gubernur",
                "Kerja sama yang telah ditandatangani dilaporkan kepada Gubernur Jawa Barat "
                "dan Menteri Dalam Negeri.",
                "Bagian Kerja Sama",
                "14 hari kerja setelah penandatanganan",
            ),
        ],
        "required_documents": [
            REQUEST_LETTER,
            TOR,
            _doc("Rencana kerja", "Kegiatan, jadwal, dan pembagian biaya.", DocumentType.OTHER),
            _doc(
                "Persetujuan DPRD",
                "Hanya bila kerja sama membebani masyarakat atau APBD yang belum dianggarkan.",
                DocumentType.OTHER,
                required=False,
            ),
        ],
        "legal_basis": LEGAL_DOMESTIC,
        "estimated_duration": "60-90 hari kerja",
    },
    Coop.KSDPL: {
        "title": "Kerja Sama dengan Pemerintah Daerah di Luar Negeri (KSDPL)",
        "summary": "Kerja sama kota kembar (sister city) dan kerja sama teknis dengan pemerintah "
        "daerah di negara lain.",
        "steps": [
            _step(
                "Surat minat (letter of intent)",
                "Pemerintah daerah luar negeri menyampaikan surat minat, dapat melalui Kedutaan "
                "Besar atau Kementerian Luar Negeri.",
                "Mitra luar negeri",
                "-",
            ),
            _step(
                "Rencana kerja sama dan pembahasan TKKSD",
                "Bagian Kerja Sama menyusun rencana kerja sama bersama Perangkat Daerah terkait "
                "dan membahasnya di TKKSD.",
                "Bagian Kerja Sama, TKKSD",
                "30 hari kerja",
            ),
            _step(
                "Persetujuan DPRD dan Menteri",
                "Rencana kerja sama dimintakan persetujuan DPRD, pertimbangan Menteri Luar "
                "Negeri, dan persetujuan Menteri Dalam Negeri.",
                "Wali Kota, DPRD, Kemendagri, Kemenlu",
                "3-6 bulan",
            ),
            _step(
                "Penandatanganan",
                "Naskah dalam Bahasa Indonesia dan bahasa mitra ditandatangani kedua kepala "
                "daerah.",
                "Wali Kota dan kepala daerah mitra",
                "Sesuai jadwal",
            ),
        ],
        "required_documents": [
            _doc("Surat minat (letter of intent)", "", DocumentType.REQUEST_LETTER),
            _doc(
                "Rencana kerja sama",
                "Latar belakang, manfaat, bidang, dan jangka waktu.",
                DocumentType.TOR,
            ),
            _doc("Persetujuan DPRD", "", DocumentType.OTHER),
        ],
        "legal_basis": LEGAL_FOREIGN,
        "estimated_duration": "6-12 bulan",
    },
    Coop.KSDLL: {
        "title": "Kerja Sama dengan Lembaga di Luar Negeri (KSDLL)",
        "summary": "Kerja sama dengan universitas, lembaga donor, atau organisasi nonpemerintah "
        "di luar negeri.",
        "steps": [
            _step(
                "Surat penawaran lembaga",
                "Lembaga luar negeri menyampaikan surat penawaran beserta KAK dan profil lembaga.",
                "Lembaga luar negeri",
                "-",
            ),
            _step(
                "Pembahasan TKKSD",
                "TKKSD menilai manfaat dan risiko, termasuk pendanaan hibah dan alih teknologi.",
                "TKKSD",
                "30 hari kerja",
            ),
            _step(
                "Persetujuan Menteri Dalam Negeri",
                "Rencana kerja sama disampaikan kepada Menteri Dalam Negeri dengan tembusan "
                "Menteri Luar Negeri.",
                "Bagian Kerja Sama",
                "2-4 bulan",
            ),
            _step(
                "Penandatanganan dan pelaporan",
                "Naskah ditandatangani dan dilaporkan kepada Menteri Dalam Negeri.",
                "Wali Kota dan pimpinan lembaga",
                "Sesuai jadwal",
            ),
        ],
        "required_documents": [REQUEST_LETTER, TOR, PROFILE],
        "legal_basis": LEGAL_FOREIGN,
        "estimated_duration": "4-8 bulan",
    },
    Coop.SINERGI: {
        "title": "Sinergi dengan Kementerian/Lembaga, PTN, dan TNI/Polri",
        "summary": "Nota Kesepakatan dengan kementerian, lembaga pemerintah nonkementerian, "
        "perguruan tinggi negeri, serta TNI dan Polri.",
        "steps": [
            _step(
                "Surat permohonan",
                "Instansi menyampaikan surat permohonan kepada Wali Kota Bogor beserta "
                "rancangan Nota Kesepakatan.",
                "Instansi pemohon",
                "1 hari kerja",
            ),
            _step(
                "Telaah dan pembahasan",
                "Bagian Kerja Sama dan Perangkat Daerah terkait menelaah rancangan; TKKSD "
                "memberi rekomendasi.",
                "Bagian Kerja Sama, TKKSD",
                "10 hari kerja",
            ),
            _step(
                "Penandatanganan Nota Kesepakatan",
                "Nota Kesepakatan ditandatangani Wali Kota dan pimpinan instansi; pelaksanaannya "
                "dapat dituangkan dalam PKS.",
                "Wali Kota dan pimpinan instansi",
                "Sesuai jadwal",
            ),
        ],
        "required_documents": [
            REQUEST_LETTER,
            _doc("Rancangan Nota Kesepakatan", "", DocumentType.DRAFT),
        ],
        "legal_basis": LEGAL_DOMESTIC,
        "estimated_duration": "20-30 hari kerja",
    },
}

DEMO_FAQ: list[tuple[str, str, str]] = [
    (
        "Umum",
        "Siapa yang dapat mengajukan kerja sama dengan Pemerintah Kota Bogor?",
        "Pemerintah daerah lain, kementerian/lembaga, perguruan tinggi, badan usaha, organisasi "
        "kemasyarakatan, serta pemerintah daerah dan lembaga di luar negeri. Perangkat Daerah "
        "di lingkungan Pemerintah Kota Bogor juga dapat mengusulkan kerja sama.",
    ),
    (
        "Umum",
        "Apa beda Kesepakatan Bersama (KSB) dan Perjanjian Kerja Sama (PKS)?",
        "KSB memuat kesepakatan umum antara kepala daerah dan pimpinan mitra. PKS adalah "
        "perjanjian pelaksanaan yang lebih rinci (kegiatan, biaya, hak dan kewajiban) dan "
        "biasanya ditandatangani kepala Perangkat Daerah di bawah sebuah KSB.",
    ),
    (
        "Pengajuan",
        "Bagaimana cara mengajukan kerja sama secara daring?",
        "Daftarkan lembaga Anda di SIKERMA, lalu buat pengajuan dengan melampirkan surat "
        "permohonan dan KAK. Status pengajuan dapat dipantau setiap saat dengan kode pelacakan.",
    ),
    (
        "Pengajuan",
        "Berapa lama proses pengajuan sampai penandatanganan?",
        "Untuk kerja sama dengan pihak ketiga umumnya 45-60 hari kerja sejak berkas lengkap. "
        "Kerja sama luar negeri lebih lama karena memerlukan persetujuan DPRD dan kementerian.",
    ),
    (
        "Dokumen",
        "Apakah ada format baku surat permohonan dan KAK?",
        "Ada. Unduh templat surat permohonan, KAK, dan rancangan naskah pada bagian Templat. "
        "Format lain tetap diterima selama memuat unsur yang diminta.",
    ),
    (
        "Dokumen",
        "Apakah pengajuan dikenai biaya?",
        "Tidak. Pengajuan dan pembahasan kerja sama tidak dipungut biaya apa pun.",
    ),
    (
        "Informasi publik",
        "Di mana saya dapat melihat daftar kerja sama yang sudah berjalan?",
        "Katalog publik SIKERMA menampilkan kerja sama yang dinyatakan terbuka untuk umum: "
        "nomor, judul, mitra, perangkat daerah pengampu, jenis, bidang, masa berlaku, dan status. "
        "Data yang sama tersedia sebagai data terbuka berformat OCDS.",
    ),
    (
        "Informasi publik",
        "Bagaimana menyampaikan pertanyaan atau pengaduan tentang kerja sama?",
        "Hubungi Bagian Kerja Sama Sekretariat Daerah Kota Bogor, Jl. Ir. H. Juanda No. 10, "
        "Bogor, pada hari dan jam kerja.",
    ),
]


def docx(title: str, paragraphs: Sequence[str], letterhead: str) -> bytes:
    """A small Word document (the parts Word needs and nothing else), the same bytes on every
    load (fixed dates inside the archive), headed by whoever writes it."""
    from xml.sax.saxutils import escape

    def paragraph(text: str, *, heading: bool = False) -> str:
        props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if heading else ""
        run = "<w:rPr><w:b/></w:rPr>" if heading else ""
        return f'<w:p>{props}<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = "".join(
        [
            paragraph(letterhead, heading=True),
            paragraph(title.upper(), heading=True),
            *(paragraph(p) for p in paragraphs),
        ]
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}"
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" '
            'w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>'
            "</w:sectPr></w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 2, 0, 0, 0)), text)
    return buffer.getvalue()


BLANK = "...................................................."
CITY_LETTERHEAD = "PEMERINTAH KOTA BOGOR"
DEMO_TEMPLATES: list[dict[str, Any]] = [
    {
        "title": "Surat Permohonan Kerja Sama",
        "description": "Surat dari pimpinan lembaga pemohon, di atas kop suratnya sendiri, "
        "kepada Wali Kota Bogor.",
        # The proposer writes this letter: its own letterhead, never the city's.
        "letterhead": "[KOP SURAT LEMBAGA PEMOHON]",
        "document_type": DocumentType.REQUEST_LETTER,
        "cooperation_types": [],
        "filename": "templat-surat-permohonan-kerja-sama.docx",
        "paragraphs": [
            f"Nomor: {BLANK}",
            "Perihal: Permohonan Kerja Sama",
            "Yth. Wali Kota Bogor, melalui Kepala Bagian Kerja Sama Sekretariat Daerah Kota Bogor",
            f"Dengan hormat, kami {BLANK} bermaksud mengajukan kerja sama di bidang {BLANK} "
            "dengan Pemerintah Kota Bogor. Bersama ini kami lampirkan Kerangka Acuan Kerja dan "
            "profil lembaga.",
            f"Narahubung: {BLANK} (telepon/surel {BLANK})",
            "Hormat kami, Pimpinan Lembaga",
        ],
    },
    {
        "title": "Kerangka Acuan Kerja (KAK)",
        "description": "Isi minimal KAK yang dibahas TKKSD.",
        "document_type": DocumentType.TOR,
        "cooperation_types": [],
        "filename": "templat-kerangka-acuan-kerja.docx",
        "paragraphs": [
            "A. Latar Belakang",
            "B. Maksud dan Tujuan",
            "C. Ruang Lingkup dan Objek Kerja Sama",
            "D. Hak dan Kewajiban Para Pihak",
            "E. Jangka Waktu",
            "F. Pembiayaan",
            "G. Manfaat bagi Masyarakat Kota Bogor",
            "H. Rencana Kegiatan dan Jadwal",
        ],
    },
    {
        "title": "Rancangan Kesepakatan Bersama",
        "description": "Kerangka naskah KSB antara Pemerintah Kota Bogor dan mitra.",
        "document_type": DocumentType.DRAFT,
        "cooperation_types": [Coop.KSDD, Coop.KSDPK],
        "filename": "templat-rancangan-kesepakatan-bersama.docx",
        "paragraphs": [
            f"KESEPAKATAN BERSAMA ANTARA PEMERINTAH KOTA BOGOR DAN {BLANK}",
            f"TENTANG {BLANK}",
            "Pasal 1 Maksud dan Tujuan",
            "Pasal 2 Ruang Lingkup",
            "Pasal 3 Pelaksanaan",
            "Pasal 4 Pembiayaan",
            "Pasal 5 Jangka Waktu",
            "Pasal 6 Penyelesaian Perselisihan",
            "Pasal 7 Penutup",
        ],
    },
    {
        "title": "Rancangan Perjanjian Kerja Sama",
        "description": "Kerangka naskah PKS sebagai pelaksanaan sebuah KSB.",
        "document_type": DocumentType.DRAFT,
        "cooperation_types": [Coop.KSDD, Coop.KSDPK],
        "filename": "templat-rancangan-perjanjian-kerja-sama.docx",
        "paragraphs": [
            f"PERJANJIAN KERJA SAMA ANTARA {BLANK} DAN {BLANK}",
            f"Sebagai pelaksanaan Kesepakatan Bersama Nomor {BLANK}",
            "Pasal 1 Objek",
            "Pasal 2 Hak dan Kewajiban",
            "Pasal 3 Pembiayaan dan Tata Cara Pembayaran",
            "Pasal 4 Monitoring, Evaluasi, dan Pelaporan",
            "Pasal 5 Keadaan Kahar",
            "Pasal 6 Jangka Waktu dan Pengakhiran",
        ],
    },
    {
        "title": "Rancangan Nota Kesepakatan",
        "description": "Untuk sinergi dengan kementerian/lembaga, PTN, dan TNI/Polri.",
        "document_type": DocumentType.DRAFT,
        "cooperation_types": [Coop.SINERGI],
        "filename": "templat-rancangan-nota-kesepakatan.docx",
        "paragraphs": [
            f"NOTA KESEPAKATAN ANTARA PEMERINTAH KOTA BOGOR DAN {BLANK}",
            "Pasal 1 Tujuan",
            "Pasal 2 Ruang Lingkup",
            "Pasal 3 Pelaksanaan",
            "Pasal 4 Jangka Waktu",
        ],
    },
]
CHECKLIST_LINES = [
    "1. Surat permohonan/penawaran kepada Wali Kota Bogor (wajib).",
    "2. Kerangka Acuan Kerja (KAK) (wajib).",
    "3. Profil dan dokumen legalitas lembaga (pihak ketiga).",
    "4. Kajian kelayakan, bila menggunakan aset daerah atau membebani APBD.",
    "5. Persetujuan DPRD, bila dipersyaratkan.",
    "Berkas dapat diunggah di SIKERMA atau diserahkan ke Bagian Kerja Sama Setda Kota Bogor.",
]


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
