"""The program an OCR worker process runs on one file: scan in, text page by page out.

`python -m resolvers.ocr_worker SOURCE CONTENT_TYPE RESULT SEARCHABLE MAX_MEGAPIXELS` reads
SOURCE (a copy of the stored original), writes its outcome as JSON to RESULT and, when it
OCRed the file, the searchable PDF to SEARCHABLE (whose folder is its scratch space). It never
touches the database: the API process that started it stores the outcome. It runs at a lower
priority with Tesseract on one thread, so the API stays responsive while it works. A file it
cannot read is a result (FAILED with a reason), not a crash; exit code 0 means RESULT is there.

- Images (JPEG, PNG, TIFF) are checked against the pixel limit, then wrapped in a PDF without
  re-encoding (img2pdf) and OCRed.
- A PDF that already carries text on every page is not OCRed: its text is read (PDFium).
- Any other PDF is OCRed with OCRmyPDF (`-l ind+eng`, skipping the pages that have text),
  giving a PDF/A with a text layer; the text is then read from that file, page by page.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
import pypdfium2
from PIL import Image

LANGUAGES = ["ind", "eng"]


class Unreadable(Exception):
    """The file cannot be read; the message is the reason shown to users."""


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, as PDFium (the rasterizer OCRmyPDF uses) reads it; this also
    reads text inside form XObjects, where OCRmyPDF puts its text layer."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            text = page.get_textpage().get_text_bounded()
            texts.append(text.replace("\r\n", "\n").strip())
        return texts
    finally:
        document.close()


def check_image(source: Path, max_pixels: int) -> None:
    """Refuse a decompression bomb before any pixel is decoded (opening reads the header)."""
    Image.MAX_IMAGE_PIXELS = None  # our own limit below, with a clearer message
    try:
        with Image.open(source) as image:
            frames = getattr(image, "n_frames", 1)
            width, height = image.size
    except (OSError, ValueError) as error:
        raise Unreadable(f"the image cannot be read ({error})") from None
    if width * height > max_pixels:
        raise Unreadable(
            f"the image is too large to read: {width} x {height} pixels "
            f"({width * height / 1e6:.0f} megapixels; at most {max_pixels / 1e6:.0f})"
        )
    if frames > 1:
        # Each TIFF page is checked by img2pdf's own limit (Pillow's, set below).
        Image.MAX_IMAGE_PIXELS = max_pixels


def image_to_pdf(source: Path, target: Path, max_pixels: int) -> None:
    check_image(source, max_pixels)
    try:
        target.write_bytes(img2pdf.convert(str(source), rotation=img2pdf.Rotation.ifvalid))
    except (img2pdf.ImageOpenError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise Unreadable(f"the image cannot be read ({error})") from None


def count_pages(pdf: Path) -> int:
    try:
        with pikepdf.open(pdf) as document:
            if document.is_encrypted:
                raise Unreadable("the PDF is encrypted; OCR does not remove passwords")
            pages = len(document.pages)
    except pikepdf.PasswordError:
        raise Unreadable("the PDF is encrypted (password protected)") from None
    except pikepdf.PdfError as error:
        raise Unreadable(f"the PDF is damaged and cannot be read ({error})") from None
    if pages == 0:
        raise Unreadable("the PDF has no pages")
    return pages


def convert(source: Path, content_type: str, searchable: Path, max_pixels: int) -> dict[str, Any]:
    pdf = source
    if content_type != "application/pdf":
        pdf = searchable.parent / "image.pdf"
        image_to_pdf(source, pdf, max_pixels)
    pages = count_pages(pdf)
    if content_type == "application/pdf":
        texts = page_texts(pdf)
        if len(texts) == pages and all(texts):
            return {"status": "DONE", "source": "EMBEDDED", "pages": texts}
    # Imported only here: it takes over a second, and a PDF with text or a refused file
    # never needs it.
    import ocrmypdf

    try:
        ocrmypdf.ocr(
            pdf,
            searchable,
            language=LANGUAGES,
            skip_text=True,
            rotate_pages=True,
            jobs=1,
            progress_bar=False,
            max_image_mpixels=max_pixels / 1e6,
        )
    except ocrmypdf.exceptions.EncryptedPdfError:
        raise Unreadable("the PDF is encrypted (password protected)") from None
    except (ocrmypdf.exceptions.InputFileError, ocrmypdf.exceptions.DpiError) as error:
        raise Unreadable(f"OCR refused the file ({error})") from None
    return {"status": "DONE", "source": "OCR", "pages": page_texts(searchable)}


def main(argv: list[str]) -> int:
    source, content_type, result_file, searchable, megapixels = argv
    os.nice(10)
    try:
        result = convert(Path(source), content_type, Path(searchable), int(float(megapixels) * 1e6))
    except Unreadable as error:
        result = {"status": "FAILED", "reason": str(error)}
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
