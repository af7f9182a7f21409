"""Name tags: a tag for everyone seated, with each round's table, in the
order a host looks for them at the door; and who may print them."""

import pytest

from meetup.extensions import db
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import edits, forming, publishing

# (display name, reading): readings in katakana as profiles store them, one
# person with none (sorted by the name itself, hiragana as katakana).
CAST = [
    ("渡辺 健", "ワタナベ ケン"),
    ("Aiko Tanaka", "タナカ アイコ"),
    ("伊藤 美咲", "イトウ ミサキ"),
    ("さとう ゆい", ""),
    ("加藤 翔", "カトウ ショウ"),
    ("Ben Adams", ""),
    ("小林 遥", "コバヤシ ハルカ"),
    ("山本 大輔", "ヤマモト ダイスケ"),
]
IN_READING_ORDER = [
    "Ben Adams",
    "伊藤 美咲",
    "加藤 翔",
    "小林 遥",
    "さとう ゆい",
    "Aiko Tanaka",
    "山本 大輔",
    "渡辺 健",
]


@pytest.fixture
def cast_evening(evening, make_user):
    users = []
    for n, (name, reading) in enumerate(CAST):
        user = make_user(display_name=name, industry="other" if n == 0 else "design", industry_other="Sake brewer")
        user.name_reading = reading
        users.append(user)
    db.session.commit()
    return evening(users=users, rounds=3)


def test_every_seated_person_has_a_tag_with_their_table_in_every_round_sorted_by_reading(cast_evening, host):
    event, users = cast_evening
    forming.form_tables(host, event.id)
    edits.rename_tables(host, event.id, ["", "窓際"])
    seating = table_queries.working_seating(event.id)
    tags = table_queries.name_tags(seating)
    assert [tag.display_name for tag in tags] == IN_READING_ORDER
    table_of = {}
    for round_, tables in enumerate(table_queries.grid(seating)):
        for table_no, people in enumerate(tables):
            for user_id in people:
                table_of[user_id, round_] = ["A", "窓際"][table_no]
    for tag in tags:
        assert tag.tables == [table_of[tag.user_id, r] for r in range(3)]
    watanabe = tags[-1]
    assert (watanabe.reading, watanabe.industry, watanabe.industry_other) == ("ワタナベ ケン", "other", "Sake brewer")


def test_tags_follow_the_draft_while_the_host_prepares_then_the_published_tables(cast_evening, host, now):
    event, users = cast_evening
    forming.form_tables(host, event.id)
    published = publishing.publish(host, event.id, now=now)
    [table_a, table_b] = table_queries.grid(published)[0]
    edits.swap_people(host, event.id, 0, table_a[0], table_b[0], confirmed=True)
    tags = {tag.user_id: tag for tag in table_queries.name_tags(table_queries.working_seating(event.id))}
    assert tags[table_a[0]].tables[0] == "B" and tags[table_b[0]].tables[0] == "A"
    publishing.publish(host, event.id, now=now)
    tags = {tag.user_id: tag for tag in table_queries.name_tags(table_queries.working_seating(event.id))}
    assert tags[table_a[0]].tables[0] == "B"


def test_a_name_measures_kanji_and_kana_as_two_columns():
    tag = table_queries.NameTag(0, "山田 Taro", "", "it", "", [])
    assert tag.name_columns == 2 + 2 + 1 + 4


@pytest.mark.parametrize(
    "language, texts",
    [
        ("en", ["Name tags", "Round 3", "Print on A4 name-card sheets of 10"]),
        ("ja", ["名札", "ラウンド3", "A4の名刺用紙"]),
    ],
)
def test_the_host_prints_name_tags_in_their_language(client, auth, cast_evening, host, language, texts):
    event, users = cast_evening
    host.language = language
    db.session.commit()
    forming.form_tables(host, event.id)
    auth.login(email="host@example.com")
    html = client.get(f"/events/{event.id}/tables/name-tags").get_data(as_text=True)
    for text in texts:
        assert text in html
    assert html.count('class="name-tag"') == len(CAST)
    positions = [html.index(name) for name in IN_READING_ORDER]
    assert positions == sorted(positions)
    assert '<p class="tag-reading" lang="ja">ワタナベ ケン</p>' in html
    assert "Sake brewer" in html
    tables = client.get(f"/events/{event.id}/tables").get_data(as_text=True)
    assert f'href="/events/{event.id}/tables/name-tags"' in tables


def test_only_the_host_reaches_the_name_tags(client, auth, evening, host, make_user):
    event, users = evening(people=8)
    path = f"/events/{event.id}/tables/name-tags"
    auth.login(email="host@example.com")
    assert client.get(path).status_code == 404  # no tables formed yet: nothing to print
    forming.form_tables(host, event.id)
    assert client.get(path).status_code == 200
    auth.logout()
    assert client.get(path).status_code == 302  # log in first
    for email in (users[0].email, make_user(email="other@example.com").email):
        auth.login(email=email)  # an attendee of the evening, then a stranger
        assert client.get(path).status_code == 404
        auth.logout()
