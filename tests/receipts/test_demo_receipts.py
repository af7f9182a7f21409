"""The demo (issue 19, "Done when"): the community issues receipts with a
registration number, and last week's paid evening has receipts to copy."""

from sqlalchemy import func, select

from meetup.communities.models import Community
from meetup.demo import DEMO_FEE, load_demo
from meetup.events.models import Registration
from meetup.extensions import db
from meetup.receipts.models import Receipt


def test_the_demo_has_a_paid_evening_with_receipts_once(app):
    load_demo()
    load_demo()  # idempotent
    receipts = db.session.scalars(select(Receipt).order_by(Receipt.number)).all()
    assert [r.number for r in receipts] == [1, 2, 3]
    assert receipts[0].addressee == "株式会社サンプル商事 御中" and receipts[1].addressee.endswith(" 様")
    assert {r.invoice_number for r in receipts} == {"T1234567890123"}
    assert {r.amount for r in receipts} == {DEMO_FEE} and {r.tax for r in receipts} == {272}
    event_id = receipts[0].registration.event_id
    assert len({r.registration.event_id for r in receipts}) == 1
    paid = db.session.scalar(
        select(func.count()).where(Registration.event_id == event_id, Registration.paid_at.is_not(None))
    )
    assert paid > 3  # others paid too: the host's download issues theirs
    assert db.session.get(Community, receipts[0].community_id).receipts_issued == 3
