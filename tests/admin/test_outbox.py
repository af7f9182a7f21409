"""The admin outbox: every mail, newest first, with its status and its body,
filtered by status and address, a page at a time; for site admins only."""

from datetime import timedelta
from html import escape

import pytest
from flask_babel import force_locale

from meetup.accounts.services.settings import make_admin
from meetup.admin.queries import OUTBOX_PAGE_SIZE
from meetup.events.timezones import format_moment
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.mail.test_console import CALENDAR

JA = {"Accept-Language": "ja"}


BODY = "田中 様\n\nご予約ありがとうございます。\n"


def mail(now, to="aiko@example.com", subject="ご予約を確認しました", **fields):
    message = OutboxMessage(
        recipient_email=to, subject=subject, body=BODY, kind="registration-confirmed", created_at=now, **fields
    )
    db.session.add(message)
    db.session.commit()
    return message


@pytest.fixture
def outbox(now):
    """One message in each state, the sent one oldest, the set-aside one newest."""
    sent = mail(now - timedelta(hours=3), subject="Sent one", sent_at=now - timedelta(hours=2))
    pending = mail(
        now - timedelta(hours=2),
        to="kenji@example.com",
        subject="Pending one",
        attempts=2,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=now + timedelta(minutes=4),
        calendar=CALENDAR,
    )
    aside = mail(
        now - timedelta(hours=1),
        subject="Set aside one",
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 no such user",
        set_aside_at=now - timedelta(minutes=30),
    )
    return sent, pending, aside


def tokyo(app, moment, language="en"):
    """How the admin pages write ``moment``: Tokyo time, in ``language``."""
    with app.test_request_context(), force_locale(language):
        return format_moment(moment, "Asia/Tokyo")


def test_admin_reads_every_mail_with_its_status_newest_first(app, client, admin, outbox):
    sent, pending, aside = outbox
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert html.index("Set aside one") < html.index("Pending one") < html.index("Sent one")
    assert f"Sent {tokyo(app, sent.sent_at)}" in html
    assert f"Next attempt {tokyo(app, pending.next_attempt_at)}" in html
    assert "2 failed attempts" in html and "Connection refused" in html
    assert f"Set aside {tokyo(app, aside.set_aside_at)}, never retried." in html and "550 no such user" in html
    assert tokyo(app, sent.created_at) in html
    assert "kenji@example.com" in html and "registration-confirmed" in html
    assert html.count("Attached (invite.ics)") == 1
    assert "ご予約ありがとうございます。" in html  # the body, in a <details>
    assert 'href="/admin/outbox"' in html  # the admin tab


def test_the_page_reads_in_japanese(app, client, admin, outbox):
    sent, pending, aside = outbox
    html = client.get("/admin/outbox", headers=JA).get_data(as_text=True)
    assert "送信トレイ" in html
    assert f"送信済み {tokyo(app, sent.sent_at, 'ja')}" in html
    assert f"次の送信 {tokyo(app, pending.next_attempt_at, 'ja')}" in html
    assert "2 回失敗" in html and f"保留 {tokyo(app, aside.set_aside_at, 'ja')}（再送信はしません）。" in html
    assert "年" in tokyo(app, sent.sent_at, "ja")
    assert "添付あり (invite.ics)" in html
    assert "ご予約ありがとうございます。" in html


def test_a_message_has_a_page_of_its_own(client, admin, outbox):
    _, pending, _ = outbox
    pending.unsubscribe_url = "http://localhost/mail/unsubscribe/signed"
    db.session.commit()
    for headers, label in (({}, "Calendar file (invite.ics)"), (JA, "カレンダーファイル (invite.ics)")):
        html = client.get(f"/admin/outbox/{pending.id}", headers=headers).get_data(as_text=True)
        assert "Pending one" in html and "ご予約ありがとうございます。" in html
        assert escape(pending.message_id) in html and "http://localhost/mail/unsubscribe/signed" in html
        assert label in html and "BEGIN:VCALENDAR" in html
    assert client.get(f"/admin/outbox/{pending.id + 100}").status_code == 404


@pytest.mark.parametrize(
    "query, shown",
    [
        ("?status=sent", ["Sent one"]),
        ("?status=pending", ["Pending one"]),
        ("?status=set-aside", ["Set aside one"]),
        ("?to=KENJI", ["Pending one"]),
        ("?status=sent&to=kenji", []),
        ("?status=nonsense", ["Sent one", "Pending one", "Set aside one"]),
    ],
)
def test_the_outbox_filters_by_status_and_address(client, admin, outbox, query, shown):
    html = client.get("/admin/outbox" + query).get_data(as_text=True)
    assert [subject for subject in ("Sent one", "Pending one", "Set aside one") if subject in html] == shown
    assert ("No mail matches." in html) == (not shown)


def test_the_outbox_is_paged(client, admin, now):
    for n in range(OUTBOX_PAGE_SIZE + 1):
        mail(now + timedelta(seconds=n), subject=f"Mail number {n:03d}")
    first = client.get("/admin/outbox").get_data(as_text=True)
    assert "Mail number 050" in first and "Mail number 001" in first and "Mail number 000" not in first
    assert 'rel="next" href="/admin/outbox?page=2"' in first and 'rel="prev"' not in first
    second = client.get("/admin/outbox?page=2").get_data(as_text=True)
    assert "Mail number 000" in second and "Mail number 001" not in second
    assert 'rel="prev" href="/admin/outbox?page=1"' in second and 'rel="next"' not in second


@pytest.mark.parametrize("query", ["?page=abc", "?page=-3", "?page=0", "?page=" + "9" * 30, "?to=" + "%" * 5000])
def test_odd_queries_get_a_page(client, admin, outbox, query):
    assert client.get("/admin/outbox" + query).status_code == 200


def test_on_a_live_site_the_outbox_shows_delivery_never_what_a_mail_says(app, client, admin, outbox, monkeypatch):
    """With a mail server set, real mail holds sign-in links and people's
    matches: an admin sees whom it went to and whether it went, nothing more."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    sent, pending, _aside = outbox
    for path in ("/admin/outbox", f"/admin/outbox/{pending.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "kenji@example.com" in html and "2 failed attempts" in html
        for secret in ("Pending one", "ご予約ありがとうございます。", "registration-confirmed", "BEGIN:VCALENDAR"):
            assert secret not in html, (path, secret)
    assert f"Message {pending.id}" in client.get("/admin/outbox").get_data(as_text=True)
    assert "Sent one" not in client.get(f"/admin/outbox/{sent.id}").get_data(as_text=True)
