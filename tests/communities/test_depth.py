"""The depth dashboard: its figures on a community small enough to count by
hand, "fewer than 3" for small counts of matches and reports, the charts (SVG,
named for assistive technology) with tables of the same figures beneath, in
both languages, who may see it, and that one-sided choices change nothing."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.services.settings import make_admin
from meetup.communities.depth import Evening, evening_depths
from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member
from meetup.events.models import Event
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in
from meetup.events.services.registration import register
from meetup.extensions import db
from meetup.matching.models import MeetAgainChoice
from meetup.rules.models import Match, Report, ordered
from meetup.seating.depth import community_depth
from meetup.seating.models import DRAFT, Seat, Seating
from meetup.seating.services import publishing
from tests.conftest import Auth
from tests.events.conftest import host  # noqa: F401  (shared fixture)
from tests.events.helpers import event_details
from tests.matching.test_privacy import CSRF


def _evenings(n):
    return [Evening(k, f"Evening {k}", None, "Asia/Tokyo") for k in range(n)]


def _came(rows):
    """{event: [user, …]} → attendance rows, everyone checked in."""
    return [(event, user, True) for event, users in rows.items() for user in users]


# ---- The counting, by hand -------------------------------------------------


def test_regulars_came_to_three_of_the_last_six_evenings_this_one_included():
    # Person 1 comes to evenings 0, 1, 2 and 7; person 2 to every evening.
    attendance = _came({k: [2] + ([1] if k in (0, 1, 2, 7) else []) for k in range(8)})
    depths = evening_depths(_evenings(8), attendance, [], {}, {})
    # Evening 2: both have 3 of 3. Evening 7: person 1 has only 2 of evenings 2–7.
    assert [d.regulars for d in depths] == [0, 0, 2, 1, 1, 1, 1, 1]
    assert [d.came for d in depths] == [2, 2, 2, 1, 1, 1, 1, 2]


def test_first_timers_and_how_many_of_them_came_back():
    attendance = _came({0: [1, 2, 3], 1: [1, 4], 2: [4, 5], 3: [3]})
    depths = evening_depths(_evenings(4), attendance, [], {}, {})
    assert [(d.first_timers, d.returned) for d in depths] == [(3, 2), (1, 1), (1, 0), (0, 0)]


def test_who_came_is_who_was_checked_in_else_the_confirmed_seats():
    attendance = [(0, 1, True), (0, 2, False), (1, 1, False), (1, 2, False)]
    depths = evening_depths(_evenings(2), attendance, [], {}, {})
    assert [(d.came, d.checked_in) for d in depths] == [(1, True), (2, False)]


def test_pairs_who_shared_a_table_at_two_and_at_three_or_more_evenings_so_far():
    # (event, round, table, user): 1 and 2 share a table at evenings 0, 1 and 2 (twice at
    # evening 1: it counts once); 3 and 4 at evenings 0 and 2; 1 and 3 only at evening 1.
    placements = [
        (0, 0, 0, 1), (0, 0, 0, 2), (0, 0, 1, 3), (0, 0, 1, 4),
        (1, 0, 0, 1), (1, 0, 0, 2), (1, 1, 0, 1), (1, 1, 0, 2), (1, 1, 0, 3),
        (2, 0, 0, 1), (2, 0, 0, 2), (2, 0, 1, 3), (2, 0, 1, 4),
    ]  # fmt: skip
    depths = evening_depths(_evenings(3), _came({0: [1], 1: [1], 2: [1]}), placements, {}, {})
    assert [(d.pairs_twice, d.pairs_thrice) for d in depths] == [(0, 0), (1, 0), (1, 1)]


@pytest.mark.parametrize("count, shown", [(0, None), (1, None), (2, None), (3, 3), (7, 7)])
def test_matches_and_reports_below_three_are_not_shown_as_a_number(count, shown):
    [depth] = evening_depths(_evenings(1), _came({0: [1]}), [], {0: count}, {0: count})
    assert depth.matches == depth.reports == shown


# ---- A small community in the database --------------------------------------

A, B, C, D, E, F = range(6)


@pytest.fixture
def community(app, host, make_user, now):
    """Three past evenings of the host's community (90, 60 and 30 days ago) and one to come.

    1st: A B C D came; tables A B | C D, then A C | B D.
    2nd: A B C E came, D booked and stayed away; tables A B | C E.
    3rd: A B E F came; tables A B | E F, then A E | B F.
    Matches: 3 at the 1st, 2 at the 2nd, none at the 3rd. Reports: none, 1, 3."""
    people = [make_user(display_name=f"Person {'ABCDEF'[n]}") for n in range(6)]

    def evening(days_ago, came, rounds, no_shows=()):
        start = now - timedelta(days=days_ago)
        then = start - timedelta(days=7)
        details = event_details(then, starts_at=start, table_size=4, rounds=len(rounds), meet_again_days=3)
        event = hosting.create_event(host, details, now=then)
        hosting.publish_event(host, event.id, now=then)
        for n in [*came, *no_shows]:
            registration = register(people[n], event.id, goals=["learn"], intro="", acknowledged=True, now=then)
            if n in came:
                check_in(host, event.id, registration.id, now=start)
        draft = Seating(event_id=event.id, version=1, status=DRAFT, rounds=len(rounds), table_count=2)
        db.session.add(draft)
        db.session.flush()
        for r, tables in enumerate(rounds):
            for t, table in enumerate(tables):
                db.session.add_all(Seat(seating_id=draft.id, round=r, table_no=t, user_id=people[n].id) for n in table)
        db.session.commit()
        publishing.publish(host, event.id, now=start)
        return event

    first = evening(90, [A, B, C, D], [[[A, B], [C, D]], [[A, C], [B, D]]])
    second = evening(60, [A, B, C, E], [[[A, B], [C, E]]], no_shows=[D])
    third = evening(30, [A, B, E, F], [[[A, B], [E, F]], [[A, E], [B, F]]])
    hosting.create_event(host, event_details(now), now=now)  # still to come: not counted
    for event, pairs in ((first, [(A, B), (C, D), (B, D)]), (second, [(C, E), (A, C)])):
        for x, y in pairs:
            low, high = ordered(people[x].id, people[y].id)
            db.session.add(Match(user_low_id=low, user_high_id=high, event_id=event.id))
    for event, pairs in ((second, [(A, C)]), (third, [(A, F), (B, F), (E, F)])):
        for x, y in pairs:
            reporter, reported = people[x].id, people[y].id
            db.session.add(Report(event_id=event.id, reporter_id=reporter, reported_id=reported, category="selling"))
    db.session.commit()
    return first.community_id, people, (first, second, third)


def test_the_figures_of_a_community_counted_by_hand(community, now):
    community_id, _people, _evenings = community
    rows = [
        (d.came, d.regulars, d.first_timers, d.returned, d.pairs_twice, d.pairs_thrice, d.matches, d.reports)
        for d in community_depth(community_id, now)
    ]
    assert rows == [
        # came, regulars (3 of the last 6), first-timers, of whom came back, pairs at 2, at 3+, matches, reports
        (4, 0, 4, 3, 0, 0, 3, None),  # D never came back (booked the 2nd, stayed away)
        (4, 0, 1, 1, 1, 0, None, None),  # A B again; C E new; 2 matches, 1 report: fewer than 3
        (4, 2, 1, 0, 0, 1, None, 3),  # A and B came to all three, and sat together at all three
    ]


def _page(client, community_id, language="en"):
    response = client.get(f"/communities/{community_id}/depth", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _login(app, user):
    client = app.test_client()
    assert Auth(client).login(email=user.email).status_code == 302
    return client


def _table(page, caption_id) -> list[list[str]]:
    """The cells of the table with this caption, row by row (tags dropped)."""
    table = re.search(rf'<table[^>]*>\s*<caption id="{caption_id}">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


@pytest.mark.parametrize(
    "language, fewer, title",
    [("en", "fewer than 3", "Pairs who met again"), ("ja", "3件未満", "また同じテーブルになったペア")],
)
def test_the_page_shows_charts_and_tables_of_the_same_figures(app, host, community, language, fewer, title):
    community_id, _people, _evenings = community
    page = _page(_login(app, host), community_id, language)
    for chart_id in ("chart-came", "chart-returned", "chart-pairs", "chart-matches"):
        svg = re.search(rf'<svg [^>]*id="{chart_id}"[^>]*>', page).group(0)
        assert 'role="img"' in svg and f'aria-labelledby="{chart_id}-title"' in svg
        assert f'<desc id="{chart_id}-desc">' in page
    assert f'<title id="chart-pairs-title">{title}</title>' in page
    assert "<script" not in page.split("<footer")[0].split("</header>")[1]  # pygal's script is gone
    assert "style=" not in page
    came = _table(page, "table-came")
    assert [row[1:] for row in came[1:]] == [["4", "0", "4"], ["4", "0", "1"], ["4", "2", "1"]]
    assert [row[1:] for row in _table(page, "table-returned")[1:]] == [["4", "3"], ["1", "1"], ["1", "0"]]
    assert [row[1:] for row in _table(page, "table-pairs")[1:]] == [["0", "0"], ["1", "0"], ["0", "1"]]
    assert [row[1:] for row in _table(page, "table-matches")[1:]] == [["3", fewer], [fewer, fewer], [fewer, "3"]]
    assert 'scope="col"' in page and 'scope="row"' in page
    # The chart of matches and reports draws only the figures shown: 3 matches, 3 reports.
    matches_chart = re.search(r'<svg [^>]*id="chart-matches".*?</svg>', page, re.S).group(0)
    assert re.findall(r'<desc class="value">([^<]*)</desc>', matches_chart) == ["3", "3"]


def test_one_sided_choices_change_no_byte_of_the_page(app, host, community):
    """Byte for byte, but for the CSRF token of the language form (it carries the second it was made)."""
    community_id, people, evenings = community
    client = _login(app, host)
    before = CSRF.sub(r"\1CSRF\2", _page(client, community_id))
    db.session.add_all(
        MeetAgainChoice(event_id=event.id, chooser_id=people[F].id, chosen_id=people[n].id)
        for event in evenings
        for n in (A, B, E)
    )
    db.session.commit()
    assert CSRF.sub(r"\1CSRF\2", _page(client, community_id)) == before


def test_owner_co_hosts_and_site_admins_see_it_door_staff_and_others_get_not_found(
    app, host, community, make_user, now
):
    community_id, people, _evenings = community
    co_host, door, admin, stranger = (make_user() for _ in range(4))
    add_member(host, community_id, email=co_host.email, role=CO_HOST, now=now)
    add_member(host, community_id, email=door.email, role=DOOR, now=now)
    make_admin(admin.email)
    for user in (host, co_host, admin):
        assert _login(app, user).get(f"/communities/{community_id}/depth").status_code == 200
    for user in (door, stranger, people[A]):
        assert _login(app, user).get(f"/communities/{community_id}/depth").status_code == 404
    missing = db.session.scalar(select(func.max(Event.community_id))) + 1
    assert _login(app, host).get(f"/communities/{missing}/depth").status_code == 404
    assert app.test_client().get(f"/communities/{community_id}/depth").status_code == 302  # log in first


def test_the_community_page_links_the_dashboard_for_its_hosts_only(app, host, community):
    community_id, people, _evenings = community
    link = f'href="/communities/{community_id}/depth"'
    assert link in _login(app, host).get(f"/communities/{community_id}").get_data(as_text=True)
    assert link not in _login(app, people[A]).get(f"/communities/{community_id}").get_data(as_text=True)
    assert link not in app.test_client().get(f"/communities/{community_id}").get_data(as_text=True)


def test_a_community_without_past_evenings_says_so(app, host, now):
    event = hosting.create_event(host, event_details(now), now=now)
    page = _page(_login(app, host), event.community_id)
    assert "No past evenings yet." in page and "<svg" not in page


def test_the_chart_stylesheet_is_what_pygal_writes_for_the_house_style(app):
    from pathlib import Path

    from meetup.charts import stylesheet

    committed = (Path(app.static_folder) / "charts.css").read_text(encoding="utf-8")
    assert committed == stylesheet(), "run: python -m meetup.charts > static/charts.css"
