"""The chronology of one agreement as a printable PDF (A4), for its dossier."""

from datetime import datetime

from i18n import _, format_moment
from models import Agreement
from models.chronology import ChainCheck
from models.labels import label
from resolvers.handover_document import latin1


def render_chronology_pdf(agreement: Agreement, check: ChainCheck, made_at: datetime) -> bytes:
    # Imported here: fpdf takes seconds to import and only the dossier needs this.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    made = format_moment(made_at)

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            self.cell(
                0,
                5,
                latin1(
                    _(
                        "SIKERMA Kota Bogor - %(number)s - made %(made)s - page %(page)s/%(pages)s",
                        number=agreement.number,
                        made=made,
                        page=self.page_no(),
                        pages="{nb}",
                    )
                ),
                align="C",
            )

    pdf = Document(format="A4")
    pdf.set_title(latin1(_("Chronology %(number)s", number=agreement.number)))
    pdf.set_creation_date(made_at)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, _("CITY GOVERNMENT OF BOGOR"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, _("CHRONOLOGY OF THE COOPERATION"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (agreement.number, agreement.title):
        pdf.multi_cell(0, 5, latin1(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    verdict = (
        _("Hash chain intact: %(count)s events checked.", count=check.checked)
        if check.intact
        else _(
            "HASH CHAIN BROKEN at event %(count)s: %(problem)s.",
            count=check.checked,
            problem=check.problem,
        )
    )
    pdf.set_font("Helvetica", "B" if not check.intact else "", 9)
    pdf.multi_cell(0, 5, latin1(verdict), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font("Helvetica", "", 8)
    views = agreement.event_views()
    with pdf.table(col_widths=(8, 30, 22, 130), headings_style=heading) as table:
        table.row([_("No"), _("Occurred / recorded"), _("Kind"), _("Event and hash")])
        for number, item in enumerate(agreement.chronology, start=1):
            view = views[item.id]
            corrected = " " + _("(corrected)") if view.corrections else ""
            description = f"\n{view.description}" if view.description else ""
            table.row(
                [
                    str(number),
                    latin1(
                        f"{format_moment(item.occurred_at)}\n{format_moment(item.recorded_at)}\n"
                        f"{item.recorded_by.name}"
                    ),
                    label(item.kind),
                    latin1(
                        f"{view.title}{corrected}{description}\n"
                        + _(
                            "hash %(hash)s\nprevious %(previous)s",
                            hash=item.hash,
                            previous=item.prev_hash,
                        )
                    ),
                ]
            )
    return bytes(pdf.output())
