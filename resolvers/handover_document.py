"""The hand-over briefing as a printable PDF (A4), the same content as the API gives."""

import unicodedata
from datetime import date

from models.enums import ChronologyKind
from resolvers.handover import Briefing, DeadlineKind
from resolvers.monitoring import tanggal

DEADLINE_NAMES = {
    DeadlineKind.EXPIRY: "Berakhir",
    DeadlineKind.EVALUATION: "Monev",
    DeadlineKind.FOLLOW_UP: "Tindak lanjut",
}
KIND_NAMES = {
    ChronologyKind.CREATED: "Dicatat",
    ChronologyKind.PROPOSED: "Diusulkan",
    ChronologyKind.REVIEWED: "Ditelaah",
    ChronologyKind.SIGNED: "Ditandatangani",
    ChronologyKind.UPDATED: "Diperbarui",
    ChronologyKind.STATUS_CHANGED: "Status",
    ChronologyKind.DOCUMENT_ADDED: "Dokumen",
    ChronologyKind.AMENDED: "Adendum",
    ChronologyKind.EXTENDED: "Perpanjangan",
    ChronologyKind.TERMINATED: "Pengakhiran",
    ChronologyKind.EVALUATED: "Monev",
    ChronologyKind.MEETING: "Rapat",
    ChronologyKind.CORRESPONDENCE: "Surat",
    ChronologyKind.HANDOVER: "Serah terima",
    ChronologyKind.NOTE: "Catatan",
    ChronologyKind.CORRECTION: "Koreksi",
}
# The PDF core fonts cover Latin-1; typographic marks get their plain equivalents.
PLAIN = str.maketrans(
    {
        "\u2014": "-",  # em dash
        "\u2013": "-",  # en dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def latin1(text: str) -> str:
    text = text.translate(PLAIN)
    if all(ord(ch) < 256 for ch in text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("latin-1", "replace").decode("latin-1")


def _day(day: date | None) -> str:
    return tanggal(day) if day else "-"


def render_pdf(briefing: Briefing) -> bytes:
    # Imported here: fpdf takes seconds to import and only this route needs it.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            made = tanggal(briefing.today)
            self.cell(
                0,
                5,
                f"SIKERMA Kota Bogor - dibuat {made} - halaman {self.page_no()}/{{nb}}",
                align="C",
            )

    unit = briefing.org_unit
    pdf = Document(format="A4")
    pdf.set_title(latin1(f"Bahan serah terima - {unit.name}"))
    pdf.set_creation_date(briefing.generated_at)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "PEMERINTAH KOTA BOGOR", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0, 7, "BAHAN SERAH TERIMA PENGELOLAAN KERJA SAMA", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, latin1(unit.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        6,
        latin1(f"Keadaan per {tanggal(briefing.today)}; periode monev berjalan {briefing.period}"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)

    def section(title: str) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8.5)

    section(f"1. Kerja sama aktif ({len(briefing.agreements)})")
    if briefing.agreements:
        with pdf.table(col_widths=(8, 62, 50, 30, 40), headings_style=heading) as table:
            table.row(["No", "Nomor dan judul", "Mitra", "Berakhir", "Monev terakhir"])
            for number, item in enumerate(briefing.agreements, start=1):
                agreement = item.agreement
                latest = item.latest_evaluation
                left = f" ({item.days_left} hari lagi)" if item.days_left is not None else ""
                evaluation = (
                    f"{latest.period}: skor {latest.overall_score or '-'}, "
                    f"{latest.recommendation or '-'}"
                    if latest
                    else "belum ada"
                )
                table.row(
                    [
                        str(number),
                        latin1(f"{agreement.number}\n{agreement.title}"),
                        latin1(", ".join(p.name for p in item.partners)),
                        latin1(_day(agreement.ends_on) + left),
                        latin1(evaluation),
                    ]
                )
    else:
        pdf.cell(0, 6, "Tidak ada kerja sama aktif.", new_x="LMARGIN", new_y="NEXT")

    section(f"2. Tenggat terdekat ({len(briefing.deadlines)})")
    if briefing.deadlines:
        with pdf.table(col_widths=(28, 24, 50, 88), headings_style=heading) as table:
            table.row(["Tanggal", "Jenis", "Kerja sama", "Yang harus dilakukan"])
            for deadline in briefing.deadlines:
                late = " (TERLAMBAT)" if deadline.overdue else ""
                table.row(
                    [
                        latin1(_day(deadline.due_on) + late),
                        DEADLINE_NAMES[deadline.kind],
                        latin1(deadline.agreement.number),
                        latin1(deadline.title),
                    ]
                )
    else:
        pdf.cell(0, 6, "Tidak ada tenggat.", new_x="LMARGIN", new_y="NEXT")

    section("3. Riwayat terbaru")
    if briefing.recent_events:
        with pdf.table(col_widths=(28, 45, 24, 93), headings_style=heading) as table:
            table.row(["Tanggal", "Kerja sama", "Jenis", "Peristiwa"])
            for happened, agreement in briefing.recent_events:
                view = agreement.event_views()[happened.id]
                table.row(
                    [
                        latin1(_day(view.occurred_at.date())),
                        latin1(agreement.number),
                        KIND_NAMES[happened.kind],
                        latin1(view.title),
                    ]
                )
    else:
        pdf.cell(0, 6, "Belum ada riwayat.", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        "Pejabat boleh berganti, program tetap jalan. Naskah, riwayat lengkap dan hasil monev "
        "setiap kerja sama tersedia di SIKERMA.",
    )
    return bytes(pdf.output())
