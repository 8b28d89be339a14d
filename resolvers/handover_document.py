"""The hand-over briefing as a printable PDF (A4), the same content as the API gives."""

import unicodedata
from datetime import date

from i18n import _, format_day, local_time
from models.labels import label
from resolvers.handover import Briefing

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
    return format_day(day) if day else "-"


def render_pdf(briefing: Briefing) -> bytes:
    # Imported here: fpdf takes seconds to import and only this route needs it.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "I", 8)
            made = format_day(briefing.today)
            self.cell(
                0,
                5,
                latin1(
                    _(
                        "SIKERMA Kota Bogor - made %(day)s - page %(page)s/%(pages)s",
                        day=made,
                        page=self.page_no(),
                        pages="{nb}",
                    )
                ),
                align="C",
            )

    unit = briefing.org_unit
    pdf = Document(format="A4")
    pdf.set_title(latin1(_("Handover briefing - %(unit)s", unit=unit.name)))
    pdf.set_creation_date(briefing.generated_at)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, _("CITY GOVERNMENT OF BOGOR"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        7,
        _("HANDOVER BRIEFING ON THE MANAGEMENT OF COOPERATION"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, latin1(unit.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        6,
        latin1(
            _(
                "As of %(day)s; current evaluation period %(period)s",
                day=briefing.today,
                period=briefing.period,
            )
        ),
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

    section(_("1. Active agreements (%(count)s)", count=len(briefing.agreements)))
    if briefing.agreements:
        with pdf.table(col_widths=(8, 62, 50, 30, 40), headings_style=heading) as table:
            table.row(
                [_("No"), _("Number and title"), _("Partners"), _("Ends"), _("Last evaluation")]
            )
            for number, item in enumerate(briefing.agreements, start=1):
                agreement = item.agreement
                latest = item.latest_evaluation
                left = (
                    " " + _("(%(days)s days from now)", days=item.days_left)
                    if item.days_left is not None
                    else ""
                )
                evaluation = (
                    _(
                        "%(period)s: score %(score)s, %(recommendation)s",
                        period=latest.period,
                        score=latest.overall_score or "-",
                        recommendation=latest.recommendation or "-",
                    )
                    if latest
                    else _("none yet")
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
        pdf.cell(0, 6, _("No active agreements."), new_x="LMARGIN", new_y="NEXT")

    section(_("2. Nearest deadlines (%(count)s)", count=len(briefing.deadlines)))
    if briefing.deadlines:
        with pdf.table(col_widths=(28, 24, 50, 88), headings_style=heading) as table:
            table.row([_("Date"), _("Kind"), _("Agreement"), _("What to do")])
            for deadline in briefing.deadlines:
                late = " " + _("(OVERDUE)") if deadline.overdue else ""
                table.row(
                    [
                        latin1(_day(deadline.due_on) + late),
                        latin1(label(deadline.kind)),
                        latin1(deadline.agreement.number),
                        latin1(deadline.title),
                    ]
                )
    else:
        pdf.cell(0, 6, _("No deadlines."), new_x="LMARGIN", new_y="NEXT")

    section(_("3. Recent history"))
    if briefing.recent_events:
        with pdf.table(col_widths=(28, 45, 24, 93), headings_style=heading) as table:
            table.row([_("Date"), _("Agreement"), _("Kind"), _("Event")])
            for happened, agreement in briefing.recent_events:
                view = agreement.event_views()[happened.id]
                # Stored in UTC; the reader's calendar day is the city's.
                local_day = local_time(view.occurred_at).date()
                table.row(
                    [
                        latin1(_day(local_day)),
                        latin1(agreement.number),
                        latin1(label(happened.kind)),
                        latin1(view.title),
                    ]
                )
    else:
        pdf.cell(0, 6, _("No history yet."), new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _(
            "Officials change, programmes go on. The texts, full history and evaluation results "
            "of every agreement are in SIKERMA."
        ),
    )
    return bytes(pdf.output())
