"""Migrations on real databases: an empty one goes all the way up (and down),
one holding data at the previous revision reaches head without losing a row,
and what a revision fills in for existing rows (0007: each queued mail's
Message-ID; 0010: existing accounts confirmed; 0011: a ticket code for every
registration) is there.

Each test works on a scratch database of the suite's kind (SQLite file or a
PostgreSQL database of its own), never on the suite's database.
"""

import itertools
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from meetup.extensions import db
from tests.filler import fill
from tests.scratch import scratch_database


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def previous_revision() -> str:
    """The revision just before head, from the scripts (never hard-coded)."""
    head = script_directory().get_revision(script_directory().get_current_head())
    assert isinstance(head.down_revision, str), "head merges branches; pick which parent to test from"
    return head.down_revision


def schema_differences(connection) -> list:
    return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def user_tables(connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names()) - {"alembic_version"}


def primary_keys(connection, metadata: sa.MetaData) -> dict[str, set[tuple]]:
    found = {}
    for table in metadata.sorted_tables:
        if table.name != "alembic_version":
            columns = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = set(connection.execute(sa.select(*columns)).all())
    return found


def test_an_empty_database_upgrades_to_head_and_back_down(make_app, database_url, tmp_path):
    with scratch_database(database_url, "meetup_migration_test", tmp_path) as url:
        app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                assert schema_differences(connection) == []
                assert user_tables(connection) == set(db.metadata.tables)
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert user_tables(connection) == set()
            upgrade()
            with db.engine.connect() as connection:
                assert schema_differences(connection) == []
            db.engine.dispose()


def test_data_at_the_previous_revision_survives_the_upgrade_to_head(make_app, database_url, tmp_path):
    with scratch_database(database_url, "meetup_migration_test", tmp_path) as url:
        app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=previous_revision())
            old_schema = sa.MetaData()
            with db.engine.begin() as connection:
                old_schema.reflect(connection)
                # The models' CHECKs stand for what the app wrote before they existed.
                counts = fill(connection, old_schema, rules=db.metadata)
            empty = sorted(name for name, count in counts.items() if name != "alembic_version" and count == 0)
            assert empty == [], f"the filler could not put a row into {empty}"
            with db.engine.connect() as connection:
                before = primary_keys(connection, old_schema)

            upgrade()

            with db.engine.connect() as connection:
                after = primary_keys(connection, old_schema)
                assert schema_differences(connection) == []
            db.engine.dispose()
    lost = {table: before[table] - after[table] for table in before if before[table] - after[table]}
    assert lost == {}


def filled_then_upgraded(make_app, database_url, tmp_path, *, revision: str, table: str, query: str, prepare=None):
    """Rows of ``table`` filled in at the revision before ``revision`` (and then
    changed by ``prepare(connection)``, if given), read with ``query`` once
    ``revision`` ran: (how many were filled, the rows)."""
    with scratch_database(database_url, "meetup_migration_test", tmp_path) as url:
        app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=script_directory().get_revision(revision).down_revision)
            old_schema = sa.MetaData()
            with db.engine.begin() as connection:
                old_schema.reflect(connection)
                filled = fill(connection, old_schema, rules=db.metadata)[table]
                if prepare is not None:
                    prepare(connection)
            upgrade(revision=revision)
            with db.engine.connect() as connection:
                rows = connection.execute(sa.text(query)).all()
            db.engine.dispose()
    return filled, rows


def test_queued_mail_gets_a_message_id_of_its_own_and_no_claim_at_0007(make_app, database_url, tmp_path):
    queued, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0007",
        table="outbox_messages",
        query="SELECT message_id, claimed_until, set_aside_at FROM outbox_messages",
    )
    assert len(rows) == queued > 0
    message_ids = [message_id for message_id, _, _ in rows]
    assert len(set(message_ids)) == len(rows)
    assert all(re.fullmatch(r"<outbox-\d+\.[0-9a-f]{32}@meetup\.localhost>", message_id) for message_id in message_ids)
    assert {(claimed, set_aside) for _, claimed, set_aside in rows} == {(None, None)}


def test_accounts_made_before_0010_count_as_confirmed_from_their_sign_up(make_app, database_url, tmp_path):
    people, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0010",
        table="users",
        query="SELECT created_at, email_confirmed_at FROM users",
    )
    assert len(rows) == people > 0
    assert all(confirmed == created for created, confirmed in rows)


