"""The files of the demo data, made when it is loaded: scans (PDF), field photos (JPEG) and
Word templates, each the same bytes on every load of the same day."""

import io
import random
import zipfile
from collections.abc import Sequence
from datetime import date, datetime

from fpdf import FPDF
from PIL import Image, ImageDraw

from models.chronology import start_of_day


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
