"""Door search finds people however the host types them (issue 16, item 1):
name or フリガナ, any kana and width, spaces of any kind, romaji in Hepburn,
Kunrei-shiki or passport spelling."""

import pytest

from meetup.events.models import WAITLISTED
from meetup.events.queries.attendees import SEARCH_LIMIT, search_attendees
from meetup.extensions import db

# Display name, reading (フリガナ as stored: katakana, "" for none).
PEOPLE = [
    ("山田 絵美", "ヤマダ エミ"),
    ("山本 健一", "ヤマモト ケンイチ"),
    ("佐藤 翔太", "サトウ ショウタ"),
    ("大野 千鶴", "オオノ チヅル"),
    ("本間 優子", "ホンマ ユウコ"),
    ("藤井 純", "フジイ ジュン"),
    ("大橋 進也", "オオハシ シンヤ"),
    ("高橋一郎", "タカハシ イチロー"),
    ("Lisa Brown", ""),
    ("木村 正", ""),
]


@pytest.fixture
def door(event, make_user, sign_up_for):
    for name, reading in PEOPLE:
        user = make_user(display_name=name)
        user.name_reading = reading
        sign_up_for(event, user)
    db.session.commit()
    return event


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        # The six ways of typing 山田 絵美 from the issue.
        ("山田", ["山田 絵美"]),
        ("山田絵美", ["山田 絵美"]),
        ("山田\u3000絵美", ["山田 絵美"]),
        ("やまだ", ["山田 絵美"]),
        ("ﾔﾏﾀﾞ", ["山田 絵美"]),
        ("yamada", ["山田 絵美"]),
        # Given name, the whole name, either order, width, case.
        ("絵美", ["山田 絵美"]),
        ("emi", ["山田 絵美"]),
        ("yamada emi", ["山田 絵美"]),
        ("yamadaemi", ["山田 絵美"]),
        ("Emi Yamada", ["山田 絵美"]),
        ("ＹＡＭＡＤＡ\u3000ＥＭＩ", ["山田 絵美"]),
        ("ﾔﾏﾀﾞ ｴﾐ", ["山田 絵美"]),
        ("やまだえみ", ["山田 絵美"]),
        ("ヤマダ\u3000\u3000エミ", ["山田 絵美"]),
        ("yama", ["山本 健一", "山田 絵美"]),
        ("山", ["山本 健一", "山田 絵美"]),
        # Not a prefix of anyone's name, or another name altogether.
        ("yamamoto", ["山本 健一"]),
        ("yamadx", []),
        ("田", []),
        ("emiko", []),
        ("tanaka", []),
        # ん before a vowel: Hepburn, n', nn, and Kunrei's ti.
        ("kenichi", ["山本 健一"]),
        ("ken'ichi", ["山本 健一"]),
        ("kennichi", ["山本 健一"]),
        ("keniti", ["山本 健一"]),
        # Long vowels: o, ou, oo, oh, ō; ー in the reading.
        ("sato", ["佐藤 翔太"]),
        ("satou", ["佐藤 翔太"]),
        ("satoh", ["佐藤 翔太"]),
        ("satoo", ["佐藤 翔太"]),
        ("Satō", ["佐藤 翔太"]),
        ("ono", ["大野 千鶴"]),
        ("ohno", ["大野 千鶴"]),
        ("oono", ["大野 千鶴"]),
        ("ichiro", ["高橋一郎"]),
        ("ichirou", ["高橋一郎"]),
        ("takahashi ichiro", ["高橋一郎"]),
        # Kunrei-shiki and Nihon-shiki: si, ti, tu, hu, zi, sy, zy, di/du.
        ("syouta", ["佐藤 翔太"]),
        ("shota", ["佐藤 翔太"]),
        ("tizuru", ["大野 千鶴"]),
        ("tiduru", ["大野 千鶴"]),
        ("chizuru", ["大野 千鶴"]),
        ("huzii", ["藤井 純"]),
        ("fujii", ["藤井 純"]),
        ("zyun", ["藤井 純"]),
        ("sinya", ["大橋 進也"]),
        # Hepburn's m before b/m/p, and ohashi is おはし's spelling too.
        ("homma", ["本間 優子"]),
        ("honma yuko", ["本間 優子"]),
        ("yuuko", ["本間 優子"]),
        ("ohashi", ["大橋 進也"]),
        ("oohashi", ["大橋 進也"]),
        # Nobody without a reading is lost: found by their name.
        ("lisa", ["Lisa Brown"]),
        ("brown", ["Lisa Brown"]),
        ("ＬＩＳＡ", ["Lisa Brown"]),
        ("木村", ["木村 正"]),
        ("正", ["木村 正"]),
        ("kimura", []),
        # Nothing to look for.
        ("\u3000", []),
        ("%", []),
        ("-", []),
    ],
)
def test_door_search_finds_people_however_they_are_typed(door, typed, found):
    assert [r.user.display_name for r in search_attendees(door.id, typed)] == found


def test_confirmed_people_come_first_then_by_name_and_at_most_twenty(make_event, make_user, sign_up_for):
    event = make_event(capacity=3)
    names = [f"Yamada {n:02d}" for n in range(30, 0, -1)]
    for name in names:
        sign_up_for(event, make_user(display_name=name))
    found = search_attendees(event.id, "yamada")
    assert len(found) == SEARCH_LIMIT
    assert [r.user.display_name for r in found[:3]] == ["Yamada 28", "Yamada 29", "Yamada 30"]
    assert all(r.status == WAITLISTED for r in found[3:])
    assert [r.user.display_name for r in found[3:]] == sorted(names[3:])[: SEARCH_LIMIT - 3]
