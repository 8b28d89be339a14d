"""When and where a photo was taken, read from the EXIF block a phone camera writes.

Only the metadata is read (the pixels are never decoded). A photo without EXIF, or with a
damaged one, simply has no metadata: it is still good evidence.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from PIL import Image

# Cameras write local time; the visits are in Bogor unless the photo says otherwise.
CAMERA_TIMEZONE = ZoneInfo("Asia/Jakarta")
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME = 0x0132
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


@dataclass(frozen=True)
class PhotoMetadata:
    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def found(self) -> bool:
        return self.taken_at is not None or self.latitude is not None


def read_photo_metadata(file: BinaryIO) -> PhotoMetadata:
    """The photo's EXIF time and GPS position, as far as present and sane."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            exif = image.getexif()
            details = exif.get_ifd(EXIF_IFD)
            gps = exif.get_ifd(GPS_IFD)
            taken = _taken_at(
                details.get(DATETIME_ORIGINAL) or exif.get(DATETIME),
                details.get(OFFSET_TIME_ORIGINAL),
            )
            latitude = _coordinate(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "S", 90)
            longitude = _coordinate(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "W", 180)
    except Exception:
        return PhotoMetadata()
    finally:
        file.seek(0)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return PhotoMetadata(taken, latitude, longitude)


def _taken_at(value: Any, offset: Any) -> datetime | None:
    try:
        local = datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone: timezone | ZoneInfo = CAMERA_TIMEZONE
    if isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-":
        try:
            hours, minutes = int(offset[1:3]), int(offset[4:6])
        except ValueError:
            pass
        else:
            sign = -1 if offset[0] == "-" else 1
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return local.replace(tzinfo=zone).astimezone(UTC)


def _coordinate(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode(errors="replace")
    if str(ref).strip("\x00 ").upper() == negative:
        result = -result
    if not -limit <= result <= limit or result != result:  # out of range, or NaN
        return None
    return round(result, 7)