def test_registrations_made_before_0011_get_a_ticket_code_of_their_own(make_app, database_url, tmp_path):
    registered, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0011",
        table="registrations",
        query="SELECT ticket_code, walk_in, paid_at, payment_method FROM registrations",
    )
    assert len(rows) == registered > 0
    codes = [code for code, _, _, _ in rows]
    assert len(set(codes)) == len(rows)
    assert all(re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}", code) for code in codes)
    assert {(bool(walk_in), paid_at, method) for _, walk_in, paid_at, method in rows} == {(False, None, None)}


def test_every_event_moves_into_a_community_its_host_owns_at_0013(make_app, database_url, tmp_path):
    """0013 keeps every event and registration; each host with events gets one
    community, named after them and owned by them, holding all their events."""
    held, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0013",
        table="events",
        query="SELECT e.id, e.host_id, e.community_id, c.name, u.display_name, m.user_id, m.role,"
        " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id)"
        " FROM events e JOIN communities c ON c.id = e.community_id JOIN users u ON u.id = e.host_id"
        " JOIN community_members m ON m.community_id = c.id AND m.role = 'owner'",
    )
    assert len(rows) == held > 0  # every event, each in a community (inner joins)
    assert sum(registered for *_, registered in rows) > 0
    assert all(owner == host and role == "owner" for _, host, _, _, _, owner, role, _ in rows)
    assert all(name == display_name.strip()[:80] for _, _, _, name, display_name, *_ in rows)
    community_of = {host: community for _, host, community, *_ in rows}
    assert all(community == community_of[host] for _, host, community, *_ in rows)
    assert len(set(community_of.values())) == len(community_of)  # one community per host


def test_evenings_published_before_0014_count_as_announced_and_keep_their_place(make_app, database_url, tmp_path):
    """Upgrading never mails followers about an old evening; an evening with only an
    online link is found under "online", every other one's area stays unknown."""
    held, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0014",
        table="events",
        query="SELECT state, published_at, created_at, announced_at, venue, online_url, area FROM events",
    )
    assert len(rows) == held > 0
    for state, published_at, created_at, announced_at, venue, online_url, area in rows:
        assert announced_at == (None if state == "draft" else published_at or created_at)
        assert area == ("online" if venue == "" and online_url != "" else None)


def test_every_ban_moves_into_the_community_of_its_report_or_its_host_at_0015(make_app, database_url, tmp_path):
    """0015 keeps every ban; each belongs to the community of the evening its report was
    about, or else to the one its host owns."""
    held, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0015",
        table="bans",
        query="SELECT b.community_id,"
        " (SELECT e.community_id FROM reports r JOIN events e ON e.id = r.event_id WHERE r.id = b.report_id),"
        " (SELECT m.community_id FROM community_members m WHERE m.user_id = b.host_id AND m.role = 'owner')"
        " FROM bans b",
    )
    assert len(rows) == held > 0
    assert all(community == (of_report or owned) for community, of_report, owned in rows)
    assert any(community is not None for community, _, _ in rows)


def test_evenings_before_0016_stay_first_come_and_registrations_may_then_apply(make_app, database_url, tmp_path):
    """0016 leaves every evening first come, without a fee note or a draw, and every
    registration as it was; the widened status check then takes a lottery application
    (on SQLite the table's definition was edited in place) and still refuses nonsense."""
    with scratch_database(database_url, "meetup_migration_test", tmp_path) as url:
        app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0015")
            old_schema = sa.MetaData()
            with db.engine.begin() as connection:
                old_schema.reflect(connection)
                filled = fill(connection, old_schema, rules=db.metadata)
                statuses = connection.execute(sa.text("SELECT id, status FROM registrations ORDER BY id")).all()
            upgrade(revision="0016")
            with db.engine.begin() as connection:
                events = connection.execute(
                    sa.text("SELECT admission, fee_note, draw_at, drawn_at, draw_seed FROM events")
                ).all()
                assert len(events) == filled["events"] > 0
                assert set(events) == {("first-come", "", None, None, None)}
                assert connection.execute(sa.text("SELECT id, status FROM registrations ORDER BY id")).all() == statuses
                applied = connection.execute(
                    sa.text("UPDATE registrations SET status = 'applied' WHERE checked_in_at IS NULL")
                ).rowcount
                assert applied > 0
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE registrations SET status = 'maybe'"))
            db.engine.dispose()


