"""The words a password must not be built from: the city's own (the system, the city, the
cooperation unit's vocabulary, every department's name) and the user's (email, name,
organisation). They are taken out before the rest is judged, and zxcvbn is told them too."""

import re

from models import OrgUnit

CITY_WORDS = (
    "sikerma",
    "kota bogor",
    "kotabogor",
    "bogor",
    "pemkot",
    "pemerintah",
    "kerja sama",
    "kerjasama",
    "kerja",
    "sama",
    "daerah",
    "setda",
    "tkksd",
    "mitra",
    "naskah",
    "jawa barat",
)


def words_of(*texts: str) -> list[str]:
    """Each text whole and in its parts ("Siti Aminah" gives "siti" and "aminah")."""
    found = []
    for text in texts:
        cleaned = text.strip().casefold()
        found.extend([cleaned, *re.split(r"[^\w]+", cleaned)])
    return [w for w in dict.fromkeys(found) if len(w) > 2]


async def password_hints(*texts: str) -> list[str]:
    units = await OrgUnit.get_pymongo_collection().find({}, {"name": 1, "short_name": 1}).to_list()
    unit_names = [str(u.get(k) or "") for u in units for k in ("name", "short_name")]
    return words_of(*CITY_WORDS, *unit_names, *texts)
