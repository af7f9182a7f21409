"""How easy a new password is to guess, and why, in the person's language.

zxcvbn (Dropbox's estimator) judges it: it knows the most used passwords,
common words and names, keyboard rows, sequences, repeats and dates, and is
told the person's own name and email address and the site's name. Its
feedback is English only, so the reason shown is our own short sentence,
chosen from the kind of pattern it found.
"""

import re
import threading

from zxcvbn import zxcvbn

from meetup.i18n import lazy_gettext as _l

# zxcvbn's own scale: 3 is "safely unguessable" for an online attacker and
# one who stole the (slowly hashed) passwords.
STRONG_ENOUGH = 3
# zxcvbn refuses longer passwords (its time grows with the length); the rest
# of a longer one only adds to its strength.
_CHECKED_LENGTH = 72
SITE_WORDS = ("meetup", "mixer", "交流会", "異業種交流会", "士業交流会")

# zxcvbn keeps the personal words in a module-level dictionary while it runs:
# one check at a time per process (threaded workers would mix them up).
_lock = threading.Lock()

# The first kind of pattern found, in this order, gives the reason.
_REASONS = (
    ("user_inputs", _l("It contains your name, your email address or the name of this site.")),
    ("passwords", _l("It is one of the most commonly used passwords.")),
    ("spatial", _l("Keyboard patterns such as “qwerty” are easy to guess.")),
    ("sequence", _l("Sequences such as “abc” or “1234” are easy to guess.")),
    ("repeat", _l("Repeated characters or words, such as “aaa”, are easy to guess.")),
    ("date", _l("Dates and years are easy to guess.")),
    ("regex", _l("Dates and years are easy to guess.")),
    ("dictionary", _l("A common word or name on its own is easy to guess.")),
)
_TOO_SIMPLE = _l("It is too short or too simple.")


def _personal_words(values) -> list[str]:
    """Each value whole and split into its words: the whole email address,
    its name part and its domain's words; the display name and each of its words."""
    words = []
    for value in values:
        value = (value or "").strip().lower()
        if value:
            words.append(value)
            words.extend(word for word in re.split(r"[\W_]+", value) if len(word) > 1)
    return words


def _kind(match: dict) -> str:
    if match["pattern"] == "dictionary" and match["dictionary_name"] in ("user_inputs", "passwords"):
        return match["dictionary_name"]
    return match["pattern"]


def weakness(password: str, *, personal: tuple = ()):
    """Why ``password`` is too easy to guess (a lazy translated message), or
    None when it is strong enough. ``personal``: the person's email address
    and name, which must not carry a password."""
    with _lock:
        result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=[*SITE_WORDS, *_personal_words(personal)])
    if result["score"] >= STRONG_ENOUGH:
        return None
    kinds = {_kind(match) for match in result["sequence"]}
    reason = next((text for kind, text in _REASONS if kind in kinds), _TOO_SIMPLE)
    return _l(
        "This password is too easy to guess. %(reason)s A short phrase of a few unrelated words is safer "
        "and easy to remember.",
        reason=reason,
    )
