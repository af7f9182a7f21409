"""What the conduct pages show an attendee: a person's card at an event (with
where the two sat together) and the choices the report form offers."""

from dataclasses import dataclass
from datetime import datetime

from meetup.conduct.blocks import block_of
from meetup.conduct.pairs import Report
from meetup.conduct.people import SharedEvent, shared_event
from meetup.conduct.reports import report_of
from meetup.seating.queries import published_seating


@dataclass
class PersonCard:
    shared: SharedEvent
    table_names: list[str]                # every table of the published seating, in order
    blocked: bool                         # the actor blocked this person
    my_report: Report | None              # the actor's report about them at this event

    @property
    def can_report(self) -> bool:
        return self.shared.both_attended and self.my_report is None


def person_card(actor, event_id: int, user_id: int, *, now: datetime) -> PersonCard:
    """Another attendee as the actor sees them; NotFoundError unless the two met there.

    Reads only the actor's own blocks and reports: never whether the other
    person blocked or reported the actor."""
    shared = shared_event(actor, event_id, user_id, now=now)
    seating = published_seating(event_id)
    names = [seating.table_name(t) for t in range(seating.table_count)] if seating is not None else []
    return PersonCard(shared=shared, table_names=names,
                      blocked=block_of(actor.id, user_id) is not None,
                      my_report=report_of(actor.id, user_id, event_id))
