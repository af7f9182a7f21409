"""Hostile values for fuzzing: what a broken client, a curious person or an
attacker might send in place of a form field or a command-line argument."""

import string
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from meetup.database import INTEGER_MAX

SQL = [
    "'; DROP TABLE users; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "1; SELECT pg_sleep(10)--",
    "\\'; --",
    "%",
    "_",
]

# Markup that would act if it reached a page unescaped: run script, send the
# browser to another site (no script needed), or swallow the rest of a form.
META_REFRESH = '<meta http-equiv=refresh content="0;url=https://evil.example/">'
CLOSE_SELECT = "</select><textarea>"
OUT_OF_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HTML = [
    "<script>alert(1)</script>",
    OUT_OF_ATTRIBUTE,
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    META_REFRESH,
    CLOSE_SELECT,
]

CONTROL = [
    "\x00",
    "a\x00b",
    "\x01\x02\x03",
    "\x07\x08",
    "\x0b\x0c",
    "\x1b[31mred\x1b[0m",
    "\x7f",
    "\x85",
    "\x9f",
    "line\r\nbreak",
    "\r",
    "\n\n\n",
    "\t",
    "Mixer\u2028Bcc: x",
    "\u2029",
    "\x1c\x1d\x1e",
]

UNICODE = [
    "😀🎉👩‍👩‍👧‍👦",
    "𠮷野家",
    "\U0010fffd",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\u200f\u202eevil\u202c",
    "\u200b",
    "مرحبا",
    "Ｆｕｌｌｗｉｄｔｈ",
    "e\u0301" * 50,
    "ﷺ" * 20,
]

# Half of a UTF-16 pair on its own: no valid UTF-8 holds one, so a client
# that sends it anyway sends bytes that are not UTF-8 (see ``encoded``).
SURROGATES = ["\ud800", "a\udfffb", "\udbff\udbff", "\udc80\x00"]

NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e9",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "0x10",
    "1_000",
    "１２",
    "٣",
    "3.5",
    "+5",
    " 7 ",
]

DATES = [
    "2025-13-45T25:61",
    "0000-00-00T00:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2025-02-30T10:00",
    "31/12/2025 19:00",
    "2025-12-31",
    "19:00",
    "2025-12-31T19:00:00Z",
    "2025-12-31T19:00+09:00",
    "yesterday",
    "1970-01-01T00:00",
]

BLANK = ["", " ", "   ", "\u3000", "\t \n", "\u00a0"]


def _long(char: str, size: int) -> str:
    return char * size


LONG = [_long("a", 10_001), _long("あ", 20_000), _long("😀", 10_000), "<b>" * 4_000, _long("\x00", 10_000)]

FIXED = SQL + HTML + CONTROL + UNICODE + NUMBERS + DATES + BLANK + LONG

MISSING = object()  # the field is left out of the body


def out_of_range_integers() -> st.SearchStrategy[int]:
    """Whole numbers no id or count column holds (ids are 32-bit on PostgreSQL, 64-bit on SQLite)."""
    return st.one_of(
        st.sampled_from([INTEGER_MAX + 1, 2**63 - 1, 2**63, 2**64, 10**30]),
        st.integers(min_value=INTEGER_MAX + 1),
        st.integers(max_value=-INTEGER_MAX - 2),
    )


def unstorable_text() -> st.SearchStrategy[str]:
    """Text carrying NUL or a lone surrogate somewhere, maybe among other text."""
    return st.tuples(st.text(max_size=8), st.sampled_from(["\x00", *SURROGATES]), st.text(max_size=8)).map("".join)


def hostile_text() -> st.SearchStrategy[str]:
    """One hostile string: a known nasty value, a mix of them, or random text."""
    return st.one_of(
        st.sampled_from(FIXED),
        st.lists(st.sampled_from(FIXED), min_size=2, max_size=4).map("".join),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.integers().map(str),
        out_of_range_integers().map(str),
        st.floats().map(repr),
        st.text(alphabet=string.printable, max_size=12),
    )


def hostile_value() -> st.SearchStrategy:
    """A form value: a hostile string (NUL or a lone surrogate among them),
    the field posted several times, or missing."""
    return st.one_of(
        hostile_text(),
        hostile_text(),
        unstorable_text(),
        st.lists(hostile_text(), min_size=2, max_size=3),
        st.just(MISSING),
    )


def field_value(valid: list) -> st.SearchStrategy:
    """Mostly valid values (so the other fields get past validation), sometimes hostile."""
    return st.one_of(st.sampled_from(valid), hostile_value()) if valid else hostile_value()


def encoded(text: str) -> str:
    """Percent-encoded as a client that encodes lone surrogates like any other
    character (WTF-8) would send it, for a path segment or a query string."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def encoded_body(pairs) -> bytes:
    """A urlencoded form body, lone surrogates encoded as ``encoded`` does."""
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")


def contains_html(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [fragment for fragment in HTML for v in values if isinstance(v, str) and fragment in v]
