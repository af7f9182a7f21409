"""The event page as people decide from it: community and hosts, fee, a map
link, times labelled with their zone, seats left and the waitlist, a share
link, and the card (Open Graph, Twitter) a pasted link shows; in both languages."""

import re
import struct
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member
from meetup.events.timezones import to_local, to_utc
from tests.clock import NOW

JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}


def page(client, event, headers=EN) -> str:
    response = client.get(f"/events/{event.id}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def metadata(html: str) -> dict[str, str]:
    """<meta property|name=… content=…> in the page's head, unescaped."""
    head = html[: html.index("</head>")]
    return {
        unescape(key): unescape(value)
        for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', head)
    }


def fact(html: str, css_class: str) -> str:
    found = re.search(rf'<dd class="{css_class}">(.*?)</dd>', html, re.S)
    assert found, f"no {css_class} on the page"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_the_page_names_the_community_and_its_hosts_but_not_door_staff(client, make_event, host, make_user, now):
    event = make_event()
    co_host = make_user(email="co@example.com", display_name="Kenji Co")
    door = make_user(email="door@example.com", display_name="Door Person")
    add_member(host, event.community_id, email=co_host.email, role=CO_HOST, now=now)
    add_member(host, event.community_id, email=door.email, role=DOOR, now=now)
    for headers, organiser, hosts_label in ((EN, "(organiser)", "Hosts"), (JA, "(主催)", "ホスト")):
        html = page(client, event, headers)
        assert f'<a href="/communities/{event.community_id}">{event.community.name}</a>' in html
        assert fact(html, "hosts") == f"Emi Host {organiser}, Kenji Co"
        assert f"<dt>{hosts_label}</dt>" in html
        assert "Door Person" not in html


@pytest.mark.parametrize(
    "fee, english, japanese",
    [(0, "Free", "無料"), (3000, "¥3,000 (tax included), pay at the door", "￥3,000（税込・当日受付でお支払い）")],
)
def test_the_fee_is_shown_free_or_with_tax_in_both_languages(client, make_event, fee, english, japanese):
    event = make_event(fee_yen=fee)
    assert fact(page(client, event), "fee").startswith(english)
    assert fact(page(client, event, JA), "fee").startswith(japanese)


def test_the_venue_opens_in_a_map_through_a_plain_escaped_link(client, make_event):
    venue = 'Bar "Ivy" & Co. <8F> #2, 渋谷区?x=1'
    event = make_event(venue=venue)
    html = page(client, event)
    links = re.findall(r'<a href="(https://www\.google\.com/maps/search/\?[^"]*)" rel="([^"]*)">([^<]*)</a>', html)
    assert len(links) == 1
    href, rel, label = links[0]
    assert "noopener" in rel.split() and label == "Open in Google Maps"
    address = urlsplit(unescape(href))
    assert parse_qs(address.query) == {"api": ["1"], "query": [venue]}
    assert "<8F>" not in html and "&lt;8F&gt;" in html  # the venue itself is shown escaped
    assert "<iframe" not in html and "maps.googleapis" not in html
    assert "Google マップで開く" in page(client, event, JA)


def test_times_are_labelled_jst_in_tokyo_and_with_the_zone_elsewhere(client, make_event):
    day = (to_local(NOW, "Asia/Tokyo") + timedelta(days=9)).date()
    starts_at = to_utc(datetime.combine(day, time(19, 0)), "Asia/Tokyo")
    tokyo = make_event(starts_at=starts_at)
    assert "19:00–21:00 (JST)" in page(client, tokyo)
    assert "19:00–21:00 (日本時間)" in page(client, tokyo, JA)

    starts_at = to_utc(datetime.combine(day, time(18, 30)), "Europe/London")
    london = make_event(starts_at=starts_at, timezone="Europe/London")
    html = page(client, london)
    zone = to_local(starts_at, "Europe/London").tzname()  # GMT or BST, as the date has it
    assert f"18:30–20:30 ({zone})" in html
    assert "(JST)" not in html


def test_seats_left_and_the_waitlist_length(client, make_event, make_user, sign_up_for):
    event = make_event(capacity=2)
    sign_up_for(event, make_user())
    assert fact(page(client, event), "seat-count") == "1 seat left (1 of 2 taken)"
    assert fact(page(client, event, JA), "seat-count").startswith("残り1席")
    for _ in range(3):
        sign_up_for(event, make_user())
    assert fact(page(client, event), "seat-count") == "Full (2 of 2 taken) · 2 on the waitlist"
    assert "キャンセル待ち2人" in fact(page(client, event, JA), "seat-count")


def test_the_card_a_shared_link_shows_has_absolute_addresses(client, make_event):
    starts_at = NOW + timedelta(days=9)
    event = make_event(
        starts_at=starts_at, title="Shibuya <mixer> & friends", description="Five to a table.\nThree rounds."
    )
    for headers, zone_label, locale in ((EN, "(JST)", "en_US"), (JA, "(日本時間)", "ja_JP")):
        tags = metadata(page(client, event, headers))
        assert tags["og:title"] == tags["twitter:title"] == "Shibuya <mixer> & friends"
        assert tags["og:url"] == f"http://localhost/events/{event.id}"
        assert tags["og:type"] == "website" and tags["og:locale"] == locale
        assert tags["twitter:card"] == "summary_large_image"
        assert f"{to_local(starts_at, 'Asia/Tokyo'):%H:%M}" in tags["og:description"]
        assert zone_label in tags["og:description"] and "Shibuya Hikarie 8F" in tags["og:description"]
        assert "Five to a table. Three rounds." in tags["og:description"]
        assert tags["og:description"] == tags["twitter:description"] == tags["description"]
        assert tags["og:image"] == tags["twitter:image"]
        image = urlsplit(tags["og:image"])
        assert (image.scheme, image.netloc) == ("http", "localhost")
    response = client.get(image.path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    body = response.get_data()
    response.close()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", body[16:24]) == (1200, 630)  # IHDR: the size a large card wants
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


def test_a_draft_leaks_nothing_to_anyone_but_its_hosts(client, auth, make_event, make_user):
    draft = make_event(publish=False, title="Secret spring mixer")
    make_user(email="other@example.com")
    for who in (None, "other@example.com"):
        if who:
            auth.login(email=who)
        response = client.get(f"/events/{draft.id}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Secret spring mixer" not in body and "og:" not in body and "twitter:" not in body
    auth.logout()
    auth.login(email="host@example.com")
    html = page(client, draft)
    assert '<meta name="robots" content="noindex">' in html
    assert 'id="share-url"' not in html  # nothing to share before it is published


def test_a_published_event_offers_its_share_link(client, make_event):
    event = make_event()
    html = page(client, event)
    assert f'id="share-url" class="share-url" type="text" readonly value="http://localhost/events/{event.id}"' in html
    assert "このイベントを共有" in page(client, event, JA)
    assert '<meta name="robots"' not in html
