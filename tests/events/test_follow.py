"""Following a community: on its page, by an unticked box when registering,
and from the event page after registering; its list on the profile; and the
announcement of each new evening, mailed once to every follower by the
worker, in their language, never to its own team, to someone already coming,
or to someone who turned the mail off. Nobody follows anything without
pressing or ticking it themselves."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from meetup.communities import queries as communities
from meetup.communities.models import CO_HOST, DOOR, CommunityFollower
from meetup.communities.services import add_member, follow, unfollow
from meetup.errors import NotFoundError
from meetup.events.models import LOTTERY, Event
from meetup.events.services import events as hosting
from meetup.events.services.announcements import announce, announcements_due
from meetup.events.timezones import format_span
from meetup.extensions import db
from meetup.jobs import Done, Worker
from meetup.mail.services import preferences
from meetup.mail.topics import TOPICS
from meetup.privacy.services import delete_account
from meetup.rules.models import Ban
from tests.conftest import PASSWORD, csrf_token
from tests.events.helpers import event_details, mails

ANNOUNCEMENT = "community-announcement"
FOLLOW_BUTTON = re.compile(r'action="/communities/(\d+)/follow"')
UNFOLLOW_BUTTON = re.compile(r'action="/communities/(\d+)/unfollow"')
FOLLOW_BOX = re.compile(r'<input[^>]*name="follow"[^>]*>')


def followers_of(community_id: int) -> set[int]:
    return set(
        db.session.scalars(select(CommunityFollower.user_id).where(CommunityFollower.community_id == community_id))
    )


@pytest.fixture
def community(host, make_event):
    """The host's community (made with their first evening)."""
    return make_event(publish=False).community


def page(client, path: str, language: str = "en") -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# Following and unfollowing


def test_following_twice_or_unfollowing_twice_changes_nothing_more(user, community, now):
    for _ in range(2):
        follow(user, community.id, now=now)
    assert followers_of(community.id) == {user.id}
    assert communities.follows(user, community.id) and communities.follower_count(community.id) == 1
    for _ in range(2):
        unfollow(user, community.id)
    assert followers_of(community.id) == set()
    with pytest.raises(NotFoundError):
        follow(user, community.id + 1000, now=now)


PAGE_TEXT = {
    "en": {
        "button": ">Follow</button>",
        "followed": "You follow",
        "following": "You follow this community.",
        "unfollowed": "You no longer follow",
        "count": "1 follower",
    },
    "ja": {
        "button": ">フォローする</button>",
        "followed": "をフォローしました",
        "following": "このコミュニティをフォローしています。",
        "unfollowed": "のフォローをやめました",
        "count": "フォロワー 1 人",
    },
}


@pytest.mark.parametrize("language", sorted(PAGE_TEXT))
def test_the_community_page_follows_and_unfollows_in_the_readers_language(client, auth, user, community, language):
    text, speaks = PAGE_TEXT[language], {"Accept-Language": language}
    auth.login()
    path = f"/communities/{community.id}"
    html = page(client, path, language)
    assert FOLLOW_BUTTON.search(html) and not UNFOLLOW_BUTTON.search(html)
    assert text["button"] in html
    token = csrf_token(client, path)

    response = client.post(f"{path}/follow", data={"csrf_token": token, "next": path}, headers=speaks)
    assert response.status_code == 302 and response.headers["Location"] == path
    html = page(client, path, language)
    assert text["followed"] in html and text["following"] in html and text["count"] in html
    assert UNFOLLOW_BUTTON.search(html) and not FOLLOW_BUTTON.search(html)
    assert followers_of(community.id) == {user.id}

    client.post(f"{path}/unfollow", data={"csrf_token": token}, headers=speaks)
    html = page(client, path, language)
    assert text["unfollowed"] in html and FOLLOW_BUTTON.search(html)
    assert followers_of(community.id) == set()


def test_a_follow_without_its_csrf_token_changes_nothing(client, auth, user, community):
    auth.login()
    response = client.post(f"/communities/{community.id}/follow", data={})
    assert response.status_code == 400
    assert followers_of(community.id) == set()


