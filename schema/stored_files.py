"""Stored files as the API names them: the path that serves one, and the uploaded file's name."""

from pathlib import PurePosixPath, PureWindowsPath

# The route that serves a stored file (routes/files.py).
DOWNLOAD_PATH = "/files/{file_id}"


def safe_filename(name: str | None) -> str:
    """The client's file name without any path, control characters or excess length."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\\').strip()
    return cleaned[-200:] or "dokumen"
