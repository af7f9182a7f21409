"""The goals an attendee may pick for an evening.

Codes are stored and handed to the grouping engine exactly as written here;
names are shown in the reader's language. A host's own goals get codes of
the form ``custom-<n>`` that never change once given (see ``Event.custom_goals``).
"""

from flask_babel import gettext

from meetup.i18n import N_
from meetup.i18n import lazy_gettext as _l

NAMES = {
    "learn": N_("Learn from other industries"),
    "peers": N_("Find peers"),
    "practice-speaking": N_("Practise a one-minute self-introduction"),
    "collaborate": N_("Find collaborators"),
    "share-info": N_("Share information"),
}
CATALOGUE = {code: _l(name) for code, name in NAMES.items()}

CUSTOM_PREFIX = "custom-"
MIN_PICKS = 1
MAX_PICKS = 3
MAX_CUSTOM = 3
CUSTOM_LABEL_MAX = 60


def goal_name(code: str, custom_goals: list[dict] | None = None) -> str:
    """What to show for a stored goal code (catalogue or the event's own)."""
    if code in NAMES:
        return gettext(NAMES[code])
    for goal in custom_goals or ():
        if goal["code"] == code:
            return goal["label"]
    return code