def test_a_visitor_not_logged_in_is_led_through_log_in_and_back_to_follow(client, user, community):
    path = f"/communities/{community.id}"
    html = page(client, path)
    assert "Log in to follow" in html and not FOLLOW_BUTTON.search(html)
    login_link = re.search(r'href="(/login\?next=[^"]+)"[^>]*>Log in to follow', html).group(1)
    response = client.post(
        login_link.replace("&amp;", "&"),
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    assert FOLLOW_BUTTON.search(page(client, path))
    assert followers_of(community.id) == set()  # following is still their own press away


def test_the_next_address_is_only_ever_on_this_site(client, auth, user, community):
    auth.login()
    token = csrf_token(client, f"/communities/{community.id}")
    response = client.post(
        f"/communities/{community.id}/follow", data={"csrf_token": token, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/communities/{community.id}"


def test_the_profile_lists_followed_communities_and_each_can_be_unfollowed(
    client, auth, user, make_user, community, now
):
    other_host = make_user(display_name="Other host")
    other = hosting.create_event(other_host, event_details(now), now=now).community
    follow(user, community.id, now=now)
    follow(user, other.id, now=now)
    auth.login()
    assert 'href="/communities/following"' in page(client, "/profile")
    html = page(client, "/communities/following")
    assert community.name in html and other.name in html
    assert set(UNFOLLOW_BUTTON.findall(html)) == {str(community.id), str(other.id)}

    token = csrf_token(client, "/communities/following")
    response = client.post(
        f"/communities/{other.id}/unfollow",
        data={"csrf_token": token, "next": "/communities/following"},
        headers={"Accept-Language": "ja"},
    )
    assert response.headers["Location"] == "/communities/following"
    html = page(client, "/communities/following", "ja")
    assert "のフォローをやめました" in html and other.name not in html.split("</h1>", 1)[1].split("</ul>")[0]
    assert followers_of(other.id) == set() and followers_of(community.id) == {user.id}
    unfollow(user, community.id)
    assert "まだフォローしているコミュニティはありません" in page(client, "/communities/following", "ja")


def test_deleting_an_account_unfollows_everything(user, community, now):
    follow(user, community.id, now=now)
    delete_account(user, password=PASSWORD, now=now)
    assert followers_of(community.id) == set()


# Registering offers to follow, never ticked


def register_form(client, event) -> str:
    return page(client, f"/events/{event.id}/register")


def post_registration(client, event, **extra):
    token = csrf_token(client, f"/events/{event.id}/register")
    data = {"goals": "learn", "intro": "", "acknowledge": "y", "csrf_token": token, **extra}
    return client.post(f"/events/{event.id}/register", data=data)


@pytest.mark.parametrize(
    "language, label",
    [("en", "Follow {} to hear of its new evenings"), ("ja", "{} をフォローして、新しい回のお知らせを受け取る")],
)
def test_the_registration_form_offers_to_follow_unticked(client, auth, user, event, language, label):
    auth.login()
    html = page(client, f"/events/{event.id}/register", language)
    box = FOLLOW_BOX.search(html).group(0)
    assert "checked" not in box
    assert label.format(event.community.name) in html


def test_registering_with_the_box_ticked_follows_and_unticked_does_not(client, auth, user, make_user, make_event):
    ticked, unticked = make_event(), make_event(title="Another evening")
    auth.login()
    assert post_registration(client, unticked).status_code == 302
    assert followers_of(unticked.community_id) == set()
    assert post_registration(client, ticked, follow="y").status_code == 302
    assert followers_of(ticked.community_id) == {user.id}


def test_a_refused_registration_follows_nobody(client, auth, user, event):
    auth.login()
    response = post_registration(client, event, follow="y", acknowledge="")
    assert response.status_code == 200  # the form again, with its message
    assert followers_of(event.community_id) == set()
    assert "checked" in FOLLOW_BOX.search(response.get_data(as_text=True)).group(0)  # as they left it


def test_someone_following_already_is_not_offered_the_box(client, auth, user, event, now):
    follow(user, event.community_id, now=now)
    auth.login()
    assert not FOLLOW_BOX.search(register_form(client, event))


def test_after_registering_the_event_page_offers_to_follow_until_followed(client, auth, user, event, sign_up_for):
    auth.login()
    assert not FOLLOW_BUTTON.search(page(client, f"/events/{event.id}"))  # not before registering
    sign_up_for(event, user)
    html = page(client, f"/events/{event.id}", "ja")
    assert f"{event.community.name} をフォローする" in html
    path = f"/events/{event.id}"
    response = client.post(
        f"/communities/{event.community_id}/follow", data={"csrf_token": csrf_token(client, path), "next": path}
    )
    assert response.headers["Location"] == path
    assert not FOLLOW_BUTTON.search(page(client, path))
    assert followers_of(event.community_id) == {user.id}


# The announcement


@pytest.fixture
def followers(make_user, community, now):
    """An English and a Japanese follower of the host's community."""
    people = [
        make_user(email="en-follower@example.com", display_name="Ken Follower", language="en"),
        make_user(email="ja-follower@example.com", display_name="花子", language="ja"),
    ]
    for person in people:
        follow(person, community.id, now=now)
    return people


def publish(host, now, **overrides) -> int:
    event = hosting.create_event(host, event_details(now, **overrides), now=now)
    hosting.publish_event(host, event.id, now=now)
    return event.id


def test_publishing_leaves_the_evening_to_be_announced_by_the_worker(host, followers, now):
    event_id = publish(host, now)
    assert db.session.get(Event, event_id).announced_at is None
    assert mails(ANNOUNCEMENT) == []  # publishing mails nobody by itself
    assert announcements_due(now) == [event_id]


@pytest.mark.parametrize(
    "address, language, subject, lines",
    [
        (
            "en-follower@example.com",
            "en",
            "New evening of {community}: Lantern mixer",
            [
                "Hello Ken Follower,",
                "{community} has published a new evening:",
                "When: {span} (JST)",
                "Where: Shibuya Hikarie 8F",
                "Fee: ¥3,000 (tax included), pay at the door",
                "You get this mail because you follow {community}.",
                "Turn these mails off: http",
            ],
        ),
        (
            "ja-follower@example.com",
            "ja",
            "【{community}】新しい回のお知らせ：Lantern mixer",
            [
                "花子",
                "{community} が新しい回を公開しました：",
                "{span} (日本時間)",
                "Shibuya Hikarie 8F",
                "参加費: ￥3,000（税込・当日受付でお支払い）",
                "このメールは {community} をフォローしている方にお送りしています。",
            ],
        ),
    ],
)
def test_each_follower_gets_the_announcement_once_in_their_language_with_one_click_unsubscribe(
    host, community, followers, now, smtp_server, address, language, subject, lines
):
    event_id = publish(host, now, title="Lantern mixer", fee_yen=3000)
    with force_locale(language):
        event = db.session.get(Event, event_id)
        span = format_span(event.starts_at, event.ends_at, event.timezone)
    community_name, community_id = community.name, community.id
    worker = Worker()
    tick = worker.tick(now + timedelta(minutes=1))
    assert Done("announcements", event_id, 2) in tick.done
    assert worker.tick(now + timedelta(minutes=2)).done == []  # announced once

    received = [m for m in smtp_server.messages if m["To"] == address]
    assert len(received) == 1
    message = received[0]
    assert message["Subject"] == subject.format(community=community_name)
    body = message.get_body(("plain",)).get_content()
    for line in lines:
        assert line.format(community=community_name, span=span) in body, line
    assert f"/events/{event_id}" in body and f"/communities/{community_id}" in body
    assert "/mail/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_online_free_evening_says_so_without_its_link(host, followers, now):
    event_id = publish(host, now, venue="", online_url="https://meet.example.com/secret-room", fee_yen=0)
    assert announce(event_id, now=now) == 2
    body = mails(ANNOUNCEMENT, to=followers[0])[0].body
    assert "Online: The link is shown to attendees with a confirmed seat." in body
    assert "Fee: Free" in body and "secret-room" not in body


def test_a_lottery_evening_is_announced_with_its_draw_not_first_come(host, followers, now):
    draw_at = now + timedelta(days=3)
    event_id = publish(host, now, admission=LOTTERY, draw_at=draw_at)
    assert announce(event_id, now=now) == 2
    body = mails(ANNOUNCEMENT, to=followers[0])[0].body
    assert "Seats go by lottery: apply on the event page until" in body and "(JST)" in body
    assert "however early they applied" in body and "order of registration" not in body


def test_nobody_is_mailed_who_turned_it_off_runs_the_community_or_is_already_coming(
    host, community, followers, make_user, sign_up_for, now
):
    opted_out, co_host, door, coming, banned, deleted, unconfirmed = (make_user() for _ in range(7))
    preferences.turn_off(opted_out.id, TOPICS["announcements"], now=now)
    add_member(host, community.id, email=co_host.email, role=CO_HOST, now=now)
    add_member(host, community.id, email=door.email, role=DOOR, now=now)
    db.session.add(
        Ban(community_id=community.id, host_id=host.id, user_id=banned.id, created_at=now, created_by_id=host.id)
    )
    unconfirmed.email_confirmed_at = None
    for person in (opted_out, co_host, door, coming, banned, deleted, unconfirmed, host):
        follow(person, community.id, now=now)
    delete_account(deleted, password=PASSWORD, now=now)
    event = hosting.create_event(host, event_details(now), now=now)
    hosting.publish_event(host, event.id, now=now)
    sign_up_for(event, coming)

    assert announce(event.id, now=now) == 2
    assert sorted(m.recipient_id for m in mails(ANNOUNCEMENT)) == sorted(f.id for f in followers)


def test_drafts_cancelled_and_started_evenings_are_never_announced(host, followers, make_event, now):
    draft = make_event(publish=False)
    cancelled_id = publish(host, now)
    hosting.cancel_event(host, cancelled_id, now=now)
    soon_id = publish(host, now, starts_at=now + timedelta(hours=1))
    assert announcements_due(now) == [soon_id]
    later = now + timedelta(hours=2)  # it has started before any worker came to it
    assert announcements_due(later) == []
    for event_id in (draft.id, cancelled_id, soon_id):
        assert announce(event_id, now=later) == 0
    assert mails(ANNOUNCEMENT) == []
    assert db.session.get(Event, soon_id).announced_at is None


def test_a_claimed_evening_is_not_announced_again(host, followers, now):
    event_id = publish(host, now)
    assert announce(event_id, now=now) == 2
    assert announce(event_id, now=now + timedelta(seconds=1)) == 0
    assert announcements_due(now) == []
    assert len(mails(ANNOUNCEMENT)) == 2
    assert db.session.get(Event, event_id).announced_at == now


def test_a_follower_who_turned_the_mail_off_by_its_link_gets_no_more(client, host, followers, now):
    announce(publish(host, now), now=now)
    reader = followers[0]
    link = mails(ANNOUNCEMENT, to=reader)[0].unsubscribe_url
    client.post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"})
    assert preferences.topics_off(reader.id) == {"announcements"}
    announce(publish(host, now, title="The next one"), now=now)
    assert [m.subject.endswith("The next one") for m in mails(ANNOUNCEMENT, to=reader)] == [False]
    assert len(mails(ANNOUNCEMENT, to=followers[1])) == 2


# The community page's cost, and the demo


def test_the_community_pages_query_count_does_not_grow_with_its_followers(
    client, auth, user, community, make_user, count_queries, now
):
    follow(user, community.id, now=now)
    auth.login()
    path = f"/communities/{community.id}"

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    few = queries()
    for _ in range(20):
        follow(make_user(), community.id, now=now)
    assert queries() == few
    assert "21 followers" in page(client, path)


def test_the_demo_has_followers_and_loading_it_again_adds_none(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(CommunityFollower))
    assert count >= 3
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(CommunityFollower)) == count
