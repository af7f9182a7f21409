"""Receipt fixtures: an evening with a ¥3,000 fee whose door is open, and
attendees whose fee was taken at the door, made through the services."""

from datetime import timedelta

import pytest

from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member
from meetup.events.models import CASH
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (shared fixtures)

FEE = 3000


@pytest.fixture
def evening(make_event, now):
    """A published evening an hour from now, ¥3,000 at the door (tax included)."""
    event = make_event(starts_at=now + timedelta(hours=1), title="渋谷 士業交流会 12月")
    event.fee_yen = FEE
    db.session.commit()
    return event


@pytest.fixture
def pay(host, sign_up_for, now):
    """Factory: ``user`` registers for ``event``, is checked in and pays at the door."""

    def paying(event, user):
        registration = sign_up_for(event, user)
        return check_in(host, event.id, registration.id, now=now, payment=CASH)

    return paying


@pytest.fixture
def team(host, evening, make_user, now):
    """A co-host and a door staff member of the evening's community."""
    co_host, door = make_user(email="cohost@example.com"), make_user(email="door@example.com")
    add_member(host, evening.community_id, email=co_host.email, role=CO_HOST, now=now)
    add_member(host, evening.community_id, email=door.email, role=DOOR, now=now)
    return {"co_host": co_host, "door": door}


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, as a PDF reader extracts it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded().replace("\r\n", "\n"))
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts
