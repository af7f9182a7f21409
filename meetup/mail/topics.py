"""The topics of optional mail a person may turn off, on their profile or by
the one-click link at the foot of each such mail, and the mail templates
that belong to each.

A template in no topic is essential and always goes: confirmations, the
waitlist and promotions, cancellations and changes to an evening, a host's
message to the people holding a place at their evening (practical news about
it: a change of room, a late start), account and password mail, matches and
conduct mail. A new topic is one entry here.
"""

from dataclasses import dataclass

from meetup.i18n import LazyText
from meetup.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Topic:
    name: str  # stored in MailOptOut.topic and signed into unsubscribe links: never renamed
    label: LazyText
    description: LazyText
    templates: frozenset[str]

    @property
    def field(self) -> str:
        """Its checkbox's name in a form."""
        return self.name.replace("-", "_")


TOPICS = {
    topic.name: topic
    for topic in (
        Topic(
            "reminders",
            _l("Reminders"),
            _l("A reminder the day before an evening you have a seat at."),
            frozenset({"event-reminder"}),
        ),
        Topic(
            "tables",
            _l("Published tables"),
            _l("When the host publishes the tables of an evening you are seated at."),
            frozenset({"tables-published"}),
        ),
        Topic(
            "meet-again",
            _l("Meet-again prompts"),
            _l("After an evening: whom you would like to meet again, and a last call before the choice closes."),
            frozenset({"meet-again-prompt", "meet-again-last-call"}),
        ),
        Topic(
            "announcements",
            _l("New evenings of communities you follow"),
            _l("When a community you follow publishes a new evening."),
            frozenset({"community-announcement"}),
        ),
    )
}

_BY_TEMPLATE = {template: topic for topic in TOPICS.values() for template in topic.templates}


def topic_of(template: str) -> Topic | None:
    """The topic a mail template belongs to; None for essential mail."""
    return _BY_TEMPLATE.get(template)
