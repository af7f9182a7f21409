"""The mails after an evening: the meet-again prompt when it ends, and a last
call in the window's final day to those who have not saved their choices.

With the defaults the evening runs from ``now`` + 1 h to ``now`` + 3 h, and
its three-day window closes at ``now`` + 3 d 3 h (at the suite's default
instant: Saturday 13 June 2026, 12:30 in Tokyo)."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from meetup.accounts.services.settings import delete_account
from meetup.events.models import Registration
from meetup.events.services.checkin import check_in
from meetup.events.services.events import cancel_event
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services.sender import send_pending
from meetup.matching import window
from meetup.matching.services.choices import save_choices
from meetup.matching.services.prompts import (
    last_calls_due,
    prompts_due,
    send_last_calls,
    send_prompts,
)
from meetup.matching.services.reveal import reveal_matches
from meetup.rules.models import Ban
from tests.clock import NOW
from tests.conftest import PASSWORD, link_in_mail
from tests.events.helpers import mails
from tests.matching.test_privacy import scenario

CLOSES = NOW + timedelta(days=3, hours=3)


def written(moment, zone: str, name: str) -> str:
    """``moment`` as an English mail writes it: "Sat, Jun 13, 2026 12:30 (Japan Time)"."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    return f"{local:%a, %b} {local.day}, {local:%Y %H:%M} ({name})"


CLOSES_EN = written(CLOSES, "Asia/Tokyo", "Japan Time")
_tokyo = CLOSES.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
CLOSES_JA = (
    f"{_tokyo.year}年{_tokyo.month}月{_tokyo.day}日({'月火水木金土日'[_tokyo.weekday()]}) {_tokyo:%H:%M} (日本時間)"
)


def ended(event):
    return event.ends_at + timedelta(minutes=1)


def final_day(event):
    return window.closes_at(event) - timedelta(hours=23)


def stamps(event, column) -> dict[int, object]:
    return dict(
        db.session.execute(
            select(Registration.user_id, getattr(Registration, column)).where(Registration.event_id == event.id)
        ).all()
    )


# The prompt.


def test_the_prompt_goes_once_to_everyone_who_attended_when_the_evening_ends(seated, make_user, sign_up_for, host, now):
    event, users = seated(people=4)
    absent = make_user()
    sign_up_for(event, absent)  # never came
    assert prompts_due(event.ends_at - timedelta(minutes=1)) == []
    assert send_prompts(event.id, now=event.ends_at - timedelta(minutes=1)) == 0, "not while it runs"
    assert prompts_due(ended(event)) == [event.id]

    assert send_prompts(event.id, now=ended(event)) == 4
    assert sorted(m.recipient_id for m in mails("meet-again-prompt")) == sorted(u.id for u in users)
    assert send_prompts(event.id, now=ended(event) + timedelta(hours=1)) == 0, "once only"
    assert prompts_due(ended(event) + timedelta(hours=1)) == []
    assert len(mails("meet-again-prompt")) == 4
    assert stamps(event, "meet_again_prompted_at") == {**{u.id: ended(event) for u in users}, absent.id: None}


def test_the_prompt_names_the_event_the_closing_time_and_links_to_the_page(seated, client_for):
    event, users = seated(people=4)
    send_prompts(event.id, now=ended(event))
    [mail] = mails("meet-again-prompt", to=users[0])
    assert mail.subject == f"Whom would you like to meet again? Until {CLOSES_EN}"
    assert "Thank you for coming to Shibuya professionals' mixer." in mail.body
    assert f"http://localhost/events/{event.id}/meet-again\n" in mail.body
    assert "Shibuya Hikarie 8F" in mail.body and f"http://localhost/events/{event.id}\n" in mail.body
    assert "nobody is ever told about a tick that was not returned" in mail.body
    page = client_for(users[0]).get(link_in_mail(users[0].email, "meet-again-prompt"))
    assert page.status_code == 200 and "Meet again?" in page.get_data(as_text=True)


