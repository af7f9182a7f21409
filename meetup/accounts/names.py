"""Finding a person by name however it is typed: the search keys of a person
(display name, フリガナ reading and the reading's romaji) and of what someone
typed, compared by prefix. Pure: no Flask, no database.

Both sides are spelt alike: NFKC (widths), case-folded, hiragana as katakana.
Romaji comes from jaconv's tables both ways: the reading is written in
Hepburn, and typed romaji goes to kana and back, so Kunrei and Nihon-shiki
spellings (si, ti, tu, hu, zi, sya) come out in Hepburn too. What is left is
spelling, made one here: long vowels, ん before a vowel, m before b/m/p.
"""

import re
import unicodedata
from dataclasses import dataclass

import jaconv

# Words of a name are apart by spaces or a middle dot (ジョン・スミス).
_WORD_BREAK = re.compile(r"[\s・]+")
# Accents on Latin letters (Satō, Ōno); kana's voicing marks (U+3099, U+309A) are not among them.
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")
_ROMAJI = re.compile(r"[a-z'-]+")
# The consonants of a syllable still being typed (yamad, sh): left as typed.
_UNFINISHED = re.compile(r"[^aeiou]*$")
# One sound, several spellings, each written one way: おう/おお as o, oo, ou,
# oh (oh only before a consonant or at the end: おはし stays ohashi) or ō (an
# accent is gone by now) or o- (ー); うう as uu or u; ん before a vowel as n'
# or nn; ん before b/m/p as m (Homma) or n.
_SPELLINGS = (
    (re.compile(r"-"), ""),
    (re.compile(r"o[ou]|oh(?![aeiouy])"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"n'|nn"), "n"),
    (re.compile(r"m(?=[bmp])"), "n"),
)


def _plain(text: str) -> str:
    """One spelling per character: NFKC (half-width kana, full-width letters
    and spaces), case-folded, hiragana as katakana, accents dropped."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    return jaconv.hira2kata(unicodedata.normalize("NFC", _LATIN_ACCENTS.sub("", text)))


def _words(text: str) -> list[str]:
    return [word for word in _WORD_BREAK.split(_plain(text)) if word]


def _one_spelling(text: str) -> str:
    for pattern, spelling in _SPELLINGS:
        text = pattern.sub(spelling, text)
    return text


def _hepburn_of_reading(katakana: str) -> str:
    return jaconv.kana2alphabet(jaconv.kata2hira(katakana))


def _hepburn_of_typed(romaji: str) -> str:
    """Typed romaji in Hepburn, through kana and back (tutomu → つとむ → tsutomu)."""
    unfinished = _UNFINISHED.search(romaji).group()
    whole = romaji[: len(romaji) - len(unfinished)]
    return jaconv.kana2alphabet(jaconv.alphabet2kana(whole)) + unfinished


def _spellings(texts) -> set[str]:
    return {spelling for text in texts for spelling in (text, _one_spelling(text)) if spelling}


def _whole_and_words(words: list[str]) -> list[str]:
    return [*words, "".join(words)]


def name_keys(display_name: str, reading: str = "") -> frozenset[str]:
    """The search keys of a person: each word of their display name, of their
    reading (katakana, "" for none) and of its romaji, and each of these
    three written whole, without spaces."""
    name, reading = _words(display_name), _words(reading)
    romaji = [_hepburn_of_reading(word) for word in reading]
    keys = _spellings(_whole_and_words(name))
    if reading:
        keys |= _spellings(_whole_and_words(reading) + _whole_and_words(romaji))
    return frozenset(keys)


@dataclass(frozen=True)
class Query:
    """What someone typed, each way it may be spelt: all of it run together,
    and word by word."""

    whole: frozenset[str]
    words: tuple[frozenset[str], ...]


def _typed_spellings(text: str) -> frozenset[str]:
    spellings = [text]
    if _ROMAJI.fullmatch(text):
        spellings.append(_hepburn_of_typed(text))
    return frozenset(_spellings(spellings))


def query_keys(text: str) -> Query | None:
    """The search keys of what someone typed, or None when there is nothing to look for."""
    words = _words(text)
    if not words:
        return None
    return Query(_typed_spellings("".join(words)), tuple(_typed_spellings(word) for word in words))


def _begins_a_key(spellings: frozenset[str], keys: frozenset[str]) -> bool:
    return any(key.startswith(spelling) for spelling in spellings for key in keys)


def matches(query: Query, keys: frozenset[str]) -> bool:
    """Whether what was typed begins one of the person's keys (山田絵美,
    yamadaemi, emi), or each typed word begins one of them (emi yamada)."""
    return _begins_a_key(query.whole, keys) or all(_begins_a_key(word, keys) for word in query.words)
