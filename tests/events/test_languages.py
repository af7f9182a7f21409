"""Every page and every mail is in its reader's language, however the
languages of one request (mail rendered inside ``force_locale``) or of
successive requests mix."""

import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests.conftest import PASSWORD, csrf_token
from tests.events.helpers import mails

SKIP = {"en": "Skip to content", "ja": "本文へ移動"}  # base.html
HOST_ADDS = {
    "en": "For this event, the host adds:",
    "ja": "このイベントでは、主催者から次の事項が加わります：",
}  # an imported macro
SEATS_LEFT = {"en": "2 seats left", "ja": "残り2席"}  # ngettext in an imported macro
SEAT_IS_YOURS = {"en": "A seat is yours: Lantern mixer", "ja": "繰り上がりで参加が確定しました：Lantern mixer"}
CANCELLED = {"en": "Your registration is cancelled.", "ja": "参加をキャンセルしました。"}


def test_successive_visitors_each_read_the_page_in_their_own_language(client, make_event):
    event = make_event(capacity=2, conduct_extra="Cards at the end of each round.")
    for language in ["en", "ja", "en", "ja"]:
        page = client.get(f"/events/{event.id}", headers={"Accept-Language": language}).get_data(as_text=True)
        other = "ja" if language == "en" else "en"
        for text in (SKIP, HOST_ADDS, SEATS_LEFT):
            assert text[language] in page
            assert text[other] not in page


@pytest.mark.parametrize("reader, waiting", [("ja", "en"), ("en", "ja")])
def test_mail_sent_during_a_request_is_in_the_recipients_language_and_the_page_in_the_readers(
    client, auth, make_user, make_event, sign_up_for, reader, waiting
):
    event = make_event(title="Lantern mixer", capacity=1)
    leaving = make_user(email="leaving@example.com", language=reader)
    promoted = make_user(email="promoted@example.com", language=waiting)
    sign_up_for(event, leaving)
    sign_up_for(event, promoted)  # the event is full: the waitlist
    auth.login("leaving@example.com", PASSWORD)

    page = client.post(
        f"/events/{event.id}/cancel-registration",
        follow_redirects=True,
        data={"csrf_token": csrf_token(client, f"/events/{event.id}")},
    ).get_data(as_text=True)

    [mail] = mails("registration-promoted", to=promoted)
    assert mail.subject == SEAT_IS_YOURS[waiting]
    assert CANCELLED[reader] in page and SKIP[reader] in page
    assert SKIP[waiting] not in page


def test_one_request_renders_each_template_in_the_locale_in_force_at_the_time(app):
    """A request in Japanese that renders mail for an English reader in between (as registering does)."""
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        before = render_template_string("{{ _('Skip to content') }}")
        with force_locale("en"):
            mail = render_template_string(
                "{{ _('Skip to content') }} {{ ngettext('%(num)d seat left', '%(num)d seats left', 2) }}"
            )
        after = render_template_string("{{ _('Skip to content') }}")
    assert (before, mail, after) == (SKIP["ja"], f"{SKIP['en']} {SEATS_LEFT['en']}", SKIP["ja"])


def test_translated_text_escapes_what_it_is_given_in_pages_but_not_in_mail(app, make_user, make_event, sign_up_for):
    event = make_event(title="Tom & Jerry <mixer>")
    sign_up_for(event, make_user(email="reader@example.com"))
    [mail] = mails("registration-confirmed")
    assert "Tom & Jerry <mixer>" in mail.subject
    with app.test_request_context():
        page = render_template_string("{{ _('Hello %(name)s,', name=title) }}", title=event.title)
    assert page == "Hello Tom &amp; Jerry &lt;mixer&gt;,"
