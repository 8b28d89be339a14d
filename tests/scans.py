"""Scans made by the tests: Indonesian agreement text rendered the way a scanner would give it
(200 dpi, grey, slightly rotated, speckled), saved as PDF or JPEG; and files OCR must refuse."""

import io
import random
import re
import struct
import zlib
from pathlib import Path

import pikepdf
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
DPI = 200
PAGE_INCHES = (6.0, 4.2)
MARGIN = 0.4

# Three pages of a cooperation agreement. Page 2 alone mentions the leachate plant, page 3
# alone the truck fleet: a search for those words must name exactly that page.
PAGES = [
    "PERJANJIAN KERJA SAMA ANTARA PEMERINTAH KOTA BOGOR DAN PEMERINTAH "
    "KABUPATEN BOGOR TENTANG PENGELOLAAN SAMPAH REGIONAL. Pada hari ini Senin tanggal "
    "dua belas bulan Februari tahun dua ribu dua puluh empat, kami yang bertanda tangan "
    "di bawah ini sepakat untuk mengikatkan diri dalam perjanjian kerja sama ini.",
    "Pasal 3 Ruang Lingkup. Para pihak sepakat membangun instalasi pengolahan lindi di "
    "tempat pemrosesan akhir Galuga, termasuk pemantauan kualitas air tanah di sekitar "
    "lokasi secara berkala setiap enam bulan oleh dinas lingkungan hidup.",
    "Pasal 4 Pembiayaan. Biaya pengadaan armada truk pengangkut sampah ditanggung "
    "bersama sesuai proporsi volume sampah masing-masing daerah dan dianggarkan dalam "
    "anggaran pendapatan dan belanja daerah setiap tahun.",
]


def _font(points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), round(points / 72 * DPI))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def render_page(text: str, *, seed: int, angle: float = 0.6) -> Image.Image:
    """One page as a 200 dpi greyscale scan: slightly rotated, with speckle noise."""
    width, height = (round(inches * DPI) for inches in PAGE_INCHES)
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    font = _font(11)
    y = MARGIN * DPI
    for line in _wrap(text, font, width - 2 * MARGIN * DPI):
        draw.text((MARGIN * DPI, y), line, font=font, fill=20)
        y += font.size * 1.5
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=250)
    noise = random.Random(seed)
    pixels = page.load()
    assert pixels is not None
    for _ in range(width * height // 400):
        x, yy = noise.randrange(width), noise.randrange(height)
        pixels[x, yy] = noise.choice((0, 90, 180, 255))
    return page


def scanned_pdf(texts: list[str]) -> bytes:
    pages = [render_page(t, seed=n, angle=0.6 if n % 2 else -0.5) for n, t in enumerate(texts)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return out.getvalue()


def scanned_jpeg(text: str) -> bytes:
    out = io.BytesIO()
    render_page(text, seed=7, angle=0.7).save(out, "JPEG", quality=80, dpi=(DPI, DPI))
    return out.getvalue()


def text_pdf(texts: list[str]) -> bytes:
    """A PDF made digitally (text, no images), as a word processor exports it."""
    pdf = FPDF()
    for text in texts:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    document = pikepdf.Pdf.open(io.BytesIO(text_pdf(["Rahasia"])))
    document.save(out, encryption=pikepdf.Encryption(owner="pemilik", user="sandi-rahasia"))
    return out.getvalue()


def empty_pdf() -> bytes:
    out = io.BytesIO()
    pikepdf.new().save(out)
    return out.getvalue()


def malformed_pdf() -> bytes:
    """A PDF header, then bytes that are no PDF at all."""
    return b"%PDF-1.7\n" + random.Random(3).randbytes(4000)


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A small PNG that claims 1,600 megapixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def words_of(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def recall(truth: str, read: str) -> float:
    """The share of the true words that were read (each read word counts once)."""
    remaining: dict[str, int] = {}
    for word in words_of(read):
        remaining[word] = remaining.get(word, 0) + 1
    found = 0
    for word in words_of(truth):
        if remaining.get(word, 0) > 0:
            remaining[word] -= 1
            found += 1
    return found / len(words_of(truth))
