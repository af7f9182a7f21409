"""Finding an evening on the events list: keyword (however it is typed), a
date range read where each evening takes place, area, their combinations,
pages that keep the filters, and bad input answered in words, never a 500.
Also a community's page: its latest past evenings and how many there were."""

import re
from datetime import datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from meetup.events.services import events as hosting
from meetup.events.timezones import to_local, to_utc
from tests.clock import NOW
from tests.events.helpers import event_details

EN = {"Accept-Language": "en"}
JA = {"Accept-Language": "ja"}


def listed(client, query: str = "", headers=EN) -> list[str]:
    """The titles the events list shows for this query string, in order."""
    response = client.get(f"/events/?{query}", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [unescape(title) for title in re.findall(r'<h2><a href="/events/\d+">([^<]*)</a></h2>', html)]


def body(client, query: str, headers=EN) -> str:
    response = client.get(f"/events/?{query}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def tokyo_day(days_ahead: int):
    """A date in Tokyo some days after the suite's instant."""
    return (to_local(NOW, "Asia/Tokyo") + timedelta(days=days_ahead)).date()


def at(day, hour: int, minute: int, zone: str = "Asia/Tokyo") -> datetime:
    """Naive UTC of a wall-clock time on ``day`` in ``zone``."""
    return to_utc(datetime.combine(day, time(hour, minute)), zone)


def test_every_upcoming_evening_is_listed_without_filters(client, make_event):
    make_event(title="Spring mixer")
    make_event(title="Draft", publish=False)
    assert listed(client) == ["Spring mixer"]
    assert "found" not in body(client, "")  # no search, no count


@pytest.mark.parametrize(
    "typed",
    ["ｼﾌﾞﾔ", "しぶや", "シブヤ", "ｓｈｉｂｕｙａ", "SHIBUYA", "it", "ＩＴ", "shibuya　it", "渋谷 士業", "士業交流会"],
)
def test_a_keyword_is_found_whatever_its_width_case_or_kana(client, make_event, typed):
    make_event(title="ｼﾌﾞﾔ ＩＴ交流会 Shibuya", new_community="渋谷 士業交流会")
    make_event(title="Osaka creators", theme="creators", venue="Umeda", new_community="Osaka makers")
    assert listed(client, f"q={typed}") == ["ｼﾌﾞﾔ ＩＴ交流会 Shibuya"]


@pytest.mark.parametrize(
    "field, value, typed",
    [
        ("title", "Kanda lawyers' night", "LAWYERS"),
        ("theme", "税理士", "税理士"),
        ("description", "Bring 名刺 and a question.", "名刺"),
        ("venue", "Hikarie 8F", "hikarie"),
        ("new_community", "Ginza Circle", "ginza circle"),
    ],
)
def test_the_keyword_searches_title_theme_description_venue_and_community(client, make_event, field, value, typed):
    found = make_event(**{"title": "Found", field: value})
    make_event(title="Not this one", theme="other", description="", venue="Umeda", new_community="Umeda club")
    assert listed(client, f"q={typed}") == [found.title]


def test_every_word_must_be_found_and_wildcards_are_plain_text(client, make_event):
    make_event(title="Shibuya lawyers", venue="Hikarie")
    make_event(title="Shibuya designers", venue="Hikarie")
    assert listed(client, "q=hikarie+lawyers") == ["Shibuya lawyers"]
    assert listed(client, "q=%25") == listed(client, "q=_") == []


def test_dates_are_read_in_tokyo_across_the_utc_date_boundary(client, make_event):
    day = tokyo_day(10)
    after_midnight = make_event(title="Just after midnight", starts_at=at(day, 0, 30))
    before_midnight = make_event(title="Just before midnight", starts_at=at(day - timedelta(days=1), 23, 30))
    # In UTC both start on the same date; in Tokyo, on two.
    assert after_midnight.starts_at.date() == before_midnight.starts_at.date()
    assert listed(client, f"from={day}&to={day}") == ["Just after midnight"]
    assert listed(client, f"to={day - timedelta(days=1)}") == ["Just before midnight"]
    assert listed(client, f"from={day}") == ["Just after midnight"]
    assert listed(client, f"from={day - timedelta(days=1)}&to={day}") == ["Just before midnight", "Just after midnight"]


def test_an_evening_elsewhere_is_found_by_its_own_date(client, make_event):
    day = tokyo_day(12)
    make_event(title="London breakfast", starts_at=at(day, 8, 0, "Europe/London"), timezone="Europe/London")
    assert listed(client, f"from={day}&to={day}") == ["London breakfast"]
    assert listed(client, f"to={day - timedelta(days=1)}") == []


def test_the_area_filters_by_prefecture_or_online(client, make_event):
    make_event(title="Tokyo evening", area="13")
    make_event(title="Osaka evening", area="27")
    make_event(title="On a screen", area="online", venue="", online_url="https://meet.example.com/r")
    assert listed(client, "area=27") == ["Osaka evening"]
    assert listed(client, "area=online") == ["On a screen"]
    html = body(client, "area=13", JA)
    assert '<option selected value="13">東京都</option>' in html and "オンライン" in html


def test_filters_combine(client, make_event):
    day = tokyo_day(8)
    make_event(title="Tokyo lawyers early", area="13", starts_at=at(day, 19, 0))
    make_event(title="Tokyo lawyers late", area="13", starts_at=at(day + timedelta(days=5), 19, 0))
    make_event(title="Osaka lawyers early", area="27", starts_at=at(day, 19, 0))
    make_event(title="Tokyo designers early", area="13", starts_at=at(day, 20, 0))
    assert listed(client, f"q=lawyers&area=13&from={day}&to={day}") == ["Tokyo lawyers early"]
    assert listed(client, f"q=lawyers&area=13&from={day}") == ["Tokyo lawyers early", "Tokyo lawyers late"]


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, make_event):
    make_event(title="Tokyo evening")
    html = body(client, "q=nothing+like+this&area=47")
    assert "No upcoming evening matches your search." in html
    assert '<a class="button secondary" href="/events/">Clear the filters</a>' in html
    assert "条件をクリア" in body(client, "q=nothing+like+this", JA)


def test_pages_keep_the_filters(client, make_event, monkeypatch):
    monkeypatch.setattr("meetup.events.queries.listings.DISCOVERY_PAGE", 2)
    for n in range(5):
        make_event(title=f"Mixer {n}", area="13", starts_at=NOW + timedelta(days=3 + n))
    make_event(title="Mixer elsewhere", area="27", starts_at=NOW + timedelta(days=4))
    html = body(client, "q=mixer&area=13&theme=")
    assert "5 evenings found." in html
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert parse_qs(urlsplit(unescape(nxt)).query) == {"q": ["mixer"], "area": ["13"], "page": ["2"]}
    assert listed(client, urlsplit(unescape(nxt)).query) == ["Mixer 2", "Mixer 3"]
    assert listed(client, "q=mixer&area=13&page=3") == ["Mixer 4"]
    assert listed(client, "q=mixer&area=13&page=99999999999999999999") == ["Mixer 4"]  # past the end: the last page
    assert listed(client, "q=mixer&area=13&page=zero") == ["Mixer 0", "Mixer 1"]


def test_theme_chips_keep_the_other_filters(client, make_event):
    make_event(title="Creators Tokyo", theme="creators", area="13")
    make_event(title="Creators Osaka", theme="creators", area="27")
    html = body(client, "area=27")
    chip = re.search(r'<a href="([^"]+)" >creators</a>', html).group(1)
    assert parse_qs(urlsplit(unescape(chip)).query) == {"theme": ["creators"], "area": ["27"]}
    assert listed(client, "theme=creators&area=27") == ["Creators Osaka"]


@pytest.mark.parametrize(
    "query, english, japanese",
    [
        ("from=2026-02-30", "Enter a date, for example 2026-04-10.", "日付を入力してください"),
        ("to=tomorrow", "Enter a date, for example 2026-04-10.", "日付を入力してください"),
        ("from=99999-01-01", "Enter a date, for example 2026-04-10.", "日付を入力してください"),
        ("from=0001-01-01", "Enter a date between the years 1900 and 2999.", "1900"),
        ("from=2031-05-02&to=2031-05-01", "The end of the range comes before its start.", "終了日が開始日より前"),
        ("area=99", "There is no such area.", "そのエリアはありません"),
        ("area=%3Cscript%3E", "There is no such area.", "そのエリアはありません"),
        ("q=" + "x" * 101, "At most 100 characters.", "100"),
    ],
)
def test_bad_input_is_explained_in_the_readers_language(client, make_event, query, english, japanese):
    make_event(title="Spring mixer")
    html = body(client, query)
    assert english in html and 'aria-invalid="true"' in html
    assert "Spring mixer" not in html  # nothing is listed as if the filter had applied
    assert japanese in body(client, query, JA)
    assert "<script>" not in html


def _past_evening(host, days_ago: int, title: str):
    then = NOW - timedelta(days=days_ago + 7)
    event = hosting.create_event(
        host, event_details(then, title=title, starts_at=NOW - timedelta(days=days_ago)), now=then
    )
    hosting.publish_event(host, event.id, now=then)
    return event


def test_a_community_page_lists_its_latest_past_evenings_and_counts_them_all(client, host, make_event):
    upcoming = make_event(title="Next month")
    for n in range(14):
        _past_evening(host, 30 * (n + 1), f"Evening {n:02d}")
    html = client.get(f"/communities/{upcoming.community_id}", headers=EN).get_data(as_text=True)
    past = re.findall(r"Evening \d\d", html)
    assert past == [f"Evening {n:02d}" for n in range(12)]  # newest first, the oldest two left out
    assert "The latest 12 of 14 past evenings." in html
    assert "Next month" in html
    ja = client.get(f"/communities/{upcoming.community_id}", headers=JA).get_data(as_text=True)
    assert "過去の交流会 14回のうち、最新の12回" in ja