def test_the_prompt_is_in_the_recipients_language(seated, make_user):
    ja = make_user(display_name="田中 愛子", language="ja")
    event, _ = seated(users=[ja, make_user(), make_user(), make_user()])
    send_prompts(event.id, now=ended(event))
    [mail] = mails("meet-again-prompt", to=ja)
    assert mail.subject == f"また会いたい人はいますか？ {CLOSES_JA}まで"
    assert "田中 愛子さん" in mail.body and "ご参加いただき" in mail.body
    assert f"{CLOSES_JA}までに" in mail.body


def test_the_closing_time_is_in_the_events_zone_and_named(seated):
    event, users = seated(people=4, timezone="Europe/London")
    send_prompts(event.id, now=ended(event))
    [mail] = mails("meet-again-prompt", to=users[0])
    assert (
        mail.subject == f"Whom would you like to meet again? Until {written(CLOSES, 'Europe/London', 'British Time')}"
    )


def test_nobody_without_a_tablemate_is_prompted(seated, make_user, sign_up_for, host, now):
    event, users = seated(people=4)
    late = make_user()
    check_in(host, event.id, sign_up_for(event, late).id, now=now)  # after the tables were published
    assert send_prompts(event.id, now=ended(event)) == 4
    assert mails("meet-again-prompt", to=late) == []


def test_no_prompt_for_deleted_or_banned_people(seated, host, now):
    event, users = seated(people=4)
    delete_account(users[0], password=PASSWORD)
    banned = users[1].id
    db.session.add(
        Ban(community_id=event.community_id, host_id=host.id, user_id=banned, created_by_id=host.id, created_at=now)
    )
    db.session.commit()
    assert send_prompts(event.id, now=ended(event)) == 2
    assert {m.recipient_id for m in mails("meet-again-prompt")} == {users[2].id, users[3].id}


def test_no_prompt_for_a_cancelled_event_or_once_the_window_has_closed(seated, host, now):
    cancelled, _ = seated(people=4)
    cancel_event(host, cancelled.id, now=now)
    assert prompts_due(ended(cancelled)) == []
    assert send_prompts(cancelled.id, now=ended(cancelled)) == 0
    closed, _ = seated(people=4)
    after = window.closes_at(closed)
    assert prompts_due(after) == []
    assert send_prompts(closed.id, now=after) == 0
    reveal_matches(closed.id, now=after)
    assert send_prompts(closed.id, now=after - timedelta(hours=1)) == 0, "revealed: no longer open"
    assert mails("meet-again-prompt") == []


# The last call.


def test_the_last_call_goes_in_the_final_day_to_those_who_have_not_saved(seated, now):
    event, (a, b, c, d) = seated(people=4)
    send_prompts(event.id, now=ended(event))
    during = ended(event) + timedelta(hours=1)
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [], now=during)  # saving "nobody" counts as saved
    before_final_day = window.closes_at(event) - timedelta(hours=25)
    assert last_calls_due(before_final_day) == []
    assert send_last_calls(event.id, now=before_final_day) == 0
    assert last_calls_due(final_day(event)) == [event.id]

    assert send_last_calls(event.id, now=final_day(event)) == 2
    assert sorted(m.recipient_id for m in mails("meet-again-last-call")) == sorted([c.id, d.id])
    assert send_last_calls(event.id, now=final_day(event) + timedelta(hours=1)) == 0, "once only"
    assert last_calls_due(final_day(event) + timedelta(hours=1)) == []
    assert stamps(event, "last_call_sent_at") == {
        a.id: None,
        b.id: None,
        c.id: final_day(event),
        d.id: final_day(event),
    }
    assert send_last_calls(event.id, now=window.closes_at(event)) == 0


