"""Demo data, loaded idempotently: a host and a community of members; a year
of monthly past evenings with published tables (regulars, newcomers, some who
come back: so people have met before, and the depth dashboard has curves), the
older ones with mutual matches revealed and last week's with its meet-again
window still open; tonight's mixer, ready for door check-in and forming tables; the
host's next evening (published, full, with a waitlist) plus a draft; and two
lottery evenings, one taking applications before its draw, one drawn (its
waitlist in draw order)."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from meetup.accounts.models import User
from meetup.accounts.services import credentials, settings, signups
from meetup.communities.models import CO_HOST, DOOR, Community
from meetup.communities.queries import hosted_communities, role_in
from meetup.communities.services import CommunityDetails, add_member, create_community, follow, update_community
from meetup.conduct.services.reports import report
from meetup.events.models import CASH, LOTTERY, Event, Registration
from meetup.events.services import events as hosting
from meetup.events.services.checkin import check_in, record_payment
from meetup.events.services.lottery import draw
from meetup.events.services.registration import register
from meetup.events.timezones import to_local, to_utc
from meetup.extensions import db
from meetup.matching.services.choices import save_choices
from meetup.matching.services.reveal import reveal_matches
from meetup.receipts.services.issuer import IssuerDetails, update_issuer
from meetup.receipts.services.issuing import issue_receipt
from meetup.seating.models import DRAFT as SEATING_DRAFT
from meetup.seating.models import Seat, Seating
from meetup.seating.queries import tables as table_queries
from meetup.seating.services import publishing
from meetup.timeutil import utcnow

DEMO_PASSWORD = "shibuya demo evening"

HOST = (
    "host@example.com",
    "山本 恵美 (Emi Yamamoto)",
    "sme-consultant",
    "Runs the monthly Shibuya professionals' mixer. Ask me about small-business support.",
)

ADMIN = ("admin@example.com", "運営 (Site admin)", "other", "Looks after the platform and its code of conduct.")

# (email, display name, industry code, introduction)
MEMBERS = [
    ("aiko.tanaka@example.com", "田中 愛子", "tax-accountant", "税理士です。中小企業の顧問をしています。"),
    ("kenji.sato@example.com", "佐藤 健二", "lawyer", "企業法務が専門の弁護士です。"),
    ("yuki.suzuki@example.com", "鈴木 由紀", "judicial-scrivener", "相続と登記を扱う司法書士です。"),
    ("hiroshi.takahashi@example.com", "高橋 浩", "administrative-scrivener", "ビザ申請が得意な行政書士です。"),
    ("mika.watanabe@example.com", "渡辺 美香", "labour-consultant", "社労士として働き方改革を支援しています。"),
    ("takeshi.ito@example.com", "伊藤 剛", "patent-attorney", "スタートアップの特許を担当する弁理士です。"),
    ("naoko.nakamura@example.com", "中村 直子", "cpa", "監査法人出身の公認会計士です。"),
    ("daisuke.kobayashi@example.com", "小林 大輔", "real-estate-appraiser", "不動産鑑定士。古民家が好きです。"),
    ("sakura.kato@example.com", "加藤 さくら", "design", "UIデザイナー。地方の小さなお店のブランドづくりも。"),
    ("ryo.yoshida@example.com", "吉田 亮", "it", "バックエンドエンジニアです。"),
    ("emi.yamada@example.com", "山田 絵美", "education", "中学校の英語教師です。"),
    ("shota.sasaki@example.com", "佐々木 翔太", "restaurant", "中目黒で小さな定食屋をやっています。"),
    ("mai.yamaguchi@example.com", "山口 舞", "healthcare", "看護師。医療と地域をつなぎたい。"),
    ("kazuki.matsumoto@example.com", "松本 和樹", "construction", "工務店の二代目です。"),
    ("ayaka.inoue@example.com", "井上 彩花", "marketing", "BtoBマーケティングを担当しています。"),
    ("tomoya.kimura@example.com", "木村 智也", "finance", "地方銀行で融資を担当しています。"),
    ("haruka.hayashi@example.com", "林 遥", "hr", "人事として採用と育成に関わっています。"),
    ("yuta.shimizu@example.com", "清水 雄太", "logistics", "物流倉庫の現場改善をしています。"),
    ("nanami.yamazaki@example.com", "山崎 七海", "care", "介護事業所を経営しています。"),
    ("sho.mori@example.com", "森 翔", "agriculture", "千葉で有機野菜を育てています。"),
    ("emma.clarke@example.com", "Emma Clarke", "education", "English teacher from Leeds, in Tokyo for six years."),
    ("lucas.martin@example.com", "Lucas Martin", "it", "Product manager at a Tokyo fintech."),
    ("priya.nair@example.com", "Priya Nair", "research", "Materials scientist at a university lab."),
    ("daniel.kim@example.com", "Daniel Kim", "hospitality", "Runs a guesthouse in Asakusa."),
    ("sofia.rossi@example.com", "Sofia Rossi", "design", "Architect and illustrator."),
    ("james.okafor@example.com", "James Okafor", "consulting", "Supply-chain consultant."),
    ("chen.wei@example.com", "陳 偉 (Chen Wei)", "manufacturing", "Quality engineer at an auto-parts maker."),
    ("anna.schmidt@example.com", "Anna Schmidt", "media", "Freelance journalist writing about Japanese crafts."),
    ("miguel.santos@example.com", "Miguel Santos", "retail", "Imports Portuguese food to Japan."),
    ("olivia.brown@example.com", "Olivia Brown", "nonprofit", "Works for a refugee-support NPO."),
]


# Readings (フリガナ) of the Japanese names, as people fill them in on their profile.
READINGS = {
    "host@example.com": "ヤマモト エミ",
    "aiko.tanaka@example.com": "タナカ アイコ",
    "kenji.sato@example.com": "サトウ ケンジ",
    "yuki.suzuki@example.com": "スズキ ユキ",
    "hiroshi.takahashi@example.com": "タカハシ ヒロシ",
    "mika.watanabe@example.com": "ワタナベ ミカ",
    "takeshi.ito@example.com": "イトウ タケシ",
    "naoko.nakamura@example.com": "ナカムラ ナオコ",
    "daisuke.kobayashi@example.com": "コバヤシ ダイスケ",
    "sakura.kato@example.com": "カトウ サクラ",
    "ryo.yoshida@example.com": "ヨシダ リョウ",
    "emi.yamada@example.com": "ヤマダ エミ",
    "shota.sasaki@example.com": "ササキ ショウタ",
    "mai.yamaguchi@example.com": "ヤマグチ マイ",
    "kazuki.matsumoto@example.com": "マツモト カズキ",
    "ayaka.inoue@example.com": "イノウエ アヤカ",
    "tomoya.kimura@example.com": "キムラ トモヤ",
    "haruka.hayashi@example.com": "ハヤシ ハルカ",
    "yuta.shimizu@example.com": "シミズ ユウタ",
    "nanami.yamazaki@example.com": "ヤマザキ ナナミ",
    "sho.mori@example.com": "モリ ショウ",
}


# Who runs the demo community with the host: a co-host and someone at the door.
CO_HOST_USER = (
    "cohost@example.com",
    "岡田 誠 (Makoto Okada)",
    "tax-accountant",
    "Co-hosts the Shibuya mixer; a tax accountant who likes a good seating plan.",
)
DOOR_USER = ("door@example.com", "受付 (Door staff)", "other", "Welcomes people at the door.")

DEMO_COMMUNITY = "渋谷 士業・異業種交流会"
DEMO_COMMUNITY_DESCRIPTION = (
    "毎月渋谷で開く、士業と異業種の交流会です。営業・勧誘はお断り。同じ顔ぶれと何度も会い、"
    "少しずつ深く話せる場をつくっています。\n"
    "A monthly mixer in Shibuya for professionals and people from every trade. No selling, no recruiting: "
    "the same faces month after month, and conversations that go deeper each time."
)


def _ensure_community(host: User) -> Community:
    """The host's community, by its demo name (one made by migration 0013 is renamed)."""
    hosted = hosted_communities(host.id)
    community = next((c for c in hosted if c.name == DEMO_COMMUNITY), None) or (hosted[0] if hosted else None)
    details = CommunityDetails(DEMO_COMMUNITY, DEMO_COMMUNITY_DESCRIPTION)
    if community is None:
        return create_community(host, details, now=utcnow())
    if (community.name, community.description) != (details.name, details.description):
        update_community(host, community.id, details)
    return community


