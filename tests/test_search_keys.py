"""The search keys and query filters on their own, without a database.

`matches` reads the shapes `keys_filter` builds (a key, or `$in` alternatives, one per
word under `$and`) the way MongoDB reads them on an array field; the same documents are searched
through the API in test_search.py."""

from typing import Any

import pytest

from models.search import (
    MAX_PREFIX,
    keys_filter,
    query_terms,
    search_keys,
    stem,
    title_first,
    words,
)


def matches(keys: list[str], flt: dict[str, Any], field: str = "search_keys") -> bool:
    if "$and" in flt:
        return all(matches(keys, part, field) for part in flt["$and"])
    if "$nor" in flt:
        return not any(matches(keys, part, field) for part in flt["$nor"])
    (condition,) = flt.values()
    assert list(flt) == [field]
    if isinstance(condition, str):
        return condition in keys
    return any(key in keys for key in condition["$in"])


def finds(query: str, *texts: str) -> bool:
    return matches(search_keys(*texts), keys_filter(query))


def test_words_are_lower_case_without_diacritics() -> None:
    assert words("Kerjasamá  PENDIDIKAN, 2024/Ü") == ["kerjasama", "pendidikan", "2024", "u"]
    assert words(None) == []
    assert words(" -- ") == []


def test_keys_hold_words_stems_prefixes_and_joined_pairs() -> None:
    keys = search_keys("Beasiswa Pendidikan Tinggi")
    assert keys == sorted(set(keys))
    for key in ["beasiswa", "pendidikan", "didik", "tinggi", "bea", "beas", "pen", "did"]:
        assert key in keys
    assert "be" not in keys  # prefixes start at three letters
    assert {"beasiswapendidikan", "pendidikantinggi", "beasiswadidik"} <= set(keys)


def test_pairs_are_joined_within_one_text_only() -> None:
    keys = search_keys("Layanan kerja", "sama rata")
    assert "kerjasama" not in keys
    assert "samarata" in keys


def test_sastrawi_stems_indonesian_words() -> None:
    assert stem("pendidikan") == "didik"
    assert stem("kesehatan") == "sehat"
    assert stem("perjanjian") == "janji"
    # Words it does not know, and numbers, stay as they are.
    assert stem("stunting") == "stunting"
    assert stem("2024") == "2024"
    assert stem("ɑlphabet") == "ɑlphabet"  # not ASCII: Sastrawi would drop the first letter
    assert "北京" in search_keys("Kota kembar dengan 北京")
    assert query_terms("Pendidikan Kesehatan") == ["didik", "sehat"]


def test_long_words_keep_a_bounded_number_of_prefixes() -> None:
    word = "pertanggungjawabannya" + "x" * 40
    keys = search_keys(word)
    assert word in keys
    assert max(len(k) for k in keys if k != word) <= MAX_PREFIX
    # A long paragraph stays in the hundreds of keys, not thousands.
    paragraph = " ".join(["pelayanan kesehatan ibu dan anak di puskesmas kota bogor"] * 50)
    assert len(search_keys(paragraph)) < 200


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("pendidikan", "Pendidikan"),
        ("PENDIDIKAN", "pendidikan anak usia dini"),
        ("stunt", "Penanganan stunting"),
        ("bea", "Beasiswa Pendidikan Tinggi"),
        ("uu", "Pelaksanaan UU Cipta Kerja"),
        ("beasiswa", "Beasiswa Pendidikan Tinggi"),
        ("kerjasama", "Kerja sama pengelolaan sampah"),
        ("kerja sama", "Kerjasama penanganan stunting"),
        ("kerja sama", "Kerja sama pengelolaan sampah"),
        ("kerjasamá", "Kerjasama penanganan stunting"),
        ("didik", "Pendidikan anak"),
        ("pendidikan", "Peserta didik berprestasi"),
        ("kesehatan", "Puskesmas sehat"),
        ("beasiswa tinggi", "Beasiswa Pendidikan Tinggi"),
        ("ri", "Kementerian RI"),
    ],
)
def test_query_finds_text(query: str, text: str) -> None:
    assert finds(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("beasiswa sampah", "Beasiswa Pendidikan Tinggi"),  # every word must match
        ("stunting", "Penanganan stunt"),  # a prefix finds longer words, not shorter
        ("ri", "Kerja sama riset"),  # a word under three letters matches whole words only
        ("kerjasama", "Layanan kerja dan sama rata"),  # only adjacent words join
        ("...", "Beasiswa"),  # no words: nothing
    ],
)
def test_query_does_not_find_text(query: str, text: str) -> None:
    assert not finds(query, text)


def test_filter_shapes() -> None:
    assert keys_filter("stunt") == {"search_keys": "stunt"}
    assert keys_filter("...") == {"search_keys": ""}
    assert "" not in search_keys("", " - ", "a-b")
    assert keys_filter("beasiswa", "title_keys") == {"title_keys": "beasiswa"}
    assert keys_filter("stunt 2024") == {
        "$and": [
            {"search_keys": {"$in": ["stunt", "stunt2024"]}},
            {"search_keys": {"$in": ["2024", "stunt2024"]}},
        ]
    }
    assert keys_filter("kerja sama") == {
        "$and": [
            {"search_keys": {"$in": ["kerja", "kerjasama"]}},
            {"search_keys": {"$in": ["kerjasama", "sama"]}},
        ]
    }


def test_title_first_splits_the_matches_in_two() -> None:
    in_title, rest = title_first("beasiswa")
    title = search_keys("Beasiswa Pendidikan Tinggi")
    other = search_keys("Pelatihan guru")
    assert matches(title, in_title, "title_keys")
    assert not matches(title, rest, "title_keys")
    assert matches(other, rest, "title_keys")
    assert not matches(other, in_title, "title_keys")
