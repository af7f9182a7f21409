"""Publishing tables tells each person seated, once, with a link to My tables."""

from datetime import timedelta

from meetup.accounts.services.settings import delete_account
from meetup.events.models import Registration
from meetup.events.services.events import cancel_event
from meetup.events.services.walkins import add_walk_in
from meetup.extensions import db
from meetup.seating.services import forming, publishing
from tests.conftest import PASSWORD
from tests.events.helpers import mails


def publish(host, event, now):
    forming.form_tables(host, event.id)
    return publishing.publish(host, event.id, now=now)


def test_everyone_seated_is_told_once_with_a_link_to_their_tables(evening, make_user, sign_up_for, host, now):
    event, users = evening(people=6)
    absent = make_user()
    sign_up_for(event, absent)  # registered, never checked in: not seated
    publish(host, event, now)
    told = mails("tables-published")
    assert sorted(m.recipient_id for m in told) == sorted(u.id for u in users)
    mail = told[0]
    assert mail.subject == "Your tables are published: Shibuya professionals' mixer"
    assert f"http://localhost/events/{event.id}/my-tables\n" in mail.body
    assert "Shibuya Hikarie 8F" in mail.body and f"http://localhost/events/{event.id}\n" in mail.body
    assert mail.calendar is None
    stamps = db.session.query(Registration.user_id, Registration.tables_mailed_at).filter_by(event_id=event.id)
    assert {u: at for u, at in stamps if at is not None} == {u.id: now for u in users}


def test_a_publish_after_a_regroup_tells_only_the_people_never_told(evening, make_user, host, now):
    event, users = evening(people=6)
    publish(host, event, now)
    member = make_user(email="hana@example.com")  # a member who came without a seat
    walk_in = add_walk_in(
        host, event.id, display_name="森 花", industry="design", email=member.email, acknowledged=True, now=now
    ).registration
    forming.regroup(host, event.id)
    publishing.publish(host, event.id, now=now + timedelta(minutes=5))
    assert len(mails("tables-published")) == len(users) + 1
    assert [m.recipient_id for m in mails("tables-published")][-1] == walk_in.user_id
    forming.regroup(host, event.id)
    publishing.publish(host, event.id, now=now + timedelta(minutes=10))  # everyone was told already
    assert len(mails("tables-published")) == len(users) + 1


def test_the_mail_is_in_the_recipients_language_and_the_events_zone(evening, make_user, host, now):
    ja = make_user(display_name="田中 愛子", language="ja")
    others = [make_user() for _ in range(3)]
    event, _ = evening(users=[ja, *others], timezone="Europe/London")
    publish(host, event, now)
    [mail] = mails("tables-published", to=ja)
    assert mail.subject == "テーブルが公開されました：Shibuya professionals' mixer"
    assert "「わたしのテーブル」" in mail.body and "(Europe/London)" in mail.body


def test_nobody_is_told_for_a_cancelled_event_or_after_the_evening(evening, host, now):
    event, _ = evening(people=4)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=event.ends_at + timedelta(minutes=1))
    assert mails("tables-published") == []
    other, _ = evening(people=4)
    forming.form_tables(host, other.id)
    cancel_event(host, other.id, now=now)
    publishing.publish(host, other.id, now=now)
    assert mails("tables-published") == []


def test_a_deleted_account_is_not_mailed(evening, host, now):
    event, users = evening(people=4)
    delete_account(users[0], password=PASSWORD)
    publish(host, event, now)
    assert {m.recipient_id for m in mails("tables-published")} == {u.id for u in users[1:]}