def _ensure_user(email: str, name: str, industry: str, introduction: str) -> User:
    user = credentials.find_by_email(email)
    if user is None:
        user = signups.sign_up(
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            industry=industry,
            introduction=introduction,
            confirmed_at=utcnow(),  # demo addresses count as confirmed
        )
        user.name_reading = READINGS.get(email, "")
        db.session.commit()
    return user


DEMO_EVENT_TITLE = "渋谷 士業・異業種交流会 (Shibuya professionals' mixer)"
DEMO_CAPACITY = 24
# What every demo evening offers people to pick for the evening.
OFFERED_GOALS = ("learn", "peers", "practice-speaking", "collaborate", "share-info")
DEMO_GOALS = [
    ("learn", "peers"),
    ("learn",),
    ("collaborate", "share-info"),
    ("practice-speaking", "learn"),
    ("peers", "collaborate", "share-info"),
]
DEMO_INTROS = [
    "他業種の集客方法を聞きたい",
    "Find someone to co-host a seminar with",
    "",
    "一分間の自己紹介を練習したい",
    "Hear how other professions handle referrals",
]


def _demo_start(now: datetime) -> datetime:
    """Two weeks from now, 19:00 in Tokyo."""
    local = to_local(now + timedelta(days=14), "Asia/Tokyo").replace(tzinfo=None)
    return to_utc(local.replace(hour=19, minute=0, second=0, microsecond=0), "Asia/Tokyo")


