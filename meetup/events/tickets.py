"""Tickets: every registration carries an unguessable short code that the
door scans from a QR code or takes typed in by hand.

Ten characters from 31 (no 0/O, 1/I/L) are about 50 bits: nobody finds a
seat by guessing, and a host can read one out over the phone. A code names
one registration, so it only ever opens the door of that one evening.
"""

import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10


def new_ticket_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_ticket_code(text: str) -> str:
    """A code as typed or read by a camera, as stored: NFKC (full-width
    letters), upper case, without spaces or dashes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