def test_the_last_call_in_english_and_japanese(seated, make_user, client_for):
    ja = make_user(display_name="田中 愛子", language="ja")
    event, users = seated(users=[ja, make_user(), make_user(), make_user()])
    send_prompts(event.id, now=ended(event))
    send_last_calls(event.id, now=final_day(event))
    [english] = mails("meet-again-last-call", to=users[1])
    assert english.subject == f"Last call: whom would you like to meet again? Until {CLOSES_EN}"
    assert f"The meet-again window for Shibuya professionals' mixer closes on {CLOSES_EN}." in english.body
    assert f"http://localhost/events/{event.id}/meet-again\n" in english.body
    [japanese] = mails("meet-again-last-call", to=ja)
    assert japanese.subject == f"まもなく締め切り：また会いたい人はいますか？ {CLOSES_JA}まで"
    assert f"{CLOSES_JA}に締め切ります" in japanese.body
    page = client_for(users[1]).get(link_in_mail(users[1].email, "meet-again-last-call"))
    assert page.status_code == 200


def test_a_one_day_window_keeps_the_last_call_apart_from_the_prompt(seated):
    event, users = seated(people=4, meet_again_days=1)
    send_prompts(event.id, now=ended(event))
    assert last_calls_due(ended(event)) == [] and send_last_calls(event.id, now=ended(event)) == 0
    later = ended(event) + timedelta(hours=12)
    assert last_calls_due(later) == [event.id]
    assert send_last_calls(event.id, now=later) == 4


def test_nobody_is_called_who_was_never_prompted(seated):
    event, _ = seated(people=4)
    assert last_calls_due(final_day(event)) == []
    assert send_last_calls(event.id, now=final_day(event)) == 0


def test_saving_choices_stamps_the_registration_opening_the_page_does_not(seated, client_for, now):
    event, (a, b, *_) = seated(people=4)
    client = client_for(a)
    assert client.get(f"/events/{event.id}/meet-again").status_code == 200
    assert stamps(event, "meet_again_saved_at")[a.id] is None, "a GET never writes (nor does a mail scanner)"
    during = now + timedelta(hours=2)
    save_choices(a, event.id, [], now=during)
    assert stamps(event, "meet_again_saved_at") == {a.id: during, b.id: None, **{u.id: None for u in _}}


# Privacy: what D receives never depends on C's choice of D.


def _what_d_receives(event, c, d, *, c_ticks_d: bool, d_saves: bool = False) -> list[tuple]:
    with scenario():
        during = event.starts_at + timedelta(hours=1)
        save_choices(c, event.id, [d.id] if c_ticks_d else [], now=during)
        if d_saves:
            save_choices(d, event.id, [], now=during)
        for due, send, at in (
            (prompts_due, send_prompts, ended(event)),
            (last_calls_due, send_last_calls, final_day(event)),
        ):
            for event_id in due(at):
                send(event_id, now=at)
        return [
            (m.kind, m.recipient_email, m.subject, m.body, m.calendar, m.unsubscribe_url)
            for m in db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.recipient_id == d.id, OutboxMessage.kind.like("meet-again-%"))
                .order_by(OutboxMessage.kind)
            )
        ]


def test_the_prompt_and_last_call_to_d_are_identical_whether_or_not_c_ticked_d(seated):
    event, (c, d, *_) = seated(people=4)
    db.session.commit()
    untouched = _what_d_receives(event, c, d, c_ticks_d=False)
    ticked = _what_d_receives(event, c, d, c_ticks_d=True)
    assert [kind for kind, *_ in untouched] == ["meet-again-last-call", "meet-again-prompt"]
    assert ticked == untouched
    # Control: D's own save does change what D receives (no last call), so the comparison can see a difference.
    saved = _what_d_receives(event, c, d, c_ticks_d=True, d_saves=True)
    assert [kind for kind, *_ in saved] == ["meet-again-prompt"]


def test_the_prompt_reaches_the_real_smtp_server(app, smtp_server, seated):
    event, users = seated(people=4)
    send_prompts(event.id, now=ended(event))
    db.session.commit()
    send_pending()
    # (Python's email package folds this subject's length right after "Subject:"; readers unfold it.)
    received = [m for m in smtp_server.messages if m["Subject"].strip().startswith("Whom would you like")]
    assert sorted(m["To"] for m in received) == sorted(u.email for u in users)
    assert received[0]["Subject"].strip() == f"Whom would you like to meet again? Until {CLOSES_EN}"
    assert received[0].get_content_type() == "text/plain"
