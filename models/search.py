"""Search keys: what a document stores so that a plain indexed array match finds it.

MongoDB's `$text` has no Indonesian analyser and not every engine we run on has `$text` at
all, so a document carries its own keys (a multikey-indexed array) and a query becomes an
ordinary equality/`$in` match on them. Both sides are normalised the same way:

- lower-cased, diacritics folded ("kerjasamá" → "kerjasama"), split on anything that is not
  a letter or a digit;
- each word and its Indonesian stem (Sastrawi: "pendidikan" → "didik", "kesehatan" → "sehat"),
  so a query finds other forms of the same word;
- every prefix of 3 or more characters of each word and stem ("stunt" finds "stunting");
  shorter query words only match a whole stored word ("ri", "uu");
- each pair of adjacent words written together ("kerja sama" is also stored as "kerjasama"),
  and a query's adjacent words may match that joined form, so "kerjasama" and "kerja sama"
  find each other both ways.

Every query word must match (AND). Stopwords ("dan", "yang") are kept: titles are short and
institution names use them, and "what you typed must appear" is easier to predict than a list
of silently ignored words.
"""

import re
import unicodedata
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Prefixes start at this length: shorter ones would match almost everything.
MIN_PREFIX = 3
# Prefixes stop here (the whole word is still stored): bounds the keys of long words.
MAX_PREFIX = 20

_WORD = re.compile(r"[^\W_]+")


@cache
def _stemmer() -> Any:
    # Building the stemmer loads its dictionary: once per process.
    return StemmerFactory().create_stemmer()


# Sastrawi is slow per word; bounded so that long texts (scanned documents) cannot grow it
# without limit.
@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Indonesian stem of one normalised word (the word itself if it has none).

    Only plain Latin words: Sastrawi drops every other character (and numbers have no stem)."""
    if not (word.isascii() and word.isalpha()):
        return word
    return str(_stemmer().stem(word)) or word


def words(text: str | None) -> list[str]:
    """Lower-cased words without diacritics, in order."""
    if not text:
        return []
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _WORD.findall(folded)


def _prefixes(word: str) -> list[str]:
    return [word[:n] for n in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1)]


def search_keys(*texts: str | None) -> list[str]:
    """The sorted, deduplicated keys to store for a document's texts."""
    keys: set[str] = set()
    for text in texts:
        found = words(text)
        stems = [stem(w) for w in found]
        for word, root in zip(found, stems, strict=True):
            keys.update((word, root))
            keys.update(_prefixes(word))
            keys.update(_prefixes(root))
        # Pairs within one text only: the end of a title and the start of its purpose are
        # not one phrase.
        for sequence in (found, stems):
            keys.update(a + b for a, b in pairwise(sequence))
    return sorted(keys)


def query_terms(query: str) -> list[str]:
    """The normalised words of a user's query, in order, each one stemmed where that
    changes it; a document matches when each term is among its keys."""
    return [stem(w) for w in words(query)]


def _alternatives(query: str) -> list[list[str]]:
    """For each query word, the keys any one of which satisfies it: the word, its stem,
    and the word joined with its neighbours ("kerja sama" may match a stored "kerjasama")."""
    found = words(query)
    options: list[list[str]] = []
    for n, word in enumerate(found):
        keys = [word, stem(word)]
        if n > 0:
            keys.append(found[n - 1] + word)
        if n + 1 < len(found):
            keys.append(word + found[n + 1])
        options.append(sorted(set(keys)))
    return options


def keys_filter(query: str, field: str = "search_keys") -> dict[str, Any]:
    """The MongoDB filter for documents whose `field` matches every word of `query`.

    A query with no words at all (only punctuation) matches nothing."""
    options = _alternatives(query)
    if not options:
        # No stored key is empty. (`$in: []` says the same in MongoDB, but mongoeco 4.11
        # turns it into invalid SQL.)
        return {field: ""}
    # One predicate per word, equality where there is one key: an engine with a simple
    # planner still uses the index for a one-word search.
    parts = [{field: keys[0]} if len(keys) == 1 else {field: {"$in": keys}} for keys in options]
    return parts[0] if len(parts) == 1 else {"$and": parts}


def title_first(query: str, field: str = "title_keys") -> list[dict[str, Any]]:
    """Two filters that split a text search's results: those whose title (keys in `field`)
    matches the whole query, then the rest."""
    in_title = keys_filter(query, field)
    return [in_title, {"$nor": [in_title]}]
