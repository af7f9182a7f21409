"""The profile's Mail section: one box per topic of optional mail, all ticked
until their owner unticks them, and a line saying essential mail always goes."""

import re

import pytest

from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from tests.conftest import csrf_token

BOX = re.compile(r'<input[^>]*type="checkbox"[^>]*>')


def boxes(page: str) -> dict[str, bool]:
    """Each topic box on the page: ticked or not."""
    found = {}
    for tag in BOX.findall(page):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        found[name] = "checked" in tag
    return found


def save(client, *ticked):
    data = {field: "y" for field in ticked}
    return client.post("/profile/mail", data={**data, "csrf_token": csrf_token(client, "/profile")})


def test_every_topic_is_on_until_turned_off(client, auth, user):
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    assert boxes(page) == {"reminders": True, "tables": True, "meet_again": True, "announcements": True}
    assert "Mail about your registrations, your account and your matches always goes." in page
    for topic in TOPICS.values():
        assert str(topic.label) in page and str(topic.description) in page


def test_unticking_a_box_turns_its_topic_off_and_ticking_turns_it_on(client, auth, user):
    auth.login()
    response = save(client, "reminders", "meet_again", "announcements")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile#mail")
    assert preferences.topics_off(user.id) == {"tables"}
    page = client.get("/profile").get_data(as_text=True)
    assert "Your mail settings are saved." in page
    assert boxes(page) == {"reminders": True, "tables": False, "meet_again": True, "announcements": True}
    save(client, "tables")
    assert preferences.topics_off(user.id) == {"reminders", "meet-again", "announcements"}
    save(client, "reminders", "tables", "meet_again", "announcements")
    assert preferences.topics_off(user.id) == set()


def test_a_topic_turned_off_by_its_link_shows_unticked(client, auth, user, now):
    preferences.turn_off(user.id, TOPICS["meet-again"], now=now)
    auth.login()
    assert boxes(client.get("/profile").get_data(as_text=True))["meet_again"] is False


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", ["Mail", "Also send me", "Reminders", "Published tables", "Meet-again prompts", "Save mail settings"]),
        (
            "ja",
            [
                "メール",
                "次のメールも受け取る",
                "リマインダー",
                "テーブル発表",
                "「また会いたい」のご案内",
                "お申し込み・アカウント・マッチに関するメールは、設定にかかわらず必ずお送りします。",
                "メール設定を保存",
            ],
        ),
    ],
)
def test_the_mail_section_speaks_the_persons_language(client, auth, make_user, language, expected):
    make_user(email="lang@example.com", language=language)
    auth.login(email="lang@example.com")
    page = client.get("/profile").get_data(as_text=True)
    for text in expected:
        assert text in page, text