def _ensure_demo_events(host: User, members: list[User]) -> None:
    """The host's next mixer: every seat taken, four people waiting, and next
    month's evening drafted. Created once; later runs leave it alone."""
    exists = select(Event.id).where(Event.host_id == host.id, Event.title == DEMO_EVENT_TITLE)
    if db.session.scalar(exists.limit(1)) is not None:
        return
    now = utcnow()
    start = _demo_start(now)
    event = hosting.create_event(
        host,
        hosting.EventDetails(
            title=DEMO_EVENT_TITLE,
            theme="士業交流会",
            starts_at=start,
            ends_at=start + timedelta(hours=2, minutes=30),
            capacity=DEMO_CAPACITY,
            venue="東京都渋谷区渋谷2-21-1 渋谷ヒカリエ 8F",
            area="13",
            description="税理士・弁護士・司法書士から飲食店オーナーまで。5人テーブルで3ラウンド、毎月同じ顔ぶれと深く話せる会です。\n"
            "Professionals and every industry, five to a table, three rounds. The same community every month.",
            goals=list(OFFERED_GOALS),
            conduct_extra=(
                "名刺交換は各ラウンドの最後にまとめて行います。\nBusiness cards are exchanged at the end of each round."
            ),
        ),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    for n, member in enumerate(members[: DEMO_CAPACITY + 4]):
        register(
            member,
            event.id,
            goals=list(DEMO_GOALS[n % len(DEMO_GOALS)]),
            intro=DEMO_INTROS[n % len(DEMO_INTROS)],
            acknowledged=True,
            now=now + timedelta(seconds=n),
        )
    hosting.repeat_event(host, event.id, now=now)


PAST_TITLE = "渋谷 士業・異業種交流会 {month}月 (Shibuya mixer, {month}/{year})"
TONIGHT_TITLE = "今夜の交流会 (Tonight's mixer)"
# A year of monthly evenings, four weeks apart; the last one was last week (its
# meet-again window is still open).
PAST_EVENINGS = 12
DAYS_APART = 28
# Mutual pairs revealed after each evening but the last (some under 3, which the
# depth dashboard shows as "fewer than 3"); one more person at each chose someone
# who did not choose back (and nobody will ever see that).
DEMO_MUTUAL_PAIRS = [2, 3, 4, 1, 3, 5, 2, 4, 6, 3, 4]


def _who_came(k: int) -> list[int]:
    """Who came to the k-th past evening (0: the oldest), as indices into MEMBERS:
    six regulars who each miss one evening in five, six who come two evenings in
    three, and from then on one or two newcomers a month, a third of whom stay, a
    third of whom come back once, and a third of whom never return."""
    came = [n for n in range(6) if (n + k) % 5 != 0]
    came += [n for n in range(6, 12) if (n + k) % 3 != 1]
    for n in range(12, len(MEMBERS)):
        first = (n - 12) * 2 // 3
        if k == first or n % 3 == 1 and k == first + 2 or n % 3 == 2 and k > first and (n + k) % 4 != 0:
            came.append(n)
    return came


def _seat_by_rotation(host: User, event: Event, user_ids: list[int], k: int) -> None:
    """Tables of four for each round, drawn from a seeded shuffle (the same on every
    run, and quick: the optimiser is for tonight), published as the host would."""
    people = sorted(user_ids)
    random.Random(k).shuffle(people)
    count = max(1, -(-len(people) // 4))
    draft = Seating(event_id=event.id, version=1, status=SEATING_DRAFT, rounds=event.rounds, table_count=count)
    db.session.add(draft)
    db.session.flush()
    # Round r moves the i-th person by i // count tables: nobody meets anyone twice in an evening.
    db.session.add_all(
        Seat(seating_id=draft.id, round=r, user_id=user_id, table_no=(i + r * (i // count)) % count)
        for r in range(event.rounds)
        for i, user_id in enumerate(people)
    )
    db.session.commit()
    publishing.publish(host, event.id, now=event.starts_at)


def _past_evening(host: User, members: list[User], k: int, now: datetime) -> Event:
    """The k-th evening of the past year: everyone who came checked in (and one
    who booked stayed away), tables published. Made through the services with
    the clock set back, as it happened then."""
    days_ago = 7 + DAYS_APART * (PAST_EVENINGS - 1 - k)
    start = _demo_start(now - timedelta(days=days_ago + 14))
    then = start - timedelta(days=7)
    local = to_local(start, "Asia/Tokyo")
    event = hosting.create_event(
        host,
        hosting.EventDetails(
            title=PAST_TITLE.format(month=local.month, year=local.year),
            theme="士業交流会",
            starts_at=start,
            ends_at=start + timedelta(hours=2, minutes=30),
            capacity=DEMO_CAPACITY,
            venue="東京都渋谷区渋谷2-21-1 渋谷ヒカリエ 8F",
            area="13",
            table_size=4,
            rounds=2,
            meet_again_days=14,
            goals=list(OFFERED_GOALS),
        ),
        now=then,
    )
    hosting.publish_event(host, event.id, now=then)
    came = _who_came(k)
    no_show = next(n for n in range(6, len(MEMBERS)) if n not in came and (n + k) % 2)
    for n in [*came, no_show]:
        registration = register(
            members[n],
            event.id,
            goals=list(DEMO_GOALS[n % len(DEMO_GOALS)]),
            intro=DEMO_INTROS[n % len(DEMO_INTROS)],
            acknowledged=True,
            now=then,
        )
        if n != no_show:
            check_in(host, event.id, registration.id, now=start)
    _seat_by_rotation(host, event, [members[n].id for n in came], k)
    return event


def _choose_and_reveal(event: Event, users: dict[int, User], pairs: int, matched: set) -> None:
    """After the evening: ``pairs`` pairs of tablemates (never matched before)
    choose each other, one person chooses without being chosen back, and the
    window closes."""
    published = table_queries.current_seatings(event.id)[1]
    tables = [table for tables in table_queries.grid(published) for table in tables]
    chosen: dict[int, set[int]] = {}
    for table in tables:
        pair = frozenset(table[:2])
        if len(pair) == 2 and pair not in matched and not pair & set(chosen) and pairs > 0:
            a, b = sorted(pair)
            chosen[a], chosen[b] = {b}, {a}
            matched.add(pair)
            pairs -= 1
    lonely, wanted = next((t[2], t[3]) for t in tables if len(t) >= 4 and not {t[2], t[3]} & set(chosen))
    chosen[lonely] = {wanted}
    after = event.ends_at + timedelta(hours=12)
    for user_id, others in sorted(chosen.items()):
        save_choices(users[user_id], event.id, sorted(others), now=after)
    reveal_matches(event.id, now=event.ends_at + timedelta(days=event.meet_again_days, minutes=1))


def _ensure_history(host: User, members: list[User]) -> None:
    """A year of the community's evenings, and the matches they led to."""
    if db.session.scalar(select(Event.id).where(Event.host_id == host.id, Event.ends_at < utcnow()).limit(1)):
        return
    now = utcnow()
    users = {member.id: member for member in members}
    matched: set = set()
    for k in range(PAST_EVENINGS):
        event = _past_evening(host, members, k, now)
        if event.ends_at + timedelta(days=event.meet_again_days) < now:
            _choose_and_reveal(event, users, DEMO_MUTUAL_PAIRS[k], matched)
    _report_a_seller(event, users)


def _report_a_seller(event: Event, users: dict[int, User]) -> None:
    """Last week someone pitched insurance at a table: a tablemate reported
    it, and the report waits in the host's queue."""
    table = table_queries.grid(table_queries.current_seatings(event.id)[1])[0][-1]
    reporter, seller = users[table[0]], users[table[1]]
    report(
        reporter,
        event.id,
        seller.id,
        category="selling",
        round_=0,
        table_no=0,
        description="名刺交換のあと、しつこく保険の勧誘をされました。\n"
        "After swapping cards he kept pushing an insurance product on me.",
        now=event.ends_at + timedelta(hours=3),
    )


def _ensure_tonight(host: User, members: list[User]) -> None:
    """Tonight's mixer, two hours from when the demo was loaded, ¥3,000 at
    the door: the host can check people in (by name or ticket), take walk-ins
    and payment, form tables and run the rounds."""
    if db.session.scalar(select(Event.id).where(Event.host_id == host.id, Event.title == TONIGHT_TITLE).limit(1)):
        return
    now = utcnow()
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    event = hosting.create_event(
        host,
        hosting.EventDetails(
            title=TONIGHT_TITLE,
            theme="異業種交流会",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=20,
            venue="東京都港区六本木6-10-1",
            area="13",
            table_size=4,
            rounds=3,
            goals=list(OFFERED_GOALS),
            fee_yen=3000,
            fee_note="ワンドリンク付き",
        ),
        now=now,
    )
    hosting.publish_event(host, event.id, now=now)
    for n in range(0, 18):
        register(
            members[n],
            event.id,
            goals=list(DEMO_GOALS[n % len(DEMO_GOALS)]),
            intro=DEMO_INTROS[n % len(DEMO_INTROS)],
            acknowledged=True,
            now=now,
        )


LOTTERY_OPEN_TITLE = "抽選の交流会 (Lottery mixer)"
LOTTERY_DRAWN_TITLE = "抽選済みの交流会 (Drawn mixer)"


def _ensure_lotteries(host: User, members: list[User]) -> None:
    """Two popular evenings given by lottery: one taking applications, drawn four
    days from now; one drawn yesterday, more applications than seats, so some
    wait in draw order. Created once; later runs leave them alone."""
    now = utcnow()
    titles = select(Event.id).where(
        Event.host_id == host.id, Event.title.in_((LOTTERY_OPEN_TITLE, LOTTERY_DRAWN_TITLE))
    )
    if db.session.scalar(titles.limit(1)) is not None:
        return
    for title, start, draw_at, capacity, applicants in (
        (LOTTERY_OPEN_TITLE, _demo_start(now + timedelta(days=7)), now + timedelta(days=4), 12, members[2:9]),
        (LOTTERY_DRAWN_TITLE, _demo_start(now - timedelta(days=4)), now - timedelta(days=1), 8, members[10:24]),
    ):
        then = min(now, draw_at) - timedelta(days=3)  # the drawn one took its applications last week
        event = hosting.create_event(
            host,
            hosting.EventDetails(
                title=title,
                theme="異業種交流会",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=capacity,
                venue="東京都渋谷区道玄坂1-2-3",
                area="13",
                table_size=4,
                goals=list(OFFERED_GOALS),
                description="人気の回のため抽選です。応募の早さは関係ありません。\n"
                "A popular evening, so seats are drawn by lot: applying early makes no difference.",
                admission=LOTTERY,
                draw_at=draw_at.replace(second=0, microsecond=0),
            ),
            now=then,
        )
        hosting.publish_event(host, event.id, now=then)
        for n, member in enumerate(applicants):
            register(
                member,
                event.id,
                goals=list(DEMO_GOALS[n % len(DEMO_GOALS)]),
                intro=DEMO_INTROS[n % len(DEMO_INTROS)],
                acknowledged=True,
                now=then + timedelta(minutes=n),
            )
        if draw_at <= now:
            draw(event.id, now=draw_at)


# Members (indices into MEMBERS) who follow the community: regulars, and two
# who have not registered for anything yet, so the worker announces the
# community's new evenings to them.
DEMO_FOLLOWERS = (0, 3, 7, 12, 22, 28, 29)


def _ensure_followers(community: Community, members: list[User]) -> None:
    for n in DEMO_FOLLOWERS:
        follow(members[n], community.id, now=utcnow())  # following again changes nothing


DEMO_ISSUER = IssuerDetails(
    "渋谷 士業交流会 運営事務局",
    "東京都渋谷区渋谷2-21-1 渋谷ヒカリエ 8F",
    "T1234567890123",  # fictional, well-formed
)
DEMO_FEE = 3000
DEMO_ADDRESSEES = ("株式会社サンプル商事 御中", "{name} 様", "サンプル税理士事務所 御中")


def _ensure_receipts(host: User, community: Community) -> None:
    """The community issues receipts with a (fictional) registration number, and
    last week's evening had a fee: everyone paid at the door, and three of them
    have their receipt already (so the host's download-all and an attendee's
    再発行 copy can be tried)."""
    if community.invoice_number is None:
        update_issuer(host, community.id, DEMO_ISSUER)
    if community.receipts_issued:
        return
    last = db.session.scalars(
        select(Event)
        .where(Event.community_id == community.id, Event.ends_at < utcnow())
        .order_by(Event.starts_at.desc())
    ).first()
    if last is None:
        return
    last.fee_yen = DEMO_FEE
    db.session.commit()
    came = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == last.id, Registration.checked_in_at.is_not(None))
        .order_by(Registration.id)
    ).all()
    for registration in came:
        record_payment(host, last.id, registration.id, CASH, now=registration.checked_in_at)
    for registration, addressee in zip(came, DEMO_ADDRESSEES, strict=False):
        name = addressee.format(name=registration.user.display_name)
        issue_receipt(registration.user, last.id, name, now=last.ends_at + timedelta(days=1))


def load_demo() -> list[tuple[str, str, str]]:
    """Create whatever demo data is missing; return (role, email, name) log-ins."""
    logins = []
    host = _ensure_user(*HOST)
    logins.append(("host", host.email, host.display_name))
    admin = _ensure_user(*ADMIN)
    if not admin.is_admin:
        settings.make_admin(admin.email)
    logins.append(("admin", admin.email, admin.display_name))
    community = _ensure_community(host)
    for role, entry in ((CO_HOST, CO_HOST_USER), (DOOR, DOOR_USER)):
        helper = _ensure_user(*entry)
        if role_in(helper, community.id) != role:
            add_member(host, community.id, email=helper.email, role=role, now=utcnow())
        logins.append((role, helper.email, helper.display_name))
    members = []
    for entry in MEMBERS:
        member = _ensure_user(*entry)
        members.append(member)
        logins.append(("member", member.email, member.display_name))
    _ensure_followers(community, members)
    _ensure_history(host, members)
    _ensure_receipts(host, community)
    _ensure_tonight(host, members)
    _ensure_demo_events(host, members)
    _ensure_lotteries(host, members)
    return logins
