"""Tickets: every registration carries an unguessable short code that the
door scans from a QR code or takes typed in by hand.

Ten characters from 31 (no 0/O, 1/I/L) are about 50 bits: nobody finds a
seat by guessing, and a host can read one out over the phone. A code names
one registration, so it only ever opens the door of that one evening.
"""

import secrets
import unicodedata

import segno

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10


def new_ticket_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_ticket_code(text: str) -> str:
    """A code as typed or read by a camera, as stored: NFKC (full-width
    letters), upper case, without spaces or dashes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")


def grouped(code: str) -> str:
    """The code as people read it: ABCDE-FGHJK."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def qr_code(code: str) -> segno.QRCode:
    """The ticket's QR code: it encodes the code alone, so a scan reads just that."""
    return segno.make(code, micro=False)


def qr_data_uri(code: str) -> str:
    """The QR code as an SVG data: URI (the CSP allows data: images)."""
    return qr_code(code).svg_data_uri(scale=1, border=4, omitsize=True, light="#fff")
