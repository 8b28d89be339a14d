"""Whether this machine can OCR, checked once when a process starts."""

import asyncio
import shutil
import subprocess
from dataclasses import dataclass

from settings import Settings

LANGUAGES = ("ind", "eng")


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str  # why not, when not


async def detect_availability(settings: Settings) -> Availability:
    """Whether this machine can OCR: Tesseract with its Indonesian and English models and
    Ghostscript (Debian: tesseract-ocr, tesseract-ocr-ind, ghostscript). Checked once at
    startup."""
    if not settings.ocr_enabled:
        return Availability(False, "OCR is turned off (OCR_ENABLED=false)")
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return Availability(False, "tesseract is not installed")
    if shutil.which("gs") is None:
        return Availability(False, "ghostscript is not installed")
    process = await asyncio.create_subprocess_exec(
        tesseract, "--list-langs", stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = await process.communicate()
    installed = set(output.decode(errors="replace").split())
    missing = [name for name in LANGUAGES if name not in installed]
    if missing:
        return Availability(False, f"tesseract has no {'/'.join(missing)} language model")
    return Availability(True, "")
