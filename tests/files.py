"""Small real files of each accepted type (and some that must be refused), made in memory."""

import io
import zipfile

from PIL import Image


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _zip(entries: list[tuple[str, str, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text, compression in entries:
            archive.writestr(zipfile.ZipInfo(name), text, compress_type=compression)
    return buffer.getvalue()


DOCX = _zip(
    [
        ("[Content_Types].xml", "<Types/>", zipfile.ZIP_DEFLATED),
        ("_rels/.rels", "<Relationships/>", zipfile.ZIP_DEFLATED),
        ("word/document.xml", "<w:document/>", zipfile.ZIP_DEFLATED),
    ]
)
ODT = _zip(
    [
        ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED),
    ]
)
PLAIN_ZIP = _zip([("readme.txt", "halo", zipfile.ZIP_DEFLATED)])
# The start of a Windows executable and of a Linux one.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
