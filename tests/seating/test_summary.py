"""The host's tables in one sentence, on seatings the engine really formed,
in both languages."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from meetup.extensions import db
from meetup.rules.models import Match
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming, publishing
from meetup.seating.summary import summary_sentence


def sentence(event, language: str) -> str:
    view, _ = table_queries.host_overview(event)
    with force_locale(language):
        return summary_sentence(view)


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "en",
            "No pairs asked to meet again, nobody sits with someone they met before, "
            "industries are mixed at every table, and nobody meets anyone twice.",
        ),
        (
            "ja",
            "「また会いたい」が一致した組はなし、以前同席した人どうしの同席なし、"
            "どのテーブルも業種が混在、同じ人との同席は一度きり。",
        ),
    ],
)
def test_a_first_evening_reads_as_new_faces_at_mixed_tables(evening, host, language, expected):
    event, _ = evening(people=16, rounds=2)  # six industries: four tables of four
    forming.form_tables(host, event.id)
    assert sentence(event, language) == expected


@pytest.fixture
def returning_four(evening, host, make_user, now):
    """Four people who shared a table last month, two of whom chose each
    other; tonight they are again four at one table, for two rounds. Two
    are lawyers, two designers."""
    users = [
        make_user(display_name=name, industry=industry)
        for name, industry in (("Aoki", "lawyer"), ("Baba", "lawyer"), ("Chiba", "design"), ("Doi", "design"))
    ]
    last_month, _ = evening(users=users, rounds=1)
    publishing.publish(host, forming.form_tables(host, last_month.id).event_id, now=now)
    a, b = users[0], users[1]
    db.session.add(Match(user_low_id=min(a.id, b.id), user_high_id=max(a.id, b.id), event_id=last_month.id))
    db.session.commit()
    tonight, _ = evening(users=users, rounds=2, checked_in=False, starts_at=last_month.starts_at + timedelta(days=28))
    return tonight, users


@pytest.mark.parametrize(
    "language, expected",
    [
        (
            "en",
            "1 pair who asked to meet again is reunited, 5 pairs who met before sit together again, "
            "2 tables have two people of the same industry, and 6 pairs meet more than once tonight.",
        ),
        (
            "ja",
            "「また会いたい」が一致した1組が再会、以前同席した5組が再び同席、"
            "同業種どうしが同席するテーブルが2卓、6組が今夜2回以上同席。",
        ),
    ],
)
def test_reunions_shared_industries_and_repeats_are_counted_once_per_pair(returning_four, host, language, expected):
    tonight, _ = returning_four
    seating = forming.form_tables(host, tonight.id)
    # The score counts every round a pair shares; the sentence counts the pair.
    assert seating.breakdown["mutual_pairs"]["count"] == 2
    assert sentence(tonight, language) == expected


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "No pairs who asked to meet again sit together"),
        ("ja", "「また会いたい」が一致した組の同席なし"),
    ],
)
def test_a_pair_who_asked_to_meet_again_seated_apart_is_counted_not_named(
    evening, host, make_user, now, language, expected
):
    users = [make_user(display_name=f"Person {n}", industry="it") for n in range(8)]
    last_month, _ = evening(users=users, rounds=1)
    seating = publishing.publish(host, forming.form_tables(host, last_month.id).event_id, now=now)
    a, b = table_queries.grid(seating)[0][0][:2]
    db.session.add(Match(user_low_id=min(a, b), user_high_id=max(a, b), event_id=last_month.id))
    db.session.commit()
    tonight, _ = evening(users=users, rounds=1, checked_in=False, starts_at=last_month.starts_at + timedelta(days=28))
    tables = table_queries.grid(forming.form_tables(host, tonight.id))[0]
    assert any({a, b} <= set(table) for table in tables)  # the engine reunites them
    [other_table] = [table for table in tables if a not in table]
    edits.swap_people(host, tonight.id, 0, b, other_table[0])  # the host seats them apart

    text = sentence(tonight, language)
    assert text.startswith(expected)
    assert not any(user.display_name in text for user in users)