def test_receipts_issued_before_0017_keep_the_title_date_and_zone_of_their_evening(make_app, database_url, tmp_path):
    """0017 copies each receipt's evening into it: its title, the date it was held where it was
    held (16:00 UTC on 4 December is the 5th in Tokyo, still the 4th in New York), and its time
    zone, so a copy printed after the evening is renamed reads the same."""
    zones = ["Asia/Tokyo", "America/New_York", "Not/AZone"]
    starts = datetime(2026, 12, 4, 16, 0)

    def spread_over_zones(connection):
        event_ids = connection.execute(sa.text("SELECT id FROM events ORDER BY id")).scalars().all()
        for event_id, zone in zip(event_ids, itertools.cycle(zones)):
            connection.execute(
                sa.text(
                    "UPDATE events SET timezone = :zone, starts_at = :starts, ends_at = :ends,"
                    " registration_deadline = :starts WHERE id = :id"
                ),
                {"zone": zone, "starts": starts, "ends": starts + timedelta(hours=2), "id": event_id},
            )

    filled, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0017",
        table="receipts",
        query="SELECT r.evening_title, r.evening_on, r.timezone, e.title, e.timezone FROM receipts r"
        " JOIN registrations g ON g.id = r.registration_id JOIN events e ON e.id = g.event_id",
        prepare=spread_over_zones,
    )
    assert len(rows) == filled > 0
    expected = {"Asia/Tokyo": ("Asia/Tokyo", "2026-12-05"), "America/New_York": ("America/New_York", "2026-12-04")}
    # A zone tzdata does not know (the app never stored one) is read as the app's default.
    expected["Not/AZone"] = expected["Asia/Tokyo"]
    for title, held_on, zone, event_title, event_zone in rows:
        assert (title, zone, str(held_on)) == (event_title, *expected[event_zone])
    assert {event_zone for *_, event_zone in rows} != {"Asia/Tokyo"}, "the filler gave every receipt one evening"


def test_registrations_with_a_receipt_keep_their_payment_from_0018(make_app, database_url, tmp_path):
    """0018 marks exactly the registrations a receipt was issued for."""

    def one_without_a_receipt(connection):
        connection.execute(sa.text("DELETE FROM receipts WHERE id = (SELECT min(id) FROM receipts)"))

    filled, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0018",
        table="registrations",
        query="SELECT g.receipt_issued, EXISTS (SELECT 1 FROM receipts r WHERE r.registration_id = g.id)"
        " FROM registrations g",
        prepare=one_without_a_receipt,
    )
    assert len(rows) == filled > 0
    assert all(bool(marked) == bool(has_receipt) for marked, has_receipt in rows)
    assert {bool(marked) for marked, _ in rows} == {True, False}


def test_evenings_drawn_before_0019_count_the_seats_their_draw_confirmed(make_app, database_url, tmp_path):
    """0019 rebuilds how many seats each past draw gave from the seats it confirmed at the instant
    it ran (a seat confirmed later came from the waitlist); evenings not drawn stay NULL."""
    drawn_at, later = datetime(2026, 11, 1, 3, 0), datetime(2026, 11, 1, 4, 0)
    ids = {}

    def one_draw(connection):
        # Two people applied to one evening: the draw seated the first, the second got a seat later.
        first, second = connection.execute(
            sa.text("SELECT min(id) FROM registrations GROUP BY user_id ORDER BY min(id) LIMIT 2")
        ).scalars()
        ids["drawn"] = connection.execute(
            sa.text("SELECT event_id FROM registrations WHERE id = :id"), {"id": first}
        ).scalar()
        values = {"at": drawn_at, "later": later, "first": first, "second": second, **ids}
        for statement in (
            "UPDATE events SET drawn_at = NULL",
            "UPDATE events SET drawn_at = :at WHERE id = :drawn",
            "UPDATE registrations SET draw_position = NULL",
            "UPDATE registrations SET event_id = :drawn, draw_position = 1, confirmed_at = :at WHERE id = :first",
            "UPDATE registrations SET event_id = :drawn, draw_position = 2, confirmed_at = :later WHERE id = :second",
        ):
            connection.execute(sa.text(statement), values)

    _, rows = filled_then_upgraded(
        make_app,
        database_url,
        tmp_path,
        revision="0019",
        table="events",
        query="SELECT id, draw_seats FROM events",
        prepare=one_draw,
    )
    seats = dict(rows)
    assert seats.pop(ids["drawn"]) == 1
    assert set(seats.values()) == {None}
