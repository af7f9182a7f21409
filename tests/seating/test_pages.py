"""The seating pages through the test client: who may see what, and what they show."""

import re
from datetime import timedelta

import pytest

from meetup.extensions import db
from meetup.rules.models import Block, Report
from meetup.seating.models import RoundStart
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming, publishing
from tests import clock
from tests.conftest import csrf_token


def post(client, path, page, **data):
    data["csrf_token"] = csrf_token(client, page)
    return client.post(path, data=data)


def test_host_forms_tables_and_sees_every_table_explained(client, auth, evening, host):
    event, users = evening(people=9, rounds=2)
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    assert "No tables yet" in client.get(page).get_data(as_text=True)
    response = post(client, f"/events/{event.id}/tables/form", page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Tables are formed" in html
    assert html.count('class="table-card"') == 2 * 3  # two rounds of three tables
    assert "industries" in html and "Shared goals:" in html
    assert "Draft, not yet shown to attendees." in html
    for user in users:
        assert html.count(user.display_name) >= 2


def test_only_the_host_reaches_the_seating_pages(client, auth, evening, make_user):
    event, users = evening(people=8)
    paths = [f"/events/{event.id}/tables", f"/events/{event.id}/tables/projector", f"/events/{event.id}/tables/cards"]
    for path in paths:
        assert client.get(path).status_code == 302  # anonymous: log in first
    make_user(email="other@example.com")
    auth.login(email="other@example.com")
    for path in paths:
        assert client.get(path).status_code == 404
    assert (
        client.post(f"/events/{event.id}/tables/form", data={"csrf_token": csrf_token(client, "/")}).status_code == 404
    )


FLASH_RE = re.compile(r'<p class="flash error"[^>]*>(.*?)</p>', re.S)


@pytest.mark.parametrize(
    "language, refusal", [("en", "This change is not possible."), ("ja", "この変更はできません。")]
)
def test_a_refused_swap_reads_the_same_whoever_is_kept_apart_and_why(client, auth, evening, host, language, refusal):
    # The host tries two swaps: one would seat a blocked pair together, the
    # other a reported pair. The two refusals are one sentence, naming nobody.
    event, users = evening(people=12, rounds=1)  # three tables of four
    host.language = language
    seating = forming.form_tables(host, event.id)
    [table_a, table_b, table_c] = table_queries.grid(seating)[0]
    db.session.add(Block(blocker_id=table_b[1], blocked_id=table_a[0]))
    db.session.add(
        Report(
            event_id=event.id,
            reporter_id=table_c[1],
            reported_id=table_a[1],
            category="selling",
            description="Pitched insurance.",
        )
    )
    db.session.commit()
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    flashes = []
    for a, b in ((table_a[0], table_b[0]), (table_a[1], table_c[0])):
        post(client, f"/events/{event.id}/tables/swap", page, round=0, user_a=a, user_b=b)
        html = client.get(page).get_data(as_text=True)
        flashes.append(FLASH_RE.findall(html))
    assert flashes == [[refusal], [refusal]]
    db.session.expire_all()
    draft, _ = table_queries.current_seatings(event.id)
    assert [set(table) for table in table_queries.grid(draft)[0]] == [set(table_a), set(table_b), set(table_c)]


def test_bad_swap_input_is_a_message_not_an_error(client, auth, evening, host):
    event, _ = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    for data in (
        {"round": "x", "user_a": "1", "user_b": "2"},
        {"round": 0},
        {"round": 0, "user_a": 999999, "user_b": 1},
    ):
        response = post(client, f"/events/{event.id}/tables/swap", page, **data)
        assert response.status_code == 302
    assert client.get(page).status_code == 200


def test_a_refused_table_name_says_what_is_wrong_with_it(client, auth, evening, host):
    event, _ = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    post(client, f"/events/{event.id}/tables/names", page, **{"names-0": "Fuji\x07", "names-1": "Aso"})
    assert "Remove the control characters" in client.get(page).get_data(as_text=True)
    post(client, f"/events/{event.id}/tables/names", page, **{"names-0": "F" * 31, "names-1": "Aso"})
    html = client.get(page).get_data(as_text=True)
    assert "Table names are at most 30 characters." in html and "Aso" not in html


def test_projector_shows_one_round_with_a_switcher_and_cards_print_every_table(client, auth, evening, host):
    event, users = evening(people=8, rounds=3)
    forming.form_tables(host, event.id)
    edits.rename_tables(host, event.id, ["Fuji", "Aso"])
    auth.login(email="host@example.com")
    html = client.get(f"/events/{event.id}/tables/projector?round=2").get_data(as_text=True)
    assert "Round 2" in html and "Fuji" in html and "Aso" in html
    assert len(re.findall(r'href="[^"]*projector\?round=\d"', html)) == 3
    cards = client.get(f"/events/{event.id}/tables/cards").get_data(as_text=True)
    assert cards.count('class="table-print-card"') == 3 * 2


def test_attendees_see_their_tables_only_once_published(client, auth, evening, host, now):
    event, users = evening(people=8, rounds=2)
    forming.form_tables(host, event.id)
    me = users[0]
    auth.login(email=me.email)
    page = f"/events/{event.id}/my-tables"
    assert "not published yet" in client.get(page).get_data(as_text=True)
    publishing.publish(host, event.id, now=now)
    html = client.get(page).get_data(as_text=True)
    assert "Round 1" in html and "Round 2" in html
    seating = table_queries.current_seatings(event.id)[1]
    mine = next(table for table in table_queries.grid(seating)[0] if me.id in table)
    for user in users:
        if user.id in mine and user.id != me.id:
            assert user.display_name in html


def test_people_not_registered_cannot_see_an_events_tables(client, auth, evening, host, make_user, now):
    event, users = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    make_user(email="stranger@example.com")
    auth.login(email="stranger@example.com")
    assert client.get(f"/events/{event.id}/my-tables").status_code == 404


def test_my_tables_marks_people_met_at_an_earlier_event(client, auth, evening, host, now):
    first, users = evening(people=4, rounds=1)
    forming.form_tables(host, first.id)
    publishing.publish(host, first.id, now=now)
    # That evening is a month ago now.
    first.starts_at = now - timedelta(days=30)
    first.ends_at = now - timedelta(days=30) + timedelta(hours=2)
    first.registration_deadline = first.starts_at
    db.session.commit()
    second, _ = evening(users=users, rounds=1)
    forming.form_tables(host, second.id)
    publishing.publish(host, second.id, now=now)
    auth.login(email=users[0].email)
    html = client.get(f"/events/{second.id}/my-tables").get_data(as_text=True)
    assert html.count("You met at Shibuya professionals&#39; mixer") == 3


def test_every_version_attendees_were_shown_stays_viewable(client, auth, evening, host, now):
    event, users = evening(people=8, rounds=1)
    forming.form_tables(host, event.id)
    first = publishing.publish(host, event.id, now=now)
    shown = table_queries.grid(first)[0]
    edits.swap_people(host, event.id, 0, shown[0][0], shown[1][0])
    publishing.publish(host, event.id, now=now)
    auth.login(email="host@example.com")
    html = client.get(f"/events/{event.id}/tables").get_data(as_text=True)
    assert "What attendees were shown" in html and "Version 1" in html and "Version 2" in html
    old = client.get(f"/events/{event.id}/tables/versions/1").get_data(as_text=True)
    table_a = old.split("Table A")[1].split("Table B")[0]
    names = {u.id: u.display_name for u in users}
    assert all(names[u] in table_a for u in shown[0])
    assert client.get(f"/events/{event.id}/tables/versions/9").status_code == 404


ROUND_HEADING_RE = re.compile(r'<h2 id="round-(\d)-title">.*?</h2>', re.S)


def rounds_shown(html: str) -> list[str]:
    """The rounds in page order, "2 now" for the one marked as happening now."""
    return [
        number + (" now" if 'class="now"' in heading else "")
        for heading, number in ((m.group(0), m.group(1)) for m in ROUND_HEADING_RE.finditer(html))
    ]


def test_once_the_evening_runs_its_current_round_comes_first(client, auth, evening, host):
    event, _ = evening(people=8, rounds=3)
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    page = f"/events/{event.id}/tables"
    assert rounds_shown(client.get(page).get_data(as_text=True)) == ["1", "2", "3"]

    clock.move_to(event.starts_at + timedelta(minutes=5))  # doors open, no round started yet
    assert rounds_shown(client.get(page).get_data(as_text=True)) == ["1 now", "2", "3"]

    for round_, minutes in ((0, 10), (1, 40)):
        db.session.add(
            RoundStart(event_id=event.id, round=round_, started_at=event.starts_at + timedelta(minutes=minutes))
        )
    db.session.commit()
    clock.move_to(event.starts_at + timedelta(minutes=45))
    html = client.get(page).get_data(as_text=True)
    assert rounds_shown(html) == ["2 now", "1", "3"]
    jump_links = re.findall(r'<a href="#round-(\d)"', html)
    assert jump_links == ["1", "2", "3"]  # the jump links keep the evening's order

    clock.move_to(event.ends_at + timedelta(minutes=1))
    assert rounds_shown(client.get(page).get_data(as_text=True)) == ["1", "2", "3"]


@pytest.mark.parametrize(
    "language, sentence, details",
    [
        ("en", "nobody sits with someone they met before", "Score and details"),
        ("ja", "以前同席した人どうしの同席なし", "スコアと内訳"),
    ],
)
def test_the_tables_are_summed_up_in_words_and_the_score_is_a_detail(
    client, auth, evening, host, language, sentence, details
):
    event, _ = evening(people=8, rounds=2)
    host.language = language
    db.session.commit()
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    html = client.get(f"/events/{event.id}/tables").get_data(as_text=True)
    summary = re.search(r'<p class="seating-summary">(.*?)</p>', html, re.S).group(1)
    assert sentence in summary
    score = html.index("<dd>" + str(table_queries.current_seatings(event.id)[0].score) + "</dd>")
    assert html.rindex(f"<summary>{details}</summary>", 0, score) > html.index('class="seating-summary"')
